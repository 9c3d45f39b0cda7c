"""HTTP routes of the deliberation: eligibility (recheck, overrides), reviewers and their scores,
the decision, its four-eyes review, the settlement, and the decision file that explains it all."""

from __future__ import annotations

from decimal import Decimal
from typing import cast

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.training import queries
from services.training.access import access_of
from services.training.api.common import (
    DECISION_FILES,
    FUNDING,
    READ_ERRORS,
    REVIEWERS,
    STAFF,
    WRITE_ERRORS,
    ApplicationId,
    WaitFor,
    training,
)
from services.training.api.schemas import (
    ApprovalIn,
    AssignmentIn,
    AwardIn,
    ConflictIn,
    DatedIn,
    DecisionIn,
    DecisionWithdrawalIn,
    OverrideIn,
    ReviewIn,
    ScoreIn,
)
from services.training.application.people import PersonDirectory
from services.training.domain.errors import ApplicationNotFound
from services.training.domain.values import CriterionScore
from services.training.read_models import DecisionFile, DecisionFileEntry, EnvelopeComposition, TopUpOut
from shared.auth import Principal, Role, requires
from shared.commands import expected_version, run_command
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection

FILE_READERS = requires(Role.NATIONAL_STAFF, Role.AUDITOR)


class DecisionController(Controller):
    path = "/api/training/applications"
    tags = ["training: decisions"]

    @post(
        "/{application_id:uuid}/eligibility",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Check eligibility again against the register as it is now",
    )
    async def recheck(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[DatedIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.recheck_eligibility(
                application_id, on=data.on or app.today(), expected_version=expected_version(request)
            ),
            name="recheck_eligibility",
        )

    @post(
        "/{application_id:uuid}/eligibility/overrides",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Override one failed eligibility check, with a written reason",
    )
    async def override(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[OverrideIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.override_check(
                application_id,
                check=data.check,
                reason=data.reason,
                by=request.user.subject,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="override_check",
        )

    @post(
        "/{application_id:uuid}/reviewers",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Assign a fund reviewer",
    )
    async def assign(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[AssignmentIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.assign_reviewer(
                application_id,
                reviewer_id=data.reviewer_id,
                reviewer_enterprise=data.reviewer_enterprise,
                directory=cast(PersonDirectory, platform.application("people")),
                expected_version=expected_version(request),
            ),
            name="assign_reviewer",
        )

    @post(
        "/{application_id:uuid}/scores",
        responses=WRITE_ERRORS,
        guards=[REVIEWERS],
        status_code=200,
        summary="Score every criterion of the grid, with a comment (assigned reviewers, no conflict of interest)",
    )
    async def score(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ScoreIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        principal: Principal = request.user
        scores = tuple(
            CriterionScore(criterion=s.criterion, score=s.score, comment=s.comment.strip()) for s in data.scores
        )
        return await run_command(
            request,
            app,
            lambda: app.score(
                application_id,
                by=principal.subject,
                reviewer_enterprise=principal.tenant,
                no_conflict_declared=data.no_conflict_of_interest,
                scores=scores,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="score",
        )

    @post(
        "/{application_id:uuid}/conflict-of-interest",
        responses=WRITE_ERRORS,
        guards=[REVIEWERS],
        status_code=200,
        summary="Declare a conflict of interest and step aside (the assigned reviewer; not once scored)",
    )
    async def declare_conflict(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ConflictIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        principal: Principal = request.user
        return await run_command(
            request,
            app,
            lambda: app.declare_conflict(
                application_id,
                by=principal.subject,
                reason=data.reason.strip(),
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="declare_conflict",
        )

    @post(
        "/{application_id:uuid}/decision",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Decide: award an amount (committed on the envelope at once) or reject, with a reason",
    )
    async def decide(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[DecisionIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        if isinstance(data, AwardIn):
            amount = Decimal(data.amount)
            return await run_command(
                request,
                app,
                lambda: app.decide_award(
                    application_id,
                    amount=amount,
                    reason=data.reason,
                    by=request.user.subject,
                    on=data.on or app.today(),
                    expected_version=expected_version(request),
                ),
                name="decide_award",
            )
        return await run_command(
            request,
            app,
            lambda: app.decide_rejection(
                application_id,
                reason=data.reason,
                by=request.user.subject,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="decide_rejection",
        )

    @post(
        "/{application_id:uuid}/decision-withdrawal",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Take back one's own decision before its review, with a reason (its money returns to the envelope)",
    )
    async def withdraw_decision(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[DecisionWithdrawalIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.withdraw_decision(
                application_id,
                reason=data.reason,
                by=request.user.subject,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="withdraw_decision",
        )

    @post(
        "/{application_id:uuid}/review",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Review a decision (another staff member than its maker): approve, or send back with a comment",
    )
    async def review(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ReviewIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.review_decision(
                application_id,
                approve=isinstance(data, ApprovalIn),
                comment=data.comment,
                by=request.user.subject,
                on=data.on or app.today(),
                expected_version=expected_version(request),
            ),
            name="review_decision",
        )

    @post(
        "/{application_id:uuid}/settlement",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Settle the award on the reported actuals (pro rata where they fall short)",
    )
    async def settle(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[DatedIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.settle(application_id, on=data.on or app.today(), expected_version=expected_version(request)),
            name="settle",
        )

    @get(
        "/{application_id:uuid}/decision-file",
        responses=READ_ERRORS,
        guards=[FILE_READERS],
        summary="The application's whole story: checks, overrides, scores, decision, envelope, review, settlement",
    )
    async def decision_file(
        self,
        request: Request,
        application_id: ApplicationId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> DecisionFile:
        await platform.wait_for("training", wait_for, [FUNDING, DECISION_FILES])
        access = await access_of(platform, request.user)
        async with scoped_connection(platform.read_pool, access.scope) as conn:
            row = await queries.funding_application(conn, str(application_id))
            entries = await queries.decision_file(conn, str(application_id)) if row else []
        if row is None or not access.may_read(row):
            raise ApplicationNotFound(application_id)
        # Where it stands in its call (the call's figures, read in network scope: the file's reader
        # may read this application, and these are the call's, not other applicants' details).
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            rank, ranked_count = await queries.rank_among_scored(conn, row["call_id"], row["application_id"])
            awarded_scores = await queries.awarded_scores(conn, row["call_id"])
            ledger = await queries.ledger(conn, row["call_id"])
        initial = [line for line in ledger if line["kind"] == "initial"]
        top_ups = [
            TopUpOut(amount=t["amount"], on=t["effective_on"], reason=t["reason"])
            for t in ledger
            if t["kind"] == "top_up"
        ]
        envelope = (
            EnvelopeComposition(
                initial=initial[-1]["amount"],
                top_ups=top_ups,
                total=initial[-1]["amount"] + sum((t.amount for t in top_ups), Decimal(0)),
            )
            if initial
            else None
        )
        return DecisionFile(
            rank=rank,
            ranked=ranked_count,
            cutoff_score=min(awarded_scores, default=None),
            envelope=envelope,
            application_id=row["application_id"],
            call_id=row["call_id"],
            title=row["title"],
            lead_name=row["lead_name"],
            status=row["status"],
            eligibility=row["eligibility"],
            checks=row["checks"],
            scores=row["scores"],
            score=row["score"],
            decision=row["decision"],
            review=row["review"],
            awarded=row["awarded"],
            settled=row["settled"],
            entries=[DecisionFileEntry(**{k: e[k] for k in DecisionFileEntry.__struct_fields__}) for e in entries],
        )
