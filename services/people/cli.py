"""`coorace people …`: the directory from the command line (an operator's first national staff
account in a fresh deployment, a list of who is there), and the demo accounts `serve --demo` prints."""

from __future__ import annotations

import asyncio
import getpass
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import asyncpg
import click
import msgspec

from services.people.application import PeopleApplication
from services.people.demo.seed import ACCOUNTS, DEMO_PASSWORD, demo_member
from services.people.domain.erasure import Erasure
from services.people.domain.person import Person, Status
from services.people.domain.roles import ROLE_WORDS
from services.people.invitations import send_invitation
from shared.auth import Principal, Role
from shared.errors import DomainError
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from shared.projection import catch_up

OPERATOR = Principal(subject=f"cli:{getpass.getuser()}", roles=frozenset({Role.NATIONAL_STAFF}))


@click.group()
def main() -> None:
    """The people directory: invite someone, list people."""


def _application(platform: Platform) -> PeopleApplication:
    app = platform.application("people")
    if not isinstance(app, PeopleApplication):
        raise TypeError(f"the people service runs {type(app).__name__}, not PeopleApplication")
    return app


@main.command("invite")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--tenant", default=None, help="the member id, for member roles")
@click.option("--region", default=None, help="the region code, for regional roles")
def invite(email: str, name: str, role: str, tenant: str | None, region: str | None) -> None:
    """Invite someone as national staff would; prints the invitation link (also queued by e-mail)."""
    from services.bootstrap import build_platform

    async def run() -> str:
        platform = build_platform()
        await platform.start()
        try:
            app = _application(platform)
            details = PersonalDetails(name=name, email=email)
            with command_context(
                actor_id=OPERATOR.subject, actor_role="national_staff", tenant_id=None, correlation_id="cli-invite"
            ):
                result = await asyncio.to_thread(
                    app.invite, OPERATOR, details=details, role=role, tenant=tenant, region=region
                )
            person = await asyncio.to_thread(app.person, UUID(result.id))
            await send_invitation(platform, person.id, person.details, person.role, datetime.now(UTC))
            assert platform.write_pool is not None
            body = await platform.write_pool.fetchval(
                "SELECT body FROM platform.outbox WHERE recipient = $1 AND kind = 'invitation' ORDER BY id DESC",
                person.details.email,
            )
        finally:
            await platform.stop()
        link = next((line for line in str(body).splitlines() if "/invitation/" in line), "")
        return f"{person.details.email} invited as {role} (person {person.id}); invitation link: {link.strip()}"

    try:
        click.echo(asyncio.run(run()))
    except DomainError as refusal:
        raise click.ClickException(refusal.message) from refusal


@main.command("list")
def list_people() -> None:
    """Everyone in the directory: e-mail, role, member or region, state."""
    from services.bootstrap import build_platform

    async def run() -> list[asyncpg.Record]:
        platform = build_platform(["people"])
        await platform.start()
        try:
            assert platform.write_pool is not None
            store, projection = platform.projection("people", "directory")
            async with platform.write_pool.acquire() as conn:
                live = await store.live(conn, projection)
                if live is not None:  # the directory as the log holds it now, even with no runner
                    await catch_up(conn, store, projection, live["generation"])
            return await platform.write_pool.fetch(
                "SELECT email, name, role, tenant_id, region, status FROM people.directory ORDER BY email"
            )
        finally:
            await platform.stop()

    for row in asyncio.run(run()):
        where = row["tenant_id"] or row["region"] or "national"
        click.echo(f"{row['email']}\t{row['name']}\t{row['role']}\t{where}\t{row['status']}")


@main.command("erase")
@click.argument("target")
@click.option("--reason", required=True, help="why (the person's request and its date): kept in the receipt")
def erase(target: str, reason: str) -> None:
    """Erase a person's personal data: TARGET is their e-mail address or their directory id.

    Their keys are deleted with the receipt: every event holding their name, e-mail or phone reads
    "[effacé]" from now on, and the read models are rewritten by their projections."""
    from services.bootstrap import build_platform

    email, person_id = (None, UUID(target)) if "@" not in target else (target, None)

    async def run() -> str:
        platform = build_platform()
        await platform.start()
        try:
            app = _application(platform)
            with command_context(
                actor_id=OPERATOR.subject, actor_role="national_staff", tenant_id=None, correlation_id="cli-erase"
            ):
                result = await asyncio.to_thread(app.erase, OPERATOR, reason=reason, email=email, person_id=person_id)
            receipt: Erasure = await asyncio.to_thread(app.repository.get, UUID(result.id))
            await catch_up_every_read_model(platform)  # no runner may be up: the read models at once
        finally:
            await platform.stop()
        return (
            f"effacé : {len(receipt.subjects)} jeu(x) de données ({', '.join(receipt.kinds)}) ; "
            f"reçu {result.id} (notification {result.notification_id})"
        )

    try:
        click.echo(asyncio.run(run()))
    except DomainError as refusal:
        raise click.ClickException(refusal.message) from refusal


@main.command("personal-data")
@click.argument("email")
def personal_data(email: str) -> None:
    """What the platform holds about the person at EMAIL (the right of access), as JSON."""
    from services.bootstrap import build_platform
    from services.people.personal_data import personal_data_held

    async def run() -> bytes:
        platform = build_platform()
        await platform.start()
        try:
            held = await personal_data_held(platform, email, _application(platform).keyring)
        finally:
            await platform.stop()
        return msgspec.json.format(msgspec.json.encode(held))

    click.echo(asyncio.run(run()).decode())


@main.command("seal-existing")
@click.option(
    "--backup",
    "backup",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="the pg_dump file to write first (custom format): nothing is rewritten without it",
)
def seal_existing(backup: Path) -> None:
    """Seal the personal details stored in clear before sealing existed (once, after upgrading).

    Backs the logs and the keyring up with pg_dump, then, log by log under its write lock, rewrites
    the events holding details in clear with the details sealed, and re-chains what changed. Then run
    `coorace projections rebuild`."""
    from services.bootstrap import build_platform
    from shared.audit_chain import platform_logs
    from shared.sealing_migration import BackupFailed, back_up, seal_log

    async def run() -> list[str]:
        platform = build_platform()
        await platform.start()
        try:
            schemas = [service.schema for service in platform.services.values()]
            size = await asyncio.to_thread(back_up, platform.database, [*schemas, "keyring"], backup)
            lines = [f"sauvegarde : {backup} ({size} octets)"]
            assert platform.write_pool is not None
            keyring = _application(platform).keyring
            async with platform.write_pool.acquire() as conn:
                for chained in platform_logs(platform):
                    report = await seal_log(conn, chained, keyring)
                    lines.append(f"{report.log} : {report.sealed} événement(s) scellé(s)")
        finally:
            await platform.stop()
        return [*lines, "reconstruisez maintenant les modèles de lecture : coorace projections rebuild"]

    try:
        click.echo("\n".join(asyncio.run(run())))
    except BackupFailed as failure:
        raise click.ClickException(str(failure)) from failure


async def catch_up_every_read_model(platform: Platform) -> None:
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        for pairs in platform.projections.values():
            for store, projection in pairs:
                live = await store.live(conn, projection)
                if live is not None:
                    await catch_up(conn, store, projection, live["generation"])


def person_with_email(platform: Platform, email: str) -> Person | None:
    """The person with that e-mail, from the directory's events (synchronous: a worker thread)."""
    app = _application(platform)
    person_id = app.person_with_email(email)
    return None if person_id is None else app.person(person_id)


async def demo_accounts_text(platform: Platform, url: str) -> str:
    """The demo accounts, to print when `coorace serve --demo` starts (empty: none seeded). Read
    from the directory's events, which the read model may not have caught up with yet."""
    app = _application(platform)

    def active_accounts() -> list[tuple[str, Person]]:
        found = []
        for account in ACCOUNTS:
            person_id = app.person_with_email(account.email)
            if person_id is not None:
                person = app.person(person_id)
                if person.status == Status.ACTIVE:
                    found.append((account.email, person))
        return found

    accounts = await asyncio.to_thread(active_accounts)
    if not accounts:
        return ""
    member = await demo_member(platform)
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}), sign in at {url}connexion :"]
    for email, person in accounts:
        if person.tenant:
            where = f"member {member.name if member and member.member_id == person.tenant else person.tenant}"
        elif person.region:
            where = f"region {person.region}"
        else:
            where = "national level"
        lines.append(f"  {email:<30} {ROLE_WORDS[person.role]:<30} {where}")
    return "\n".join(lines)
