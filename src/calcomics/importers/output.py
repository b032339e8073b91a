"""Write an adapter's frames into a raw folder: refuse overwrites, validate first, then move in.

The new files are written into a staging folder next to the existing raw files (which are
linked in beside them) and checked there by the same validation as ``calcomics build``
(:func:`calcomics.warehouse.validation.raw_files.validate_raw_dir`). Only when no rule is
broken are they moved into the raw folder (one ``os.replace`` per file), so bad input leaves
the folder as it was. A raw file that neither exists nor was imported is reported but does
not block the import: a folder is filled one format at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from calcomics.importers.common import ImportResult
from calcomics.warehouse.raw_layout import RAW_FILES
from calcomics.warehouse.validation.raw_files import (
    Failure,
    ValidationReport,
    validate_raw_dir,
)

IMPORT_RECORD = "calcomics_import.json"
SEPARATORS = {"clinical": ","}  # every other raw file is tab-separated


class ImportRefusedError(Exception):
    """The raw folder already holds a file the import would replace (and no ``--force``)."""


@dataclass(frozen=True)
class ImportOutcome:
    """What :func:`write_import` did."""

    written: tuple[Path, ...]  # empty when validation failed
    report: ValidationReport  # validation of the folder as it would be after the import
    blocking: tuple[Failure, ...]  # failures that stopped the import
    absent: tuple[str, ...]  # raw files neither present nor imported (not blocking)

    @property
    def ok(self) -> bool:
        return not self.blocking


def frame_to_text(frame: pd.DataFrame, key: str) -> str:
    """The raw file's text: header plus rows, empty cells empty, ``\\n`` line ends."""
    return frame.to_csv(sep=SEPARATORS.get(key, "\t"), index=False, lineterminator="\n",
                        na_rep="")


def existing_targets(result: ImportResult, out_dir: Path) -> list[Path]:
    """Raw files of ``result`` that already exist in ``out_dir``."""
    return [out_dir / RAW_FILES[key] for key in result.tables
            if (out_dir / RAW_FILES[key]).exists()]


def write_import(result: ImportResult, out_dir: Path, *, force: bool = False,
                 project_dir: Path | None = None, record: dict | None = None) -> ImportOutcome:
    """Validate the imported frames together with the folder's other raw files, then write.

    Parameters
    ----------
    result : ImportResult
        Frames keyed by raw-layout name.
    out_dir : Path
        Raw folder (created when missing).
    force : bool
        Replace raw files that already exist.
    project_dir : Path, optional
        dbt project whose rules validate (default: the packaged copy of the same rules).
    record : dict, optional
        Provenance of the import (format, inputs, options) appended to
        ``calcomics_import.json`` in the raw folder when the files are written.

    Raises
    ------
    ImportRefusedError
        A target file exists and ``force`` is false (nothing is written).
    """
    out_dir = Path(out_dir)
    clash = existing_targets(result, out_dir)
    if clash and not force:
        raise ImportRefusedError(
            f"{', '.join(str(p) for p in clash)} already exist(s); pass --force to replace "
            "(nothing was written)"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".calcomics-import-", dir=out_dir))
    try:
        for key, frame in result.tables.items():
            (staging / RAW_FILES[key]).write_text(frame_to_text(frame, key), encoding="utf-8")
        for name in RAW_FILES.values():
            if not (staging / name).exists() and (out_dir / name).is_file():
                (staging / name).symlink_to((out_dir / name).resolve())
        report = validate_raw_dir(staging, project_dir,
                                  expression_scale=result.dbt_vars.get("expression_scale"))
        report.raw_dir = out_dir
        absent = tuple(name for name in RAW_FILES.values() if not (staging / name).exists())
        blocking = tuple(f for f in report.failures
                         if not (f.column is None and f.file in absent))
        if blocking:
            return ImportOutcome((), report, blocking, absent)
        written = []
        for key in result.tables:
            target = out_dir / RAW_FILES[key]
            os.replace(staging / RAW_FILES[key], target)
            written.append(target)
        if record is not None:
            _append_record(out_dir, record, written)
        return ImportOutcome(tuple(written), report, (), absent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _append_record(out_dir: Path, record: dict, written: list[Path]) -> None:
    path = out_dir / IMPORT_RECORD
    history = json.loads(path.read_text()) if path.is_file() else []
    entry = dict(record)
    entry["imported_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    entry["written"] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in written}
    history.append(entry)
    path.write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")


def sha256_of(path: Path) -> str:
    """SHA-256 of an input file (recorded with the import)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
