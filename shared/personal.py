"""People's personal data: the one value type it passes through, in events and read models.

A person's name, e-mail and phone travel together as `PersonalDetails`, and nowhere else: the
directory's people and the member register's contact persons are both one. Other services keep a
person's id and read the name from the directory.

In events the details are sealed (`SealedDetails`): AES-GCM under the key of their data subject
(`shared.keyring`), next to the subject's id in clear. Decoding opens them; once the subject is
erased (its key deleted) they decode as `ERASED` in every field, with the subject and the sealed text
kept, so that an event still re-encodes byte for byte and the hash chain still verifies. Details
stored before sealing existed are plain JSON and still decode (the upcast on read), until the one-off
re-encryption (`coorace people seal-existing`) seals them.

The e-mail and phone rules are here once: `PersonalDetails.checked` (the directory's), the member
register's contact check and the request schemas' OpenAPI patterns all use them.
"""

from __future__ import annotations

import base64
import os
import re
from typing import Any
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Transcoding

from shared.errors import InvalidInput
from shared.events import event_value
from shared.keyring import KeyRing, current_keyring

# What every field of an erased person's details reads, everywhere (answers, pages, exports).
ERASED = "[effacé]"

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
class PersonalDetails(msgspec.Struct, frozen=True, kw_only=True, eq=False, omit_defaults=True):
    """Who a person is, as they would write it: the name they go by, their e-mail, maybe a phone.

    Two values are equal when their name, e-mail and phone are: how they were stored is not who
    the person is (a value read from an event equals the one that was saved)."""

    name: str
    email: str
    phone: str | None = None
    # Set when the details were read from an event: whose key sealed them, and the sealed text
    # itself (re-encoding a read value writes the same bytes; it is never shown).
    subject: UUID | None = None
    sealed: str | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PersonalDetails):
            return NotImplemented
        return (self.name, self.email, self.phone) == (other.name, other.email, other.phone)

    def __hash__(self) -> int:
        return hash((self.name, self.email, self.phone))

    @property
    def erased(self) -> bool:
        return self.sealed is not None and self.email == ERASED

    def shown(self) -> dict[str, Any]:
        """The details as read models keep them: the fields, and the subject to erase them by."""
        return {
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "subject": None if self.subject is None else str(self.subject),
        }

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


class SealedDetails(Transcoding):
    """`PersonalDetails` in events: `{"subject": id, "sealed": base64(nonce + AES-GCM ciphertext)}`.

    The subject's id is the associated data, so a sealed text moved under another subject's id does
    not open. Details stored in clear (before sealing) decode as they are."""

    type = PersonalDetails
    name = "personal.details"

    def __init__(self, keyring: KeyRing | None = None) -> None:
        self._keyring = keyring

    @property
    def keyring(self) -> KeyRing:
        return self._keyring or current_keyring()

    def encode(self, obj: PersonalDetails) -> dict[str, str]:
        if obj.sealed is not None and obj.subject is not None:
            return {"subject": str(obj.subject), "sealed": obj.sealed}
        subject_key = self.keyring.key_for(obj.email)
        nonce = os.urandom(12)
        clear = msgspec.json.encode([obj.name, obj.email, obj.phone])
        ciphertext = AESGCM(subject_key.key).encrypt(nonce, clear, subject_key.subject.bytes)
        return {"subject": str(subject_key.subject), "sealed": base64.b64encode(nonce + ciphertext).decode("ascii")}

    def decode(self, data: dict[str, Any]) -> PersonalDetails:
        if "sealed" not in data:
            return PersonalDetails(**data)  # stored in clear, before sealing
        return open_sealed(self.keyring, UUID(data["subject"]), data["sealed"])


def open_sealed(keyring: KeyRing, subject: UUID, sealed: str) -> PersonalDetails:
    """The details a sealed text holds, or `ERASED` ones when the subject's key is gone."""
    key = keyring.key_of(subject)
    if key is None:
        return PersonalDetails(name=ERASED, email=ERASED, phone=None, subject=subject, sealed=sealed)
    raw = base64.b64decode(sealed)
    try:
        name, email, phone = msgspec.json.decode(AESGCM(key).decrypt(raw[:12], raw[12:], subject.bytes))
    except InvalidTag as error:  # a sealed text edited in the log, or moved to another subject
        raise ValueError(f"the personal details sealed for subject {subject} do not open with its key") from error
    return PersonalDetails(name=name, email=email, phone=phone, subject=subject, sealed=sealed)
