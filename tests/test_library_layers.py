"""The library's packages depend on each other one way (issue 9, §4).

methods (R-matching methods) and design use only reference data and each other; the
warehouse plumbing and the commands use the methods; the demo generator may use anything,
and only the entry points that generate a demo (CLI, build) import it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "calcomics"
# package -> calcomics packages it must not import
FORBIDDEN = {
    "methods": {"warehouse", "commands", "synth", "cli"},
    "design": {"warehouse", "commands", "synth", "cli", "methods"},
    "reference": {"warehouse", "commands", "synth", "cli", "methods", "design"},
    "warehouse": {"commands", "cli"},
    "commands": {"warehouse", "synth", "cli"},
    "importers": {"commands", "synth", "cli"},
    # the report reads a built warehouse (and the paper's claims); no methods, no building
    "report": {"warehouse", "commands", "synth", "cli", "methods", "importers"},
    # the progress bar is a leaf: anything may use it, it uses nothing of the package
    "progress": {"warehouse", "commands", "synth", "cli", "methods", "design", "reference",
                 "importers"},
}
MAY_IMPORT_SYNTH = {"cli.py", "warehouse/build.py"}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n.split(".")[1].removesuffix(".py") for n in names
            if n.startswith("calcomics.") and len(n.split(".")) > 1}


def _package_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_it_may(package):
    offending = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _package_of(path) != package:
            continue
        bad = _imported_packages(path) & FORBIDDEN[package]
        if bad:
            offending.append(f"{path.relative_to(PACKAGE)} imports {sorted(bad)}")
    assert offending == []


def test_only_the_demo_entry_points_import_the_generator():
    importers = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
        if _package_of(path) != "synth" and "synth" in _imported_packages(path)
    )
    assert set(importers) <= MAY_IMPORT_SYNTH, importers


def test_methods_do_no_file_io():
    calls = {"read_csv", "read_text", "to_csv", "open", "connect", "print"}
    offending = []
    for path in sorted((PACKAGE / "methods").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in calls:
                    offending.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}()")
    assert offending == []
