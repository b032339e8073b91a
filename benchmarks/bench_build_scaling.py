"""Build scaling: ``calcomics synth`` + ``calcomics build`` at several cohort sizes, one run.

For each size, a fresh demo cohort is generated and built into its own warehouse, as a
user does it (real subprocesses). Printed per size: wall and CPU seconds (the build process
and everything it waited for: dbt, its threads, DuckDB), peak resident memory of the largest
process, and the warehouse file size; then the slowest dbt nodes (execution time from dbt's
``run_results.json``) with their growth exponent between consecutive sizes,
``log(t2 / t1) / log(n2 / n1)`` (1.0 = linear in patients). CPU seconds and exponents are
the numbers to compare on a shared machine; wall time moves with the load. Builds run with
``CALCOMICS_VALIDATION_CACHE=off`` (every build validates its raw files, as a first build does).
Before the sizes, a small cohort (40 patients) is built and not reported, so every size
finds what any later build finds: numba's compiled kernels on disk and dbt's partial parse
(``--no-warm-up`` measures the first size cold: + the kernels' compilation and a full parse).

Options (``--vars``) are passed to the build, e.g. GSVA's large-cohort modes. With
``--threads 1`` (the profile's default) dbt builds one node at a time
(``CALCOMICS_DBT_THREADS``): each node's time is then its own, not shared with a node running
beside it, so the exponents are the nodes' costs. A size whose build fails is reported with
its exit code and the table continues.

With ``--keep DIR`` each size's measurement is also saved as ``DIR/result_<patients>.json``;
``--combine DIR...`` prints the table from saved results (sizes measured in separate runs,
e.g. the 10,000-patient build on its own).

Usage: python benchmarks/bench_build_scaling.py [--sizes 316 2000 10000] [--top 5]
       [--vars '{...}'] [--threads N] [--keep DIR] [--markdown]
       python benchmarks/bench_build_scaling.py --combine DIR [DIR ...] [--top 5] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from calcomics.warehouse.build import default_target_path

PROJECT = Path(__file__).resolve().parents[1]
CALCOMICS = str(Path(sys.executable).parent / "calcomics")
#: Patients of the unreported first build (compiles the kernels, writes the partial parse).
WARM_UP_PATIENTS = 40


@dataclass
class SizeResult:
    patients: int
    exit_code: int = 0
    synth_cpu_s: float = 0.0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mib: float = 0.0
    warehouse_mib: float = 0.0
    node_seconds: dict[str, float] = field(default_factory=dict)


def run_measured(argv: list[str], log: Path, threads: int | None = None
                 ) -> tuple[int, float, float, float]:
    """Exit code, wall s, CPU s (with waited-for descendants), peak RSS MiB of ``argv``."""
    started = time.perf_counter()
    with log.open("w") as out:
        # a first build: the raw files are validated, not answered from an earlier pass
        environment = {**os.environ, "CALCOMICS_VALIDATION_CACHE": "off"}
        if threads is not None:
            environment["CALCOMICS_DBT_THREADS"] = str(threads)
        process = subprocess.Popen(argv, cwd=PROJECT, stdout=out, stderr=subprocess.STDOUT,
                                   env=environment)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return (os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024)


def node_seconds(target: Path) -> dict[str, float]:
    """Execution time of every model/test node of the last dbt run in ``target``."""
    path = target / "run_results.json"
    if not path.is_file():
        return {}
    results = json.loads(path.read_text())["results"]
    return {r["unique_id"].split(".", 2)[-1]: float(r["execution_time"]) for r in results}


def measure(patients: int, work: Path, dbt_vars: str | None,
            threads: int | None = None) -> SizeResult:
    raw, warehouse = work / f"raw_{patients}", work / f"warehouse_{patients}.duckdb"
    result = SizeResult(patients)
    code, _, synth_cpu, _ = run_measured(
        [CALCOMICS, "synth", "--out", str(raw), "--patients", str(patients), "-q"],
        work / f"synth_{patients}.log")
    result.synth_cpu_s = synth_cpu
    if code:
        result.exit_code = code
        return result
    build = [CALCOMICS, "build", "--raw-dir", str(raw), "--warehouse", str(warehouse),
             "--project-dir", str(PROJECT)]
    if dbt_vars:
        build += ["--vars", dbt_vars]
    code, wall, cpu, peak = run_measured(build, work / f"build_{patients}.log", threads)
    result.exit_code, result.wall_s, result.cpu_s, result.peak_mib = code, wall, cpu, peak
    if warehouse.is_file():
        result.warehouse_mib = warehouse.stat().st_size / 2**20
    result.node_seconds = node_seconds(default_target_path(PROJECT, warehouse))
    shutil.rmtree(default_target_path(PROJECT, warehouse), ignore_errors=True)
    return result


def exponent(t1: float, t2: float, n1: int, n2: int) -> float:
    if t1 <= 0 or t2 <= 0:
        return math.nan
    return math.log(t2 / t1) / math.log(n2 / n1)


def render(rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows[1:]])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True))
                     for r in rows)


def report(results: list[SizeResult], top: int, markdown: bool) -> str:
    sizes = [["patients", "exit", "synth CPU s", "build wall s", "build CPU s",
              "peak RSS MiB", "warehouse MiB"]]
    sizes += [[str(r.patients), str(r.exit_code), f"{r.synth_cpu_s:.1f}", f"{r.wall_s:.1f}",
               f"{r.cpu_s:.1f}", f"{r.peak_mib:.0f}", f"{r.warehouse_mib:.1f}"]
              for r in results]
    last = results[-1]
    slowest = sorted(last.node_seconds, key=last.node_seconds.get, reverse=True)[:top]
    header = ["node"] + [f"s @ {r.patients}" for r in results]
    header += [f"exp {a.patients}->{b.patients}" for a, b in zip(results, results[1:],
                                                                 strict=False)]
    nodes = [header]
    for node in slowest:
        times = [r.node_seconds.get(node, math.nan) for r in results]
        exps = [exponent(t1, t2, a.patients, b.patients)
                for (t1, t2, a, b) in zip(times, times[1:], results, results[1:], strict=False)]
        nodes.append([node] + [f"{t:.1f}" for t in times] + [f"{e:.2f}" for e in exps])
    return render(sizes, markdown) + "\n\n" + render(nodes, markdown)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[316, 2000, 10000])
    parser.add_argument("--top", type=int, default=5, help="slowest nodes shown (default 5)")
    parser.add_argument("--vars", help="dbt variables for every build (YAML/JSON mapping)")
    parser.add_argument("--no-warm-up", action="store_true",
                        help="no unreported 40-patient build first (the first size is cold)")
    parser.add_argument("--threads", type=int,
                        help="dbt threads of every build (default: the profile's, 1)")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temp dir)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--combine", nargs="+", metavar="DIR",
                        help="print the table from the result_<n>.json files in these folders")
    args = parser.parse_args()
    if args.combine:
        saved = [SizeResult(**json.loads(path.read_text())) for folder in args.combine
                 for path in Path(folder).glob("result_*.json")]
        results = sorted(saved, key=lambda r: r.patients)
        print(f"calcomics build scaling (saved results), {os.cpu_count()} CPUs")
        print(report(results, args.top, args.markdown))
        return 0
    with tempfile.TemporaryDirectory(prefix="calcomics-scaling-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.no_warm_up:
            (work / "warm_up").mkdir(exist_ok=True)
            warm = measure(WARM_UP_PATIENTS, work / "warm_up", args.vars, args.threads)
            print(f"warm-up ({WARM_UP_PATIENTS} patients): exit {warm.exit_code}",
                  file=sys.stderr, flush=True)
        results = []
        for n in sorted(args.sizes):
            results.append(measure(n, work, args.vars, args.threads))
            r = results[-1]
            if args.keep:
                (work / f"result_{n}.json").write_text(json.dumps(asdict(r), indent=1))
            print(f"{n} patients: exit {r.exit_code}, build {r.cpu_s:.0f} CPU s, "
                  f"{r.peak_mib:.0f} MiB peak", file=sys.stderr, flush=True)
        print(f"calcomics build scaling, {os.cpu_count()} CPUs"
              + (", cold first size" if args.no_warm_up else ", after a warm-up build")
              + (f", {args.threads} dbt thread(s)" if args.threads else "")
              + (f", vars {args.vars}" if args.vars else ""))
        print(report(results, args.top, args.markdown))
    return 0 if all(r.exit_code == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
