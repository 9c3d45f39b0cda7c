"""A deployment that stored personal details in clear adopts sealing: the details still read before
the migration (upcast on read), `coorace people seal-existing` backs up and then seals them in place
under the log's lock, the hash chain still verifies, the read models rebuild to the same answers, and
the sealed contact can then be erased."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import Mapper

from services.membership import queries
from services.membership.application import MembershipApplication
from services.people.application import PeopleApplication
from services.people.domain.person import EmailIndex
from shared.audit_chain import log_of, rechain_from, verify
from shared.auth import Principal, Role
from shared.eventstore import event_transcoder
from shared.personal import ERASED, PersonalDetails
from shared.platform import Platform
from shared.projection import rebuild
from shared.sealing_migration import BackupFailed, back_up, pg_dump_for, seal_log
from shared.tenancy import ReadScope
from shared.transcoder import StructAsDict
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything

MEMBERSHIP_CHAIN = log_of("membership", "membership", MembershipApplication)


class ClearDetails(StructAsDict):
    """How personal details were written before sealing: a plain mapping of name, e-mail, phone."""

    def encode(self, obj: PersonalDetails) -> dict[str, object]:
        return {"name": obj.name, "email": obj.email, "phone": obj.phone}


def clear_mapper() -> Mapper:  # type: ignore[type-arg]
    transcoder = event_transcoder()
    transcoder.register(ClearDetails(PersonalDetails, "personal.details"))
    return Mapper(transcoder=transcoder)


async def store_in_clear(platform: Platform, member_id: UUID) -> int:
    """Rewrite the member's events as a deployment before sealing stored them, and drop their keys;
    the chain is re-made over them (as the chain's own backfill would have, before sealing)."""
    app = membership(platform)
    events = list(app.events.get(member_id))
    mapper = clear_mapper()
    assert platform.write_pool is not None
    async with platform.write_pool.acquire() as conn:
        first = None
        for event in events:
            stored = mapper.to_stored_event(event)
            nid = await conn.fetchval(
                "UPDATE membership.membership_events SET state = $3 WHERE originator_id = $1 "
                "AND originator_version = $2 RETURNING notification_id",
                member_id,
                event.originator_version,
                stored.state,
            )
            first = nid if first is None else min(first, nid)
        await conn.execute("DELETE FROM keyring.subjects")
        await rechain_from(conn, MEMBERSHIP_CHAIN, first)
    app.repository.cache = None  # type: ignore[assignment]
    return len(events)


async def contact(platform: Platform, member_id: UUID) -> dict[str, object]:
    record = await queries.member_record(platform.read_pool, ReadScope.network(), str(member_id), date.today(), None)
    assert record is not None
    return {k: record.contact[k] for k in ("name", "email", "phone")}


async def test_details_stored_in_clear_are_sealed_in_place_and_can_then_be_erased(
    platform: Platform, tmp_path: Path
) -> None:
    app = membership(platform)
    member_id = UUID(register(app).id)
    assert await store_in_clear(platform, member_id) == 1
    assert platform.write_pool is not None
    in_clear = await platform.write_pool.fetchval(
        "SELECT count(*) FROM membership.membership_events WHERE position('Contact'::bytea IN state) > 0"
    )
    assert in_clear == 1
    # Before the migration: the clear details decode as they are.
    before = app.repository.get(member_id, version=1).contact
    assert before.subject is None and before.name.startswith("Contact ")

    backup = tmp_path / "avant-scellement.dump"
    assert back_up(platform.database, ["membership", "keyring"], backup) > 0
    async with platform.write_pool.acquire() as conn:
        report = await seal_log(conn, MEMBERSHIP_CHAIN, app.keyring)
        assert report.sealed == 1
        again = await seal_log(conn, MEMBERSHIP_CHAIN, app.keyring)
        assert again.sealed == 0  # nothing left in clear: a second run changes nothing
        assert (await verify(conn, MEMBERSHIP_CHAIN)).intact

    assert (
        await platform.write_pool.fetchval(
            "SELECT count(*) FROM membership.membership_events WHERE position('Contact'::bytea IN state) > 0"
        )
        == 0
    )
    after = app.repository.get(member_id, version=1).contact
    assert after == before and after.subject is not None

    # The read models rebuild over the sealed log and answer the same details.
    await catch_up_everything(platform)
    for name in ("register", "member_history"):
        store, projection = platform.projection("membership", name)
        await rebuild(platform.write_pool, store, projection)
    assert await contact(platform, member_id) == {"name": before.name, "email": before.email, "phone": before.phone}

    # And the contact can now be erased like any other.
    people = platform.application("people")
    staff = Principal(subject="staff-1", roles=frozenset({Role.NATIONAL_STAFF}))
    people.erase(staff, email=before.email, reason="demande de la personne")
    app.repository.cache = None  # type: ignore[assignment]
    assert app.repository.get(member_id, version=1).contact.name == ERASED


async def test_an_e_mail_index_recorded_in_clear_is_sealed_too(platform: Platform) -> None:
    people = platform.application("people")
    staff = Principal(subject="staff-1", roles=frozenset({Role.NATIONAL_STAFF}))
    noe = PersonalDetails(name="Noé Lambert", email="noe@ai.fr")
    person_id = UUID(people.invite(staff, details=noe, role="auditor").id)
    index_id = EmailIndex.create_id("noe@ai.fr")
    assert platform.write_pool is not None
    # As the index's event was written before sealing: the address in clear, no `address`.
    old = EmailIndex(person_id=person_id, email="noe@ai.fr").collect_events()[0]
    await platform.write_pool.execute(
        "UPDATE people.people_events SET state = $2 WHERE originator_id = $1",
        index_id,
        clear_mapper().to_stored_event(old).state,
    )
    people_log = log_of("people", "people", PeopleApplication)
    async with platform.write_pool.acquire() as conn:
        await rechain_from(conn, people_log, 1)
        assert (await seal_log(conn, people_log, people.keyring)).sealed == 1
        assert (await verify(conn, people_log)).intact
    assert not await platform.write_pool.fetchval(
        "SELECT count(*) FROM people.people_events WHERE position('noe@ai.fr'::bytea IN state) > 0"
    )
    people.repository.cache = None  # type: ignore[assignment]
    assert people.person_with_email("noe@ai.fr") == person_id


def test_the_backup_takes_a_pg_dump_as_recent_as_the_server_or_refuses_to_start() -> None:
    assert "pg_dump" in pg_dump_for(15)
    with pytest.raises(BackupFailed, match="aucun pg_dump de version 99"):
        pg_dump_for(99)
