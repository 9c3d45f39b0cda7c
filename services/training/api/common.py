"""What the training controllers share: the guards, the application, the `wait_for` parameter."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from services.training.application import TrainingApplication
from shared.auth import Role, requires
from shared.platform import Platform

STAFF = requires(Role.NATIONAL_STAFF)
APPLICANTS = requires(Role.MEMBER_ADMIN, Role.MEMBER_CONTRIBUTOR)
REVIEWERS = requires(Role.FUND_REVIEWER)
ANYONE = requires(*Role)
# Everyone who may read applications; what each sees is narrowed by `access.reader_of`.
READERS = requires(
    Role.NATIONAL_STAFF,
    Role.AUDITOR,
    Role.FUND_REVIEWER,
    Role.REGIONAL_DELEGATE,
    Role.MEMBER_ADMIN,
    Role.MEMBER_CONTRIBUTOR,
)

WaitFor = Annotated[int | None, QueryParameter(ge=1, description="a notification id to wait for (read your own write)")]

FUNDING = "funding"
DECISION_FILES = "decision_files"


def training(platform: NamedDependency[Platform]) -> TrainingApplication:
    application = platform.application("training")
    assert isinstance(application, TrainingApplication)
    return application
