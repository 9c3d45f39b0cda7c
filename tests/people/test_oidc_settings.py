"""The identity provider's settings: three variables together, or none; the secret kept out of logs."""

from __future__ import annotations

import pytest

from shared.config import OIDC_VARIABLES, ConfigurationError, OidcSettings, load_settings
from tests.people.identity_provider import ISSUER

ALL_THREE = {
    "COORACE_OIDC_ISSUER": ISSUER + "/",
    "COORACE_OIDC_CLIENT_ID": "coorace-portal",
    "COORACE_OIDC_CLIENT_SECRET": "s3cret-du-client",
}


def test_without_the_variables_there_is_no_provider() -> None:
    assert load_settings({}).oidc is None
    assert load_settings({name: "  " for name in OIDC_VARIABLES}).oidc is None


def test_the_three_variables_name_the_provider() -> None:
    assert load_settings(ALL_THREE).oidc == OidcSettings(
        issuer=ISSUER, client_id="coorace-portal", client_secret="s3cret-du-client"
    )


@pytest.mark.parametrize("missing", OIDC_VARIABLES)
def test_one_missing_variable_is_refused_by_its_name(missing: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{missing} is missing"):
        load_settings({name: value for name, value in ALL_THREE.items() if name != missing})


def test_a_single_variable_names_the_first_missing_one() -> None:
    with pytest.raises(ConfigurationError, match="^COORACE_OIDC_CLIENT_ID is missing"):
        load_settings({"COORACE_OIDC_ISSUER": ISSUER})


@pytest.mark.parametrize("issuer", ["idp.exemple.test", "https://idp exemple.test"])
def test_an_issuer_that_is_not_a_url_is_refused(issuer: str) -> None:
    with pytest.raises(ConfigurationError, match="COORACE_OIDC_ISSUER="):
        load_settings({**ALL_THREE, "COORACE_OIDC_ISSUER": issuer})


def test_the_client_secret_never_shows_in_the_settings_repr() -> None:
    settings = load_settings(ALL_THREE)
    assert "s3cret-du-client" not in repr(settings)
    assert "s3cret-du-client" not in repr(settings.oidc) and "coorace-portal" in repr(settings.oidc)
