"""The member register's refusals, in words a national staff member can act on."""

from shared.errors import CommandRefused, Conflict, InvalidInput, NotFound


class MemberNotFound(NotFound):
    def __init__(self, member_id: object) -> None:
        super().__init__(f"no member {member_id}")


class SiretAlreadyRegistered(Conflict):
    def __init__(self, siret: str, member_id: object) -> None:
        super().__init__(f"SIRET {siret} is already registered (member {member_id})", member_id=str(member_id))


class InvalidSiret(InvalidInput):
    def __init__(self, siret: str) -> None:
        super().__init__(f"siret: {siret!r} is not a valid SIRET (14 digits with a valid check digit)", field="siret")


class UnknownRegion(InvalidInput):
    def __init__(self, region: str) -> None:
        super().__init__(
            f"region: {region!r} is not an active region (see GET /api/membership/regions)", field="region"
        )


class MemberRefused(CommandRefused):
    """A command that makes no sense in the member's current state."""


class VersionMismatch(Conflict):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the record changed since you read it (you had version {expected}, it is now at {actual}); "
            "reload it and try again",
            expected_version=expected,
            current_version=actual,
        )
