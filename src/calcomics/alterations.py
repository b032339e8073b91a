"""Alteration frequencies per calcification group with exact Fisher tests.

* Mutated genes: samples with at least one non-synonymous call per gene and group, tested
  across the three main groups (2 × 3 table, exact, R ``fisher.test`` semantics) as the
  paper's Table S2 / Figure 3E.
* Copy-number alterations (gene, cytoband or arm level): gain (call > 0) and loss (call < 0)
  rates per group; high suspicion vs the other two main groups (2 × 2 Fisher), Bonferroni
  over the features of a level (Figure 3F); and the three-group test (Figure 3G).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.groups import MAIN_GROUPS
from calcomics.stats import fisher_exact, p_adjust


def _group_sizes(samples: pd.DataFrame) -> pd.Series:
    main = samples[samples["calcification_group"].isin(MAIN_GROUPS)]
    return main.groupby("calcification_group").size().reindex(list(MAIN_GROUPS), fill_value=0)


def _hits_by_group(hits: pd.DataFrame, key: str, samples: pd.DataFrame) -> pd.DataFrame:
    """Per ``key`` value: number of distinct samples of each main group among ``hits``."""
    joined = hits.merge(samples[["sample_id", "calcification_group"]], on="sample_id")
    joined = joined[joined["calcification_group"].isin(MAIN_GROUPS)]
    counts = (
        joined.drop_duplicates([key, "sample_id"])
        .groupby([key, "calcification_group"]).size()
        .unstack(fill_value=0)
        .reindex(columns=list(MAIN_GROUPS), fill_value=0)
    )
    return counts


def _fisher_three_groups(hit: np.ndarray, size: np.ndarray) -> float:
    return fisher_exact(np.vstack([hit, size - hit])).p_value


def _fisher_high_vs_rest(hit: np.ndarray, size: np.ndarray) -> float:
    high, rest = hit[2], hit[0] + hit[1]
    n_high, n_rest = size[2], size[0] + size[1]
    return fisher_exact([[high, rest], [n_high - high, n_rest - rest]]).p_value


def mutated_gene_frequencies(
    mutated: pd.DataFrame, samples: pd.DataFrame, min_mutated_samples: int = 1
) -> pd.DataFrame:
    """Mutated-sample counts and frequencies per gene and group, Fisher p across groups.

    ``mutated``: (sample_id, gene_symbol) of non-synonymous calls; ``samples``: every
    sequenced sample with its calcification_group (the denominators). Genes mutated in fewer
    than ``min_mutated_samples`` main-group samples are not tested (p null) but listed.
    """
    sizes = _group_sizes(samples)
    counts = _hits_by_group(mutated, "gene_symbol", samples)
    all_samples = mutated.merge(samples[["sample_id"]], on="sample_id")
    overall = all_samples.drop_duplicates(["gene_symbol", "sample_id"]).groupby(
        "gene_symbol").size()
    n_sequenced = len(samples)
    rows = []
    for gene, hit in counts.iterrows():
        hit_values = hit.to_numpy()
        tested = hit_values.sum() >= min_mutated_samples
        p_value = _fisher_three_groups(hit_values, sizes.to_numpy()) if tested else None
        rows.append((gene, int(overall.get(gene, 0)), n_sequenced, *hit_values.tolist(),
                     *sizes.tolist(), p_value))
    frame = pd.DataFrame(rows, columns=[
        "gene_symbol", "n_mutated_all", "n_sequenced_all",
        "n_mutated_negative", "n_mutated_probably_benign", "n_mutated_high_suspicion",
        "n_negative", "n_probably_benign", "n_high_suspicion", "p_value_fisher",
    ])
    frame["frequency_all"] = frame["n_mutated_all"] / frame["n_sequenced_all"]
    for group in MAIN_GROUPS:
        frame[f"frequency_{group}"] = frame[f"n_mutated_{group}"] / frame[f"n_{group}"]
    return frame.sort_values(["n_mutated_all", "gene_symbol"], ascending=[False, True],
                             ignore_index=True)


def copy_number_alteration_frequencies(
    calls: pd.DataFrame, samples: pd.DataFrame, three_group_test: bool = False
) -> pd.DataFrame:
    """Gain and loss rates per feature and group; Fisher high suspicion vs the rest.

    ``calls``: (level, feature, sample_id, copy_number_call); ``samples``: samples with a
    copy-number profile and their calcification_group. Bonferroni is applied over the
    features of each level, separately for gains and losses. With ``three_group_test`` the
    exact 2 × 3 Fisher p across the three main groups is added (cell-cycle panel).
    """
    sizes = _group_sizes(samples).to_numpy()
    out = []
    for (level, direction), sign in [((lvl, d), s) for lvl in calls["level"].unique()
                                     for d, s in (("gain", 1), ("loss", -1))]:
        level_calls = calls[calls["level"] == level]
        features = level_calls["feature"].drop_duplicates()
        hits = level_calls[np.sign(level_calls["copy_number_call"]) == sign]
        counts = _hits_by_group(hits, "feature", samples).reindex(features, fill_value=0)
        hit_matrix = counts.to_numpy()
        p_high = np.array([_fisher_high_vs_rest(h, sizes) for h in hit_matrix])
        frame = pd.DataFrame({
            "level": level,
            "feature": counts.index,
            "direction": direction,
            "n_altered_negative": hit_matrix[:, 0],
            "n_altered_probably_benign": hit_matrix[:, 1],
            "n_altered_high_suspicion": hit_matrix[:, 2],
            "n_negative": sizes[0],
            "n_probably_benign": sizes[1],
            "n_high_suspicion": sizes[2],
            "p_value_high_vs_others": p_high,
            "p_adjusted_high_vs_others": p_adjust(p_high, "bonferroni") if len(p_high) else p_high,
        })
        if three_group_test:
            frame["p_value_three_groups"] = [
                _fisher_three_groups(h, sizes) for h in hit_matrix
            ]
        out.append(frame)
    result = pd.concat(out, ignore_index=True)
    for i, group in enumerate(MAIN_GROUPS):
        result[f"rate_{group}"] = result[f"n_altered_{group}"] / sizes[i] if sizes[i] else np.nan
    return result
