"""``calcomics hrd``: scarHRD scores of a user's segment file (the file reading and the command;
the scoring is :func:`calcomics.methods.hrd.hrd_scores`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from calcomics.commands.hrd_options import HRD_DESCRIPTION, add_hrd_arguments
from calcomics.methods.hrd import (
    SEGMENT_COLUMNS,
    SegmentFileError,
    _frame_problems,
    _Problem,
    _raise_problems,
    hrd_scores,
)

__all__ = ["hrd_main", "read_segments"]


def read_segments(path: str | Path, *, allow_reversed: bool = False) -> pd.DataFrame:
    """Read a scarHRD text segment file (tab-separated, one header line, columns by position).

    Columns 1-8 are SampleID, Chromosome, Start_position, End_position, total_cn, A_cn,
    B_cn, ploidy whatever the header says (as ``read.table`` + positional indexing in
    scar_score); extra columns are ignored and blank lines skipped. Returns the columns
    ``SEGMENT_COLUMNS`` (positions and copy numbers int64, ploidy float64, NaN when not a
    number) in file order. Malformed input raises :class:`SegmentFileError` naming the file,
    the 1-based file line and the rule broken, for the first few problems at once.

    ``allow_reversed=True`` accepts segments with end_position < start_position, which
    scarHRD itself reads without complaint (its own example ``test2.txt`` has one, line 168):
    their negative length puts them below every size threshold, so they only matter
    through merging (end = max) and arm membership, exactly as in R. Reversed segments are
    left out of the overlap check.
    """
    path = Path(path)
    source = path.name
    text = path.read_text(encoding="utf-8", errors="replace")
    numbered = [
        (number, line.rstrip("\r"))
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]
    if not numbered:
        raise SegmentFileError([f"{source} line 1: empty file (expected a header line)"], source)
    header_line, header = numbered[0]
    width = len(SEGMENT_COLUMNS)
    n_header = len(header.split("\t"))
    if n_header < width:
        raise SegmentFileError(
            [f"{source} line {header_line}: header has {n_header} column(s), expected at "
             f"least {width} (SampleID, Chromosome, Start_position, End_position, total_cn, "
             "A_cn, B_cn, ploidy)"],
            source,
        )
    problems: list[_Problem] = []
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, line in numbered[1:]:
        fields = line.split("\t")
        if len(fields) < width:
            problems.append(
                _Problem(
                    number, 0,
                    f"{source} line {number}: expected at least {width} tab-separated "
                    f"columns, found {len(fields)}",
                )
            )
            continue
        rows.append(fields[:width])
        lines.append(number)
    raw = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS), dtype=object)
    frame_problems, typed = _frame_problems(
        raw, np.asarray(lines, dtype=np.int64), source, allow_reversed
    )
    _raise_problems(problems + frame_problems, source)
    return typed




def _hrd_parser() -> argparse.ArgumentParser:
    return add_hrd_arguments(
        argparse.ArgumentParser(prog="calcomics hrd", description=HRD_DESCRIPTION)
    )


def hrd_main(argv: list[str] | None = None) -> int:
    """``calcomics hrd SEGMENTS.tsv [--reference grch38|grch37] [--strict]``.

    A drop-in for ``scar_score(seqz=FALSE)``: segments with end < start (scarHRD's own
    example has one) are scored as scarHRD scores them, with a warning naming each line on
    stderr; ``--strict`` rejects them instead. Every other malformed input is an error. Writes a
    tab-separated table (header ``sample_id hrd_loh tai lst hrd_sum``) to stdout; on malformed
    or unreadable input prints the error to stderr and returns 2.
    """
    try:
        args = _hrd_parser().parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), as an exit code
        return exit_.code if isinstance(exit_.code, int) else 2
    return run_hrd(args)


def run_hrd(args: argparse.Namespace) -> int:
    """Score ``args.segments`` (options of :func:`add_hrd_arguments`); exit code."""
    allow_reversed = not args.strict
    try:
        frame = read_segments(args.segments, allow_reversed=allow_reversed)
    except SegmentFileError as error:
        print(str(error), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{args.segments}: cannot read ({error.strerror or error})", file=sys.stderr)
        return 2
    reversed_rows = frame.index[frame["end_position"] < frame["start_position"]]
    for row in reversed_rows:
        print(
            f"warning: {Path(args.segments).name} line {row + 2}: end_position "
            f"({frame.at[row, 'end_position']}) < start_position "
            f"({frame.at[row, 'start_position']}); scored as scarHRD does (use --strict to "
            "reject)",
            file=sys.stderr,
        )
    scores = hrd_scores(frame, args.reference, allow_reversed=allow_reversed)
    table = scores.to_csv(sep="\t", index=False, lineterminator="\n")
    if args.output is None:
        sys.stdout.write(table)
        return 0
    try:
        Path(args.output).write_text(table)
    except OSError as error:
        print(f"{args.output}: cannot write ({error.strerror or error})", file=sys.stderr)
        return 4
    if not getattr(args, "quiet", False):
        print(f"Wrote {args.output} ({len(scores)} samples)", file=sys.stderr)
    return 0
