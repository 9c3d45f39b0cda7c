"""The assessment service's notification log (the library's events table in its schema)."""

from shared.projection import EventLog

SCHEMA = "assessment"
ASSESSMENT_LOG = EventLog(schema=SCHEMA, table="assessment_events")
# Followed, never imported: the member register's facts (region, forms, status) come from its log,
# decoded into its published contract (`shared.contracts.membership`).
MEMBERSHIP_LOG = EventLog(schema="membership", table="membership_events")
