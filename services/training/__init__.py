"""The training service: the Fonds Mutualisés Solidaires calls for projects, their applications,
eligibility, scoring, award decisions and their review, and settlement."""
