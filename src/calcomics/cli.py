"""Command line: ``calcomics synth | validate | build``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _cmd_synth(args: argparse.Namespace) -> int:
    from calcomics.synth.cohort import generate_cohort, write_cohort

    started = time.perf_counter()
    cohort = generate_cohort(args.patients, args.seed)
    paths = write_cohort(cohort, Path(args.out))
    print(
        f"Wrote a demo cohort of {len(cohort.clinical)} patients (seed {args.seed}) to "
        f"{args.out} in {time.perf_counter() - started:.1f} s:"
    )
    for name, path in paths.items():
        print(f"  {name:<22} {path}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from calcomics.build import default_raw_dir, find_project_dir
    from calcomics.validation.raw_files import validate_raw_dir

    raw_dir = Path(args.raw_dir) if args.raw_dir else default_raw_dir(find_project_dir())
    report = validate_raw_dir(raw_dir)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 2


def _cmd_build(args: argparse.Namespace) -> int:
    from calcomics.build import (
        BuildError,
        build_warehouse,
        default_raw_dir,
        default_warehouse,
        find_project_dir,
    )
    from calcomics.validation.raw_files import RawDataError

    project_dir = Path(args.project_dir).resolve() if args.project_dir else find_project_dir()
    raw_dir = Path(args.raw_dir) if args.raw_dir else default_raw_dir(project_dir)
    warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(project_dir)
    try:
        result = build_warehouse(
            project_dir, raw_dir, warehouse,
            demo_patients=args.demo_patients, demo_seed=args.demo_seed,
        )
    except RawDataError as error:
        print(str(error), file=sys.stderr)
        return 2
    except BuildError as error:
        print(str(error), file=sys.stderr)
        return 1
    if result.generated_demo:
        print(f"{raw_dir} was empty: generated the demo cohort there.")
    counts = ", ".join(f"{k}={v}" for k, v in sorted(result.counts.items()))
    print(f"Warehouse ready: {result.warehouse} ({result.seconds:.1f} s; {counts})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calcomics",
        description="Mammographic calcification multi-omics warehouse (DuckDB + dbt).",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    synth = sub.add_parser("synth", help="write a realistic demo cohort of raw files")
    synth.add_argument("--out", required=True, help="folder to write the raw files into")
    synth.add_argument("--patients", type=int, default=316, help="cohort size (default 316)")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.set_defaults(func=_cmd_synth)

    validate = sub.add_parser("validate", help="check raw files (Great Expectations suites)")
    validate.add_argument(
        "--raw-dir", help="raw-data folder (default $CALCOMICS_RAW_DIR or data/raw)"
    )
    validate.set_defaults(func=_cmd_validate)

    build = sub.add_parser(
        "build", help="validate raw files and dbt build the warehouse (demo cohort if empty)"
    )
    build.add_argument(
        "--raw-dir", help="raw-data folder (default $CALCOMICS_RAW_DIR or data/raw)"
    )
    build.add_argument(
        "--warehouse", help="DuckDB file (default $CALCOMICS_DUCKDB_PATH or warehouse.duckdb)"
    )
    build.add_argument("--project-dir", help="dbt project folder (default: found from cwd)")
    build.add_argument("--demo-patients", type=int, default=316)
    build.add_argument("--demo-seed", type=int, default=0)
    build.set_defaults(func=_cmd_build)

    hrd = sub.add_parser(
        "hrd", help="scarHRD scores (HRD-LOH, TAI, LST, HRD-sum) of a segment file",
        add_help=False,
    )
    hrd.add_argument("hrd_args", nargs=argparse.REMAINDER,
                     help="SEGMENTS.tsv [--reference grch38|grch37] [--strict]")

    def _cmd_hrd(args: argparse.Namespace) -> int:
        from calcomics.hrd import hrd_main

        return hrd_main(args.hrd_args)

    hrd.set_defaults(func=_cmd_hrd)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
