"""How the pages write dates, amounts and numbers: the French way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from jinja2 import Environment

PARIS = ZoneInfo("Europe/Paris")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(value: date | datetime | None) -> str:
    """« 3 mars 2026 »; a date-time is first taken to Paris time."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(PARIS) if value.tzinfo else value
        day = value.date()
    else:
        day = value
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def french_datetime(value: datetime | None) -> str:
    """« 3 mars 2026 à 14 h 05 » in Paris time."""
    if value is None:
        return "—"
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{french_date(local)} à {local.hour} h {local.minute:02d}"


def french_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """« 12 345,6 »: a narrow no-break space between thousands, a comma before decimals."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def euros(value: int | float | Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{french_number(value, 2)}\u00a0€"


def install(environment: Environment) -> None:
    environment.filters["date_fr"] = french_date
    environment.filters["datetime_fr"] = french_datetime
    environment.filters["number_fr"] = french_number
    environment.filters["euros"] = euros
    # Imported here: charts and navigation format numbers with this module's filters.
    from shared.web.charts import PALETTE, bar_chart_svg, gauge_svg
    from shared.web.navigation import links_for

    environment.globals.update(bar_chart_svg=bar_chart_svg, gauge_svg=gauge_svg, palette=PALETTE, navigation=links_for)
