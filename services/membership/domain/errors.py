"""The member register's refusals, in words a national staff member can act on (in French).

The error `code`s (from the base classes) are for programs and stay stable; the messages are for
people. A refusal caused by one field names it in `field`, which the answer carries as `extra.field`.
"""

from shared.errors import CommandRefused, Conflict, InvalidInput, NotFound


class MemberNotFound(NotFound):
    def __init__(self, member_id: object) -> None:
        super().__init__(f"aucun membre {member_id}")


class SiretAlreadyRegistered(Conflict):
    def __init__(self, siret: str, member_id: object) -> None:
        super().__init__(
            f"le SIRET {siret} est déjà enregistré (membre {member_id})", field="siret", member_id=str(member_id)
        )


class InvalidSiret(InvalidInput):
    def __init__(self, siret: str) -> None:
        super().__init__(
            f"le champ « siret » : {siret!r} n'est pas un SIRET valide "
            "(14 chiffres de 0 à 9 dont le dernier est la clé de contrôle)",
            field="siret",
        )


class UnknownRegion(InvalidInput):
    def __init__(self, region: str) -> None:
        super().__init__(
            f"le champ « region » : {region!r} n'est pas une région active (voir GET /api/membership/regions)",
            field="region",
        )


class RegionClosed(UnknownRegion):
    """A region that does not exist on the date asked: the message says what ended it (and names
    its successors and the date), or from when it exists."""

    def __init__(self, why: str) -> None:
        InvalidInput.__init__(self, f"le champ « region » : {why}", field="region")


class MemberRefused(CommandRefused):
    """A command that makes no sense in the member's current state (or a value the register refuses:
    then `field` names it)."""


class RegionsNotEstablished(MemberRefused):
    def __init__(self, registry_id: object) -> None:
        super().__init__(
            "la liste des régions n'a pas encore été établie (lancez `coorace demo seed` ou établissez-la)"
        )
