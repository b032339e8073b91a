"""Options of ``calcomics hrd`` (a light module: the CLI builds its parser without pandas)."""

from __future__ import annotations

import argparse

# calcomics.methods.hrd.REFERENCES (a test keeps them equal)
GENOME_REFERENCES: tuple[str, ...] = ("grch38", "grch37")

HRD_DESCRIPTION = "scarHRD scores (HRD-LOH, telomeric AI, LST, HRD-sum) of a segment file."


def add_hrd_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of ``calcomics hrd`` (shared by the CLI's subcommand and :func:`hrd_main`)."""
    parser.add_argument("segments", help="scarHRD text segment file (tab-separated, 8 columns)")
    parser.add_argument(
        "-o", "--output", default=None,
        help="write the scores to this tab-separated file (default: standard output)",
    )
    parser.add_argument(
        "--reference", choices=GENOME_REFERENCES, default="grch38",
        help="genome build of the centromeres (default grch38)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="reject segments with end < start (default: score them as scarHRD does and warn)",
    )
    return parser
