"""Helpers shared by the fault-injection tests (real processes, read from /proc)."""

from __future__ import annotations

from pathlib import Path


def dbt_processes_writing(building: Path) -> list[int]:
    """Live processes whose environment points dbt at ``building`` (``CALCOMICS_DUCKDB_FILE``:
    the profile's path is a constant name in dbt's working folder, a hard link to it)."""
    needle = f"CALCOMICS_DUCKDB_FILE={building}".encode()
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
