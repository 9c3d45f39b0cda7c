"""The training service's notification log, and the membership log it follows for its copy of the
register (it never imports the membership service: it reads its published events, decoded into its
contract `shared.contracts.membership`)."""

from shared.projection import EventLog

SCHEMA = "training"
TRAINING_LOG = EventLog(schema=SCHEMA, table="training_events")
MEMBERSHIP_LOG = EventLog(schema="membership", table="membership_events")
