"""HTTP routes of reviews: the team requests a review by a third party (regional delegate or
trainer) or a peer; the named reviewer comments per indicator, may propose another level with a
reason, and completes the review; the team accepts or rejects each proposal."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.assessment import queries
from services.assessment.api.common import (
    ADMIN,
    READ_ERRORS,
    READERS,
    REVIEWERS,
    WRITE_ERRORS,
    AssessmentInPath,
    ProposalInPath,
    RequestInPath,
    WaitFor,
    access,
    cap_command,
    check_peer,
    directory,
    record_audit_read,
    review_commented,
    review_requested,
    visible_summary,
    wait,
)
from services.assessment.api.schemas import (
    ReasonIn,
    ReviewCommented,
    ReviewCommentIn,
    ReviewCompletion,
    ReviewRequested,
    ReviewRequestIn,
)
from services.assessment.read_models import ReviewRequestView
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import scoped_connection


class ReviewController(Controller):
    path = "/api/assessment/assessments/{assessment_id:uuid}"
    tags = ["assessment: reviews"]

    @get(
        "/review-requests",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="The assessment's review requests and their outcome",
    )
    async def requests(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> list[ReviewRequestView]:
        await wait(platform, wait_for)
        who = await access(request, platform)
        summary = await visible_summary(platform, who, assessment_id)
        async with scoped_connection(platform.read_pool, who.scope) as conn:
            found = await queries.review_requests(conn, str(assessment_id))
        await record_audit_read(
            request,
            platform,
            who,
            tenant_id=summary.tenant_id,
            assessment_id=summary.assessment_id,
            resource="review_requests",
        )
        return found

    @post(
        "/review-requests",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        status_code=201,
        summary="Request a review by a third party (regional delegate, trainer) or a peer member",
    )
    async def request_review(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        data: JSONBody[ReviewRequestIn],
        platform: NamedDependency[Platform],
    ) -> Response[ReviewRequested]:
        if data.kind == "peer" and data.reviewer_tenant:
            await check_peer(platform, data.reviewer_tenant)
        created = await cap_command(
            request,
            platform,
            "request_review",
            lambda app, by, version: app.request_review(
                assessment_id,
                by=by,
                kind=data.kind,
                reviewer_id=data.reviewer_id,
                reviewer_role=data.reviewer_role,
                reviewer_tenant=data.reviewer_tenant,
                directory=directory(platform),
                expected_version=version,
            ),
            status_code=201,
        )
        # The reviewer's e-mail follows the event (projections.notifying), not this request.
        return review_requested(created)

    @post(
        "/review-requests/{request_id:str}/comments",
        responses=WRITE_ERRORS,
        guards=[REVIEWERS],
        summary="Comment an indicator, and possibly propose another level with a reason (the named reviewer)",
        status_code=200,
    )
    async def comment(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        request_id: RequestInPath,
        data: JSONBody[ReviewCommentIn],
        platform: NamedDependency[Platform],
    ) -> Response[ReviewCommented]:
        commented = await cap_command(
            request,
            platform,
            "comment_review",
            lambda app, by, version: app.comment_review(
                assessment_id,
                request_id,
                by=by,
                indicator=data.indicator,
                comment=data.comment,
                proposed_level=data.proposed_level,
                reason=data.reason,
                expected_version=version,
            ),
        )
        return review_commented(commented, proposed=data.proposed_level is not None)

    @post(
        "/review-requests/{request_id:str}/completion",
        responses=WRITE_ERRORS,
        guards=[REVIEWERS],
        summary="Complete the review (the named reviewer)",
        status_code=200,
    )
    async def complete(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        request_id: RequestInPath,
        data: JSONBody[ReviewCompletion],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "complete_review",
            lambda app, by, version: app.complete_review(
                assessment_id,
                request_id,
                by=by,
                summary=data.summary,
                expected_version=version,
            ),
        )

    @post(
        "/proposals/{proposal_id:str}/acceptance",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        summary="Accept a reviewer's proposal: it becomes the assessment's answer (an explicit event)",
        status_code=200,
    )
    async def accept(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        proposal_id: ProposalInPath,
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "accept_proposal",
            lambda app, by, version: app.accept_proposal(assessment_id, proposal_id, by=by, expected_version=version),
        )

    @post(
        "/proposals/{proposal_id:str}/rejection",
        responses=WRITE_ERRORS,
        guards=[ADMIN],
        summary="Reject a reviewer's proposal, saying why",
        status_code=200,
    )
    async def reject(
        self,
        request: Request,
        assessment_id: AssessmentInPath,
        proposal_id: ProposalInPath,
        data: JSONBody[ReasonIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        return await cap_command(
            request,
            platform,
            "reject_proposal",
            lambda app, by, version: app.reject_proposal(
                assessment_id,
                proposal_id,
                by=by,
                reason=data.reason,
                expected_version=version,
            ),
        )
