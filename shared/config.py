"""The platform's settings, read once from the environment at start-up."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path

import msgspec

# HS256 is as strong as its secret: RFC 7518 asks for a key at least as long as the hash (32 bytes).
MIN_JWT_SECRET_BYTES = 32
LOG_FORMATS = ("json", "console", "auto")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


class ConfigurationError(ValueError):
    """A setting cannot be used as given: the process refuses to start, saying which and why."""


# Ports where a server speaks plain SMTP by custom (the relay port, and the local catchers'), so
# that STARTTLS is not demanded unless asked for.
PLAIN_SMTP_PORTS = (25, 1025)
DEFAULT_MAIL_FROM = "COORACE <ne-pas-repondre@coorace.org>"
TRUE_WORDS = ("true", "1", "yes", "oui")
FALSE_WORDS = ("false", "0", "no", "non")


class SmtpSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Where the outbox's messages are delivered. None in `Settings.smtp`: nothing is sent, the
    messages wait in the outbox (the embedded default)."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    # Demand STARTTLS before authenticating (the connection fails if the server does not offer it).
    starttls: bool = True

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the password must not.
        password = None if self.password is None else "***"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port}, username={self.username!r}, "
            f"password={password!r}, starttls={self.starttls})"
        )


class OidcSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The OpenID Connect provider that `/connexion` offers besides passwords. None in
    `Settings.oidc`: passwords only."""

    issuer: str  # without a trailing slash: the discovery document is at issuer + "/.well-known/…"
    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the client secret must not.
        return f"OidcSettings(issuer={self.issuer!r}, client_id={self.client_id!r}, client_secret='***')"


OIDC_VARIABLES = ("COORACE_OIDC_ISSUER", "COORACE_OIDC_CLIENT_ID", "COORACE_OIDC_CLIENT_SECRET")


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
    smtp: SmtpSettings | None = None
    mail_from: str = DEFAULT_MAIL_FROM
    oidc: OidcSettings | None = None
    # How often the running platform re-verifies every event log's hash chain (`shared.audit_chain`).
    audit_check_seconds: float = 3600.0
    # Where the daily heads of the hash chains are appended (outside the database: see
    # docs/notes/chain.md); no anchoring without it.
    audit_anchor_file: Path | None = None

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
        smtp=_smtp(env),
        mail_from=_mail_from(env.get("COORACE_MAIL_FROM") or DEFAULT_MAIL_FROM),
        oidc=_oidc(env),
        audit_check_seconds=_positive_seconds(
            "COORACE_AUDIT_CHECK_SECONDS", env.get("COORACE_AUDIT_CHECK_SECONDS", "3600")
        ),
        audit_anchor_file=Path(env["COORACE_AUDIT_ANCHOR_FILE"]).resolve()
        if env.get("COORACE_AUDIT_ANCHOR_FILE")
        else None,
    )


def _positive_seconds(name: str, value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ConfigurationError(f"{name}={value!r} must be a positive number of seconds")
    return seconds


def _public_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigurationError(f"COORACE_PUBLIC_URL={value!r} must start with http:// or https://")
    return value.rstrip("/")


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = (env.get("COORACE_SMTP_HOST") or "").strip()
    others = [n for n in ("PORT", "USERNAME", "PASSWORD", "STARTTLS") if env.get(f"COORACE_SMTP_{n}")]
    if not host:
        if others:
            # Half a configuration would silently deliver nothing: say so instead.
            raise ConfigurationError(
                f"COORACE_SMTP_{others[0]} is set but COORACE_SMTP_HOST is not: set the host to deliver "
                "e-mail by SMTP, or unset the other COORACE_SMTP_* variables to keep messages in the outbox"
            )
        return None
    if any(c.isspace() for c in host) or "/" in host:
        raise ConfigurationError(f"COORACE_SMTP_HOST={host!r} is not a host name or address")
    port_text = env.get("COORACE_SMTP_PORT") or "587"
    try:
        port = int(port_text)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ConfigurationError(f"COORACE_SMTP_PORT={port_text!r} is not a port number (1 to 65535)")
    username = env.get("COORACE_SMTP_USERNAME") or None
    password = env.get("COORACE_SMTP_PASSWORD") or None
    if (username is None) != (password is None):
        missing = "COORACE_SMTP_PASSWORD" if password is None else "COORACE_SMTP_USERNAME"
        raise ConfigurationError(f"{missing} is missing: SMTP authentication needs both a user name and a password")
    starttls_text = (env.get("COORACE_SMTP_STARTTLS") or "").strip().lower()
    if not starttls_text:
        starttls = port not in PLAIN_SMTP_PORTS
    elif starttls_text in TRUE_WORDS:
        starttls = True
    elif starttls_text in FALSE_WORDS:
        starttls = False
    else:
        raise ConfigurationError(f"COORACE_SMTP_STARTTLS={starttls_text!r} is neither true nor false")
    if username is not None and not starttls:
        # A password sent in clear over the network is a password given away.
        raise ConfigurationError(
            "COORACE_SMTP_STARTTLS=false with COORACE_SMTP_USERNAME set would send the password "
            "unencrypted: enable STARTTLS, or use a relay that needs no authentication"
        )
    return SmtpSettings(host=host, port=port, username=username, password=password, starttls=starttls)


def _mail_from(value: str) -> str:
    _, address = parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in address):
        raise ConfigurationError(
            f'COORACE_MAIL_FROM={value!r} is not an e-mail address (e.g. "COORACE <ne-pas-repondre@coorace.org>")'
        )
    return value.strip()


def _oidc(env: Mapping[str, str]) -> OidcSettings | None:
    issuer, client_id, client_secret = (env.get(name, "").strip() for name in OIDC_VARIABLES)
    values = dict(zip(OIDC_VARIABLES, (issuer, client_id, client_secret), strict=True))
    if not any(values.values()):
        return None
    missing = [name for name, value in values.items() if not value]
    if missing:
        # One or two of them would offer a sign-in that cannot work: say which is missing.
        raise ConfigurationError(
            f"{missing[0]} is missing: COORACE_OIDC_ISSUER, COORACE_OIDC_CLIENT_ID and "
            "COORACE_OIDC_CLIENT_SECRET go together (set all three to offer the identity provider's "
            "sign-in, or none for passwords only)"
        )
    if not issuer.startswith(("https://", "http://")) or any(c.isspace() for c in issuer):
        raise ConfigurationError(f"COORACE_OIDC_ISSUER={issuer!r} must be the provider's URL (https://…)")
    return OidcSettings(issuer=issuer.rstrip("/"), client_id=client_id, client_secret=client_secret)
