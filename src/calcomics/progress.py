"""Progress of long Python steps (GSVA kernels, GSEA permutations, score collections).

Library functions take an optional ``progress`` callback ``(done, total) -> None`` and stay
free of I/O; the command line and the dbt Python models pass a :class:`ProgressBar`. On a
terminal the bar is redrawn in place; in a log (stderr not a terminal, e.g. inside
``calcomics build -q`` or CI) it prints one line per 25 % so logs stay short.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress", "ProgressBar", "no_progress"]

#: ``progress(done, total)``: ``done`` of ``total`` units finished.
Progress = Callable[[int, int], None]

_WIDTH = 24
_LOG_STEP_PCT = 25


def no_progress(done: int, total: int) -> None:
    """The default callback: report nothing."""


class ProgressBar:
    """A ``(done, total)`` callback drawing ``label [######......]  45 %  3/7 unit  12.3 s``.

    ``enabled=False`` (``-q``) draws nothing. The bar ends with a newline when ``done``
    reaches ``total``; :meth:`close` ends it early (e.g. after an error).
    """

    def __init__(self, label: str, unit: str = "", *, enabled: bool = True,
                 stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        # interactive=False: log lines even on a terminal (dbt runs Python models in
        # parallel threads, whose in-place bars would overwrite each other)
        self._interactive = (bool(getattr(self.stream, "isatty", lambda: False)())
                             if interactive is None else interactive)
        self._last_logged_pct = -_LOG_STEP_PCT
        self._open = False

    def line(self, done: int, total: int) -> str:
        """The text of the bar at ``done`` of ``total``."""
        fraction = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
        filled = round(fraction * _WIDTH)
        unit = f" {self.unit}" if self.unit else ""
        elapsed = time.perf_counter() - self.started
        return (f"{self.label} [{'#' * filled}{'.' * (_WIDTH - filled)}] "
                f"{fraction * 100:3.0f} %  {done}/{total}{unit}  {elapsed:.1f} s")

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        finished = done >= total
        if self._interactive:
            self.stream.write("\r" + self.line(done, total))
            self._open = not finished
            if finished:
                self.stream.write("\n")
        else:
            pct = 100 if finished else int(100 * done / max(total, 1))
            if pct - self._last_logged_pct < _LOG_STEP_PCT and not finished:
                return
            if finished and self._last_logged_pct == 100:
                return
            self._last_logged_pct = pct
            self.stream.write(self.line(done, total) + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End an unfinished bar's line (so the next message starts on its own line)."""
        if self.enabled and self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False
