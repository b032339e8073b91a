"""The main job: raw files → validation → ``dbt build`` into a fresh file → atomic swap.

The warehouse file readers use is replaced only after a fully successful build, with
``os.replace`` (atomic on one file system). A BI tool holding the old file open keeps reading
the old snapshot; a failed build leaves the previous warehouse untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from calcomics.validation.raw_files import RawDataError, validate_raw_dir


@dataclass(frozen=True)
class BuildResult:
    warehouse: Path
    seconds: float
    counts: dict[str, int]
    generated_demo: bool


class BuildError(RuntimeError):
    """dbt build failed; the previous warehouse (if any) is untouched."""


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


def default_warehouse(project_dir: Path) -> Path:
    return Path(os.environ.get("CALCOMICS_DUCKDB_PATH", project_dir / "warehouse.duckdb"))


def raw_dir_is_empty(raw_dir: Path) -> bool:
    return not raw_dir.exists() or not any(raw_dir.iterdir())


def dbt_executable() -> str:
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    args: list[str], project_dir: Path, raw_dir: Path, warehouse: Path, quiet: bool = False
) -> subprocess.CompletedProcess:
    """Run a dbt command against ``warehouse`` with ``raw_dir`` as the source folder."""
    env = {
        **os.environ,
        "CALCOMICS_RAW_DIR": str(Path(raw_dir).resolve()),
        "CALCOMICS_DUCKDB_PATH": str(Path(warehouse).resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "GX_ANALYTICS_ENABLED": "False",
    }
    command = [dbt_executable(), *args, "--project-dir", str(project_dir),
               "--profiles-dir", str(project_dir)]
    return subprocess.run(
        command, cwd=project_dir, env=env, text=True,
        capture_output=quiet, check=False,
    )


def _status_counts(project_dir: Path) -> dict[str, int]:
    results = json.loads((project_dir / "target" / "run_results.json").read_text())
    counts: dict[str, int] = {}
    for result in results["results"]:
        kind = result["unique_id"].split(".")[0]
        key = f"{kind}_{result['status']}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def build_warehouse(
    project_dir: Path,
    raw_dir: Path,
    warehouse: Path,
    *,
    demo_patients: int = 316,
    demo_seed: int = 0,
    quiet: bool = False,
    dbt_vars: dict[str, object] | None = None,
) -> BuildResult:
    """Generate the demo cohort if ``raw_dir`` is empty, validate, build, swap atomically.

    ``dbt_vars`` overrides project variables (``dbt build --vars``), e.g.
    ``{"expression_scale": "counts"}`` for a raw read-count matrix.
    """
    started = time.perf_counter()
    generated = False
    if raw_dir_is_empty(raw_dir):
        from calcomics.synth.cohort import generate_cohort, write_cohort

        write_cohort(generate_cohort(demo_patients, demo_seed), raw_dir)
        generated = True

    report = validate_raw_dir(raw_dir)
    if not report.ok:
        raise RawDataError(report)

    warehouse = Path(warehouse).resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    building = warehouse.with_name(warehouse.name + ".building")
    for stale in (building, building.with_name(building.name + ".wal")):
        stale.unlink(missing_ok=True)
    args = ["build"] + (["--vars", json.dumps(dbt_vars)] if dbt_vars else [])
    process = run_dbt(args, project_dir, raw_dir, building, quiet=quiet)
    if process.returncode != 0:
        building.unlink(missing_ok=True)
        detail = (process.stdout or "")[-4000:] if quiet else ""
        raise BuildError(
            f"dbt build failed (exit {process.returncode}); {warehouse} was not changed.\n{detail}"
        )
    os.replace(building, warehouse)
    return BuildResult(
        warehouse=warehouse,
        seconds=time.perf_counter() - started,
        counts=_status_counts(project_dir),
        generated_demo=generated,
    )


__all__ = ["BuildError", "BuildResult", "build_warehouse", "find_project_dir"]
