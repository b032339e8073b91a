"""BI tools open the warehouse: the file a build writes is read by a DuckDB 1.x reader (in an
isolated venv, like the DuckDB CLI or the JDBC / ODBC drivers BI tools bundle) and through
SQLAlchemy (duckdb-engine), read-only, while ``calcomics build`` swaps new builds in under it.

The DuckDB 1.4 reader venv lives in pytest's cache folder (``.pytest_cache/d/``), so it is
created once per checkout; without a package index the reader tests skip, saying why.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import sqlalchemy
import yaml

from calcomics.warehouse.build import (
    STORAGE_COMPATIBILITY_VERSION,
    build_warehouse,
    run_dbt,
    storage_compatibility_version,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
SELECT = "+dim_patients +rpt_cohort_flow"
OLD_READER_REQUIREMENT = "duckdb>=1.4,<1.5"
# DuckDB's file header: magic bytes at offset 8, little-endian uint64 storage version at 12.
# 'v1.4.0' is version 67, the newest DuckDB 1.4 reads ("can only read versions between 64 and
# 67"); DuckDB 2.x writes 999 by default.
DUCKDB_1_4_MAX_STORAGE = 67

# Run by the DuckDB 1.4 reader: every table and view in full, rpt_cohort_flow's rows, and the
# reader's own version, as JSON on stdout (no progress bar: DuckDB 1.4 prints one on stdout
# when a query takes over 2 s, e.g. on a loaded machine).
DUMP_SCRIPT = """
import json, sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
connection.execute("set enable_progress_bar = false")
names = [f'"{s}"."{n}"' for s, n in connection.execute(
    "select table_schema, table_name from information_schema.tables order by all").fetchall()]
counts = {n: len(connection.execute(f"select * from {n}").fetchall()) for n in names}
flow = connection.execute("select * from rpt_cohort_flow order by all").fetchall()
print(json.dumps({"version": duckdb.__version__, "counts": counts, "flow": flow}, default=str))
"""

# Run by the DuckDB 1.4 reader: hold one read-only connection open; on each stdin line print
# the build start time it sees.
HOLD_SCRIPT = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
for _ in sys.stdin:
    print(connection.execute("select started_at from meta_build").fetchone()[0], flush=True)
"""


@pytest.fixture(scope="module")
def bi_build(small_raw_dir, tmp_path_factory) -> Path:
    """A small real build (patients, groups, cohort flow, meta_build) of the 40-patient cohort."""
    root = tmp_path_factory.mktemp("bi_build")
    warehouse = root / "warehouse.duckdb"
    build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True, select=SELECT,
                    target_path=root / "target")
    return warehouse


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _duckdb_version(python: Path) -> str | None:
    """The duckdb version importable by ``python``, or None."""
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import duckdb; print(duckdb.__version__)"],
                           capture_output=True, text=True, check=False)
    return probe.stdout.strip() if probe.returncode == 0 else None


@pytest.fixture(scope="session")
def old_duckdb_python(pytestconfig: pytest.Config) -> Path:
    """Python of an isolated venv with DuckDB 1.4 from the package index (made once, kept in
    pytest's cache folder)."""
    venv = Path(pytestconfig.cache.mkdir("duckdb-1.4-reader")) / "venv"
    python = _venv_python(venv)
    version = _duckdb_version(python)
    if version is None or not version.startswith("1.4."):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             OLD_READER_REQUIREMENT],
            capture_output=True, text=True, check=False, timeout=900,
        )
        if install.returncode != 0:
            pytest.skip(f"cannot install {OLD_READER_REQUIREMENT!r} into {venv} (no package "
                        f"index reachable?): {install.stderr.strip()[-300:]}")
        version = _duckdb_version(python)
    assert version is not None and version.startswith("1.4."), version
    return python


def _current_dump(path: Path) -> dict:
    """What :data:`DUMP_SCRIPT` reports, read with this environment's DuckDB."""
    with duckdb.connect(str(path), read_only=True) as connection:
        names = [f'"{s}"."{n}"' for s, n in connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()]
        counts = {n: len(connection.execute(f"select * from {n}").fetchall()) for n in names}
        flow = connection.execute("select * from rpt_cohort_flow order by all").fetchall()
    return json.loads(json.dumps({"counts": counts, "flow": flow}, default=str))


def test_profile_default_is_the_build_storage_version():
    """A direct `dbt build` creates the file with the same storage version `calcomics build`
    uses (profiles.yml's env_var default is the Python constant)."""
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    options = profile["calcomics"]["outputs"]["dev"]["config_options"]
    default = re.fullmatch(
        r"\{\{ env_var\('CALCOMICS_DUCKDB_STORAGE_VERSION', '([^']+)'\) \}\}",
        options["storage_compatibility_version"],
    )
    assert default is not None and default.group(1) == STORAGE_COMPATIBILITY_VERSION == "v1.4.0"


def test_storage_version_override(monkeypatch):
    monkeypatch.setenv("CALCOMICS_DUCKDB_STORAGE_VERSION", "v1.2.0")
    assert storage_compatibility_version() == "v1.2.0"
    monkeypatch.delenv("CALCOMICS_DUCKDB_STORAGE_VERSION")
    assert storage_compatibility_version() == STORAGE_COMPATIBILITY_VERSION


def test_file_header_is_a_storage_version_duckdb_1_4_reads(bi_build):
    header = bi_build.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert struct.unpack("<Q", header[12:20])[0] == DUCKDB_1_4_MAX_STORAGE


def test_duckdb_1_4_reader_reads_every_table(bi_build, old_duckdb_python):
    """The whole file, every column of every table and view, through DuckDB 1.4 read-only:
    the same rows this environment's DuckDB reads."""
    dump = subprocess.run([str(old_duckdb_python), "-c", DUMP_SCRIPT, str(bi_build)],
                          capture_output=True, text=True, check=False)
    assert dump.returncode == 0, dump.stderr
    old = json.loads(dump.stdout)
    assert old["version"].startswith("1.4.")
    current = _current_dump(bi_build)
    assert old["counts"] == current["counts"]
    marts = {name: f'"main"."{name}"' for name in ("dim_patients", "rpt_cohort_flow", "meta_build")}
    assert old["counts"][marts["dim_patients"]] == 40 and old["counts"][marts["meta_build"]] == 1
    assert set(marts.values()) <= set(old["counts"])
    # every layer's schema is read too (staging views over the ingested raw tables)
    assert {name.split(".")[0] for name in old["counts"]} == {
        '"main"', '"lookup"', '"raw"', '"reference"', '"staging"', '"intermediate"'}
    assert old["flow"] == current["flow"]
    assert {row[0] for row in old["flow"]} >= {"negative", "probably_benign", "high_suspicion"}


def test_sqlalchemy_duckdb_engine_reads_read_only(bi_build):
    """The README's SQLAlchemy URL: duckdb-engine, access_mode=read_only; writes refused."""
    expected_flow = _current_dump(bi_build)["flow"]
    engine = sqlalchemy.create_engine(f"duckdb:///{bi_build}?access_mode=read_only")
    try:
        with engine.connect() as connection:
            assert "dim_patients" in sqlalchemy.inspect(connection).get_table_names()
            count = connection.execute(sqlalchemy.text("select count(*) from dim_patients"))
            assert count.scalar_one() == 40
            flow = connection.execute(sqlalchemy.text(
                "select * from rpt_cohort_flow order by all")).all()
            assert json.loads(json.dumps([list(r) for r in flow], default=str)) == expected_flow
            with pytest.raises(sqlalchemy.exc.DBAPIError, match="read-only|read only"):
                connection.execute(sqlalchemy.text("create table bi_scratch as select 1 as x"))
    finally:
        engine.dispose()


@pytest.fixture
def old_reader_holding(bi_build, old_duckdb_python) -> Iterator[subprocess.Popen]:
    """A DuckDB 1.4 process holding a read-only connection to the warehouse open."""
    process = subprocess.Popen([str(old_duckdb_python), "-c", HOLD_SCRIPT, str(bi_build)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        process.stdin.close()
        process.wait(timeout=60)


def _ask(process: subprocess.Popen) -> str:
    process.stdin.write("?\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def _started_at(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as connection:
        return str(connection.execute("select started_at from meta_build").fetchone()[0])


def test_reader_never_blocks_calcomics_build(bi_build, old_reader_holding, small_raw_dir,
                                            tmp_path):
    """A BI reader holding the file open: `calcomics build` still swaps a new build in; the
    reader keeps the build it opened, a new connection sees the new one."""
    seen = _ask(old_reader_holding)
    assert seen == _started_at(bi_build)
    build_warehouse(PROJECT_DIR, small_raw_dir, bi_build, quiet=True, select=SELECT,
                    target_path=tmp_path / "target")
    assert _ask(old_reader_holding) == seen
    assert _started_at(bi_build) != seen


def test_direct_dbt_build_needs_the_file_free(bi_build, old_reader_holding, small_raw_dir,
                                              tmp_path):
    """dbt writes the warehouse in place: with a reader holding it, dbt cannot take the
    write lock and fails (the README's locking rule); the file is unchanged."""
    seen = _ask(old_reader_holding)
    before = bi_build.read_bytes()
    process = run_dbt(["run", "--select", "meta_build"], PROJECT_DIR, small_raw_dir, bi_build,
                      quiet=True, target_path=tmp_path / "target")
    assert process.returncode != 0
    assert "could not set lock" in process.stdout.lower()
    assert bi_build.read_bytes() == before
    assert _ask(old_reader_holding) == seen
