"""Expression adapter: gene x sample matrices -> ``expression_fpkm.tsv``.

Accepted: cBioPortal ``data_mrna_seq_v2_rsem.txt`` (``Hugo_Symbol``, ``Entrez_Gene_Id``, one
column per sample id) and any tab-separated matrix whose first column (or ``--option
gene_column=NAME``) holds gene symbols, e.g. a TCGA read-count matrix with barcodes as column
names. Read counts, TPM and FPKM (or RSEM) are all accepted; the file name stays
``expression_fpkm.tsv`` and the dbt var ``expression_scale`` says what it holds.

Mapped and left out:

* ``Entrez_Gene_Id`` (and other id columns named in :data:`ANNOTATION_COLUMNS`) is dropped;
* rows without a gene symbol are dropped and counted;
* rows with an empty or ``NA`` cell are dropped and counted (the warehouse needs every cell);
* a symbol on several rows keeps the row with the highest mean (first such row on ties); the
  others are counted;
* sample columns become patient ids like every omics file
  (:func:`calcomics.importers.common.resolve_sample_ids`); left-out samples are counted.

The scale is detected by :func:`calcomics.methods.transcriptomics.scale.detect_expression_scale`
and reported; ``--scale`` overrides it (a disagreement is noted).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from calcomics.importers.common import (
    ImportInputError,
    ImportOptions,
    ImportResult,
    file_line,
    read_text_table,
    resolve_sample_ids,
)
from calcomics.methods.transcriptomics.scale import detect_expression_scale

GENE_COLUMNS = ("gene_symbol", "Hugo_Symbol", "gene", "Gene", "symbol", "gene_name")
ANNOTATION_COLUMNS = ("Entrez_Gene_Id", "entrez_id", "Entrez_Id", "gene_id", "Ensembl_Gene_Id")
MISSING = ("", "NA", "N/A", "NaN", "nan", "null")
SCALES = ("counts", "tpm", "fpkm")

EXCLUDED_NO_SYMBOL = "gene row without a symbol"
EXCLUDED_MISSING_VALUE = "gene row with an empty or NA value"
EXCLUDED_DUPLICATE_SYMBOL = "gene row whose symbol has a row with a higher mean"
EXCLUDED_SAMPLE = "sample column left out"


def gene_column_of(columns: list[str], options: ImportOptions, path: Path) -> str:
    """The gene-symbol column: ``--option gene_column=NAME``, a known name, else the first."""
    chosen = options.extra.get("gene_column")
    if chosen:
        if chosen not in columns:
            raise ImportInputError(f"{path}: no column {chosen!r} (gene_column)")
        return chosen
    return next((c for c in GENE_COLUMNS if c in columns), columns[0])


def parse_values(frame: pd.DataFrame, path: Path, skipped: int) -> pd.DataFrame:
    """Sample cells as numbers (missing markers -> NaN); any other text is an error."""
    text = frame.apply(lambda col: col.str.strip())
    missing = text.isin(MISSING)
    values = text.mask(missing).apply(pd.to_numeric, errors="coerce")
    bad = values.isna() & ~missing
    if bad.to_numpy().any():
        rows, cols = np.nonzero(bad.to_numpy())
        raise ImportInputError(
            f"{path}, line {file_line(int(rows[0]), skipped)}, column '{frame.columns[cols[0]]}'"
            f": not a number: {frame.iat[rows[0], cols[0]]!r} ({len(rows)} such cell(s))"
        )
    negative = values < 0
    if negative.to_numpy().any():
        rows, cols = np.nonzero(negative.to_numpy())
        raise ImportInputError(
            f"{path}, line {file_line(int(rows[0]), skipped)}, column "
            f"'{frame.columns[cols[0]]}': negative value {frame.iat[rows[0], cols[0]]!r} "
            f"({len(rows)} such cell(s)); give unlogged counts, TPM or FPKM"
        )
    return values


def best_row_per_symbol(symbols: pd.Series, values: pd.DataFrame) -> np.ndarray:
    """Boolean mask keeping, per symbol, the row with the highest mean (first on ties)."""
    means = values.mean(axis=1).to_numpy()
    order = np.lexsort((np.arange(len(means)), -means))  # highest mean first, then file order
    keep_sorted = ~pd.Series(symbols.to_numpy()[order]).duplicated(keep="first").to_numpy()
    keep = np.zeros(len(means), dtype=bool)
    keep[order[keep_sorted]] = True
    return keep


def choose_scale(values: pd.DataFrame, options: ImportOptions, name: str) -> tuple[str, str]:
    """Scale to record (the user's ``--scale`` or the detected one) and a note on it."""
    evidence = detect_expression_scale(values)
    detected = evidence.scale
    reason = getattr(evidence, "reason", "")
    if options.scale is not None:
        if options.scale not in SCALES:
            raise ImportInputError(f"--scale must be one of {', '.join(SCALES)}; got "
                                   f"{options.scale!r}")
        agree = "agrees with" if detected == options.scale else "differs from"
        return options.scale, (f"{name}: scale {options.scale} as given (--scale); it {agree} "
                               f"the detected scale {detected} ({reason})")
    if detected not in SCALES:
        raise ImportInputError(f"{name}: the values look {detected} ({reason}), not counts, TPM "
                               "or FPKM; give unlogged values, or pass --scale if you are sure")
    return detected, f"{name}: detected scale {detected} ({reason})"


def convert_matrix(frame: pd.DataFrame, path: Path, skipped: int,
                   options: ImportOptions) -> ImportResult:
    """One matrix, read as text, to the raw expression frame plus its report."""
    name = path.name
    if frame.shape[1] < 2:
        raise ImportInputError(f"{path}: an expression matrix needs a gene column and at least "
                               "one sample column")
    result = ImportResult(rows_read={name: len(frame)})
    gene_column = gene_column_of(list(frame.columns), options, path)
    dropped = [c for c in frame.columns if c in ANNOTATION_COLUMNS and c != gene_column]
    if dropped:
        result.notes.append(f"{name}: column(s) {', '.join(dropped)} dropped")
    sample_columns = [c for c in frame.columns if c != gene_column and c not in dropped]
    symbols = frame[gene_column].str.strip()
    values = parse_values(frame[sample_columns], path, skipped)

    no_symbol = symbols.isin(MISSING).to_numpy()
    has_missing = values.isna().any(axis=1).to_numpy() & ~no_symbol
    result.exclude(name, EXCLUDED_NO_SYMBOL, int(no_symbol.sum()))
    result.exclude(name, EXCLUDED_MISSING_VALUE, int(has_missing.sum()))
    usable = ~(no_symbol | has_missing)
    symbols, values = symbols[usable], values[usable]
    keep = best_row_per_symbol(symbols, values)
    result.exclude(name, EXCLUDED_DUPLICATE_SYMBOL, int((~keep).sum()))
    symbols, values = symbols[keep], values[keep]

    resolution = resolve_sample_ids(pd.Series(sample_columns), options, name)
    result.notes.extend(resolution.notes)
    for reason, count in resolution.excluded.items():
        result.exclude(name, f"{EXCLUDED_SAMPLE} ({reason})", count)
    kept = resolution.patient_ids.notna().to_numpy()
    values = values.loc[:, kept]
    values.columns = list(resolution.patient_ids[kept])
    if values.shape[1] == 0:
        raise ImportInputError(f"{path}: no sample column left (all {len(sample_columns)} "
                               "left out); see --ids / --sample-map")
    if len(values) == 0:
        raise ImportInputError(f"{path}: no gene row left to write")

    scale, note = choose_scale(values, options, name)
    result.notes.append(note)
    result.dbt_vars["expression_scale"] = scale
    whole = np.all(values.to_numpy() == np.round(values.to_numpy()))
    out = values.astype("Int64") if whole else values
    out.insert(0, "gene_symbol", symbols.to_numpy())
    result.tables["expression"] = out.reset_index(drop=True)
    return result


def import_expression(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import expression MATRIX``: one gene x sample matrix."""
    if len(inputs) != 1:
        raise ImportInputError(f"import expression takes one matrix, got {len(inputs)}")
    frame, skipped = read_text_table(inputs[0], "\t")
    return convert_matrix(frame, inputs[0], skipped, options)
