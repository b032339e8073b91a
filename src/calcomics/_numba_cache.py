"""Where numba keeps the machine code of the compiled kernels (GSVA, GSEA, two-stage test).

Every kernel is compiled with ``cache=True``: the first process on a machine compiles it
(GSVA ~20 s, ssGSEA ~4 s, the two-stage test ~3 s) and writes the result to the cache
folder; later processes (every ``calcomics build``, each dbt Python model) load it instead.
numba reads the folder from ``NUMBA_CACHE_DIR`` once, when it is first imported, so this is
applied by ``import calcomics`` before any kernel module imports numba.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

NUMBA_CACHE_VARIABLE = "NUMBA_CACHE_DIR"


def default_numba_cache_dir(environment: MutableMapping[str, str]) -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/calcomics/numba``, with
    ``XDG_CACHE_HOME`` defaulting to ``~/.cache`` (the freedesktop convention).

    Parameters
    ----------
    environment
        Process environment to read ``XDG_CACHE_HOME`` and ``HOME`` from.

    Returns
    -------
    Path
        The folder (not created here; numba creates it on first write).
    """
    base = environment.get("XDG_CACHE_HOME") or str(
        Path(environment.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "calcomics" / "numba"


def configure_numba_cache(environment: MutableMapping[str, str] | None = None) -> str:
    """Set ``NUMBA_CACHE_DIR`` to :func:`default_numba_cache_dir` unless it is already set.

    Parameters
    ----------
    environment
        Environment to update (default ``os.environ``; the dbt child inherits it).

    Returns
    -------
    str
        The cache folder in force (a user's own ``NUMBA_CACHE_DIR`` wins).
    """
    environment = os.environ if environment is None else environment
    if not environment.get(NUMBA_CACHE_VARIABLE):
        environment[NUMBA_CACHE_VARIABLE] = str(default_numba_cache_dir(environment))
    return environment[NUMBA_CACHE_VARIABLE]
