"""Members registered while the contact person was a type of its own ("membership.contact", before
issue 10) load, take new commands, and read the same: the read models caught up from the events as
stored today equal those a rebuild replays from the same events stored the former way."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from services.membership import queries
from services.membership.application import MembershipApplication
from shared.personal import PersonalDetails
from shared.platform import Platform
from shared.projection import rebuild
from shared.tenancy import ReadScope
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything

NEW_CONTACT = PersonalDetails(name="Paul Martin", email="Paul.Martin@relais.fr", phone="03 21 00 00 00")


async def store_the_former_way(platform: Platform, member_id: UUID) -> int:
    """Rewrites the member's stored events as the register wrote them before issue 10; how many."""
    assert platform.write_pool is not None
    rewritten: int = await platform.write_pool.fetchval(
        """
        WITH rewritten AS (
            UPDATE membership.membership_events
            SET state = convert_to(
                replace(convert_from(state, 'UTF8'), '"_type_":"personal.details"', '"_type_":"membership.contact"'),
                'UTF8'
            )
            WHERE originator_id = $1 AND position('"personal.details"'::bytea IN state) > 0
            RETURNING 1
        )
        SELECT count(*) FROM rewritten
        """,
        member_id,
    )
    return rewritten


async def contact_read(platform: Platform, member_id: UUID) -> dict[str, str]:
    """The contact the register shows, without its data subject's id (checked to be one)."""
    record = await queries.member_record(platform.read_pool, ReadScope.network(), str(member_id), date.today(), None)
    assert record is not None
    contact = dict(record.contact)
    assert UUID(contact.pop("subject"))
    return contact


def replayed_contact(app: MembershipApplication, member_id: UUID, version: int) -> PersonalDetails:
    # A version given: the library replays the stored events instead of answering from its cache.
    contact = app.repository.get(member_id, version=version).contact
    assert type(contact) is PersonalDetails
    return contact


async def test_a_member_stored_with_the_former_contact_type_replays_and_rebuilds_the_same(platform: Platform) -> None:
    app = membership(platform)
    old, new = (UUID(register(app).id) for _ in range(2))
    changed = app.change_details(
        old, name="Association du Relais", contact=NEW_CONTACT, city="Lens", effective_on=date(2012, 1, 1)
    )
    await catch_up_everything(platform)
    live_contact = await contact_read(platform, old)
    assert live_contact == {"name": "Paul Martin", "email": "Paul.Martin@relais.fr", "phone": "03 21 00 00 00"}

    assert await store_the_former_way(platform, old) == 2  # its registration and its change of details
    assert replayed_contact(app, old, changed.version) == NEW_CONTACT
    assert replayed_contact(app, old, 1).name.startswith("Contact ")
    for name in ("register", "member_history"):
        store, projection = platform.projection("membership", name)
        report = await rebuild(platform.write_pool, store, projection, verify_only=True)
        assert report.events >= 3, name
        assert report.differences == [], (name, report.differences)

    # A new command on the old history writes the current name, and both read the same.
    later = PersonalDetails(name="Léa Roux", email="lea@relais.fr", phone="03 21 00 00 01")
    app.change_details(old, name="Association du Relais", contact=later, city="Lens", effective_on=date(2013, 1, 1))
    await catch_up_everything(platform)
    assert await contact_read(platform, old) == {
        "name": "Léa Roux",
        "email": "lea@relais.fr",
        "phone": "03 21 00 00 01",
    }
    assert (await contact_read(platform, new))["email"].endswith("@ai.fr")
    async with platform.write_pool.acquire() as conn:
        kinds = await conn.fetch(
            "SELECT position('\"membership.contact\"'::bytea IN state) > 0 AS former "
            "FROM membership.membership_events WHERE originator_id = $1 ORDER BY originator_version",
            old,
        )
    assert [k["former"] for k in kinds] == [True, True, False]
    store, projection = platform.projection("membership", "register")
    report = await rebuild(platform.write_pool, store, projection, verify_only=True)
    assert report.differences == [], report.differences
