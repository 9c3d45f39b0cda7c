"""Settings that cannot work are refused at start-up, saying which and why."""

from __future__ import annotations

import pytest

from shared.config import ConfigurationError, load_settings


def test_a_jwt_secret_of_32_bytes_is_accepted_and_31_refused() -> None:
    assert load_settings({"COORACE_JWT_SECRET": "k" * 32}).jwt_secret == "k" * 32
    with pytest.raises(ConfigurationError, match="COORACE_JWT_SECRET is 31 bytes long; it must be at least 32"):
        load_settings({"COORACE_JWT_SECRET": "k" * 31})


def test_the_secret_is_measured_in_bytes_not_characters() -> None:
    with pytest.raises(ConfigurationError, match="is 30 bytes long"):
        load_settings({"COORACE_JWT_SECRET": "é" * 15})


@pytest.mark.parametrize(("name", "value"), [("COORACE_LOG_FORMAT", "xml"), ("COORACE_LOG_LEVEL", "loud")])
def test_an_unknown_log_setting_is_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=f"{name}='{value}' is not one of"):
        load_settings({name: value})


def test_the_reader_password_is_read_from_the_environment() -> None:
    assert load_settings({"COORACE_READER_PASSWORD": "r@d:e/r%"}).reader_password == "r@d:e/r%"
    assert load_settings({}).reader_password is None
