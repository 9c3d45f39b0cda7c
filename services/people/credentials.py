"""Passwords, one-time links and failed sign-ins: the secrets beside the directory (not events).

Passwords are hashed with Argon2id (argon2-cffi's `PasswordHasher`, its recommended parameters and a
salt per hash); a one-time link's token and a session's token are kept as their sha256 only, so a
copy of the database signs no one in. Every time is the caller's `now` (the portal's clock).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
RESET_LINK_LIFETIME = timedelta(hours=1)
INVITATION_LINK_LIFETIME = timedelta(days=7)
# Sign-in attempts: more failures than these within the window, and the next attempt waits.
FAILURES_PER_EMAIL = 5
FAILURES_PER_CLIENT = 20
FAILURE_WINDOW = timedelta(minutes=15)
# Forgotten-password requests answered with an e-mail: at most these within the window. Three an
# hour per address covers a person who mistypes or loses a message; twenty per client address
# keeps one machine from flooding many mailboxes.
RESETS_PER_EMAIL = 3
RESETS_PER_CLIENT = 20
RESET_WINDOW = timedelta(hours=1)

_HASHER = PasswordHasher()
# Verified when the e-mail matches no one, so that an unknown address costs the same time as a
# wrong password (the answer's delay says nothing about who has an account).
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def password_problem(password: str, confirmation: str | None = None) -> str | None:
    """What is wrong with a new password, in French (None: nothing)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Le mot de passe doit compter au plus {MAX_PASSWORD_LENGTH} caractères."
    if confirmation is not None and confirmation != password:
        return "Les deux mots de passe ne sont pas identiques."
    return None


def _sha(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def set_password(conn: asyncpg.Connection, person_id: UUID, password: str, now: datetime) -> None:
    password_hash = await to_thread.run_sync(_HASHER.hash, password)
    await conn.execute(
        "INSERT INTO people.credentials (person_id, password_hash, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (person_id) DO UPDATE "
        "SET password_hash = EXCLUDED.password_hash, updated_at = EXCLUDED.updated_at",
        person_id,
        password_hash,
        now,
    )


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def person_signing_in(pool: asyncpg.Pool, email: str, password: str) -> UUID | None:
    """The active person with that e-mail and password, or None (whichever of the two was wrong)."""
    row = await pool.fetchrow(
        "SELECT c.person_id, c.password_hash FROM people.directory d "
        "JOIN people.credentials c ON c.person_id = d.person_id::uuid "
        "WHERE d.email = $1 AND d.status = 'active'",
        email,
    )
    if row is None:
        await to_thread.run_sync(_matches, _DUMMY_HASH, password)
        return None
    if not await to_thread.run_sync(_matches, row["password_hash"], password):
        return None
    return UUID(str(row["person_id"]))


# --- failed sign-ins ---------------------------------------------------------------------------


async def retry_at(pool: asyncpg.Pool, email: str, client: str, now: datetime) -> datetime | None:
    """When sign-in may be tried again for this e-mail from this client, if it must wait now:
    counted in the database, so the limit holds across processes."""
    row = await pool.fetchrow(
        "SELECT count(*) FILTER (WHERE email = $1) AS by_email, min(at) FILTER (WHERE email = $1) AS first_email, "
        "count(*) FILTER (WHERE client = $2) AS by_client, min(at) FILTER (WHERE client = $2) AS first_client "
        "FROM people.sign_in_failures WHERE (email = $1 OR client = $2) AND at > $3",
        email,
        client,
        now - FAILURE_WINDOW,
    )
    waits = []
    if row["by_email"] >= FAILURES_PER_EMAIL:
        waits.append(row["first_email"] + FAILURE_WINDOW)
    if row["by_client"] >= FAILURES_PER_CLIENT:
        waits.append(row["first_client"] + FAILURE_WINDOW)
    return max(waits) if waits else None


async def record_failure(pool: asyncpg.Pool, email: str, client: str, now: datetime) -> None:
    await pool.execute(
        "INSERT INTO people.sign_in_failures (email, client, at) VALUES ($1, $2, $3)", email, client, now
    )
    # Old failures count no more: forget them as we go (a few rows, by index).
    await pool.execute("DELETE FROM people.sign_in_failures WHERE at < $1", now - FAILURE_WINDOW * 2)


async def forget_failures(pool: asyncpg.Pool, email: str) -> None:
    await pool.execute("DELETE FROM people.sign_in_failures WHERE email = $1", email)


# --- forgotten-password requests ---------------------------------------------------------------


async def reset_request_allowed(pool: asyncpg.Pool, email: str, client: str, now: datetime) -> bool:
    """Whether a forgotten-password request for this e-mail from this client may send an e-mail
    now; if so it is counted. Every address is counted alike, an account's or not, so that the
    limit says nothing about who has an account. A refused request is not counted: someone who
    keeps asking cannot push the limit's end further away for the address's owner. Counted in the
    database (the limit holds across processes), under a lock per address (two requests at once
    cannot both take the last place)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('people.reset:' || $1, 0))", email)
        row = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE email = $1) AS by_email, count(*) FILTER (WHERE client = $2) AS by_client "
            "FROM people.reset_requests WHERE (email = $1 OR client = $2) AND at > $3",
            email,
            client,
            now - RESET_WINDOW,
        )
        if row["by_email"] >= RESETS_PER_EMAIL or row["by_client"] >= RESETS_PER_CLIENT:
            return False
        await conn.execute(
            "INSERT INTO people.reset_requests (email, client, at) VALUES ($1, $2, $3)", email, client, now
        )
        # Old requests count no more: forget them as we go (a few rows, by index).
        await conn.execute("DELETE FROM people.reset_requests WHERE at < $1", now - RESET_WINDOW * 2)
    return True


# --- one-time links ----------------------------------------------------------------------------


async def create_link(pool: asyncpg.Pool, person_id: UUID, purpose: str, now: datetime, lifetime: timedelta) -> str:
    """A new one-time link's token (its sha256 kept); earlier unused links of that purpose end."""
    token = secrets.token_urlsafe(32)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE people.one_time_links SET used_at = $3 WHERE person_id = $1 AND purpose = $2 AND used_at IS NULL",
            person_id,
            purpose,
            now,
        )
        await conn.execute(
            "INSERT INTO people.one_time_links (token_hash, person_id, purpose, created_at, expires_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            _sha(token),
            person_id,
            purpose,
            now,
            now + lifetime,
        )
    return token


async def had_link(pool: asyncpg.Pool, person_id: UUID, purpose: str) -> bool:
    """Whether a link of that purpose was ever made for the person (used, ended or not)."""
    return bool(
        await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM people.one_time_links WHERE person_id = $1 AND purpose = $2)",
            person_id,
            purpose,
        )
    )


async def link_holder(conn: asyncpg.Connection | asyncpg.Pool, token: str, purpose: str, now: datetime) -> UUID | None:
    """The person a link is for while it is unused and unexpired (without using it)."""
    person_id = await conn.fetchval(
        "SELECT person_id FROM people.one_time_links "
        "WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        _sha(token),
        purpose,
        now,
    )
    return None if person_id is None else UUID(str(person_id))


async def use_link(conn: asyncpg.Connection, token: str, purpose: str, now: datetime) -> UUID | None:
    """Use the link (once: a second use, or two at once, find nothing) and answer whose it was."""
    person_id = await conn.fetchval(
        "UPDATE people.one_time_links SET used_at = $3 "
        "WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING person_id",
        _sha(token),
        purpose,
        now,
    )
    return None if person_id is None else UUID(str(person_id))
