"""What every adapter shares: options, the result and report, sample-id handling, table reading.

Adapters read public formats into pandas frames of the raw layout (no file is written here);
:mod:`calcomics.importers.output` writes them. Sample ids become patient ids one way for every
omics format (:func:`resolve_sample_ids`): TCGA barcodes shortened to the 12-character patient
barcode (non-primary samples left out and counted), a user's sample -> patient map, or the ids
kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# TCGA barcode: TCGA-<TSS>-<participant>[-<sample type><vial>[-<portion><analyte>-<plate>-<centre>]]
TCGA_BARCODE = re.compile(r"^(TCGA-[A-Z0-9]{2}-[A-Z0-9]{4})(?:-(\d{2})([A-Z])?(?:-.*)?)?$")
PRIMARY_TUMOUR_SAMPLE_TYPE = "01"

EXCLUDED_NOT_PRIMARY = "sample is not a primary tumour (TCGA sample type other than 01)"
EXCLUDED_NOT_IN_MAP = "sample id not in the sample -> patient map"
EXCLUDED_DUPLICATE_SAMPLE = "second sample of a patient (--duplicate-samples first)"

ID_MODES = ("patient", "sample")
DUPLICATE_MODES = ("error", "first")


class ImportInputError(ValueError):
    """An input file that an adapter cannot turn into the raw layout; ``str()`` says where."""


@dataclass(frozen=True)
class ImportOptions:
    """Options of ``calcomics import`` shared by the adapters.

    Attributes
    ----------
    ids : str
        ``patient`` (default): TCGA barcodes are shortened to the 12-character patient
        barcode and only primary tumours (sample type 01) are kept; ``sample``: sample ids
        are kept as they are.
    sample_map : Path, optional
        Two-column file (sample id, patient id; tab- or comma-separated, with a header) used
        instead of barcode shortening; samples missing from it are left out and counted.
    duplicate_samples : str
        What to do when two kept samples belong to one patient: ``error`` (default) or
        ``first`` (keep the first sample id in sorted order, count the others).
    scale : str, optional
        Expression scale given by the user (``counts``, ``tpm``, ``fpkm``); default detected.
    mapping : Path, optional
        YAML column mapping of the clinical adapter.
    extra : Mapping[str, str]
        ``--option key=value`` pairs for adapters with their own settings.
    sample_patients : Mapping[str, str], optional
        In-memory sample -> patient map (e.g. from a cBioPortal sample file); takes the
        place of ``sample_map``.
    """

    ids: str = "patient"
    sample_map: Path | None = None
    duplicate_samples: str = "error"
    scale: str | None = None
    mapping: Path | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    sample_patients: Mapping[str, str] | None = None


@dataclass
class ImportResult:
    """Frames of the raw layout an adapter produced, and what it did to the input.

    Attributes
    ----------
    tables : dict[str, pandas.DataFrame]
        Raw-layout key (:data:`calcomics.warehouse.raw_layout.RAW_FILES`) -> frame to write.
    rows_read : dict[str, int]
        Input file name -> data rows (or matrix rows) read.
    excluded : dict[str, int]
        ``"<file>: <reason>"`` -> rows (or samples / columns, as the reason says) left out.
    notes : list[str]
        Facts the user should know (detected scale, ids kept unchanged, ...).
    dbt_vars : dict[str, str]
        dbt variables the build must be given for these files (e.g. ``expression_scale``).
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    dbt_vars: dict[str, str] = field(default_factory=dict)

    def exclude(self, file: str, reason: str, count: int) -> None:
        """Add ``count`` left-out rows of ``file`` for ``reason`` (zero counts are not kept)."""
        if count:
            key = f"{file}: {reason}"
            self.excluded[key] = self.excluded.get(key, 0) + int(count)

    def merge(self, other: ImportResult) -> ImportResult:
        """Both results in one (a study folder imports several files)."""
        clash = set(self.tables) & set(other.tables)
        if clash:
            raise ImportInputError(f"two inputs produce the same raw file(s): {sorted(clash)}")
        merged = ImportResult(
            tables={**self.tables, **other.tables},
            rows_read={**self.rows_read, **other.rows_read},
            excluded=dict(self.excluded),
            notes=[*self.notes, *other.notes],
            dbt_vars={**self.dbt_vars, **other.dbt_vars},
        )
        for key, count in other.excluded.items():
            merged.excluded[key] = merged.excluded.get(key, 0) + count
        return merged

    def summary(self) -> str:
        """Rows read, written and left out, per file and reason, as printed by the CLI."""
        lines = ["Import report:"]
        lines += [f"  read    {rows:>9} rows  {name}" for name, rows in self.rows_read.items()]
        lines += [f"  written {len(frame):>9} rows  {name}" for name, frame in self.tables.items()]
        lines += [f"  left out {count:>8}       {reason}"
                  for reason, count in self.excluded.items()]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


# --- reading ---------------------------------------------------------------------------------


def read_text_table(path: Path, sep: str = "\t") -> tuple[pd.DataFrame, int]:
    """A delimited text table with its leading ``#`` lines skipped, every cell as text.

    Returns the frame (empty cells as ``""``) and the number of ``#`` lines before the
    header, so data row ``i`` sits on file line ``i + skipped + 2``.
    """
    path = Path(path)
    skipped = 0
    with _open_text(path) as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            skipped += 1
    try:
        frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                            skiprows=skipped, quoting=3 if sep == "\t" else 0,
                            encoding="utf-8-sig")
    except pd.errors.EmptyDataError as error:
        raise ImportInputError(f"{path}: no header line after {skipped} '#' line(s)") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, skipped


def _open_text(path: Path):
    import gzip

    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")


def file_line(row_position: int, skipped: int) -> int:
    """1-based file line of data row ``row_position`` (0-based) after ``skipped`` # lines."""
    return int(row_position) + skipped + 2


def require_columns(frame: pd.DataFrame, columns: list[str], path: Path, what: str) -> None:
    """Raise naming every missing column of ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ImportInputError(
            f"{path}: not a {what}: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(frame.columns[:12])}{' …' if len(frame.columns) > 12 else ''})"
        )


# --- sample ids -----------------------------------------------------------------------------


def read_sample_map(path: Path) -> dict[str, str]:
    """The user's sample -> patient map: first column sample id, second patient id."""
    path = Path(path)
    sep = "," if path.suffix.lower() == ".csv" else "\t"
    frame, skipped = read_text_table(path, sep)
    if frame.shape[1] < 2:
        raise ImportInputError(f"{path}: a sample map needs two columns (sample id, patient "
                               f"id), found {frame.shape[1]}")
    samples = frame.iloc[:, 0].str.strip()
    patients = frame.iloc[:, 1].str.strip()
    empty = (samples == "") | (patients == "")
    if empty.any():
        line = file_line(int(np.flatnonzero(empty.to_numpy())[0]), skipped)
        raise ImportInputError(f"{path}, line {line}: empty sample or patient id")
    repeated = samples[samples.duplicated(keep=False)]
    if len(repeated):
        raise ImportInputError(f"{path}: sample id(s) listed twice: "
                               f"{', '.join(sorted(set(repeated))[:5])}")
    return dict(zip(samples, patients, strict=True))


def tcga_patient_and_type(sample_ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Patient barcode (12 characters) and sample type code of TCGA barcodes.

    Ids that are not TCGA barcodes give a null patient; 12-character patient barcodes give a
    null sample type.
    """
    parts = sample_ids.str.strip().str.upper().str.extract(TCGA_BARCODE)
    return parts[0], parts[1]


@dataclass(frozen=True)
class SampleResolution:
    """Patient id per input sample, and which samples are kept."""

    patient_ids: pd.Series  # aligned with the input sample ids; null where left out
    reasons: pd.Series  # why each left-out sample is left out; null where kept
    notes: tuple[str, ...]

    @property
    def excluded(self) -> dict[str, int]:
        """Reason -> number of samples left out for it."""
        return {str(k): int(v) for k, v in self.reasons.dropna().value_counts(sort=False).items()}


def resolve_sample_ids(sample_ids: pd.Series, options: ImportOptions,
                       source: str) -> SampleResolution:
    """Map sample ids to the patient ids of the raw layout.

    Parameters
    ----------
    sample_ids : pandas.Series
        Distinct sample ids of one input file (MAF barcodes, matrix column names).
    options : ImportOptions
        ``ids``, ``sample_map`` and ``duplicate_samples`` decide the mapping.
    source : str
        File name used in error messages.

    Returns
    -------
    SampleResolution
        Patient id per sample (null for samples left out), counts per reason, notes.

    Raises
    ------
    ImportInputError
        Two kept samples of one patient with ``duplicate_samples="error"``.
    """
    ids = sample_ids.astype(str).str.strip().reset_index(drop=True)
    reasons = pd.Series(None, index=ids.index, dtype=object)
    notes: list[str] = []
    if options.sample_patients is not None or options.sample_map is not None:
        mapping = (dict(options.sample_patients) if options.sample_patients is not None
                   else read_sample_map(options.sample_map))
        patients = ids.map(mapping)
        reasons = reasons.mask(patients.isna(), EXCLUDED_NOT_IN_MAP)
    elif options.ids == "sample":
        patients = ids.copy()
    else:
        patient, sample_type = tcga_patient_and_type(ids)
        not_tcga = patient.isna()
        if not_tcga.any():
            notes.append(f"{source}: {int(not_tcga.sum())} sample id(s) are not TCGA barcodes "
                         f"and were kept as they are (e.g. {ids[not_tcga].iloc[0]!r})")
        other_type = sample_type.notna() & (sample_type != PRIMARY_TUMOUR_SAMPLE_TYPE)
        reasons = reasons.mask(other_type, EXCLUDED_NOT_PRIMARY)
        patients = patient.where(~not_tcga, ids).where(~other_type)
    duplicate = _second_samples(ids, patients, options, source)
    reasons = reasons.mask(duplicate, EXCLUDED_DUPLICATE_SAMPLE)
    kept = patients.mask(duplicate).astype(object)
    return SampleResolution(kept.where(kept.notna(), None), reasons, tuple(notes))


def _second_samples(ids: pd.Series, patients: pd.Series, options: ImportOptions,
                    source: str) -> pd.Series:
    """Samples whose patient already has a (sorted-first) sample; error unless ``first``."""
    kept = patients.notna()
    order = ids[kept].sort_values(kind="stable").index
    repeated = patients[order].duplicated(keep="first")
    if repeated.any() and options.duplicate_samples != "first":
        dup_patients = sorted(set(patients[order][repeated]))
        examples = "; ".join(
            f"{p}: {', '.join(sorted(ids[patients == p]))}" for p in dup_patients[:5]
        )
        raise ImportInputError(
            f"{source}: {len(dup_patients)} patient(s) have more than one sample ({examples}); "
            "pass --duplicate-samples first to keep the first sample id of each patient, or "
            "--ids sample to keep sample ids"
        )
    return pd.Series(ids.index.isin(repeated[repeated].index), index=ids.index)
