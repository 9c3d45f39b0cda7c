"""The keyring under the platform's conditions: one key per address even when saves race to make
it, nothing personal in the events, a directory person erased by id, and an edited sealed text
refused rather than opened."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

import pytest
from eventsourcing.persistence import MapperDeserialisationError

from shared.auth import Principal, Role
from shared.mail import Message
from shared.personal import ERASED, PersonalDetails
from shared.platform import Platform
from tests.helpers.membership_application import membership
from tests.helpers.siret import valid_siret

STAFF = Principal(subject="staff-1", roles=frozenset({Role.NATIONAL_STAFF}))


async def test_saves_racing_to_seal_one_new_address_all_land_under_one_subject(platform: Platform) -> None:
    app = membership(platform)
    shared_contact = PersonalDetails(name="Lou Bernard", email="lou.bernard@reseau.fr", phone="02 98 00 00 00")

    def register(n: int) -> str:
        return app.register_member(
            name=f"Association {n}",
            siret=valid_siret(50_000 + n),
            forms=("AI",),
            region="BRE",
            joined_on=date(2010, 1, 1),
            contact=shared_contact,
            city="Brest",
        ).id

    with ThreadPoolExecutor(max_workers=6) as pool:
        members = list(pool.map(register, range(12)))
    assert len(members) == 12  # none refused: the address's key is claimed once, before any save
    subjects = {app.repository.get(UUID(m), version=1).contact.subject for m in members}
    assert len(subjects) == 1 and None not in subjects
    assert platform.write_pool is not None
    assert await platform.write_pool.fetchval("SELECT count(*) FROM keyring.subjects") == 1
    assert not await platform.write_pool.fetchval(
        "SELECT count(*) FROM membership.membership_events WHERE position('Bernard'::bytea IN state) > 0"
    )


async def test_a_directory_person_erased_by_id_reads_erased_and_is_deactivated(platform: Platform) -> None:
    people = platform.application("people")
    invited = people.invite(
        STAFF,
        details=PersonalDetails(name="Inès Garnier", email="ines.garnier@ai.fr"),
        role="member_admin",
        tenant="00000000-0000-4000-8000-000000000001",
    )
    person_id = UUID(invited.id)
    assert platform.write_pool is not None
    in_clear = "SELECT count(*) FROM people.people_events WHERE lower(convert_from(state, 'UTF8')) LIKE '%garnier%'"
    assert await platform.write_pool.fetchval(in_clear) == 0  # the person and the e-mail index: both sealed
    assert people.person_with_email("Ines.Garnier@ai.fr") == person_id
    # Her invitation, sent; a reminder, not yet.
    sent = await platform.outbox.send(
        Message(recipient="ines.garnier@ai.fr", subject="Invitation", body="Bonjour Inès Garnier", kind="invitation")
    )
    await platform.outbox.send(
        Message(recipient="Ines.Garnier@ai.fr", subject="Rappel", body="Bonjour Inès Garnier", kind="invitation")
    )
    await platform.write_pool.execute("UPDATE platform.outbox SET sent_at = now() WHERE id = $1", sent)
    erased = people.erase(STAFF, person_id=person_id, reason="demande de la personne")
    person = people.person(person_id)
    assert (person.details.name, person.details.email) == (ERASED, ERASED)
    assert person.status.value == "deactivated"
    receipt = people.repository.get(UUID(erased.id))
    assert receipt.reason == "demande de la personne"
    assert receipt.kinds == ("nom", "adresse électronique", "téléphone")
    assert person.details.subject in receipt.subjects
    # The mail that was sent is kept as sent, to no one named; the one not sent is not sent.
    mail = await platform.write_pool.fetch("SELECT id, recipient, subject, body FROM platform.outbox")
    assert [tuple(m) for m in mail] == [(sent, ERASED, "Invitation", ERASED)]


async def test_a_sealed_text_edited_in_the_log_is_refused_not_opened(platform: Platform) -> None:
    app = membership(platform)
    member_id = UUID(
        app.register_member(
            name="Association témoin",
            siret=valid_siret(60_001),
            forms=("AI",),
            region="BRE",
            joined_on=date(2010, 1, 1),
            contact=PersonalDetails(name="Eva Roux", email="eva.roux@ai.fr", phone="02 98 00 00 01"),
            city="Brest",
        ).id
    )
    assert platform.write_pool is not None
    # Flip one character of the ciphertext: AES-GCM's tag no longer matches.
    await platform.write_pool.execute(
        """
        UPDATE membership.membership_events
        SET state = convert_to(regexp_replace(convert_from(state, 'UTF8'), '"sealed":"(.)', '"sealed":"\\1\\1'), 'UTF8')
        WHERE originator_id = $1
        """,
        member_id,
    )
    app.repository.cache = None  # type: ignore[assignment]
    with pytest.raises(MapperDeserialisationError, match="do not open"):
        app.repository.get(member_id, version=1)


def test_an_e_mail_index_recorded_in_clear_before_sealing_still_loads() -> None:
    from eventsourcing.persistence import Mapper

    from services.people.domain.person import EmailIndex
    from shared.eventstore import event_transcoder

    person_id = UUID("00000000-0000-4000-8000-0000000000aa")
    old = EmailIndex(person_id=person_id, email="ancien@ai.fr")  # how the index's event was written then
    mapper: Mapper = Mapper(transcoder=event_transcoder())  # type: ignore[type-arg]
    stored = mapper.to_stored_event(old.collect_events()[0])
    assert b"ancien@ai.fr" in stored.state
    replayed = mapper.to_domain_event(stored)
    assert replayed.originator_id == EmailIndex.create_id("ancien@ai.fr") and replayed.person_id == person_id
