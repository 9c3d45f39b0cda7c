"""The member as the read side sees it, and how each event changes it: a pure fold.

The `members` projection folds live events into rows with it; the register "as of" a past date
folds the same events, filtered by effective and recording dates. One function, so both agree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.membership.domain.member import Member


def _tenure_closed(row: dict[str, Any], on: date) -> None:
    tenures = row["tenures"]
    if tenures and tenures[-1]["left_on"] is None:
        tenures[-1] = {**tenures[-1], "left_on": on.isoformat()}


def _contact(contact: Any) -> dict[str, str]:
    return {"name": contact.name, "email": contact.email, "phone": contact.phone}


def apply_member_event(row: dict[str, Any] | None, event: Any) -> dict[str, Any]:
    """The member row after `event` (a `Member` event). `row` is None before `Registered`."""
    kind = type(event).__name__
    if kind == "Registered":
        row = {
            "member_id": str(event.originator_id),
            "tenant_id": str(event.originator_id),
            "region": event.region,
            "name": event.name,
            "siret": event.siret,
            "forms": list(event.forms),
            "primary_form": event.forms[0],
            "city": event.city,
            "status": "active",
            "joined_on": event.joined_on,
            "left_on": None,
            "contact": _contact(event.contact),
            "certification": None,
            "certification_scheme": None,
            "certification_group": None,
            "certificate_at_risk": False,
            "accord_groupe_since": None,
            "dues": {},
            "tenures": [{"joined_on": event.joined_on.isoformat(), "left_on": None}],
        }
    else:
        if row is None:
            raise ValueError(f"{kind} for member {event.originator_id} before it was registered")
        row = {**row, "tenures": list(row["tenures"]), "dues": dict(row["dues"])}
        if kind == "DetailsChanged":
            row.update(name=event.name, contact=_contact(event.contact), city=event.city)
        elif kind == "FormsChanged":
            row.update(forms=list(event.forms), primary_form=event.forms[0])
        elif kind == "MovedToRegion":
            row["region"] = event.region
        elif kind == "Certified":
            c = event.certification
            certification = {"scheme": c.scheme, "scope": c.scope, "obtained_on": c.obtained_on.isoformat(),
                             "expires_on": c.expires_on.isoformat(), "group_id": c.group_id}
            row.update(
                certification=certification,
                certification_scheme=event.certification.scheme,
                certification_group=event.certification.group_id,
                certificate_at_risk=False,
            )
        elif kind == "CertificationLost":
            row.update(
                certification=None, certification_scheme=None, certification_group=None, certificate_at_risk=False
            )
        elif kind == "JoinedAccordGroupe":
            row["accord_groupe_since"] = event.effective_on
        elif kind == "LeftAccordGroupe":
            row["accord_groupe_since"] = None
        elif kind == "DuesCalled":
            row["dues"][str(event.year)] = {"called": str(event.amount), "paid": "0"}
        elif kind == "DuesPaid":
            year = row["dues"].get(str(event.year), {"called": "0", "paid": "0"})
            row["dues"][str(event.year)] = {**year, "paid": str(Decimal(year["paid"]) + event.amount)}
        elif kind in ("Resigned", "Excluded"):
            row.update(status="resigned" if kind == "Resigned" else "excluded", left_on=event.effective_on)
            _tenure_closed(row, event.effective_on)
        elif kind == "Reinstated":
            row.update(status="active", left_on=None)
            row["tenures"].append({"joined_on": event.effective_on.isoformat(), "left_on": None})
        else:
            raise ValueError(f"unknown member event {kind}")
    row["version"] = event.originator_version
    row["updated_at"] = event.timestamp
    return row


def effective_on(event: Any) -> date:
    """The date a change takes effect: a registration's join date, every other event's own date."""
    return event.joined_on if type(event).__name__ == "Registered" else event.effective_on


def fold_as_of(events: list[Any], as_of: date | None, known_at: datetime | None) -> dict[str, Any] | None:
    """The member's row as it took effect on `as_of`, from what was recorded by `known_at`."""
    chosen = [
        e
        for e in events
        if (known_at is None or e.timestamp <= known_at) and (as_of is None or effective_on(e) <= as_of)
    ]
    chosen.sort(key=lambda e: (effective_on(e), e.originator_version))
    row: dict[str, Any] | None = None
    for e in chosen:
        if row is None and type(e).__name__ != "Registered":
            continue
        row = apply_member_event(row, e)
    return row


MEMBER_EVENT_TOPIC_PREFIX = f"{Member.__module__}:Member."
