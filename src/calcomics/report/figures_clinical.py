"""Figure 1 (cohort flow) and Figure 2 (clinical features, relapse-free survival).

Each function takes a read-only warehouse connection and the main groups (group_key,
group_label, group_order in display order) and returns a matplotlib Figure; an empty mart
raises :class:`~calcomics.report.plots.EmptyMartError`.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from calcomics.report import marts
from calcomics.report.plots import (
    EmptyMartError,
    box_panel,
    group_palette,
    level_palette,
    new_figure,
    p_text,
    stacked_bar_panel,
)

__all__ = [
    "figure1_cohort_flow",
    "figure2_age",
    "figure2_ihc_scores",
    "figure2_km_curves",
    "figure2_lymph_node_status",
    "figure2_lymphovascular_invasion",
    "figure2_relapse_distribution",
    "figure2_tumor_size",
]

OMICS_COLUMNS = {"n_patients": "patients", "n_wes": "WES", "n_copy_number": "copy number",
                 "n_rnaseq": "RNA-seq", "n_lipidomics": "lipidomics",
                 "n_polar_metabolomics": "polar\nmetabolomics"}


def figure1_cohort_flow(connection: duckdb.DuckDBPyConnection,
                        groups: pd.DataFrame) -> Figure:
    """Patients and omics layers per group, and who is left out of the main analysis and why
    (``rpt_cohort_flow``), as an annotated grid."""
    flow = marts.cohort_flow(connection)
    if flow.empty:
        raise EmptyMartError("rpt_cohort_flow", "table1_clinicopathology")
    labels = [
        (f"{row.group_label}" if row.group_key is not None and not pd.isna(row.group_key)
         else "no group") + ("" if bool(row.is_main) else f"\n(left out: {row.exclusion_reason})")
        for row in flow.itertuples()
    ]
    counts = flow[list(OMICS_COLUMNS)].fillna(0).to_numpy(dtype=float)
    shares = counts / np.maximum(counts[:, :1], 1)
    figure = new_figure(9, 0.9 + 0.55 * len(flow))
    ax = figure.add_subplot()
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1.6, aspect="auto")
    for (i, j), value in np.ndenumerate(counts):
        ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=9)
    main = flow["is_main"].fillna(False).astype(bool).to_numpy()
    ax.set_yticks(np.arange(len(flow)), labels, fontsize=8)
    for tick, is_main in zip(ax.get_yticklabels(), main, strict=True):
        tick.set_color("black" if is_main else "0.45")
    ax.set_xticks(np.arange(len(OMICS_COLUMNS)), list(OMICS_COLUMNS.values()), fontsize=8)
    ax.xaxis.tick_top()
    total = int(counts[:, 0].sum())
    n_main = int(counts[main, 0].sum())
    ax.set_title(f"{total} patients; {n_main} in the {int(main.sum())} main analysis "
                 "groups\n(grey rows: left out of the comparisons)", fontsize=10)
    return figure


def _box_figure(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame,
                mart: str, family: str, features: dict[str, tuple[str, str]],
                analysis: str, width_per_panel: float = 3.6) -> Figure:
    """One box panel per feature (report column -> (feature of fct_group_comparisons,
    y label)), with the Wilcoxon pairs and the Kruskal-Wallis p of fct_group_comparisons."""
    values = marts.patient_values(connection, mart, list(features))
    if values.empty:
        raise EmptyMartError(marts.MARTS[mart], analysis, None if mart != "patients" else
                             f"no main-group patient has a value of {', '.join(features)} "
                             "in dim_patients (empty or unknown in clinical.csv)")
    tests = marts.group_comparisons(connection, family,
                                    [feature for feature, _ in features.values()])
    figure = new_figure(width_per_panel * len(features) + 0.4, 4.2)
    axes = figure.subplots(1, len(features), squeeze=False)[0]
    for ax, (column, (feature, ylabel)) in zip(axes, features.items(), strict=True):
        rows = tests[tests["feature"] == feature]
        pairs = rows[rows["scope"] == "pairwise"]
        overall = rows.loc[rows["scope"] == "all_main_groups", "p_value"]
        box_panel(ax, values[values["feature"] == column], groups, pairs,
                  overall.iloc[0] if len(overall) else None, ylabel.split(" (")[0], ylabel)
    return figure


def figure2_tumor_size(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 2A: tumour size per group."""
    return _box_figure(connection, groups, "patients", "clinical",
                       {"tumor_size_cm": ("tumor_size_cm", "tumour size (cm)")},
                       "table1_clinicopathology", 4.6)


def figure2_age(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 2D: age at diagnosis per group."""
    return _box_figure(connection, groups, "patients", "clinical",
                       {"age_years": ("age_years", "age (years)")},
                       "table1_clinicopathology", 4.6)


def figure2_ihc_scores(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 2E: ER, PR and Ki-67 immunohistochemistry scores per group."""
    return _box_figure(connection, groups, "patients", "clinical", {
        "er_ihc_pct": ("er_ihc_pct", "ER IHC (%)"),
        "pr_ihc_pct": ("pr_ihc_pct", "PR IHC (%)"),
        "ki67_ihc_pct": ("ki67_ihc_pct", "Ki-67 IHC (%)"),
    }, "table1_clinicopathology")


def _group_bars(groups: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"key": groups["group_key"], "label": groups["group_label"]})


def _levels(counts: pd.DataFrame) -> pd.DataFrame:
    levels = sorted(counts["level"].dropna().unique())
    return pd.DataFrame({"key": levels, "label": [str(v).replace("_", " ") for v in levels]})


def categorical_figure(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame,
                       comparison: str, title: str, analysis: str) -> Figure:
    """Stacked bars of one fct_categorical_comparisons comparison: one bar per group."""
    counts = marts.categorical_counts(connection, comparison)
    known = counts[counts["level"].notna()]
    if known.empty:
        raise EmptyMartError("fct_categorical_comparisons", analysis, None if counts.empty
                             and analysis != "clinical_categorical_comparisons" else
                             f"no main-group patient has a known {comparison} value "
                             "(fct_categorical_comparisons)")
    levels = _levels(known)
    figure = new_figure(1.6 + 1.3 * len(groups), 4.2)
    stacked_bar_panel(figure.add_subplot(),
                      known.rename(columns={"group_key": "bar", "level": "segment"}),
                      _group_bars(groups), levels, level_palette(list(levels["key"])),
                      title, counts["p_value"].dropna().iloc[0]
                      if counts["p_value"].notna().any() else None)
    return figure


def figure2_lymph_node_status(connection: duckdb.DuckDBPyConnection,
                              groups: pd.DataFrame) -> Figure:
    """Figure 2B: lymph-node status per group."""
    return categorical_figure(connection, groups, "lymph_node_status", "Lymph-node status",
                              "clinical_categorical_comparisons")


def figure2_lymphovascular_invasion(connection: duckdb.DuckDBPyConnection,
                                    groups: pd.DataFrame) -> Figure:
    """Figure 2C: lympho-vascular invasion per group."""
    return categorical_figure(connection, groups, "lymphovascular_invasion",
                              "Lympho-vascular invasion", "clinical_categorical_comparisons")


def figure2_relapse_distribution(connection: duckdb.DuckDBPyConnection,
                                 groups: pd.DataFrame) -> Figure:
    """Figure 2G: the groups among relapsed and relapse-free patients (one bar per
    relapse status, segments = groups)."""
    counts = marts.categorical_counts(connection, "relapse_status")
    known = counts[counts["level"].notna()]
    if known.empty:
        raise EmptyMartError("fct_categorical_comparisons", "clinical_categorical_comparisons")
    figure = new_figure(5.2, 4.2)
    stacked_bar_panel(figure.add_subplot(),
                      known.rename(columns={"level": "bar", "group_key": "segment"}),
                      _levels(known), _group_bars(groups),
                      group_palette(list(groups["group_key"])), "Groups by relapse status",
                      counts["p_value"].dropna().iloc[0]
                      if counts["p_value"].notna().any() else None,
                      ylabel="% of relapse status")
    return figure


def at_risk_table(curves: pd.DataFrame, times: np.ndarray) -> pd.DataFrame:
    """Numbers at risk of each group at ``times`` from the KM rows (at_risk just before
    each event/censoring time): at t, the at_risk of the first row with time >= t, else 0.
    Returns a frame indexed by group_key with one column per time."""
    rows = {}
    for key, curve in curves.groupby("group_key", sort=False):
        time = curve["time_months"].to_numpy(dtype=float)
        at_risk = curve["at_risk"].to_numpy(dtype=float)
        index = np.searchsorted(time, times, side="left")
        rows[key] = np.where(index < len(time), at_risk[np.minimum(index, len(time) - 1)], 0)
    return pd.DataFrame.from_dict(rows, orient="index", columns=times)


def _km_times(max_time: float) -> np.ndarray:
    step = next(s for s in (3, 6, 12, 24, 36, 60, 120, 240) if max_time / s <= 7)
    return np.arange(0, max_time + 1e-9, step)


def _survival_p_lines(tests: pd.DataFrame, groups: pd.DataFrame) -> list[str]:
    labels = dict(zip(groups["group_key"], groups["group_label"], strict=True))
    lines = []
    overall = tests[(tests["test"] == "logrank") & (tests["scope"] == "all_main_groups")]
    if len(overall):
        lines.append(f"log-rank (all groups) {p_text(overall['p_value'].iloc[0])}")
    for row in tests[tests["test"] == "two_stage"].itertuples():
        lines.append(f"two-stage, {labels.get(row.group_key, row.group_key)} vs rest "
                     f"{p_text(row.p_value)}")
    return lines


def figure2_km_curves(connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame) -> Figure:
    """Figure 2F: Kaplan-Meier relapse-free survival per group with 95 % CI, censoring
    marks, numbers at risk, the log-rank p and the two-stage p of each group vs the rest."""
    curves = marts.km_curves(connection)
    if curves.empty:
        raise EmptyMartError("fct_km_curves", "relapse_free_survival")
    tests = marts.survival_tests(connection)
    palette = group_palette(list(groups["group_key"]))
    labels = dict(zip(groups["group_key"], groups["group_label"], strict=True))
    present = [k for k in groups["group_key"] if k in set(curves["group_key"])]
    figure = new_figure(7.5, 5.6 + 0.25 * len(present))
    top, bottom = figure.subplots(2, 1, height_ratios=[4, 0.6 + 0.3 * len(present)],
                                  sharex=True)
    for key in present:
        curve = curves[curves["group_key"] == key]
        time = curve["time_months"].to_numpy(dtype=float)
        colour = palette[key]
        top.step(time, curve["survival"], where="post", color=colour, label=labels[key])
        top.fill_between(time, curve["ci_lower"], curve["ci_upper"], step="post",
                         color=colour, alpha=0.12, linewidth=0)
        censored = curve[curve["censored"] > 0]
        top.plot(censored["time_months"], censored["survival"], "|", color=colour,
                 markersize=7)
    top.set_ylim(0, 1.02)
    top.set_ylabel("relapse-free survival")
    top.legend(frameon=False, fontsize=8, loc="lower left")
    top.text(0.99, 0.02, "\n".join(_survival_p_lines(tests, groups)), ha="right",
             va="bottom", fontsize=8, transform=top.transAxes)
    top.spines[["top", "right"]].set_visible(False)
    times = _km_times(float(curves["time_months"].max()))
    table = at_risk_table(curves, times).reindex(present)
    for row, key in enumerate(present):
        for t, n in zip(times, table.loc[key], strict=True):
            bottom.text(t, row, f"{n:.0f}", ha="center", va="center", fontsize=8,
                        color=palette[key])
    bottom.set_yticks(range(len(present)), [labels[k] for k in present], fontsize=8)
    bottom.set_ylim(len(present) - 0.5, -0.5)
    bottom.set_xticks(times)
    bottom.set_xlabel("months")
    bottom.set_title("numbers at risk", fontsize=8, loc="left")
    bottom.tick_params(left=False)
    bottom.spines[["top", "right", "left"]].set_visible(False)
    return figure
