"""Demo-cohort generator scaling: wall time and peak memory per cohort size, in one run.

Each size runs in a fresh subprocess (so peak RSS is that size's own). The last column is the
time per patient relative to the first size: 1.0 means linear scaling.
Usage: python benchmarks/bench_synth_scaling.py [--sizes 316 1000 3000 10000] [--write]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _child(n_patients: int, out_dir: str) -> None:
    from calcomics.synth.cohort import generate_cohort, write_cohort

    started = time.perf_counter()
    cohort = generate_cohort(n_patients, 0)
    generated = time.perf_counter() - started
    written = 0.0
    if out_dir:
        started = time.perf_counter()
        write_cohort(cohort, Path(out_dir))
        written = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"generate": generated, "write": written, "peak_mib": peak_mib}))


def measure(n_patients: int, out_dir: str) -> dict[str, float]:
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); " \
           f"import bench_synth_scaling as b; b._child({n_patients}, {out_dir!r})"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[316, 1000, 3000, 10000])
    parser.add_argument("--write", action="store_true", help="also time writing the files")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            out = str(Path(tmp) / f"n{n}") if args.write else ""
            rows.append((n, measure(n, out)))
    first_n, first = rows[0]
    base = (first["generate"] + first["write"]) / first_n
    header = ("patients", "generate s", "write s", "peak RSS MiB", "s/patient ratio")
    print("{:>9} {:>11} {:>8} {:>13} {:>16}".format(*header))
    for n, m in rows:
        ratio = ((m["generate"] + m["write"]) / n) / base
        print(f"{n:>9} {m['generate']:>11.2f} {m['write']:>8.2f} {m['peak_mib']:>13.0f} "
              f"{ratio:>16.2f}")


if __name__ == "__main__":
    main()
