"""MAF adapter: GDC/TCGA, Firehose and cBioPortal MAFs -> ``mutations.maf``.

What differs between the three and how each is mapped:

* **Sample ids.** GDC MAFs name full aliquot barcodes (``TCGA-A1-A0SB-01A-11D-A142-09``),
  cBioPortal sample ids (``TCGA-A1-A0SB-01``), Firehose patient barcodes (``TCGA-A1-A0SB``).
  By default every TCGA barcode becomes its 12-character patient barcode and only primary
  tumours (sample type ``01``) are kept (:func:`calcomics.importers.common.resolve_sample_ids`).
* **Read counts.** ``t_ref_count``/``t_alt_count`` are taken as they are; otherwise
  ``t_depth`` with ``t_alt_count`` (ref = depth - alt) or with ``t_vaf``
  (alt = depth x VAF rounded half up, ref = depth - alt). A count that cannot be derived stays
  empty; nothing is invented.
* **Protein change.** ``HGVSp_Short`` (GDC, cBioPortal) or ``Protein_Change`` (Firehose).
* **Chromosome.** ``23``/``24`` (Firehose) become ``X``/``Y``; a ``chr`` prefix is kept as
  written; rows on other sequences (MT, unplaced contigs) are left out and counted.
* **Trinucleotide context.** From ``Trinucleotide_Context`` (a 3-mer) or a centred reference
  context such as GDC's ``CONTEXT`` (11-mer) / ``ref_context``: the middle three bases, for
  SNPs only; the middle base must be the reference allele. Empty when the MAF has neither.
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
    require_columns,
    resolve_sample_ids,
)
from calcomics.warehouse.validation.vocabulary import load_vocabulary

MAF_REQUIRED = ["Hugo_Symbol", "Chromosome", "Start_Position", "End_Position",
                "Reference_Allele", "Tumor_Seq_Allele2", "Variant_Classification",
                "Variant_Type", "Tumor_Sample_Barcode"]
PROTEIN_COLUMNS = ("HGVSp_Short", "Protein_Change")
CONTEXT_COLUMNS = ("Trinucleotide_Context", "CONTEXT", "ref_context")
MISSING = ("", "NA", "N/A", "NaN", "nan", ".", "__UNKNOWN__")
CHROMOSOMES = {str(i) for i in range(1, 23)} | {"X", "Y"}
NUMERIC_CHROMOSOME = {"23": "X", "24": "Y"}
EXCLUDED_CHROMOSOME = "chromosome not in 1-22, X, Y (e.g. MT or an unplaced contig)"
EXCLUDED_SAMPLE = "row of a left-out sample"


def maf_output_columns() -> list[str]:
    """Columns of ``mutations.maf`` in the raw layout (from the one vocabulary)."""
    return [rule.name for rule in load_vocabulary()["mutations"]]


def normalise_chromosome(values: pd.Series) -> pd.Series:
    """``23``/``24`` -> ``X``/``Y`` (``chr`` prefix kept); null where not 1-22, X, Y.

    Examples
    --------
    >>> normalise_chromosome(pd.Series(["17", "chr23", "24", "MT", "chrX"])).tolist()
    ['17', 'chrX', 'Y', None, 'chrX']
    """
    text = values.astype(str).str.strip()
    prefix = text.str.extract(r"^(chr|CHR|Chr)?(.*)$")
    bare = prefix[1].str.upper().replace(NUMERIC_CHROMOSOME)
    out = prefix[0].fillna("") + bare
    return out.astype(object).where(bare.isin(CHROMOSOMES), None)


def _missing(values: pd.Series) -> pd.Series:
    return values.str.strip().isin(MISSING)


def _numbers(frame: pd.DataFrame, column: str, path: Path, skipped: int) -> pd.Series:
    """A numeric column; missing markers -> NaN; other non-numbers are an error."""
    raw = frame[column]
    values = pd.to_numeric(raw.mask(_missing(raw)).str.strip(), errors="coerce")
    bad = values.isna() & ~_missing(raw)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column '{column}': "
                               f"not a number: {raw.iloc[row]!r}")
    return values


def _as_count_text(values: pd.Series) -> pd.Series:
    return values.astype("Int64").astype("string").fillna("")


def read_counts(frame: pd.DataFrame, path: Path, skipped: int) -> tuple[pd.Series, pd.Series,
                                                                         str]:
    """Tumour reference and alternative read counts as text (empty when unknown).

    Returns the two columns and a note saying where they came from.
    """
    cols = set(frame.columns)
    empty = pd.Series("", index=frame.index, dtype="string")
    if {"t_ref_count", "t_alt_count"} <= cols:
        ref = _numbers(frame, "t_ref_count", path, skipped)
        alt = _numbers(frame, "t_alt_count", path, skipped)
        return _as_count_text(ref), _as_count_text(alt), "t_ref_count/t_alt_count as given"
    if {"t_depth", "t_alt_count"} <= cols:
        depth = _numbers(frame, "t_depth", path, skipped)
        alt = _numbers(frame, "t_alt_count", path, skipped)
        _check_not_above(alt, depth, "t_alt_count", "t_depth", path, skipped)
        return (_as_count_text(depth - alt), _as_count_text(alt),
                "t_ref_count = t_depth - t_alt_count")
    if {"t_depth", "t_vaf"} <= cols:
        depth = _numbers(frame, "t_depth", path, skipped)
        vaf = _numbers(frame, "t_vaf", path, skipped)
        outside = (vaf < 0) | (vaf > 1)
        if outside.any():
            row = int(np.flatnonzero(outside.to_numpy())[0])
            raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column 't_vaf': "
                                   f"allele fraction {vaf.iloc[row]} outside 0-1")
        alt = np.floor(depth * vaf + 0.5)
        return (_as_count_text(depth - alt), _as_count_text(alt),
                "t_alt_count = round(t_depth x t_vaf) (half up), t_ref_count = t_depth - "
                "t_alt_count")
    return empty, empty, "no read-count columns: t_ref_count/t_alt_count left empty"


def _check_not_above(small: pd.Series, big: pd.Series, small_name: str, big_name: str,
                     path: Path, skipped: int) -> None:
    above = small > big
    if above.any():
        row = int(np.flatnonzero(above.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}: {small_name} "
                               f"{small.iloc[row]:g} is larger than {big_name} "
                               f"{big.iloc[row]:g}")


def trinucleotide_context(context: pd.Series, reference: pd.Series, is_snp: pd.Series,
                          path: Path, column: str, skipped: int) -> pd.Series:
    """Middle three bases of a centred reference context, for SNPs (empty otherwise).

    Parameters
    ----------
    context : pandas.Series
        Reference sequence centred on the variant, odd length >= 3 (GDC ``CONTEXT`` is 11).
    reference : pandas.Series
        ``Reference_Allele``; must equal the middle base.
    is_snp : pandas.Series
        Rows whose ``Variant_Type`` is SNP; other rows get an empty context.

    Raises
    ------
    ImportInputError
        A SNP whose context has an even length or whose middle base is not its reference.
    """
    text = context.str.strip().str.upper().mask(_missing(context), "")
    usable = is_snp & (text != "")
    lengths = text.str.len()
    even = usable & ((lengths < 3) | (lengths % 2 == 0))
    if even.any():
        row = int(np.flatnonzero(even.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column '{column}': "
                               f"context {text.iloc[row]!r} is not centred on one base "
                               "(odd length >= 3 expected)")
    middle = (lengths // 2).where(usable, 0)
    trimer = pd.Series([t[m - 1:m + 2] if u else "" for t, m, u in
                        zip(text, middle, usable, strict=True)], index=text.index)
    centre = trimer.str[1:2]
    wrong = usable & (centre != reference.str.strip().str.upper())
    if wrong.any():
        row = int(np.flatnonzero(wrong.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column '{column}': "
                               f"middle base of {text.iloc[row]!r} is not the reference "
                               f"allele {reference.iloc[row]!r}")
    return trimer


def convert_maf(frame: pd.DataFrame, path: Path, skipped: int,
                patient_of: dict[str, str | None],
                reason_of: dict[str, str | None]) -> ImportResult:
    """One MAF, read as text, to the raw ``mutations.maf`` frame plus its report.

    ``patient_of`` maps each ``Tumor_Sample_Barcode`` to its patient id (``None``: the
    sample is left out, for the reason in ``reason_of``), see
    :func:`calcomics.importers.common.resolve_sample_ids`.
    """
    require_columns(frame, MAF_REQUIRED, path, "MAF")
    name = path.name
    result = ImportResult(rows_read={name: len(frame)})
    ref_count, alt_count, count_note = read_counts(frame, path, skipped)
    result.notes.append(f"{name}: {count_note}")
    protein_column = next((c for c in PROTEIN_COLUMNS if c in frame.columns), None)
    protein = (frame[protein_column].mask(_missing(frame[protein_column]), "")
               if protein_column else pd.Series("", index=frame.index))
    context_column = next((c for c in CONTEXT_COLUMNS if c in frame.columns), None)
    is_snp = frame["Variant_Type"].str.strip().str.upper() == "SNP"
    if context_column:
        context = trinucleotide_context(frame[context_column], frame["Reference_Allele"], is_snp,
                                        path, context_column, skipped)
        result.notes.append(f"{name}: Trinucleotide_Context from column {context_column}")
    else:
        context = pd.Series("", index=frame.index)
        result.notes.append(f"{name}: no context column; Trinucleotide_Context left empty")

    barcodes = frame["Tumor_Sample_Barcode"].str.strip()
    patients = barcodes.map(patient_of)
    sample_left_out = patients.isna()
    for reason, rows in barcodes[sample_left_out].map(reason_of).value_counts().items():
        result.exclude(name, f"{EXCLUDED_SAMPLE} ({reason})", int(rows))

    chromosome = normalise_chromosome(frame["Chromosome"])
    bad_chromosome = chromosome.isna() & ~sample_left_out
    result.exclude(name, EXCLUDED_CHROMOSOME, int(bad_chromosome.sum()))
    keep = ~(sample_left_out | bad_chromosome)

    out = pd.DataFrame({
        "Hugo_Symbol": frame["Hugo_Symbol"].str.strip(),
        "Chromosome": chromosome,
        "Start_Position": frame["Start_Position"].str.strip(),
        "End_Position": frame["End_Position"].str.strip(),
        "Reference_Allele": frame["Reference_Allele"].str.strip(),
        "Tumor_Seq_Allele2": frame["Tumor_Seq_Allele2"].str.strip(),
        "Variant_Classification": frame["Variant_Classification"].str.strip(),
        "Variant_Type": frame["Variant_Type"].str.strip(),
        "Tumor_Sample_Barcode": patients,
        "t_ref_count": ref_count,
        "t_alt_count": alt_count,
        "HGVSp_Short": protein,
        "Trinucleotide_Context": context,
    })[keep].reset_index(drop=True)
    result.tables["mutations"] = out[maf_output_columns()]
    return result


def import_maf(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import maf MAF [MAF ...]``: one or more MAFs -> ``mutations.maf``.

    Several MAFs (e.g. one per sample) are stacked; each is read and reported on its own.
    """
    if not inputs:
        raise ImportInputError("import maf needs at least one MAF file")
    read = [(path, *read_text_table(path, "\t")) for path in inputs]
    for path, frame, _ in read:
        require_columns(frame, MAF_REQUIRED, path, "MAF")
    barcodes = pd.Series(pd.unique(pd.concat(
        [frame["Tumor_Sample_Barcode"].str.strip() for _, frame, _ in read])))
    label = ", ".join(path.name for path, _, _ in read)
    resolution = resolve_sample_ids(barcodes, options, label)
    patient_of = {b: (None if pd.isna(p) else p)
                  for b, p in zip(barcodes, resolution.patient_ids, strict=True)}
    reason_of = dict(zip(barcodes, resolution.reasons, strict=True))
    combined = ImportResult()
    frames = []
    for path, frame, skipped in read:
        one = convert_maf(frame, path, skipped, patient_of, reason_of)
        frames.append(one.tables.pop("mutations"))
        combined = combined.merge(one)
    combined.notes.extend(resolution.notes)
    combined.notes.extend(f"{label}: {count} sample(s) left out: {reason}"
                          for reason, count in resolution.excluded.items())
    combined.tables["mutations"] = pd.concat(frames, ignore_index=True)
    return combined
