"""Time and peak memory of each ``calcomics`` command on the demo cohort, in one run.

Every command runs as a real subprocess, as a user types it, one after the other in a fresh
temporary folder: synth -> validate -> build -> build again (unchanged inputs) -> report ->
gsva (GSVA and ssGSEA, Hallmark) -> hrd -> network. For each it prints wall seconds, CPU
seconds (user + system of the command and every process it waited for, e.g. dbt) and peak
resident memory (the largest single process, from ``wait4``). Wall time depends on the
machine's load; CPU seconds and peak memory are the stable numbers (README, "Time and
memory").

Usage: python benchmarks/bench_commands.py [--patients 316] [--seed 0] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CALCOMICS = str(Path(sys.executable).parent / "calcomics")
HALLMARK = PROJECT / "src" / "calcomics" / "data" / "genesets" / "hallmark_v7.0.gmt"


@dataclass(frozen=True)
class Measure:
    command: str
    wall_s: float
    cpu_s: float
    peak_mib: float
    exit_code: int


def run_measured(label: str, argv: list[str], cwd: Path) -> Measure:
    """Run ``argv`` to completion; CPU and peak RSS of it and its waited-for descendants."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        sys.stderr.write(f"{label} failed ({process.returncode}):\n{stderr[-3000:]}\n")
    return Measure(label, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   process.returncode)


def expression_matrix_for_cli(raw: Path, out: Path) -> Path:
    """The demo's FPKM matrix on the scale the warehouse scores, log2(FPKM + 1), as
    ``calcomics gsva`` reads it (first column ``gene``)."""
    import numpy as np
    import pandas as pd

    fpkm = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t", index_col=0)
    np.log2(fpkm + 1.0).rename_axis("gene").to_csv(out, sep="\t", float_format="%.17g")
    return out


def commands(work: Path, patients: int, seed: int) -> list[tuple[str, list[str]]]:
    raw, warehouse = work / "raw", work / "warehouse.duckdb"
    build = [CALCOMICS, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse),
             "--project-dir", str(PROJECT)]
    expr = work / "expression_for_cli.tsv"
    return [
        ("calcomics synth", [CALCOMICS, "synth", "--out", str(raw), "--patients",
                             str(patients), "--seed", str(seed)]),
        ("calcomics validate", [CALCOMICS, "validate", "--raw-dir", str(raw)]),
        ("calcomics build", build),
        ("calcomics build (again, unchanged inputs)", build),
        ("calcomics report", [CALCOMICS, "report", "--warehouse", str(warehouse),
                              "-o", str(work / "report")]),
        ("calcomics gsva (GSVA, Gaussian, Hallmark)",
         [CALCOMICS, "gsva", str(expr), str(HALLMARK), "-o", str(work / "gsva.tsv")]),
        ("calcomics gsva --method ssgsea (Hallmark)",
         [CALCOMICS, "gsva", str(expr), str(HALLMARK), "--method", "ssgsea",
          "-o", str(work / "ssgsea.tsv")]),
        ("calcomics hrd", [CALCOMICS, "hrd", str(raw / "segments.tsv"), "-o",
                           str(work / "hrd.tsv")]),
        ("calcomics network", [CALCOMICS, "network", "--warehouse", str(warehouse),
                               "-o", str(work / "network.graphml")]),
    ]


def table(rows: list[Measure], markdown: bool) -> str:
    header = ("command", "wall s", "CPU s", "peak RSS MiB", "exit")
    body = [(m.command, f"{m.wall_s:.1f}", f"{m.cpu_s:.1f}", f"{m.peak_mib:.0f}",
             str(m.exit_code)) for m in rows]
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
                     for row in [header, *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=316, help="demo size (default 316)")
    parser.add_argument("--seed", type=int, default=0, help="demo seed (default 0)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="calcomics-bench-") as tmp:
        work = Path(tmp)
        for label, argv in commands(work, args.patients, args.seed):
            expr = work / "expression_for_cli.tsv"
            if label.startswith("calcomics gsva") and not expr.exists():
                expression_matrix_for_cli(work / "raw", expr)
            rows.append(run_measured(label, argv, work))
            print(table(rows[-1:], markdown=False).splitlines()[-1], file=sys.stderr,
                  flush=True)
    print(f"calcomics commands on the demo cohort ({args.patients} patients, seed "
          f"{args.seed}), {os.cpu_count()} CPUs")
    print(table(rows, args.markdown))
    return 0 if all(m.exit_code == 0 for m in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
