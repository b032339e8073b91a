"""Command line: ``calcomics synth | validate | build | import | report | hrd | gsva | network``."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from calcomics import __version__

if TYPE_CHECKING:
    from calcomics.warehouse.file_modes import FileModes


def _file_modes(args: argparse.Namespace) -> FileModes:
    """``--group-readable`` or ``CALCOMICS_GROUP_READABLE`` (a bad value: SystemExit 2)."""
    from calcomics.warehouse.file_modes import file_modes

    try:
        return file_modes(True if args.group_readable else None)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        raise SystemExit(2) from None


def _os_error_message(error: OSError, *, reading: Path | None = None,
                      writing: Path | None = None) -> str:
    """One line for an operating-system error: the path, what went wrong, what to do.

    ``reading``: the input folder (only read); ``writing``: the output file or folder.
    """
    where = Path(error.filename) if error.filename else (writing or reading or Path.cwd())
    reason = error.strerror or str(error)
    folder = where.parent
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = (f"the disk holding {folder} is full (or the quota is used up): free space "
                "there (a build needs room for the new warehouse next to the old one) and "
                "run again")
    elif reading is not None and where.resolve().is_relative_to(Path(reading).resolve()):
        hint = (f"this user cannot read it: make {reading} and its files readable "
                f"(e.g. chmod -R u+rX {reading}); calcomics only reads that folder")
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = (f"this user cannot write in {folder}: make it writable, or choose another "
                "folder")
    elif error.errno == errno.ENOENT:
        hint = "it does not exist"
    else:
        hint = "check that the folder exists and is writable (and that the disk is not full)"
    return f"{where}: {reason}; {hint}"


def _cmd_synth(args: argparse.Namespace) -> int:
    from calcomics.progress import ProgressBar
    from calcomics.warehouse.build import write_demo_cohort
    from calcomics.warehouse.raw_layout import DEMO_MARKER

    started = time.perf_counter()
    bar = ProgressBar("calcomics synth", "steps", enabled=not args.quiet)
    try:
        paths = write_demo_cohort(Path(args.out), args.patients, args.seed, _file_modes(args),
                                  progress=bar)
    except OSError as error:
        bar.close()
        print(_os_error_message(error, writing=Path(args.out)), file=sys.stderr)
        return 4
    print(
        f"Wrote a demo cohort of {args.patients} patients (seed {args.seed}) to "
        f"{args.out} in {time.perf_counter() - started:.1f} s:"
    )
    for name, path in paths.items():
        print(f"  {name:<22} {path}")
    print(f"  {'provenance':<22} {Path(args.out) / DEMO_MARKER}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from calcomics.warehouse.build import default_raw_dir, find_project_dir
    from calcomics.warehouse.validation.raw_files import validate_raw_dir

    try:
        project_dir: Path | None = find_project_dir()
    except FileNotFoundError:
        project_dir = None  # outside a checkout: the packaged copy of the same rules
    if args.raw_dir:
        raw_dir = Path(args.raw_dir)
    elif project_dir is not None:
        raw_dir = default_raw_dir(project_dir)
    else:
        print("no raw folder: pass --raw-dir (or run inside the calcomics checkout)",
              file=sys.stderr)
        return 2
    scale = (_parse_vars(args.vars) or {}).get("expression_scale")
    report = validate_raw_dir(raw_dir, project_dir, expression_scale=scale)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 2


def _parse_vars(text: str | None) -> dict[str, object] | None:
    """``--vars`` as dbt takes it: a JSON / YAML mapping, e.g. '{expression_scale: counts}'."""
    if not text:
        return None
    import yaml

    parsed = yaml.safe_load(text)
    if not isinstance(parsed, dict):
        raise SystemExit(f"--vars must be a mapping such as '{{expression_scale: counts}}', "
                         f"got {text!r}")
    return parsed


def _build_vars(args: argparse.Namespace) -> dict[str, object] | None:
    """``--vars`` merged with the ``--grouping`` / ``--grouping-column`` shorthands."""
    dbt_vars = dict(_parse_vars(args.vars) or {})
    for name, value in (("grouping", args.grouping), ("grouping_column", args.grouping_column)):
        if value is None:
            continue
        if name in dbt_vars and dbt_vars[name] != value:
            raise SystemExit(f"--{name.replace('_', '-')} {value!r} contradicts --vars "
                             f"{name}: {dbt_vars[name]!r}")
        dbt_vars[name] = value
    return dbt_vars or None


def _cmd_build(args: argparse.Namespace) -> int:
    from calcomics.warehouse.build import (
        BuildError,
        BuildInterruptedError,
        BuildLockedError,
        BuildRefusedError,
        build_warehouse,
        default_raw_dir,
        default_warehouse,
        find_project_dir,
        raw_dir_is_configured,
    )
    from calcomics.warehouse.validation.raw_files import RawDataError

    project_dir = Path(args.project_dir).resolve() if args.project_dir else find_project_dir()
    raw_dir = Path(args.raw_dir) if args.raw_dir else default_raw_dir(project_dir)
    warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(project_dir)
    try:
        result = build_warehouse(
            project_dir, raw_dir, warehouse,
            demo=args.demo, generate_if_empty=not raw_dir_is_configured(args.raw_dir),
            demo_patients=args.demo_patients, demo_seed=args.demo_seed,
            dbt_vars=_build_vars(args), group_readable=True if args.group_readable else None,
            quiet=args.quiet,
        )
    except (BuildRefusedError, RawDataError) as error:
        print(str(error), file=sys.stderr)
        return 2
    except BuildError as error:
        print(str(error), file=sys.stderr)
        return 1
    except BuildLockedError as error:
        print(str(error), file=sys.stderr)
        return 5
    except BuildInterruptedError as error:
        print(str(error), file=sys.stderr)
        return 128 + error.signum
    except OSError as error:
        message = _os_error_message(error, reading=raw_dir, writing=warehouse)
        print(f"{message}. {warehouse} was not replaced.", file=sys.stderr)
        return 4
    if args.quiet:
        return 0
    if result.generated_demo:
        why = "--demo" if args.demo else "no raw folder was configured and it was empty"
        print(f"Generated the demo cohort ({args.demo_patients} patients, seed "
              f"{args.demo_seed}) in {raw_dir} ({why}).")
    origin = "synthetic demo cohort" if result.synthetic else "real data"
    counts = ", ".join(f"{k}={v}" for k, v in sorted(result.counts.items()))
    print(f"Warehouse ready: {result.warehouse} from {origin} in {raw_dir} "
          f"({result.seconds:.1f} s; {counts})")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from calcomics.importers.common import ImportInputError, ImportOptions
    from calcomics.importers.output import (
        IMPORT_RECORD,
        ImportRefusedError,
        sha256_of,
        write_import,
    )
    from calcomics.importers.registry import run_importer
    from calcomics.warehouse.build import find_project_dir
    from calcomics.warehouse.file_modes import creation_umask, restrict
    from calcomics.warehouse.raw_layout import RAW_FILES

    extra = {}
    for pair in args.option or []:
        key, sep, value = pair.partition("=")
        if not sep:
            print(f"--option must be KEY=VALUE, got {pair!r}", file=sys.stderr)
            return 2
        extra[key.strip()] = value.strip()
    options = ImportOptions(
        ids=args.ids, sample_map=Path(args.sample_map) if args.sample_map else None,
        duplicate_samples=args.duplicate_samples, scale=args.scale,
        mapping=Path(args.mapping) if args.mapping else None, extra=extra,
    )
    try:
        project_dir: Path | None = find_project_dir()
    except FileNotFoundError:
        project_dir = None  # outside a checkout: the packaged copy of the same rules
    inputs = [Path(p) for p in args.inputs]
    modes = _file_modes(args)
    out_created = not Path(args.out).exists()
    try:
        result = run_importer(args.format, inputs, options)
        record = {
            "format": args.format,
            "inputs": {str(p): sha256_of(p) for p in inputs if p.is_file()},
            "options": {k: (str(v) if v is not None else None)
                        for k, v in vars(options).items() if k != "extra"} | extra,
            "dbt_vars": result.dbt_vars,
        }
        with creation_umask(modes):
            outcome = write_import(result, Path(args.out), force=args.force,
                                   project_dir=project_dir, record=record)
        # replaced files and the appended provenance record get the modes too
        record_path = Path(args.out) / IMPORT_RECORD
        restrict([*outcome.written, *([record_path] if record_path.is_file() else []),
                  *([Path(args.out)] if out_created and outcome.written else [])], modes)
    except (ImportInputError, ImportRefusedError) as error:
        print(f"calcomics import {args.format}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"calcomics import {args.format}: {error.filename or args.out}: "
              f"{error.strerror or error}", file=sys.stderr)
        return 4
    print(result.summary())
    if not outcome.ok:
        print(outcome.report.summary(), file=sys.stderr)
        print(f"Nothing was written to {args.out}.", file=sys.stderr)
        return 2
    for path in outcome.written:
        print(f"Wrote {path}")
    if RAW_FILES["clinical"] in outcome.absent:
        print(f"Not validated yet: {args.out} has no clinical.csv, which every other raw file "
              "is checked against; import the clinical data, then run calcomics validate "
              f"--raw-dir {args.out}")
    else:
        print(outcome.report.summary())
    if result.dbt_vars:
        shown = ", ".join(f"{k}: {v}" for k, v in result.dbt_vars.items())
        print(f"Build with: calcomics build --raw-dir {args.out} --vars '{{{shown}}}'")
    return 0


def _add_quiet(parser: argparse.ArgumentParser, *, handles_itself: bool = False) -> None:
    """``-q``: print only warnings and errors (stderr). Commands whose stdout is data (hrd
    without -o) or that run subprocesses (build) honour it themselves; the others' stdout is
    silenced by :func:`main`."""
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only warnings and errors (no progress, no summary)")
    parser.set_defaults(quiet_handled=handles_itself)


def _add_group_readable(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--group-readable", action="store_true",
        help="files written readable by their group (0640, folders 0750) instead of by the "
        "owner only (0600 / 0700); also CALCOMICS_GROUP_READABLE=1",
    )


def _add_import_parser(sub) -> None:
    from calcomics.importers.registry import IMPORTERS

    formats = "\n".join(f"  {name:<11} {spec.help}" for name, spec in IMPORTERS.items())
    imp = sub.add_parser(
        "import", help="turn GDC/TCGA, cBioPortal and other formats into the raw layout",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Convert public formats into the raw files of the warehouse, validate "
        "them with the same rules as build, and write them into --out (docs/IMPORT.md).\n\n"
        f"formats:\n{formats}",
    )
    imp.add_argument("format", choices=sorted(IMPORTERS), help="input format")
    imp.add_argument("inputs", nargs="+", metavar="INPUT", help="input file(s) or folder")
    imp.add_argument("-o", "--out", required=True, metavar="RAW_DIR",
                     help="raw folder to write into")
    imp.add_argument("--force", action="store_true", help="replace raw files that exist")
    imp.add_argument("--ids", choices=["patient", "sample"], default="patient",
                     help="patient (default): TCGA barcodes shortened to patients, only "
                     "primary tumours (sample type 01) kept; sample: ids kept as they are")
    imp.add_argument("--sample-map", metavar="FILE",
                     help="two columns (sample id, patient id) mapping sample ids to patients")
    imp.add_argument("--duplicate-samples", choices=["error", "first"], default="error",
                     help="two samples of one patient: error (default) or keep the first id")
    imp.add_argument("--scale", choices=["counts", "tpm", "fpkm"],
                     help="expression scale (default: detected from the values)")
    imp.add_argument("--mapping", metavar="FILE",
                     help="clinical column mapping (YAML), see docs/IMPORT.md")
    imp.add_argument("--option", action="append", metavar="KEY=VALUE",
                     help="format-specific setting (repeatable)")
    _add_group_readable(imp)
    _add_quiet(imp)
    imp.set_defaults(func=_cmd_import)


def _cmd_network(args: argparse.Namespace) -> int:
    from calcomics.commands.network import network_from_warehouse, write_network
    from calcomics.methods.metabolomics import MetaboliteDataError
    from calcomics.warehouse.build import default_warehouse, find_project_dir

    try:
        warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(
            find_project_dir()
        )
        nodes, edges = network_from_warehouse(warehouse)
        path = write_network(nodes, edges, Path(args.out))
    except (MetaboliteDataError, FileNotFoundError) as error:
        print(f"calcomics network: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"calcomics network: cannot write {args.out}: {error}", file=sys.stderr)
        return 2
    print(f"Metabolite network from {warehouse}: {len(nodes)} nodes, {len(edges)} edges "
          f"-> {path}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from calcomics.report import ReportError, render_report
    from calcomics.warehouse.build import default_warehouse, find_project_dir

    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    try:
        warehouse = Path(args.warehouse) if args.warehouse else default_warehouse(
            find_project_dir())
        result = render_report(warehouse, Path(args.out), formats,
                               log=None if args.quiet else print)
    except (ReportError, FileNotFoundError, ValueError) as error:
        print(f"calcomics report: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"calcomics report: {_os_error_message(error, writing=Path(args.out))}",
              file=sys.stderr)
        return 4
    if not args.quiet:
        skipped = len(result.figures) - len(result.rendered)
        print(f"{len(result.rendered)} figures rendered, {skipped} not computed; open "
              f"{result.html}")
    return 0


def _add_report_parser(sub) -> None:
    report = sub.add_parser(
        "report", help="render the paper's figures from a built warehouse (static HTML + "
        "PNG/SVG/PDF)",
        description="Read a built warehouse (read-only: a running calcomics build is never "
        "blocked) and write OUT/index.html, one self-contained page (no server, no network, "
        "no JavaScript) with Figure 1, Table 1, Figures 2-5, the coverage table and the "
        "paper-vs-warehouse table, and OUT/figures/<figure>.<format> for publication. A "
        "figure whose omics layer is absent says why instead. Exit codes: 0 written, 2 "
        "warehouse missing / not a calcomics warehouse / being written, 4 OUT not writable. "
        "See docs/REPORT.md.",
    )
    report.add_argument("--warehouse", help="DuckDB file (default $CALCOMICS_DUCKDB_PATH or "
                        "warehouse.duckdb of the checkout)")
    report.add_argument("-o", "--out", default="report",
                        help="output folder (default: report; created, its report files replaced)")
    report.add_argument("--formats", default="png,svg,pdf",
                        help="publication files written per figure, comma-separated from png, svg, "
                        "pdf (default: png,svg,pdf)")
    _add_quiet(report, handles_itself=True)
    report.set_defaults(func=_cmd_report)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="calcomics",
        description="Mammographic calcification multi-omics warehouse (DuckDB + dbt).",
    )
    parser.add_argument("--version", action="version", version=f"calcomics {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    synth = sub.add_parser("synth", help="write a realistic demo cohort of raw files")
    synth.add_argument("-o", "--out", required=True, help="folder to write the raw files into")
    synth.add_argument("--patients", type=int, default=316, help="cohort size (default 316)")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    _add_group_readable(synth)
    _add_quiet(synth)
    synth.set_defaults(func=_cmd_synth)

    validate = sub.add_parser("validate", help="check raw files (Great Expectations suites)")
    validate.add_argument(
        "--raw-dir", help="raw-data folder (default $CALCOMICS_RAW_DIR or data/raw)"
    )
    validate.add_argument(
        "--vars", help="the build's dbt variables, e.g. '{expression_scale: counts}' (the "
        "expression values are checked against expression_scale)"
    )
    _add_quiet(validate)
    validate.set_defaults(func=_cmd_validate)

    _add_import_parser(sub)

    build = sub.add_parser(
        "build",
        help="validate raw files and dbt build the warehouse (--demo: on the demo cohort)",
        description=(
            "Validate the raw files, dbt build into WAREHOUSE.building, record the build in "
            "meta_build, then swap it in atomically. The demo cohort is generated only with "
            "--demo, or when no raw folder is configured (no --raw-dir, no "
            "$CALCOMICS_RAW_DIR) and data/raw is missing or empty."
        ),
    )
    build.add_argument(
        "--raw-dir", help="raw-data folder (default $CALCOMICS_RAW_DIR or data/raw); when "
        "given, it must hold the raw files (or be an empty folder for --demo)"
    )
    build.add_argument(
        "--warehouse", help="DuckDB file (default $CALCOMICS_DUCKDB_PATH or warehouse.duckdb)"
    )
    build.add_argument("--project-dir", help="dbt project folder (default: found from cwd)")
    build.add_argument(
        "--demo", action="store_true",
        help="build the synthetic demo cohort: write it into the raw folder (which must be "
        "empty or hold a previous demo) and allow replacing a warehouse built from real data",
    )
    build.add_argument("--demo-patients", type=int, default=316,
                       help="patients of the generated demo cohort (default 316, the paper's)")
    build.add_argument("--demo-seed", type=int, default=0,
                       help="random seed of the generated demo cohort (default 0)")
    build.add_argument(
        "--grouping", metavar="NAME",
        help="comparison grouping (dbt var grouping; a grouping_name of the "
        "comparison_groupings seed, default calcification)",
    )
    build.add_argument(
        "--grouping-column", metavar="COLUMN",
        help="group patients by the values of this clinical.csv column instead "
        "(dbt var grouping_column)",
    )
    build.add_argument(
        "--vars", help="dbt project variables as YAML/JSON, e.g. '{expression_scale: counts}' "
        "(merged with --grouping / --grouping-column)"
    )
    _add_group_readable(build)
    _add_quiet(build, handles_itself=True)
    build.set_defaults(func=_cmd_build)

    _add_report_parser(sub)

    network = sub.add_parser(
        "network", help="export the polar metabolite correlation network (GEXF / GraphML)"
    )
    network.add_argument(
        "--warehouse", help="DuckDB file (default $CALCOMICS_DUCKDB_PATH or warehouse.duckdb)"
    )
    network.add_argument("-o", "--out", required=True,
                         help="output file: OUT.gexf (Gephi) or OUT.graphml")
    _add_quiet(network)
    network.set_defaults(func=_cmd_network)

    from calcomics.commands.hrd_options import HRD_DESCRIPTION, add_hrd_arguments

    hrd = add_hrd_arguments(sub.add_parser(
        "hrd", help="scarHRD scores (HRD-LOH, TAI, LST, HRD-sum) of a segment file",
        description=HRD_DESCRIPTION,
    ))

    def _cmd_hrd(args: argparse.Namespace) -> int:
        from calcomics.commands.hrd import run_hrd

        return run_hrd(args)

    _add_quiet(hrd, handles_itself=True)
    hrd.set_defaults(func=_cmd_hrd)

    gsva_cmd = sub.add_parser(
        "gsva", help="GSVA / ssGSEA gene-set scores of an expression matrix (R GSVA 1.42 parity)",
        description="Score the sets of SETS.gmt on EXPR.tsv as R GSVA 1.42 does. Member "
        "symbols are used as written in the GMT; symbols absent from EXPR.tsv are dropped. "
        "The warehouse (fct_pathway_scores, fct_immune_infiltration) first maps previous "
        "HGNC symbols to the matrix's (seed gene_symbol_aliases, e.g. MARCH6 -> MARCHF6, "
        "DARS -> DARS1 in two Hallmark sets), so sets with such members score differently "
        "here with the shipped GMT files (up to 0.0057 on the demo). A GMT written from "
        "fct_gene_list_resolution.symbol_used gives the mart's scores exactly "
        "(docs/TRANSCRIPTOMICS.md).",
    )
    gsva_cmd.add_argument("expr", help="EXPR.tsv: gene symbol column, then one column per sample")
    gsva_cmd.add_argument("gmt", help="SETS.gmt: name, description, member genes (tab-separated)")
    gsva_cmd.add_argument("--method", choices=["gsva", "ssgsea"], default="gsva",
                          help="GSVA (default) or ssGSEA")
    gsva_cmd.add_argument("--kcdf", choices=["Gaussian", "Poisson", "none", "auto"],
                          default="Gaussian",
                          help="GSVA kernel CDF: Gaussian (log-scale data, default, as GSVA "
                          "1.42), Poisson (counts), none (plain ECDF) or auto (GSVA >= 2.0: "
                          "none from --kcdf-none-min-samples samples on, else Gaussian, or "
                          "Poisson for integers); ignored by ssGSEA")
    gsva_cmd.add_argument("--kcdf-none-min-samples", type=int, default=200,
                          help="with --kcdf auto: sample count from which the plain ECDF is "
                          "used (GSVA's kcdfNoneMinSampleSize, default 200)")
    gsva_cmd.add_argument("--gaussian-kernel", choices=["exact", "binned"], default="exact",
                          help="Gaussian kernel: exact (R GSVA 1.42 bit for bit, default; cost "
                          "genes x samples x distinct values) or binned (FFT approximation "
                          "for thousands of samples; see docs/TRANSCRIPTOMICS.md)")
    gsva_cmd.add_argument("--min-size", type=int, default=1, help="smallest set (default 1)")
    gsva_cmd.add_argument("--max-size", type=float, default=float("inf"),
                          help="largest set (default inf)")
    gsva_cmd.add_argument("--no-mx-diff", action="store_true",
                          help="score = the larger walk deviation instead of E+ + E-")
    gsva_cmd.add_argument("--tau", type=float, default=None,
                          help="walk weight exponent (default 1 for gsva, 0.25 for ssgsea)")
    gsva_cmd.add_argument("--no-ssgsea-norm", action="store_true",
                          help="do not divide ssGSEA scores by their range")
    gsva_cmd.add_argument("-o", "--out", required=True, help="OUT.tsv: gene_set x samples")

    def _cmd_gsva(args: argparse.Namespace) -> int:
        from calcomics.commands.gsva import gsva_command

        return gsva_command(
            args.expr, args.gmt, args.out, method=args.method, kcdf=args.kcdf,
            min_size=args.min_size, max_size=args.max_size, mx_diff=not args.no_mx_diff,
            tau=args.tau, ssgsea_norm=not args.no_ssgsea_norm, quiet=args.quiet,
            gaussian_kernel=args.gaussian_kernel,
            kcdf_none_min_sample_size=args.kcdf_none_min_samples,
        )

    _add_quiet(gsva_cmd, handles_itself=True)
    gsva_cmd.set_defaults(func=_cmd_gsva)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "quiet", False) and not getattr(args, "quiet_handled", False):
        with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
            return int(args.func(args))
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
