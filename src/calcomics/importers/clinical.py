"""Clinical adapter: cBioPortal clinical files or any table + a YAML mapping -> ``clinical.csv``.

**cBioPortal.** ``data_clinical_patient.txt`` (four ``#`` header lines: display names,
descriptions, datatypes, priorities; then ``PATIENT_ID`` and the attributes) and optionally
``data_clinical_sample.txt`` (``PATIENT_ID``, ``SAMPLE_ID`` and sample attributes). Sample
attributes are joined to their patient; a patient with several samples keeps its primary
tumour (``SAMPLE_TYPE`` "Primary..." or TCGA sample type 01) and is an error when that still
leaves several, unless ``--duplicate-samples first``. Without ``--mapping`` only
``PATIENT_ID`` -> ``patient_id`` and ``AGE`` -> ``age_years`` are mapped; every other
attribute is passed through under its own name.

**Column mapping.** A YAML file maps our clinical columns to the user's::

    patient_id: bcr_patient_barcode            # short form: just the column
    age_years: {column: age_at_initial_pathologic_diagnosis}
    lymph_node_status:
      column: pathologic_N
      values: {N0: negative, "N0 (*": negative, "N1*": positive, NX: unknown}
    rfs_months: {column: days_to_last_followup, factor: 0.0328767}   # days -> months
    histological_grade: {column: grade, values: {G1: I, G2: II, G3: III}, default: unknown}
    passthrough: [menopause_status, pathologic_T]   # optional; default: every unmapped column
    extra_columns:                                  # optional: new columns, e.g. for a grouping
      histological_type: {column: histological_type, values: {"*Ductal*": ductal}, default: other}

``values`` keys are exact values or shell patterns (``*``, ``?``; exact keys win, then
patterns in the order written); a value not covered is an error naming the file, line, column
and value, unless the entry has ``default:`` (used for every uncovered value). Empty cells stay
empty. Numeric columns (age, sizes, percentages, RFS) are parsed after ``values`` and
multiplied by ``factor`` (default 1). Our columns the mapping does not name are written empty
(every clinical field but ``patient_id`` may be empty). Unmapped input columns are passed
through unchanged (the warehouse offers them as groupings). ``extra_columns`` makes new
columns the same way as ours (values, default; text only), e.g. a ``histological_type`` with
the values of the shipped grouping of that name.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from calcomics.importers.common import (
    PRIMARY_TUMOUR_SAMPLE_TYPE,
    ImportInputError,
    ImportOptions,
    ImportResult,
    file_line,
    read_text_table,
    require_columns,
    tcga_patient_and_type,
)
from calcomics.warehouse.validation.vocabulary import ColumnRules, load_vocabulary

CBIOPORTAL_DEFAULT_MAPPING = {"patient_id": "PATIENT_ID", "age_years": "AGE"}
CBIOPORTAL_HEADER_LINES = 4
MAPPING_KEYS = {"column", "values", "default", "factor"}
EXCLUDED_SECOND_SAMPLE = "sample not kept for its patient (not primary, or a second sample)"


@dataclass(frozen=True)
class FieldMapping:
    """How one of our clinical columns is made from one input column."""

    target: str
    column: str
    values: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    factor: float = 1.0


@dataclass(frozen=True)
class ClinicalMapping:
    """Our column -> field mapping, and which input columns are passed through."""

    fields: tuple[FieldMapping, ...]
    passthrough: tuple[str, ...] | None = None  # None: every unmapped column
    extra_fields: tuple[FieldMapping, ...] = ()  # new columns beyond the raw layout


def clinical_rules() -> tuple[ColumnRules, ...]:
    """Our clinical columns, in layout order, with their types (the one vocabulary)."""
    return load_vocabulary()["clinical"]


def parse_mapping(spec: object, source: str) -> ClinicalMapping:
    """Check and read a mapping (the parsed YAML); errors name the entry."""
    if not isinstance(spec, dict):
        raise ImportInputError(f"{source}: a mapping file is a YAML mapping of our clinical "
                               "columns to yours")
    ours = {rule.name for rule in clinical_rules()}
    passthrough = spec.get("passthrough")
    if passthrough is not None and not (isinstance(passthrough, list)
                                        and all(isinstance(c, str) for c in passthrough)):
        raise ImportInputError(f"{source}: passthrough must be a list of column names")
    extra = spec.get("extra_columns") or {}
    if not isinstance(extra, dict):
        raise ImportInputError(f"{source}: extra_columns must map new column names to entries")
    clash = sorted(set(extra) & ours)
    if clash:
        raise ImportInputError(f"{source}: extra_columns {', '.join(clash)} are columns of the "
                               "raw layout; map them at the top level")
    extra_fields = tuple(
        _field(target, entry, source) for target, entry in extra.items()
    )
    fields = []
    for target, entry in spec.items():
        if target in ("passthrough", "extra_columns"):
            continue
        if target not in ours:
            raise ImportInputError(f"{source}: {target!r} is not a clinical column of the raw "
                                   f"layout (known: {', '.join(sorted(ours))}); new columns go "
                                   "under extra_columns")
        fields.append(_field(target, entry, source))
    if "patient_id" not in {f.target for f in fields}:
        raise ImportInputError(f"{source}: the mapping must name the patient_id column")
    return ClinicalMapping(tuple(fields), None if passthrough is None else tuple(passthrough),
                           extra_fields)


def _field(target: str, entry: object, source: str) -> FieldMapping:
    """One mapping entry (short form ``COLUMN`` or ``{column, values, default, factor}``)."""
    if isinstance(entry, str):
        entry = {"column": entry}
    if not isinstance(entry, dict) or "column" not in entry:
        raise ImportInputError(f"{source}, {target}: give the input column "
                               f"({target}: COLUMN or {target}: {{column: COLUMN}})")
    unknown = set(entry) - MAPPING_KEYS
    if unknown:
        raise ImportInputError(f"{source}, {target}: unknown key(s) {sorted(unknown)} "
                               f"(allowed: {', '.join(sorted(MAPPING_KEYS))})")
    values = entry.get("values") or {}
    if not isinstance(values, dict):
        raise ImportInputError(f"{source}, {target}: values must be a mapping")
    try:
        factor = float(entry.get("factor", 1.0))
    except (TypeError, ValueError) as error:
        raise ImportInputError(f"{source}, {target}: factor must be a number") from error
    return FieldMapping(
        target, str(entry["column"]),
        {str(k): "" if v is None else str(v) for k, v in values.items()},
        None if entry.get("default") is None else str(entry["default"]), factor)


def read_mapping(path: Path) -> ClinicalMapping:
    """A YAML mapping file (see the module docstring)."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ImportInputError(f"{path}: not valid YAML: {error}") from error
    return parse_mapping(spec, str(path))


def map_values(cells: pd.Series, rule: FieldMapping, path: Path, skipped: int) -> pd.Series:
    """Apply ``values`` (exact keys, then patterns) and ``default`` to one column.

    Empty cells stay empty. Without ``values`` the cells are returned trimmed.
    """
    text = cells.str.strip()
    if not rule.values:
        return text
    exact = {k: v for k, v in rule.values.items() if not any(ch in k for ch in "*?[")}
    patterns = [(k, v) for k, v in rule.values.items() if k not in exact]
    out = text.map(exact)
    for pattern, value in patterns:
        hit = out.isna() & text.map(lambda t, p=pattern: fnmatch.fnmatchcase(t, p))
        out = out.mask(hit, value)
    uncovered = out.isna() & (text != "")
    if uncovered.any():
        if rule.default is None:
            row = int(np.flatnonzero(uncovered.to_numpy())[0])
            others = sorted(set(text[uncovered]))
            raise ImportInputError(
                f"{path}, line {file_line(row, skipped)}, column '{rule.column}': value "
                f"{text.iloc[row]!r} is not covered by the mapping of {rule.target} "
                f"(uncovered values: {', '.join(repr(v) for v in others[:8])}); add it to "
                "values, or give a default"
            )
        out = out.mask(uncovered, rule.default)
    return out.fillna("")


def to_number(cells: pd.Series, rule: FieldMapping, numeric: str, path: Path,
              skipped: int) -> pd.Series:
    """Numeric field: parse, multiply by ``factor``; empty and ``unknown`` stay as written."""
    keep_text = cells.isin(["", "unknown", "NA"])
    numbers = pd.to_numeric(cells.mask(keep_text), errors="coerce")
    bad = numbers.isna() & ~keep_text
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ImportInputError(
            f"{path}, line {file_line(row, skipped)}, column '{rule.column}': {rule.target} "
            f"needs a number, got {cells.iloc[row]!r} (map it with values: or default:)"
        )
    scaled = numbers * rule.factor
    if numeric == "integer":
        fractional = scaled.notna() & (scaled != np.round(scaled))
        if fractional.any():
            row = int(np.flatnonzero(fractional.to_numpy())[0])
            raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column "
                                   f"'{rule.column}': {rule.target} needs a whole number, got "
                                   f"{cells.iloc[row]!r}")
        text = scaled.astype("Int64").astype("string")
    else:
        text = scaled.map(lambda v: "" if pd.isna(v) else f"{v:.10g}").astype("string")
    return text.where(~keep_text, cells).fillna("")


def apply_mapping(frame: pd.DataFrame, mapping: ClinicalMapping, path: Path,
                  skipped: int) -> pd.DataFrame:
    """The input table as ``clinical.csv``: our columns in layout order, then passed-through."""
    require_columns(frame, [f.column for f in mapping.fields + mapping.extra_fields], path,
                    "clinical table for this mapping")
    rules = {rule.name: rule for rule in clinical_rules()}
    by_target = {f.target: f for f in mapping.fields}
    out = pd.DataFrame(index=frame.index)
    for name, rule in rules.items():
        spec = by_target.get(name)
        if spec is None:
            out[name] = ""
            continue
        cells = map_values(frame[spec.column], spec, path, skipped)
        out[name] = (to_number(cells, spec, rule.numeric, path, skipped)
                     if rule.numeric else cells)
    for spec in mapping.extra_fields:
        out[spec.target] = map_values(frame[spec.column], spec, path, skipped)
    used = {f.column for f in mapping.fields + mapping.extra_fields}
    extra = (mapping.passthrough if mapping.passthrough is not None
             else tuple(c for c in frame.columns if c not in used))
    require_columns(frame, list(extra), path, "clinical table (passthrough)")
    clash = [c for c in extra if c in rules or c in out.columns]
    if clash:
        raise ImportInputError(f"{path}: input column(s) {', '.join(clash)} have the name of a "
                               "raw clinical column but are not mapped; map them or leave "
                               "them out of passthrough")
    for column in extra:
        out[column] = frame[column]
    missing_id = out["patient_id"] == ""
    if missing_id.any():
        row = int(np.flatnonzero(missing_id.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}: empty patient id "
                               f"(column '{by_target['patient_id'].column}')")
    repeated = out["patient_id"].duplicated(keep=False)
    if repeated.any():
        ids = sorted(set(out["patient_id"][repeated]))
        raise ImportInputError(f"{path}: patient id(s) on more than one row: "
                               f"{', '.join(ids[:5])}")
    return out.reset_index(drop=True)


# --- cBioPortal ------------------------------------------------------------------------------


def read_cbioportal_clinical(path: Path, id_columns: list[str]) -> tuple[pd.DataFrame, int]:
    """A cBioPortal clinical file: ``#`` header lines skipped, id columns required."""
    frame, skipped = read_text_table(path, "\t")
    require_columns(frame, id_columns, path, "cBioPortal clinical file")
    for column in id_columns:
        frame[column] = frame[column].str.strip()
    return frame, skipped


def is_primary_sample(samples: pd.DataFrame) -> pd.Series:
    """Primary tumour samples: ``SAMPLE_TYPE`` starting with "primary", else TCGA type 01.

    A sample whose type cannot be told (no SAMPLE_TYPE, not a TCGA barcode) counts as primary.
    """
    if "SAMPLE_TYPE" in samples.columns:
        sample_type = samples["SAMPLE_TYPE"].str.strip().str.lower()
        return sample_type.str.startswith("primary") | (sample_type == "")
    _, code = tcga_patient_and_type(samples["SAMPLE_ID"])
    return code.isna() | (code == PRIMARY_TUMOUR_SAMPLE_TYPE)


def select_samples(samples: pd.DataFrame, options: ImportOptions, path: Path) -> pd.DataFrame:
    """One sample per patient: the primary tumour; several left -> error or the first id."""
    primary = samples[is_primary_sample(samples)]
    ordered = primary.sort_values(["PATIENT_ID", "SAMPLE_ID"], kind="stable")
    repeated = ordered["PATIENT_ID"].duplicated(keep="first")
    if repeated.any() and options.duplicate_samples != "first":
        patients = sorted(set(ordered["PATIENT_ID"][repeated]))
        examples = "; ".join(
            f"{p}: {', '.join(ordered['SAMPLE_ID'][ordered['PATIENT_ID'] == p])}"
            for p in patients[:5])
        raise ImportInputError(f"{path}: {len(patients)} patient(s) have more than one primary "
                               f"sample ({examples}); pass --duplicate-samples first to keep "
                               "the first sample id")
    return ordered[~repeated]


def cbioportal_clinical_table(patient_path: Path | None, sample_path: Path | None,
                              options: ImportOptions, result: ImportResult
                              ) -> tuple[pd.DataFrame, dict[str, str], Path, int]:
    """Patients with their chosen sample's attributes joined; also sample -> patient map.

    Returns the wide table (one row per patient), the map of the chosen samples, the file
    and ``#`` line count that line numbers in errors refer to.
    """
    patients = samples = None
    if patient_path is not None:
        patients, patient_skipped = read_cbioportal_clinical(patient_path, ["PATIENT_ID"])
        result.rows_read[patient_path.name] = len(patients)
    if sample_path is not None:
        samples, _ = read_cbioportal_clinical(sample_path, ["PATIENT_ID", "SAMPLE_ID"])
        result.rows_read[sample_path.name] = len(samples)
    if samples is None:
        assert patients is not None and patient_path is not None
        return patients, {}, patient_path, patient_skipped
    chosen = select_samples(samples, options, sample_path)
    result.exclude(sample_path.name, EXCLUDED_SECOND_SAMPLE, len(samples) - len(chosen))
    sample_map = dict(zip(chosen["SAMPLE_ID"], chosen["PATIENT_ID"], strict=True))
    if patients is None:
        return chosen.reset_index(drop=True), sample_map, sample_path, 0
    clash = (set(chosen.columns) & set(patients.columns)) - {"PATIENT_ID"}
    if clash:
        raise ImportInputError(f"{sample_path}: attribute(s) {sorted(clash)} are also in "
                               f"{patient_path.name}")
    unknown = sorted(set(chosen["PATIENT_ID"]) - set(patients["PATIENT_ID"]))
    if unknown:
        raise ImportInputError(f"{sample_path}: PATIENT_ID(s) not in {patient_path.name}: "
                               f"{', '.join(unknown[:5])}")
    joined = patients.merge(chosen, on="PATIENT_ID", how="left", validate="one_to_one")
    return joined.fillna(""), sample_map, patient_path, patient_skipped


def _is_cbioportal_clinical(path: Path) -> bool:
    with open(path, encoding="utf-8-sig") as handle:
        first = handle.readline()
    return first.startswith("#")


def _separator(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        header = handle.readline()
    return "\t" if "\t" in header or path.suffix.lower() in (".tsv", ".txt") else ","


def import_clinical(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import clinical FILE [SAMPLE_FILE] [--mapping MAPPING.yaml]``.

    One cBioPortal patient file (plus optionally its sample file), or one table (CSV or TSV)
    with ``--mapping``.
    """
    if not 1 <= len(inputs) <= 2:
        raise ImportInputError("import clinical takes a clinical table (and, for cBioPortal, "
                               "optionally data_clinical_sample.txt)")
    result = ImportResult()
    if _is_cbioportal_clinical(inputs[0]):
        sample_path = next((p for p in inputs if "sample" in p.name.lower()), None)
        patient_path = next((p for p in inputs if p is not sample_path), None)
        table, _, where, skipped = cbioportal_clinical_table(patient_path, sample_path, options,
                                                             result)
        mapping = (read_mapping(options.mapping) if options.mapping
                   else parse_mapping(CBIOPORTAL_DEFAULT_MAPPING, "default cBioPortal mapping"))
        if options.mapping is None and "AGE" not in table.columns:
            mapping = parse_mapping({"patient_id": "PATIENT_ID"}, "default cBioPortal mapping")
    else:
        if len(inputs) != 1:
            raise ImportInputError(f"{inputs[0]}: not a cBioPortal clinical file (no '#' "
                                   "header lines); give one table with --mapping")
        if options.mapping is None:
            raise ImportInputError(f"{inputs[0]}: a clinical table other than cBioPortal's "
                                   "needs --mapping FILE (docs/IMPORT.md)")
        where = inputs[0]
        table, skipped = read_text_table(where, _separator(where))
        result.rows_read[where.name] = len(table)
        mapping = read_mapping(options.mapping)
    result.tables["clinical"] = apply_mapping(table, mapping, where, skipped)
    unmapped = [r.name for r in clinical_rules()
                if r.name not in {f.target for f in mapping.fields}]
    if unmapped:
        result.notes.append(f"clinical.csv: column(s) not mapped, written empty: "
                            f"{', '.join(unmapped)}")
    return result
