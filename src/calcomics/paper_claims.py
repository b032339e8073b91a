"""The paper's quantitative claims next to the warehouse's values ("paper vs warehouse").

The claims are data: ``calcomics/data/paper_claims.tsv`` holds one row per quantitative
claim of the paper (Table 1 cells and p-values, the medians, rates and p-values quoted in
the Results for Figures 2-5) with the value as printed and how to read the warehouse's value
(a *reader*, one of :data:`READERS`, with its arguments). Table 1's printed p-values are not
repeated there: they are read from the seed ``table1_published_p_values`` of the same
warehouse (also used by ``analyses/table1_published_vs_computed_p_values.sql``).

:func:`compare_with_paper` evaluates every claim on a built warehouse and says whether the
warehouse value is within tolerance of the printed one (:func:`within_tolerance`):

* counts exact; rates and medians equal to the printed value at the printed decimals;
* a printed ``P = x``: within a factor 3 (``|log10 p - log10 x| <= 0.5``) and on the same
  side of 0.05 (a non-significant result stays non-significant, a significant one stays
  significant);
* ``P < 0.001``: ``1e-5 <= p < 1e-3``; ``significant`` (the paper says so without a
  number): ``1e-6 <= p < 0.05``; ``n.s.``: ``p >= 0.05``;
* ``> 0`` / ``< 0``: the sign of a DA score; ``A to B``: a value between A and B (targets
  of the demo where the paper prints no number, e.g. the network size).

A claim the paper contradicts elsewhere carries the reason in ``paper_inconsistency`` and
gets the status ``paper inconsistent`` (its warehouse value is still shown).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import duckdb
import pandas as pd

__all__ = [
    "CLAIM_COLUMNS",
    "READERS",
    "STATUSES",
    "compare_with_paper",
    "load_claims",
    "within_tolerance",
]

CLAIM_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "section",
    "claim",
    "statistic",
    "published",
    "published_text",
    "warehouse",
    "source_mart",
    "test",
    "status",
    "note",
)
STATUSES: tuple[str, ...] = (
    "within tolerance",
    "outside tolerance",
    "paper inconsistent",
    "not computable",
)
# The groups of the paper's calcification grouping the claims name.
CALCIFICATION_GROUPING = "calcification"
SIGNIFICANCE = 0.05
MAX_LOG10_DISTANCE = 0.5


@dataclass(frozen=True)
class Reader:
    """How a claim's warehouse value is read: a mart and one SQL query.

    ``sql`` returns one row with one column ``value``; ``$name`` placeholders are the
    claim's arguments (DuckDB named parameters), so values are never pasted into SQL.
    """

    source_mart: str
    sql: str


READERS: dict[str, Reader] = {
    "group_size": Reader(
        "dim_comparison_groups",
        "select n_patients as value from main.dim_comparison_groups where group_key = $group",
    ),
    "cohort_total": Reader(
        "rpt_cohort_flow",
        # one column of the cohort flow summed over every group (the column is an argument
        # checked against a fixed list below, not pasted from the file).
        "select sum({column}) as value from main.rpt_cohort_flow where group_key is not null",
    ),
    "table1_count": Reader(
        "rpt_table1_clinicopathology",
        "select n as value from main.rpt_table1_clinicopathology where characteristic ="
        " $characteristic and category_label = $category and group_key = $group"
        " and row_kind = 'count'",
    ),
    "table1_pct": Reader(
        "rpt_table1_clinicopathology",
        "select pct as value from main.rpt_table1_clinicopathology where characteristic ="
        " $characteristic and category_label = $category and group_key = $group"
        " and row_kind = 'count'",
    ),
    "table1_median": Reader(
        "rpt_table1_clinicopathology",
        "select median as value from main.rpt_table1_clinicopathology where characteristic ="
        " $characteristic and group_key = $group",
    ),
    "table1_p": Reader(
        "rpt_table1_clinicopathology",
        "select max(p_value_fisher_as_printed) as value from main.rpt_table1_clinicopathology"
        " where characteristic = $characteristic and row_kind = 'count'",
    ),
    "pairwise_p": Reader(
        "fct_group_comparisons",
        "select p_adjusted as value from main.fct_group_comparisons where feature_family ="
        " $family and feature = $feature and test = 'wilcoxon_rank_sum'"
        " and group_a_key = $a and group_b_key = $b",
    ),
    "kruskal_p": Reader(
        "fct_group_comparisons",
        "select p_value as value from main.fct_group_comparisons where feature_family ="
        " $family and feature = $feature and test = 'kruskal_wallis'",
    ),
    "group_median": Reader(
        "fct_group_comparisons",
        "select max(case when group_a_key = $group then median_a else median_b end) as value"
        " from main.fct_group_comparisons where feature_family = $family and feature ="
        " $feature and test = 'wilcoxon_rank_sum' and $group in (group_a_key, group_b_key)",
    ),
    "category_pct": Reader(
        "fct_categorical_comparisons",
        "select 100.0 * sum(n) / max(group_total) as value"
        " from main.fct_categorical_comparisons where comparison = $comparison"
        " and group_key = $group and list_contains(string_split($levels, '|'), category_level)",
    ),
    "category_level_pct": Reader(
        "fct_categorical_comparisons",
        "select pct_of_level as value from main.fct_categorical_comparisons"
        " where comparison = $comparison and category_level = $level and group_key = $group",
    ),
    "category_p": Reader(
        "fct_categorical_comparisons",
        "select max(p_value) as value from main.fct_categorical_comparisons"
        " where comparison = $comparison",
    ),
    "survival_p": Reader(
        "rpt_survival_tests",
        "select p_value as value from main.rpt_survival_tests where test = $test"
        " and group_key = $group",
    ),
    "mutation_pct": Reader(
        "fct_mutated_gene_frequencies",
        "select 100.0 * max(fraction_mutated_all) as value"
        " from main.fct_mutated_gene_frequencies"
        " where gene_symbol = $gene",
    ),
    "mutation_p": Reader(
        "fct_mutated_gene_frequencies",
        "select max(p_value) as value from main.fct_mutated_gene_frequencies"
        " where gene_symbol = $gene",
    ),
    "cell_cycle_pct": Reader(
        "rpt_cell_cycle_copy_number",
        "select 100.0 * fraction_altered as value from main.rpt_cell_cycle_copy_number"
        " where gene_symbol = $gene and direction = $direction and group_key = $group",
    ),
    "cell_cycle_p": Reader(
        "rpt_cell_cycle_copy_number",
        "select max(p_value_all_main_groups) as value from main.rpt_cell_cycle_copy_number"
        " where gene_symbol = $gene and direction = $direction",
    ),
    "immune_cell_types_up": Reader(
        "fct_group_comparisons",
        # cell types where the group's median exceeds both others with Bonferroni p < 0.05
        "with pairs as (select feature, case when group_a_key = $group then median_a - median_b"
        " else median_b - median_a end as difference, p_adjusted"
        " from main.fct_group_comparisons where feature_family = 'immune_infiltration'"
        " and test = 'wilcoxon_rank_sum' and $group in (group_a_key, group_b_key))"
        " select count(*) as value from (select feature from pairs group by feature"
        " having bool_and(difference > 0 and p_adjusted < 0.05))",
    ),
    "da_score": Reader(
        "fct_pathway_da_scores",
        "select da_score as value from main.fct_pathway_da_scores where pathway_name ="
        " $pathway and group_key = $group",
    ),
    "network_nodes": Reader(
        "fct_metabolite_network_nodes",
        "select count(*) as value from main.fct_metabolite_network_nodes",
    ),
    "network_density_pct": Reader(
        "fct_metabolite_network_edges",
        "select 100.0 * (select count(*) from main.fct_metabolite_network_edges)"
        " / nullif(n * (n - 1) / 2, 0) as value"
        " from (select count(*) as n from main.fct_metabolite_network_nodes)",
    ),
}
# Columns of rpt_cohort_flow the cohort_total reader may sum.
_COHORT_COLUMNS = frozenset(
    {"n_patients", "n_wes", "n_copy_number", "n_rnaseq", "n_lipidomics", "n_polar_metabolomics"}
)
_TABLE1_SEED = "table1_published_p_values"


def _parse_arguments(text: str) -> dict[str, str]:
    """``"a=1;b=x y"`` -> ``{"a": "1", "b": "x y"}`` (empty text -> no arguments)."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in str(text or "").split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"argument {part!r} is not name=value")
        out[key.strip()] = value.strip()
    return out


@lru_cache(maxsize=1)
def load_claims() -> pd.DataFrame:
    """The claims table shipped with the package (one row per claim, file order).

    Raises ``ValueError`` naming the row and column when a claim names an unknown reader,
    has malformed arguments or a duplicated ``claim_id``.
    """
    source = resources.files("calcomics") / "data" / "paper_claims.tsv"
    with source.open("r", encoding="utf-8") as handle:
        claims = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
    for line, row in enumerate(claims.itertuples(index=False), start=2):
        where = f"paper_claims.tsv line {line} (claim {row.claim_id!r})"
        if row.reader not in READERS:
            raise ValueError(f"{where}, column 'reader': unknown reader {row.reader!r}")
        try:
            _parse_arguments(row.arguments)
        except ValueError as error:
            raise ValueError(f"{where}, column 'arguments': {error}") from None
    duplicated = claims["claim_id"][claims["claim_id"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"paper_claims.tsv, column 'claim_id': duplicated {duplicated}")
    claims["published"] = pd.to_numeric(claims["published"].replace("", math.nan))
    return claims


def _decimals(text: str) -> int:
    """Decimals of the first number printed in ``text`` ('46.2 %' -> 1, '55' -> 0)."""
    match = re.search(r"\d+(?:\.(\d+))?", text)
    return len(match.group(1) or "") if match else 0


def within_tolerance(statistic: str, published: float, published_text: str, value: float) -> bool:
    """Whether a warehouse ``value`` agrees with a claim printed as ``published_text``.

    Rules (the module docstring): ranges ``A to B``; ``> 0`` / ``< 0``; ``n.s.``;
    ``significant``; ``P < 0.001``; ``P = x`` (factor 3, same side of 0.05); counts exact;
    rates and medians at the printed decimals. A missing value is never within tolerance.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    text = published_text.strip()
    span = re.match(r"^(-?[\d.]+) to (-?[\d.]+)", text)
    if span:
        return float(span.group(1)) <= value <= float(span.group(2))
    if text.startswith("> 0"):
        return value > 0
    if text.startswith("< 0"):
        return value < 0
    if text == "n.s.":
        return value >= SIGNIFICANCE
    if text == "significant":
        return 1e-6 <= value < SIGNIFICANCE
    bound = re.match(r"^P < ([\d.]+)$", text)
    if bound:
        upper = float(bound.group(1))
        return upper / 100 <= value < upper
    if statistic == "p_value":
        if not published > 0 or value <= 0:
            return False
        same_side = (value < SIGNIFICANCE) == (published < SIGNIFICANCE)
        return same_side and abs(math.log10(value) - math.log10(published)) <= MAX_LOG10_DISTANCE
    if statistic == "count":
        return value == published
    decimals = _decimals(text)
    # round half away from zero, as the paper's tables are printed
    scaled = abs(value) * 10**decimals
    rounded = math.copysign(math.floor(scaled + 0.5 + 1e-9) / 10**decimals, value)
    return abs(rounded - published) < 0.5 * 10**-decimals


def _active_grouping(connection: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = connection.execute("select grouping_name from main.meta_build").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if rows else None


def _table1_published(connection: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Table 1's printed p-values from the seed, wherever the build put it (any schema)."""
    schemas = connection.execute(
        "select table_schema from information_schema.tables where table_name = ?", [_TABLE1_SEED]
    ).fetchall()
    if not schemas:
        return {}
    rows = connection.execute(
        f'select characteristic, published_p_value from "{schemas[0][0]}".{_TABLE1_SEED}'
    ).fetchall()
    return {characteristic: float(p) for characteristic, p in rows}


def _read_value(
    connection: duckdb.DuckDBPyConnection, reader: Reader, arguments: dict[str, str]
) -> tuple[float, str]:
    """(value, note): the reader's value, or NaN and why it could not be read."""
    sql = reader.sql
    if "{column}" in sql:
        column = arguments.pop("column", "")
        if column not in _COHORT_COLUMNS:
            allowed = sorted(_COHORT_COLUMNS)
            raise ValueError(f"cohort_total: column {column!r} is not one of {allowed}")
        sql = sql.format(column=column)
    try:
        # fetchall, not fetchone: no unfinished result is left on the caller's connection
        rows = connection.execute(sql, arguments or None).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException) as error:
        first_line = str(error).splitlines()[0]
        return math.nan, f"cannot read {reader.source_mart}: {first_line}"
    row = rows[0] if rows else None
    if row is None or row[0] is None:
        return math.nan, f"no value in {reader.source_mart} for {arguments}"
    return float(row[0]), ""


def compare_with_paper(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every quantitative claim of the paper with the warehouse's value and a status.

    Reads the marts (schema ``main``) of a built warehouse, plus the seed of Table 1's
    printed p-values. Columns :data:`CLAIM_COLUMNS`, one row per claim in the order of
    ``paper_claims.tsv``. ``status`` is one of :data:`STATUSES`: ``not computable`` (with a
    note) for every claim when the warehouse was built with another grouping than the
    paper's calcification grouping, or for a claim whose mart or row is missing.
    """
    claims = load_claims().copy()
    grouping = _active_grouping(connection)
    table1 = _table1_published(connection)
    records = []
    for row in claims.itertuples(index=False):
        reader = READERS[row.reader]
        published, published_text = row.published, row.published_text
        arguments = _parse_arguments(row.arguments)
        if row.reader == "table1_p":
            published = table1.get(arguments["characteristic"], math.nan)
            published_text = "" if math.isnan(published) else f"P = {published:.3f}"
        if grouping != CALCIFICATION_GROUPING:
            value = math.nan
            status = "not computable"
            note = (
                f"the warehouse was built with the grouping {grouping!r}; the paper's claims "
                f"need the '{CALCIFICATION_GROUPING}' grouping"
                if grouping is not None
                else "the warehouse has no meta_build table (not a calcomics build)"
            )
        else:
            value, note = _read_value(connection, reader, arguments)
            if math.isnan(value):
                status = "not computable"
            elif row.paper_inconsistency:
                status, note = "paper inconsistent", row.paper_inconsistency
            elif not published_text:
                status, note = "not computable", "published value missing (Table 1 seed)"
            elif within_tolerance(row.statistic, published, published_text, value):
                status = "within tolerance"
            else:
                status = "outside tolerance"
        records.append(
            {
                "claim_id": row.claim_id,
                "section": row.section,
                "claim": row.claim,
                "statistic": row.statistic,
                "published": float(published),
                "published_text": published_text,
                "warehouse": value,
                "source_mart": reader.source_mart,
                "test": row.test,
                "status": status,
                "note": note,
            }
        )
    return pd.DataFrame.from_records(records, columns=list(CLAIM_COLUMNS))
