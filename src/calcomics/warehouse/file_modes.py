"""Patient data at rest: what calcomics writes is readable by its owner only.

The warehouse, its ``.building`` file, the lock, the dbt target folder of a build and the raw
files written by ``calcomics synth`` / ``calcomics import`` are created under a umask of
``077`` (files ``0600``, folders ``0700``; the dbt and DuckDB children inherit it) and the
files calcomics publishes are ``chmod``-ed to that mode explicitly, so a replaced file never
keeps looser bits. Asking for a group (``--group-readable`` or ``CALCOMICS_GROUP_READABLE=1``)
gives the owning group read access: files ``0640``, folders ``0750`` (umask ``027``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GROUP_READABLE_ENV = "CALCOMICS_GROUP_READABLE"
"""Environment variable: ``1``/``true``/``yes`` gives the owning group read access."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class FileModes:
    """Permission bits of what calcomics creates."""

    file: int
    directory: int
    umask: int


OWNER_ONLY = FileModes(file=0o600, directory=0o700, umask=0o077)
GROUP_READABLE = FileModes(file=0o640, directory=0o750, umask=0o027)


def file_modes(group_readable: bool | None = None) -> FileModes:
    """The modes to write with: ``group_readable`` if given, else from the environment.

    Raises
    ------
    ValueError
        ``CALCOMICS_GROUP_READABLE`` holds something other than a yes / no value.
    """
    if group_readable is None:
        text = os.environ.get(GROUP_READABLE_ENV, "").strip().lower()
        if text not in _TRUE | _FALSE:
            raise ValueError(
                f"{GROUP_READABLE_ENV}={os.environ[GROUP_READABLE_ENV]!r}: use 1 (files "
                "readable by the owning group) or 0 (owner only, the default)"
            )
        group_readable = text in _TRUE
    return GROUP_READABLE if group_readable else OWNER_ONLY


@contextlib.contextmanager
def creation_umask(modes: FileModes) -> Iterator[None]:
    """Create files with ``modes`` (process umask, inherited by child processes) while the
    block runs; the previous umask is restored after."""
    previous = os.umask(modes.umask)
    try:
        yield
    finally:
        os.umask(previous)


def restrict(paths: Iterable[Path], modes: FileModes) -> None:
    """Set ``modes`` on ``paths`` (files get ``modes.file``, folders ``modes.directory``)."""
    for path in paths:
        path = Path(path)
        os.chmod(path, modes.directory if path.is_dir() else modes.file)


__all__ = [
    "GROUP_READABLE",
    "GROUP_READABLE_ENV",
    "OWNER_ONLY",
    "FileModes",
    "creation_umask",
    "file_modes",
    "restrict",
]
