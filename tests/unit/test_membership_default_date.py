"""A date the client leaves out of a register's command is the federation's today (Paris), not the
server's: at 00:30 on 1 December in Paris, a server on UTC is still on 30 November."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.membership.api.params import or_today


def test_a_left_out_date_is_todays_date_in_paris() -> None:
    assert or_today(None, now=datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)
    assert or_today(None, now=datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)  # 23:59 in summer
    assert or_today(date(2015, 3, 1), now=datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == date(2015, 3, 1)
