"""Helpers shared by the fault-injection tests (real processes, read from /proc)."""

from __future__ import annotations

from pathlib import Path


def dbt_processes_writing(building: Path) -> list[int]:
    """Live processes whose environment points dbt at ``building``."""
    needle = f"CALCOMICS_DUCKDB_PATH={building}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found
