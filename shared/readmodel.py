"""Read-model tables: their declaration, their generations, and the helpers projections write with.

Every read-model table carries `tenant_id` and `region` so that row-level security can scope it.
A projection's tables exist per *generation* (`members_g3`), and a view with the table's plain name
(`members`) points at the live generation: queries never see a rebuild in progress, and switching
to a rebuilt generation is one transaction that replaces the views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

import asyncpg

from shared.migrations import READER_ROLE, ROW_VISIBLE


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (column name, SQL type and constraints)
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    # BRIN indexes, for columns that follow the order rows are written in (times of recording): a
    # few pages summarise each 16-page range, so conditions on two such columns narrow together.
    brin_indexes: tuple[tuple[str, ...], ...] = ()
    # (condition, columns): indexes of the few rows a query reads with that same condition.
    partial_indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    parallel_scans: bool = True  # False: the planner never splits a scan of it across workers

    def __post_init__(self) -> None:
        names = [c for c, _ in self.columns]
        if "tenant_id" not in names or "region" not in names:
            raise ValueError(f"read-model table {self.name} needs tenant_id and region columns for row-level security")

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    @cached_property
    def as_record(self) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
        """A row dict to the tuple of its column values, in column order."""
        return itemgetter(*self.column_names)


@dataclass(frozen=True)
class TableNames:
    """The physical, schema-qualified names of one generation's tables."""

    schema: str
    generation: int
    tables: dict[str, Table] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        if name not in self.tables:
            raise KeyError(f"no read-model table {name}")
        return f"{self.schema}.{name}_g{self.generation}"

    def bare(self, name: str) -> str:
        return f"{name}_g{self.generation}"


async def create_generation_tables(conn: asyncpg.Connection, names: TableNames) -> None:
    for table in names.tables.values():
        physical = names[table.name]
        columns = ", ".join(f"{column} {sql_type}" for column, sql_type in table.columns)
        storage = "" if table.parallel_scans else " WITH (parallel_workers = 0)"
        await conn.execute(
            f"CREATE TABLE {physical} ({columns}, PRIMARY KEY ({', '.join(table.primary_key)})){storage}"
        )
        for i, index_columns in enumerate(table.indexes):
            await conn.execute(
                f"CREATE INDEX {names.bare(table.name)}_ix{i} ON {physical} ({', '.join(index_columns)})"
            )
        for i, (condition, index_columns) in enumerate(table.partial_indexes):
            await conn.execute(
                f"CREATE INDEX {names.bare(table.name)}_part{i} ON {physical} ({', '.join(index_columns)}) "
                f"WHERE {condition}"
            )
        for i, index_columns in enumerate(table.brin_indexes):
            # autosummarize: a range filled by new rows is summarised soon, not at the next vacuum
            # (until then a scan reads it whole: answers stay right, only slower).
            await conn.execute(
                f"CREATE INDEX {names.bare(table.name)}_brin{i} ON {physical} USING brin ({', '.join(index_columns)}) "
                "WITH (pages_per_range = 16, autosummarize = on)"
            )
        await conn.execute(f"ALTER TABLE {physical} ENABLE ROW LEVEL SECURITY")
        await conn.execute(f"CREATE POLICY scoped_read ON {physical} FOR SELECT TO {READER_ROLE} USING ({ROW_VISIBLE})")
        await conn.execute(f"GRANT SELECT ON {physical} TO {READER_ROLE}")


async def drop_generation_tables(conn: asyncpg.Connection, names: TableNames) -> None:
    for table in names.tables.values():
        await conn.execute(f"DROP TABLE IF EXISTS {names[table.name]}")


async def point_views_at(conn: asyncpg.Connection, names: TableNames) -> None:
    """Make the plain table names show this generation (inside the caller's transaction)."""
    for table in names.tables.values():
        view = f"{names.schema}.{table.name}"
        await conn.execute(f"DROP VIEW IF EXISTS {view}")
        # security_invoker: row-level security is checked as the reader, not as the view's owner.
        await conn.execute(f"CREATE VIEW {view} WITH (security_invoker = true) AS SELECT * FROM {names[table.name]}")
        await conn.execute(f"GRANT SELECT ON {view} TO {READER_ROLE}")


async def upsert_rows(conn: asyncpg.Connection, physical: str, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert or replace whole rows by primary key, in one statement per batch."""
    if not rows:
        return
    columns = table.column_names
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in table.primary_key)
    placeholders = ", ".join(f"${i + 1}" for i in range(len(columns)))
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    await conn.executemany(
        f"INSERT INTO {physical} ({', '.join(columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(table.primary_key)}) {conflict}",
        [table.as_record(row) for row in rows],
    )


async def append_rows(conn: asyncpg.Connection, physical: str, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Append rows with COPY: the fast path for history tables that only grow."""
    records = [table.as_record(row) for row in rows]
    if records:
        schema, name = physical.split(".", 1)
        await conn.copy_records_to_table(name, schema_name=schema, records=records, columns=list(table.column_names))


async def fetch_rows_by_key(
    conn: asyncpg.Connection, physical: str, key_column: str, keys: Iterable[Any]
) -> dict[Any, dict[str, Any]]:
    keys = list(set(keys))
    if not keys:
        return {}
    rows = await conn.fetch(f"SELECT * FROM {physical} WHERE {key_column} = ANY($1)", keys)
    return {row[key_column]: dict(row) for row in rows}
