"""/fms/candidatures/{id}: the application page. A draft is a form shared by everyone of the
applicant enterprises (partners chosen from the register copy, trainings per partner, the version
shown so that a colleague's save is never overwritten: 409 with the fresh page); its check page
lists what is sent and submits it (eligibility checked at once). After submission: the content,
the eligibility checks, the outcome once notified, the actuals to report; withdrawal with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from services.training.api.common import ApplicationId
from services.training.domain.values import TrainingActual
from services.training.read_models import ApplicationRecord
from services.training.web.member_common import (
    ELIGIBILITY_WORDS,
    MEMBERS,
    NO_VERSION,
    REASON_MAX,
    STALE,
    STATUS_WORDS,
    ContentForm,
    active_enterprises,
    call_of,
    content_refusal,
    fund_command,
    general_refusal,
    page,
    parse_money,
    read_content,
    record_of,
    version_of,
)
from shared.auth import Principal
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, form_fields, form_lists, refusal, see_other
from shared.web.notices import flash, take_notice

Search = Annotated[str | None, QueryParameter(name="recherche", max_length=80, description="a partner's name")]


async def application_page(
    request: Request[Any, Any, Any],
    platform: Platform,
    record: ApplicationRecord,
    *,
    template: str = "applying/application.html",
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: ContentForm | None = None,
    search: str = "",
    typed: dict[str, str] | None = None,
    **extra: Any,
) -> Template:
    principal: Principal = request.user
    call = await call_of(platform, record.call_id)
    shown = form or ContentForm.of(record)
    matches = await active_enterprises(platform, search, record.lead_id) if search else []
    known = {p.member_id: p.name for p in record.content.partners}
    known.update({m["member_id"]: m["name"] for m in matches})
    partner_options = [(i, n) for i, n in known.items()]
    partner_options += [(i, i) for i in shown.partners if i not in known]
    enterprises = [(record.lead_id, record.lead_name)] + [(p.member_id, p.name) for p in record.content.partners]
    return page(
        template,
        status,
        title=record.title or "Candidature",
        notice=await take_notice(request),
        record=record,
        call=call,
        priority_options=[(t, t) for t in (call or {}).get("terms", {}).get("priority_trainings", [])],
        form=shown,
        partner_options=partner_options,
        enterprises=enterprises,
        enterprise_names=dict(enterprises),
        search=search,
        matches=matches,
        is_lead=principal.tenant == record.lead_id,
        status_words=STATUS_WORDS,
        eligibility_words=ELIGIBILITY_WORDS,
        errors=errors or {},
        typed=typed or {},
        **extra,
    )


@get("/candidatures/{application_id:uuid}", guards=[MEMBERS])
async def application(
    request: Request[Any, Any, Any],
    application_id: ApplicationId,
    platform: NamedDependency[Platform],
    search: Search = None,
) -> Template:
    record = await record_of(request, platform, application_id)
    return await application_page(request, platform, record, search=(search or "").strip())


@post("/candidatures/{application_id:uuid}", guards=[MEMBERS], status_code=303)
async def save_draft(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields, lists = await form_fields(request), await form_lists(request)
    form = ContentForm.posted(fields, lists)
    expected = version_of(fields)
    if expected is None:
        return await application_page(request, platform, record, status=400, errors={GENERAL: NO_VERSION}, form=form)
    call = await call_of(platform, record.call_id) or {}
    read = read_content(form, call.get("terms", {}).get("priority_trainings", []), requested_required=False)
    if read.request is None:
        return await application_page(request, platform, record, status=400, errors=read.errors, form=form)
    content = read.request
    try:
        await fund_command(
            request,
            platform,
            "edit_draft",
            lambda app: app.edit_draft(
                application_id,
                acting_for=str(principal.tenant),
                content=content,
                on=app.today(),
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await application_page(request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        errors = content_refusal(error, read.rows)
        return await application_page(request, platform, record, status=error.status_code, errors=errors, form=form)
    await flash(request, "Le brouillon est enregistré.")
    return see_other(f"/fms/candidatures/{application_id}")


@get("/candidatures/{application_id:uuid}/depot", guards=[MEMBERS])
async def check_submission(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    record = await record_of(request, platform, application_id)
    return await application_page(request, platform, record, template="applying/check.html")


@post("/candidatures/{application_id:uuid}/depot", guards=[MEMBERS], status_code=303)
async def submit(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    expected = version_of(await form_fields(request))
    check = "applying/check.html"
    if expected is None:
        return await application_page(
            request, platform, record, template=check, status=400, errors={GENERAL: NO_VERSION}
        )
    try:
        await fund_command(
            request,
            platform,
            "submit_application",
            lambda app: app.submit(
                application_id, acting_for=str(principal.tenant), on=app.today(), expected_version=expected
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await application_page(
            request, platform, fresh, template=check, status=stale.status_code, errors={GENERAL: STALE}
        )
    except DomainError as error:
        errors = general_refusal(error)  # the check page has no fields: the refusal is the page's own
        return await application_page(
            request, platform, record, template=check, status=error.status_code, errors=errors
        )
    fresh = await record_of(request, platform, application_id)
    verdict = {
        "eligible": "Elle est éligible.",
        "ineligible": "Elle n'est pas éligible en l'état : voyez les critères non remplis.",
    }.get(fresh.eligibility, "Son éligibilité est en cours de vérification.")
    await flash(request, f"La candidature est déposée. {verdict}")
    return see_other(f"/fms/candidatures/{application_id}")


@post("/candidatures/{application_id:uuid}/retrait", guards=[MEMBERS], status_code=303)
async def withdraw(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields = await form_fields(request)
    expected, reason = version_of(fields), fields.get("raison-retrait", "")
    if expected is None:
        return await application_page(request, platform, record, status=400, errors={GENERAL: NO_VERSION})
    if not reason or len(reason) > REASON_MAX:
        errors = {"raison-retrait": f"Indiquez pourquoi vous retirez la candidature ({REASON_MAX} caractères au plus)."}
        return await application_page(request, platform, record, status=400, errors=errors)
    try:
        await fund_command(
            request,
            platform,
            "withdraw_application",
            lambda app: app.withdraw(
                application_id,
                acting_for=str(principal.tenant),
                reason=reason,
                on=app.today(),
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await application_page(request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        errors = refusal(error, {"reason": "raison-retrait"})
        return await application_page(request, platform, record, status=error.status_code, errors=errors)
    await flash(request, "La candidature est retirée.")
    return see_other(f"/fms/candidatures/{application_id}")


@post("/candidatures/{application_id:uuid}/realisations", guards=[MEMBERS], status_code=303)
async def report_actuals(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields = await form_fields(request)
    expected = version_of(fields)
    if expected is None:
        return await application_page(request, platform, record, status=400, errors={GENERAL: NO_VERSION})
    errors: dict[str, str] = {}
    actuals: list[TrainingActual] = []
    for i, _ in enumerate(record.content.trainings):
        n = i + 1
        trainees, hours = fields.get(f"realise-{n}-stagiaires", ""), fields.get(f"realise-{n}-heures", "")
        cost = parse_money(fields.get(f"realise-{n}-cout", ""))
        if not trainees.isdigit() or int(trainees) > 100_000:
            errors[f"realise-{n}-stagiaires"] = (
                f"Formation {n} : indiquez les stagiaires formés (0 si elle n'a pas eu lieu)."
            )
        if not hours.isdigit() or int(hours) > 100_000:
            errors[f"realise-{n}-heures"] = (
                f"Formation {n} : indiquez les heures réalisées (0 si elle n'a pas eu lieu)."
            )
        if cost is None:
            errors[f"realise-{n}-cout"] = f"Formation {n} : indiquez le coût réel en euros, par exemple 7500."
        if f"realise-{n}-stagiaires" in errors or f"realise-{n}-heures" in errors or cost is None:
            continue
        actuals.append(TrainingActual(training=i, trainees=int(trainees), hours=int(hours), cost=cost))
    if errors:
        return await application_page(request, platform, record, status=400, errors=errors, typed=fields)
    try:
        await fund_command(
            request,
            platform,
            "report_actuals",
            lambda app: app.report_actuals(
                application_id,
                acting_for=str(principal.tenant),
                actuals=tuple(actuals),
                on=app.today(),
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await application_page(request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        errors = refusal(error, {"trainings": "realise-1-stagiaires"})
        return await application_page(request, platform, record, status=error.status_code, errors=errors, typed=fields)
    await flash(request, "Les réalisations sont déclarées.")
    return see_other(f"/fms/candidatures/{application_id}")
