"""People's personal data: the one value type it passes through, in events and read models.

A person's name, e-mail and phone travel together as `PersonalDetails`, and nowhere else: other
services keep a person's id and read the name from the directory. So a later issue can encrypt
these details per person (and erase a person by dropping their key) in this one place.
"""

from __future__ import annotations

import re

import msgspec

from shared.errors import InvalidInput
from shared.events import event_value

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
PHONE = re.compile(r"[0-9 +().\-]{6,30}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@event_value("personal.details")
class PersonalDetails(msgspec.Struct, frozen=True, kw_only=True):
    """Who a person is, as they would write it: the name they go by, their e-mail, maybe a phone."""

    name: str
    email: str
    phone: str | None = None

    def checked(self) -> PersonalDetails:
        """The details as the directory keeps them (the e-mail in lower case, spaces trimmed), or
        `InvalidInput` naming the field."""
        name = self.name.strip()
        if not name or len(name) > 200 or _CONTROL.search(name):
            raise InvalidInput("le champ « name » : indiquez le nom de la personne (1 à 200 caractères)", field="name")
        email = normalise_email(self.email)
        if len(email) > 254 or not EMAIL.fullmatch(email):
            raise InvalidInput(
                "le champ « email » : indiquez une adresse électronique valide (ex. prenom.nom@exemple.fr)",
                field="email",
            )
        phone = (self.phone or "").strip() or None
        if phone is not None and not PHONE.fullmatch(phone):
            raise InvalidInput(
                "le champ « phone » : indiquez un numéro de téléphone (6 à 30 caractères parmi les chiffres, "
                "espaces et + ( ) . -)",
                field="phone",
            )
        return PersonalDetails(name=name, email=email, phone=phone)


def normalise_email(email: str) -> str:
    """The one spelling of an e-mail address the directory compares: trimmed, in lower case."""
    return email.strip().lower()
