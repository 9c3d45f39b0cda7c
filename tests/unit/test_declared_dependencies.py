"""Every third-party module the runtime imports comes from a distribution that `pyproject.toml`
declares as a runtime dependency (not one that happens to be installed because another package
pulls it in), and test-only tools stay out of the runtime dependencies."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PACKAGES = ("shared", "services")
FIRST_PARTY = set(RUNTIME_PACKAGES)


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirement_name(requirement: str) -> str:
    """`litestar[standard]>=2.25,<3` -> `litestar` (normalised as PyPI does)."""
    name = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_modules(package: str) -> dict[str, str]:
    """Top-level module imported -> one file that imports it (absolute imports only)."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def third_party_imports() -> dict[str, str]:
    modules: dict[str, str] = {}
    for package in RUNTIME_PACKAGES:
        for module, where in imported_top_level_modules(package).items():
            if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
                continue
            modules.setdefault(module, where)
    return modules


def test_every_runtime_import_comes_from_a_declared_dependency() -> None:
    declared = {requirement_name(r) for r in project()["dependencies"]}
    distributions = packages_distributions()
    undeclared = []
    for module, where in sorted(third_party_imports().items()):
        providers = {requirement_name(d) for d in distributions.get(module, [])}
        assert providers, f"{module} (imported in {where}) is not installed by any distribution"
        if not providers & declared:
            undeclared.append(f"{module} (imported in {where}, from {', '.join(sorted(providers))})")
    assert undeclared == [], "imported but not declared in [project] dependencies: " + "; ".join(undeclared)


def test_the_runtime_imports_are_found_at_all() -> None:
    # Guards the test above against passing because the walk found nothing.
    assert {"litestar", "eventsourcing", "asyncpg", "msgspec", "click", "uvicorn", "anyio"} <= set(
        third_party_imports()
    )


def test_test_tools_are_not_runtime_dependencies() -> None:
    runtime = {requirement_name(r) for r in project()["dependencies"]}
    test_extra = {requirement_name(r) for r in project()["optional-dependencies"]["test"]}
    test_only = {"testcontainers", "pytest", "hypothesis", "ruff", "mypy", "schemathesis"}
    assert runtime & test_only == set()
    assert test_only <= test_extra
