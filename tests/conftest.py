"""Shared fixtures: generated cohorts written to temp folders, and real dbt builds on them."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from calcomics.build import BuildResult, build_warehouse
from calcomics.synth.cohort import generate_cohort, write_cohort

PROJECT_DIR = Path(__file__).resolve().parents[1]

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


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
    """A real `calcomics build` (validation + dbt build) of the default demo cohort."""
    root = tmp_path_factory.mktemp("default_build")
    raw = root / "raw"
    write_cohort(default_cohort, raw)
    result = build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True)
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
                             dbt_vars={"grouping": "snf_subtype"})
    return result, root / "warehouse.duckdb"


@pytest.fixture(scope="session")
def snf_warehouse(snf_build):
    connection = duckdb.connect(str(snf_build[1]), read_only=True)
    yield connection
    connection.close()
