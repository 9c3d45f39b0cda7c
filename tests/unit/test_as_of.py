"""The platform's one meaning of `as_of` (a date: the end of that day in Paris) and `known_at` (a
moment: what had been recorded by then), and the French refusals of what is neither."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from shared.as_of import as_of_date, aware, end_of_day
from shared.decoding import RequestRefused


def test_as_of_is_the_end_of_that_day_in_paris_in_summer_and_in_winter() -> None:
    assert end_of_day(date(2016, 3, 31)) == datetime(2016, 3, 31, 22, tzinfo=UTC)  # UTC+2
    assert end_of_day(date(2016, 1, 15)) == datetime(2016, 1, 15, 23, tzinfo=UTC)  # UTC+1
    # The day daylight saving starts is 23 hours long: its end is still the next midnight in Paris.
    assert end_of_day(date(2016, 3, 27)) - end_of_day(date(2016, 3, 26)) == timedelta(hours=23)
    assert end_of_day(date.max) == datetime.max.replace(tzinfo=UTC)
    assert end_of_day(date.min) == datetime(1, 1, 1, 23, 50, 39, tzinfo=UTC)  # Paris' local mean time then


def test_known_at_is_a_moment_in_utc_at_the_calendars_ends_too() -> None:
    assert aware(datetime(2016, 3, 31, 18)) == datetime(2016, 3, 31, 18, tzinfo=UTC)  # no offset: UTC
    paris_summer = timezone(timedelta(hours=2))
    assert aware(datetime(2016, 3, 31, 20, tzinfo=paris_summer)) == datetime(2016, 3, 31, 18, tzinfo=UTC)
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    assert aware(early) == datetime.min.replace(tzinfo=UTC)
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-14)))
    assert aware(late) == datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2016-03-31T18:00:00+02:00", "utilisez « known_at »"),
        ("2016-03-31 18:00", "utilisez « known_at »"),
        ("2016-02-30", "n'est pas une date du calendrier"),
        ("31/03/2016", "doit être une date AAAA-MM-JJ"),
        ("1700000000", "doit être une date AAAA-MM-JJ"),
        ("", "doit être une date AAAA-MM-JJ"),
    ],
)
def test_as_of_refuses_what_is_not_a_date_naming_the_field(value: str, said: str) -> None:
    with pytest.raises(RequestRefused) as refused:
        as_of_date(value, "from_as_of")
    assert refused.value.status_code == 400
    assert said in refused.value.detail and "« from_as_of »" in refused.value.detail
    assert refused.value.extra == {"field": "from_as_of", "source": "query"}


def test_as_of_reads_a_date_and_leaves_an_absent_one_absent() -> None:
    assert as_of_date("2016-12-31") == date(2016, 12, 31)
    assert as_of_date(None) is None


def test_the_federation_s_today_is_the_date_in_paris() -> None:
    from datetime import UTC, date, datetime

    from shared.as_of import today_in_paris

    # Winter (UTC+1): half past eleven at night in UTC is already the next day in Paris.
    assert today_in_paris(datetime(2026, 11, 30, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)
    assert today_in_paris(datetime(2026, 11, 30, 22, 59, tzinfo=UTC)) == date(2026, 11, 30)
    # Summer (UTC+2).
    assert today_in_paris(datetime(2026, 7, 1, 21, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert today_in_paris(datetime(2026, 7, 1, 22, 0, tzinfo=UTC)) == date(2026, 7, 2)
