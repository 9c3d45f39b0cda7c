"""The register read model: bi-temporal member states, live = as of today, collective certificates
at risk, the Accord Groupe, future-dated mergers, search patterns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from services.membership import queries
from services.membership.domain.errors import UnknownRegion
from services.membership.domain.member import Certification
from shared.platform import Platform
from shared.projection import rebuild
from shared.tenancy import ReadScope, scoped_connection
from tests.helpers.membership_application import membership, register
from tests.helpers.projections import catch_up_everything

GROUP_CERTIFICATE = Certification(
    scheme="CEDRE_ISO_9001",
    scope="collective",
    obtained_on=date(2014, 6, 1),
    expires_on=date(2017, 6, 1),
    group_id="ISO-COLL-BRE",
)
NETWORK = ReadScope.network()


async def record(platform: Platform, member_id: UUID, on: date | None = None, known_at: datetime | None = None):
    return await queries.member_record(platform.read_pool, NETWORK, str(member_id), on or date.today(), known_at)


async def network(platform: Platform, on: date | None = None, known_at: datetime | None = None):
    return await queries.network_dashboard(platform.read_pool, on or date.today(), known_at)


async def test_when_one_holder_loses_a_collective_certificate_the_others_are_at_risk_live_and_as_of(
    platform: Platform,
) -> None:
    app = membership(platform)
    holders = [UUID(register(app, region="BRE").id) for _ in range(3)]
    for member_id in holders:
        app.certify(member_id, certification=GROUP_CERTIFICATE)
    app.lose_certification(holders[0], effective_on=date(2015, 9, 1), reason="audit de suivi")
    await catch_up_everything(platform)

    live = [await record(platform, m) for m in holders]
    after_loss = [await record(platform, m, date(2015, 12, 31)) for m in holders]
    before_loss = [await record(platform, m, date(2015, 8, 31)) for m in holders]
    assert [r.certificate_at_risk for r in live] == [False, True, True]
    assert live[0].certification is None
    assert [r.certificate_at_risk for r in after_loss] == [False, True, True]
    assert [r.certificate_at_risk for r in before_loss] == [False, False, False]
    assert (await network(platform)).certificates_at_risk == 2
    assert (await network(platform, date(2015, 12, 31))).certificates_at_risk == 2
    assert (await network(platform, date(2015, 8, 31))).certificates_at_risk == 0
    bretagne = await queries.region_dashboard(platform.read_pool, NETWORK, "BRE", date.today(), None)
    assert bretagne is not None
    assert bretagne.certificates_at_risk == 2 and bretagne.certified == {"CEDRE_ISO_9001": 2}


async def test_a_holder_certified_again_after_the_loss_is_no_longer_at_risk(platform: Platform) -> None:
    app = membership(platform)
    holders = [UUID(register(app, region="BRE").id) for _ in range(2)]
    for member_id in holders:
        app.certify(member_id, certification=GROUP_CERTIFICATE)
    app.lose_certification(holders[0], effective_on=date(2015, 9, 1), reason="audit de suivi")
    renewed = Certification("CEDRE_ISO_9001", "collective", date(2016, 1, 1), date(2019, 1, 1), "ISO-COLL-BRE")
    app.certify(holders[1], certification=renewed)
    await catch_up_everything(platform)
    assert (await record(platform, holders[1], date(2015, 12, 31))).certificate_at_risk is True
    assert (await record(platform, holders[1])).certificate_at_risk is False


async def test_a_member_sees_its_own_certificate_at_risk_though_it_cannot_see_the_other_holders(
    platform: Platform,
) -> None:
    app = membership(platform)
    holders = [UUID(register(app, region=r).id) for r in ("BRE", "NPC")]
    for member_id in holders:
        app.certify(member_id, certification=GROUP_CERTIFICATE)
    app.lose_certification(holders[0], effective_on=date(2015, 9, 1), reason="audit de suivi")
    await catch_up_everything(platform)
    own = ReadScope.of_tenants([str(holders[1])])
    seen = await queries.member_record(platform.read_pool, own, str(holders[1]), date.today(), None)
    assert seen is not None and seen.certificate_at_risk is True
    assert await queries.member_record(platform.read_pool, own, str(holders[0]), date.today(), None) is None


async def test_the_register_as_of_a_date_counts_only_members_in_force_then(platform: Platform) -> None:
    app = membership(platform)
    staying = UUID(register(app, region="BRE").id)
    leaving = UUID(register(app, region="NPC").id)
    app.resign(leaving, effective_on=date(2015, 12, 31), reason="dissolution")
    app.move_to_region(staying, region="PAC", effective_on=date(2016, 3, 1), reason="transfert")
    await catch_up_everything(platform)
    end = await network(platform, date(2015, 12, 31))
    mid_2016 = await network(platform, date(2016, 6, 30))
    assert end.by_status == {"active": 1, "resigned": 1}
    assert {k: v for k, v in end.members_per_region.items() if v} == {"BRE": 1}
    assert {k: v for k, v in mid_2016.members_per_region.items() if v} == {"PAC": 1}
    assert (await record(platform, staying, date(2016, 2, 29))).region == "BRE"
    assert (await record(platform, staying)).region == "PAC"


def record_accord_groupe_before_joining(app, member_id: UUID, effective_on: date) -> None:  # noqa: ANN001
    """An event recorded before the command refused such dates: the log may hold it for ever."""
    member = app.repository.get(member_id)
    member._joined_accord_groupe(effective_on)
    app.save(member)


async def test_an_accord_groupe_date_before_joining_counts_from_the_joining_date_live_and_as_of(
    platform: Platform,
) -> None:
    app = membership(platform)
    member = UUID(register(app).id)  # joined 2010-01-01
    record_accord_groupe_before_joining(app, member, date(2008, 6, 1))
    await catch_up_everything(platform)
    assert (await network(platform)).accord_groupe == 1
    assert (await network(platform, date.today())).accord_groupe == 1
    assert (await network(platform, date(2010, 1, 1))).accord_groupe == 1
    assert (await network(platform, date(2009, 12, 31))).active_members == 0
    assert (await record(platform, member)).accord_groupe_since == date(2008, 6, 1)


async def test_a_change_dated_in_the_future_takes_effect_on_its_date_only(platform: Platform) -> None:
    app = membership(platform)
    member = UUID(register(app, region="BRE").id)
    next_week = date.today() + timedelta(days=7)
    app.resign(member, effective_on=next_week, reason="dissolution votée")
    await catch_up_everything(platform)
    assert (await record(platform, member)).status == "active"
    assert (await record(platform, member, next_week)).status == "resigned"
    assert (await network(platform)).active_members == 1
    assert (await network(platform, next_week)).active_members == 0
    # The version is the member's latest, whatever the date read: what If-Match compares with.
    assert (await record(platform, member)).version == 2


async def test_known_at_shows_the_register_as_it_was_recorded_then(platform: Platform) -> None:
    app = membership(platform)
    member = UUID(register(app, region="BRE").id)
    app.change_forms(member, forms=("AI", "ETTI"), effective_on=date(2014, 1, 1), reason="ouverture ETTI")
    before_correction = datetime.now(UTC)
    app.change_forms(member, forms=("GES",), effective_on=date(2012, 1, 1), reason="correction: GES depuis 2012")
    await catch_up_everything(platform)
    assert (await record(platform, member, date(2013, 1, 1))).forms == ["GES"]
    assert (await record(platform, member, date(2015, 1, 1))).forms == ["AI", "ETTI"]
    then = await record(platform, member, date(2013, 1, 1), before_correction)
    assert then.forms == ["AI"] and then.version == 2
    assert await record(platform, member, date(2013, 1, 1), datetime(2000, 1, 1, tzinfo=UTC)) is None


async def test_a_merger_dated_in_the_future_applies_on_its_date_and_the_old_regions_work_until_then(
    platform: Platform,
) -> None:
    app = membership(platform)
    before = UUID(register(app, region="AUV").id)
    app.merge_regions(
        merged=("AUV", "RAL"), new_code="ARA", new_name="Auvergne-Rhône-Alpes", effective_on=date(2030, 1, 1)
    )
    after = UUID(register(app, region="RAL").id)  # accepted: RAL exists until 2030
    await catch_up_everything(platform)
    live = {r.code: r for r in await _regions(platform, date.today())}
    assert live["AUV"].status == "active" and "ARA" not in live
    assert (await record(platform, before)).region == "AUV"
    assert (await record(platform, after)).region == "RAL"
    assert (await record(platform, after, date(2030, 1, 1))).region == "ARA"
    in_2030 = await network(platform, date(2030, 1, 1))
    assert {k: v for k, v in in_2030.members_per_region.items() if v} == {"ARA": 2}
    assert "AUV" not in in_2030.members_per_region
    with pytest.raises(UnknownRegion):
        app.move_to_region(before, region="RAL", effective_on=date(2030, 6, 1), reason="trop tard")


async def test_the_rebuilt_register_equals_the_live_one_with_late_and_future_dated_changes(
    platform: Platform,
) -> None:
    app = membership(platform)
    ids = [UUID(register(app, region=r).id) for r in ("BRE", "BRE", "NPC")]
    app.change_forms(ids[0], forms=("ACI",), effective_on=date(2014, 1, 1), reason="a")
    app.change_forms(ids[0], forms=("EI",), effective_on=date(2012, 1, 1), reason="correction")
    app.resign(ids[1], effective_on=date.today() + timedelta(days=30), reason="b")
    record_accord_groupe_before_joining(app, ids[2], date(2001, 1, 1))
    await catch_up_everything(platform)
    store, projection = platform.projection("membership", "register")
    report = await rebuild(platform.write_pool, store, projection, verify_only=True)
    assert report.differences == [], report.differences


async def test_the_rebuilt_register_equals_the_live_one_with_renames_and_splits(platform: Platform) -> None:
    app = membership(platform)
    npc, cli_1, cli_2 = (UUID(register(app, region=r).id) for r in ("NPC", "CLI", "CLI"))
    app.rename_region(code="BRE", new_code="BRE", new_name="Bretagne (fédération)", effective_on=date(2016, 1, 1))
    app.rename_region(code="NPC", new_code="HDF", new_name="Hauts-de-France", effective_on=date(2016, 1, 1))
    app.split_region(
        code="CLI",
        successors=(("CVL", "Centre-Val de Loire"), ("LIM", "Limousin")),
        assignments={cli_1: "CVL", cli_2: "LIM"},
        effective_on=date(2016, 1, 1),
    )
    late = UUID(register(app, region="NPC", joined_on=date(2015, 3, 1)).id)  # follows NPC to HDF
    await catch_up_everything(platform)
    assert [(await record(platform, m)).region for m in (npc, cli_1, cli_2, late)] == ["HDF", "CVL", "LIM", "HDF"]
    assert (await record(platform, late, date(2015, 6, 1))).region == "NPC"
    in_2015 = {r.code: r for r in await _regions(platform, date(2015, 6, 1))}
    today = {r.code: r for r in await _regions(platform, date.today())}
    assert in_2015["BRE"].name == "Bretagne" and today["BRE"].name == "Bretagne (fédération)"
    assert in_2015["CLI"].status == "active" and today["CLI"].successors == ["CVL", "LIM"]
    assert today["HDF"].predecessors == ["NPC"] and today["BRE"].predecessors == []
    store, projection = platform.projection("membership", "register")
    report = await rebuild(platform.write_pool, store, projection, verify_only=True)
    assert report.differences == [], report.differences


async def test_a_name_search_matches_percent_underscore_and_backslash_literally(platform: Platform) -> None:
    app = membership(platform)
    for n in (1, 2, 3):
        register(app, n=900 + n)
    await catch_up_everything(platform)
    for pattern in ("%", "_", "\\", "n°90_"):
        page = await _list(platform, name=pattern)
        assert page.total == 0, pattern
    assert (await _list(platform, name="n°901")).total == 1


async def _list(platform: Platform, **filters: str):
    async with scoped_connection(platform.read_pool, NETWORK) as conn:
        return await queries.list_members(
            conn,
            on=date.today(),
            known_at=None,
            region=None,
            form=None,
            status=None,
            certification=None,
            name=filters.get("name"),
            limit=50,
            offset=0,
        )


async def _regions(platform: Platform, on: date):
    async with scoped_connection(platform.read_pool, NETWORK) as conn:
        return await queries.regions(conn, on)


async def test_a_list_narrowed_to_the_caller_s_scope_shows_what_row_level_security_shows(platform: Platform) -> None:
    app = membership(platform)
    ids = [register(app, region=r).id for r in ("BRE", "BRE", "NPC")]
    await catch_up_everything(platform)
    for scope, expected in (
        (ReadScope.of_tenants([ids[2]]), {ids[2]}),
        (ReadScope.of_region("BRE"), {ids[0], ids[1]}),
        (ReadScope("none"), set()),
        (NETWORK, set(ids)),
    ):
        async with scoped_connection(platform.read_pool, scope) as conn:
            page = await queries.list_members(
                conn,
                scope=scope,
                on=date.today(),
                known_at=None,
                region=None,
                form=None,
                status=None,
                certification=None,
                name=None,
                limit=50,
                offset=0,
            )
        assert {m.member_id for m in page.items} == expected and page.total == len(expected), scope
