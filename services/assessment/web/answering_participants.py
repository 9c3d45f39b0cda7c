"""/cap/{id}/participants: invite a colleague and assign sub-themes (the member's admin).

The invitation is a choice among the member's people in the directory (a new colleague is invited
to the platform first, at /equipe); the command checks the choice again against the directory."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, ParticipantInPath, directory
from services.assessment.web.answering_forms import ADMIN, TEAM, command, done, form_of, notice_of, page, text
from services.assessment.web.answering_view import KINDS, CapView, cap_view
from shared.errors import DomainError
from shared.platform import Platform
from shared.web.forms import refusal

MAX_ID = 200
INVITE_FIELDS = {"participant_id": "personne", "kind": "statut"}


def _page(
    request: Request[Any, Any, Any],
    view: CapView,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    assign_errors: dict[str, str] | None = None,
) -> Template:
    return page(
        "participants.html",
        status,
        title="Participants et sous-thèmes",
        notice=notice_of(request),
        view=view,
        kinds=KINDS,
        # A refused assignment shows in the summary too, pointing to its form.
        errors={**(errors or {}), **({"attribution": next(iter(assign_errors.values()))} if assign_errors else {})},
        values=values or {"personne": "", "statut": "staff", "sous_themes": []},
        assign_errors=assign_errors or {},
    )


def _sub_themes(form: FormMultiDict, view: CapView) -> tuple[tuple[str, ...], str | None]:
    chosen = tuple(str(v) for v in form.getall("sous_themes", []))
    known = {code for code, _, _ in view.sub_themes()}
    unknown = [c for c in chosen if c not in known]
    return chosen, ("Choisissez des sous-thèmes de la liste." if unknown else None)


@get("/{assessment_id:uuid}/participants", guards=[TEAM])
async def participants(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    return _page(request, await cap_view(request, platform, assessment_id))


@post("/{assessment_id:uuid}/participants", guards=[ADMIN], status_code=303)
async def invite(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    form = await form_of(request)
    participant_id, kind = text(form, "personne"), text(form, "statut")
    sub_themes, wrong_sub_themes = _sub_themes(form, view)
    values = {"personne": participant_id, "statut": kind, "sous_themes": list(sub_themes)}
    errors = {}
    if not participant_id or len(participant_id) > MAX_ID:
        errors["personne"] = "Choisissez la personne à inviter parmi les personnes de l'adhérent."
    if kind not in KINDS:
        errors["statut"] = "Choisissez salarié·e ou bénévole."
    if wrong_sub_themes:
        errors["sous_themes"] = wrong_sub_themes
    if errors:
        return _page(request, view, status=400, errors=errors, values=values)
    try:
        await command(
            request,
            platform,
            "invite_participant",
            lambda app: app.invite_participant(
                assessment_id,
                by=request.user,
                participant_id=participant_id,
                kind=kind,
                sub_themes=sub_themes,
                directory=directory(platform),
            ),
        )
    except DomainError as error:
        return _page(request, view, status=error.status_code, errors=refusal(error, INVITE_FIELDS), values=values)
    return done(f"/cap/{assessment_id}/participants", "invite")


@post("/{assessment_id:uuid}/participants/{participant_id:str}/sous-themes", guards=[ADMIN], status_code=303)
async def assign(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    participant_id: ParticipantInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    form = await form_of(request)
    sub_themes, wrong = _sub_themes(form, view)
    if wrong:
        return _page(request, view, status=400, assign_errors={participant_id: wrong})
    try:
        await command(
            request,
            platform,
            "assign_sub_themes",
            lambda app: app.assign_sub_themes(
                assessment_id, by=request.user, participant_id=participant_id, sub_themes=sub_themes
            ),
        )
    except DomainError as error:
        return _page(
            request, view, status=error.status_code, assign_errors={participant_id: refusal(error)["formulaire"]}
        )
    return done(f"/cap/{assessment_id}/participants", "sous-themes")
