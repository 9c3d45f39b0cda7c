"""Changed copies of the JSON data files the demo modules load, to test how they refuse bad data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def data_file_with(tmp_path: Path, source: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the JSON file ``source`` under ``tmp_path`` (same name), changed by ``change(document)``."""
    document = json.loads(source.read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / source.name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def truncated_copy(tmp_path: Path, source: Path) -> Path:
    """A copy of ``source`` that is no longer JSON (its last characters cut)."""
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    return path
