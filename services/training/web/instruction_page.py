"""/fms/instruction/{id}: one application as national staff instruct it — applicants and trainings,
eligibility (re-check, override with a reason), reviewers (from the directory) and their scores, the
decision with the envelope before and after, taking one's decision back, actuals and settlement.

Each form sends one command of `TrainingApplication`, the one the API's route sends, with the
application's version the page was rendered from (a stale page: 409 and the fresh page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.training.api.common import ApplicationId, training
from services.training.application import TrainingApplication
from services.training.domain.values import TrainingActual
from services.training.web.instruction_forms import (
    FormProblem,
    count_of,
    date_of,
    done,
    euros_of,
    page,
    problem_errors,
    refused,
    required_text,
    run,
    version_of,
)
from services.training.web.instruction_view import STAFF_PAGE, STALE, InstructionView, instruction_view
from shared.errors import DomainError, VersionMismatch
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.web.charts import Bar, Gauge
from shared.web.filters import euros
from shared.web.forms import GENERAL, form_fields
from shared.web.notices import take_notice

MEMBER_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
Send = Callable[[TrainingApplication, int], CommandResult]


def path_of(application_id: UUID) -> str:
    return f"/fms/instruction/{application_id}"


async def render(
    request: Request[Any, Any, Any],
    platform: Platform,
    view: InstructionView,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    notice: str = "",
) -> Template:
    values = values or {}
    preview = view.proposed_amount
    try:
        if values.get("amount"):
            preview = euros_of(values["amount"], "amount", "le montant")
    except FormProblem:
        pass
    held = view.available_now - Decimal(view.call["available"])
    envelope = Gauge(
        title="L'enveloppe avec cette aide",
        total=float(view.call["envelope_total"]),
        parts=[
            Bar(
                "Engagé par les autres décisions",
                float(view.call["committed"] - held),
                euros(view.call["committed"] - held),
            ),
            Bar("Versé aux aides soldées", float(view.call["paid"]), euros(view.call["paid"])),
            Bar("Cette aide", float(max(preview, Decimal(0))), euros(preview)),
        ],
        total_shown=euros(view.call["envelope_total"]),
        rest_label="disponible après",
    )
    return page(
        "application.html",
        status,
        title=f"Instruction — {view.row['title']}",
        notice=notice,
        view=view,
        errors=errors or {},
        values=values,
        today=training(platform).today().isoformat(),
        preview=preview,
        after=view.available_now - preview,
        envelope=envelope,
        me=request.user.subject,
    )


@get("/instruction/{application_id:uuid}", guards=[STAFF_PAGE])
async def show(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    view = await instruction_view(platform, application_id, with_reviewers=True, with_file=True)
    # « Voir l'enveloppe après ce montant » (a GET form: nothing is written) shows the envelope
    # after that amount, and fills the decision's amount with it.
    values = {k: v for k, v in request.query_params.items() if k == "amount"}
    errors: dict[str, str] = {}
    if values.get("amount"):
        try:
            euros_of(values["amount"], "amount", "le montant")
        except FormProblem as problem:
            errors = problem_errors(problem)
    return await render(request, platform, view, values=values, errors=errors, notice=await take_notice(request))


async def act(
    request: Request[Any, Any, Any],
    platform: Platform,
    application_id: UUID,
    name: str,
    build: Callable[[dict[str, str], TrainingApplication], Send],
    fields_map: dict[str, str],
    notice: str,
    *,
    default_field: str | None = None,
) -> Redirect | Template:
    """Read the form, send its command, then redirect to the page with `notice`; on a refusal the
    page again, the message beside its field and nothing written."""
    fields = await form_fields(request)
    app = training(platform)
    try:
        expected = version_of(fields)
        send = build(fields, app)
        await run(request, platform, name, lambda a: send(a, expected))
    except FormProblem as problem:
        view = await instruction_view(platform, application_id, with_reviewers=True, with_file=True)
        return await render(request, platform, view, status=400, errors=problem_errors(problem), values=fields)
    except VersionMismatch as stale:
        view = await instruction_view(platform, application_id, with_reviewers=True, with_file=True)
        return await render(request, platform, view, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        view = await instruction_view(platform, application_id, with_reviewers=True, with_file=True)
        errors = refused(error, fields_map, default_field)
        return await render(request, platform, view, status=error.status_code, errors=errors, values=fields)
    return await done(request, path_of(application_id), notice)


@post("/instruction/{application_id:uuid}/eligibilite", guards=[STAFF_PAGE], status_code=303)
async def recheck(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        on = date_of(fields, "recheck_on", app.today(), "La date de la vérification")
        return lambda a, v: a.recheck_eligibility(application_id, on=on, expected_version=v)

    return await act(
        request,
        platform,
        application_id,
        "recheck_eligibility",
        build,
        {"on": "recheck_on"},
        "L'éligibilité est vérifiée à nouveau.",
    )


@post("/instruction/{application_id:uuid}/levee", guards=[STAFF_PAGE], status_code=303)
async def override(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        check = required_text(fields, "check", "Choisissez le critère en échec à lever.")
        reason = required_text(fields, "override_reason", "Indiquez par écrit pourquoi le critère est levé.")
        by = request.user.subject
        on = app.today()
        return lambda a, v: a.override_check(
            application_id, check=check, reason=reason, by=by, on=on, expected_version=v
        )

    return await act(
        request,
        platform,
        application_id,
        "override_check",
        build,
        {"check": "check", "reason": "override_reason"},
        "Le critère est levé ; la raison est conservée au dossier.",
        default_field="check",
    )


@post("/instruction/{application_id:uuid}/evaluateurs", guards=[STAFF_PAGE], status_code=303)
async def assign(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        reviewer = required_text(fields, "reviewer_id", "Choisissez l'évaluateur ou l'évaluatrice à affecter.")
        enterprise = fields.get("reviewer_enterprise") or None
        if enterprise is not None and not MEMBER_ID.fullmatch(enterprise):
            raise FormProblem("reviewer_enterprise", "Choisissez l'entreprise dans la liste des adhérents.")
        directory: Any = platform.application("people")
        return lambda a, v: a.assign_reviewer(
            application_id,
            reviewer_id=reviewer,
            reviewer_enterprise=enterprise,
            directory=directory,
            expected_version=v,
        )

    return await act(
        request,
        platform,
        application_id,
        "assign_reviewer",
        build,
        {"reviewer_id": "reviewer_id", "reviewer_enterprise": "reviewer_enterprise"},
        "L'évaluateur ou l'évaluatrice est affecté·e.",
        default_field="reviewer_id",
    )


@post("/instruction/{application_id:uuid}/decision", guards=[STAFF_PAGE], status_code=303)
async def decide(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    outcome = (await form_fields(request)).get("outcome", "")

    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        by = request.user.subject
        on = date_of(fields, "decision_on", app.today(), "La date de la décision")
        reason = fields.get("decision_reason", "")
        if fields.get("outcome") == "award":
            amount = euros_of(fields.get("amount", ""), "amount", "le montant de l'aide")
            return lambda a, v: a.decide_award(
                application_id, amount=amount, reason=reason, by=by, on=on, expected_version=v
            )
        if fields.get("outcome") == "reject":
            if not reason:
                raise FormProblem("decision_reason", "Un rejet est motivé : indiquez sa raison.")
            return lambda a, v: a.decide_rejection(application_id, reason=reason, by=by, on=on, expected_version=v)
        raise FormProblem("outcome", "Choisissez : accorder une aide ou rejeter la candidature.")

    return await act(
        request,
        platform,
        application_id,
        "decide_award" if outcome == "award" else "decide_rejection",
        build,
        {"amount": "amount", "reason": "decision_reason", "on": "decision_on"},
        "La décision est prise ; elle attend la relecture d'un second membre de l'équipe nationale.",
        default_field="outcome",
    )


@post("/instruction/{application_id:uuid}/retrait-decision", guards=[STAFF_PAGE], status_code=303)
async def withdraw(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        reason = required_text(fields, "withdrawal_reason", "Indiquez pourquoi la décision est retirée.")
        by, on = request.user.subject, app.today()
        return lambda a, v: a.withdraw_decision(application_id, reason=reason, by=by, on=on, expected_version=v)

    return await act(
        request,
        platform,
        application_id,
        "withdraw_decision",
        build,
        {"reason": "withdrawal_reason"},
        "La décision est retirée ; son montant revient à l'enveloppe.",
    )


@post("/instruction/{application_id:uuid}/realisations", guards=[STAFF_PAGE], status_code=303)
async def record_actuals(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    view = await instruction_view(platform, application_id)
    count = len(view.row["content"]["trainings"])

    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        on = date_of(fields, "actuals_on", app.today(), "La date de la déclaration")
        actuals = tuple(
            TrainingActual(
                training=i,
                trainees=count_of(fields.get(f"trainees_{i}", ""), f"trainees_{i}", "Le nombre de stagiaires"),
                hours=count_of(fields.get(f"hours_{i}", ""), f"hours_{i}", "Le nombre d'heures"),
                cost=euros_of(fields.get(f"cost_{i}", ""), f"cost_{i}", "le coût réel"),
            )
            for i in range(count)
        )
        return lambda a, v: a.report_actuals(
            application_id, acting_for=None, actuals=actuals, on=on, expected_version=v
        )

    return await act(
        request,
        platform,
        application_id,
        "record_actuals",
        build,
        {"on": "actuals_on", "trainings": "trainees_0"},
        "Les réalisations déclarées sont enregistrées.",
        default_field="actuals_on",
    )


@post("/instruction/{application_id:uuid}/solde", guards=[STAFF_PAGE], status_code=303)
async def settle(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    def build(fields: dict[str, str], app: TrainingApplication) -> Send:
        on = date_of(fields, "settlement_on", app.today(), "La date du solde")
        return lambda a, v: a.settle(application_id, on=on, expected_version=v)

    return await act(
        request,
        platform,
        application_id,
        "settle",
        build,
        {"on": "settlement_on"},
        "L'aide est soldée ; le reste revient à l'enveloppe.",
        default_field="settlement_on",
    )


INSTRUCTION_FORMS = [show, recheck, override, assign, decide, withdraw, record_actuals, settle]
