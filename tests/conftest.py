"""Shared fixtures: generated cohorts written to temp folders, and real dbt builds on them."""

from __future__ import annotations

import fcntl
import inspect
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest

from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import BuildResult, build_warehouse, write_demo_marker

PROJECT_DIR = Path(__file__).resolve().parents[1]

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

# A test runs dbt when its body or one of its fixtures (transitively) calls one of these.
_DBT_CALLS = ("build_warehouse(", "run_dbt(", '"sqlfluff"', "run_calcomics_build(")
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


T = TypeVar("T")


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str,
              make: Callable[[Path], T]) -> T:
    """``make(folder)`` run once per test run, its result reused: the session fixtures that
    build a warehouse. The suite runs on pytest-xdist workers (pyproject ``-n 2``); a session
    fixture is per worker, so the folder and the pickled result are kept in the run's temp
    folder that the workers share, and the first worker to need them makes them under a file
    lock while the other waits. Without xdist, the run's own temp folder."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-<n>/, shared by this run's popen-gw<k>/ folders
    saved = base / f"{name}.pickle"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if saved.is_file():
            return pickle.loads(saved.read_bytes())
        folder = base / name
        shutil.rmtree(folder, ignore_errors=True)  # left by a worker whose make() failed
        folder.mkdir()
        result = make(folder)
        saved.write_bytes(pickle.dumps(result))
        return result


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
def default_build(tmp_path_factory, request) -> tuple[BuildResult, Path]:
    """A real `calcomics build` (validation + full dbt build) of the default demo cohort,
    written as `calcomics synth` writes it (with its provenance marker); built once per run."""
    def make(root: Path) -> tuple[BuildResult, Path]:
        raw = root / "raw"
        paths = write_cohort(request.getfixturevalue("default_cohort"), raw)
        write_demo_marker(raw, paths.values(), 316, 0)
        result = build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                                 target_path=root / "target")
        return result, root / "warehouse.duckdb"

    return made_once(tmp_path_factory, "default_build", make)


@pytest.fixture(scope="session")
def warehouse(default_build):
    connection = duckdb.connect(str(default_build[1]), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def demo_report(default_build, tmp_path_factory):
    """``calcomics report`` of the default demo build (PNG, SVG and PDF files), rendered
    once for tests/test_report.py and tests/test_report_browser.py: (result, log lines)."""
    from calcomics.report import render_report

    lines: list[str] = []
    result = render_report(default_build[1], tmp_path_factory.mktemp("demo_report"),
                           log=lines.append)
    return result, lines


@pytest.fixture(scope="session")
def snf_build(tmp_path_factory, request) -> tuple[BuildResult, Path]:
    """The default demo cohort built with a second grouping: SNF subtype (4 groups)."""
    def make(root: Path) -> tuple[BuildResult, Path]:
        raw = root / "raw"
        write_cohort(request.getfixturevalue("default_cohort"), raw)
        result = build_warehouse(PROJECT_DIR, raw, root / "warehouse.duckdb", quiet=True,
                                 dbt_vars={"grouping": "snf_subtype"},
                                 target_path=root / "target")
        return result, root / "warehouse.duckdb"

    return made_once(tmp_path_factory, "snf_build", make)


@pytest.fixture(scope="session")
def snf_warehouse(snf_build):
    connection = duckdb.connect(str(snf_build[1]), read_only=True)
    yield connection
    connection.close()


# --- the shipped real TCGA cohort (examples/tcga_brca_hr_her2neg), built as a user builds it

TCGA_EXAMPLE = PROJECT_DIR / "examples" / "tcga_brca_hr_her2neg"
TCGA_VARS = ("{expression_scale: counts, pam50_centring: er_balanced, survival_population: all, "
             "exome_capture_size_mb: 38}")
CALCOMICS_CLI = str(Path(sys.executable).parent / "calcomics")


def run_calcomics(*args: str) -> subprocess.CompletedProcess:
    """``calcomics ARGS`` in a real process from the project folder; must succeed."""
    done = subprocess.run([CALCOMICS_CLI, *args], cwd=PROJECT_DIR, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def run_calcomics_build(*args: str) -> subprocess.CompletedProcess:
    """``calcomics build ARGS`` (named apart so tests using it are classified ``dbt``)."""
    return run_calcomics("build", *args)


@pytest.fixture(scope="session")
def tcga_raw(tmp_path_factory) -> Path:
    """The example imported into a raw folder with ``calcomics import`` (clinical with the
    example's mapping, MAF, expression), as its README says."""
    def make(root: Path) -> Path:
        raw = root / "raw"
        run_calcomics("import", "clinical", str(TCGA_EXAMPLE / "clinical.tsv"), "--mapping",
                      str(TCGA_EXAMPLE / "clinical_mapping.yaml"), "--out", str(raw))
        run_calcomics("import", "maf", str(TCGA_EXAMPLE / "mutations.maf.tsv.gz"),
                      "--out", str(raw))
        run_calcomics("import", "expression", str(TCGA_EXAMPLE / "expression_counts.tsv.gz"),
                      "--out", str(raw))
        return raw

    return made_once(tmp_path_factory, "tcga", make)


@pytest.fixture(scope="session")
def tcga_build(tmp_path_factory, tcga_raw) -> tuple[Path, subprocess.CompletedProcess]:
    """``calcomics build --grouping histological_type`` of the imported example."""
    def make(root: Path) -> tuple[Path, subprocess.CompletedProcess]:
        warehouse = root / "tcga.duckdb"
        done = run_calcomics_build("--raw-dir", str(tcga_raw), "--warehouse", str(warehouse),
                                   "--grouping", "histological_type", "--vars", TCGA_VARS)
        return warehouse, done

    return made_once(tmp_path_factory, "tcga_build", make)


@pytest.fixture
def tcga(tcga_build):
    """Read-only connection to the real TCGA warehouse."""
    connection = duckdb.connect(str(tcga_build[0]), read_only=True)
    yield connection
    connection.close()
