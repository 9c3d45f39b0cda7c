"""Every library's log records come out in the platform's format, with the request's context."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from litestar import Litestar

from shared.logs import litestar_logging_config, route_standard_logging


@pytest.fixture
def root_logger_restored() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    yield
    root.handlers, root.level = saved


def route_to_captured_json() -> None:
    """The root logger as `configure_logging` sets it, writing JSON to the (captured) standard error."""
    route_standard_logging(structlog.processors.JSONRenderer(), logging.INFO)


def test_library_records_are_json_lines_with_the_request_context(
    root_logger_restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    route_to_captured_json()
    structlog.contextvars.bind_contextvars(request_id="r-1")
    try:
        for name in ("uvicorn.error", "litestar", "eventsourcing", "asyncpg"):
            logging.getLogger(name).warning("from %s", name)
    finally:
        structlog.contextvars.clear_contextvars()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["event"], line["level"], line["request_id"]) for line in lines] == [
        (name, f"from {name}", "warning", "r-1") for name in ("uvicorn.error", "litestar", "eventsourcing", "asyncpg")
    ]
    assert all(line["timestamp"].endswith("Z") for line in lines)


def test_an_exception_is_one_json_line(root_logger_restored: None, capsys: pytest.CaptureFixture[str]) -> None:
    route_to_captured_json()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception("failed")
    (line,) = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record["event"] == "failed" and "RuntimeError: boom" in record["exception"]


def test_litestar_leaves_the_root_logger_to_the_platform(root_logger_restored: None) -> None:
    route_to_captured_json()
    handlers = logging.getLogger().handlers[:]
    Litestar(route_handlers=[], logging_config=litestar_logging_config())
    assert logging.getLogger().handlers == handlers
    assert logging.getLogger("litestar").propagate is True


def test_a_plain_handler_left_on_the_root_goes_and_no_line_is_printed_twice(
    root_logger_restored: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.basicConfig(force=True)  # what a library or a script may have done first
    route_to_captured_json()
    logging.getLogger("eventsourcing").warning("once")
    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line)["event"] == "once"
