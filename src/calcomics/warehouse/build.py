"""The main job: raw files → validation → ``dbt build`` into a fresh file → atomic swap.

The warehouse file readers use is replaced only after a fully successful build, with
``os.replace`` (atomic on one file system). A BI tool holding the old file open keeps reading
the old snapshot; a failed build leaves the previous warehouse untouched.

Demo data is explicit: the demo cohort is generated only when asked (``demo=True``) or when
no raw folder was configured and the default one is empty (``generate_if_empty=True``). The
generator leaves ``calcomics_demo.json``
(:data:`calcomics.warehouse.raw_layout.DEMO_MARKER`) with the
SHA-256 of every file it wrote, so a folder counts as synthetic only while those files are
unchanged. Every warehouse records its build in the ``meta_build`` mart; a warehouse built
from real data is never replaced by a synthetic build unless ``demo=True``.

One build at a time per warehouse: an exclusive OS lock on ``<warehouse>.lock`` is held for
the whole build, so a leftover ``.building`` file found while holding it is provably stale.
SIGTERM / SIGINT stop the dbt child, remove the half-built file and raise
:class:`BuildInterruptedError`; the dbt child also receives SIGTERM if the build process
dies (Linux ``PR_SET_PDEATHSIG``), so it never outlives the build.

Operating-system failures end the build as :class:`OSError` naming the path: an unwritable
warehouse folder is found before validation (a nameless file is created there up front); a
full disk, an unwritable or read-only file system that DuckDB reports from
inside dbt (``Could not write file "…": No space left on device``) is raised as the same
``OSError`` instead of a generic dbt failure.

Everything a build writes (the warehouse, ``.building``, the lock, the dbt target folder) is
owner-only unless a group is asked for (:mod:`calcomics.warehouse.file_modes`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from calcomics import __version__
from calcomics.warehouse.file_modes import FileModes, creation_umask, file_modes, restrict
from calcomics.warehouse.raw_layout import DEMO_MARKER, raw_file_environment
from calcomics.warehouse.validation.raw_files import RawDataError, validate_raw_dir

DEMO_GENERATOR = "calcomics.synth"
"""Name recorded in the demo marker (and in ``meta_build.demo_generator``)."""

STORAGE_COMPATIBILITY_VERSION = "v1.4.0"
"""DuckDB storage format the warehouse file is written in (``storage_compatibility_version``).

The newest format DuckDB 1.4 reads (file header version 67), so the DuckDB 1.x CLI and the
JDBC / ODBC drivers of BI tools open the file; DuckDB 2.x's default (``'latest'``, header
999) they refuse. ``CALCOMICS_DUCKDB_STORAGE_VERSION`` overrides it (e.g. ``'v1.2.0'`` for
DuckDB 1.2 readers); profiles.yml has the same default for a direct ``dbt build``.
"""

_DEMO_HINT = (
    "run `calcomics build --demo` to build the demo cohort instead "
    "(or `calcomics synth --out DIR` to write it somewhere)"
)


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    seconds: float
    counts: dict[str, int]
    generated_demo: bool
    synthetic: bool


class BuildError(RuntimeError):
    """dbt build failed; the previous warehouse (if any) is untouched."""


class BuildRefusedError(RuntimeError):
    """The build was not started: missing raw folder, or it would overwrite real data."""


class BuildLockedError(RuntimeError):
    """Another build of the same warehouse is running; nothing was done."""


class BuildInterruptedError(RuntimeError):
    """SIGTERM / SIGINT ended the build; the previous warehouse is untouched."""

    def __init__(self, signum: int, warehouse: Path):
        self.signum = signum
        super().__init__(
            f"build of {warehouse} stopped by {signal.Signals(signum).name}; the half-built "
            "file was removed and the previous warehouse (if any) is untouched"
        )


SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")


def check_warehouse_name(warehouse: Path) -> None:
    """The warehouse file name becomes a SQL catalog name inside dbt-duckdb, which does not
    escape quotes in it; refuse such a name up front (the folder may hold any character)."""
    if not SAFE_FILE_NAME.fullmatch(warehouse.name):
        raise BuildRefusedError(
            f"warehouse file name {warehouse.name!r} must use only letters, digits, '_', '-' "
            "and '.' (dbt-duckdb uses it as a SQL name); the folder may be named freely"
        )


@contextlib.contextmanager
def exclusive_build_lock(warehouse: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking OS lock on ``<warehouse>.lock`` (who holds it is
    written into the file). The lock goes with the process, so a crashed build never leaves
    a stale lock; the small lock file itself is kept (removing it would race)."""
    lock_path = warehouse.with_name(warehouse.name + ".lock")
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 200).decode("utf-8", "replace").strip() or "unknown"
            raise BuildLockedError(
                f"another build of {warehouse} is running ({holder}); wait for it to finish "
                "or stop it, then build again"
            ) from None
        started = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"pid {os.getpid()}, started {started}".encode())
        except OSError as error:  # e.g. a full disk: name the file
            raise OSError(error.errno, error.strerror, str(lock_path)) from error
        yield
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def signals_interrupt_build(warehouse: Path) -> Iterator[None]:
    """Turn SIGTERM and SIGINT into :class:`BuildInterruptedError` while the build runs (main
    thread only: Python delivers signals there), restoring the previous handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, _frame: object) -> None:
        raise BuildInterruptedError(signum, warehouse)

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _die_with_parent() -> None:
    """In the dbt child (before exec): receive SIGTERM when the build process dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _fsync_directory(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX: fsync the directory)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def find_project_dir(start: Path | None = None) -> Path:
    """The folder holding dbt_project.yml: ``start`` (default cwd) or one of its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    raise FileNotFoundError(
        f"no dbt_project.yml in {here} or its parents; run inside the calcomics checkout "
        "or pass --project-dir"
    )


def default_raw_dir(project_dir: Path) -> Path:
    return Path(os.environ.get("CALCOMICS_RAW_DIR", project_dir / "data" / "raw"))


def raw_dir_is_configured(raw_dir_option: str | None) -> bool:
    """Whether the user named a raw folder (``--raw-dir`` or ``CALCOMICS_RAW_DIR``)."""
    return bool(raw_dir_option) or bool(os.environ.get("CALCOMICS_RAW_DIR"))


def storage_compatibility_version() -> str:
    """The storage version builds write: ``CALCOMICS_DUCKDB_STORAGE_VERSION`` when set, else
    :data:`STORAGE_COMPATIBILITY_VERSION`."""
    return os.environ.get("CALCOMICS_DUCKDB_STORAGE_VERSION") or STORAGE_COMPATIBILITY_VERSION


def default_warehouse(project_dir: Path) -> Path:
    return Path(os.environ.get("CALCOMICS_DUCKDB_PATH", project_dir / "warehouse.duckdb"))


def raw_dir_is_empty(raw_dir: Path) -> bool:
    return not raw_dir.exists() or not any(raw_dir.iterdir())


# --- demo cohort provenance --------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_demo_marker(
    raw_dir: Path, paths: Iterable[Path], patients: int, seed: int
) -> Path:
    """Record in ``raw_dir`` that ``paths`` are the demo cohort of ``patients`` / ``seed``."""
    marker = {
        "generator": DEMO_GENERATOR,
        "generator_version": __version__,
        "patients": int(patients),
        "seed": int(seed),
        "files": {Path(path).name: file_sha256(Path(path)) for path in paths},
    }
    target = Path(raw_dir) / DEMO_MARKER
    target.write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n")
    return target


def write_demo_cohort(
    raw_dir: Path, patients: int, seed: int, modes: FileModes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Path]:
    """Generate the demo cohort into ``raw_dir`` and record its provenance there.

    Returns the written raw files by table name (the marker is written last, so an
    interrupted write leaves a folder that does not count as synthetic). Files and a created
    ``raw_dir`` get ``modes`` (default :func:`~calcomics.warehouse.file_modes.file_modes`:
    owner-only unless ``CALCOMICS_GROUP_READABLE``), also when they replace older files.
    ``progress(done, total)`` counts the layers drawn, then the files written.
    """
    from calcomics.synth.cohort import (
        GENERATION_STEPS,
        WRITING_STEPS,
        generate_cohort,
        write_cohort,
    )

    modes = modes or file_modes()
    raw_dir = Path(raw_dir)
    created = not raw_dir.exists()
    (raw_dir / DEMO_MARKER).unlink(missing_ok=True)
    with creation_umask(modes):
        total = GENERATION_STEPS + WRITING_STEPS
        report = progress or (lambda done, total: None)
        cohort = generate_cohort(patients, seed, lambda done, _: report(done, total))
        paths = write_cohort(cohort, raw_dir,
                             lambda done, _: report(GENERATION_STEPS + done, total))
        restrict(paths.values(), modes)
        marker = write_demo_marker(raw_dir, paths.values(), patients, seed)
    restrict([marker, raw_dir] if created else [marker], modes)
    return paths


def read_demo_marker(raw_dir: Path) -> dict | None:
    """The demo marker of ``raw_dir``, or None when there is none (or it is unreadable)."""
    path = Path(raw_dir) / DEMO_MARKER
    if not path.is_file():
        return None
    try:
        marker = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) and isinstance(marker.get("files"), dict) else None


def raw_dir_is_synthetic(raw_dir: Path) -> bool:
    """True when ``raw_dir`` holds an unchanged demo cohort (every file the marker lists is
    present with the SHA-256 it records). The meta_build mart applies the same rule."""
    marker = read_demo_marker(raw_dir)
    if marker is None or not marker["files"]:
        return False
    for name, digest in marker["files"].items():
        path = Path(raw_dir) / name
        if not path.is_file() or file_sha256(path) != digest:
            return False
    return True


def warehouse_data_origin(warehouse: Path) -> str | None:
    """``'synthetic'`` / ``'real'`` as the warehouse's meta_build records it; ``'unknown'``
    when the file has no readable meta_build; None when the file does not exist."""
    import duckdb

    if not Path(warehouse).exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            row = connection.execute("select data_origin from meta_build limit 1").fetchone()
    except duckdb.Error:
        return "unknown"
    return str(row[0]) if row else "unknown"


def prepare_raw_dir(
    raw_dir: Path,
    *,
    demo: bool,
    generate_if_empty: bool,
    demo_patients: int,
    demo_seed: int,
) -> bool:
    """Make sure ``raw_dir`` holds raw files; returns whether the demo cohort was generated.

    ``demo``: write the demo cohort unless the folder already holds the same unchanged demo;
    a folder holding other files is never overwritten. Otherwise a missing or empty folder is
    an error, unless ``generate_if_empty`` (no raw folder was configured at all).
    """
    raw_dir = Path(raw_dir)
    if demo:
        if not raw_dir_is_empty(raw_dir):
            marker = read_demo_marker(raw_dir)
            if marker is None or not raw_dir_is_synthetic(raw_dir):
                raise BuildRefusedError(
                    f"--demo: {raw_dir} holds files that are not an unchanged calcomics demo "
                    "cohort; refusing to overwrite them. Name an empty folder for the demo "
                    "with --raw-dir."
                )
            if (marker.get("patients"), marker.get("seed")) == (demo_patients, demo_seed):
                return False
        write_demo_cohort(raw_dir, demo_patients, demo_seed)
        return True
    if not raw_dir_is_empty(raw_dir):
        return False
    if generate_if_empty:
        write_demo_cohort(raw_dir, demo_patients, demo_seed)
        return True
    state = "does not exist" if not raw_dir.exists() else "is empty"
    raise BuildRefusedError(
        f"Raw-data folder {raw_dir} {state}: put your raw files there (see README, "
        f"'Using your own raw files'), or {_DEMO_HINT}."
    )


def check_not_replacing_real(warehouse: Path, *, synthetic: bool, demo: bool) -> None:
    """Refuse a synthetic build over a warehouse built from real (or unrecorded) data."""
    if not synthetic or demo:
        return
    origin = warehouse_data_origin(warehouse)
    if origin in (None, "synthetic"):
        return
    what = "real data" if origin == "real" else "data it does not record as synthetic"
    raise BuildRefusedError(
        f"{warehouse} was built from {what} (meta_build.data_origin = {origin!r}); this build "
        "reads a synthetic demo cohort and would replace it. Pass --demo to replace it "
        "anyway, or --warehouse to build the demo into another file."
    )


# --- dbt ---------------------------------------------------------------------------------


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def git_commit(project_dir: Path) -> str | None:
    """HEAD of the checkout (``-dirty`` when tracked files differ from it); None without git."""
    try:
        head = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=False,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "-C", str(project_dir), "diff", "--quiet", "HEAD", "--"],
            capture_output=True, check=False,
        )
    except OSError:
        return None
    return head.stdout.strip() + ("-dirty" if dirty.returncode == 1 else "")


def run_dbt(
    args: list[str],
    project_dir: Path,
    raw_dir: Path,
    warehouse: Path,
    quiet: bool = False,
    target_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run a dbt command against ``warehouse`` with ``raw_dir`` as the source folder.

    ``target_path`` (default the project's ``target/``) holds the manifest, run results and
    partial-parse state, and the dbt log; give each concurrent run its own.
    """
    env = {
        **os.environ,
        **(extra_env or {}),
        **raw_file_environment(raw_dir),
        "CALCOMICS_RAW_DIR": str(Path(raw_dir).resolve()),
        "CALCOMICS_DUCKDB_PATH": str(Path(warehouse).resolve()),
        "CALCOMICS_DUCKDB_STORAGE_VERSION": storage_compatibility_version(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "False",
    }
    command = [dbt_executable(), *args, "--project-dir", str(project_dir),
               "--profiles-dir", str(project_dir)]
    if target_path is not None:
        target = Path(target_path).resolve()
        command += ["--target-path", str(target), "--log-path", str(target / "logs")]
    return subprocess.run(
        command, cwd=project_dir, env=env, text=True,
        capture_output=quiet, check=False, preexec_fn=_die_with_parent,
    )


def default_target_path(project_dir: Path, warehouse: Path) -> Path:
    """The dbt target folder of builds of ``warehouse``: one per warehouse file, so builds of
    different warehouses can run at once and a rebuild reuses its partial-parse state (the
    profile, whose path is ``<warehouse>.building``, is the same on every rebuild)."""
    resolved = Path(warehouse).resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return Path(project_dir) / "target" / "builds" / f"{resolved.name}-{tag}"


# Operating-system errors DuckDB reports inside dbt, most specific first: a full disk also
# makes later writes fail in other ways, so it is named whenever it appears.
_DBT_OS_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)


def os_error_in_dbt_output(texts: Iterable[str], default_path: Path) -> OSError | None:
    """The operating-system error behind a failed dbt run, or None when there is none.

    DuckDB words them ``Could not write file "PATH": No space left on device`` (C library
    wording, :func:`os.strerror`); the quoted path is the error's ``filename``, else
    ``default_path``. Checked: no space (``ENOSPC``), quota (``EDQUOT``), read-only file
    system (``EROFS``), permission denied (``EACCES``, only with a quoted path).
    """
    texts = [text for text in texts if text]
    for number in _DBT_OS_ERRORS:
        reason = os.strerror(number)
        quoted = re.compile(r'"([^"\n]+)": ' + re.escape(reason))
        for text in texts:
            found = quoted.search(text)
            if found:
                return OSError(number, reason, found.group(1))
        if number != errno.EACCES and any(reason in text for text in texts):
            return OSError(number, reason, str(default_path))
    return None


def _dbt_failure_texts(target: Path, log_offset: int, stdout: str | None) -> list[str]:
    """What a failed dbt run said: its run results' messages (the file is removed before each
    run, so one present is this run's), its log from ``log_offset`` on, its captured output."""
    texts = [stdout or ""]
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        results = json.loads((target / "run_results.json").read_text())
        texts += [str(result.get("message") or "") for result in results["results"]]
    with contextlib.suppress(OSError):
        with (target / "logs" / "dbt.log").open("rb") as log:
            # a log rotated during the run is read from its start
            log.seek(log_offset if log_offset <= os.fstat(log.fileno()).st_size else 0)
            texts.append(log.read().decode("utf-8", "replace"))
    return texts


def _log_size(target: Path) -> int:
    try:
        return (target / "logs" / "dbt.log").stat().st_size
    except OSError:
        return 0


def _status_counts(target_path: Path) -> dict[str, int]:
    results = json.loads((Path(target_path) / "run_results.json").read_text())
    counts: dict[str, int] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        key = f"{kind}_{result['status']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def _remove_leftovers(building: Path) -> None:
    """Remove a build's half-built file, its DuckDB write-ahead log and spill folder."""
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(building.with_name(building.name + ".tmp"), ignore_errors=True)


def _record_finish(building: Path) -> None:
    """Write the end time into the freshly built file's meta_build (before the swap), keeping
    the storage version dbt created the file with."""
    import duckdb

    finished = datetime.now(timezone.utc).replace(tzinfo=None)
    config = {"storage_compatibility_version": storage_compatibility_version()}
    try:
        with duckdb.connect(str(building), config=config) as connection:
            connection.execute("update meta_build set finished_at = ?", [finished])
            connection.execute("checkpoint")
    except duckdb.Error as error:
        os_error = os_error_in_dbt_output([str(error)], building.parent)
        if os_error is not None:
            raise os_error from error
        message = f"recording the end of the build in {building} failed: {error}"
        raise BuildError(message) from error


def build_warehouse(
    project_dir: Path,
    raw_dir: Path,
    warehouse: Path,
    *,
    demo: bool = False,
    generate_if_empty: bool = False,
    demo_patients: int = 316,
    demo_seed: int = 0,
    quiet: bool = False,
    dbt_vars: dict[str, object] | None = None,
    select: str | None = None,
    target_path: Path | None = None,
    group_readable: bool | None = None,
) -> BuildResult:
    """Prepare the raw folder, validate, ``dbt build`` into a fresh file, swap atomically.

    Parameters
    ----------
    demo
        Build the demo cohort (``demo_patients``, ``demo_seed``) in ``raw_dir``; also allows
        replacing a warehouse built from real data.
    generate_if_empty
        Generate the demo cohort when ``raw_dir`` is missing or empty (only when no raw folder
        was configured); otherwise a missing or empty ``raw_dir`` is an error.
    dbt_vars
        Project variables (``dbt build --vars``), e.g. ``{"expression_scale": "counts"}``.
    select
        dbt node selection, space-separated (e.g. ``"+fct_pam50_calls"``); ``meta_build``
        is always added, and only the tests whose every parent is selected run.
        Default: the whole project.
    target_path
        dbt target folder (run results, partial-parse state, log); default
        :func:`default_target_path` (one per warehouse file).
    group_readable
        Files the build writes readable by their group (``0640``, folders ``0750``) instead
        of owner-only (``0600`` / ``0700``); default: ``CALCOMICS_GROUP_READABLE``.

    Raises
    ------
    BuildRefusedError
        Missing / empty raw folder, real files where the demo would go, or a synthetic build
        that would replace a warehouse built from real data.
    RawDataError
        The raw files fail validation (nothing is written).
    BuildError
        dbt build failed (the previous warehouse is untouched).
    BuildLockedError
        Another build of the same warehouse holds its lock (nothing was done).
    BuildInterruptedError
        SIGTERM / SIGINT arrived (dbt stopped, half-built file removed).
    OSError
        A folder is missing, unreadable or not writable, or the disk is full (also when
        DuckDB reports it inside dbt); ``filename`` names the path. The previous warehouse
        is untouched.
    """
    started = time.perf_counter()
    project_dir = Path(project_dir).resolve()
    raw_dir = Path(raw_dir)
    warehouse = Path(warehouse).resolve()
    check_warehouse_name(warehouse)
    try:
        modes = file_modes(group_readable)
    except ValueError as error:
        raise BuildRefusedError(str(error)) from None
    with creation_umask(modes):
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with exclusive_build_lock(warehouse), signals_interrupt_build(warehouse):
            return _locked_build(
                project_dir, raw_dir, warehouse, started=started, demo=demo,
                generate_if_empty=generate_if_empty, demo_patients=demo_patients,
                demo_seed=demo_seed, quiet=quiet, dbt_vars=dbt_vars, select=select,
                target_path=target_path, modes=modes,
            )


def _step(message: str, started: float, quiet: bool) -> None:
    """One progress line (what runs now, seconds since the build started) on stdout, where
    dbt's own progress goes; stderr keeps only what went wrong."""
    if not quiet:
        print(f"[{time.perf_counter() - started:6.1f} s] {message}", flush=True)


def _locked_build(
    project_dir: Path,
    raw_dir: Path,
    warehouse: Path,
    *,
    started: float,
    demo: bool,
    generate_if_empty: bool,
    demo_patients: int,
    demo_seed: int,
    quiet: bool,
    dbt_vars: dict[str, object] | None,
    select: str | None,
    target_path: Path | None,
    modes: FileModes,
) -> BuildResult:
    """:func:`build_warehouse` once the warehouse lock is held (and the umask set)."""
    building = warehouse.with_name(warehouse.name + ".building")
    # We hold the warehouse lock: a .building file now is a crashed build's, never a live one.
    _remove_leftovers(building)
    # An unwritable warehouse folder fails here, before validation and dbt, naming the file
    # the build would create (the probe is nameless on Linux: O_TMPFILE).
    try:
        with tempfile.TemporaryFile(dir=warehouse.parent):
            pass
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(building)) from error

    generated = prepare_raw_dir(
        raw_dir, demo=demo, generate_if_empty=generate_if_empty,
        demo_patients=demo_patients, demo_seed=demo_seed,
    )
    synthetic = raw_dir_is_synthetic(raw_dir)
    check_not_replacing_real(warehouse, synthetic=synthetic, demo=demo)

    # The project's own _raw__sources.yml holds the rules dbt tests, so an edit there takes
    # effect in validation at once.
    _step(f"validating the raw files in {raw_dir}", started, quiet)
    report = validate_raw_dir(
        raw_dir, project_dir, expression_scale=(dbt_vars or {}).get("expression_scale")
    )
    if not report.ok:
        raise RawDataError(report)
    _step(report.summary().replace("\n", "\n    "), started, quiet)

    target = Path(target_path or default_target_path(project_dir, warehouse)).resolve()
    # dbt's run results and log can quote patient data (failing values, tracebacks).
    target.mkdir(parents=True, exist_ok=True)
    restrict([target], modes)
    (target / "run_results.json").unlink(missing_ok=True)  # one present after dbt is its own
    log_offset = _log_size(target)
    args = ["build"]
    if select:
        # cautious: only the tests whose every parent is selected (a relationships test to
        # an unselected model would fail on the missing table).
        args += ["--select", *select.split(), "meta_build", "--indirect-selection", "cautious"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    commit = git_commit(project_dir)
    _step(f"dbt build into {building.name} (dbt parses the project, then prints each node)",
          started, quiet)
    try:
        process = run_dbt(
            args, project_dir, raw_dir, building, quiet=quiet, target_path=target,
            extra_env={"CALCOMICS_GIT_COMMIT": commit or ""},
        )
        if process.returncode != 0:
            texts = _dbt_failure_texts(target, log_offset, process.stdout)
            os_error = os_error_in_dbt_output(texts, warehouse.parent)
            if os_error is not None:
                raise os_error
            detail = (process.stdout or "")[-4000:] if quiet else ""
            raise BuildError(
                f"dbt build failed (exit {process.returncode}); {warehouse} was not changed."
                f"\n{detail}"
            )
        _record_finish(building)
        restrict([building], modes)
        os.replace(building, warehouse)
    except BaseException:
        # Failed, interrupted (subprocess.run has killed dbt) or crashed: never publish, and
        # leave nothing behind.
        _remove_leftovers(building)
        raise
    try:
        _fsync_directory(warehouse.parent)
    except OSError as error:  # published already: not an "untouched" failure
        raise BuildError(
            f"{warehouse} was built and swapped in, but syncing its folder failed ({error}); "
            "after a power loss the previous file could come back"
        ) from error
    return BuildResult(
        warehouse=warehouse,
        seconds=time.perf_counter() - started,
        counts=_status_counts(target),
        generated_demo=generated,
        synthetic=synthetic,
    )


__all__ = [
    "STORAGE_COMPATIBILITY_VERSION",
    "BuildError",
    "BuildInterruptedError",
    "BuildLockedError",
    "BuildRefusedError",
    "BuildResult",
    "build_warehouse",
    "find_project_dir",
    "raw_dir_is_synthetic",
    "storage_compatibility_version",
    "write_demo_cohort",
    "write_demo_marker",
]
