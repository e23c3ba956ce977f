"""The tree as the README draws it: each package of the app has its tests in the same folder
under ``tests/``, and the README's layout names it (and names nothing that is not there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ("api", "actions", "sales", "knowledge", "i18n", "tools")
# Alembic's scripts (tested by tests/sales/test_migrations.py), not a package of code.
NOT_CODE = {"sales/migrations"}


def _packages() -> list[str]:
    """Every folder of Python code under the app's packages ("sales/rfq/reading"); a folder
    whose only module is ``__init__.py`` holds data (``sales/normalizers/data``)."""
    found = []
    for top in APP:
        for folder in [ROOT / top, *sorted(p for p in (ROOT / top).rglob("*") if p.is_dir())]:
            name = folder.relative_to(ROOT).as_posix()
            modules = {p.name for p in folder.glob("*.py")}
            if "__pycache__" in name or any(name.startswith(n) for n in NOT_CODE):
                continue
            if modules - {"__init__.py"}:
                found.append(name)
    return found


def _layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("Layout: ")
    return readme[start : readme.index("\n\n", start)]


def test_the_app_has_packages() -> None:
    assert {"api", "sales", "sales/rfq/reading", "i18n"} <= set(_packages())


@pytest.mark.parametrize("package", _packages())
def test_every_package_has_its_tests_folder(package: str) -> None:
    folder = ROOT / "tests" / package
    assert folder.is_dir(), f"tests/{package}/ is missing"
    assert list(folder.glob("test_*.py")), f"tests/{package}/ has no tests"


@pytest.mark.parametrize("package", [p for p in _packages() if "/" in p])
def test_the_readme_layout_names_every_package(package: str) -> None:
    assert f"`{package}/`" in _layout(), f"README's layout does not name {package}/"


def test_the_readme_layout_names_only_what_is_there() -> None:
    named = re.findall(r"`([\w./-]+)`", _layout())
    assert named
    missing = [path for path in named if not (ROOT / path.split(":")[0]).exists()]
    assert not missing, missing
