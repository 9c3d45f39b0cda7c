"""Settings for a platform under test."""

from __future__ import annotations

from pathlib import Path

from shared.config import Settings


def make_settings(data_dir: Path) -> Settings:
    return Settings(
        database_url=None,
        data_dir=data_dir,
        jwt_secret="test-secret-" + "x" * 40,
        jwks_url=None,
        jwt_issuer="coorace-embedded",
        jwt_audience="coorace-platform",
        log_format="json",
        log_level="warning",
    )
