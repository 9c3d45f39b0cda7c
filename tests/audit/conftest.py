"""The audit tests' settings: the periodic chain check runs every second, anchors go to a file."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from shared.config import Settings
from tests.helpers.settings import make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return msgspec.structs.replace(
        make_settings(tmp_path), audit_check_seconds=1.0, audit_anchor_file=tmp_path / "anchors" / "chain-heads.jsonl"
    )
