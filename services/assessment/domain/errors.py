"""Le Cap's refusals, in French: members, delegates and staff read them in the portal."""

from __future__ import annotations

from shared.errors import CommandRefused, Conflict, DomainError, InvalidInput, NotFound


class Forbidden(DomainError):
    """The caller is known and may see the record, but this action is not theirs to take."""

    status_code = 403
    code = "forbidden"


class AssessmentNotFound(NotFound):
    def __init__(self, assessment_id: object) -> None:
        super().__init__(f"aucune évaluation {assessment_id} (ou elle n'est pas visible avec vos droits)")


class MemberNotFound(NotFound):
    def __init__(self, tenant_id: object) -> None:
        super().__init__(f"aucun adhérent {tenant_id} (ou il n'est pas visible avec vos droits)")


class ReferentialNotFound(NotFound):
    def __init__(self, version: str) -> None:
        super().__init__(f"aucune version {version} du référentiel du Cap")


class GrantNotFound(NotFound):
    def __init__(self, grant_id: object) -> None:
        super().__init__(f"aucune habilitation d'audit {grant_id}")


class ReferentialVersionExists(Conflict):
    def __init__(self, version: str) -> None:
        super().__init__(
            f"la version {version} du référentiel existe déjà : choisissez un autre numéro", referential_version=version
        )


class InvalidReferential(InvalidInput):
    """A referential document (or one indicator of it) that does not have the expected shape."""


class ReferentialRefused(CommandRefused):
    """A referential command that does not fit the version's state (published, in use)."""


class AssessmentRefused(CommandRefused):
    """A command that does not fit the assessment's current state."""


class UnknownIndicator(CommandRefused):
    def __init__(self, code: str, version: str) -> None:
        super().__init__(
            f"l'indicateur {code} n'existe pas dans la version {version} du référentiel",
            indicator=code,
            referential_version=version,
        )


class AlreadyInProgress(Conflict):
    def __init__(self, assessment_id: str) -> None:
        super().__init__(
            f"une évaluation est déjà en cours pour cet adhérent ({assessment_id}) : "
            "terminez-la avant d'en commencer une autre",
            assessment_id=assessment_id,
        )
