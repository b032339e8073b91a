"""The active grouping: seed groupings, ad-hoc groupings by any clinical column, bad names.

Real dbt builds of the patient spine (staging → groups → dim_patients, rpt_cohort_flow) on a
small generated cohort, each checked against a recount of clinical.csv with pandas.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from calcomics.warehouse.build import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
SPINE = ["+dim_patients", "+dim_comparison_groups", "+rpt_cohort_flow"]


def _build_spine(raw: Path, root: Path, dbt_vars: dict) -> tuple[int, str, Path]:
    warehouse = root / "w.duckdb"
    process = run_dbt(
        ["build", "--select", *SPINE, "--indirect-selection", "cautious",
         "--target-path", str(root / "target"), "--vars", json.dumps(dbt_vars)],
        PROJECT_DIR, raw, warehouse, quiet=True,
    )
    return process.returncode, process.stdout, warehouse


@pytest.fixture(scope="module")
def raw_with_extra_column(small_raw_dir, tmp_path_factory) -> Path:
    """The small cohort plus a column outside the documented layout, mixed case, some empty."""
    raw = tmp_path_factory.mktemp("extra") / "raw"
    shutil.copytree(small_raw_dir, raw)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    clinical["Histology Type"] = [
        "" if i % 5 == 0 else ("Lobular" if i % 3 == 0 else ("lobular " if i % 7 == 0
                                                             else "ductal"))
        for i in range(len(clinical))
    ]
    clinical.to_csv(raw / "clinical.csv", index=False)
    return raw


@pytest.mark.dbt
def test_grouping_by_any_clinical_column(raw_with_extra_column, tmp_path):
    code, out, warehouse = _build_spine(raw_with_extra_column, tmp_path,
                                        {"grouping_column": "Histology Type"})
    assert code == 0, out[-3000:]
    clinical = pd.read_csv(raw_with_extra_column / "clinical.csv", dtype=str,
                           keep_default_na=False)
    values = clinical["Histology Type"].str.strip().str.lower()
    expected = values[values != ""].value_counts().to_dict()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        groups = dict(con.execute(
            "select group_key, n_patients from dim_comparison_groups "
            "where is_main_analysis_group").fetchall())
        orders = con.execute(
            "select group_key from dim_comparison_groups order by group_order").fetchall()
        excluded = con.execute(
            "select exclusion_reason, n_patients from rpt_cohort_flow where group_key is null"
        ).fetchall()
        in_main = con.execute(
            "select count(*) from dim_patients where is_main_analysis_group").fetchone()[0]
    assert groups == expected
    assert [o[0] for o in orders] == sorted(expected)
    assert excluded == [("no histology type value", int((values == "").sum()))]
    assert in_main == int((values != "").sum())


@pytest.mark.dbt
def test_seed_grouping_counts_and_unlisted_values(small_raw_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    clinical.loc[0, "histological_grade"] = "unknown"
    clinical.to_csv(raw / "clinical.csv", index=False)
    code, out, warehouse = _build_spine(raw, tmp_path, {"grouping": "histological_grade"})
    assert code == 0, out[-3000:]
    grade = clinical["histological_grade"].str.strip()
    key = {"I": "grade_1", "II": "grade_2", "III": "grade_3"}
    expected = grade[grade.isin(key)].map(key).value_counts().to_dict()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        flow = con.execute(
            "select group_key, exclusion_reason, n_patients from rpt_cohort_flow").fetchall()
    counted = {k: n for k, reason, n in flow if k is not None}
    assert {k: v for k, v in counted.items() if v} == expected
    unlisted = [(reason, n) for k, reason, n in flow if k is None]
    n_unknown = int((~grade.isin(key)).sum())
    # 'unknown' (like an empty cell) is a missing value, not an unlisted one
    assert unlisted == [("no histological_grade value", n_unknown)]


@pytest.mark.dbt
def test_unknown_grouping_stops_the_build_with_its_name(small_raw_dir, tmp_path):
    code, out, _ = _build_spine(small_raw_dir, tmp_path, {"grouping": "no_such_grouping"})
    assert code != 0
    assert "assert_active_grouping_is_comparable" in out
    assert "dim_patients" in out and "SKIP" in out
