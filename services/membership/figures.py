"""The register's figures (dashboards), counted from member states grouped by what they count.

One counting function for the live dashboards and the dashboards as of a date: both are the same
query (`queries.py`) at a different date. PostgreSQL groups the states in force by `figure` (some
3,000 keys for 30,000 members: the collective certificate and its date are in the key, because
"at risk" depends on the other holders); `merged_groups` decides "at risk" for each key and merges
them into the few hundred groups that `figures` counts, once, for the network and for each region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

import msgspec

from services.membership.member_state import certificate_at_risk


def figure_key(state: dict[str, Any]) -> str:
    """What the figures count of a member state, as one short text (`figure` in the read model):
    counting the states in force on a date is then a GROUP BY on one narrow indexed column."""
    return msgspec.json.encode(
        [
            state["region"],
            state["forms"],
            state["status"],
            state["certification_scheme"],
            state["certification_group"],
            state["certified_on"],
            state["accord_groupe_since"] is not None,
        ]
    ).decode()


@lru_cache(maxsize=65_536)
def figure_parts(key: str) -> dict[str, Any]:
    """What `figure_key` wrote, read back (read only: the answer is shared). The keys are few and
    the same from one read to the next, so each is decoded once per process: decoding the 3,000
    keys of every dashboard read cost more than the query itself."""
    region, forms, status, scheme, group, certified_on, accord_groupe = msgspec.json.decode(key)
    return {
        "region": region,
        "forms": tuple(forms),
        "status": status,
        "certification_scheme": scheme,
        "certification_group": group,
        "certified_on": None if certified_on is None else date.fromisoformat(certified_on),
        "accord_groupe": accord_groupe,
    }


def merged_groups(counted: Iterable[tuple[str, int]], losses: dict[str, date]) -> list[dict[str, Any]]:
    """The groups `figures` counts, from (figure key, number of states) pairs: each key's collective
    certificate at risk or not (`losses`: the latest loss per certificate), then the keys that count
    the same merged (the certificate and its date drop out)."""
    merged: Counter[tuple[Any, ...]] = Counter()
    for key, n in counted:
        parts = figure_parts(key)
        at_risk = certificate_at_risk(parts, losses)
        merged[
            parts["region"],
            parts["forms"],
            parts["status"],
            parts["certification_scheme"],
            parts["accord_groupe"],
            at_risk,
        ] += n
    return [
        {
            "region": region,
            "primary_form": forms[0],
            "forms": forms,
            "status": status,
            "certification_scheme": scheme,
            "accord_groupe": accord_groupe,
            "certificate_at_risk": at_risk,
            "n": n,
        }
        for (region, forms, status, scheme, accord_groupe, at_risk), n in merged.items()
    ]


def map_bucket(active_members: int) -> str:
    """The activity report's map legend."""
    if active_members > 60:
        return "more than 60"
    if active_members >= 30:
        return "30 to 60"
    if active_members >= 15:
        return "15 to 30"
    if active_members >= 1:
        return "1 to 15"
    return "none"


def figures(groups: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The figures from groups of member states (`n` members each) that carry `status`,
    `primary_form`, `forms`, `certification_scheme`, `certificate_at_risk` and `accord_groupe`."""
    total: Counter[str] = Counter()
    by_form: Counter[str] = Counter()
    by_carried_form: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    certified: Counter[str] = Counter()
    for g in groups:
        n = g["n"]
        by_status[g["status"]] += n
        total["members"] += n
        if g["status"] != "active":
            continue
        total["active"] += n
        by_form[g["primary_form"]] += n
        for form in g["forms"]:
            by_carried_form[form] += n
        if g["certification_scheme"]:
            certified[g["certification_scheme"]] += n
        total["at_risk"] += n if g["certificate_at_risk"] else 0
        total["accord"] += n if g["accord_groupe"] else 0
    return {
        "members": total["members"],
        "active_members": total["active"],
        "by_form": dict(sorted(by_form.items())),
        "by_carried_form": dict(sorted(by_carried_form.items())),
        "by_status": dict(sorted(by_status.items())),
        "certified": dict(sorted(certified.items())),
        "certificates_at_risk": total["at_risk"],
        "accord_groupe": total["accord"],
    }
