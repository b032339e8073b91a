"""No comparison group is named in the warehouse code (issue 9, §1).

Groups come from the `comparison_groupings` seed or a clinical column; only the seed, the
demo generator, the paper's analyses, the paper's claims (``calcomics.paper_claims``, which
compares the warehouse with the published numbers of the calcification grouping) and the
tests may name the calcification groups.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
SCANNED = [
    PROJECT_DIR / "warehouse" / "models",
    PROJECT_DIR / "warehouse" / "macros",
    PROJECT_DIR / "warehouse" / "tests",
    PROJECT_DIR / "python_models",
    PROJECT_DIR / "src" / "calcomics",
]
ALLOWED = [PROJECT_DIR / "src" / "calcomics" / "synth",
           PROJECT_DIR / "src" / "calcomics" / "paper_claims.py"]


def _calcification_group_names() -> set[str]:
    seed = PROJECT_DIR / "warehouse" / "seeds" / "comparison_groupings.csv"
    with seed.open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["grouping_name"] == "calcification"]
    # 'negative' is also a lymph-node status: the distinctive keys and labels are checked.
    keys = {r["group_key"] for r in rows} - {"negative"}
    labels = {r["group_label"] for r in rows} - {"Probably benign"}
    return keys | labels | {"calcification_group"}


def _offending_lines() -> list[str]:
    names = _calcification_group_names()
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names)), re.IGNORECASE)
    hits = []
    for root in SCANNED:
        for path in sorted(root.rglob("*")):
            if path.suffix not in {".sql", ".py", ".yml"} or any(
                    path.is_relative_to(a) for a in ALLOWED):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line):
                    hits.append(f"{path.relative_to(PROJECT_DIR)}:{number}: {line.strip()}")
    return hits


def test_seed_defines_the_papers_groups():
    names = _calcification_group_names()
    assert {"probably_benign", "high_suspicion", "low_moderate_suspicion"} <= names


def test_no_group_name_in_warehouse_code():
    assert _offending_lines() == []
