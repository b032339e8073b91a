"""calcomics: a DuckDB + dbt warehouse for the mammographic-calcification multi-omics study."""

from calcomics._numba_cache import configure_numba_cache

__version__ = "0.1.0"

# Before any kernel module imports numba: compiled kernels are cached per user
# (NUMBA_CACHE_DIR, default ~/.cache/calcomics/numba), so only a machine's first process
# compiles them.
configure_numba_cache()
