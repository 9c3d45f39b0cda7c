"""The people schema: the event log's schema first, then the tables of secrets.

Credentials, one-time links, sessions and failed sign-ins are not events: they are secrets or
bookkeeping, not business facts, and a password hash has no business in a log kept for ever. They
live in plain tables of the people schema that the read role cannot see (no grant), written and
read on the write pool only.
"""

from __future__ import annotations

from services.people.events_log import SCHEMA
from shared.migrations import Migration, service_schema_migration

SECRETS = Migration(
    2,
    "credentials, one-time links, sessions, failed sign-ins",
    f"""
    CREATE TABLE {SCHEMA}.credentials (
        person_id uuid PRIMARY KEY,
        password_hash text NOT NULL,  -- Argon2id, with its parameters and salt (argon2-cffi's format)
        updated_at timestamptz NOT NULL
    );
    CREATE TABLE {SCHEMA}.one_time_links (
        token_hash bytea PRIMARY KEY,  -- sha256 of the token the e-mail carries; the token itself is never kept
        person_id uuid NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
    );
    CREATE INDEX one_time_links_person ON {SCHEMA}.one_time_links (person_id);
    CREATE TABLE {SCHEMA}.sessions (
        token_hash bytea PRIMARY KEY,  -- sha256 of the cookie's token
        person_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL  -- the absolute end; the idle end is last_seen_at + 2 h
    );
    CREATE INDEX sessions_person ON {SCHEMA}.sessions (person_id);
    CREATE TABLE {SCHEMA}.sign_in_failures (
        email text NOT NULL,
        client text NOT NULL,
        at timestamptz NOT NULL
    );
    CREATE INDEX sign_in_failures_email ON {SCHEMA}.sign_in_failures (email, at);
    CREATE INDEX sign_in_failures_client ON {SCHEMA}.sign_in_failures (client, at);
    """,
)

OIDC_LOGINS = Migration(
    3,
    "sign-ins started at the identity provider",
    f"""
    CREATE TABLE {SCHEMA}.oidc_logins (
        state_hash bytea PRIMARY KEY,  -- sha256 of the OAuth state sent to the provider
        code_verifier text NOT NULL,  -- PKCE: proves to the provider that this platform asked
        nonce text NOT NULL,  -- must come back inside the ID token
        suite text NOT NULL,  -- the local path to go back to
        expires_at timestamptz NOT NULL
    );
    """,
)

RESET_REQUESTS_AND_NOTICES = Migration(
    4,
    "forgotten-password requests (their rate limit) and the session's one-time notice",
    f"""
    CREATE TABLE {SCHEMA}.reset_requests (
        email text NOT NULL,
        client text NOT NULL,
        at timestamptz NOT NULL
    );
    CREATE INDEX reset_requests_email ON {SCHEMA}.reset_requests (email, at);
    CREATE INDEX reset_requests_client ON {SCHEMA}.reset_requests (client, at);
    -- A notice for the next page the session opens (shared.web.notices), read once.
    ALTER TABLE {SCHEMA}.sessions ADD COLUMN notice text;
    """,
)

NOTIFICATION_DELIVERIES = Migration(
    5,
    "which notification became which outbox message",
    f"""
    -- Written with the outbox's row, in the outbox projection's transaction: a replay (a rebuild of
    -- that projection) finds the notification here and queues nothing again (services.people.notifications).
    CREATE TABLE {SCHEMA}.notification_deliveries (
        notification_id uuid PRIMARY KEY,
        outbox_id bigint NOT NULL,
        queued_at timestamptz NOT NULL DEFAULT now()
    );
    """,
)

PEOPLE_MIGRATIONS = (
    service_schema_migration(SCHEMA),
    SECRETS,
    OIDC_LOGINS,
    RESET_REQUESTS_AND_NOTICES,
    NOTIFICATION_DELIVERIES,
)
