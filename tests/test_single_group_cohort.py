"""A cohort with one comparison group builds completely (issue 10, §1: "one group only").

Every comparison mart keeps its rows; each test that needs two groups has a null p-value and
the note ``not tested: only one group has values`` (calcomics.methods.stats.notes), instead
of a crash or R's misleading p = 1. Built once with the whole DAG (every data test runs), on
the 40-patient cohort grouped by an extra clinical column holding one value.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from calcomics.methods.stats.notes import ONE_GROUP_ONLY
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def single_group(tmp_path_factory, small_raw_dir) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("single_group")
    raw = root / "raw"
    shutil.copytree(small_raw_dir, raw)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    clinical["site"] = "Hospital A"
    clinical.to_csv(raw / "clinical.csv", index=False)
    # raises BuildError (with dbt's failures) unless every model and data test passes
    build_warehouse(PROJECT_DIR, raw, root / "w.duckdb", quiet=True,
                    dbt_vars={"grouping_column": "site"}, target_path=root / "target")
    connection = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize(("mart", "p_column", "note_column"), [
    ("rpt_table1_clinicopathology", "p_value_fisher", "test_note"),
    ("fct_group_comparisons", "p_value", "test_note"),
    ("fct_categorical_comparisons", "p_value", "test_note"),
    ("fct_mutated_gene_frequencies", "p_value", "test_note"),
    ("fct_copy_number_alteration_frequencies", "p_value", "test_note"),
    ("rpt_cell_cycle_copy_number", "p_value_all_main_groups", "test_note_all_main_groups"),
    ("rpt_survival_tests", "p_value", "test_note"),
    ("fct_gsea_group_vs_rest", "p_value", "test_note"),
    ("fct_metabolite_differential", "p_value", "test_note"),
])
def test_two_group_tests_are_rows_with_a_null_p_and_the_note(single_group, mart, p_column,
                                                             note_column):
    rows, tested, notes = single_group.execute(
        f"select count(*), count({p_column}), list(distinct {note_column}) from {mart} "
        f"where {note_column} is not null or {p_column} is not null"
    ).fetchone()
    assert rows > 0
    assert tested == 0
    # other notes may apply first (e.g. too few mutated samples), but never a p-value
    assert ONE_GROUP_ONLY in notes


def test_the_group_and_its_patients_are_all_there(single_group):
    groups = single_group.execute(
        "select group_key, n_patients from rpt_cohort_flow").fetchall()
    assert groups == [("hospital a", 40)]
    status = dict(single_group.execute(
        "select analysis, coverage_status from rpt_analysis_coverage").fetchall())
    assert status["tumor_mutational_burden"].startswith("computed")
