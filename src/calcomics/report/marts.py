"""Data access of ``calcomics report``: every SQL query and every mart column it reads.

The report reads only marts (schema ``main``) of a built warehouse through a read-only
connection.  All table and column names live here, so a mart rename is a change of this one
file.  Each function returns a :class:`pandas.DataFrame` with the report's own column names
(left of ``as`` in the queries), whatever the mart calls them; an empty frame means the
mart has no rows for the question (the omics layer is absent).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

__all__ = [
    "COLUMNS",
    "MARTS",
    "SCHEMA",
    "SIGNATURE_FEATURE_SUFFIX",
    "analysis_coverage",
    "build_record",
    "categorical_counts",
    "cell_cycle_copy_number",
    "cohort_flow",
    "copy_number_arm_rates",
    "group_comparisons",
    "groups",
    "gsea_results",
    "immune_scores",
    "km_curves",
    "metabolite_network",
    "metabolite_pathway_categories",
    "missing_marts",
    "mutated_gene_frequencies",
    "pathway_da_scores",
    "pathway_scores",
    "patient_values",
    "signature_proportions",
    "survival_tests",
    "table1",
]

SCHEMA = "main"
# fct_group_comparisons names a signature's share feature '<signature><suffix>'
SIGNATURE_FEATURE_SUFFIX = "_proportion"

# report name -> mart
MARTS = {
    "patients": "dim_patients",
    "groups": "dim_comparison_groups",
    "build": "meta_build",
    "coverage": "rpt_analysis_coverage",
    "cohort_flow": "rpt_cohort_flow",
    "table1": "rpt_table1_clinicopathology",
    "group_comparisons": "fct_group_comparisons",
    "categorical": "fct_categorical_comparisons",
    "km": "fct_km_curves",
    "survival_tests": "rpt_survival_tests",
    "tmb": "fct_tumor_mutational_burden",
    "hrd": "fct_hrd_scores",
    "cin": "fct_cin_scores",
    "signatures": "fct_mutational_signatures",
    "mutated_genes": "fct_mutated_gene_frequencies",
    "cna": "fct_copy_number_alteration_frequencies",
    "cell_cycle_cna": "rpt_cell_cycle_copy_number",
    "pam50": "fct_pam50_calls",
    "immune": "fct_immune_infiltration",
    "pathways": "fct_pathway_scores",
    "gsea": "fct_gsea_group_vs_rest",
    "treatment": "fct_treatment_scores",
    "da_scores": "fct_pathway_da_scores",
    "network_nodes": "fct_metabolite_network_nodes",
    "network_edges": "fct_metabolite_network_edges",
}

# (mart key, report column) -> mart column.  The only place mart column names are written.
COLUMNS: dict[tuple[str, str], str] = {
    # the patient spine and the groups
    ("patients", "patient_id"): "patient_id",
    ("patients", "is_main"): "is_main_analysis_group",
    ("groups", "grouping_name"): "grouping_name",
    ("groups", "clinical_column"): "clinical_column",
    ("groups", "n_patients"): "n_patients",
    ("groups", "exclusion_reason"): "analysis_exclusion_reason",
    ("build", "data_origin"): "data_origin",
    ("build", "grouping_name"): "grouping_name",
    ("build", "grouping_column"): "grouping_column",
    ("build", "calcomics_version"): "calcomics_version",
    ("build", "git_commit"): "git_commit",
    ("build", "finished_at"): "finished_at",
    ("build", "demo_patients"): "demo_patients",
    ("build", "demo_seed"): "demo_seed",
    # every group-carrying mart
    ("any", "group_key"): "group_key",
    ("any", "group_label"): "group_label",
    ("any", "group_order"): "group_order",
    ("any", "is_main"): "is_main_analysis_group",
    # per-sample score marts
    ("scores", "sample_id"): "sample_id",
    ("tmb", "tmb_per_mb"): "tmb_per_mb",
    ("hrd", "hrd_loh"): "hrd_loh",
    ("hrd", "tai"): "tai",
    ("hrd", "lst"): "lst",
    ("hrd", "hrd_sum"): "hrd_sum",
    ("cin", "cin_score"): "cin_score",
    ("signatures", "signature"): "signature",
    ("signatures", "proportion"): "fraction_of_exposure",
    ("treatment", "set_index"): "set_index",
    ("treatment", "cdk46_sensitivity_score"): "cdk46_sensitivity_score",
    ("treatment", "endocrine_sensitivity_score"): "endocrine_sensitivity_score",
    ("immune", "cell_type"): "cell_type",
    ("immune", "score"): "infiltration_score",
    ("pathways", "collection"): "collection",
    ("pathways", "gene_set"): "gene_set",
    ("pathways", "score"): "score",
    # clinical values of the spine (Figure 2)
    ("patients", "tumor_size_cm"): "tumor_size_cm",
    ("patients", "age_years"): "age_years",
    ("patients", "er_ihc_pct"): "er_ihc_pct",
    ("patients", "pr_ihc_pct"): "pr_ihc_pct",
    ("patients", "ki67_ihc_pct"): "ki67_ihc_pct",
    # coverage
    ("coverage", "analysis"): "analysis",
    ("coverage", "analysis_order"): "analysis_order",
    ("coverage", "figure_reference"): "figure_reference",
    ("coverage", "omics_layer"): "omics_layer",
    ("coverage", "mart_name"): "mart_name",
    ("coverage", "n_main_patients"): "n_main_patients",
    ("coverage", "n_patients_with_layer"): "n_patients_with_layer",
    ("coverage", "n_patients_used"): "n_patients_used",
    ("coverage", "coverage_status"): "coverage_status",
    # cohort flow
    ("cohort_flow", "exclusion_reason"): "exclusion_reason",
    ("cohort_flow", "n_patients"): "n_patients",
    ("cohort_flow", "n_wes"): "n_wes",
    ("cohort_flow", "n_copy_number"): "n_copy_number",
    ("cohort_flow", "n_rnaseq"): "n_rnaseq",
    ("cohort_flow", "n_lipidomics"): "n_lipidomics",
    ("cohort_flow", "n_polar_metabolomics"): "n_polar_metabolomics",
    # Table 1
    ("table1", "row_order"): "row_order",
    ("table1", "characteristic_label"): "characteristic_label",
    ("table1", "category_label"): "category_label",
    ("table1", "row_kind"): "row_kind",
    ("table1", "n"): "n",
    ("table1", "pct"): "pct",
    ("table1", "median"): "median",
    ("table1", "p_fisher"): "p_value_fisher",
    ("table1", "p_kruskal_wallis"): "p_value_kruskal_wallis",
    ("table1", "test_note"): "test_note",
    # continuous comparisons (Wilcoxon pairs, Kruskal-Wallis)
    ("group_comparisons", "feature_family"): "feature_family",
    ("group_comparisons", "feature"): "feature",
    ("group_comparisons", "test"): "test",
    ("group_comparisons", "scope"): "comparison_scope",
    ("group_comparisons", "group_a_key"): "group_a_key",
    ("group_comparisons", "group_b_key"): "group_b_key",
    ("group_comparisons", "p_value"): "p_value",
    ("group_comparisons", "p_adjusted"): "p_adjusted",
    ("group_comparisons", "test_note"): "test_note",
    # categorical comparisons (Fisher)
    ("categorical", "comparison"): "comparison",
    ("categorical", "level"): "category_level",
    ("categorical", "n"): "n",
    ("categorical", "p_value"): "p_value",
    ("categorical", "test_note"): "test_note",
    # survival
    ("km", "time_months"): "time_months",
    ("km", "survival"): "survival",
    ("km", "ci_lower"): "ci_lower",
    ("km", "ci_upper"): "ci_upper",
    ("km", "at_risk"): "at_risk",
    ("km", "events"): "events",
    ("km", "censored"): "censored",
    ("survival_tests", "test"): "test",
    ("survival_tests", "scope"): "comparison_scope",
    ("survival_tests", "group_a_key"): "group_a_key",
    ("survival_tests", "group_b_key"): "group_b_key",
    ("survival_tests", "p_value"): "p_value",
    ("survival_tests", "p_adjusted"): "p_adjusted",
    ("survival_tests", "test_note"): "test_note",
    # mutated genes (fractions 0-1)
    ("mutated_genes", "gene_symbol"): "gene_symbol",
    ("mutated_genes", "fraction"): "fraction_mutated",
    ("mutated_genes", "fraction_all"): "fraction_mutated_all",
    ("mutated_genes", "rank"): "mutation_rank",
    ("mutated_genes", "p_value"): "p_value",
    # copy-number alteration frequencies (fractions 0-1)
    ("cna", "level"): "level",
    ("cna", "feature"): "feature",
    ("cna", "direction"): "direction",
    ("cna", "fraction"): "fraction_altered",
    ("cna", "p_adjusted_vs_rest"): "p_adjusted",
    ("cell_cycle_cna", "gene_symbol"): "gene_symbol",
    ("cell_cycle_cna", "regulation"): "regulation",
    ("cell_cycle_cna", "direction"): "direction",
    ("cell_cycle_cna", "fraction"): "fraction_altered",
    ("cell_cycle_cna", "p_value"): "p_value_all_main_groups",
    # GSEA
    ("gsea", "collection"): "collection",
    ("gsea", "gene_set"): "gene_set",
    ("gsea", "nes"): "nes",
    ("gsea", "q_value"): "q_value",
    # metabolomics
    ("da_scores", "pathway_name"): "pathway_name",
    ("da_scores", "pathway_category"): "pathway_category",
    ("da_scores", "n_tested"): "n_tested",
    ("da_scores", "da_score"): "da_score",
    ("network_nodes", "feature_id"): "feature_id",
    ("network_nodes", "feature_name"): "feature_name",
    ("network_nodes", "pathway_category"): "pathway_category",
    ("network_nodes", "degree"): "degree",
    ("network_nodes", "community"): "community",
    ("network_edges", "source"): "source_feature_id",
    ("network_edges", "target"): "target_feature_id",
    ("network_edges", "rho"): "spearman_rho",
}


def _c(mart: str, name: str) -> str:
    """Mart column of report column ``name`` (quoted identifier)."""
    column = COLUMNS.get((mart, name)) or COLUMNS[("any", name)]
    return f'"{column}"'


def _t(mart: str) -> str:
    return f'{SCHEMA}."{MARTS[mart]}"'


def _sel(mart: str, names: Sequence[str], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ",\n    ".join(f"{prefix}{_c(mart, n)} as {n}" for n in names)


def _df(connection: duckdb.DuckDBPyConnection, sql: str,
        parameters: Sequence[object] | None = None) -> pd.DataFrame:
    return connection.execute(sql, list(parameters or [])).df()


def missing_marts(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Marts the report reads that the warehouse lacks (empty: a complete warehouse)."""
    present = {row[0] for row in connection.execute(
        "select table_name from information_schema.tables where table_schema = ?",
        [SCHEMA]).fetchall()}
    return sorted(set(MARTS.values()) - present)


def build_record(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """The one ``meta_build`` row (origin, grouping, versions, times) as a dict."""
    names = ["data_origin", "grouping_name", "grouping_column", "calcomics_version",
             "git_commit", "finished_at", "demo_patients", "demo_seed"]
    frame = _df(connection, f"select {_sel('build', names)} from {_t('build')} limit 1")
    return {} if frame.empty else frame.iloc[0].to_dict()


_GROUP = ["group_key", "group_label", "group_order"]


def groups(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Groups of the active grouping (``dim_comparison_groups``) in display order:
    group_key, group_label, group_order, is_main, n_patients, exclusion_reason."""
    names = [*_GROUP, "is_main", "n_patients", "exclusion_reason"]
    return _df(connection, f"select {_sel('groups', names)} from {_t('groups')} "
                           f"order by {_c('groups', 'group_order')}")


def analysis_coverage(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``rpt_analysis_coverage``: one row per analysis of the paper."""
    names = ["analysis", "analysis_order", "figure_reference", "omics_layer", "mart_name",
             "n_main_patients", "n_patients_with_layer", "n_patients_used", "coverage_status"]
    return _df(connection, f"select {_sel('coverage', names)} from {_t('coverage')} "
                           f"order by {_c('coverage', 'analysis_order')}")


def cohort_flow(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``rpt_cohort_flow`` (Figure 1): patients and omics per group or exclusion reason."""
    names = [*_GROUP, "is_main", "exclusion_reason", "n_patients", "n_wes", "n_copy_number",
             "n_rnaseq", "n_lipidomics", "n_polar_metabolomics"]
    return _df(connection, f"select {_sel('cohort_flow', names)} from {_t('cohort_flow')} "
                           f"order by {_c('cohort_flow', 'group_order')} nulls last, "
                           f"{_c('cohort_flow', 'exclusion_reason')}")


def table1(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``rpt_table1_clinicopathology`` (long: row x main group)."""
    names = ["row_order", "characteristic_label", "category_label", "row_kind", *_GROUP,
             "n", "pct", "median", "p_fisher", "p_kruskal_wallis", "test_note"]
    return _df(connection, f"select {_sel('table1', names)} from {_t('table1')} "
                           f"order by {_c('table1', 'row_order')}, "
                           f"{_c('table1', 'group_order')}")


def patient_values(connection: duckdb.DuckDBPyConnection, mart: str,
                   values: Sequence[str]) -> pd.DataFrame:
    """Per-patient values of a score mart (or the spine) for main-group patients, long:
    patient_id, group_key, group_label, group_order, feature, value (nulls dropped).

    ``mart`` is a key of :data:`MARTS` (``patients``, ``tmb``, ``hrd``, ``cin``,
    ``treatment``); ``values`` report column names of that mart.
    """
    patients = _t("patients")
    group = ", ".join(f"patients.{_c('patients', n)} as {n}" for n in _GROUP)
    if mart == "patients":
        source, join = patients + " as scores", ""
        key = f"scores.{_c('patients', 'patient_id')}"
        group = ", ".join(f"scores.{_c('patients', n)} as {n}" for n in _GROUP)
        main = f"scores.{_c('patients', 'is_main')}"
    else:
        source = f"{_t(mart)} as scores"
        join = (f"inner join {patients} as patients on scores.{_c('scores', 'sample_id')} "
                f"= patients.{_c('patients', 'patient_id')}")
        key = f"scores.{_c('scores', 'sample_id')}"
        main = f"patients.{_c('patients', 'is_main')}"
    unions = " union all ".join(
        f"select {key} as patient_id, {group}, '{name}' as feature, "
        f"cast(scores.{_c(mart, name)} as double) as value from {source} {join} "
        f"where {main} and scores.{_c(mart, name)} is not null"
        for name in values)
    return _df(connection, f"select * from ({unions}) order by feature, group_order, "
                           "patient_id")


def signature_proportions(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per-sample signature proportions of main-group patients (Figure 3D), long:
    patient_id, group_key, group_label, group_order, feature (signature), value."""
    group = ", ".join(f"patients.{_c('patients', n)} as {n}" for n in _GROUP)
    return _df(connection, f"""
        select scores.{_c('scores', 'sample_id')} as patient_id, {group},
            scores.{_c('signatures', 'signature')} as feature,
            cast(scores.{_c('signatures', 'proportion')} as double) as value
        from {_t('signatures')} as scores
        inner join {_t('patients')} as patients
            on scores.{_c('scores', 'sample_id')} = patients.{_c('patients', 'patient_id')}
        where patients.{_c('patients', 'is_main')}
            and scores.{_c('signatures', 'proportion')} is not null
        order by feature, group_order, patient_id""")


def _set_scores(connection: duckdb.DuckDBPyConnection, mart: str, set_column: str,
                where: str, parameters: Sequence[object]) -> pd.DataFrame:
    group = ", ".join(f"patients.{_c('patients', n)} as {n}" for n in _GROUP)
    return _df(connection, f"""
        select scores.{_c('scores', 'sample_id')} as patient_id, {group},
            scores.{_c(mart, set_column)} as feature,
            cast(scores.{_c(mart, 'score')} as double) as value
        from {_t(mart)} as scores
        inner join {_t('patients')} as patients
            on scores.{_c('scores', 'sample_id')} = patients.{_c('patients', 'patient_id')}
        where patients.{_c('patients', 'is_main')} and scores.{_c(mart, 'score')} is not null
            and {where}
        order by feature, group_order, patient_id""", parameters)


def immune_scores(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """ssGSEA immune cell-type scores of main-group patients (Figure 4D), long."""
    return _set_scores(connection, "immune", "cell_type", "true", [])


def pathway_scores(connection: duckdb.DuckDBPyConnection,
                   gene_sets: Sequence[str]) -> pd.DataFrame:
    """ssGSEA scores of the named gene sets for main-group patients (Figure 4G), long."""
    if not gene_sets:
        raise ValueError("pathway_scores needs at least one gene set")
    marks = ", ".join("?" for _ in gene_sets)
    return _set_scores(connection, "pathways", "gene_set",
                       f"scores.{_c('pathways', 'gene_set')} in ({marks})", list(gene_sets))


def group_comparisons(connection: duckdb.DuckDBPyConnection, family: str,
                      features: Sequence[str] | None = None) -> pd.DataFrame:
    """Tests of ``fct_group_comparisons`` for one feature family: feature, test, scope,
    group_a_key, group_b_key, p_value, p_adjusted, test_note."""
    names = ["feature", "test", "scope", "group_a_key", "group_b_key", "p_value",
             "p_adjusted", "test_note"]
    where = f"{_c('group_comparisons', 'feature_family')} = ?"
    parameters: list[object] = [family]
    if features:
        where += f" and {_c('group_comparisons', 'feature')} in " \
                 f"({', '.join('?' for _ in features)})"
        parameters += list(features)
    return _df(connection, f"select {_sel('group_comparisons', names)} "
                           f"from {_t('group_comparisons')} where {where}", parameters)


def categorical_counts(connection: duckdb.DuckDBPyConnection,
                       comparison: str) -> pd.DataFrame:
    """``fct_categorical_comparisons`` rows of one comparison: level, group_key,
    group_label, group_order, n, p_value, test_note."""
    names = ["level", *_GROUP, "n", "p_value", "test_note"]
    return _df(connection, f"select {_sel('categorical', names)} from {_t('categorical')} "
                           f"where {_c('categorical', 'comparison')} = ? "
                           f"order by group_order, level", [comparison])


def km_curves(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``fct_km_curves``: group, time, survival, CI, at risk, events, censored."""
    names = [*_GROUP, "time_months", "survival", "ci_lower", "ci_upper", "at_risk", "events",
             "censored"]
    return _df(connection, f"select {_sel('km', names)} from {_t('km')} "
                           f"order by group_order, time_months")


def survival_tests(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``rpt_survival_tests``: log-rank (all groups, pairs) and two-stage rows."""
    names = ["test", "scope", *_GROUP, "group_a_key", "group_b_key", "p_value", "p_adjusted",
             "test_note"]
    return _df(connection, f"select {_sel('survival_tests', names)} "
                           f"from {_t('survival_tests')} order by test, group_order")


def mutated_gene_frequencies(connection: duckdb.DuckDBPyConnection,
                             top: int) -> pd.DataFrame:
    """The ``top`` most frequently mutated genes, one row per gene and main group:
    gene_symbol, group_key, group_label, group_order, fraction, fraction_all, rank,
    p_value (exact Fisher over all main groups)."""
    names = ["gene_symbol", *_GROUP, "fraction", "fraction_all", "rank", "p_value"]
    return _df(connection, f"select {_sel('mutated_genes', names)} "
                           f"from {_t('mutated_genes')} "
                           f"where {_c('mutated_genes', 'rank')} <= ? "
                           f"order by rank, group_order", [top])


def copy_number_arm_rates(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Arm-level gain/loss fractions per main group (Figure 3F): feature (arm), direction,
    group_key, group_label, group_order, fraction, p_adjusted_vs_rest."""
    names = ["feature", "direction", *_GROUP, "fraction", "p_adjusted_vs_rest"]
    return _df(connection, f"select {_sel('cna', names)} from {_t('cna')} "
                           f"where {_c('cna', 'level')} = 'arm' "
                           f"order by direction, group_order")


def cell_cycle_copy_number(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``rpt_cell_cycle_copy_number`` (Figure 3G): gene_symbol, regulation, direction,
    group_key, group_label, group_order, fraction, p_value (Fisher over all groups)."""
    names = ["gene_symbol", "regulation", "direction", *_GROUP, "fraction", "p_value"]
    return _df(connection, f"select {_sel('cell_cycle_cna', names)} "
                           f"from {_t('cell_cycle_cna')} "
                           f"order by regulation, gene_symbol, direction, group_order")


def gsea_results(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``fct_gsea_group_vs_rest``: group, collection, gene_set, nes, q_value."""
    names = [*_GROUP, "collection", "gene_set", "nes", "q_value"]
    return _df(connection, f"select {_sel('gsea', names)} from {_t('gsea')} "
                           f"where {_c('gsea', 'nes')} is not null "
                           f"order by group_order, nes desc")


def pathway_da_scores(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``fct_pathway_da_scores`` with a score: pathway_name, pathway_category, group,
    n_tested, da_score."""
    names = ["pathway_name", "pathway_category", *_GROUP, "n_tested", "da_score"]
    return _df(connection, f"select {_sel('da_scores', names)} from {_t('da_scores')} "
                           f"where {_c('da_scores', 'da_score')} is not null "
                           f"order by group_order, pathway_category, pathway_name")


def metabolite_network(connection: duckdb.DuckDBPyConnection,
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (feature_id, feature_name, pathway_category, degree, community) and edges
    (source, target, rho) of the polar metabolite network (Figure 5B)."""
    node_columns = ["feature_id", "feature_name", "pathway_category", "degree", "community"]
    nodes = _df(connection, f"select {_sel('network_nodes', node_columns)} "
                            f"from {_t('network_nodes')} order by feature_id")
    edges = _df(connection, f"select {_sel('network_edges', ['source', 'target', 'rho'])} "
                            f"from {_t('network_edges')} order by source, target")
    return nodes, edges


def metabolite_pathway_categories(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every pathway category of the DA scores and the network nodes, sorted (one colour
    per category across Figure 5)."""
    rows = connection.execute(
        f"select {_c('da_scores', 'pathway_category')} from {_t('da_scores')} union "
        f"select {_c('network_nodes', 'pathway_category')} from {_t('network_nodes')}"
    ).fetchall()
    return sorted({row[0] for row in rows if row[0] is not None})
