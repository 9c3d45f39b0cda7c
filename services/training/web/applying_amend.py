"""After submission: /fms/candidatures/{id}/modification amends the application (until the call's
closing date, before it is scored: the domain's rule, its message beside the field) with a reason;
/fms/candidatures/{id}/modifications shows what changed since the submission, field by field."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.training.api.common import ApplicationId
from services.training.domain.amendments import content_changes
from services.training.web.applying_application import Search, application_page
from services.training.web.member_common import (
    MEMBERS,
    NO_VERSION,
    REASON_MAX,
    STALE,
    ContentForm,
    call_of,
    content_refusal,
    fund_command,
    page,
    read_content,
    record_of,
    version_of,
)
from shared.auth import Principal
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, form_fields, form_lists, see_other
from shared.web.notices import flash, take_notice

AMEND = "applying/amend.html"
TRAINING_FIELDS = {
    "title": "intitulé",
    "priority": "formation prioritaire",
    "hours": "heures",
    "trainees": "stagiaires",
    "cost": "coût",
    "enterprise_id": "entreprise",
    "integration_pathway": "salariés en parcours",
}
FIELDS = {
    "title": "Titre du projet",
    "summary": "Résumé",
    "requested": "Cofinancement demandé",
    "partners": "Partenaires",
}


@get("/candidatures/{application_id:uuid}/modification", guards=[MEMBERS])
async def amendment_form(
    request: Request[Any, Any, Any],
    application_id: ApplicationId,
    platform: NamedDependency[Platform],
    search: Search = None,
) -> Template:
    record = await record_of(request, platform, application_id)
    return await application_page(request, platform, record, template=AMEND, search=(search or "").strip())


@post("/candidatures/{application_id:uuid}/modification", guards=[MEMBERS], status_code=303)
async def amend(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Redirect | Template:
    principal: Principal = request.user
    record = await record_of(request, platform, application_id)
    fields, lists = await form_fields(request), await form_lists(request)
    form = ContentForm.posted(fields, lists)
    expected = version_of(fields)
    if expected is None:
        return await application_page(
            request, platform, record, template=AMEND, status=400, errors={GENERAL: NO_VERSION}, form=form
        )
    call = await call_of(platform, record.call_id) or {}
    read = read_content(form, call.get("terms", {}).get("priority_trainings", []), requested_required=True)
    errors = dict(read.errors)
    if not form.reason:
        errors["raison"] = "Indiquez la raison de la modification."
    elif len(form.reason) > REASON_MAX:
        errors["raison"] = f"La raison tient en {REASON_MAX} caractères au plus."
    if read.request is None or errors:
        return await application_page(request, platform, record, template=AMEND, status=400, errors=errors, form=form)
    content = read.request
    try:
        await fund_command(
            request,
            platform,
            "amend_application",
            lambda app: app.amend_application(
                application_id,
                acting_for=str(principal.tenant),
                content=content,
                reason=form.reason,
                on=app.today(),
                expected_version=expected,
            ),
        )
    except VersionMismatch as stale:
        fresh = await record_of(request, platform, application_id)
        return await application_page(
            request, platform, fresh, template=AMEND, status=stale.status_code, errors={GENERAL: STALE}
        )
    except DomainError as error:
        errors = content_refusal(error, read.rows)
        return await application_page(
            request, platform, record, template=AMEND, status=error.status_code, errors=errors, form=form
        )
    await flash(request, "La modification est enregistrée ; l'éligibilité est vérifiée à nouveau.")
    return see_other(f"/fms/candidatures/{application_id}/modifications")


def field_words(name: str) -> str:
    """`trainings[0].cost` → « Formation 1 : coût »."""
    if name in FIELDS:
        return FIELDS[name]
    head, _, tail = name.partition(".")
    number = int(head.removeprefix("trainings[").removesuffix("]")) + 1
    return f"Formation {number} : {TRAINING_FIELDS.get(tail, tail)}" if tail else f"Formation {number}"


def shown(value: Any, names: dict[str, str]) -> str:
    """A value of the diff in words: partners by name, a training whole, yes/no, amounts as typed."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(names.get(str(v), str(v)) for v in value) or "aucun"
    if isinstance(value, dict):
        return (
            f"{value['title']} — {value['trainees']} stagiaire(s), {value['hours']} h, {value['cost']} €, "
            f"{names.get(value['enterprise_id'], value['enterprise_id'])}"
        )
    return names.get(str(value), str(value))


@get("/candidatures/{application_id:uuid}/modifications", guards=[MEMBERS])
async def amendments(
    request: Request[Any, Any, Any], application_id: ApplicationId, platform: NamedDependency[Platform]
) -> Template:
    record = await record_of(request, platform, application_id)
    before = record.submitted_content
    names = {e.member_id: e.name for e in record.enterprises}
    names.update({p.member_id: p.name for p in (before.partners if before else [])})
    changes = [
        {"field": field_words(c["field"]), "before": shown(c["before"], names), "after": shown(c["after"], names)}
        for c in (content_changes(msgspec.to_builtins(before), msgspec.to_builtins(record.content)) if before else [])
    ]
    return page(
        "applying/amendments.html",
        title="Modifications de la candidature",
        notice=await take_notice(request),
        record=record,
        changes=changes,
        names=names,
    )
