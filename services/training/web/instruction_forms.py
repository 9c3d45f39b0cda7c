"""What every instruction form shares: reading the posted version, dates and amounts in French
forms, running one application command as the API does, and turning a refusal into a message beside
the field it concerns."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import structlog
from litestar import Request
from litestar.response import Redirect, Template

from services.training.application import TrainingApplication
from services.training.web.instruction_view import INCOMPLETE, VERSION
from shared.errors import DomainError
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.values import MONEY_PATTERN
from shared.web.forms import GENERAL, page_command, refusal, see_other, sentence
from shared.web.notices import flash

log = structlog.get_logger(__name__)


class FormProblem(Exception):
    """What the form itself got wrong (nothing was sent to the application): 400, beside `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def version_of(fields: dict[str, str]) -> int:
    raw = fields.get(VERSION, "")
    if not raw.isdigit() or len(raw) > 9:
        raise FormProblem(GENERAL, INCOMPLETE)
    return int(raw)


def date_of(fields: dict[str, str], name: str, default: date, label: str) -> date:
    """A date typed in an `<input type="date">` (AAAA-MM-JJ); empty: `default`."""
    raw = fields.get(name, "")
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FormProblem(name, f"{label} doit être une date au format AAAA-MM-JJ (ex. 2026-03-31).") from None


def euros_of(raw: str, name: str, label: str) -> Decimal:
    """An amount as people type it: « 3 000,50 », « 3000.5 » or « 3000 € »."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", raw).replace(",", ".")
    if not text:
        raise FormProblem(name, f"Indiquez {label}.")
    if not re.search(MONEY_PATTERN, text):
        raise FormProblem(
            name,
            f"{label[:1].upper()}{label[1:]} doit être un montant en euros, positif, avec au plus "
            "deux décimales (ex. 1500,50).",
        )
    return Decimal(text)


def count_of(raw: str, name: str, label: str) -> int:
    text = raw.replace(" ", "")
    if not text.isdigit() or len(text) > 6:
        raise FormProblem(name, f"{label} doit être un nombre entier positif ou nul.")
    return int(text)


def required_text(fields: dict[str, str], name: str, message: str) -> str:
    value = fields.get(name, "")
    if not value:
        raise FormProblem(name, message)
    return value


def problem_errors(problem: FormProblem) -> dict[str, str]:
    return {problem.field: problem.message}


def refused(error: DomainError, fields: dict[str, str], default: str | None = None) -> dict[str, str]:
    """The refusal beside its field; one that names no field goes beside the form's main field."""
    errors = refusal(error, fields)
    if default is not None and GENERAL in errors:
        return {default: sentence(error.message)}
    return errors


async def run(
    request: Request[Any, Any, Any],
    platform: Platform,
    name: str,
    send: Callable[[TrainingApplication], CommandResult],
) -> CommandResult:
    """One command of the training application as the signed-in staff member, then waited for in
    the training log's read models (`shared.web.forms.page_command`)."""
    return await page_command(request, platform, "training", name, send)


async def done(request: Request[Any, Any, Any], path: str, notice: str) -> Redirect:
    await flash(request, notice)
    return see_other(path)


def page(name: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=f"training/instruction/{name}", context=context, status_code=status)
