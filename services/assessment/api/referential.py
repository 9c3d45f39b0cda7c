"""HTTP routes of the Cap referential: read by everyone signed in, edited by national staff."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.assessment import queries
from services.assessment.api.common import (
    ANYONE,
    READ_ERRORS,
    STAFF,
    WRITE_ERRORS,
    IndicatorInPath,
    VersionInPath,
    WaitFor,
    cap,
    wait,
)
from services.assessment.api.schemas import IndicatorIn, ReferentialDraft
from services.assessment.domain.errors import InvalidReferential, ReferentialNotFound
from services.assessment.domain.referential import Referential
from services.assessment.read_models import IndicatorHelp, ReferentialRecord, ReferentialSummary
from shared.commands import expected_version, run_command
from shared.errors import NotFound
from shared.eventstore import CommandResult
from shared.platform import Platform
from shared.tenancy import ReadScope, scoped_connection


async def _record(platform: Platform, code: str) -> ReferentialRecord:
    # Reference data, public to every signed-in user: read in network scope on purpose.
    async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
        found = await queries.referential_record(conn, code)
    if found is None:
        raise ReferentialNotFound(code)
    return found


class ReferentialController(Controller):
    path = "/api/assessment/referential/versions"
    tags = ["assessment: referential"]

    @get("/", responses=READ_ERRORS, guards=[ANYONE], summary="The referential's versions")
    async def versions(self, platform: NamedDependency[Platform], wait_for: WaitFor = None) -> list[ReferentialSummary]:
        await wait(platform, wait_for)
        async with scoped_connection(platform.read_pool, ReadScope.network()) as conn:
            return await queries.referential_versions(conn)

    @get(
        "/{code:str}", responses=READ_ERRORS, guards=[ANYONE], summary="One version: themes, sub-themes and indicators"
    )
    async def version(
        self, code: VersionInPath, platform: NamedDependency[Platform], wait_for: WaitFor = None
    ) -> ReferentialRecord:
        await wait(platform, wait_for)
        return await _record(platform, code)

    @get(
        "/{code:str}/indicators/{indicator:str}",
        responses=READ_ERRORS,
        guards=[ANYONE],
        summary="Help on one indicator: what each level means, an example, the suggested actions",
    )
    async def indicator(
        self,
        code: VersionInPath,
        indicator: IndicatorInPath,
        platform: NamedDependency[Platform],
        wait_for: WaitFor = None,
    ) -> IndicatorHelp:
        await wait(platform, wait_for)
        record = await _record(platform, code)
        parsed = Referential.parse(record.document, complete=False)
        found = parsed.indicator(indicator)
        if found is None:
            raise NotFound(f"l'indicateur {indicator} n'existe pas dans la version {code} du référentiel")
        raw = next(
            i
            for t in record.document["themes"]
            for s in t["sub_themes"]
            for i in s["indicators"]
            if i["code"] == indicator
        )
        return IndicatorHelp(
            referential_version=code,
            code=indicator,
            theme=found.theme,
            sub_theme=found.sub_theme,
            question=raw["question"],
            help=raw["help"],
            example=raw["example"],
            levels=raw["levels"],
            objective_level=raw["objective_level"],
            weight=raw["weight"],
            actions=raw["actions"],
            service=raw["service"],
            service_label=parsed.services.get(raw["service"], {"fr": raw["service"]}),
        )

    # --- national staff -------------------------------------------------------------------------

    @post(
        "/",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=201,
        summary="Draft a new version: a whole document, or a copy of an earlier version",
    )
    async def draft(
        self, request: Request, data: JSONBody[ReferentialDraft], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        document = msgspec.to_builtins(data.document) if data.document is not None else None
        return await run_command(
            request,
            app,
            lambda: app.draft_referential(document=document, based_on=data.based_on, code=data.version),
            name="draft_referential",
            status_code=201,
        )

    @put(
        "/{code:str}/indicators/{indicator:str}",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        summary="Write or rewrite an indicator (refused once an assessment uses the version)",
        status_code=200,
    )
    async def revise(
        self,
        request: Request,
        code: VersionInPath,
        indicator: IndicatorInPath,
        data: JSONBody[IndicatorIn],
        platform: NamedDependency[Platform],
    ) -> Response[CommandResult]:
        app = cap(platform)
        body = {"code": indicator, **msgspec.to_builtins(data)}  # the document's own shape
        if body["code"] != indicator:
            raise InvalidReferential(f"code : le corps nomme {body['code']}, le chemin {indicator}", field="code")
        return await run_command(
            request,
            app,
            lambda: app.revise_indicator(code, body, expected_version=expected_version(request)),
            name="revise_indicator",
        )

    @delete(
        "/{code:str}/indicators/{indicator:str}",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        status_code=200,
        summary="Remove an indicator from a version not yet in use",
    )
    async def remove(
        self, request: Request, code: VersionInPath, indicator: IndicatorInPath, platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        return await run_command(
            request,
            app,
            lambda: app.remove_indicator(code, indicator, expected_version=expected_version(request)),
            name="remove_indicator",
        )

    @post(
        "/{code:str}/publication",
        responses=WRITE_ERRORS,
        guards=[STAFF],
        summary="Publish a version: new assessments may start on it",
        status_code=200,
    )
    async def publish(
        self, request: Request, code: VersionInPath, platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        app = cap(platform)
        return await run_command(
            request,
            app,
            lambda: app.publish_referential(code, expected_version=expected_version(request)),
            name="publish_referential",
        )
