"""Real `calcomics build` runs (validation + dbt build) on generated cohorts in temp folders."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from calcomics.build import BuildError, build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]

# The paper's Table 1, typed from the printed table: (characteristic label, category) ->
# n per group (negative, probably benign, high suspicion).
PUBLISHED_TABLE1 = {
    ("Breast density (%)", "Entirely fatty"): (8, 4, 1),
    ("Breast density (%)", "Extremely dense"): (7, 1, 0),
    ("Breast density (%)", "Fibroglandular"): (54, 54, 66),
    ("Breast density (%)", "Heterogeneously dense"): (34, 31, 33),
    ("Focal asymmetries (%)", "Presence"): (15, 21, 18),
    ("Focal asymmetries (%)", "Absence"): (88, 69, 82),
    ("Architectural distortion (%)", "Presence"): (40, 29, 42),
    ("Architectural distortion (%)", "Absence"): (63, 61, 58),
    ("Lymph node status", "Negative"): (51, 50, 38),
    ("Lymph node status", "Positive"): (52, 40, 62),
    ("Lympho-vascular invasion", "Presence"): (46, 30, 58),
    ("Lympho-vascular invasion", "Absence"): (55, 56, 41),
    ("Lympho-vascular invasion", "Unknown"): (2, 4, 1),
    ("Grade", "Grade I"): (4, 1, 1),
    ("Grade", "Grade II"): (67, 67, 64),
    ("Grade", "Grade III"): (24, 18, 32),
    ("Grade", "Unknown"): (8, 4, 3),
}
PUBLISHED_PCT = {
    ("Breast density (%)", "Fibroglandular"): (52.4, 60.0, 66.0),
    ("Lympho-vascular invasion", "Unknown"): (1.9, 4.4, 1.0),
    ("Grade", "Grade III"): (23.3, 20.0, 32.0),
}


def test_build_has_no_failing_test(default_build):
    result, _ = default_build
    assert result.counts.get("model_success", 0) >= 14
    assert result.counts.get("test_pass", 0) >= 80
    failing = {k: v for k, v in result.counts.items() if k.split("_", 1)[1] not in
               {"success", "pass"}}
    assert failing == {}


def test_table1_counts_are_the_papers(warehouse):
    rows = warehouse.execute(
        "select characteristic_label, category_label, negative_n, probably_benign_n, "
        "high_suspicion_n, negative_pct, probably_benign_pct, high_suspicion_pct "
        "from rpt_table1_clinicopathology where row_kind = 'count' order by row_order"
    ).fetchall()
    counts = {(r[0], r[1]): tuple(r[2:5]) for r in rows}
    assert counts == PUBLISHED_TABLE1
    pct = {(r[0], r[1]): tuple(r[5:8]) for r in rows}
    for key, expected in PUBLISHED_PCT.items():
        assert pct[key] == expected


def test_table1_header_rows(warehouse):
    n_row = warehouse.execute(
        "select negative_n, probably_benign_n, high_suspicion_n from rpt_table1_clinicopathology "
        "where row_kind = 'group_size'"
    ).fetchone()
    assert n_row == (103, 90, 100)
    age = warehouse.execute(
        "select negative_median, probably_benign_median, high_suspicion_median "
        "from rpt_table1_clinicopathology where characteristic = 'age_years'"
    ).fetchone()
    assert age == (55.0, 58.0, 52.5)
    first = warehouse.execute(
        "select characteristic_label from rpt_table1_clinicopathology order by row_order limit 2"
    ).fetchall()
    assert first == [("N",), ("Age, years (median)",)]


def test_table1_p_values_reproduce_the_paper_with_chisq(warehouse):
    rows = warehouse.execute(
        "select distinct characteristic, p_value_fisher, fisher_method, p_value_chisq, "
        "p_value_published, test_reproducing_published_p from rpt_table1_clinicopathology "
        "where p_value_published is not null"
    ).fetchall()
    assert len(rows) == 6
    for characteristic, fisher, method, chisq, published, matching in rows:
        assert method == "exact", characteristic
        assert 0 < fisher <= 1
        assert round(chisq, 3) == published, characteristic
        assert matching in {"pearson_chisq", "both"}


def test_dim_patients_and_cohort_flow(warehouse):
    assert warehouse.execute("select count(*) from dim_patients").fetchone() == (316,)
    flow = dict(
        warehouse.execute(
            "select group_key, [n_patients, n_wes, n_copy_number, n_rnaseq, "
            "n_lipidomics] from rpt_cohort_flow"
        ).fetchall()
    )
    assert flow["negative"] == [103, 93, 93, 103, 64]
    assert flow["probably_benign"] == [90, 83, 83, 89, 56]
    assert flow["high_suspicion"] == [100, 88, 88, 98, 62]
    assert flow["low_moderate_suspicion"][0] == 23
    totals = warehouse.execute(
        "select sum(n_wes), sum(n_rnaseq), sum(n_lipidomics), sum(n_polar_metabolomics) "
        "from rpt_cohort_flow"
    ).fetchone()
    assert totals == (271, 312, 196, 196)
    excluded = warehouse.execute(
        "select count(*) from dim_patients where not is_main_analysis_group"
    ).fetchone()
    assert excluded == (23,)


def test_marts_have_enforced_contracts(warehouse):
    types = dict(
        warehouse.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'dim_patients'"
        ).fetchall()
    )
    assert types["patient_id"] == "VARCHAR" and types["has_wes"] == "BOOLEAN"


def test_failed_dbt_test_leaves_previous_warehouse(small_raw_dir, tmp_path):
    """A raw problem only dbt sees (staging range test) fails the build; nothing is swapped."""
    import shutil

    import pandas as pd

    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    clinical.loc[0, "age_years"] = "12"  # plausible to GX (0-120), not to dbt (15-100)
    clinical.to_csv(raw / "clinical.csv", index=False)
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    before = warehouse.read_bytes()
    with pytest.raises(BuildError, match="was not changed"):
        build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True)
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "warehouse.duckdb.building").exists()


def test_reader_keeps_snapshot_during_rebuild(small_raw_dir, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True)
    reader = duckdb.connect(str(warehouse), read_only=True)
    n_before = reader.execute("select count(*) from dim_patients").fetchone()
    build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True)  # rebuild while open
    assert reader.execute("select count(*) from dim_patients").fetchone() == n_before == (40,)
    reader.close()
