"""SMTP settings from the environment: defaults, and values that cannot work refused at start."""

from __future__ import annotations

import pytest

from shared.config import DEFAULT_MAIL_FROM, ConfigurationError, SmtpSettings, load_settings


def test_without_a_host_nothing_is_delivered_and_the_sender_has_a_default() -> None:
    settings = load_settings({})
    assert settings.smtp is None
    assert settings.mail_from == DEFAULT_MAIL_FROM == "COORACE <ne-pas-repondre@coorace.org>"


def test_a_host_alone_means_port_587_with_starttls() -> None:
    assert load_settings({"COORACE_SMTP_HOST": "smtp.exemple.fr"}).smtp == SmtpSettings(
        host="smtp.exemple.fr", port=587, username=None, password=None, starttls=True
    )


@pytest.mark.parametrize(("port", "starttls"), [("25", False), ("1025", False), ("465", True), ("2525", True)])
def test_starttls_is_off_by_default_only_on_the_plain_smtp_ports(port: str, starttls: bool) -> None:
    smtp = load_settings({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_PORT": port}).smtp
    assert smtp is not None and smtp.port == int(port) and smtp.starttls is starttls


def test_credentials_and_an_explicit_starttls_are_read() -> None:
    settings = load_settings(
        {
            "COORACE_SMTP_HOST": "smtp.exemple.fr",
            "COORACE_SMTP_PORT": "2525",
            "COORACE_SMTP_USERNAME": "coorace",
            "COORACE_SMTP_PASSWORD": "s3cret",
            "COORACE_SMTP_STARTTLS": "true",
            "COORACE_MAIL_FROM": "Plateforme <plateforme@coorace.org>",
        }
    )
    assert settings.smtp == SmtpSettings(host="smtp.exemple.fr", port=2525, username="coorace", password="s3cret")
    assert settings.mail_from == "Plateforme <plateforme@coorace.org>"
    assert "s3cret" not in repr(settings), "settings end up in logs: the password must not"


@pytest.mark.parametrize(
    ("environment", "variable"),
    [
        ({"COORACE_SMTP_PORT": "587"}, "COORACE_SMTP_PORT"),
        ({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_PORT": "vingt-cinq"}, "COORACE_SMTP_PORT"),
        ({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_PORT": "70000"}, "COORACE_SMTP_PORT"),
        ({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_STARTTLS": "peut-être"}, "COORACE_SMTP_STARTTLS"),
        ({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_USERNAME": "u"}, "COORACE_SMTP_PASSWORD"),
        ({"COORACE_SMTP_HOST": "mail", "COORACE_SMTP_PASSWORD": "p"}, "COORACE_SMTP_USERNAME"),
        (
            {
                "COORACE_SMTP_HOST": "mail",
                "COORACE_SMTP_USERNAME": "u",
                "COORACE_SMTP_PASSWORD": "p",
                "COORACE_SMTP_STARTTLS": "false",
            },
            "COORACE_SMTP_STARTTLS",
        ),
        ({"COORACE_SMTP_HOST": "un hôte"}, "COORACE_SMTP_HOST"),
        ({"COORACE_MAIL_FROM": "COORACE"}, "COORACE_MAIL_FROM"),
    ],
)
def test_a_value_that_cannot_work_is_refused_naming_its_variable(environment: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_settings(environment)
