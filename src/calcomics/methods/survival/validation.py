"""Survival-input validation: split usable rows from excluded ones, reject broken rows.

:func:`validate_survival_data` is the entry point for tables (clinical files, warehouse
frames); :func:`check_survival_arrays` is the same rule set for the array arguments of
:func:`~calcomics.methods.survival.kaplan_meier`,
:func:`~calcomics.methods.survival.logrank_test` and
:func:`~calcomics.methods.survival.two_stage_test`.

Rules (each failure is one line of a :class:`SurvivalDataError`, naming the source, the
column or argument, the rule and the offending rows with their values):

* time: numeric, finite, ``>= 0`` (R ``Surv`` accepts negative times; survival times of
  patients cannot be negative, so they are an input error here);
* event: 0 or 1; booleans and numeric strings ``"0"``/``"1"`` are accepted;
* time and event: both present, or both missing.  A row with *both* missing is a patient
  without recorded follow-up: it is not an error but is returned in ``excluded`` with
  ``exclusion_reason = "no follow-up recorded"`` (never silently dropped), so a table can
  count it.  A row with only one of the two is an inconsistent record and is an error;
* group: not missing (NaN, None or a blank string) and, when ``allowed_groups`` is given, one
  of them (an unknown label is reported with its value);
* id column (optional): not missing and unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "NO_FOLLOW_UP",
    "SurvivalDataError",
    "ValidatedSurvival",
    "check_survival_arrays",
    "validate_survival_data",
]

#: ``exclusion_reason`` of rows with neither a time nor an event.
NO_FOLLOW_UP = "no follow-up recorded"

#: Offending rows listed per rule before the listing is cut short.
_MAX_LISTED = 5


class SurvivalDataError(ValueError):
    """Unusable survival input.

    The message starts with the source; with one problem it is ``"<source>: <problem>"``,
    with several it is ``"<source>: <k> problems:"`` followed by one ``"  - <problem>"`` line
    each.  ``problems`` holds the problem texts, ``source`` the source name.
    """

    def __init__(self, source: str, problems: Sequence[str]):
        self.source = source
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = f"{source}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  - {problem}" for problem in self.problems)
            message = f"{source}: {len(self.problems)} problems:\n{lines}"
        super().__init__(message)


class ValidatedSurvival(NamedTuple):
    """Result of :func:`validate_survival_data` (unpacks as ``usable, excluded``)."""

    usable: pd.DataFrame
    excluded: pd.DataFrame


def _show(value: Any) -> str:
    """Short repr of one cell value (numpy scalars shown as plain Python values)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _listing(mask: np.ndarray, labels: Sequence[str], values: Sequence[Any] | None) -> str:
    """``"row 2 (-5.0), row 7 (-1.0)"`` for the rows flagged in ``mask`` (first few only)."""
    positions = np.flatnonzero(mask)
    parts = []
    for pos in positions[:_MAX_LISTED]:
        text = labels[pos]
        if values is not None:
            text += f" ({_show(values[pos])})"
        parts.append(text)
    if len(positions) > _MAX_LISTED:
        parts.append(f"... and {len(positions) - _MAX_LISTED} more")
    return ", ".join(parts)


def _is_missing(series: pd.Series) -> np.ndarray:
    """NaN / None / NA, plus blank strings."""
    missing = series.isna().to_numpy()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        blank = series.map(lambda v: isinstance(v, str) and v.strip() == "").to_numpy(bool)
        missing = missing | blank
    return missing


def _numeric(series: pd.Series) -> np.ndarray:
    """Float values; entries that are not numbers become NaN (booleans count as 0/1)."""
    if series.dtype == bool:
        return series.to_numpy(dtype=float)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


class _Checked(NamedTuple):
    problems: list[str]
    no_follow_up: np.ndarray
    time: np.ndarray
    event: np.ndarray


def _check(
    frame: pd.DataFrame,
    time_col: str,
    event_col: str,
    group_col: str | None,
    allowed_groups: Sequence[Any] | None,
    id_col: str | None,
    noun: str,
    labels: Sequence[str],
) -> _Checked:
    """Apply every rule; returns the problem lines and the cleaned time / event values."""
    problems: list[str] = []

    def flag(mask: np.ndarray, column: str, rule: str, values: Any = None) -> None:
        if mask.any():
            shown = None if values is None else list(values)
            problems.append(f"{noun} {column!r} {rule}: {_listing(mask, labels, shown)}")

    if id_col is not None:
        ids = frame[id_col]
        id_missing = _is_missing(ids)
        flag(id_missing, id_col, "must not be missing")
        duplicated = ids.duplicated(keep=False).to_numpy() & ~id_missing
        flag(duplicated, id_col, "must be unique", ids)

    raw_time, raw_event = frame[time_col], frame[event_col]
    time_missing, event_missing = _is_missing(raw_time), _is_missing(raw_event)
    no_follow_up = time_missing & event_missing
    flag(time_missing & ~event_missing, time_col,
         f"is missing while {noun} {event_col!r} is recorded", raw_event)
    flag(event_missing & ~time_missing, event_col,
         f"is missing while {noun} {time_col!r} is recorded", raw_time)

    time = _numeric(raw_time)
    present = ~time_missing
    not_numeric = present & np.isnan(time)
    flag(not_numeric, time_col, "must be numeric", raw_time)
    with np.errstate(invalid="ignore"):
        flag(present & np.isinf(time), time_col, "must be finite", time)
        flag(present & (time < 0), time_col, "must be >= 0", time)

    event_num = _numeric(raw_event)
    bad_event = ~event_missing & ~np.isin(event_num, (0.0, 1.0))
    flag(bad_event, event_col, "must be 0 or 1 (or boolean)", raw_event)
    event = np.where(event_num == 1.0, 1, 0).astype(np.int64)

    if group_col is not None:
        groups = frame[group_col]
        group_missing = _is_missing(groups)
        flag(group_missing, group_col, "must not be missing")
        if allowed_groups is not None:
            allowed = list(allowed_groups)
            unknown = ~group_missing & ~groups.isin(allowed).to_numpy()
            rule = "must be one of " + ", ".join(_show(g) for g in allowed)
            flag(unknown, group_col, rule, groups)

    return _Checked(problems, no_follow_up, time, event)


def validate_survival_data(
    frame: pd.DataFrame,
    time_col: str,
    event_col: str,
    group_col: str,
    allowed_groups: Sequence[str] | None = None,
    source: str = "survival data",
    id_col: str | None = None,
) -> ValidatedSurvival:
    """Check a survival table and split it into usable and excluded rows.

    Returns ``ValidatedSurvival(usable, excluded)``.  ``usable`` holds the rows with a time
    and an event, all columns kept (original index kept), ``time_col`` as float64 and
    ``event_col`` as int64 0/1.  ``excluded`` holds the rows with neither a time nor an event
    (original values) plus a column ``exclusion_reason`` (``"no follow-up recorded"``).

    Any broken rule (see the module docstring) raises :class:`SurvivalDataError`; all rules
    are checked first and reported together, one line each, naming ``source``, the column,
    the rule and up to five offending rows with their values.  Rows are named
    ``"row <k>"`` (1-based position among the data rows, header not counted) or, when
    ``id_col`` is given, ``"<id_col> <id>"``.
    """
    if not isinstance(frame, pd.DataFrame):
        kind = type(frame).__name__
        raise SurvivalDataError(source, [f"expected a pandas DataFrame, got {kind}"])
    wanted = [time_col, event_col, group_col] + ([id_col] if id_col is not None else [])
    absent = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if absent:
        names = ", ".join(repr(c) for c in absent)
        raise SurvivalDataError(
            source, [f"missing column(s) {names} (columns present: {list(frame.columns)})"]
        )
    if id_col is None:
        labels = [f"row {k}" for k in range(1, len(frame) + 1)]
    else:
        labels = [f"{id_col} {_show(v)}" for v in frame[id_col].tolist()]
    checked = _check(
        frame, time_col, event_col, group_col, allowed_groups, id_col, "column", labels
    )
    if checked.problems:
        raise SurvivalDataError(source, checked.problems)
    keep = ~checked.no_follow_up
    usable = frame.loc[keep].copy()
    usable[time_col] = checked.time[keep]
    usable[event_col] = checked.event[keep]
    excluded = frame.loc[checked.no_follow_up].copy()
    excluded["exclusion_reason"] = NO_FOLLOW_UP
    return ValidatedSurvival(usable, excluded)


def check_survival_arrays(
    function: str,
    time: Any,
    event: Any,
    group: Any = None,
    *,
    event_name: str = "event",
    allowed_groups: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate array arguments; returns ``(time float64, event int64 0/1, group or None)``.

    Same rules as :func:`validate_survival_data`, except that a missing time or event is
    always an error.  Messages start with ``"<function>()"`` and name the argument and the
    1-based element positions, e.g.
    ``"logrank_test(): argument 'time' must be >= 0: element 3 (-1.0)"``.
    """
    columns: dict[str, Any] = {}
    for name, values in (("time", time), (event_name, event), ("group", group)):
        if values is None:
            continue
        series = pd.Series(values) if not isinstance(values, pd.Series) else values
        if np.ndim(series) != 1:
            raise SurvivalDataError(f"{function}()", [f"argument {name!r} must be 1-D"])
        columns[name] = series.reset_index(drop=True)
    lengths = {name: len(s) for name, s in columns.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}={n}" for name, n in lengths.items())
        raise SurvivalDataError(f"{function}()", [f"arguments differ in length ({shown})"])
    frame = pd.DataFrame(columns)
    labels = [f"element {k}" for k in range(1, len(frame) + 1)]
    group_col = "group" if group is not None else None
    checked = _check(
        frame, "time", event_name, group_col, allowed_groups, None, "argument", labels
    )
    problems = list(checked.problems)
    if checked.no_follow_up.any():
        listed = _listing(checked.no_follow_up, labels, None)
        problems.append(f"arguments 'time' and {event_name!r} must not be missing: {listed}")
    if problems:
        raise SurvivalDataError(f"{function}()", problems)
    groups = frame["group"].to_numpy() if group is not None else None
    return checked.time, checked.event, groups
