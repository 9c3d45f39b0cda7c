"""The dashboards' figures as the read model counts them (PostgreSQL groups the states in force by
figure key; `figures.merged_groups` decides "at risk" per key with the latest losses, read in
network scope, and merges the keys) must equal what the Python fold of the events gives, each
state counted one by one by `figures.figures` (the oracle), for the network and for each region,
in network scope and in a regional delegate's, at dates around the changes and as known at moments
between their recordings.

The register is varied on purpose: holders of one collective certificate in two regions (a loss in
one region puts the holders of the other at risk: a delegate's dashboard needs losses it cannot
see), a holder certified again after a loss, a resignation while holding the certificate, an
exclusion, a move between regions, several forms, the Accord Groupe, an individual certificate,
and a resignation dated in the future.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from services.membership import queries
from services.membership.figures import figures, map_bucket
from services.membership.member_state import certificate_at_risk, fold_as_of, latest_losses
from shared.platform import Platform
from shared.tenancy import ReadScope
from tests.helpers.member_histories import TODAY, recorded_history
from tests.helpers.projections import catch_up_everything

FIRST_RECORDING = datetime(2014, 1, 1, tzinfo=UTC)
GAPS = [30, 200, 150, 300, 100, 400, 60, 90, 120]  # days between a member's recordings
FUTURE = TODAY + timedelta(days=200)

# (joined on, region, changes): see `tests.helpers.member_histories.decide`.
REGISTER: list[tuple[date, str, list[tuple[str, Any, date]]]] = [
    # Holders of G1 in Bretagne: one loses it, one resigns while holding it.
    (date(2010, 1, 1), "BRE", [("certify", "G1", date(2014, 6, 1)), ("lose", None, date(2015, 9, 1))]),
    (date(2011, 3, 1), "BRE", [("certify", "G1", date(2014, 6, 1)), ("join_accord", None, date(2012, 1, 1))]),
    (date(2009, 5, 1), "BRE", [("certify", "G1", date(2014, 6, 1)), ("resign", None, date(2016, 2, 1))]),
    # Holders of G1 in the Nord: at risk from a loss in another region.
    (date(2012, 1, 1), "NPC", [("certify", "G1", date(2014, 6, 1)), ("forms", ("AI", "ETTI"), date(2013, 1, 1))]),
    (date(2013, 1, 1), "NPC", [("certify", "G1", date(2015, 12, 1))]),  # obtained after the first loss
    # G2: lost by one holder, the other certified again after the loss.
    (date(2010, 1, 1), "NPC", [("certify", "G2", date(2014, 1, 1)), ("exclude", None, date(2015, 3, 1))]),
    (
        date(2010, 1, 1),
        "IDF",
        [
            ("certify", "G2", date(2014, 1, 1)),
            ("certify", "G2", date(2016, 1, 1)),
            ("join_accord", None, date(2014, 1, 1)),
        ],
    ),
    # Others: a move, an individual certificate, another form, a resignation dated in the future.
    (date(2008, 1, 1), "BRE", [("move", "IDF", date(2015, 6, 1)), ("certify", None, date(2015, 1, 1))]),
    (date(2014, 9, 1), "IDF", [("forms", ("GES",), date(2014, 9, 1)), ("resign", None, FUTURE)]),
    (date(2016, 3, 1), "IDF", [("join_accord", None, date(2016, 3, 1)), ("leave_accord", None, date(2017, 1, 1))]),
    (date(2005, 1, 1), "NPC", [("resign", None, date(2014, 12, 31)), ("reinstate", None, date(2015, 6, 1))]),
]
DATES = [
    date(2014, 5, 31),
    date(2014, 12, 31),
    date(2015, 9, 1),
    date(2015, 12, 31),
    date(2016, 6, 30),
    TODAY,
    FUTURE,
]


def expected(states: list[dict[str, Any]], losses: dict[str, date]) -> dict[str, Any]:
    """The figures of `states` by the fold: one group per member."""
    return figures(
        [
            {
                **s,
                "n": 1,
                "accord_groupe": s["accord_groupe_since"] is not None,
                "certificate_at_risk": certificate_at_risk(s, losses),
            }
            for s in states
        ]
    )


async def test_the_figures_counted_in_sql_equal_the_fold_for_the_network_and_each_region(platform: Platform) -> None:
    app = platform.application("membership")
    written = []
    for n, (joined_on, region, changes) in enumerate(REGISTER, start=1):
        events = recorded_history((joined_on, region, changes, FIRST_RECORDING, GAPS), n)
        app.save(*events)
        written.append(events)
    await catch_up_everything(platform)
    recordings = sorted(e.timestamp for events in written for e in events)
    moments = [None, recordings[len(recordings) // 3], recordings[2 * len(recordings) // 3]]

    at_risk_seen = Counter[str]()
    for known_at in moments:
        for on in DATES:
            states = [s for events in written if (s := fold_as_of(events, on, known_at)) is not None]
            losses = latest_losses(states)  # the whole network's: other regions' holders count
            network = await queries.network_dashboard(platform.read_pool, on, known_at)
            assert network is not None
            counted = msgspec.structs.asdict(network)
            active = Counter(s["region"] for s in states if s["status"] == "active")
            assert {k: counted[k] for k in ("members_per_region", *expected([], {}))} == {
                **expected(states, losses),
                "members_per_region": {r: active[r] for r in sorted({s["region"] for s in states})},
            }, (on, known_at)

            for code in ("BRE", "NPC", "IDF"):
                in_region = [s for s in states if s["region"] == code]
                wanted = {**expected(in_region, losses), "map_bucket": map_bucket(active[code])}
                for scope in (ReadScope.network(), ReadScope.of_region(code)):
                    region = await queries.region_dashboard(platform.read_pool, scope, code, on, known_at)
                    assert region is not None
                    answer = msgspec.structs.asdict(region)
                    assert {k: answer[k] for k in wanted} == wanted, (code, scope.kind, on, known_at)
                at_risk_seen[code] += wanted["certificates_at_risk"]

    # Not vacuous: holders are at risk in Bretagne and, from Bretagne's loss, in the Nord.
    assert at_risk_seen["BRE"] > 0 and at_risk_seen["NPC"] > 0
