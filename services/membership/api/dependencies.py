"""What every route of the membership API uses: the service's application and the staff guard."""

from __future__ import annotations

from litestar.di import NamedDependency

from services.membership.application import MembershipApplication
from shared.auth import Role, requires
from shared.platform import Platform

STAFF = requires(Role.NATIONAL_STAFF)


def membership_application(platform: NamedDependency[Platform]) -> MembershipApplication:
    """The platform's membership application (its service layer)."""
    application = platform.application("membership")
    if not isinstance(application, MembershipApplication):
        raise TypeError(f"the membership service runs {type(application).__name__}, not MembershipApplication")
    return application
