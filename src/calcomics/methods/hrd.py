"""Genomic-scar HRD scores exactly as scarHRD computes them from a segment text file.

Reference behaviour: ``scarHRD::scar_score(seg, reference, seqz = FALSE)`` (github.com/
sztup/scarHRD, HEAD c98f8bc; ``R/scar_score.R``, ``preprocess.hrd.R``, ``calc.hrd.R``,
``calc.ai_new.R``, ``calc.lst.R``, ``shrink.seg.ai*.R``), as specified in the project's
ALGORITHMS.md §2. Each sample is scored on its own (as if the file held that sample only):

* **HRD-LOH** — LOH segments longer than 15 Mb (strict) outside whole-chromosome LOH;
* **TAI** — telomeric allelic imbalances (segments of at least 1 Mb);
* **LST** — large-scale state transitions (≥ 10 Mb neighbours, < 3 Mb apart, after
  removing < 3 Mb segments arm by arm);
* **HRD-sum** = HRD-LOH + TAI + LST.

The reference quirks are kept on purpose: columns are taken by position; the internal
column c6 keeps ``A_cn`` (the file's A allele, *before* the major/minor swap) and is what
the TAI step uses as the per-chromosome "ploidy"; consecutive segments with the same
(major, minor) are merged regardless of the gap between them; there is no chr17 exclusion
and no 11 Mb TAI size rule; the ``ploidy`` column is carried along but never used.

Points the reference leaves open, resolved here:

* ``End_position < Start_position`` is reported as malformed input unless
  ``allow_reversed=True``; scarHRD reads such rows silently (its own ``test2.txt`` has one),
  and with the option they are scored exactly as R does.
* Chromosome names with and without ``chr`` are the same chromosome (R would treat
  ``"chr1"`` and ``"1"`` in one file as two); overlapping segments are rejected, segments
  sharing an end point are not.
* When a sample has no non-zero A_cn among its >= 1 Mb segments, R's per-chromosome
  "ploidy" is NA and ``calc.ai_new`` either stops or counts NA rows; here every such
  segment is coded imbalanced (AI 2) before the centromere rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from calcomics.reference import centromeres

__all__ = [
    "REFERENCES",
    "SCORE_COLUMNS",
    "SEGMENT_COLUMNS",
    "Segment",
    "SegmentFileError",
    "allelic_imbalance_codes",
    "chromosome_key",
    "chromosome_ploidy",
    "count_transitions",
    "hrd_loh",
    "hrd_scores",
    "large_scale_transitions",
    "preprocess",
    "score_sample",
    "shrink",
    "smooth_arm",
    "split_arms",
    "telomeric_ai",
    "telomeric_codes",
    "validate_segments",
]

SEGMENT_COLUMNS: tuple[str, ...] = (
    "sample_id",
    "chromosome",
    "start_position",
    "end_position",
    "total_cn",
    "a_cn",
    "b_cn",
    "ploidy",
)
SCORE_COLUMNS: tuple[str, ...] = ("sample_id", "hrd_loh", "tai", "lst", "hrd_sum")
REFERENCES: tuple[str, ...] = ("grch38", "grch37")

LOH_SIZE_LIMIT = 15e6  # scar_score(sizelimitLOH = 15e6); calc.hrd keeps end - start > limit
AI_MIN_SIZE = 1e6  # calc.ai_new(min.size = 1e6); keeps end - start >= min.size
LST_SMOOTH_SIZE = 3e6  # calc.lst: segments < 3 Mb are removed one at a time
LST_MIN_SIZE = 10e6  # calc.lst: both neighbours >= 10 Mb
LST_MAX_GAP = 3e6  # calc.lst: start_k - end_(k-1) < 3 Mb
# calc.ai_new: ploidy %in% c(1, seq(2, 200, by = 2)) selects the "major == minor" rule.
BALANCED_PLOIDIES: frozenset[int] = frozenset({1, *range(2, 201, 2)})

AUTOSOMES: tuple[str, ...] = tuple(str(i) for i in range(1, 23))
SEX_CHROMOSOMES: tuple[str, ...] = ("X", "Y", "23", "24")  # dropped by preprocess.hrd
MAX_REPORTED_PROBLEMS = 10
_INTEGER_COLUMNS: tuple[str, ...] = (
    "start_position",
    "end_position",
    "total_cn",
    "a_cn",
    "b_cn",
)
_COPY_NUMBER_COLUMNS: tuple[str, ...] = ("total_cn", "a_cn", "b_cn")


# --------------------------------------------------------------------------- input checks


class SegmentFileError(ValueError):
    """Malformed scarHRD segment input; the message has one line per problem found."""

    def __init__(self, problems: Sequence[str], source: str = "segments", hidden: int = 0):
        self.problems = list(problems)
        lines = list(self.problems)
        if hidden:
            lines.append(f"{source}: ... and {hidden} more problem(s) not shown")
        super().__init__("\n".join(lines))


class _Problem(NamedTuple):
    line: int
    rule: int
    text: str


def chromosome_key(name: object) -> str | None:
    """Canonical chromosome name: ``"1"``..``"22"``, ``"X"``, ``"Y"``, ``"23"``, ``"24"``.

    Accepts names with or without a ``chr`` prefix (scarHRD's drop list also has lower-case
    ``x``/``y``); returns None for anything else (e.g. ``chrM``, ``25``, ``01``).
    """
    text = str(name)
    if text.startswith("chr"):
        text = text[3:]
    text = text.upper() if text in ("x", "y") else text
    if text in AUTOSOMES or text in SEX_CHROMOSOMES:
        return text
    return None


def _raise_problems(problems: list[_Problem], source: str) -> None:
    if not problems:
        return
    problems = sorted(problems)
    shown = [p.text for p in problems[:MAX_REPORTED_PROBLEMS]]
    raise SegmentFileError(shown, source, hidden=len(problems) - len(shown))


def _integer_column(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(int64 values, ok mask): ok where the value is a finite number with no fraction."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(numbers) & (numbers == np.floor(numbers))
    return np.where(ok, numbers, 0).astype(np.int64), ok


def _overlap_problems(
    samples: np.ndarray,
    keys: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    lines: np.ndarray,
    chroms: np.ndarray,
    source: str,
) -> list[_Problem]:
    """Segments of one sample and chromosome that overlap (a shared end point is allowed)."""
    problems: list[_Problem] = []
    order = np.lexsort((lines, starts, pd.factorize(keys)[0], pd.factorize(samples)[0]))
    previous: tuple[object, object] | None = None
    reach_end, reach_row = 0, -1
    for row in order.tolist():
        group = (samples[row], keys[row])
        if group != previous:
            previous, reach_end, reach_row = group, int(ends[row]), row
            continue
        if starts[row] < reach_end:
            first, second = sorted((row, reach_row), key=lambda r: lines[r])
            problems.append(
                _Problem(
                    int(lines[second]),
                    7,
                    f"{source} line {lines[second]}: segment {chroms[second]}:"
                    f"{starts[second]}-{ends[second]} of sample {samples[second]} overlaps "
                    f"line {lines[first]} ({chroms[first]}:{starts[first]}-{ends[first]})",
                )
            )
        if ends[row] > reach_end:
            reach_end, reach_row = int(ends[row]), row
    return problems


def _frame_problems(
    frame: pd.DataFrame, lines: np.ndarray, source: str, allow_reversed: bool = False
) -> tuple[list[_Problem], pd.DataFrame]:
    """Apply the segment rules to the eight named columns; return (problems, typed frame).

    Rules, in the order reported for one line: integer positions and copy numbers,
    end >= start, no negative copy number, min(A_cn, B_cn) <= total_cn, a known chromosome,
    and no overlap with another segment of the same sample and chromosome.
    """
    problems: list[_Problem] = []
    alleles = frame[["a_cn", "b_cn"]].astype(str).apply(lambda c: c.str.strip())
    if len(frame) and alleles.isin(["", "nan", "NA", "None"]).all(axis=None):
        # Total copy number only (.seg, OncoScan ChAS): one message, not one per line.
        return [_Problem(int(lines[0]), 0,
                         f"{source}: A_cn and B_cn are empty on every line (total copy number "
                         "only); HRD-LOH, TAI and LST need allele-specific copy number. Such "
                         "segments still give CIN and gene copy number in `calcomics build`, "
                         "where HRD is reported as not computable")], frame
    parsed: dict[str, np.ndarray] = {}
    ok: dict[str, np.ndarray] = {}
    for column in _INTEGER_COLUMNS:
        parsed[column], ok[column] = _integer_column(frame[column])
        for i in np.flatnonzero(~ok[column]).tolist():
            raw = frame[column].iloc[i]
            problems.append(
                _Problem(
                    int(lines[i]), 1,
                    f"{source} line {lines[i]}: {column} is not an integer ('{raw}')",
                )
            )
    start, end = parsed["start_position"], parsed["end_position"]
    positions_ok = ok["start_position"] & ok["end_position"]
    reversed_ = positions_ok & (end < start)
    for i in np.flatnonzero(reversed_ & (not allow_reversed)).tolist():
        problems.append(
            _Problem(
                int(lines[i]), 2,
                f"{source} line {lines[i]}: end_position ({end[i]}) < start_position "
                f"({start[i]})",
            )
        )
    for column in _COPY_NUMBER_COLUMNS:
        for i in np.flatnonzero(ok[column] & (parsed[column] < 0)).tolist():
            problems.append(
                _Problem(
                    int(lines[i]), 3,
                    f"{source} line {lines[i]}: negative copy number {column} "
                    f"({parsed[column][i]})",
                )
            )
    total, minor = parsed["total_cn"], np.minimum(parsed["a_cn"], parsed["b_cn"])
    cn_ok = ok["total_cn"] & ok["a_cn"] & ok["b_cn"]
    for i in np.flatnonzero(cn_ok & (minor > total)).tolist():
        problems.append(
            _Problem(
                int(lines[i]), 4,
                f"{source} line {lines[i]}: minor allele copy number min(a_cn, b_cn) "
                f"({minor[i]}) > total_cn ({total[i]})",
            )
        )
    chroms = frame["chromosome"].astype(str).to_numpy()
    key_of = {name: chromosome_key(name) or "" for name in pd.unique(chroms)}
    keys = np.array([key_of[name] for name in chroms], dtype=object)
    for i in np.flatnonzero(keys == "").tolist():
        problems.append(
            _Problem(
                int(lines[i]), 5,
                f"{source} line {lines[i]}: unknown chromosome '{chroms[i]}' (expected 1-22, "
                "X, Y, 23 or 24, with or without 'chr')",
            )
        )
    samples = frame["sample_id"].astype(str).to_numpy()
    usable = np.flatnonzero(positions_ok & (end >= start) & (keys != ""))
    problems += _overlap_problems(
        samples[usable], keys[usable], start[usable], end[usable], lines[usable],
        chroms[usable], source,
    )
    typed = pd.DataFrame(
        {
            "sample_id": samples,
            "chromosome": chroms,
            **{column: parsed[column] for column in _INTEGER_COLUMNS},
            "ploidy": pd.to_numeric(frame["ploidy"], errors="coerce")
            .astype("float64")
            .to_numpy(),
        }
    )
    return problems, typed[list(SEGMENT_COLUMNS)]


def _checked(frame: pd.DataFrame, source: str, allow_reversed: bool) -> pd.DataFrame:
    """Typed copy of a segment frame (lines = row position + 2), or raise the problems."""
    columns = _with_segment_columns(frame, source)
    problems, typed = _frame_problems(
        columns, np.arange(len(columns)) + 2, source, allow_reversed
    )
    _raise_problems(problems, source)
    return typed


def _with_segment_columns(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The eight segment columns: by name if all present, else the first eight by position."""
    if all(column in frame.columns for column in SEGMENT_COLUMNS):
        return frame[list(SEGMENT_COLUMNS)]
    if frame.shape[1] >= len(SEGMENT_COLUMNS):
        renamed = frame.iloc[:, : len(SEGMENT_COLUMNS)].copy()
        renamed.columns = list(SEGMENT_COLUMNS)
        return renamed
    missing = [column for column in SEGMENT_COLUMNS if column not in frame.columns]
    raise SegmentFileError(
        [f"{source}: missing column(s) {', '.join(missing)} (expected "
         f"{', '.join(SEGMENT_COLUMNS)})"],
        source,
    )


def validate_segments(
    frame: pd.DataFrame, source: str = "segments", *, allow_reversed: bool = False
) -> None:
    """Check a segment frame with the rules of :func:`calcomics.commands.hrd.read_segments`.

    Columns are taken by name (``SEGMENT_COLUMNS``) or, failing that, the first eight by
    position as scarHRD does. Problem line numbers are the 0-based row position + 2 (the
    row's line in a file with one header line).
    """
    _checked(frame, source, allow_reversed)


# --------------------------------------------------------------------------- scarHRD steps


class Segment(NamedTuple):
    """One segment as scarHRD holds it (columns c3-c8 of the internal table)."""

    start: int  # c3
    end: int  # c4
    c5: int  # total_cn (summed when segments merge)
    c6: int  # A_cn as read, before the allele swap (TAI "ploidy")
    major: int  # c7 after the swap
    minor: int  # c8 after the swap


def shrink(segments: Sequence[Segment]) -> list[Segment]:
    """``shrink.seg.ai``: merge runs of consecutive segments with equal (major, minor).

    The merged segment keeps the first segment's start and other columns, takes the largest
    end and the summed c5; gaps between the merged segments are ignored.
    """
    merged: list[Segment] = []
    for segment in segments:
        last = merged[-1] if merged else None
        if last is not None and (last.major, last.minor) == (segment.major, segment.minor):
            merged[-1] = last._replace(end=max(last.end, segment.end), c5=last.c5 + segment.c5)
        else:
            merged.append(segment)
    return merged


def preprocess(rows: Iterable[tuple[str, int, int, int, int, int]]) -> dict[str, list[Segment]]:
    """``preprocess.hrd`` for one sample: drop X/Y/23/24, swap so major >= minor, shrink.

    ``rows`` are (chromosome key, start, end, total_cn, A_cn, B_cn) in file order. The
    result maps each autosome (first-appearance order) to its segments in file order, as
    ``shrink.seg.ai.wrapper`` regroups them.
    """
    chromosomes: dict[str, list[Segment]] = {}
    for chrom, start, end, total, a_cn, b_cn in rows:
        if chrom in SEX_CHROMOSOMES:
            continue
        major, minor = (b_cn, a_cn) if b_cn > a_cn else (a_cn, b_cn)
        chromosomes.setdefault(chrom, []).append(Segment(start, end, total, a_cn, major, minor))
    return {chrom: shrink(segments) for chrom, segments in chromosomes.items()}


def chromosome_loh(segments: Sequence[Segment]) -> int:
    """``calc.hrd`` on one chromosome: LOH segments > 15 Mb (strict).

    A chromosome whose segments all have minor == 0 is whole-chromosome LOH and scores 0.
    Otherwise major <- min(major, 1), re-shrink, and count segments with minor == 0 and
    major != 0 (homozygous deletions are not LOH) and end - start > 15e6.
    """
    if all(segment.minor == 0 for segment in segments):
        return 0
    capped = shrink([segment._replace(major=min(segment.major, 1)) for segment in segments])
    return sum(
        1
        for segment in capped
        if segment.minor == 0 and segment.major != 0 and segment.end - segment.start
        > LOH_SIZE_LIMIT
    )


def hrd_loh(chromosomes: dict[str, list[Segment]]) -> int:
    """HRD-LOH of one preprocessed sample (no chr17 exclusion)."""
    return sum(chromosome_loh(segments) for segments in chromosomes.values())


def drop_small_segments(chromosomes: dict[str, list[Segment]]) -> dict[str, list[Segment]]:
    """``calc.ai_new`` first step: keep segments with end - start >= 1 Mb, then shrink."""
    kept = {
        chrom: [segment for segment in segments if segment.end - segment.start >= AI_MIN_SIZE]
        for chrom, segments in chromosomes.items()
    }
    return {chrom: shrink(segments) for chrom, segments in kept.items() if segments}


def c6_values(chromosomes: dict[str, list[Segment]]) -> list[int]:
    """Distinct c6 (A_cn) values of the sample in first-appearance order (``unique``)."""
    return list(dict.fromkeys(s.c6 for segments in chromosomes.values() for s in segments))


def chromosome_ploidy(segments: Sequence[Segment], c6_order: Sequence[int]) -> int | None:
    """``calc.ai_new`` (ploidyByChromosome = TRUE) per-chromosome "ploidy".

    For every sample-wide c6 value k except 0 (in ``c6_order``) sum end - start over this
    chromosome's segments with c6 == k (0 if none); the value with the largest sum wins,
    ties going to the earliest value in ``c6_order`` (stable decreasing ``order``). None
    when the sample has no non-zero c6 value (R gets NA there).
    """
    best, best_length = None, -1
    for value in c6_order:
        if value == 0:
            continue
        length = sum(s.end - s.start for s in segments if s.c6 == value)
        if length > best_length:
            best, best_length = value, length
    return best


def allelic_imbalance_codes(segments: Sequence[Segment], ploidy: int | None) -> list[int]:
    """AI code per segment before the centromere rules: 0 = balanced, 2 = imbalanced.

    If the ploidy is 1 or even (2..200): balanced iff major == minor. Otherwise balanced
    iff major + minor == ploidy and minor != 0. With no ploidy (None) every segment is
    coded imbalanced.
    """
    if ploidy in BALANCED_PLOIDIES:
        return [0 if s.major == s.minor else 2 for s in segments]
    return [
        0 if ploidy is not None and s.major + s.minor == ploidy and s.minor != 0 else 2
        for s in segments
    ]


def telomeric_codes(
    codes: Sequence[int], segments: Sequence[Segment], centromere: tuple[int, int]
) -> list[int]:
    """Centromere rules of ``calc.ai_new``: 1 = telomeric AI, 3 = whole-chromosome AI.

    With more than one segment: the first segment (code 2) ending before the centromere
    start, and the last segment (code 2) starting after the centromere end, become 1. A
    single segment with code != 0 becomes 3.
    """
    cent_start, cent_end = centromere
    out = list(codes)
    if len(segments) > 1:
        if codes[0] == 2 and segments[0].end < cent_start:
            out[0] = 1
        if codes[-1] == 2 and segments[-1].start > cent_end:
            out[-1] = 1
    elif len(segments) == 1 and codes[0] != 0:
        out[0] = 3
    return out


def telomeric_ai(
    chromosomes: dict[str, list[Segment]], centromere: dict[str, tuple[int, int]]
) -> int:
    """Telomeric AI count (``calc.ai_new`` column "Telomeric AI") of one preprocessed sample."""
    kept = drop_small_segments(chromosomes)
    order = c6_values(kept)
    total = 0
    for chrom, segments in kept.items():
        codes = allelic_imbalance_codes(segments, chromosome_ploidy(segments, order))
        total += telomeric_codes(codes, segments, centromere[chrom]).count(1)
    return total


def split_arms(
    segments: Sequence[Segment], centromere: tuple[int, int]
) -> tuple[list[Segment], list[Segment]]:
    """``calc.lst`` arm split: p = start <= centstart, q = end >= centend (both may hold a
    centromere-spanning segment); each arm shrunk, q's first start set to centend and p's
    last end set to centstart.
    """
    cent_start, cent_end = centromere
    p_arm = [s for s in segments if s.start <= cent_start]
    q_arm = shrink([s for s in segments if s.end >= cent_end])
    if q_arm:
        q_arm[0] = q_arm[0]._replace(start=cent_end)
    if p_arm:
        p_arm = shrink(p_arm)
        p_arm[-1] = p_arm[-1]._replace(end=cent_start)
    return p_arm, q_arm


def smooth_arm(arm: Sequence[Segment]) -> list[Segment]:
    """Repeatedly remove the *first* segment shorter than 3 Mb and re-shrink, until none."""
    current = list(arm)
    while True:
        short = next(
            (i for i, s in enumerate(current) if s.end - s.start < LST_SMOOTH_SIZE), None
        )
        if short is None:
            return current
        current = shrink(current[:short] + current[short + 1 :])


def count_transitions(arm: Sequence[Segment]) -> int:
    """Adjacent pairs both >= 10 Mb whose gap start_k - end_(k-1) is < 3 Mb."""
    return sum(
        1
        for left, right in zip(arm[:-1], arm[1:], strict=True)
        if left.end - left.start >= LST_MIN_SIZE
        and right.end - right.start >= LST_MIN_SIZE
        and right.start - left.end < LST_MAX_GAP
    )


def large_scale_transitions(
    chromosomes: dict[str, list[Segment]], centromere: dict[str, tuple[int, int]]
) -> int:
    """LST of one preprocessed sample (``calc.lst``, chr.arm = 'no'); chromosomes with
    fewer than two segments are skipped."""
    total = 0
    for chrom, segments in chromosomes.items():
        if len(segments) < 2:
            continue
        for arm in split_arms(segments, centromere[chrom]):
            total += count_transitions(smooth_arm(arm))
    return total


def score_sample(
    rows: Iterable[tuple[str, int, int, int, int, int]],
    centromere: dict[str, tuple[int, int]],
) -> tuple[int, int, int]:
    """(HRD-LOH, TAI, LST) of one sample's rows (chromosome key, start, end, total, A, B)."""
    chromosomes = preprocess(rows)
    return (
        hrd_loh(chromosomes),
        telomeric_ai(chromosomes, centromere),
        large_scale_transitions(chromosomes, centromere),
    )


def centromere_positions(reference: str = "grch38") -> dict[str, tuple[int, int]]:
    """Autosome key -> (centstart, centend) of scarHRD's chrominfo table."""
    if reference not in REFERENCES:
        raise ValueError(f"reference must be one of {', '.join(REFERENCES)}, not {reference!r}")
    table = centromeres(reference)
    positions = {
        chromosome_key(chrom): (int(start), int(end))
        for chrom, start, end in table[["chrom", "centstart", "centend"]].itertuples(
            index=False
        )
    }
    return {key: positions[key] for key in AUTOSOMES}


def hrd_scores(
    segments: pd.DataFrame, reference: str = "grch38", *, allow_reversed: bool = False
) -> pd.DataFrame:
    """scarHRD scores per sample: ``sample_id, hrd_loh, tai, lst, hrd_sum`` (ints).

    ``segments`` has the columns of :func:`read_segments` (or scarHRD's eight columns by
    position) and is validated first (``allow_reversed`` as in :func:`read_segments`). One
    row per sample in first-appearance order; a sample without autosomal segments scores 0
    everywhere. Equivalent to ``scar_score(seqz = FALSE)`` run on each sample separately.
    """
    centromere = centromere_positions(reference)
    typed = _checked(segments, "segments", allow_reversed)
    codes, sample_ids = pd.factorize(typed["sample_id"], sort=False)
    chroms = typed["chromosome"].to_numpy()
    key_of = {name: chromosome_key(name) for name in pd.unique(chroms)}
    table = list(
        zip(
            [key_of[name] for name in chroms],
            typed["start_position"].tolist(),
            typed["end_position"].tolist(),
            typed["total_cn"].tolist(),
            typed["a_cn"].tolist(),
            typed["b_cn"].tolist(),
            strict=True,
        )
    )
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(sample_ids) + 1))
    scores = []
    for s in range(len(sample_ids)):
        rows = [table[i] for i in order[bounds[s] : bounds[s + 1]].tolist()]
        loh, tai, lst = score_sample(rows, centromere)
        scores.append((str(sample_ids[s]), loh, tai, lst, loh + tai + lst))
    out = pd.DataFrame(scores, columns=list(SCORE_COLUMNS))
    return out.astype({column: "int64" for column in SCORE_COLUMNS[1:]})
