"""The directory's pages: sign-in, sign-out, forgotten password, invitations, and the team page."""

from __future__ import annotations

from litestar import Router

from services.people.web.links import accept_invitation, invitation_form, reset_form, reset_password
from services.people.web.provider import provider_return, provider_sign_in
from services.people.web.sign_in import forgotten_form, forgotten_password, sign_in, sign_in_form, sign_out
from services.people.web.team import (
    change_role,
    deactivate,
    invite,
    invite_form,
    person_page,
    reactivate,
    resend_invitation,
    team,
)
from shared.web.pages import pages_router


def create_pages() -> Router:
    return pages_router(
        "/",
        [
            sign_in_form,
            sign_in,
            sign_out,
            provider_sign_in,
            provider_return,
            forgotten_form,
            forgotten_password,
            reset_form,
            reset_password,
            invitation_form,
            accept_invitation,
            team,
            invite_form,
            invite,
            person_page,
            change_role,
            deactivate,
            reactivate,
            resend_invitation,
        ],
    )
