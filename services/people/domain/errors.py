"""The directory's refusals, in French; a refusal caused by one field names it in `field`."""

from shared.errors import CommandRefused, Conflict, NotFound


class PersonNotFound(NotFound):
    def __init__(self, person_id: object) -> None:
        super().__init__(f"aucune personne {person_id} dans l'annuaire", field="person_id")


class EmailAlreadyInDirectory(Conflict):
    def __init__(self, email: str) -> None:
        super().__init__(
            f"le champ « email » : l'adresse {email} est déjà celle d'une personne de l'annuaire", field="email"
        )


class PersonRefused(CommandRefused):
    """A command the person's state, or the caller's role, does not allow (`field` names the cause)."""
