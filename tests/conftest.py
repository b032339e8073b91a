"""Shared fixtures: generated cohorts written to temp folders, and real dbt builds on them."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import BuildResult, build_warehouse, write_demo_marker

PROJECT_DIR = Path(__file__).resolve().parents[1]

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

# A test runs dbt when its body or one of its fixtures (transitively) calls one of these.
_DBT_CALLS = ("build_warehouse(", "run_dbt(", '"sqlfluff"')
_SOURCE_CALLS_DBT: dict[Callable, bool] = {}


def _calls_dbt(function: Callable) -> bool:
    if function not in _SOURCE_CALLS_DBT:
        try:
            source = inspect.getsource(function)
        except (OSError, TypeError):
            source = ""
        _SOURCE_CALLS_DBT[function] = any(call in source for call in _DBT_CALLS)
    return _SOURCE_CALLS_DBT[function]


def _runs_dbt(item: pytest.Item) -> bool:
    if _calls_dbt(getattr(item, "function", None)):
        return True
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    return any(_calls_dbt(d.func) for defs in definitions for d in defs)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Classify every test: ``dbt`` if it runs dbt, else ``unit`` (unless marked ``slow``)."""
    for item in items:
        if item.get_closest_marker("dbt") is None and _runs_dbt(item):
            item.add_marker(pytest.mark.dbt)
        if item.get_closest_marker("dbt") is None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def default_cohort():
    """The published-size demo cohort (316 patients, seed 0)."""
    return generate_cohort(316, 0)


@pytest.fixture(scope="session")
def small_raw_dir(tmp_path_factory) -> Path:
    """Raw files of a small 40-patient cohort (never modified; copy it to corrupt it)."""
    raw = tmp_path_factory.mktemp("small_raw")
    write_cohort(generate_cohort(40, 7), raw)
    return raw


@pytest.fixture(scope="session")
def default_build(tmp_path_factory, default_cohort) -> tuple[BuildResult, Path]:
    """A real `calcomics build` (validation + full dbt build) of the default demo cohort,
    written as `calcomics synth` writes it (with its provenance marker)."""
    root = tmp_path_factory.mktemp("default_build")
    raw = root / "raw"
    paths = write_cohort(default_cohort, raw)
    write_demo_marker(raw, paths.values(), 316, 0)
    result = build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                             target_path=root / "target")
    return result, root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def warehouse(default_build):
    connection = duckdb.connect(str(default_build[1]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def snf_build(tmp_path_factory, default_cohort) -> tuple[BuildResult, Path]:
    """The default demo cohort built with a second grouping: SNF subtype (4 groups)."""
    root = tmp_path_factory.mktemp("snf_build")
    raw = root / "raw"
    write_cohort(default_cohort, raw)
    result = build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                             dbt_vars={"grouping": "snf_subtype"}, target_path=root / "target")
    return result, root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def snf_warehouse(snf_build):
    connection = duckdb.connect(str(snf_build[1]), read_only=True)
    yield connection
    connection.close()
