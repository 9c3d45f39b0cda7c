"""The register's figures (dashboards), counted from member states grouped by what they count.

One counting function for the live dashboards and the dashboards as of a date: both are the same
query (`queries.py`) at a different date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec


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


def figure_group(key: str, n: int) -> dict[str, Any]:
    """The group of `n` member states that share `key` (`figure_key`), as `figures` reads it."""
    region, forms, status, scheme, group, certified_on, accord_groupe = msgspec.json.decode(key)
    return {
        "region": region,
        "primary_form": forms[0],
        "forms": forms,
        "status": status,
        "certification_scheme": scheme,
        "certification_group": group,
        "certified_on": None if certified_on is None else date.fromisoformat(certified_on),
        "accord_groupe": accord_groupe,
        "n": n,
    }


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
