"""The hash chain of the event logs: written by every save, verified, and naming the first bad event."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
import pytest

from shared.audit_chain import (
    CONTENT_CHANGED,
    EVENT_WITHOUT_LINK,
    LINK_WITHOUT_EVENT,
    ORDER_BROKEN,
    ZERO_HASH,
    ChainedLog,
    anchor_heads,
    anchor_mismatch,
    content_digest,
    next_hash,
    read_anchors,
    verify,
)
from shared.events import command_context
from shared.personal import PersonalDetails
from shared.platform import Platform
from tests.helpers.audit import log_of
from tests.helpers.membership_application import membership, register


async def test_every_saved_event_is_linked_and_the_chain_verifies(platform: Platform) -> None:
    app = membership(platform)
    first, second = register(app), register(app)
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        links = await conn.fetch(f"SELECT notification_id, tenant, hash FROM {chained.chain} ORDER BY notification_id")
        events = await conn.fetch(f"SELECT * FROM {chained.events} ORDER BY notification_id")
        report = await verify(conn, chained)
    assert [link["notification_id"] for link in links] == [e["notification_id"] for e in events]
    originators = {e["notification_id"]: str(e["originator_id"]) for e in events}
    tenants = {originators[link["notification_id"]]: link["tenant"] for link in links}
    assert tenants[first.id] == first.id and tenants[second.id] == second.id
    assert set(tenants.values()) == {first.id, second.id, ""}  # the SIRET index, the regions: the network's
    # The member's first event chains from zero bytes, whatever the network's chain holds before it.
    first_event = next(e for e in events if str(e["originator_id"]) == first.id)
    expected = next_hash(
        ZERO_HASH,
        content_digest(
            first_event["notification_id"],
            first_event["originator_id"],
            first_event["originator_version"],
            first_event["topic"],
            first_event["state"],
        ),
    )
    assert (
        bytes(next(link["hash"] for link in links if link["notification_id"] == first_event["notification_id"]))
        == expected
    )
    assert report.intact and report.first_bad is None
    assert report.events_checked == len(events)


async def test_the_reader_role_can_neither_read_nor_append_links(platform: Platform) -> None:
    register(membership(platform))
    assert platform.read_pool is not None
    async with platform.read_pool.acquire() as conn:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetch("SELECT * FROM membership.event_chain")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("SELECT membership.append_event_chain('{x}', '{1}', '{\\x00}')")


async def test_an_edited_event_is_named(platform: Platform) -> None:
    app = membership(platform)
    first = register(app)
    edited = register(app)
    register(app)
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        edited_event = await registered_event(conn, chained, edited.id)
        await conn.execute(
            f"UPDATE {chained.events} SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Rennes', 'Brest'), 'UTF8') WHERE notification_id = $1",
            edited_event,
        )
        report = await verify(conn, chained)
        tenant_report = await verify(conn, chained, tenant=edited.id)
        other_tenant = await verify(conn, chained, tenant=first.id)
    assert not report.intact and report.first_bad is not None
    assert report.first_bad.notification_id == edited_event
    assert report.first_bad.originator_id == edited.id
    assert report.first_bad.originator_version == 1
    assert report.first_bad.reason == CONTENT_CHANGED
    assert report.first_bad.tenant == edited.id
    assert tenant_report.first_bad is not None and tenant_report.first_bad.notification_id == edited_event
    assert other_tenant.intact and other_tenant.events_checked == 1  # another member's chain holds


async def test_a_deleted_event_or_link_is_named(platform: Platform) -> None:
    app = membership(platform)
    register(app)
    gone = register(app)
    unlinked = register(app)
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        gone_event = await registered_event(conn, chained, gone.id)
        unlinked_event = await registered_event(conn, chained, unlinked.id)
        await conn.execute(f"DELETE FROM {chained.events} WHERE notification_id = $1", gone_event)
        report = await verify(conn, chained)
        await conn.execute(f"DELETE FROM {chained.chain} WHERE notification_id IN ($1, $2)", gone_event, unlinked_event)
        later = await verify(conn, chained)
    assert report.first_bad is not None
    assert (report.first_bad.notification_id, report.first_bad.reason) == (gone_event, LINK_WITHOUT_EVENT)
    assert report.first_bad.tenant == gone.id
    assert later.first_bad is not None
    assert (later.first_bad.notification_id, later.first_bad.reason) == (unlinked_event, EVENT_WITHOUT_LINK)
    assert later.first_bad.originator_id == unlinked.id


async def test_an_event_taken_out_with_its_link_breaks_the_order(platform: Platform) -> None:
    app = membership(platform)
    member = register(app)
    with command_context(actor_id="staff-1", actor_role="national_staff", tenant_id=None):
        changed = app.change_details(
            UUID(member.id),
            name="Association renommée",
            contact=PersonalDetails(name="Nouveau contact", email="nouveau@ai.fr", phone="+33 2 00 00 00 00"),
            city="Vannes",
            effective_on=date(2020, 1, 1),
        )
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        first = await registered_event(conn, chained, member.id)
        await conn.execute(f"DELETE FROM {chained.events} WHERE notification_id = $1", first)
        await conn.execute(f"DELETE FROM {chained.chain} WHERE notification_id = $1", first)
        report = await verify(conn, chained)
        second = await conn.fetchval(
            f"SELECT notification_id FROM {chained.events} WHERE originator_id = $1::uuid", member.id
        )
    assert changed.version == 2
    assert report.first_bad is not None
    assert (report.first_bad.notification_id, report.first_bad.reason) == (second, ORDER_BROKEN)
    assert report.first_bad.originator_version == 2


async def test_an_event_forged_far_ahead_is_named_without_walking_the_gap(platform: Platform) -> None:
    member = register(membership(platform))
    chained = log_of(platform, "membership")
    async with platform._pool().acquire() as conn:
        await conn.execute(
            f"INSERT INTO {chained.events} (originator_id, originator_version, topic, state, notification_id) "
            f"SELECT originator_id, 99, topic, state, 10000000000000 FROM {chained.events} "
            "WHERE originator_id = $1::uuid",
            member.id,
        )
        report = await verify(conn, chained)
    assert report.first_bad is not None
    assert (report.first_bad.notification_id, report.first_bad.reason) == (10_000_000_000_000, EVENT_WITHOUT_LINK)


async def test_a_consistent_rewrite_of_the_whole_chain_is_caught_by_the_anchor(platform: Platform, tmp_path) -> None:
    app = membership(platform)
    target = register(app)
    register(app)
    chained = log_of(platform, "membership")
    anchor_file = tmp_path / "heads.jsonl"
    async with platform._pool().acquire() as conn:
        anchors = await anchor_heads(conn, chained, anchor_file, date(2026, 11, 30))
        assert {a.tenant for a in anchors} >= {target.id, ""}
        assert (await verify(conn, chained, anchors=read_anchors(anchor_file))).intact
        # The owner rewrites the event and recomputes every link after it, as the writer would.
        target_event = await registered_event(conn, chained, target.id)
        await conn.execute(
            f"UPDATE {chained.events} SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Rennes', 'Brest'), 'UTF8') WHERE notification_id = $1",
            target_event,
        )
        await rechain(conn, chained)
        without_anchors = await verify(conn, chained)
        with_anchors = await verify(conn, chained, anchors=read_anchors(anchor_file))
    assert without_anchors.intact  # the rewrite is consistent: only the anchor can tell
    assert with_anchors.first_bad is not None
    assert with_anchors.first_bad.notification_id == target_event
    assert with_anchors.first_bad.reason == anchor_mismatch("2026-11-30") == "ancre du 30/11/2026 ne correspond plus"


async def registered_event(conn: asyncpg.Connection, chained: ChainedLog, member_id: str) -> int:
    """The notification id of the member's first event (a command also saves the SIRET index)."""
    return await conn.fetchval(
        f"SELECT notification_id FROM {chained.events} WHERE originator_id = $1::uuid AND originator_version = 1",
        member_id,
    )


async def rechain(conn: asyncpg.Connection, chained: ChainedLog) -> None:
    """Recompute every link of the chain from the events as they are now (an attacker's rewrite)."""
    heads: dict[str, bytes] = {}
    rows = await conn.fetch(
        f"SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, c.tenant "
        f"FROM {chained.events} e JOIN {chained.chain} c USING (notification_id) ORDER BY e.notification_id"
    )
    for r in rows:
        digest = content_digest(
            r["notification_id"], r["originator_id"], r["originator_version"], r["topic"], r["state"]
        )
        heads[r["tenant"]] = next_hash(heads.get(r["tenant"], ZERO_HASH), digest)
        await conn.execute(
            f"UPDATE {chained.chain} SET hash = $2 WHERE notification_id = $1", r["notification_id"], heads[r["tenant"]]
        )
