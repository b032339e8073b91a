"""Faults around `calcomics build`, with real processes: a second build of the same warehouse,
SIGTERM during the build, and paths that are not SQL-safe (issue 13, items 1 and 2)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from processes import dbt_processes_writing

from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
CALCOMICS = str(Path(sys.executable).parent / "calcomics")
pytestmark = pytest.mark.dbt


def _start_build(raw: Path, warehouse: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [CALCOMICS, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_second_build_waits_its_turn_and_sigterm_publishes_nothing(small_raw_dir, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    building = tmp_path / "w.duckdb.building"

    first = _start_build(small_raw_dir, warehouse)
    _wait_for(building, first)
    second = _start_build(small_raw_dir, warehouse)
    _, second_err = second.communicate(timeout=120)
    assert second.returncode == 5
    assert second_err.startswith(f"another build of {warehouse} is running (pid {first.pid},")
    assert building.exists()  # the running build's file was not touched
    _, first_err = first.communicate(timeout=900)
    assert first.returncode == 0, first_err
    assert not building.exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from dim_patients").fetchone() == (40,)

    before = warehouse.read_bytes()
    interrupted = _start_build(small_raw_dir, warehouse)
    _wait_for(building, interrupted)
    time.sleep(2)  # let dbt start writing
    interrupted.send_signal(signal.SIGTERM)
    _, err = interrupted.communicate(timeout=120)
    assert interrupted.returncode == 128 + signal.SIGTERM
    # (a multiprocessing resource-tracker warning of the dying process may come first)
    message = next(line for line in err.splitlines() if line.startswith("build of"))
    assert message.startswith(f"build of {warehouse} stopped by SIGTERM")
    assert message.endswith("the previous warehouse (if any) is untouched")
    assert warehouse.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("w.duckdb")) == [
        "w.duckdb", "w.duckdb.lock"]
    deadline = time.monotonic() + 30
    while dbt_processes_writing(building) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert dbt_processes_writing(building) == []

    # the lock went with the interrupted process: the next build (here only the patient
    # spine, to keep the suite short) takes it and succeeds
    build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True, select="+dim_patients")


def test_paths_with_quotes_and_semicolons_are_data(small_raw_dir, tmp_path):
    folder = tmp_path / "o'brien; drop table x -- é"
    raw = folder / "raw files"
    raw.mkdir(parents=True)
    for path in small_raw_dir.iterdir():
        (raw / path.name).write_bytes(path.read_bytes())
    refused = subprocess.run(
        [CALCOMICS, "build", "--raw-dir", str(raw), "--warehouse", str(folder / "a'b.duckdb")],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith("warehouse file name \"a'b.duckdb\" must use only")
    warehouse = folder / "warehouse.duckdb"
    result = build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True,
                             select="+dim_patients", target_path=tmp_path / "target")
    assert result.counts.get("model_success", 0) >= 5
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from dim_patients").fetchone() == (40,)
        files = con.execute("select raw_files from meta_build").fetchone()[0]
    assert "clinical.csv" in str(files)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG, /proc")
def test_sigkill_of_the_build_takes_dbt_down_and_the_next_build_recovers(small_raw_dir,
                                                                         tmp_path):
    warehouse = tmp_path / "w.duckdb"
    building = tmp_path / "w.duckdb.building"
    killed = _start_build(small_raw_dir, warehouse)
    _wait_for(building, killed)
    time.sleep(2)
    assert dbt_processes_writing(building)  # dbt is running
    killed.kill()
    killed.wait(timeout=60)
    deadline = time.monotonic() + 30
    while dbt_processes_writing(building) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert dbt_processes_writing(building) == []  # no orphan dbt
    assert not warehouse.exists()  # nothing was published
    # the leftover .building is provably stale: the next build (the patient spine only, to
    # keep the suite short) removes it and succeeds
    build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True, select="+dim_patients")
    assert not building.exists()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from dim_patients").fetchone() == (40,)
