"""Versioned schema migrations, kept in one small table.

Why not Alembic or yoyo: our read side is raw asyncpg with no ORM models to diff, the migrations are
plain SQL that run at start-up of every process, and the one rule we need — apply each numbered
step once, in order, under a lock so two processes starting together don't race — fits in this
module and its test. Each service lists its own migrations; the platform's come first.

Read-model tables are not migrated here: a projection's tables are created per *generation* from
its DDL, and a change of that DDL ships as a new projection version that is rebuilt beside the
live one (see `shared.projection`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

READER_ROLE = "coorace_reader"
MIGRATIONS_LOCK_ID = 0x0C00_4ACE

# The row-level security policy of every read-model table: a row is visible to the scope that the
# connection's `coorace.*` settings name (see `shared.tenancy`). Each setting is read in a scalar
# subquery, which PostgreSQL evaluates once per query (an InitPlan) rather than once per row: the
# network's figures read 30,000 rows, and calling `current_setting` for each of them cost more than
# the scan itself. The expression is written into each policy, not wrapped in a function: a SQL
# function holding subqueries is not inlined and is then called per row (five times slower still).
# `coorace.region` lists the region and the regions it succeeds (its lineage), comma-separated.
ROW_VISIBLE = """CASE (SELECT current_setting('coorace.scope', true))
    WHEN 'network' THEN true
    WHEN 'region' THEN region = ANY ((SELECT string_to_array(current_setting('coorace.region', true), ','))::text[])
    WHEN 'tenant' THEN tenant_id = ANY ((SELECT string_to_array(current_setting('coorace.tenants', true), ','))::text[])
    ELSE false
END"""

# The policy as the platform's third migration wrote it (one region): kept as it was, since a
# migration already applied somewhere must not change.
_ROW_VISIBLE_ONE_REGION = """CASE (SELECT current_setting('coorace.scope', true))
    WHEN 'network' THEN true
    WHEN 'region' THEN region = (SELECT current_setting('coorace.region', true))
    WHEN 'tenant' THEN tenant_id = ANY ((SELECT string_to_array(current_setting('coorace.tenants', true), ','))::text[])
    ELSE false
END"""


def _set_every_read_policy(expression: str) -> str:
    """SQL that rewrites the `scoped_read` policy of every read-model table to `expression`."""
    return f"""
        DO $$ DECLARE t record; BEGIN
            FOR t IN SELECT schemaname, tablename FROM pg_policies WHERE policyname = 'scoped_read' LOOP
                EXECUTE format('ALTER POLICY scoped_read ON %I.%I USING ({expression.replace("'", "''")})',
                    t.schemaname, t.tablename);
            END LOOP;
        END $$;
        """


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str
    # What SQL alone cannot do (the hash chain's backfill decodes events in Python): run after the
    # SQL, in the same savepoint, so that the step is applied whole or not at all.
    then: Callable[[asyncpg.Connection], Awaitable[object]] | None = None


PLATFORM_MIGRATIONS = (
    Migration(
        1,
        "reader role and row visibility function",
        f"""
        DO $$ BEGIN
            -- Roles belong to the whole server: deploy/postgres/init.sql (or the operator's managed
            -- roles) may have made it already, and then the application role needs no CREATEROLE.
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{READER_ROLE}') THEN
                CREATE ROLE {READER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;  -- a server-wide race
        CREATE OR REPLACE FUNCTION public.coorace_row_visible(row_tenant text, row_region text)
        RETURNS boolean LANGUAGE sql STABLE AS $fn$
            SELECT CASE current_setting('coorace.scope', true)
                WHEN 'network' THEN true
                WHEN 'region' THEN row_region = current_setting('coorace.region', true)
                WHEN 'tenant' THEN row_tenant = ANY(string_to_array(current_setting('coorace.tenants', true), ','))
                ELSE false
            END
        $fn$;
        GRANT EXECUTE ON FUNCTION public.coorace_row_visible(text, text) TO {READER_ROLE};
        """,
    ),
    Migration(
        2,
        "the read pool logs in as the reader role",
        f"""
        DO $$ BEGIN
            -- Databases made before the reader logged in itself (the read pool used SET ROLE).
            IF NOT (SELECT rolcanlogin FROM pg_roles WHERE rolname = '{READER_ROLE}') THEN
                ALTER ROLE {READER_ROLE} LOGIN;
            END IF;
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO {READER_ROLE}', current_database());
        END $$;
        """,
    ),
    Migration(
        3,
        "read-model policies read the scope once per query",
        _set_every_read_policy(_ROW_VISIBLE_ONE_REGION)
        + "DROP FUNCTION IF EXISTS public.coorace_row_visible(text, text);\n        ",
    ),
    Migration(
        4,
        "a region's readers read the regions it succeeds",
        _set_every_read_policy(ROW_VISIBLE),
    ),
    Migration(
        5,
        "the outbox of e-mail messages",
        """
        CREATE SCHEMA IF NOT EXISTS platform;
        -- Every message the platform sends is first written here; a sender delivers it by SMTP when
        -- one is configured (and records when), else it stays for staff to read in the portal.
        CREATE TABLE platform.outbox (
            id bigserial PRIMARY KEY,
            recipient text NOT NULL,
            subject text NOT NULL,
            body text NOT NULL,
            kind text NOT NULL,
            queued_at timestamptz NOT NULL DEFAULT now(),
            sent_at timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            last_error text
        );
        CREATE INDEX outbox_waiting ON platform.outbox (id) WHERE sent_at IS NULL;
        """,
    ),
    Migration(
        6,
        "the outbox's retry time",
        """
        -- A message whose delivery failed waits until then before the next attempt (backoff).
        ALTER TABLE platform.outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
        """,
    ),
    Migration(
        7,
        "the keyring of personal data",
        """
        -- One key per data subject (shared.keyring), apart from the events it seals: erasing a
        -- person deletes their row. The reader role gets nothing here.
        CREATE SCHEMA IF NOT EXISTS keyring;
        CREATE TABLE keyring.subjects (
            subject uuid PRIMARY KEY,
            email_digest bytea NOT NULL UNIQUE,
            key bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        """,
    ),
)


def service_schema_migration(schema: str) -> Migration:
    """The first migration of every service: its schema, idempotency records and projection positions."""
    return Migration(
        1,
        f"{schema} schema, idempotency keys, projection generations",
        f"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        GRANT USAGE ON SCHEMA {schema} TO {READER_ROLE};
        CREATE TABLE {schema}.idempotency_keys (
            scope text NOT NULL,
            key text NOT NULL,
            fingerprint text NOT NULL,
            status_code int NOT NULL,
            body bytea NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (scope, key)
        );
        CREATE TABLE {schema}.projection_generations (
            projection text NOT NULL,
            generation int NOT NULL,
            projection_version int NOT NULL,
            status text NOT NULL CHECK (status IN ('building', 'live', 'retired')),
            position bigint NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (projection, generation)
        );
        CREATE UNIQUE INDEX projection_one_live ON {schema}.projection_generations (projection)
            WHERE status = 'live';
        """,
    )


async def apply_migrations(conn: asyncpg.Connection, component: str, migrations: tuple[Migration, ...]) -> list[int]:
    """Apply the component's migrations not yet applied, in order, in one transaction (a
    savepoint per step): a failing step leaves none of this run applied. Returns the versions
    applied now."""
    await conn.execute(
        """
        CREATE TABLE IF NOT EXISTS public.coorace_schema_migrations (
            component text NOT NULL,
            version int NOT NULL,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (component, version)
        )
        """
    )
    versions = [m.version for m in migrations]
    if versions != sorted(set(versions)):
        raise ValueError(f"{component}: migration versions must be unique and increasing: {versions}")
    applied_now: list[int] = []
    async with conn.transaction():
        # One process migrates at a time; the others wait, then find nothing left to do.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATIONS_LOCK_ID)
        done = {
            r["version"]
            for r in await conn.fetch(
                "SELECT version FROM public.coorace_schema_migrations WHERE component = $1", component
            )
        }
        for migration in migrations:
            if migration.version in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                if migration.then is not None:
                    await migration.then(conn)
                await conn.execute(
                    "INSERT INTO public.coorace_schema_migrations (component, version, name) VALUES ($1, $2, $3)",
                    component,
                    migration.version,
                    migration.name,
                )
            applied_now.append(migration.version)
    return applied_now


class PrivilegedReaderError(RuntimeError):
    """The read pool's login could bypass row-level security: the platform refuses to start."""


async def check_reader_is_unprivileged(pool: asyncpg.Pool) -> None:
    """Row-level security protects nothing from a superuser, a BYPASSRLS role, a table's owner or a
    role that may become one of those: refuse to serve reads through such a login."""
    row = await pool.fetchrow(
        """
        SELECT current_user AS login, r.rolsuper, r.rolbypassrls,
               EXISTS (SELECT FROM pg_auth_members m WHERE m.member = r.oid) AS member_of_roles,
               EXISTS (SELECT FROM pg_class c WHERE c.relowner = r.oid) AS owns_tables
        FROM pg_roles r WHERE r.rolname = current_user
        """
    )
    reasons = [
        reason
        for reason, present in (
            ("is a superuser", row["rolsuper"]),
            ("has BYPASSRLS", row["rolbypassrls"]),
            ("is a member of other roles (SET ROLE could reach them)", row["member_of_roles"]),
            ("owns tables", row["owns_tables"]),
        )
        if present
    ]
    if reasons:
        raise PrivilegedReaderError(
            f"the read pool logs in as {row['login']!r}, which {', '.join(reasons)}: row-level security "
            f"would not hold; it must log in as the plain {READER_ROLE} role (see deploy/README.md)"
        )
