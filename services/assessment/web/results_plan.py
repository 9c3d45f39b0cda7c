"""The progress plan page: actions by priority with the federation service that can help, and the
team's decisions on each (adopt, schedule, complete, drop), written through the same application
methods as the API; and the plan as a PDF to download."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, IndicatorInPath, cap, directory_entry, wait
from services.assessment.application import AssessmentApplication
from services.assessment.documents.plan_pdf import PlanDocument, ascii_file_name, file_name
from services.assessment.documents.plan_pdf_cache import plan_pdf_bytes
from services.assessment.documents.positioning_chart import chart, rows_of
from services.assessment.results_reading import plan_now, positioning_now
from services.assessment.web.results_common import (
    ACTION_STATES,
    PRIORITIES,
    TEAM_ROLES,
    access,
    acts_for,
    audited,
    principal_of,
)
from shared.as_of import today_in_paris
from shared.commands import run_command
from shared.errors import DomainError
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.web.auth import signed_in_as

NOTICES = {
    "adoptee": "L'action est adoptée.",
    "planifiee": "L'action est planifiée.",
    "realisee": "L'action est enregistrée comme réalisée.",
    "abandonnee": "L'action est abandonnée.",
}
# The notice after a decision (Post/Redirect/Get), and the decisions a form may ask for.
Done = Annotated[str | None, QueryParameter(max_length=20, description="the decision just recorded")]
Decision = Annotated[str, PathParameter(max_length=20, description="adopter, planifier, realiser or abandonner")]
MAX_TEXT = 300
MAX_REASON = 2000


def field_id(name: str, indicator: str) -> str:
    """One form per action on the page: each field's id names its action."""
    return f"{name}-{indicator.replace('.', '-')}"


async def plan_template(
    request: Request[Any, Any, Any],
    platform: Platform,
    assessment_id: UUID,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    who = await access(request, platform)
    summary, view = await plan_now(platform, who, assessment_id)
    await audited(request, platform, who, summary.tenant_id, assessment_id, "plan")
    return Template(
        template_name="assessment/results/plan.html",
        context={
            "title": "Plan de progrès",
            "assessment_id": str(assessment_id),
            "summary": summary,
            "view": view,
            "can_act": acts_for(principal_of(request), summary.tenant_id) and summary.superseded_by is None,
            "priorities": PRIORITIES,
            "states": ACTION_STATES,
            "field_id": field_id,
            "notice": notice,
            "errors": errors or {},
            "values": values or {},
            "today": today_in_paris().isoformat(),
        },
        status_code=status_code,
    )


@get("/{assessment_id:uuid}/plan", guards=[signed_in_as()])
async def plan_page(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    platform: NamedDependency[Platform],
    fait: Done = None,
) -> Template:
    return await plan_template(request, platform, assessment_id, notice=NOTICES.get(fait or ""))


def _text(form: dict[str, str], name: str, indicator: str, errors: dict[str, str], message: str, limit: int) -> str:
    value = form.get(field_id(name, indicator), "").strip()
    if not value:
        errors[field_id(name, indicator)] = message
    elif len(value) > limit:
        errors[field_id(name, indicator)] = f"{limit} caractères au plus"
    return value


def _date(form: dict[str, str], name: str, indicator: str, errors: dict[str, str], message: str) -> date | None:
    raw = form.get(field_id(name, indicator), "").strip()
    if not raw:
        errors[field_id(name, indicator)] = message
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field_id(name, indicator)] = "Saisissez une date réelle, par exemple 2027-03-31"
        return None


Command = Callable[[AssessmentApplication], CommandResult]


def _decision(
    assessment_id: UUID, decision: str, indicator: str, form: dict[str, str], by: Any
) -> tuple[Command | None, dict[str, str]]:
    """The command a form asks for, or the errors that keep it from being sent."""
    errors: dict[str, str] = {}
    if decision == "adopter":
        return (lambda app: app.adopt_action(assessment_id, indicator, by=by)), errors
    if decision == "planifier":
        owner = _text(form, "responsable", indicator, errors, "Indiquez qui porte l'action", MAX_TEXT)
        due_on = _date(form, "echeance", indicator, errors, "Indiquez l'échéance de l'action")
        if errors or due_on is None:
            return None, errors
        return (lambda app: app.schedule_action(assessment_id, indicator, by=by, owner=owner, due_on=due_on)), errors
    if decision == "realiser":
        done_on = _date(form, "realisee_le", indicator, errors, "Indiquez la date de réalisation")
        if done_on is not None and done_on > today_in_paris():
            errors[field_id("realisee_le", indicator)] = "La date de réalisation ne peut pas être dans le futur"
        if errors:
            return None, errors
        return (lambda app: app.complete_action(assessment_id, indicator, by=by, completed_on=done_on)), errors
    reason = _text(form, "raison", indicator, errors, "Dites pourquoi l'action est abandonnée", MAX_REASON)
    if errors:
        return None, errors
    return (lambda app: app.drop_action(assessment_id, indicator, by=by, reason=reason)), errors


DONE = {"adopter": "adoptee", "planifier": "planifiee", "realiser": "realisee", "abandonner": "abandonnee"}
REFUSED_FIELDS = {"owner": "responsable", "reason": "raison", "completed_on": "realisee_le", "due_on": "echeance"}


@post("/{assessment_id:uuid}/plan/{indicator:str}/{decision:str}", guards=[signed_in_as(*TEAM_ROLES)])
async def decide_action(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    indicator: IndicatorInPath,
    decision: Decision,
    platform: NamedDependency[Platform],
) -> Response[Any]:
    if decision not in DONE:
        raise NotFoundException()
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    command, errors = _decision(assessment_id, decision, indicator, form, principal_of(request))
    if command is None:
        return await plan_template(request, platform, assessment_id, errors=errors, values=form, status_code=400)
    app = cap(platform)
    try:
        answer = await run_command(request, app, lambda: command(app), name=f"{decision}_action (portail)")
    except DomainError as refused:
        if refused.status_code == 404:
            raise
        field = REFUSED_FIELDS.get(str(refused.details.get("field", "")), "action")
        return await plan_template(
            request,
            platform,
            assessment_id,
            errors={field_id(field, indicator): refused.message},
            values=form,
            status_code=refused.status_code,
        )
    await wait(platform, answer.content.notification_id)
    return Redirect(f"/cap/{assessment_id}/plan?fait={DONE[decision]}#{field_id('action', indicator)}", status_code=303)


@get("/{assessment_id:uuid}/plan.pdf", guards=[signed_in_as()])
async def plan_download(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Response[bytes]:
    who = await access(request, platform)
    summary, plan = await plan_now(platform, who, assessment_id)
    _, positioning = await positioning_now(platform, who, assessment_id)
    await audited(request, platform, who, summary.tenant_id, assessment_id, "plan")
    member = await directory_entry(platform, summary.tenant_id)
    member_name = member.name if member else summary.tenant_id
    made_on = today_in_paris()
    radar = chart(
        chart_id="radar-themes",
        title="Positionnement par thème",
        rows=rows_of(positioning.themes, positioning.benchmarks),
        region=positioning.benchmark_region,
    )
    content = await plan_pdf_bytes(
        PlanDocument(
            member_name=member_name,
            assessment_id=str(assessment_id),
            version=plan.version,
            referential_version=plan.referential_version,
            made_on=made_on,
            radar_svg=radar,
            actions=plan.actions,
        )
    )
    name = file_name(member_name, made_on)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            # The French name for browsers that read RFC 6266's `filename*`, an ASCII one for the others.
            "Content-Disposition": f"attachment; filename=\"{ascii_file_name(name)}\"; filename*=UTF-8''{quote(name)}"
        },
    )
