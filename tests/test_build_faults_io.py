"""Faults around the warehouse file, with real processes (issue 13, items 4, 5 and 7): readers
holding the warehouse open during a rebuild, a full disk, read-only and unreadable folders,
SIGKILL at three points of a build, and owner-only modes of what calcomics writes.

dbt runs only ``meta_build`` here (``select=``), the smallest real build: what is tested is
the plumbing around dbt, not the DAG. Builds that must be killed or run under other
privileges run in a ``python -c`` child calling ``build_warehouse``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from processes import dbt_processes_writing

from calcomics.cli import main
from calcomics.warehouse.build import build_warehouse, os_error_in_dbt_output

PROJECT_DIR = Path(__file__).resolve().parents[1]
CALCOMICS = str(Path(sys.executable).parent / "calcomics")
STUDY = Path(__file__).parent / "data" / "importers" / "cbioportal_study"
pytestmark = pytest.mark.dbt

# A real build process limited to meta_build: PROJECT RAW WAREHOUSE TARGET [group_readable].
_SELECTED_BUILD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from calcomics.warehouse.build import build_warehouse\n"
    "project, raw, warehouse, target = map(Path, sys.argv[1:5])\n"
    "build_warehouse(project, raw, warehouse, quiet=True, select='meta_build',\n"
    "                target_path=target, group_readable=len(sys.argv) > 5)\n"
)

# A BI-style reader: queries meta_build every 50 ms until STOP exists, one JSON line per look.
# mode 'hold': one connection opened at the start; 'reconnect': a new connection per look.
_READER = (
    "import json, os, sys, time\n"
    "import duckdb\n"
    "path, log_path, stop, mode = sys.argv[1:]\n"
    "held = duckdb.connect(path, read_only=True) if mode == 'hold' else None\n"
    "with open(log_path, 'a') as log:\n"
    "    while not os.path.exists(stop):\n"
    "        try:\n"
    "            connection = held or duckdb.connect(path, read_only=True)\n"
    "            row = connection.execute('select build_id, finished_at is not null, '\n"
    "                                     'count(*) over () from meta_build').fetchone()\n"
    "            if held is None:\n"
    "                connection.close()\n"
    "            seen = {'build_id': row[0], 'finished': row[1], 'rows': row[2]}\n"
    "        except duckdb.Error as error:\n"
    "            seen = {'error': f'{type(error).__name__}: {error}'}\n"
    "        log.write(json.dumps(seen) + '\\n')\n"
    "        log.flush()\n"
    "        time.sleep(0.05)\n"
)


def _start_selected_build(raw: Path, warehouse: Path, target: Path, *,
                          group_readable: bool = False,
                          wrapper: tuple[str, ...] = ()) -> subprocess.Popen:
    command = [*wrapper, sys.executable, "-c", _SELECTED_BUILD, str(PROJECT_DIR), str(raw),
               str(warehouse), str(target), *(["group"] if group_readable else [])]
    return subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_until(condition: Callable[[], bool], process: subprocess.Popen | None = None,
                what: str = "condition", seconds: float = 600) -> None:
    """Poll an observable state (never a fixed delay)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process ended before {what}: {process.communicate()}")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _build_id(warehouse: Path) -> tuple[str, bool]:
    """(build_id, finished_at recorded) through a new read-only connection."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute(
            "select build_id, finished_at is not null from meta_build").fetchall()
    assert len(rows) == 1
    return rows[0]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture(scope="module")
def base_warehouse(small_raw_dir, tmp_path_factory) -> Path:
    """A finished warehouse (meta_build only) of the small cohort, copied by each test."""
    root = tmp_path_factory.mktemp("base_warehouse")
    result = build_warehouse(PROJECT_DIR, small_raw_dir, root / "w.duckdb", quiet=True,
                             select="meta_build", target_path=root / "target")
    # operation_success: the on-run-start step that reads the raw files in once
    assert result.counts == {"operation_success": 1, "model_success": 1, "test_pass": 4}
    return root / "w.duckdb"


def _copy_warehouse(base: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    warehouse = folder / "w.duckdb"
    shutil.copyfile(base, warehouse)
    return warehouse


def _restricted_prefix() -> tuple[str, ...]:
    """How to run a command that permission bits apply to: as is for a normal user; as root,
    through ``setpriv`` without the capabilities that bypass them (skip when impossible)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, where permission bits do not apply, and setpriv (to "
                    "drop CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH) is not installed")
    prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner")
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"running as root and setpriv cannot drop capabilities: {probe.stderr}")
    return prefix


# --- 1. a reader holds the warehouse open while a build swaps in a new one ----------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_readers_see_a_complete_warehouse_while_a_build_swaps_in_a_new_one(
        base_warehouse, small_raw_dir, tmp_path):
    warehouse = _copy_warehouse(base_warehouse, tmp_path / "wh")
    building = warehouse.with_name("w.duckdb.building")
    old_id, _ = _build_id(warehouse)
    stop = tmp_path / "stop"
    logs = {mode: tmp_path / f"{mode}.jsonl" for mode in ("hold", "reconnect")}
    readers = {
        mode: subprocess.Popen([sys.executable, "-c", _READER, str(warehouse), str(log),
                                str(stop), mode])
        for mode, log in logs.items()
    }
    try:
        for mode, log in logs.items():
            _wait_until(lambda log=log: len(_lines(log)) > 0, readers[mode], f"{mode} reader")

        build = _start_selected_build(small_raw_dir, warehouse, tmp_path / "target")
        building_modes = []

        def dbt_is_writing() -> bool:
            if not dbt_processes_writing(building):
                return False
            try:
                if building.stat().st_size == 0:
                    return False
                building_modes.append(_mode(building))
            except FileNotFoundError:
                return False
            return True

        _wait_until(dbt_is_writing, build, "dbt writing the .building file")
        _, err = build.communicate(timeout=600)
        assert build.returncode == 0, err  # not blocked by the readers

        new_id, finished = _build_id(warehouse)  # a new connection sees the new build
        assert new_id != old_id and finished
        _wait_until(lambda: _lines(logs["reconnect"])[-1].get("build_id") == new_id,
                    readers["reconnect"], "the reconnecting reader to see the new build")
    finally:
        stop.touch()
        for reader in readers.values():
            reader.wait(timeout=60)
    held, reconnected = _lines(logs["hold"]), _lines(logs["reconnect"])
    assert [line for line in held + reconnected if "error" in line] == []
    assert all(line["rows"] == 1 and line["finished"] for line in held + reconnected)
    # the open connection keeps the old file (its inode) for as long as it stays open
    assert {line["build_id"] for line in held} == {old_id}
    # new connections see the old build, then the new one: never a mix, never a torn file
    ids = [line["build_id"] for line in reconnected]
    switch = ids.index(new_id)
    assert switch > 0 and set(ids[:switch]) == {old_id} and set(ids[switch:]) == {new_id}
    print(f"held connection: {len(held)} looks, all the old build; new connections: "
          f"{switch} looks at the old build, then {len(ids) - switch} at the new one")
    # owner-only at rest: the half-built file, the published file and the lock
    assert building_modes and set(building_modes) == {0o600}
    assert _mode(warehouse) == 0o600
    assert _mode(warehouse.with_name("w.duckdb.lock")) == 0o600
    assert _mode(tmp_path / "target") == 0o700
    assert _names(warehouse.parent) == ["w.duckdb", "w.duckdb.lock"]


# --- 2. SIGKILL at three points ------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG, /proc")
def test_sigkill_before_during_and_after_dbt_never_publishes_a_partial_warehouse(
        base_warehouse, small_raw_dir, tmp_path):
    warehouse = _copy_warehouse(base_warehouse, tmp_path / "wh")
    building = warehouse.with_name("w.duckdb.building")
    lock = warehouse.with_name("w.duckdb.lock")
    target = tmp_path / "target"
    before = warehouse.read_bytes()
    old_id, _ = _build_id(warehouse)

    def kill_when(condition: Callable[[subprocess.Popen], bool], what: str) -> None:
        process = _start_selected_build(small_raw_dir, warehouse, target)
        _wait_until(lambda: condition(process), process, what)
        process.kill()
        process.wait(timeout=60)
        _wait_until(lambda: not dbt_processes_writing(building), None, "dbt to go", 60)

    # a) after taking the lock, before dbt (validating): nothing written yet
    kill_when(lambda p: lock.exists() and f"pid {p.pid}," in lock.read_text(), "the lock")
    assert not building.exists()
    assert warehouse.read_bytes() == before

    # b) while dbt writes the .building file: the old warehouse stays; dbt goes down too
    kill_when(lambda p: building.exists() and bool(dbt_processes_writing(building)), "dbt")
    assert warehouse.read_bytes() == before

    # c) dbt has written its run results (the build removes stale ones first): the build is
    # between dbt's exit and the swap, or just past it
    (target / "run_results.json").unlink(missing_ok=True)
    kill_when(lambda p: (target / "run_results.json").exists(), "dbt's run results")
    if warehouse.read_bytes() != before:  # killed after the swap: a complete new build
        new_id, finished = _build_id(warehouse)
        assert new_id != old_id and finished
        print("killed after dbt's run results: the new build was already swapped in")
    else:
        print("killed after dbt's run results: before the swap, the old warehouse stays; "
              f"left: {_names(warehouse.parent)}")

    again = _start_selected_build(small_raw_dir, warehouse, target)
    _, err = again.communicate(timeout=600)
    assert again.returncode == 0, err
    new_id, finished = _build_id(warehouse)
    assert new_id != old_id and finished
    assert _names(warehouse.parent) == ["w.duckdb", "w.duckdb.lock"]  # no leftovers


# --- 3. disk full --------------------------------------------------------------------------

# Inside a private mount namespace: a tmpfs with room for the previous warehouse (which holds
# the ingested raw tables) and a rebuild next to it (the new file, its WAL, the checkpoint),
# holding it and a filler leaving 8 KiB free; `calcomics build` (exit code, stderr), what is
# left, then a build once the filler is gone. The tmpfs disappears with the namespace, so
# results are copied out.
_DISK_FULL_SCRIPT = """
set -u
out=$1 tiny=$2 raw=$3 python=$4 calcomics=$5 project=$6 size_mib=$7
mount -t tmpfs -o size="${size_mib}m" tmpfs "$tiny" 2> "$out/mount.err" || exit 97
cp "$out/previous.duckdb" "$tiny/w.duckdb"
dd if=/dev/zero of="$tiny/filler" bs=64k 2> /dev/null
truncate -s -8K "$tiny/filler"
"$calcomics" build --raw-dir "$raw" --warehouse "$tiny/w.duckdb" > "$out/full.out" \\
    2> "$out/full.err"
echo $? > "$out/full.rc"
ls -A "$tiny" > "$out/full.ls"
cp "$tiny/w.duckdb" "$out/after_full.duckdb"
rm "$tiny/filler"
"$python" -c "$SELECTED_BUILD" "$project" "$raw" "$tiny/w.duckdb" "$out/target" \\
    > "$out/next.out" 2> "$out/next.err"
echo $? > "$out/next.rc"
ls -A "$tiny" > "$out/next.ls"
cp "$tiny/w.duckdb" "$out/after_next.duckdb"
"""


def test_disk_full_exit_4_names_the_path_and_keeps_the_previous_warehouse(
        base_warehouse, small_raw_dir, tmp_path):
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to make a private mount namespace for a tiny tmpfs")
    # root: a mount namespace; a normal user: a user namespace mapping it to root in there
    namespace = [unshare, "--mount"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    shutil.copyfile(base_warehouse, tmp_path / "previous.duckdb")
    run = subprocess.run(
        [*namespace, "sh", "-c", _DISK_FULL_SCRIPT, "sh", str(tmp_path), str(tiny),
         str(small_raw_dir), sys.executable, CALCOMICS, str(PROJECT_DIR),
         str(4 * (base_warehouse.stat().st_size // 2**20) + 16)],
        env={**os.environ, "SELECTED_BUILD": _SELECTED_BUILD}, cwd=PROJECT_DIR,
        capture_output=True, text=True, check=False, timeout=900,
    )
    if run.returncode != 0:
        reason = (tmp_path / "mount.err").read_text().strip() if run.returncode == 97 else ""
        pytest.skip(f"cannot mount a tmpfs in a private namespace here ({' '.join(namespace)}"
                    f" exit {run.returncode}: {reason or run.stderr.strip()})")

    err = (tmp_path / "full.err").read_text()
    assert (tmp_path / "full.rc").read_text().strip() == "4", err
    assert "Traceback" not in err
    # DuckDB's own words inside dbt, turned into the operating-system error with the path
    # (the file DuckDB could not write: w.duckdb.building, or its .wal with more room)
    assert err.startswith(f"{tiny}/w.duckdb.building"), err
    assert f": No space left on device; the disk holding {tiny} is full" in err
    assert err.rstrip().endswith(f"{tiny}/w.duckdb was not replaced."), err
    assert (tmp_path / "after_full.duckdb").read_bytes() == base_warehouse.read_bytes()
    print(f"disk full: {err}")
    assert (tmp_path / "full.ls").read_text().split() == ["filler", "w.duckdb",
                                                         "w.duckdb.lock"]

    assert (tmp_path / "next.rc").read_text().strip() == "0", (tmp_path / "next.err").read_text()
    assert (tmp_path / "next.ls").read_text().split() == ["w.duckdb", "w.duckdb.lock"]
    new_id, finished = _build_id(tmp_path / "after_next.duckdb")
    assert new_id != _build_id(base_warehouse)[0] and finished


def test_operating_system_errors_are_read_from_duckdb_messages_in_dbt_output(tmp_path):
    # messages as DuckDB 1.4 words them inside dbt-duckdb (seen on a full tmpfs)
    commit = ('Runtime Error in model int_patient_groups (warehouse/models/intermediate/'
              'int_patient_groups.sql)\n  TransactionContext Error: Failed to commit: Could '
              'not write file "/data/w.duckdb.building.wal": No space left on device')
    found = os_error_in_dbt_output(["Done. PASS=3 ERROR=1", commit], tmp_path)
    assert (found.errno, found.filename) == (errno.ENOSPC, "/data/w.duckdb.building.wal")
    unquoted = os_error_in_dbt_output(["OSError: [Errno 28] No space left on device"], tmp_path)
    assert (unquoted.errno, unquoted.filename) == (errno.ENOSPC, str(tmp_path))
    denied = os_error_in_dbt_output(
        ['IO Error: Cannot open file "/ro/w.duckdb.building": Permission denied'], tmp_path)
    assert (denied.errno, denied.filename) == (errno.EACCES, "/ro/w.duckdb.building")
    # a failing data test is not an operating-system error; "Permission denied" alone names
    # no path, so it is not taken for one either
    assert os_error_in_dbt_output(["Failure in test unique_dim_patients_patient_id",
                                   "Permission denied"], tmp_path) is None


# --- 4. read-only and unreadable folders ---------------------------------------------------


def _cli_build(prefix: tuple[str, ...], raw: Path, warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, CALCOMICS, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False, timeout=600,
    )


def test_read_only_and_unreadable_folders(base_warehouse, small_raw_dir, tmp_path):
    prefix = _restricted_prefix()
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)

    # a read-only warehouse folder: refused before validation, naming the file it could not
    # create (the lock when there is none yet, else the .building file)
    folder = tmp_path / "read_only"
    warehouse = _copy_warehouse(base_warehouse, folder)
    before = warehouse.read_bytes()
    for existing_lock in (False, True):
        if existing_lock:
            folder.chmod(0o700)
            warehouse.with_name("w.duckdb.lock").touch()
        folder.chmod(0o500)
        refused = _cli_build(prefix, raw, warehouse)
        blocked = "w.duckdb.building" if existing_lock else "w.duckdb.lock"
        assert refused.returncode == 4, refused.stderr
        assert refused.stderr == (
            f"{folder}/{blocked}: Permission denied; this user cannot write in {folder}: make "
            f"it writable, or choose another folder. {warehouse} was not replaced.\n")
        assert warehouse.read_bytes() == before
    folder.chmod(0o700)

    # an unreadable raw folder: an operating-system error (4), not bad data (2)
    raw.chmod(0o000)
    try:
        unreadable = _cli_build(prefix, raw, tmp_path / "elsewhere" / "w.duckdb")
    finally:
        raw.chmod(0o700)
    assert unreadable.returncode == 4, unreadable.stderr
    assert unreadable.stderr.startswith(
        f"{raw}: Permission denied; this user cannot read it: make {raw} and its files "
        f"readable (e.g. chmod -R u+rX {raw}); calcomics only reads that folder.")
    assert "Traceback" not in unreadable.stderr + refused.stderr
    print(f"read-only warehouse folder: {refused.stderr}unreadable raw: {unreadable.stderr}")

    # a read-only raw folder builds (calcomics only reads it); group-readable output
    for path in raw.iterdir():
        path.chmod(0o400)
    raw.chmod(0o500)
    listing = _names(raw)
    built = _start_selected_build(raw, tmp_path / "built" / "w.duckdb", tmp_path / "target",
                                  group_readable=True, wrapper=prefix)
    _, err = built.communicate(timeout=600)
    raw.chmod(0o700)
    assert built.returncode == 0, err
    assert _names(raw) == listing
    assert _mode(tmp_path / "built") == 0o750
    assert _mode(tmp_path / "built" / "w.duckdb") == 0o640
    assert _mode(tmp_path / "built" / "w.duckdb.lock") == 0o600
    assert _mode(tmp_path / "target") == 0o750


# --- 5. patient data at rest: owner-only unless a group is asked for -----------------------


def test_synth_and_import_write_owner_only_unless_group_readable(tmp_path, monkeypatch, capsys):
    synth = tmp_path / "synth" / "raw"
    assert main(["synth", "--out", str(synth), "--patients", "5", "--seed", "1"]) == 0
    files = sorted(synth.iterdir())
    assert len(files) == 8  # seven raw files and the demo marker
    assert {_mode(path) for path in files} == {0o600}
    assert _mode(synth) == _mode(synth.parent) == 0o700
    # a second synth over the same folder, group-readable: replaced files change mode too
    assert main(["synth", "--out", str(synth), "--patients", "5", "--seed", "1",
                 "--group-readable"]) == 0
    assert {_mode(path) for path in synth.iterdir()} == {0o640}

    imported = tmp_path / "import"
    assert main(["import", "cbioportal", str(STUDY), "--out", str(imported)]) == 0
    assert _mode(imported) == 0o700
    assert {_mode(path) for path in imported.iterdir()} == {0o600}
    assert "calcomics_import.json" in _names(imported)
    monkeypatch.setenv("CALCOMICS_GROUP_READABLE", "1")
    assert main(["import", "cbioportal", str(STUDY), "--out", str(imported), "--force"]) == 0
    assert {_mode(path) for path in imported.iterdir()} == {0o640}

    monkeypatch.setenv("CALCOMICS_GROUP_READABLE", "maybe")
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["synth", "--out", str(tmp_path / "other"), "--patients", "5"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "CALCOMICS_GROUP_READABLE='maybe': use 1 (files readable by the owning group) or 0 "
        "(owner only, the default)\n")
    assert not (tmp_path / "other").exists()
