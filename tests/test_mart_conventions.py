"""One naming and typing convention across the marts (docs/CONVENTIONS.md).

The rules are read from the built warehouse's information_schema (the default demo build)
and the marts' values: forbidden p-value names, percentages 0-100, fractions 0-1, boolean
flags, integer counts, p-values and q-values in [0, 1] with their adjustment columns, the
group columns on every per-patient mart, and the BH q-values recomputed from the p-values
with R's p.adjust. The rule functions are also run on hand-made column lists, so each rule
is seen to fail.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.stats import p_adjust

MART_PREFIXES = ("dim_", "fct_", "rpt_", "meta_")
GROUP_COLUMNS = ("group_key", "group_label", "group_order", "is_main_analysis_group")
PATIENT_COLUMNS = ("patient_id", "sample_id")
# fdr / fdr_q / fisher_p / p_val / pval / nominal_p / fwer_p and friends: use p_value,
# p_adjusted (+ adjustment_method, adjustment_family) and q_value instead.
FORBIDDEN = re.compile(r"(^|_)(fdr|fdr_q|fwer|fwer_p|pval|p_val|nominal_p)(_|$)|fisher_p($|_)"
                       r"|^(had|was|did)_|^rate$|(^|_)frequency(_|$)|(^|_)proportion(_|$)")
PCT = re.compile(r"(^pct$|^pct_|_pct$)")
FRACTION = re.compile(r"^fraction_")
FLAG = re.compile(r"^(is|has)_")
# counts: n / n_*, *_count, *_total, group_unknown, numbers at risk / of events, set sizes,
# genes used, network degree, bootstrap samples, degrees of freedom
COUNT = re.compile(r"^n$|^n_|_count$|_total$|_unknown$|_genes_used$"
                   r"|^(set|leading_edge|min|max)_size$"
                   r"|^(at_risk|events|censored|degree|core_number|nboot|df)$")
PROBABILITY = re.compile(r"^(p_value|p_adjusted|q_value)(_|$)")
INTEGER_TYPES = {"INTEGER", "BIGINT"}
NUMERIC_TYPES = {"DOUBLE", "FLOAT", "REAL", "INTEGER", "BIGINT", "DECIMAL"}


def mart_columns(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """table_name, column_name, data_type of every mart (schema main, dim_/fct_/rpt_/meta_)."""
    columns = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'main' order by table_name, ordinal_position").df()
    return columns[columns["table_name"].str.startswith(MART_PREFIXES)].reset_index(drop=True)


def name_violations(columns: pd.DataFrame) -> list[str]:
    """Columns whose name or type breaks the convention (no values read)."""
    problems = []
    for table, column, data_type in columns.itertuples(index=False):
        where = f"{table}.{column} ({data_type})"
        if FORBIDDEN.search(column):
            problems.append(f"{where}: name not in the vocabulary (docs/CONVENTIONS.md)")
        if FLAG.search(column) and data_type != "BOOLEAN":
            problems.append(f"{where}: a flag must be BOOLEAN")
        if COUNT.search(column) and data_type not in INTEGER_TYPES:
            problems.append(f"{where}: a count must be INTEGER or BIGINT")
        if (PCT.search(column) or FRACTION.search(column) or PROBABILITY.search(column)) and (
                data_type.split("(")[0] not in NUMERIC_TYPES):
            problems.append(f"{where}: must be numeric")
    for table, frame in columns.groupby("table_name"):
        names = set(frame["column_name"])
        if "p_adjusted" in names and not {"adjustment_method", "adjustment_family"} <= names:
            problems.append(f"{table}: p_adjusted without adjustment_method/adjustment_family")
        if names & set(PATIENT_COLUMNS) and not set(GROUP_COLUMNS) <= names:
            missing = sorted(set(GROUP_COLUMNS) - names)
            problems.append(f"{table}: per-patient mart without {', '.join(missing)}")
    return problems


def range_violations(connection: duckdb.DuckDBPyConnection, columns: pd.DataFrame) -> list[str]:
    """Percentages outside 0-100, fractions and p/q-values outside 0-1 in the marts' values."""
    checks = []
    for table, column, _ in columns.itertuples(index=False):
        if PCT.search(column):
            checks.append((table, column, 0.0, 100.0))
        elif FRACTION.search(column):
            checks.append((table, column, 0.0, 1.0 + 1e-6))  # a sum of NNLS fractions
        elif PROBABILITY.search(column):
            checks.append((table, column, 0.0, 1.0))
    problems = []
    for table, column, low, high in checks:
        bad = connection.execute(
            f'select count(*), min("{column}"), max("{column}") from main."{table}" '
            f'where "{column}" < ? or "{column}" > ?', [low, high]).fetchone()
        if bad[0]:
            problems.append(f"{table}.{column}: {bad[0]} value(s) outside [{low}, {high:g}] "
                            f"(min {bad[1]}, max {bad[2]})")
    return problems


@pytest.fixture(scope="module")
def columns(warehouse) -> pd.DataFrame:
    return mart_columns(warehouse)


def test_the_rules_catch_each_kind_of_violation():
    bad = pd.DataFrame([
        ("fct_x", "fdr", "DOUBLE"), ("fct_x", "fdr_q", "DOUBLE"), ("fct_x", "fisher_p", "DOUBLE"),
        ("fct_x", "p_val", "DOUBLE"), ("fct_x", "nominal_p", "DOUBLE"),
        ("fct_x", "had_relapse", "BOOLEAN"), ("fct_x", "frequency_all", "DOUBLE"),
        ("fct_x", "is_included", "INTEGER"), ("fct_x", "n_samples", "DOUBLE"),
        ("fct_x", "event_count", "DOUBLE"), ("fct_x", "p_adjusted", "DOUBLE"),
        ("fct_x", "at_risk", "DOUBLE"), ("fct_x", "group_total", "HUGEINT"),
        ("fct_y", "sample_id", "VARCHAR"), ("fct_y", "group_key", "VARCHAR"),
    ], columns=["table_name", "column_name", "data_type"])
    problems = name_violations(bad)
    for expected in ("fct_x.fdr ", "fct_x.fdr_q ", "fct_x.fisher_p ", "fct_x.p_val ",
                     "fct_x.nominal_p ", "fct_x.had_relapse ", "fct_x.frequency_all ",
                     "fct_x.is_included (INTEGER): a flag", "fct_x.n_samples (DOUBLE): a count",
                     "fct_x.event_count (DOUBLE): a count", "fct_x.at_risk (DOUBLE): a count",
                     "fct_x.group_total (HUGEINT): a count", "fct_x: p_adjusted without",
                     "fct_y: per-patient mart without group_label, group_order, "
                     "is_main_analysis_group"):
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    good = pd.DataFrame([
        ("fct_z", "p_value", "DOUBLE"), ("fct_z", "q_value", "DOUBLE"),
        ("fct_z", "n_tested", "INTEGER"), ("fct_z", "has_relapse", "BOOLEAN"),
        ("fct_z", "fraction_mutated", "DOUBLE"), ("fct_z", "er_ihc_pct", "DOUBLE"),
    ], columns=["table_name", "column_name", "data_type"])
    assert name_violations(good) == []


def test_the_range_rules_catch_values_out_of_range():
    connection = duckdb.connect()
    connection.execute("create table fct_x as select 101.0 as tumor_pct, 1.5 as fraction_a, "
                       "-0.1 as q_value, 0.5 as p_value")
    problems = range_violations(connection, mart_columns(connection))
    assert [p.split(":")[0] for p in problems] == ["fct_x.tumor_pct", "fct_x.fraction_a",
                                                   "fct_x.q_value"]


def test_every_mart_column_follows_the_naming_and_typing_rules(columns):
    assert {"dim_patients", "fct_group_comparisons", "rpt_survival_tests"} <= set(
        columns["table_name"])
    assert name_violations(columns) == []


def test_mart_values_are_in_the_range_their_names_promise(warehouse, columns):
    assert range_violations(warehouse, columns) == []


def test_relapse_is_one_boolean_named_has_relapse(warehouse, columns):
    relapse = columns[columns["column_name"].str.contains("relapse|rfs_event")]
    assert set(relapse["column_name"]) == {"has_relapse"}
    assert set(relapse["table_name"]) >= {"dim_patients", "fct_survival_cohort",
                                         "rpt_patient_overview"}
    different = warehouse.execute(
        "select count(*) from main.dim_patients as d inner join main.fct_survival_cohort as s "
        "on d.patient_id = s.patient_id where d.has_relapse is distinct from s.has_relapse"
    ).fetchone()[0]
    assert different == 0


def test_per_patient_group_columns_equal_dim_patients(warehouse, columns):
    per_patient = columns.groupby("table_name")["column_name"].apply(set)
    marts = [t for t, names in per_patient.items()
             if t != "dim_patients" and names & set(PATIENT_COLUMNS)]
    assert {"fct_tumor_mutational_burden", "fct_hrd_scores", "fct_cin_scores",
            "fct_mutational_signatures", "fct_pathway_scores", "fct_immune_infiltration",
            "fct_treatment_scores", "fct_pam50_calls", "fct_gene_copy_number"} <= set(marts)
    for mart in marts:
        key = "patient_id" if "patient_id" in per_patient[mart] else "sample_id"
        mismatched = warehouse.execute(
            f"select count(*) from main.{mart} as m left join main.dim_patients as d "
            f"on m.{key} = d.patient_id where "
            + " or ".join(f"m.{c} is distinct from d.{c}" for c in GROUP_COLUMNS)
        ).fetchone()[0]
        assert mismatched == 0, mart


def _bh_by_family(frame: pd.DataFrame, family: list[str]) -> np.ndarray:
    q = pd.Series(np.nan, index=frame.index)
    for _, rows in frame.groupby(family, dropna=False):
        q.loc[rows.index] = p_adjust(rows["p_value"].to_numpy(float), "BH")
    return q.to_numpy()


@pytest.mark.parametrize(("mart", "family", "unit"), [
    ("fct_group_comparisons", ["feature_family", "test", "group_a_key", "group_b_key"], None),
    ("fct_copy_number_alteration_frequencies", ["level", "direction", "group_key"], None),
    ("fct_mutated_gene_frequencies", [], "gene_symbol"),
])
def test_q_values_are_bh_over_the_documented_family(warehouse, mart, family, unit):
    frame = warehouse.execute(f"select * from main.{mart}").df()
    if unit:  # one p per gene, repeated on its group rows: each gene counts once
        genes = frame.drop_duplicates(unit).reset_index(drop=True)
        expected = dict(zip(genes[unit], p_adjust(genes["p_value"].to_numpy(float), "BH"),
                            strict=True))
        want = frame[unit].map(expected).to_numpy(float)
    else:
        want = _bh_by_family(frame, family)
    assert frame["q_value"].notna().sum() > 0
    np.testing.assert_allclose(frame["q_value"].to_numpy(float), want, rtol=1e-12)
    assert (frame["q_value"].isna() == frame["p_value"].isna()).all()

