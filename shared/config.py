"""The platform's settings, read once from the environment at start-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import msgspec


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None
    data_dir: Path
    jwt_secret: str | None
    jwks_url: str | None
    jwt_issuer: str
    jwt_audience: str
    log_format: str  # "json", "console" or "auto" (console on a terminal, JSON elsewhere)
    log_level: str

    @property
    def uses_external_identity_provider(self) -> bool:
        return self.jwks_url is not None

    def signing_secret(self) -> str:
        """The HS256 secret: configured, or generated once and kept in the data folder so that
        every `coorace` command started against the same folder signs and verifies alike."""
        if self.jwt_secret:
            return self.jwt_secret
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    return Settings(
        database_url=env.get("DATABASE_URL") or None,
        data_dir=Path(env.get("COORACE_DATA_DIR", ".coorace")).resolve(),
        jwt_secret=env.get("COORACE_JWT_SECRET") or None,
        jwks_url=env.get("COORACE_JWKS_URL") or None,
        jwt_issuer=env.get("COORACE_JWT_ISSUER", "coorace-embedded"),
        jwt_audience=env.get("COORACE_JWT_AUDIENCE", "coorace-platform"),
        log_format=env.get("COORACE_LOG_FORMAT", "auto"),
        log_level=env.get("COORACE_LOG_LEVEL", "info"),
    )
