"""numba kernels are compiled once per machine: the cache folder is per user and
configurable (NUMBA_CACHE_DIR), and a second process loads the kernel from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from calcomics._numba_cache import configure_numba_cache, default_numba_cache_dir

# In a fresh process: import calcomics (which configures the cache), call one cached kernel
# and report numba's own cache statistics for it and the folder numba used.
CALL_KERNEL = """
import json
import numpy as np
import calcomics
import numba
from calcomics.methods.transcriptomics.gsea import _invert_order
order = np.array([[1, 0, 2]], dtype=np.int64)
keys = np.array([[2.0, 3.0, 1.0]])
ranks = np.zeros((1, 3), dtype=np.int64)
tied = _invert_order(order, keys, ranks)
stats = _invert_order.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values()),
                  "cache_dir": numba.config.CACHE_DIR, "ranks": ranks.tolist(),
                  "tied": tied.tolist()}))
"""


def _run_kernel(environment: dict[str, str]) -> dict:
    done = subprocess.run([sys.executable, "-c", CALL_KERNEL], env=environment,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_default_cache_dir_is_per_user_under_xdg_cache_home():
    assert default_numba_cache_dir({"XDG_CACHE_HOME": "/c", "HOME": "/h"}) == Path(
        "/c/calcomics/numba")
    assert default_numba_cache_dir({"HOME": "/h"}) == Path("/h/.cache/calcomics/numba")


def test_configure_sets_the_default_and_keeps_a_user_choice():
    environment = {"HOME": "/h"}
    assert configure_numba_cache(environment) == "/h/.cache/calcomics/numba"
    assert environment["NUMBA_CACHE_DIR"] == "/h/.cache/calcomics/numba"
    chosen = {"HOME": "/h", "NUMBA_CACHE_DIR": "/fast/disk/numba"}
    assert configure_numba_cache(chosen) == "/fast/disk/numba"


def test_second_process_loads_the_kernel_from_the_cache(tmp_path):
    """First process compiles and writes the cache under XDG_CACHE_HOME; the second one
    loads it (numba's cache hit counter), with the same result."""
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"),
                   "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = _run_kernel(environment)
    expected_dir = tmp_path / "cache" / "calcomics" / "numba"
    assert first["cache_dir"] == str(expected_dir)
    assert first["misses"] >= 1 and first["hits"] == 0
    assert list(expected_dir.rglob("*.nbi")) and list(expected_dir.rglob("*.nbc"))
    second = _run_kernel(environment)
    assert second["hits"] >= 1 and second["misses"] == 0
    assert second["ranks"] == first["ranks"] == [[1, 0, 2]]
    assert second["tied"] == [False]
