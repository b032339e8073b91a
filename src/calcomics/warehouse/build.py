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

dbt parses the project once for all builds (issue 12): it runs in a working folder next to
the file (:func:`dbt_workspace`) where the profile's path is a constant name and the raw files
are read through a constant link, and the partial-parse state of the last run with the same
vars is shared through the project's ``target/partial_parse/`` (:func:`partial_parse_cache`).
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
from glob import escape as glob_escape
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


DBT_DATABASE_NAME = "warehouse.duckdb"
"""The name dbt opens the database file by: ``CALCOMICS_DUCKDB_PATH`` (the profile's ``path``)
as dbt renders it on every run, relative to dbt's working folder (:func:`dbt_workspace`).

dbt keeps its partial-parse state only while the rendered profile is unchanged; a profile
naming each run's file would make every build of a new warehouse parse the whole project
again (~12 CPU s). With one name, a build into any warehouse reuses the parse of the last
build with the same vars (:func:`partial_parse_cache`). DuckDB names the catalog after it
(``warehouse``); models never write the catalog (warehouse/macros/relation_naming.sql).
"""

WORKSPACE_INFIX = ".dbt-"
"""dbt's working folder for a run on ``F`` is ``F.dbt-XXXXXXXX`` next to ``F``."""

WORKSPACE_RAW = "raw"
"""In dbt's working folder: a symbolic link to the run's raw folder, so the raw file paths
dbt reads (``CALCOMICS_RAW_FILE_<TABLE>``, in _raw__sources.yml) are the same strings for
every raw folder and dbt does not re-parse the sources and their tests for each one."""

PARSE_CACHE_FOLDER = "partial_parse"
"""Under the project's ``target/``: the latest partial-parse state per set of dbt vars."""


@dataclass(frozen=True)
class DbtWorkspace:
    """Where one dbt run works: ``folder`` (its cwd, next to ``database``) and the path the
    profile names (``profile_path``: :data:`DBT_DATABASE_NAME`, a hard link in ``folder`` to
    ``database``; the absolute ``database`` where the file system has no hard links)."""

    folder: Path
    database: Path
    profile_path: str

    @property
    def linked(self) -> bool:
        return self.profile_path == DBT_DATABASE_NAME

    @property
    def connect_path(self) -> Path:
        """The path to open the file by, so DuckDB finds the write-ahead log dbt left."""
        return self.folder / DBT_DATABASE_NAME if self.linked else self.database

    def real_path(self, path: str) -> str:
        """``path`` as DuckDB quoted it (the link's absolute path) named as the real file."""
        return str(self.database) if path == str(self.folder / DBT_DATABASE_NAME) else path


def _create_database(database: Path) -> None:
    """An empty DuckDB file in the build's storage version (DuckDB refuses an empty file, and
    a hard link needs the file to exist before dbt opens it)."""
    import duckdb

    config = {"storage_compatibility_version": storage_compatibility_version()}
    try:
        duckdb.connect(str(database), config=config).close()
    except duckdb.Error as error:
        os_error = os_error_in_dbt_output([str(error)], database.parent)
        if os_error is not None:
            raise os_error from error
        raise


@contextlib.contextmanager
def dbt_workspace(database: Path) -> Iterator[DbtWorkspace]:
    """A fresh folder ``<database>.dbt-XXXXXXXX`` next to ``database`` for one dbt run.

    It holds :data:`DBT_DATABASE_NAME`, a hard link to ``database`` (an empty DuckDB file is
    created first when there is none), so the profile renders the same path on every run.
    DuckDB keeps the write-ahead log and spill folder next to the name it opened, i.e. in
    the folder, on the warehouse's file system. Where hard links fail the profile names
    ``database`` itself (builds then parse anew). The folder (only a second name of the
    file, and what DuckDB left there) is removed on exit.
    """
    database = Path(database).resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=database.name + WORKSPACE_INFIX, dir=database.parent))
    try:
        if not database.exists():
            _create_database(database)
        try:
            os.link(database, folder / DBT_DATABASE_NAME)
            profile_path = DBT_DATABASE_NAME
        except OSError:
            profile_path = str(database)
        yield DbtWorkspace(folder=folder, database=database, profile_path=profile_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _checkpoint_leftover_wal(workspace: DbtWorkspace) -> None:
    """Fold a write-ahead log a killed dbt left in the workspace into the file (before the
    folder goes; next to the file DuckDB would have replayed it on the next open)."""
    import duckdb

    if workspace.linked and (workspace.folder / (DBT_DATABASE_NAME + ".wal")).exists():
        with contextlib.suppress(duckdb.Error):
            with duckdb.connect(str(workspace.connect_path)) as connection:
                connection.execute("checkpoint")


def workspace_raw_environment(raw_dir: Path, workspace: DbtWorkspace) -> dict[str, str]:
    """:func:`~calcomics.warehouse.raw_layout.raw_file_environment` with the files of
    ``raw_dir`` named through the workspace's :data:`WORKSPACE_RAW` link (``raw/clinical.csv``;
    the templates of absent layers keep their absolute paths); unchanged where the link
    cannot be made."""
    environment = raw_file_environment(raw_dir)
    raw_dir = Path(raw_dir).resolve()
    link = workspace.folder / WORKSPACE_RAW
    try:
        link.unlink(missing_ok=True)
        link.symlink_to(raw_dir, target_is_directory=True)
    except OSError:
        return environment
    return {
        name: f"{WORKSPACE_RAW}/{Path(path).name}" if Path(path).parent == raw_dir else path
        for name, path in environment.items()
    }


def _vars_argument(args: list[str]) -> str:
    """The ``--vars`` value of a dbt command line (``""`` when there is none)."""
    for index, arg in enumerate(args):
        if arg == "--vars" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--vars="):
            return arg.removeprefix("--vars=")
    return ""


def _target_argument(args: list[str]) -> str | None:
    """The ``--target-path`` value of a dbt command line, if it has one."""
    for index, arg in enumerate(args):
        if arg == "--target-path" and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith("--target-path="):
            return arg.removeprefix("--target-path=")
    return None


def partial_parse_cache(project_dir: Path, dbt_vars: str) -> Path:
    """The shared partial-parse state of runs with ``dbt_vars`` (a ``--vars`` value):
    ``target/partial_parse/<hash of the vars>.msgpack`` in the project.

    dbt rejects the state unless the vars, the rendered profile, dbt_project.yml and the dbt
    version match (then parses everything) and re-parses each file that changed or that
    reads an env var whose value changed (e.g. the raw file paths in _raw__sources.yml), so
    a stale or foreign copy costs a parse, never a wrong manifest. Vars spelled differently
    but equal (YAML / JSON, key order) share one file.
    """
    import yaml

    try:
        parsed = yaml.safe_load(dbt_vars) if dbt_vars else {}
        key = json.dumps(parsed, sort_keys=True, default=str)
    except yaml.YAMLError:
        key = dbt_vars
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(project_dir) / "target" / PARSE_CACHE_FOLDER / f"{digest}.msgpack"


def _file_state(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _copy_atomically(source: Path, destination: Path) -> None:
    """``destination`` becomes a copy of ``source`` (its mtime too) in one rename, so a
    concurrent reader sees the old or the new file, never a part."""
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=destination.name + ".",
                                             dir=destination.parent)
    os.close(descriptor)
    try:
        shutil.copy2(source, temporary)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def seed_partial_parse(cache: Path, target: Path) -> tuple[int, int] | None:
    """Before dbt: put the shared state ``cache`` into ``target`` when it is newer than the
    target's own (best effort). Returns the state (mtime, size) of the target's file."""
    own = target / "partial_parse.msgpack"
    shared, current = _file_state(cache), _file_state(own)
    if shared is not None and (current is None or shared[0] > current[0]):
        with contextlib.suppress(OSError):
            _copy_atomically(cache, own)
    return _file_state(own)


def publish_partial_parse(target: Path, cache: Path, before: tuple[int, int] | None) -> None:
    """After dbt parsed (the target's state changed since ``before``): make it the shared
    state for the next run with the same vars (atomic replace; the last writer wins)."""
    own = target / "partial_parse.msgpack"
    state = _file_state(own)
    if state is not None and state != before:
        with contextlib.suppress(OSError):
            _copy_atomically(own, cache)


def run_dbt(
    args: list[str],
    project_dir: Path,
    raw_dir: Path,
    warehouse: Path,
    quiet: bool = False,
    target_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
    workspace: DbtWorkspace | None = None,
) -> subprocess.CompletedProcess:
    """Run a dbt command against ``warehouse`` with ``raw_dir`` as the source folder.

    ``target_path`` (default the project's ``target/``) holds the manifest, run results and
    partial-parse state, and the dbt log; give each concurrent run its own. dbt runs in a
    :func:`dbt_workspace` of ``warehouse`` (``workspace``, else one made for this run), with
    the shared partial-parse state of its vars seeded into the target folder before and
    updated from it after (:func:`partial_parse_cache`). The raw files are named through the
    workspace (:func:`workspace_raw_environment`), the other paths dbt reads are absolute.
    """
    if workspace is None:
        with dbt_workspace(warehouse) as own_workspace:
            process = run_dbt(args, project_dir, raw_dir, warehouse, quiet, target_path,
                              extra_env, own_workspace)
            _checkpoint_leftover_wal(own_workspace)
            return process
    project_dir = Path(project_dir).resolve()
    reference_dir = project_dir / os.environ.get("CALCOMICS_REFERENCE_DIR",
                                                 "src/calcomics/data")
    env = {
        **os.environ,
        **(extra_env or {}),
        **workspace_raw_environment(raw_dir, workspace),
        "CALCOMICS_RAW_DIR": str(Path(raw_dir).resolve()),
        "CALCOMICS_REFERENCE_DIR": str(reference_dir),
        "CALCOMICS_DUCKDB_PATH": workspace.profile_path,
        # the file behind that name, for whoever inspects the process (tests/processes.py)
        "CALCOMICS_DUCKDB_FILE": str(workspace.database),
        "CALCOMICS_DUCKDB_STORAGE_VERSION": storage_compatibility_version(),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "False",
    }
    command = [dbt_executable(), *args, "--project-dir", str(project_dir),
               "--profiles-dir", str(project_dir)]
    target = Path(_target_argument(args) or project_dir / "target")
    if target_path is not None:
        target = Path(target_path).resolve()
        command += ["--target-path", str(target), "--log-path", str(target / "logs")]
    target = target if target.is_absolute() else project_dir / target
    cache = partial_parse_cache(project_dir, _vars_argument(args))
    before = seed_partial_parse(cache, target)
    process = subprocess.run(
        command, cwd=workspace.folder, env=env, text=True,
        capture_output=quiet, check=False, preexec_fn=_die_with_parent,
    )
    if process.returncode in (0, 1):  # dbt ran to its end (1: a node failed)
        publish_partial_parse(target, cache, before)
    return process


def default_target_path(project_dir: Path, warehouse: Path) -> Path:
    """The dbt target folder of builds of ``warehouse``: one per warehouse file, so builds of
    different warehouses can run at once (the partial-parse state they share is copied in
    and out, :func:`partial_parse_cache`)."""
    resolved = Path(warehouse).resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return Path(project_dir) / "target" / "builds" / f"{resolved.name}-{tag}"


# Operating-system errors DuckDB reports inside dbt, most specific first: a full disk also
# makes later writes fail in other ways, so it is named whenever it appears.
_DBT_OS_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)


def os_error_in_dbt_output(
    texts: Iterable[str], default_path: Path, workspace: DbtWorkspace | None = None
) -> OSError | None:
    """The operating-system error behind a failed dbt run, or None when there is none.

    DuckDB words them ``Could not write file "PATH": No space left on device`` (C library
    wording, :func:`os.strerror`); the quoted path is the error's ``filename``, else
    ``default_path``; dbt's name for the file in its ``workspace`` is given as the file.
    Checked: no space (``ENOSPC``), quota (``EDQUOT``), read-only file system (``EROFS``),
    permission denied (``EACCES``, only with a quoted path).
    """
    texts = [text for text in texts if text]
    for number in _DBT_OS_ERRORS:
        reason = os.strerror(number)
        quoted = re.compile(r'"([^"\n]+)": ' + re.escape(reason))
        for text in texts:
            found = quoted.search(text)
            if found:
                path = workspace.real_path(found.group(1)) if workspace else found.group(1)
                return OSError(number, reason, path)
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
    """Remove a build's half-built file, its DuckDB write-ahead log and spill folder, and
    dbt's working folders (:func:`dbt_workspace`; only called under the warehouse lock)."""
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(building.with_name(building.name + ".tmp"), ignore_errors=True)
    for workspace in building.parent.glob(glob_escape(building.name) + WORKSPACE_INFIX + "*"):
        shutil.rmtree(workspace, ignore_errors=True)


def _record_finish(workspace: DbtWorkspace) -> None:
    """Write the end time into the freshly built file's meta_build (before the swap), keeping
    the storage version dbt created the file with; opened by dbt's name for it, so a
    write-ahead log dbt left is replayed, and checkpointed (the file is then complete)."""
    import duckdb

    building = workspace.database
    finished = datetime.now(timezone.utc).replace(tzinfo=None)
    config = {"storage_compatibility_version": storage_compatibility_version()}
    try:
        with duckdb.connect(str(workspace.connect_path), config=config) as connection:
            connection.execute("update meta_build set finished_at = ?", [finished])
            connection.execute("checkpoint")
    except duckdb.Error as error:
        os_error = os_error_in_dbt_output([str(error)], building.parent, workspace)
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
        with dbt_workspace(building) as workspace:
            process = run_dbt(
                args, project_dir, raw_dir, building, quiet=quiet, target_path=target,
                extra_env={"CALCOMICS_GIT_COMMIT": commit or ""}, workspace=workspace,
            )
            if process.returncode != 0:
                texts = _dbt_failure_texts(target, log_offset, process.stdout)
                os_error = os_error_in_dbt_output(texts, warehouse.parent, workspace)
                if os_error is not None:
                    raise os_error
                detail = (process.stdout or "")[-4000:] if quiet else ""
                raise BuildError(
                    f"dbt build failed (exit {process.returncode}); {warehouse} was not "
                    f"changed.\n{detail}"
                )
            _record_finish(workspace)
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
