"""The built package holds what the runtime needs: every module of `shared` and `services` and
every data file they read (the demo data, the referential). The wheel takes only what setuptools
finds and `[tool.setuptools.package-data]` names, so a file of a new kind, or a folder setuptools
does not take for a package, would work from the checkout and be missing once installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PACKAGES = ("shared", "services")
NOT_READ_AT_RUNTIME = {"README.md"}


def runtime_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for package in RUNTIME_PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file()
        and path.suffix != ".pyc"
        and "__pycache__" not in path.parts
        and path.name not in NOT_READ_AT_RUNTIME
    }


def test_the_wheel_holds_every_module_and_data_file_of_the_runtime(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = runtime_files()
    assert {"services/membership/demo/network_2015.json", "services/training/demo/call_2015.json"} <= expected
    assert sorted(expected - shipped) == []
