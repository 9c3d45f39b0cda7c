"""People's personal data: the one value type it passes through, in events and read models.

A person's name, e-mail and phone travel together as `PersonalDetails`, and nowhere else: the
directory's people and the member register's contact persons are both one. Other services keep a
person's id and read the name from the directory. So a later issue can encrypt these details per
person (and erase a person by dropping their key) in this one place.

The e-mail and phone rules are here once: `PersonalDetails.checked` (the directory's), the member
register's contact check and the request schemas' OpenAPI patterns all use them.
"""

from __future__ import annotations

import re

import msgspec

from shared.errors import InvalidInput
from shared.events import event_value

# No blank, no second "@" and no control character anywhere (PostgreSQL cannot store U+0000, and
# a line break in an address is a header injection waiting to happen); at most 64 characters before
# the "@" (RFC 5321), a dot in the domain with at least two characters after it.
_NOT_IN_ADDRESS = r"@\s\x00-\x1f\x7f-\x9f"
# Anchored for `re.search`, which msgspec's `Meta(pattern=...)` uses: Python's `$` also matches
# before a final newline, which `(?!\n)` refuses (and means the same in JSON Schema's dialect).
EMAIL_PATTERN = rf"^[^{_NOT_IN_ADDRESS}]{{1,64}}@[^{_NOT_IN_ADDRESS}]+\.[^{_NOT_IN_ADDRESS}]{{2,}}(?!\n)$"
EMAIL_MAX_LENGTH = 254  # RFC 5321's longest path, less its angle brackets
PHONE_PATTERN = r"^[+0-9 ().-]{6,30}(?!\n)$"
_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def is_email(text: str) -> bool:
    """Whether `text`, as it will be stored, is an e-mail address by the platform's one rule."""
    return len(text) <= EMAIL_MAX_LENGTH and _EMAIL.search(text) is not None


def is_phone(text: str) -> bool:
    """Whether `text`, as it will be stored, is a phone number by the platform's one rule."""
    return _PHONE.search(text) is not None


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
        if not is_email(email):
            raise InvalidInput(
                "le champ « email » : indiquez une adresse électronique valide (ex. prenom.nom@exemple.fr)",
                field="email",
            )
        phone = (self.phone or "").strip() or None
        if phone is not None and not is_phone(phone):
            raise InvalidInput(
                "le champ « phone » : indiquez un numéro de téléphone (6 à 30 caractères parmi les chiffres, "
                "espaces et + ( ) . -)",
                field="phone",
            )
        return PersonalDetails(name=name, email=email, phone=phone)


def normalise_email(email: str) -> str:
    """The one spelling of an e-mail address the directory compares: trimmed, in lower case."""
    return email.strip().lower()
