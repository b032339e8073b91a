"""Table 1 and the clinical comparisons on a cohort with unknown clinical values.

One small cohort (40 patients, seed 7) whose clinical.csv is edited so that several fields are
empty or `unknown`, one main group has no value for some variables, and other variables are
degenerate (all values equal, too few values, no values at all). Only the clinical marts are
built; every expected number is recounted here from the edited file with pandas/scipy.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcomics.methods.stats import fisher_exact
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)
from calcomics.synth.cohort import generate_cohort, write_cohort
from calcomics.warehouse.build import build_warehouse

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
MAIN = ("negative", "probably_benign", "high_suspicion")
GROUP_OF_BIRADS = {"none": "negative", "2": "probably_benign", "3": "probably_benign",
                   "4C": "high_suspicion", "5": "high_suspicion"}
SELECT = "+rpt_table1_clinicopathology +fct_group_comparisons +fct_categorical_comparisons"
UNKNOWN_SPELLINGS = ("", "unknown", "Unknown", "NA")


def edit_clinical(clinical: pd.DataFrame) -> pd.DataFrame:
    """The edits: unknowns in several columns, a group emptied, degenerate variables."""
    out = clinical.copy()
    group = out["calcification_birads"].map(GROUP_OF_BIRADS)
    negative = np.flatnonzero(group == "negative")
    high = np.flatnonzero(group == "high_suspicion")
    benign = (group == "probably_benign").to_numpy()
    # Unknowns spelled every accepted way; breast density gets an added Unknown row.
    for i, row in enumerate(negative[:3]):
        out.loc[row, "breast_density"] = UNKNOWN_SPELLINGS[i]
    out.loc[high[0], "breast_density"] = UNKNOWN_SPELLINGS[3]
    out.loc[negative[:2], "age_years"] = ""
    out.loc[high[:2], "lymphovascular_invasion"] = ["", "Unknown"]
    out.loc[high[2], "histological_grade"] = "NA"
    # One main group emptied for one categorical and one continuous variable.
    out.loc[benign, "lymph_node_status"] = ""
    out.loc[benign, "tumor_size_cm"] = ""
    # Degenerate variables.
    out["focal_asymmetry"] = "unknown"  # no known value at all
    out["architectural_distortion"] = "absent"  # one category only
    out["er_ihc_pct"] = "90"  # all values equal
    out["ki67_ihc_pct"] = ""  # two values in all
    out.loc[[negative[0], high[0]], "ki67_ihc_pct"] = ["10", "20"]
    out["pr_ihc_pct"] = ""  # one group only
    out.loc[negative, "pr_ihc_pct"] = "30"
    out.loc[negative[-1], "pr_ihc_pct"] = "40"
    return out


def write_edited_cohort(raw: Path) -> pd.DataFrame:
    """Write the 40-patient cohort with the edited clinical.csv; return the edited table."""
    write_cohort(generate_cohort(40, 7), raw)
    clinical = pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)
    edited = edit_clinical(clinical)
    edited.to_csv(raw / "clinical.csv", index=False)
    return edited


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> tuple[pd.DataFrame, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("clinical_unknowns")
    edited = write_edited_cohort(root / "raw")
    build_warehouse(PROJECT_DIR, root / "raw", root / "w.duckdb", quiet=True, select=SELECT,
                    target_path=root / "target")
    connection = duckdb.connect(str(root / "w.duckdb"), read_only=True)
    edited["group_key"] = edited["calcification_birads"].map(GROUP_OF_BIRADS)
    yield edited[edited["group_key"].notna()].reset_index(drop=True), connection
    connection.close()


def _known(column: pd.Series) -> pd.Series:
    return ~column.isin(UNKNOWN_SPELLINGS)


def _table1_tests(connection) -> pd.DataFrame:
    return connection.execute(
        "select distinct characteristic, p_value_fisher, p_value_chisq, p_value_kruskal_wallis,"
        " test_note, n_tested, n_excluded_unknown, p_value_fisher_as_printed,"
        " p_value_chisq_as_printed from rpt_table1_clinicopathology"
        " where row_kind in ('count', 'median')"
    ).df().set_index("characteristic")


def test_table1_unknown_rows_count_every_patient_without_a_value(cohort):
    clinical, connection = cohort
    counts = connection.execute(
        "select characteristic, category_label, group_key, n from rpt_table1_clinicopathology"
        " where row_kind = 'count' and category_label = 'Unknown'"
    ).df()
    for column in ["breast_density", "focal_asymmetry", "lymph_node_status",
                   "lymphovascular_invasion", "histological_grade"]:
        expected = (~_known(clinical[column])).groupby(clinical["group_key"]).sum()
        got = counts[counts["characteristic"] == column].set_index("group_key")["n"]
        assert got.reindex(list(MAIN)).tolist() == expected.reindex(list(MAIN)).tolist(), column
    # No Unknown row where every patient has a value (architectural distortion).
    assert "architectural_distortion" not in set(counts["characteristic"])
    density = connection.execute(
        "select category_label from rpt_table1_clinicopathology where characteristic ="
        " 'breast_density' and group_key = 'negative' order by row_order"
    ).fetchall()
    assert density[-1] == ("Unknown",) and len(density) == 5


def test_table1_tests_leave_unknowns_out_and_count_them(cohort):
    clinical, connection = cohort
    tests = _table1_tests(connection)
    density = clinical[_known(clinical["breast_density"])]
    table = pd.crosstab(density["breast_density"], density["group_key"])[list(MAIN)]
    row = tests.loc["breast_density"]
    assert row["p_value_chisq"] == pytest.approx(
        stats.chi2_contingency(table.to_numpy(), correction=False).pvalue, rel=1e-9)
    assert row["p_value_fisher"] == pytest.approx(fisher_exact(table).p_value, rel=1e-12)
    assert row["n_tested"] == len(density) and row["n_excluded_unknown"] == 4
    assert pd.isna(row["test_note"])
    printed = pd.crosstab(clinical["breast_density"].where(_known(clinical["breast_density"]),
                                                           "unknown"), clinical["group_key"])
    assert row["p_value_chisq_as_printed"] == pytest.approx(
        stats.chi2_contingency(printed[list(MAIN)].to_numpy(), correction=False).pvalue,
        rel=1e-9)
    age = tests.loc["age_years"]
    ages = clinical[_known(clinical["age_years"])]
    assert age["p_value_kruskal_wallis"] == pytest.approx(stats.kruskal(
        *[ages.loc[ages["group_key"] == g, "age_years"].astype(float) for g in MAIN]).pvalue,
        rel=1e-9)
    assert age["n_excluded_unknown"] == 2 and age["n_tested"] == len(clinical) - 2
    missing = dict(connection.execute(
        "select group_key, n_missing from rpt_table1_clinicopathology"
        " where characteristic = 'age_years'").fetchall())
    assert missing == {"negative": 2, "probably_benign": 0, "high_suspicion": 0}


def test_table1_degenerate_characteristics_are_rows_with_notes(cohort):
    clinical, connection = cohort
    tests = _table1_tests(connection)
    left_out = groups_left_out(["Probably benign"])
    notes = {k: (None if pd.isna(v) else v) for k, v in tests["test_note"].items()}
    assert notes == {
        "breast_density": None, "age_years": None, "lymphovascular_invasion": None,
        "histological_grade": None,
        "lymph_node_status": left_out, "tumor_size_cm": left_out,
        "focal_asymmetry": NO_VALUES, "architectural_distortion": ALL_VALUES_EQUAL,
        "er_ihc_pct": ALL_VALUES_EQUAL, "ki67_ihc_pct": FEWER_THAN_MIN_OBSERVATIONS,
        "pr_ihc_pct": ONE_GROUP_ONLY,
    }
    for characteristic in ["focal_asymmetry", "architectural_distortion"]:
        assert pd.isna(tests.loc[characteristic, "p_value_fisher"])
        assert pd.isna(tests.loc[characteristic, "p_value_chisq"])
    for characteristic in ["er_ihc_pct", "ki67_ihc_pct", "pr_ihc_pct"]:
        assert pd.isna(tests.loc[characteristic, "p_value_kruskal_wallis"])
    # R fisher.test drops the empty probably-benign column and tests the rest.
    ln = clinical[_known(clinical["lymph_node_status"])]
    table = pd.crosstab(ln["lymph_node_status"], ln["group_key"])
    assert list(table.columns) == ["high_suspicion", "negative"]
    assert tests.loc["lymph_node_status", "p_value_fisher"] == pytest.approx(
        fisher_exact(table).p_value, rel=1e-12)
    assert tests.loc["focal_asymmetry", "n_excluded_unknown"] == len(clinical)
    # As printed, the all-Unknown table has one category: not testable either.
    assert pd.isna(tests.loc["focal_asymmetry", "p_value_chisq_as_printed"])


def test_group_comparisons_rows_notes_and_unknown_counts(cohort):
    clinical, connection = cohort
    mart = connection.execute(
        "select * from fct_group_comparisons where feature_family = 'clinical'"
    ).df()
    assert len(mart) == 5 * 4  # every feature: three pairs and one Kruskal-Wallis row
    size = mart[mart["feature"] == "tumor_size_cm"]
    size = size.set_index([size["group_a_key"].fillna("all"), size["group_b_key"].fillna("all")])
    pb = clinical["group_key"] == "probably_benign"
    n_pb = int(pb.sum())
    for pair in [("negative", "probably_benign"), ("probably_benign", "high_suspicion")]:
        assert size.loc[pair, "test_note"] == ONE_GROUP_ONLY
        assert pd.isna(size.loc[pair, "p_value"]) and pd.isna(size.loc[pair, "p_adjusted"])
        assert size.loc[pair, "n_excluded_unknown"] == n_pb
    tested = size.loc[("negative", "high_suspicion")]
    assert pd.isna(tested["test_note"])
    assert tested["p_adjusted"] == pytest.approx(tested["p_value"])  # one tested pair: m = 1
    values = clinical.assign(v=clinical["tumor_size_cm"].replace("", np.nan).astype(float))
    expected = stats.mannwhitneyu(values.loc[values["group_key"] == "negative", "v"],
                                  values.loc[values["group_key"] == "high_suspicion", "v"],
                                  alternative="two-sided", method="asymptotic")
    if tested["method"] == "normal_approximation":
        assert tested["p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
    kw = size.loc[("all", "all")]
    assert kw["test_note"] == groups_left_out(["Probably benign"])
    assert kw["n_excluded_unknown"] == n_pb and kw["n_tested"] == len(clinical) - n_pb
    notes = mart.groupby("feature")["test_note"].agg(lambda s: set(s.dropna()))
    assert notes["er_ihc_pct"] == {ALL_VALUES_EQUAL}
    assert notes["ki67_ihc_pct"] == {ONE_GROUP_ONLY, FEWER_THAN_MIN_OBSERVATIONS}
    pr = mart[mart["feature"] == "pr_ihc_pct"]
    assert pr["p_value"].isna().all() and ONE_GROUP_ONLY in set(pr["test_note"])


def test_categorical_comparisons_unknowns_and_empty_group(cohort):
    clinical, connection = cohort
    mart = connection.execute("select * from fct_categorical_comparisons").df()
    ln = mart[mart["comparison"] == "lymph_node_status"]
    assert set(ln["test_note"]) == {groups_left_out(["Probably benign"])}
    known = clinical[_known(clinical["lymph_node_status"])]
    assert ln["n_tested"].iloc[0] == len(known)
    assert ln["n_excluded_unknown"].iloc[0] == len(clinical) - len(known)
    assert ln["p_value"].iloc[0] == pytest.approx(
        fisher_exact(pd.crosstab(known["lymph_node_status"], known["group_key"])).p_value,
        rel=1e-12)
    unknown = ln.drop_duplicates("group_key").set_index("group_key")["group_unknown"]
    assert unknown["probably_benign"] == int((clinical["group_key"] == "probably_benign").sum())
    lvi = mart[mart["comparison"] == "lymphovascular_invasion"]
    assert lvi["n_excluded_unknown"].iloc[0] == int((~_known(
        clinical["lymphovascular_invasion"])).sum())
    assert pd.isna(lvi["test_note"].iloc[0]) and lvi["p_value"].notna().all()
