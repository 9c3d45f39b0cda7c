"""HTTP routes of personal data (national staff): what is held about a person, and erasing it."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from services.people.api.people import people_application
from services.people.api.schemas import ErasureRequest
from services.people.personal_data import PersonalDataHeld, personal_data_held
from shared.auth import Role, requires
from shared.commands import run_command
from shared.errors import InvalidInput
from shared.eventstore import CommandResult
from shared.http_errors import COMMAND_ERRORS, QUERY_ERRORS
from shared.platform import Platform
from shared.web.session import sessions_of

STAFF = requires(Role.NATIONAL_STAFF)

Email = Annotated[str, QueryParameter(min_length=3, max_length=254, description="The person's e-mail address")]


class PersonalDataController(Controller):
    path = "/api/people"
    tags = ["personal data"]

    @get(
        "/personal-data",
        responses=QUERY_ERRORS,
        guards=[STAFF],
        summary="What the platform holds about a person (national staff)",
        description="The right of access: every event, in every service, holding the details of the person "
        "at this address (their name, e-mail, phone as each event recorded them), and the e-mails queued for "
        "them. Once the person is erased, nothing is held.",
    )
    async def personal_data(self, email: Email, platform: NamedDependency[Platform]) -> PersonalDataHeld:
        app = people_application(platform)
        return await personal_data_held(platform, email, app.keyring)

    @post(
        "/erasures",
        status_code=201,
        responses=COMMAND_ERRORS,
        guards=[STAFF],
        summary="Erase a person's personal data (national staff)",
        description="Deletes the keys of the person's data: from then on every answer, replay, history and "
        "export shows « [effacé] » for their name, e-mail and phone, in every service, and the read models are "
        "rewritten by their projections. A directory person is deactivated and their sessions end. The answer "
        "is the receipt (an event: who, when, why, what kinds of data).",
        response_description="The receipt's id, and the notification id to wait for",
    )
    async def erase(
        self, request: Request, data: JSONBody[ErasureRequest], platform: NamedDependency[Platform]
    ) -> Response[CommandResult]:
        if data.email is None and data.person_id is None:
            raise InvalidInput(
                "le champ « email » : indiquez l'adresse électronique de la personne, ou son identifiant "
                "(« person_id »)",
                field="email",
            )
        app = people_application(platform)
        answer = await run_command(
            request,
            app,
            lambda: app.erase(request.user, reason=data.reason, email=data.email, person_id=data.person_id),
            name="erase",
            status_code=201,
        )
        if data.person_id is not None:
            await sessions_of(request.app.state).end_all(data.person_id)
        return answer
