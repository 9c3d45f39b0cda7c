"""The membership service's notification log (the library's events table in its schema)."""

from shared.projection import EventLog

SCHEMA = "membership"
MEMBERSHIP_LOG = EventLog(schema=SCHEMA, table="membership_events")
