"""Copy-number adapters: ASCAT, OncoScan ChAS exports and ``.seg`` files -> ``segments.tsv``.

``segments.tsv`` is scarHRD's text layout (``SampleID, Chromosome, Start_position,
End_position, total_cn, A_cn, B_cn, ploidy``). Allele-specific copy number (``A_cn``,
``B_cn``) is written only where the input states it; otherwise the cells stay empty and the
warehouse marks the sample's HRD scores not computable (``fct_hrd_scores.hrd_status``) while
CIN, gene copy number and the alteration frequencies use total copy number.

* **ASCAT** (``sample, chr, startpos, endpos, nMajor, nMinor``): ``total_cn = nMajor +
  nMinor``, ``A_cn = nMajor``, ``B_cn = nMinor``. Ploidy from ``--option ploidy=FILE``
  (columns ``sample, ploidy``, as ASCAT's ``ascat.output$ploidy``), else from a ``ploidy``
  column of the segment file, else the length-weighted mean total copy number of the
  sample's segments (ASCAT averages over probes, so its own value can differ slightly).
* **OncoScan ChAS export** (``File, CN State, Type, Full Location``): ChAS lists calls only
  (``Gain``/``Loss`` with an integer ``CN State``; ``LOH`` with an empty one). The measured
  genome outside the calls is copy-number neutral, so the autosomal arms the array measures
  (OncoScan NA33 arm coverage, ``calcomics/data/oncoscan_na33_arm_coverage.bed``; override with
  ``--option coverage=FILE``) are filled with total copy number 2 where no call lies; regions
  the array does not measure (the short arms of 13, 14, 15, 21, 22, centromeres) get no
  segment, and sex chromosomes are not filled (their neutral state depends on sex).
  A call nested in a larger call overrides it over its own extent (a focal change inside a
  broad one); calls that partly overlap with different copy numbers are an error. ``LOH``
  marks its extent as loss of heterozygosity: ``B_cn = 0``, ``A_cn = total_cn`` (copy number
  2 where no Gain/Loss call lies: copy-neutral LOH). Where the total alone fixes the alleles
  (0 copies: 0/0; 1 copy: 1/0) they are written; elsewhere ``A_cn``/``B_cn`` stay empty.
  ``Full Location`` is read as ``chrN:start-end``; it must name the row's ``Chromosome``.
  Sample ids are the ``File`` names without ``.OSCHP``. ChAS NA33 coordinates are hg19.
* **``.seg``** (cBioPortal ``ID, chrom, loc.start, loc.end, num.mark, seg.mean``; GDC
  ``GDC_Aliquot, Chromosome, Start, End, Num_Probes, Segment_Mean``): ``seg.mean`` is a log2
  ratio to a diploid genome, so ``total_cn = floor(2 x 2^seg.mean + 0.5)`` (ploidy 2 assumed,
  rounded half up); alleles and ploidy stay empty.

Every format: chromosomes ``chr``-prefixed or not and ``23``/``24`` become ``chrX``/``chrY``;
other sequences are left out and counted; sample ids become patient ids as for every omics
format (:func:`calcomics.importers.common.resolve_sample_ids`: TCGA barcodes shortened,
non-primary samples left out); overlapping segments of one sample are an error naming both
lines. No segment is invented outside what the input covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
from calcomics.reference import data_path

SEGMENT_COLUMNS = ["SampleID", "Chromosome", "Start_position", "End_position", "total_cn",
                   "A_cn", "B_cn", "ploidy"]
MISSING = ("", "NA", "N/A", "NaN", "nan", ".")
CHROMOSOMES = tuple(f"chr{c}" for c in [*range(1, 23), "X", "Y"])
AUTOSOMES = CHROMOSOMES[:22]
ARMS = tuple(f"{c[3:]}{arm}" for c in CHROMOSOMES for arm in ("p", "q"))
ONCOSCAN_COVERAGE = "oncoscan_na33_arm_coverage.bed"
NEUTRAL_COPY_NUMBER = 2

EXCLUDED_CHROMOSOME = "segment not on chromosome 1-22, X or Y"
EXCLUDED_SAMPLE = "segment of a left-out sample"
ASCAT_REQUIRED = ["sample", "chr", "startpos", "endpos", "nMajor", "nMinor"]
CHAS_REQUIRED = ["File", "CN State", "Type", "Chromosome", "Full Location"]
CHAS_TYPES = {"gain": "Gain", "loss": "Loss", "loh": "LOH"}
# .seg column -> accepted header names (cBioPortal first, then GDC and common variants)
SEG_ALIASES: dict[str, tuple[str, ...]] = {
    "sample": ("ID", "GDC_Aliquot", "Sample", "sample"),
    "chromosome": ("chrom", "Chromosome", "chr", "chromosome"),
    "start": ("loc.start", "Start", "start"),
    "end": ("loc.end", "End", "end"),
    "log2_ratio": ("seg.mean", "Segment_Mean", "seg_mean"),
}


# --- shared steps ------------------------------------------------------------------------


def normalise_chromosome(values: pd.Series) -> pd.Series:
    """``chr``-prefixed chromosome (``23``/``24`` -> ``chrX``/``chrY``); null outside 1-22, X, Y.

    Examples
    --------
    >>> normalise_chromosome(pd.Series(["7", "chr23", "24", "MT", "chrx"])).tolist()
    ['chr7', 'chrX', 'chrY', None, 'chrX']
    """
    bare = values.astype(str).str.strip().str.replace(r"^(?i:chr)", "", regex=True).str.upper()
    named = "chr" + bare.replace({"23": "X", "24": "Y"})
    return named.astype(object).where(named.isin(CHROMOSOMES), None)


def _numbers(frame: pd.DataFrame, column: str, path: Path, skipped: int,
             integer: bool = False, minimum: float | None = None) -> pd.Series:
    """A required numeric column; an empty or non-numeric cell is an error naming the line."""
    raw = frame[column].str.strip()
    values = pd.to_numeric(raw.mask(raw.isin(MISSING)), errors="coerce")
    bad = values.isna() | ~np.isfinite(values)
    if integer:
        bad |= values.notna() & (values != np.round(values))
    if minimum is not None:
        bad |= values < minimum
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        kind = "a whole number" if integer else "a number"
        bound = f" >= {minimum:g}" if minimum is not None else ""
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column '{column}': "
                               f"expected {kind}{bound}, found {frame[column].iloc[row]!r}")
    return values


def _segment_frame(sample: pd.Series, chromosome: pd.Series, start: pd.Series, end: pd.Series,
                   total: pd.Series, allele_a: pd.Series, allele_b: pd.Series,
                   ploidy: pd.Series) -> pd.DataFrame:
    """The raw layout, typed: integers as nullable Int64 (empty cells stay empty)."""
    def plain(values: pd.Series, dtype: str) -> pd.Series:
        return values.astype(dtype).reset_index(drop=True)

    return pd.DataFrame({
        "SampleID": plain(sample, object), "Chromosome": plain(chromosome, object),
        "Start_position": plain(start, "Int64"), "End_position": plain(end, "Int64"),
        "total_cn": plain(total, "Int64"), "A_cn": plain(allele_a, "Int64"),
        "B_cn": plain(allele_b, "Int64"), "ploidy": plain(ploidy, "Float64"),
    })


def check_segments(segments: pd.DataFrame, lines: pd.Series, path: Path) -> None:
    """Raise when a segment ends before it starts or overlaps another of its sample.

    Segments sharing one end point are allowed (the warehouse allows them too).

    Parameters
    ----------
    segments : pandas.DataFrame
        Raw-layout segments.
    lines : pandas.Series
        File line of each segment (same index), named in the error.
    """
    reversed_rows = segments["End_position"] < segments["Start_position"]
    if reversed_rows.any():
        row = reversed_rows[reversed_rows].index[0]
        raise ImportInputError(f"{path}, line {lines[row]}: segment ends "
                               f"({segments.at[row, 'End_position']}) before it starts "
                               f"({segments.at[row, 'Start_position']})")
    ordered = segments.sort_values(["SampleID", "Chromosome", "Start_position",
                                    "End_position"], kind="stable")
    same = ((ordered["SampleID"] == ordered["SampleID"].shift())
            & (ordered["Chromosome"] == ordered["Chromosome"].shift()))
    reach = ordered.groupby(["SampleID", "Chromosome"], sort=False)["End_position"].transform(
        lambda ends: ends.cummax().shift())
    overlap = same & (ordered["Start_position"] < reach)
    if overlap.any():
        row = overlap[overlap].index[0]
        position = ordered.index.get_loc(row)
        previous = ordered.iloc[:position]
        earlier = previous[(previous["SampleID"] == ordered.at[row, "SampleID"])
                           & (previous["Chromosome"] == ordered.at[row, "Chromosome"])
                           & (previous["End_position"] > ordered.at[row, "Start_position"])]
        raise ImportInputError(
            f"{path}, lines {lines[earlier.index[0]]} and {lines[row]}: segments of sample "
            f"{ordered.at[row, 'SampleID']} overlap on {ordered.at[row, 'Chromosome']} "
            "(a segmentation has one copy number per position)")


def _finish(segments: pd.DataFrame, lines: pd.Series, path: Path, options: ImportOptions,
            result: ImportResult) -> ImportResult:
    """Sample ids -> patient ids, overlaps checked, sorted; the result's ``segments`` table."""
    file = path.name
    samples = pd.Series(pd.unique(segments["SampleID"]))
    resolution = resolve_sample_ids(samples, options, file)
    patient_of = dict(zip(samples, resolution.patient_ids, strict=True))
    patients = segments["SampleID"].map(patient_of)
    result.exclude(file, EXCLUDED_SAMPLE, int(patients.isna().sum()))
    result.notes.extend(resolution.notes)
    result.notes.extend(f"{file}: {count} sample(s) left out: {reason}"
                        for reason, count in resolution.excluded.items())
    kept = segments[patients.notna()].assign(SampleID=patients[patients.notna()])
    check_segments(kept, lines, path)
    order = kept["Chromosome"].map({c: i for i, c in enumerate(CHROMOSOMES)})
    kept = (kept.assign(_order=order)
            .sort_values(["SampleID", "_order", "Start_position"], kind="stable")
            .drop(columns="_order").reset_index(drop=True))
    result.tables["segments"] = kept[SEGMENT_COLUMNS]
    with_alleles = kept["A_cn"].notna() & kept["B_cn"].notna()
    total_only = (~with_alleles).groupby(kept["SampleID"]).all()
    if len(kept) and total_only.any():
        result.notes.append(
            f"{file}: {int(total_only.sum())} of {len(total_only)} sample(s) have total copy "
            "number only: their HRD scores are not computable (fct_hrd_scores.hrd_status); "
            "CIN and gene copy number are computed")
    return result


def _only_one(inputs: Sequence[Path], fmt: str) -> Path:
    if len(inputs) != 1:
        raise ImportInputError(f"import {fmt} takes one segment file, got {len(inputs)}")
    return Path(inputs[0])


def _keep_known_chromosomes(frame: pd.DataFrame, column: str, file: str,
                            result: ImportResult) -> tuple[pd.DataFrame, pd.Series]:
    chromosome = normalise_chromosome(frame[column])
    result.exclude(file, EXCLUDED_CHROMOSOME, int(chromosome.isna().sum()))
    keep = chromosome.notna()
    return frame[keep], chromosome[keep]


# --- ASCAT -------------------------------------------------------------------------------


def length_weighted_ploidy(segments: pd.DataFrame) -> pd.Series:
    """Per sample, the mean total copy number weighted by segment length (end - start + 1).

    Examples
    --------
    >>> s = pd.DataFrame({"SampleID": ["a", "a"], "Start_position": [1, 101],
    ...                   "End_position": [100, 400], "total_cn": [2, 4]})
    >>> length_weighted_ploidy(s).round(4).to_dict()
    {'a': 3.5}
    """
    length = (segments["End_position"] - segments["Start_position"] + 1).astype(float)
    weighted = (segments["total_cn"].astype(float) * length).groupby(segments["SampleID"]).sum()
    return weighted / length.groupby(segments["SampleID"]).sum()


def read_ploidy_table(path: Path) -> dict[str, float]:
    """``sample, ploidy`` table (tab- or comma-separated, with a header) -> sample -> ploidy."""
    path = Path(path)
    frame, skipped = read_text_table(path, "," if path.suffix.lower() == ".csv" else "\t")
    require_columns(frame, ["sample", "ploidy"], path, "ploidy table")
    ploidy = _numbers(frame, "ploidy", path, skipped, minimum=0)
    samples = frame["sample"].str.strip()
    repeated = samples[samples.duplicated()]
    if len(repeated):
        raise ImportInputError(f"{path}: sample(s) listed twice: {', '.join(repeated[:5])}")
    return dict(zip(samples, ploidy.astype(float), strict=True))


def convert_ascat(frame: pd.DataFrame, path: Path, skipped: int,
                  ploidy_of: dict[str, float] | None = None) -> tuple[pd.DataFrame, pd.Series,
                                                                        ImportResult]:
    """ASCAT segments -> raw layout (sample ids unchanged), file lines and report."""
    require_columns(frame, ASCAT_REQUIRED, path, "ASCAT segment table")
    result = ImportResult(rows_read={path.name: len(frame)})
    frame, chromosome = _keep_known_chromosomes(frame, "chr", path.name, result)
    start = _numbers(frame, "startpos", path, skipped, integer=True, minimum=0)
    end = _numbers(frame, "endpos", path, skipped, integer=True, minimum=0)
    major = _numbers(frame, "nMajor", path, skipped, integer=True, minimum=0)
    minor = _numbers(frame, "nMinor", path, skipped, integer=True, minimum=0)
    sample = frame["sample"].str.strip()
    segments = _segment_frame(sample, chromosome, start, end, major + minor, major, minor,
                              pd.Series(np.nan, index=frame.index))
    segments.index = frame.index
    if ploidy_of is not None:
        missing = sorted(set(sample) - set(ploidy_of))
        if missing:
            raise ImportInputError(f"ploidy table has no row for sample(s) "
                                   f"{', '.join(missing[:5])} of {path}")
        segments["ploidy"] = sample.map(ploidy_of).astype("Float64")
        result.notes.append(f"{path.name}: ploidy from the ploidy table")
    elif "ploidy" in frame.columns:
        segments["ploidy"] = _numbers(frame, "ploidy", path, skipped, minimum=0).astype(
            "Float64")
        result.notes.append(f"{path.name}: ploidy from its ploidy column")
    else:
        segments["ploidy"] = segments["SampleID"].map(
            length_weighted_ploidy(segments).round(4)).astype("Float64")
        result.notes.append(f"{path.name}: no ploidy given: ploidy = length-weighted mean "
                            "total copy number of each sample's segments")
    lines = pd.Series(frame.index.to_numpy() + skipped + 2, index=frame.index)
    return segments, lines, result


def import_ascat(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import ascat SEGMENTS [--option ploidy=FILE]`` -> ``segments.tsv``."""
    path = _only_one(inputs, "ascat")
    frame, skipped = read_text_table(path, "\t")
    ploidy_file = options.extra.get("ploidy")
    ploidy_of = read_ploidy_table(Path(ploidy_file)) if ploidy_file else None
    segments, lines, result = convert_ascat(frame, path, skipped, ploidy_of)
    return _finish(segments, lines, path, options, result)


# --- cBioPortal / GDC .seg -----------------------------------------------------------------


def total_copy_number_from_log2_ratio(log2_ratio: pd.Series) -> pd.Series:
    """``floor(2 x 2^log2_ratio + 0.5)``: copy number of a diploid genome, rounded half up.

    Examples
    --------
    >>> total_copy_number_from_log2_ratio(pd.Series([0.0, 0.585, -1.0, -6.0, 1.0])).tolist()
    [2, 3, 1, 0, 4]
    """
    return np.floor(NEUTRAL_COPY_NUMBER * np.power(2.0, log2_ratio) + 0.5).astype(np.int64)


def _seg_columns(frame: pd.DataFrame, path: Path) -> dict[str, str]:
    found = {}
    for role, names in SEG_ALIASES.items():
        match = next((name for name in names if name in frame.columns), None)
        if match is None:
            raise ImportInputError(
                f"{path}: not a .seg file: no {role} column (one of {', '.join(names)}; "
                f"found: {', '.join(frame.columns[:12])})")
        found[role] = match
    return found


def convert_seg(frame: pd.DataFrame, path: Path, skipped: int
                ) -> tuple[pd.DataFrame, pd.Series, ImportResult]:
    """``.seg`` rows -> raw layout with total copy number only, file lines and report."""
    columns = _seg_columns(frame, path)
    result = ImportResult(rows_read={path.name: len(frame)})
    frame, chromosome = _keep_known_chromosomes(frame, columns["chromosome"], path.name,
                                                result)
    start = _numbers(frame, columns["start"], path, skipped, integer=True, minimum=0)
    end = _numbers(frame, columns["end"], path, skipped, integer=True, minimum=0)
    log2_ratio = _numbers(frame, columns["log2_ratio"], path, skipped)
    empty = pd.Series(np.nan, index=frame.index)
    segments = _segment_frame(frame[columns["sample"]].str.strip(), chromosome, start, end,
                              total_copy_number_from_log2_ratio(log2_ratio), empty, empty,
                              empty)
    segments.index = frame.index
    result.notes.append(f"{path.name}: total copy number = floor(2 x 2^{columns['log2_ratio']}"
                        " + 0.5) (ploidy 2 assumed); no allele-specific copy number")
    lines = pd.Series(frame.index.to_numpy() + skipped + 2, index=frame.index)
    return segments, lines, result


def import_seg(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import seg FILE.seg`` (cBioPortal or GDC segment file) -> ``segments.tsv``."""
    path = _only_one(inputs, "seg")
    frame, skipped = read_text_table(path, "\t")
    segments, lines, result = convert_seg(frame, path, skipped)
    return _finish(segments, lines, path, options, result)


# --- OncoScan ChAS export ------------------------------------------------------------------


@dataclass(frozen=True)
class ChasCall:
    """One ChAS row: a Gain/Loss with its copy number, or an LOH extent."""

    line: int
    sample: str
    chromosome: str
    start: int
    end: int
    kind: str  # Gain, Loss or LOH
    copy_number: int | None


def read_arm_coverage(path: Path | None = None) -> pd.DataFrame:
    """Arms a platform measures: BED-like ``arm, start, end`` (no header), one row per arm.

    Default: the OncoScan NA33 (hg19) arm coverage shipped with calcomics.
    """
    path = Path(path) if path is not None else data_path(ONCOSCAN_COVERAGE)
    frame = pd.read_csv(path, sep="\t", header=None, names=["arm", "start", "end"],
                        dtype={"arm": str}, comment="#")
    unknown = sorted(set(frame["arm"]) - set(ARMS))
    if unknown:
        raise ImportInputError(f"{path}: unknown arm(s) {', '.join(unknown[:5])} "
                               "(expected e.g. 1p, 17q, Xq)")
    frame["chromosome"] = "chr" + frame["arm"].str[:-1]
    return frame


def parse_full_location(locations: pd.Series, path: Path, skipped: int) -> pd.DataFrame:
    """``chr7:129199300-129813700`` -> chromosome, start, end; an unreadable cell is an error."""
    parts = locations.str.strip().str.extract(r"^(?i:chr)?([0-9XYxy]+):([\d,]+)-([\d,]+)$")
    bad = parts.isna().any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column "
                               f"'Full Location': expected chrN:start-end, found "
                               f"{locations.iloc[row]!r}")
    return pd.DataFrame({
        "chromosome": normalise_chromosome(parts[0]),
        "start": parts[1].str.replace(",", "").astype(np.int64),
        "end": parts[2].str.replace(",", "").astype(np.int64),
    }, index=locations.index)


def read_chas_calls(frame: pd.DataFrame, path: Path, skipped: int) -> list[ChasCall]:
    """Every row of a ChAS segment export as a :class:`ChasCall`, checked."""
    require_columns(frame, CHAS_REQUIRED, path, "ChAS segment export")
    kinds = frame["Type"].str.strip().str.lower().map(CHAS_TYPES)
    if kinds.isna().any():
        row = int(np.flatnonzero(kinds.isna().to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column 'Type': "
                               f"{frame['Type'].iloc[row]!r} is not one of Gain, Loss, LOH")
    location = parse_full_location(frame["Full Location"], path, skipped)
    named = normalise_chromosome(frame["Chromosome"])
    differs = location["chromosome"] != named
    if differs.any():
        row = int(np.flatnonzero(differs.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}: 'Full Location' "
                               f"{frame['Full Location'].iloc[row]!r} is not on chromosome "
                               f"{frame['Chromosome'].iloc[row]!r}")
    state = frame["CN State"].str.strip()
    copy_number = pd.to_numeric(state.mask(state.isin(MISSING)), errors="coerce")
    needs_state = kinds.isin(["Gain", "Loss"])
    bad = needs_state & (copy_number.isna() | (copy_number < 0)
                         | (copy_number != np.round(copy_number)))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}, column 'CN State': "
                               f"a {kinds.iloc[row]} call needs a whole copy number >= 0, "
                               f"found {frame['CN State'].iloc[row]!r}")
    wrong_side = ((kinds == "Gain") & (copy_number <= NEUTRAL_COPY_NUMBER)) | (
        (kinds == "Loss") & (copy_number >= NEUTRAL_COPY_NUMBER))
    if wrong_side.any():
        row = int(np.flatnonzero(wrong_side.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}: a {kinds.iloc[row]} "
                               f"call with CN State {frame['CN State'].iloc[row]!r}")
    reversed_rows = location["end"] < location["start"]
    if reversed_rows.any():
        row = int(np.flatnonzero(reversed_rows.to_numpy())[0])
        raise ImportInputError(f"{path}, line {file_line(row, skipped)}: 'Full Location' ends "
                               "before it starts")
    samples = frame["File"].str.strip().str.replace(r"(?i)\.oschp$", "", regex=True)
    return [
        ChasCall(file_line(i, skipped), samples.iloc[i], location["chromosome"].iloc[i],
                 int(location["start"].iloc[i]), int(location["end"].iloc[i]), kinds.iloc[i],
                 None if kinds.iloc[i] == "LOH" else int(copy_number.iloc[i]))
        for i in range(len(frame))
    ]


def _contains(outer: ChasCall, inner: ChasCall) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _overlaps(a: ChasCall, b: ChasCall) -> bool:
    """Sharing more than one end point (ChAS locations touch at shared end points)."""
    return a.start < b.end and b.start < a.end


def resolve_nested_calls(calls: list[ChasCall], path: Path,
                         result: ImportResult) -> list[ChasCall]:
    """Gain/Loss calls of one sample and chromosome, largest first, checked for conflicts.

    A call inside a larger call overrides it over its extent (counted); a call inside one of
    the same copy number adds nothing (counted); calls that partly overlap with different
    copy numbers are an error naming both lines.
    """
    ordered = sorted(calls, key=lambda c: (-(c.end - c.start), c.start, c.line))
    for i, inner in enumerate(ordered):
        for outer in ordered[:i]:
            if not _overlaps(outer, inner):
                continue
            if not _contains(outer, inner):
                if outer.copy_number != inner.copy_number:
                    first, second = sorted((outer, inner), key=lambda c: c.line)
                    raise ImportInputError(
                        f"{path}, lines {first.line} and {second.line}: {first.kind} "
                        f"(CN {first.copy_number}) and {second.kind} (CN {second.copy_number}) "
                        f"calls of {inner.sample} overlap on {inner.chromosome} without one "
                        "containing the other")
            elif outer.copy_number == inner.copy_number:
                result.exclude(path.name, "call inside a call of the same copy number "
                               "(adds nothing)", 1)
            else:
                result.notes.append(
                    f"{path.name}: line {inner.line} (CN {inner.copy_number}) lies inside "
                    f"line {outer.line} (CN {outer.copy_number}): line {inner.line}'s copy "
                    "number is used over its extent")
    return ordered


def _allele_copy_numbers(total: int, is_loh: bool) -> tuple[int | None, int | None]:
    """(A_cn, B_cn) where the export fixes them: LOH, or a total of 0 or 1 copies."""
    if is_loh or total <= 1:
        return total, 0
    return None, None


def paint_chromosome(calls: list[ChasCall], loh: list[ChasCall],
                     coverage: pd.DataFrame, fill: bool) -> list[tuple[int, int, int, bool]]:
    """Segments (start, end, total_cn, is_loh) of one sample and chromosome.

    ``calls`` are the Gain/Loss calls ordered largest first (:func:`resolve_nested_calls`),
    ``loh`` the LOH extents, ``coverage`` the measured arms of the chromosome. Positions
    between breakpoints take the copy number of the smallest call containing them, else 2
    where covered (``fill``) or under an LOH call, else no segment; equal neighbours merge.
    """
    breakpoints = sorted({p for c in calls + loh for p in (c.start, c.end)}
                         | ({int(p) for p in coverage[["start", "end"]].to_numpy().ravel()}
                            if fill else set()))
    pieces: list[tuple[int, int, int, bool]] = []
    for left, right in zip(breakpoints[:-1], breakpoints[1:], strict=True):
        middle = (left + right) / 2
        containing = [c for c in calls if c.start <= middle <= c.end]
        is_loh = any(c.start <= middle <= c.end for c in loh)
        covered = fill and bool(((coverage["start"] <= middle)
                                 & (middle <= coverage["end"])).any())
        if containing:
            total = containing[-1].copy_number  # smallest (calls are largest first)
        elif covered or is_loh:
            total = NEUTRAL_COPY_NUMBER
        else:
            continue
        if pieces and pieces[-1][1] == left and pieces[-1][2:] == (total, is_loh):
            pieces[-1] = (pieces[-1][0], right, total, is_loh)
        else:
            pieces.append((left, right, total, is_loh))
    return pieces


def _note_nomenclature_mismatches(frame: pd.DataFrame, calls: list[ChasCall], path: Path,
                                  result: ImportResult) -> None:
    """Note Gain/Loss rows whose ISCN nomenclature (``...x7``) disagrees with ``CN State``."""
    if "Microarray Nomenclature" not in frame.columns:
        return
    stated = pd.to_numeric(frame["Microarray Nomenclature"].str.extract(r"\)x(\d+)\s*$")[0],
                           errors="coerce")
    lines = [c.line for i, c in enumerate(calls)
             if c.copy_number is not None and pd.notna(stated.iloc[i])
             and stated.iloc[i] != c.copy_number]
    if lines:
        result.notes.append(f"{path.name}: line(s) {', '.join(map(str, lines))}: the "
                            "'Microarray Nomenclature' copy number differs from 'CN State'; "
                            "'CN State' is used")


def convert_chas(frame: pd.DataFrame, path: Path, skipped: int,
                 coverage: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, ImportResult]:
    """ChAS calls -> painted segments (sample ids unchanged), their source lines, report."""
    result = ImportResult(rows_read={path.name: len(frame)})
    calls = read_chas_calls(frame, path, skipped)
    known = [c for c in calls if c.chromosome is not None]
    result.exclude(path.name, EXCLUDED_CHROMOSOME, len(calls) - len(known))
    by_place: dict[tuple[str, str], list[ChasCall]] = {}
    for call in known:
        by_place.setdefault((call.sample, call.chromosome), []).append(call)
    rows = []
    for sample in dict.fromkeys(c.sample for c in known):
        for chromosome in CHROMOSOMES:
            here = by_place.get((sample, chromosome), [])
            fill = chromosome in AUTOSOMES
            if not here and not fill:
                continue
            cn_calls = resolve_nested_calls([c for c in here if c.kind != "LOH"], path, result)
            loh = [c for c in here if c.kind == "LOH"]
            arms = coverage[coverage["chromosome"] == chromosome]
            lines = ",".join(str(c.line) for c in sorted(here, key=lambda c: c.line))
            for start, end, total, is_loh in paint_chromosome(cn_calls, loh, arms, fill):
                allele_a, allele_b = _allele_copy_numbers(total, is_loh)
                rows.append((sample, chromosome, start, end, total, allele_a, allele_b,
                             lines or "coverage"))
    table = pd.DataFrame(rows, columns=[*SEGMENT_COLUMNS[:7], "lines"])
    empty = pd.Series(np.nan, index=table.index)
    segments = _segment_frame(table["SampleID"], table["Chromosome"],
                              table["Start_position"], table["End_position"],
                              table["total_cn"], table["A_cn"].astype(float),
                              table["B_cn"].astype(float), empty)
    filled = int((table["lines"] == "coverage").sum())
    uncovered = sorted(set(ARMS) - set(coverage["arm"]) - {f"{c}{a}" for c in "XY"
                                                            for a in "pq"},
                       key=ARMS.index)
    result.notes.append(
        f"{path.name}: {len(calls)} call(s) painted on copy number 2; {filled} segment(s) of "
        f"chromosomes without a call filled from the measured arms; arms the array does not "
        f"measure get no segment ({', '.join(uncovered)}); allele-specific copy number only "
        "under LOH calls and where the total is 0 or 1 copies")
    _note_nomenclature_mismatches(frame, calls, path, result)
    builds = frame.get("Microarray Nomenclature", pd.Series(dtype=str)).str.extract(
        r"arr\[(\w+)\]")[0].dropna().unique()
    if len(builds):
        result.notes.append(f"{path.name}: coordinates are {', '.join(builds)}; the warehouse's "
                            "genes and cytobands are GRCh38 (lift the segments over first)")
    lines = table["lines"].where(table["lines"] != "coverage", "(arm coverage fill)")
    return segments, lines, result


def import_chas(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import chas EXPORT [--option coverage=BED]`` -> ``segments.tsv``."""
    path = _only_one(inputs, "chas")
    frame, skipped = read_text_table(path, "\t")
    coverage_file = options.extra.get("coverage")
    coverage = read_arm_coverage(Path(coverage_file) if coverage_file else None)
    segments, lines, result = convert_chas(frame, path, skipped, coverage)
    return _finish(segments, lines, path, options, result)
