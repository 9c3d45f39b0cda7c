"""The order of a call's life, checked on the dates acts took effect (not on when they were recorded):
opening ≤ applications ≤ closing ≤ scores and decisions ≤ reviews ≤ publication ≤ settlement.

A bound that is not known yet (a call not closed, a decision not reviewed) checks nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.training.domain.errors import DateOutOfOrder

# The federation's days are Paris days: an act recorded at 00:30 on 1 April in Paris took effect on
# 1 April, whatever the UTC date.
PARIS = ZoneInfo("Europe/Paris")


def paris_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def not_before(on: date, bound: date | None, act: str, bound_name: str, field: str = "on") -> None:
    if bound is not None and on < bound:
        raise DateOutOfOrder(field, act, on, "antérieure à", bound_name, bound)


def not_after(on: date, bound: date | None, act: str, bound_name: str, field: str = "on") -> None:
    if bound is not None and on > bound:
        raise DateOutOfOrder(field, act, on, "postérieure à", bound_name, bound)


def upcast_recording_day(state: dict[str, Any]) -> None:
    """For an event stored before it recorded its effective date: the day it was recorded (Paris)."""
    timestamp = state["timestamp"]
    state["on"] = paris_day(timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC))
