"""The e-mails the directory sends (through the platform's outbox), with their one-time links."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.people import credentials
from services.people.domain.roles import ROLE_WORDS
from shared.auth import Role
from shared.mail import Message
from shared.personal import PersonalDetails
from shared.platform import Platform


async def send_invitation(
    platform: Platform, person_id: UUID, details: PersonalDetails, role: Role, now: datetime
) -> None:
    """Queue the invitation e-mail, with a link valid `INVITATION_LINK_LIFETIME` to choose a password."""
    token = await credentials.create_link(
        _pool(platform), person_id, "invitation", now, credentials.INVITATION_LINK_LIFETIME
    )
    link = f"{platform.settings.public_url}/invitation/{token}"
    days = credentials.INVITATION_LINK_LIFETIME.days
    await platform.outbox.send(
        Message(
            recipient=details.email,
            subject="Votre invitation sur la plateforme COORACE",
            body=(
                f"Bonjour {details.name},\n\n"
                f"Vous êtes invité(e) sur la plateforme COORACE avec le rôle « {ROLE_WORDS[role]} ».\n"
                f"Pour accepter l'invitation et choisir votre mot de passe, ouvrez ce lien (valable {days} jours, "
                f"une seule fois) :\n\n{link}\n\n"
                "Si vous n'attendiez pas ce message, ignorez-le.\n\n— La fédération COORACE\n"
            ),
            kind="invitation",
        )
    )


async def invitation_was_queued(platform: Platform, person_id: UUID) -> bool:
    """Whether an invitation e-mail was ever queued for the person: its link exists (the link is
    made just before the message is queued)."""
    return await credentials.had_link(_pool(platform), person_id, "invitation")


async def send_reset(platform: Platform, person_id: UUID, details: PersonalDetails, now: datetime) -> None:
    """Queue the password reset e-mail, with a link valid one hour."""
    token = await credentials.create_link(_pool(platform), person_id, "reset", now, credentials.RESET_LINK_LIFETIME)
    link = f"{platform.settings.public_url}/reinitialisation/{token}"
    await platform.outbox.send(
        Message(
            recipient=details.email,
            subject="Réinitialiser votre mot de passe COORACE",
            body=(
                f"Bonjour {details.name},\n\n"
                "Quelqu'un (vous, sans doute) a demandé à réinitialiser le mot de passe de votre compte COORACE.\n"
                f"Pour en choisir un nouveau, ouvrez ce lien (valable une heure, une seule fois) :\n\n{link}\n\n"
                "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même.\n\n"
                "— La fédération COORACE\n"
            ),
            kind="password_reset",
        )
    )


def _pool(platform: Platform):  # noqa: ANN202
    if platform.write_pool is None:
        raise RuntimeError("the platform is not started")
    return platform.write_pool
