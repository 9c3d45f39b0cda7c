"""The people directory: who works on the platform (members' staff, regional delegates and trainers,
fund reviewers, auditors, national staff), their invitations, roles and sign-in."""
