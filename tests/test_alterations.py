"""Alteration-frequency library: counts, denominators and exact Fisher tests."""

from __future__ import annotations

import pandas as pd
import pytest

from calcomics.alterations import copy_number_alteration_frequencies, mutated_gene_frequencies
from calcomics.stats import fisher_exact


def _samples() -> pd.DataFrame:
    groups = ["negative"] * 4 + ["probably_benign"] * 3 + ["high_suspicion"] * 5 + [
        "low_moderate_suspicion"]
    return pd.DataFrame({"sample_id": [f"S{i}" for i in range(13)],
                         "calcification_group": groups})


def test_mutated_gene_frequencies_counts_samples_once():
    mutated = pd.DataFrame({
        "sample_id": ["S0", "S0", "S4", "S7", "S8", "S12"],
        "gene_symbol": ["TP53", "TP53", "TP53", "TP53", "TP53", "TP53"],
    })
    row = mutated_gene_frequencies(mutated, _samples()).iloc[0]
    assert (row["n_mutated_all"], row["n_sequenced_all"]) == (5, 13)
    assert (row["n_mutated_negative"], row["n_mutated_probably_benign"],
            row["n_mutated_high_suspicion"]) == (1, 1, 2)
    expected = fisher_exact([[1, 1, 2], [3, 2, 3]]).p_value
    assert row["p_value_fisher"] == pytest.approx(expected, rel=1e-12)
    assert row["frequency_high_suspicion"] == pytest.approx(2 / 5)


def test_untested_below_minimum():
    mutated = pd.DataFrame({"sample_id": ["S0"], "gene_symbol": ["RARE1"]})
    row = mutated_gene_frequencies(mutated, _samples(), min_mutated_samples=2).iloc[0]
    assert pd.isna(row["p_value_fisher"])


def test_copy_number_frequencies_high_vs_rest_and_bonferroni():
    samples = _samples()
    calls = pd.DataFrame(
        [("gene", g, s, c) for g, hits in {"A": ["S8", "S9", "S10", "S11"], "B": ["S0"]}.items()
         for s, c in ((sid, -1 if sid in hits else 0) for sid in samples["sample_id"])],
        columns=["level", "feature", "sample_id", "copy_number_call"],
    )
    result = copy_number_alteration_frequencies(calls, samples, three_group_test=True)
    loss_a = result.query("feature == 'A' and direction == 'loss'").iloc[0]
    assert (loss_a["n_altered_negative"], loss_a["n_altered_high_suspicion"]) == (0, 4)
    p = fisher_exact([[4, 0], [1, 7]]).p_value
    assert loss_a["p_value_high_vs_others"] == pytest.approx(p, rel=1e-12)
    assert loss_a["p_adjusted_high_vs_others"] == pytest.approx(min(1, 2 * p), rel=1e-12)
    assert loss_a["p_value_three_groups"] == pytest.approx(
        fisher_exact([[0, 0, 4], [4, 3, 1]]).p_value, rel=1e-12)
    gain_a = result.query("feature == 'A' and direction == 'gain'").iloc[0]
    assert gain_a["n_altered_high_suspicion"] == 0 and gain_a["rate_negative"] == 0
