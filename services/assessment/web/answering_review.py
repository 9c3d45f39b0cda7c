"""/cap/{id}/relecture: ask a regional delegate, a trainer or a peer member for a review, decide on
each proposal of a completed review (accept, or reject with a reason); /cap/{id}/validation: the
member's admin validates once reviews are done. The same application methods as the API's."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from services.assessment.api.common import AssessmentInPath, ProposalInPath, directory
from services.assessment.web.answering_forms import (
    ADMIN,
    INCOMPLETE,
    STALE,
    TEAM,
    command,
    done,
    form_of,
    notice_of,
    page,
    text,
    version_of,
)
from services.assessment.web.answering_people import peer_reviewers, region_reviewers
from services.assessment.web.answering_view import REVIEWER_ROLES, STAGES, CapView, cap_view, up_to_date
from shared.errors import DomainError, VersionMismatch
from shared.platform import Platform
from shared.web.forms import GENERAL, refusal

MAX_ID = 200
MAX_REASON = 2000
# The review's states in which the member's admin may ask for (another) review.
ASKABLE = ("submitted", "under_review", "reviewed")
EMPTY_REQUEST = {"genre": "third_party", "relecteur": "", "pair": ""}


def _request_fields(kind: str) -> dict[str, str]:
    """The API's fields → the form's: the reviewer named is the list the kind of review chose from."""
    chosen = "pair" if kind == "peer" else "relecteur"
    return {"kind": "genre", "reviewer_id": chosen, "reviewer_role": chosen, "reviewer_tenant": chosen}


async def _page(
    request: Request[Any, Any, Any],
    platform: Platform,
    view: CapView,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    reasons: dict[str, str] | None = None,
) -> Template:
    asking = view.is_admin and view.summary.status in ASKABLE and view.summary.superseded_by is None
    # The region's third parties: the form's list, and the names of those already asked.
    third_parties = await region_reviewers(platform, view.sheet.region)
    return page(
        "reviews.html",
        status,
        title="Relecture",
        notice=notice_of(request),
        view=view,
        stages=STAGES,
        reviewer_roles=REVIEWER_ROLES,
        # Only the form that asks for a review needs the lists (read outside the member's scope).
        third_parties=third_parties,
        reviewer_names={p.person_id: p.name for p in third_parties},
        peers=await peer_reviewers(platform, view.summary.tenant_id) if asking else [],
        proposals=view.proposals(),
        errors=errors or {},
        values=values or EMPTY_REQUEST,
        reasons=reasons or {},
    )


@get("/{assessment_id:uuid}/relecture", guards=[TEAM])
async def reviews(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    return await _page(request, platform, await cap_view(request, platform, assessment_id))


@post("/{assessment_id:uuid}/relecture", guards=[ADMIN], status_code=303)
async def request_review(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    form = await form_of(request)
    values = {name: text(form, name) for name in EMPTY_REQUEST}
    kind = values["genre"]
    errors = {}
    if kind == "third_party":
        if not values["relecteur"] or len(values["relecteur"]) > MAX_ID:
            errors["relecteur"] = "Choisissez le ou la délégué·e ou le formateur·rice de la région."
    elif kind == "peer":
        if not values["pair"] or len(values["pair"]) > MAX_ID:
            errors["pair"] = "Choisissez le pair relecteur d'un autre adhérent."
    else:
        errors["genre"] = "Choisissez qui relit : un tiers de la région ou un pair."
    if errors:
        return await _page(request, platform, view, status=400, errors=errors, values=values)
    reviewer = values["pair"] if kind == "peer" else values["relecteur"]
    try:
        # The reviewer's role (third party) and member (peer) are the directory's.
        await command(
            request,
            platform,
            "request_review",
            lambda app: app.request_review(
                assessment_id, by=request.user, kind=kind, reviewer_id=reviewer, directory=directory(platform)
            ),
        )
    except DomainError as error:
        return await _page(
            request,
            platform,
            view,
            status=error.status_code,
            errors=refusal(error, _request_fields(kind)),
            values=values,
        )
    # The reviewer's e-mail follows the event (projections.notifying), not this request.
    return done(f"/cap/{assessment_id}/relecture", "relecture")


@post("/{assessment_id:uuid}/propositions/{proposal_id:str}/acceptation", guards=[ADMIN], status_code=303)
async def accept(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    proposal_id: ProposalInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    decision = f"decision-{proposal_id}"
    expected = version_of(await form_of(request))
    if expected is None:
        return await _page(request, platform, view, status=400, errors={decision: INCOMPLETE})
    try:
        await command(
            request,
            platform,
            "accept_proposal",
            lambda app: app.accept_proposal(assessment_id, proposal_id, by=request.user, expected_version=expected),
        )
    except VersionMismatch as stale:
        fresh = await up_to_date(request, platform, assessment_id)
        return await _page(request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        return await _page(
            request, platform, view, status=error.status_code, errors={decision: refusal(error)[GENERAL]}
        )
    return done(f"/cap/{assessment_id}/relecture", "acceptee")


@post("/{assessment_id:uuid}/propositions/{proposal_id:str}/refus", guards=[ADMIN], status_code=303)
async def reject(
    request: Request[Any, Any, Any],
    assessment_id: AssessmentInPath,
    proposal_id: ProposalInPath,
    platform: NamedDependency[Platform],
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    form = await form_of(request)
    reason = text(form, "raison")
    field = f"raison-{proposal_id}"
    expected = version_of(form)
    errors = {}
    if expected is None:
        errors[GENERAL] = INCOMPLETE
    if not reason or len(reason) > MAX_REASON:
        errors[field] = f"Dites pourquoi l'équipe refuse la proposition (au plus {MAX_REASON} caractères)."
    if errors:
        return await _page(request, platform, view, status=400, errors=errors, reasons={field: reason})
    try:
        await command(
            request,
            platform,
            "reject_proposal",
            lambda app: app.reject_proposal(
                assessment_id, proposal_id, by=request.user, reason=reason, expected_version=expected
            ),
        )
    except VersionMismatch as stale:
        fresh = await up_to_date(request, platform, assessment_id)
        return await _page(
            request, platform, fresh, status=stale.status_code, errors={GENERAL: STALE}, reasons={field: reason}
        )
    except DomainError as error:
        return await _page(
            request,
            platform,
            view,
            status=error.status_code,
            errors=refusal(error, {"reason": field}),
            reasons={field: reason},
        )
    return done(f"/cap/{assessment_id}/relecture", "refusee")


def _validation_page(
    request: Request[Any, Any, Any], view: CapView, *, status: int = 200, errors: dict[str, str] | None = None
) -> Template:
    return page(
        "validation.html",
        status,
        title="Valider l'évaluation",
        notice=notice_of(request),
        view=view,
        stages=STAGES,
        waiting=[r for r in view.reviews if r.status == "requested"],
        undecided=[p for p in view.proposals() if p.note.decision is None],
        errors=errors or {},
    )


@get("/{assessment_id:uuid}/validation", guards=[TEAM])
async def validation(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Template:
    return _validation_page(request, await cap_view(request, platform, assessment_id))


@post("/{assessment_id:uuid}/validation", guards=[ADMIN], status_code=303)
async def validate(
    request: Request[Any, Any, Any], assessment_id: AssessmentInPath, platform: NamedDependency[Platform]
) -> Redirect | Template:
    view = await cap_view(request, platform, assessment_id)
    expected = version_of(await form_of(request))
    if expected is None:
        return _validation_page(request, view, status=400, errors={GENERAL: INCOMPLETE})
    try:
        await command(
            request,
            platform,
            "validate_assessment",
            lambda app: app.validate(assessment_id, by=request.user, expected_version=expected),
        )
    except VersionMismatch as stale:
        fresh = await up_to_date(request, platform, assessment_id)
        return _validation_page(request, fresh, status=stale.status_code, errors={GENERAL: STALE})
    except DomainError as error:
        return _validation_page(request, view, status=error.status_code, errors=refusal(error))
    return done(f"/cap/{assessment_id}", "validee")
