"""/fms/appels/nouveau (open a call) and /fms/appels/{id}/modification (amend its terms before its
first application): one form of the call's terms, read into the API's own body types
(`CallOpening`, `CallAmendment`) and sent to the same application methods."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.training.api.calls import call_terms
from services.training.api.schemas import CallAmendment, CallOpening
from services.training.domain.call import Call
from services.training.web.common import (
    STAFF,
    AnyRequest,
    FormRefused,
    app_of,
    as_body,
    call_or_404,
    money_text,
    page,
    rate_text,
    refusal_of,
    version_of,
)
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, form_fields, page_command, see_other
from shared.web.notices import flash

GRID_ROWS = 8  # empty rows of the scoring grid (no JavaScript to add one)
STALE = "Quelqu'un a modifié cet appel pendant que vous le lisiez : voici sa version à jour."

# The API's fields → the form's field and its words on screen.
FIELDS: dict[str, tuple[str, str]] = {
    "year": ("year", "Année"),
    "label": ("label", "Libellé"),
    "title": ("title", "Titre"),
    "fund_amount": ("fund_amount", "Fonds mutualisé"),
    "envelope": ("envelope", "Enveloppe"),
    "opens_on": ("opens_on", "Ouverture des candidatures"),
    "closes_on": ("closes_on", "Clôture des candidatures"),
    "on": ("on", "Date d'effet"),
    "reason": ("reason", "Motif de la modification"),
    "criteria.max_cofunding_rate": ("max_cofunding_rate", "Taux de cofinancement"),
    "criteria.priority_cofunding_rate": ("priority_cofunding_rate", "Taux des formations prioritaires"),
    "criteria.max_per_trainee": ("max_per_trainee", "Plafond par stagiaire"),
    "grid": ("grid_code_0", "Grille de notation"),
    "priority_trainings": ("priority_trainings", "Formations prioritaires"),
}
TEXT_FIELDS = (
    "year",
    "label",
    "title",
    "fund_amount",
    "envelope",
    "opens_on",
    "closes_on",
    "on",
    "reason",
    "max_cofunding_rate",
    "priority_cofunding_rate",
    "max_per_trainee",
    "priority_trainings",
)


def _blank(today: str) -> dict[str, Any]:
    values: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    values.update(on=today, accord_groupe_required=True, integration_pathway_required=True)
    values["grid"] = [{"code": "", "label": "", "weight": ""} for _ in range(GRID_ROWS)]
    return values


def _values_of_call(row: dict[str, Any], today: str) -> dict[str, Any]:
    """The form filled with the call's terms as they stand (the amendment starts from them)."""
    terms, criteria = row["terms"], row["terms"]["criteria"]
    values = _blank(today)
    values.update(
        title=terms["title"],
        fund_amount=str(terms["fund_amount"]),
        envelope=str(terms["envelope"]),
        opens_on=str(terms["opens_on"]),
        closes_on=str(terms["closes_on"]),
        max_cofunding_rate=str(criteria["max_cofunding_rate"]),
        priority_cofunding_rate=str(criteria["priority_cofunding_rate"]),
        max_per_trainee=str(criteria["max_per_trainee"]),
        accord_groupe_required=bool(criteria["accord_groupe_required"]),
        integration_pathway_required=bool(criteria["integration_pathway_required"]),
        priority_trainings="\n".join(terms["priority_trainings"]),
    )
    grid = [{"code": g["code"], "label": g["label"], "weight": str(g["weight"])} for g in terms["grid"]]
    values["grid"] = (grid + values["grid"])[: max(GRID_ROWS, len(grid))]
    return values


def _values_of_form(fields: dict[str, str], rows: int) -> dict[str, Any]:
    values: dict[str, Any] = {name: fields.get(name, "") for name in TEXT_FIELDS}
    values["accord_groupe_required"] = fields.get("accord_groupe_required") == "oui"
    values["integration_pathway_required"] = fields.get("integration_pathway_required") == "oui"
    values["grid"] = [
        {key: fields.get(f"grid_{key}_{i}", "") for key in ("code", "label", "weight")} for i in range(rows)
    ]
    return values


def _body(values: dict[str, Any], *, amending: bool) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """The API's body from the form's values, and the field names of this form's grid rows."""
    fields = dict(FIELDS)
    grid: list[dict[str, str]] = []
    for i, row in enumerate(values["grid"]):
        if any(row.values()):
            j = len(grid)
            grid.append({"code": row["code"], "label": row["label"], "weight": row["weight"] or "0"})
            for key, words in (("code", "code"), ("label", "libellé"), ("weight", "poids")):
                fields[f"grid[{j}].{key}"] = (f"grid_{key}_{i}", f"critère {i + 1} : {words}")
    body: dict[str, Any] = {
        "title": values["title"],
        "fund_amount": money_text(values["fund_amount"]),
        "envelope": money_text(values["envelope"]),
        "criteria": {
            "max_cofunding_rate": rate_text(values["max_cofunding_rate"]),
            "priority_cofunding_rate": rate_text(values["priority_cofunding_rate"]),
            "max_per_trainee": money_text(values["max_per_trainee"]),
            "accord_groupe_required": values["accord_groupe_required"],
            "integration_pathway_required": values["integration_pathway_required"],
        },
        "grid": grid,
        "priority_trainings": [t.strip() for t in values["priority_trainings"].split("\n") if t.strip()],
    }
    # An empty date is left out: the API's message then says the field is required.
    for name in ("opens_on", "closes_on"):
        if values[name]:
            body[name] = values[name]
    if values["on"]:
        body["on"] = values["on"]
    if amending:
        body["reason"] = values["reason"]
    else:
        body["label"] = values["label"]
        if values["year"]:
            body["year"] = values["year"]
    return body, fields


def _form_page(
    *,
    call: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    amending = call is not None
    return page(
        "calls/form.html",
        status,
        title="Modifier l'appel à projets" if amending else "Ouvrir un appel à projets",
        call=call,
        values=values,
        errors=errors or {},
        action=f"/fms/appels/{call['call_id']}/modification" if call else "/fms/appels/nouveau",
    )


@get("/appels/nouveau", guards=[STAFF])
async def open_form(platform: NamedDependency[Platform]) -> Template:
    return _form_page(call=None, values=_blank(app_of(platform).today().isoformat()))


@post("/appels/nouveau", guards=[STAFF])
async def open_call(request: AnyRequest, platform: NamedDependency[Platform]) -> Redirect | Template:
    fields = await form_fields(request)
    values = _values_of_form(fields, GRID_ROWS)
    body, names = _body(values, amending=False)
    try:
        data = as_body(body, CallOpening, names)
        app = app_of(platform)
        await page_command(
            request,
            platform,
            "training",
            "open_call",
            lambda a: a.open_call(year=data.year, terms=call_terms(data), on=data.on or app.today(), label=data.label),
        )
    except FormRefused as refused:
        return _form_page(call=None, values=values, errors=refused.errors, status=400)
    except DomainError as error:
        return _form_page(call=None, values=values, errors=refusal_of(error, names), status=error.status_code)
    call_id = Call.create_id(data.year, data.label.strip())
    await flash(request, f"L'appel à projets {data.year} est ouvert.")
    return see_other(f"/fms/appels/{call_id}")


@get("/appels/{call_id:uuid}/modification", guards=[STAFF])
async def amend_form(call_id: FromPath[UUID], platform: NamedDependency[Platform]) -> Template:
    row = await call_or_404(platform, call_id)
    return _form_page(call=row, values=_values_of_call(row, app_of(platform).today().isoformat()))


@post("/appels/{call_id:uuid}/modification", guards=[STAFF])
async def amend_call(
    request: AnyRequest, call_id: FromPath[UUID], platform: NamedDependency[Platform]
) -> Redirect | Template:
    row = await call_or_404(platform, call_id)
    fields = await form_fields(request)
    values = _values_of_form(fields, max(GRID_ROWS, len(row["terms"]["grid"])))
    expected = version_of(fields)
    if expected is None:
        errors = {GENERAL: "Le formulaire ne dit pas de quelle version de l'appel il part : rechargez la page."}
        return _form_page(call=row, values=values, errors=errors, status=400)
    body, names = _body(values, amending=True)
    try:
        data = as_body(body, CallAmendment, names)
        app = app_of(platform)
        await page_command(
            request,
            platform,
            "training",
            "amend_call",
            lambda a: a.amend_call(
                call_id,
                terms=call_terms(data),
                reason=data.reason,
                on=data.on or app.today(),
                expected_version=expected,
            ),
        )
    except FormRefused as refused:
        return _form_page(call=row, values=values, errors=refused.errors, status=400)
    except DomainError as error:
        if isinstance(error, VersionMismatch):
            fresh = await call_or_404(platform, call_id)
            return _form_page(
                call=fresh,
                values=_values_of_call(fresh, values["on"]),
                errors={GENERAL: STALE},
                status=409,
            )
        return _form_page(call=row, values=values, errors=refusal_of(error, names), status=error.status_code)
    await flash(request, "L'appel à projets est modifié.")
    return see_other(f"/fms/appels/{call_id}")


CALL_FORM_PAGES = [open_form, open_call, amend_form, amend_call]
