"""Signing in through an OpenID Connect provider: its verified e-mail names an active person."""

from __future__ import annotations

import httpx2
import msgspec
import pytest

from services.people.oidc import OidcClient, oidc_of
from shared.config import OidcSettings
from shared.web.session import COOKIE
from tests.helpers.api import Api
from tests.people.conftest import PASSWORD
from tests.people.helpers import activated
from tests.people.identity_provider import CLIENT_ID, CLIENT_SECRET, ISSUER, IdentityProvider


@pytest.fixture
def provider(api: Api) -> IdentityProvider:
    provider = IdentityProvider()
    platform = api.client.app.state.platform
    api.client.app.state.oidc = OidcClient(
        OidcSettings(issuer=ISSUER, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        platform.settings.public_url,
        transport=httpx2.ASGITransport(app=provider.app()),
    )
    return provider


async def go_to_provider(api: Api, suite: str = "/") -> str:
    answer = await api.client.get(f"/connexion/fournisseur?suite={suite}", follow_redirects=False)
    assert answer.status_code == 303
    return answer.headers["location"]


async def test_an_active_person_signs_in_through_the_provider(api: Api, provider: IdentityProvider) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    page = await api.client.get("/connexion")
    assert "Se connecter avec le fournisseur d'identité" in page.text
    callback = provider.user_signs_in(await go_to_provider(api, "/equipe"), "Anne@Exemple.fr")
    back = await api.client.get(callback, follow_redirects=False)
    assert back.status_code == 303 and back.headers["location"] == "/equipe"
    assert COOKIE in api.client.cookies
    assert (await api.client.get("/equipe")).status_code == 200
    # The same answer from the provider cannot be replayed.
    api.client.cookies.clear()
    assert (await api.client.get(callback, follow_redirects=False)).status_code == 403


@pytest.mark.parametrize(("email", "verified"), [("inconnu@exemple.fr", True), ("anne@exemple.fr", False)])
async def test_an_unknown_or_unverified_address_is_refused(
    api: Api, provider: IdentityProvider, email: str, verified: bool
) -> None:
    await activated(api, "anne@exemple.fr", PASSWORD)
    callback = provider.user_signs_in(await go_to_provider(api), email, verified=verified)
    refused = await api.client.get(callback, follow_redirects=False)
    assert refused.status_code == 403 and "Connexion refusée" in refused.text
    assert COOKIE not in api.client.cookies


async def test_a_deactivated_person_is_refused(api: Api, provider: IdentityProvider) -> None:
    person_id = await activated(api, "anne@exemple.fr", PASSWORD)
    off = await api.client.post(f"/api/people/{person_id}/deactivate", json={"reason": "départ"}, headers=api.staff)
    assert off.status_code == 200
    await api.client.get(f"/api/people?wait_for={off.json()['notification_id']}", headers=api.staff)
    callback = provider.user_signs_in(await go_to_provider(api), "anne@exemple.fr")
    assert (await api.client.get(callback, follow_redirects=False)).status_code == 403


async def test_without_a_provider_there_is_no_provider_sign_in(api: Api) -> None:
    api.client.app.state.oidc = None
    assert "fournisseur" not in (await api.client.get("/connexion")).text
    assert (await api.client.get("/connexion/fournisseur", follow_redirects=False)).status_code == 404


async def test_the_portal_offers_the_provider_that_the_settings_name(api: Api) -> None:
    app = api.client.app
    platform = app.state.platform
    assert platform.settings.oidc is None and oidc_of(app.state) is None  # the tests' settings: none
    del app.state["oidc"]
    configured = OidcSettings(issuer=ISSUER, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    platform.settings = msgspec.structs.replace(platform.settings, oidc=configured)
    client = oidc_of(app.state)
    assert client is not None and client.provider == configured
    assert client.redirect_uri == platform.settings.public_url + "/connexion/fournisseur/retour"
    assert "Se connecter avec le fournisseur d'identité" in (await api.client.get("/connexion")).text
