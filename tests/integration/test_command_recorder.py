"""Our recorder subclass passes the library's own application-recorder test case on PostgreSQL."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.tests.persistence import ApplicationRecorderTestCase

from shared.audit_chain import chain_table_sql
from shared.database import DatabaseAddress
from shared.eventstore import CommandRecorder


class TestCommandRecorder(ApplicationRecorderTestCase[CommandRecorder]):
    address: DatabaseAddress

    @pytest.fixture(autouse=True)
    def _on_test_database(self, database: DatabaseAddress) -> None:
        self.address = database
        self.schema = f"recorder_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(database.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.schema}")
            conn.execute(
                f"CREATE TABLE {self.schema}.idempotency_keys (scope text, key text, fingerprint text, "
                "status_code int, body bytea, PRIMARY KEY (scope, key))"
            )
            conn.execute(chain_table_sql(self.schema))  # every save appends its events' links

    def create_recorder(self) -> CommandRecorder:
        a = self.address
        datastore = PostgresDatastore(
            dbname=a.dbname,
            host=a.host,
            port=str(a.port),
            user=a.user,
            password=a.password,
            schema=self.schema,
            pool_size=4,
            max_overflow=4,
        )
        recorder = CommandRecorder(datastore, events_table_name="stored_events")
        recorder.create_table()
        return recorder

    # Speed figures, not behaviours: measured in bench/, not in the suite (None: not collected).
    test_concurrent_throughput = None  # type: ignore[assignment]
    test_performance = None  # type: ignore[assignment]
