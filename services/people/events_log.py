"""The people service's notification log (the library's events table in its schema)."""

from shared.projection import EventLog

SCHEMA = "people"
PEOPLE_LOG = EventLog(schema=SCHEMA, table="people_events")
