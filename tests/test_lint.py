"""Lint gates run inside the test suite: ruff (Python) and sqlfluff (dbt SQL, duckdb dialect)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


def test_ruff_is_clean():
    result = _run(str(BIN / "ruff"), "check", "src", "tests", "python_models", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlfluff_is_clean():
    result = _run(str(BIN / "sqlfluff"), "lint", "warehouse/models", "warehouse/tests", "analyses")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
