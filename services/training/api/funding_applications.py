"""HTTP routes of a funding application as its applicants work on it: draft, edit, submit, amend, withdraw,
report actuals; and reading it back (what each reader may see of it)."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.training import queries
from services.training.access import Access, access_of
from services.training.api.common import (
    APPLICANTS,
    FUNDING,
    READ_ERRORS,
    READERS,
    STAFF,
    WRITE_ERRORS,
    ApplicationId,
    CallId,
    WaitFor,
    training,
)
from services.training.api.schemas import (
    ActualsIn,
    AmendmentIn,
    AmendmentRecorded,
    ContentIn,
    ReasonIn,
    RecordedActualsIn,
    RecordedApplicationIn,
)
from services.training.application import ContentRequest
from services.training.domain.amendments import content_changes
from services.training.domain.errors import ApplicationNotFound
from services.training.domain.values import Training, TrainingActual
from services.training.read_models import AmendmentDiff, ApplicationRecord, Change
from services.training.redaction import application_record
from shared.auth import Principal
from shared.commands import expected_version, run_command
from shared.errors import CommandRefused
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import scoped_connection


def content_request(body: ContentIn) -> ContentRequest:
    """The content as sent; a training without `enterprise_id` trains the lead enterprise's employees."""
    return ContentRequest(
        title=body.title,
        summary=body.summary,
        partner_ids=tuple(body.partners),
        requested=Decimal(body.requested),
        trainings=tuple(
            Training(
                title=t.title.strip(),
                priority=t.priority,
                hours=t.hours,
                trainees=t.trainees,
                cost=Decimal(t.cost),
                enterprise_id=t.enterprise_id or "",
                integration_pathway=t.integration_pathway,
            )
            for t in body.trainings
        ),
    )


def tenant(request: Request) -> str:
    principal: Principal = request.user
    if principal.tenant is None:  # member roles always carry a tenant claim (checked on the token)
        raise CommandRefused("votre jeton ne nomme pas votre entreprise (claim « tenant ») : reconnectez-vous")
    return principal.tenant


class FundingApplicationDraftController(Controller):
    """Drafting is under the call: the lead enterprise is the caller's own."""

    path = "/api/training/calls"
    tags = ["training: applications"]

    @post(
        "/{call_id:uuid}/applications",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=201,
        summary="Start an application (a draft) for the caller's enterprise, alone or with partners",
    )
    async def draft(
        self, request: Request, call_id: CallId, data: JSONBody[ContentIn], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app, lead = training(platform), tenant(request)
        return await run_command(
            request,
            app,
            lambda: app.draft_application(call_id, lead_id=lead, content=content_request(data), on=app.today()),
            name="draft_application",
            status_code=201,
        )

    @post(
        "/{call_id:uuid}/recorded-applications",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Record an application received outside the portal (e.g. a past call's), submitted on its date",
        description="National staff record a lead enterprise's application as it was submitted (`on`, within the "
        "call's dates) and started (`drafted_on`); its eligibility is checked as for any submission. Drafted and "
        "submitted in one transaction.",
    )
    async def record(
        self,
        request: Request,
        call_id: CallId,
        data: JSONBody[RecordedApplicationIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.record_application(
                call_id,
                lead_id=data.lead_id,
                content=content_request(data),
                drafted_on=data.drafted_on or data.on,
                on=data.on,
            ),
            name="record_application",
            status_code=201,
        )


class FundingApplicationController(Controller):
    path = "/api/training/applications"
    tags = ["training: applications"]

    @get(
        "/{application_id:uuid}",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="An application, as the caller may see it",
    )
    async def get_application(
        self,
        request: Request,
        application_id: ApplicationId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> ApplicationRecord:
        row, access = await visible_application(platform, request, application_id, wait_for)
        return application_record(row, access)

    @get(
        "/{application_id:uuid}/amendments",
        responses=READ_ERRORS,
        guards=[READERS],
        summary="What changed since the application was submitted",
    )
    async def amendments(
        self,
        request: Request,
        application_id: ApplicationId,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> AmendmentDiff:
        row, _ = await visible_application(platform, request, application_id, wait_for)
        changes = content_changes(row["submitted_content"], row["content"]) if row["submitted_content"] else []
        return AmendmentDiff(
            application_id=str(application_id),
            submitted_on=row["submitted_on"],
            amendments=row["amendments"],
            changes=[Change(**c) for c in changes],
        )

    @post(
        "/{application_id:uuid}/draft",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=200,
        summary="Edit the draft (any applicant enterprise)",
    )
    async def edit(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ContentIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app, member = training(platform), tenant(request)
        return await run_command(
            request,
            app,
            lambda: app.edit_draft(
                application_id,
                acting_for=member,
                content=content_request(data),
                on=app.today(),
                expected_version=expected_version(request),
            ),
            name="edit_draft",
        )

    @post(
        "/{application_id:uuid}/submission",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=200,
        summary="Submit the application (eligibility is checked at once)",
    )
    async def submit(
        self, request: Request, application_id: ApplicationId, platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app, member = training(platform), tenant(request)
        return await run_command(
            request,
            app,
            lambda: app.submit(
                application_id, acting_for=member, on=app.today(), expected_version=expected_version(request)
            ),
            name="submit_application",
        )

    @post(
        "/{application_id:uuid}/amendments",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=201,
        summary="Amend the submitted application (until the closing date, before it is scored); answers the "
        "amendment's number",
    )
    async def amend(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[AmendmentIn],
        platform: NamedDependency[Platform],
    ) -> Response[AmendmentRecorded]:
        app, member = training(platform), tenant(request)
        answer = await run_command(
            request,
            app,
            lambda: app.amend_application(
                application_id,
                acting_for=member,
                content=content_request(data),
                reason=data.reason,
                on=app.today(),
                expected_version=expected_version(request),
            ),
            name="amend_application",
            status_code=201,
        )
        # Counted from the application's events up to the version answered: an idempotent retry,
        # which answers the first command's version, gets the same number.
        result = answer.content
        number = await to_thread.run_sync(app.amendments_until, application_id, result.version)
        return Response(
            AmendmentRecorded(
                id=result.id, version=result.version, notification_id=result.notification_id, amendment=number
            ),
            status_code=answer.status_code,
            headers=answer.headers,
        )

    @post(
        "/{application_id:uuid}/withdrawal",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=200,
        summary="Withdraw the application",
    )
    async def withdraw(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ReasonIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app, member = training(platform), tenant(request)
        return await run_command(
            request,
            app,
            lambda: app.withdraw(
                application_id,
                acting_for=member,
                reason=data.reason,
                on=app.today(),
                expected_version=expected_version(request),
            ),
            name="withdraw_application",
        )

    @post(
        "/{application_id:uuid}/actuals",
        responses=WRITE_ERRORS,
        guards=[APPLICANTS],
        status_code=200,
        summary="Report what was delivered (trainees, hours, cost of each planned training)",
    )
    async def report_actuals(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[ActualsIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app, member = training(platform), tenant(request)
        return await run_command(
            request,
            app,
            lambda: app.report_actuals(
                application_id,
                acting_for=member,
                actuals=actuals_of(data),
                on=app.today(),
                expected_version=expected_version(request),
            ),
            name="report_actuals",
        )

    @post(
        "/{application_id:uuid}/recorded-actuals",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Record the actuals an applicant reported outside the portal (e.g. a past call's), on their date",
        description="National staff record what the applicant reported as delivered, dated `on` (after the "
        "decision, within the call's life, not in the future), as the applicant's own report would be.",
    )
    async def record_actuals(
        self,
        request: Request,
        application_id: ApplicationId,
        data: JSONBody[RecordedActualsIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = training(platform)
        return await run_command(
            request,
            app,
            lambda: app.report_actuals(
                application_id,
                acting_for=None,
                actuals=actuals_of(data),
                on=data.on,
                expected_version=expected_version(request),
            ),
            name="record_actuals",
        )


def actuals_of(data: ActualsIn) -> tuple[TrainingActual, ...]:
    return tuple(
        TrainingActual(training=a.training, trainees=a.trainees, hours=a.hours, cost=Decimal(a.cost))
        for a in data.trainings
    )


async def visible_application(
    platform: Platform, request: Request, application_id: UUID, wait_for: int | None
) -> tuple[dict, Access]:
    """The application's row if the caller may read it; 404 otherwise (another tenant's application
    and no application at all look the same)."""
    await platform.wait_for("training", wait_for, [FUNDING])
    access = await access_of(platform, request.user)
    async with scoped_connection(platform.read_pool, access.scope) as conn:
        row = await queries.funding_application(conn, str(application_id))
    if row is None or not access.may_read(row):
        raise ApplicationNotFound(application_id)
    return row, access
