"""The platform's settings, read once from the environment at start-up."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import msgspec

# HS256 is as strong as its secret: RFC 7518 asks for a key at least as long as the hash (32 bytes).
MIN_JWT_SECRET_BYTES = 32
LOG_FORMATS = ("json", "console", "auto")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


class ConfigurationError(ValueError):
    """A setting cannot be used as given: the process refuses to start, saying which and why."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None
    data_dir: Path
    jwt_secret: str | None
    jwks_url: str | None
    jwt_issuer: str
    jwt_audience: str
    log_format: str  # "json", "console" or "auto" (console on a terminal, JSON elsewhere)
    log_level: str
    # The password of the read pool's login role (`coorace_reader`), when the server asks for one
    # (the embedded server trusts local connections; a deployed server should not).
    reader_password: str | None = None
    # Where people reach the portal (links in e-mails; cookies are marked Secure when it is https).
    public_url: str = "http://localhost:8000"

    @property
    def cookies_secure(self) -> bool:
        return self.public_url.startswith("https://")

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
    """The settings from the environment; a value that cannot work raises `ConfigurationError`."""
    env = os.environ if environ is None else environ
    jwt_secret = env.get("COORACE_JWT_SECRET") or None
    if jwt_secret is not None and len(jwt_secret.encode()) < MIN_JWT_SECRET_BYTES:
        raise ConfigurationError(
            f"COORACE_JWT_SECRET is {len(jwt_secret.encode())} bytes long; it must be at least "
            f"{MIN_JWT_SECRET_BYTES} random bytes (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    log_format = env.get("COORACE_LOG_FORMAT", "auto")
    if log_format not in LOG_FORMATS:
        raise ConfigurationError(f"COORACE_LOG_FORMAT={log_format!r} is not one of {', '.join(LOG_FORMATS)}")
    log_level = env.get("COORACE_LOG_LEVEL", "info").lower()
    if log_level not in LOG_LEVELS:
        raise ConfigurationError(f"COORACE_LOG_LEVEL={log_level!r} is not one of {', '.join(LOG_LEVELS)}")
    return Settings(
        database_url=env.get("DATABASE_URL") or None,
        data_dir=Path(env.get("COORACE_DATA_DIR", ".coorace")).resolve(),
        jwt_secret=jwt_secret,
        jwks_url=env.get("COORACE_JWKS_URL") or None,
        jwt_issuer=env.get("COORACE_JWT_ISSUER", "coorace-embedded"),
        jwt_audience=env.get("COORACE_JWT_AUDIENCE", "coorace-platform"),
        log_format=log_format,
        log_level=log_level,
        reader_password=env.get("COORACE_READER_PASSWORD") or None,
        public_url=_public_url(env.get("COORACE_PUBLIC_URL", "http://localhost:8000")),
    )


def _public_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigurationError(f"COORACE_PUBLIC_URL={value!r} must start with http:// or https://")
    return value.rstrip("/")
