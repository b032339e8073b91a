"""Table 1 statistics on the published counts (library level, no dbt)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from calcomics.design import GroupDesign
from calcomics.methods.stats import fisher_exact, kruskal_test
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)
from calcomics.methods.table1 import (
    categorical_tests,
    contingency_tables,
    continuous_tests,
    table1_tests,
)

PUBLISHED = {  # rows = categories, columns = negative, probably benign, high suspicion
    "breast_density": ([[8, 4, 1], [7, 1, 0], [54, 54, 66], [34, 31, 33]], 0.011),
    "focal_asymmetry": ([[15, 21, 18], [88, 69, 82]], 0.290),
    "architectural_distortion": ([[40, 29, 42], [63, 61, 58]], 0.371),
    "lymph_node_status": ([[51, 50, 38], [52, 40, 62]], 0.047),
    "lymphovascular_invasion": ([[46, 30, 58], [55, 56, 41], [2, 4, 1]], 0.011),
    "histological_grade": ([[4, 1, 1], [67, 67, 64], [24, 18, 32], [8, 4, 3]], 0.183),
}
GROUPS = ["negative", "probably_benign", "high_suspicion"]
DESIGN = GroupDesign(tuple(GROUPS), ("Negative", "Probably benign", "High suspicion"))


def _long_counts(tables: dict[str, list[list[int]]]) -> pd.DataFrame:
    rows = []
    for characteristic, table in tables.items():
        for i, counts in enumerate(table):
            for group, n in zip(GROUPS, counts, strict=True):
                rows.append((characteristic, f"c{i}", group, n))
    return pd.DataFrame(rows, columns=["characteristic", "category_code", "group_key",
                                       "n_patients"])


@pytest.fixture(scope="module")
def tests_on_published() -> pd.DataFrame:
    return categorical_tests(_long_counts({k: v[0] for k, v in PUBLISHED.items()}), DESIGN)


@pytest.mark.parametrize("characteristic", list(PUBLISHED))
def test_pearson_chisq_reproduces_every_printed_p(tests_on_published, characteristic):
    row = tests_on_published.query(
        "characteristic == @characteristic and test_name == 'pearson_chisq'"
    ).iloc[0]
    assert round(row["p_value"], 3) == PUBLISHED[characteristic][1]


def test_fisher_is_exact_and_differs_from_the_caption_claim(tests_on_published):
    fisher = tests_on_published[tests_on_published["test_name"] == "fisher_exact"]
    assert set(fisher["method"]) == {"exact"}
    reproduced = {
        row.characteristic
        for row in fisher.itertuples()
        if round(row.p_value, 3) == PUBLISHED[row.characteristic][1]
    }
    assert reproduced == {"lymph_node_status"}


def test_empty_category_is_left_out_of_chisq():
    with_empty = _long_counts({"grade": [[4, 6, 1], [0, 0, 0], [10, 8, 12]]})
    without = _long_counts({"grade": [[4, 6, 1], [10, 8, 12]]})
    a = categorical_tests(with_empty, DESIGN).set_index("test_name")["p_value"]
    b = categorical_tests(without, DESIGN).set_index("test_name")["p_value"]
    assert a["pearson_chisq"] == pytest.approx(b["pearson_chisq"], rel=1e-12)
    assert a["fisher_exact"] == pytest.approx(b["fisher_exact"], rel=1e-12)


def test_single_category_is_not_testable():
    result = categorical_tests(_long_counts({"lvi": [[5, 6, 7], [0, 0, 0]]}), DESIGN)
    chisq = result[result["test_name"] == "pearson_chisq"].iloc[0]
    assert chisq["method"] == "not_testable" and math.isnan(chisq["p_value"])


def test_kruskal_wallis_matches_r_on_a_known_case():
    # R: kruskal.test(list(c(2.9,3.0,2.5,2.6,3.2), c(3.8,2.7,4.0,2.4), c(2.8,3.4,3.7,2.2,2.0)))
    # Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    values = [2.9, 3.0, 2.5, 2.6, 3.2, 3.8, 2.7, 4.0, 2.4, 2.8, 3.4, 3.7, 2.2, 2.0]
    groups = ["negative"] * 5 + ["probably_benign"] * 4 + ["high_suspicion"] * 5
    patients = pd.DataFrame({"group_key": groups})
    for column in ["age_years", "tumor_size_cm", "er_ihc_pct", "pr_ihc_pct", "ki67_ihc_pct"]:
        patients[column] = np.array(values)
    result = continuous_tests(patients, DESIGN).iloc[0]
    assert result["statistic"] == pytest.approx(0.771428571428571, rel=1e-9)
    assert result["df"] == 2
    assert result["p_value"] == pytest.approx(0.679961, rel=1e-5)


def test_groups_come_from_the_design_in_display_order():
    # Any keys work; the design orders the table's columns, and other groups are ignored.
    design = GroupDesign(("b", "a", "c", "d"), ("B", "A", "C", "D"))
    counts = pd.DataFrame(
        [("x", "yes", "a", 3), ("x", "yes", "b", 1), ("x", "no", "c", 2),
         ("x", "no", "d", 5), ("x", "yes", "excluded", 9)],
        columns=["characteristic", "category_code", "group_key", "n_patients"],
    )
    table = contingency_tables(counts, design)["x"]
    assert list(table.columns) == ["b", "a", "c", "d"]
    assert table.loc["yes"].tolist() == [1, 3, 0, 0]
    assert table.loc["no"].tolist() == [0, 0, 2, 5]
    from scipy.stats import chi2_contingency

    expected = chi2_contingency(table.to_numpy(), correction=False)
    chisq = categorical_tests(counts, design).set_index("test_name").loc["pearson_chisq"]
    assert chisq["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)
    assert chisq["df"] == 3


def test_kruskal_wallis_over_all_main_groups_and_empty_groups_left_out():
    from scipy.stats import kruskal

    rng = np.random.default_rng(3)
    design = GroupDesign(("g1", "g2", "g3", "g4"), ("G1", "G2", "G3", "G4"))
    groups = ["g1"] * 8 + ["g2"] * 6 + ["g3"] * 7 + ["g4"] * 5 + ["other"] * 4
    patients = pd.DataFrame({"group_key": groups, "age_years": rng.normal(50, 9, len(groups))})
    result = continuous_tests(patients, design, ("age_years",)).iloc[0]
    main = patients[patients["group_key"] != "other"]
    expected = kruskal(*[g["age_years"] for _, g in main.groupby("group_key")])
    assert result["p_value"] == pytest.approx(expected.pvalue, rel=1e-12)
    assert result["df"] == 3
    only_one = patients.assign(age_years=np.where(patients["group_key"] == "g1", 1.0, np.nan))
    single = continuous_tests(only_one, design, ("age_years",)).iloc[0]
    assert single["method"] == "not_testable" and math.isnan(single["p_value"])


def _long_coded(tables: dict[str, dict[str, list[int]]]) -> pd.DataFrame:
    rows = [(characteristic, code, group, n)
            for characteristic, table in tables.items()
            for code, counts in table.items()
            for group, n in zip(GROUPS, counts, strict=True)]
    return pd.DataFrame(rows, columns=["characteristic", "category_code", "group_key",
                                       "n_patients"])


def test_unknowns_are_left_out_of_the_tests_and_counted():
    lvi = {"present": [46, 30, 58], "absent": [55, 56, 41], "unknown": [2, 4, 1]}
    result = categorical_tests(_long_coded({"lymphovascular_invasion": lvi}), DESIGN)
    result = result.set_index("test_name")
    known = np.array([lvi["present"], lvi["absent"]])
    from scipy.stats import chi2_contingency

    assert result.loc["pearson_chisq", "p_value"] == pytest.approx(
        chi2_contingency(known, correction=False).pvalue, rel=1e-12)
    assert result.loc["fisher_exact", "n_tested"] == known.sum() == 286
    assert result.loc["fisher_exact", "n_excluded_unknown"] == 7
    assert result.loc["pearson_chisq", "n_excluded_unknown"] == 7
    # As printed (Unknown row included): the paper's p (0.011), nothing excluded.
    assert round(result.loc["pearson_chisq_as_printed", "p_value"], 3) == 0.011
    assert result.loc["pearson_chisq_as_printed", "n_tested"] == 293
    assert result.loc["fisher_exact_as_printed", "n_excluded_unknown"] == 0
    assert result["test_note"].isna().all()


def test_degenerate_tables_are_rows_with_notes():
    tables = {
        "all_unknown": {"a": [0, 0, 0], "unknown": [3, 2, 1]},
        "one_group": {"a": [3, 0, 0], "b": [2, 0, 0], "unknown": [0, 4, 4]},
        "one_category": {"a": [3, 2, 4], "b": [0, 0, 0]},
        "two_patients": {"a": [1, 0, 0], "b": [0, 1, 0]},
        "empty_group": {"a": [5, 0, 1], "b": [1, 0, 6]},
    }
    result = categorical_tests(_long_coded(tables), DESIGN)
    known = result[result["test_name"].isin(["fisher_exact", "pearson_chisq"])]
    notes = known.groupby("characteristic")["test_note"].agg(set).to_dict()
    assert notes == {
        "all_unknown": {NO_VALUES}, "one_group": {ONE_GROUP_ONLY},
        "one_category": {ALL_VALUES_EQUAL}, "two_patients": {FEWER_THAN_MIN_OBSERVATIONS},
        "empty_group": {groups_left_out(["Probably benign"])},
    }
    untested = known[known["characteristic"] != "empty_group"]
    assert untested["p_value"].isna().all() and set(untested["method"]) == {"not_testable"}
    tested = known[known["characteristic"] == "empty_group"].set_index("test_name")
    assert tested.loc["fisher_exact", "p_value"] == pytest.approx(
        fisher_exact([[5, 1], [1, 6]]).p_value, rel=1e-12)
    one_group = result[result["characteristic"] == "one_group"].set_index("test_name")
    assert one_group.loc["fisher_exact", "n_excluded_unknown"] == 8
    # As printed, the Unknown row makes the one-group table testable.
    assert one_group.loc["pearson_chisq_as_printed", "p_value"] > 0


def test_continuous_missing_values_counted_and_empty_group_left_out():
    patients = pd.DataFrame({
        "group_key": ["negative"] * 4 + ["probably_benign"] * 2 + ["high_suspicion"] * 3,
        "age_years": [50.0, 61.0, 47.0, np.nan, np.nan, np.nan, 70.0, 66.0, 58.0],
        "tumor_size_cm": [2.0] * 9,
        "er_ihc_pct": [np.nan] * 9,
        "pr_ihc_pct": [10.0, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, np.nan, 20.0],
        "ki67_ihc_pct": [5.0, 6.0, 7.0, 8.0, np.nan, np.nan, np.nan, np.nan, np.nan],
    })
    result = continuous_tests(patients, DESIGN).set_index("characteristic")
    age = result.loc["age_years"]
    assert age["p_value"] == pytest.approx(
        kruskal_test([50.0, 61.0, 47.0], [70.0, 66.0, 58.0]).p_value, rel=1e-12)
    assert age["test_note"] == groups_left_out(["Probably benign"]) and age["df"] == 1
    assert age["n_tested"] == 6 and age["n_excluded_unknown"] == 3
    assert result.loc["tumor_size_cm", "test_note"] == ALL_VALUES_EQUAL
    assert result.loc["er_ihc_pct", "test_note"] == NO_VALUES
    assert result.loc["er_ihc_pct", "n_excluded_unknown"] == 9
    assert result.loc["pr_ihc_pct", "test_note"] == FEWER_THAN_MIN_OBSERVATIONS
    assert result.loc["ki67_ihc_pct", "test_note"] == ONE_GROUP_ONLY
    assert result.loc[result["test_note"] != groups_left_out(["Probably benign"]),
                      "p_value"].isna().all()


def test_empty_inputs_give_typed_frames():
    counts = pd.DataFrame({"characteristic": [], "category_code": [], "group_key": [],
                           "n_patients": []})
    patients = pd.DataFrame({"group_key": pd.Series([], dtype=str)}
                            | {c: pd.Series([], dtype=float) for c in
                               ["age_years", "tumor_size_cm", "er_ihc_pct", "pr_ihc_pct",
                                "ki67_ihc_pct"]})
    result = table1_tests(counts, patients, DESIGN)
    assert list(result["test_name"]) == ["kruskal_wallis"] * 5
    assert set(result["test_note"]) == {NO_VALUES}
    assert dict(result.dtypes.astype(str)) == {
        "characteristic": "string", "test_name": "string", "statistic": "float64",
        "df": "Int64", "p_value": "float64", "method": "string", "test_note": "string",
        "n_tested": "Int64", "n_excluded_unknown": "Int64"}
    assert len(categorical_tests(counts, DESIGN)) == 0
    assert categorical_tests(counts, DESIGN)["p_value"].dtype == "float64"
