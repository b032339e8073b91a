"""Alteration-frequency library: counts, denominators and exact Fisher tests for any design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calcomics.design import GroupDesign
from calcomics.methods.alterations import (
    below_min_mutated_note,
    copy_number_alteration_frequencies,
    mutated_gene_frequencies,
)
from calcomics.methods.stats import fisher_exact
from calcomics.methods.stats.notes import ALL_VALUES_EQUAL, ONE_GROUP_ONLY, groups_left_out

DESIGN = GroupDesign(("g1", "g2", "g3"), ("Group 1", "Group 2", "Group 3"), (1, 2, 3))


def _samples() -> pd.DataFrame:
    """4 + 3 + 5 main-group samples, one outside the main groups and one without a group."""
    groups = ["g1"] * 4 + ["g2"] * 3 + ["g3"] * 5 + ["outside", None]
    return pd.DataFrame({"sample_id": [f"S{i}" for i in range(14)], "group_key": groups})


def _row(frame: pd.DataFrame, **where: str) -> pd.Series:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    assert mask.sum() == 1, where
    return frame[mask].iloc[0]


def test_mutated_gene_frequencies_counts_samples_once_per_group():
    mutated = pd.DataFrame({
        "sample_id": ["S0", "S0", "S4", "S7", "S8", "S12", "S13"],
        "gene_symbol": ["TP53"] * 7,
    })
    result = mutated_gene_frequencies(mutated, _samples(), DESIGN)
    assert len(result) == 3 and list(result["group_key"]) == ["g1", "g2", "g3"]
    assert list(result["group_order"]) == [1, 2, 3]
    assert list(result["n_mutated"]) == [1, 1, 2] and list(result["n_sequenced"]) == [4, 3, 5]
    assert result["frequency"].tolist() == pytest.approx([1 / 4, 1 / 3, 2 / 5])
    # overall: every sequenced sample, main group or not
    assert set(result["n_mutated_all"]) == {6} and set(result["n_sequenced_all"]) == {14}
    expected = fisher_exact([[1, 1, 2], [3, 2, 3]]).p_value
    assert result["p_value_all_main_groups"].tolist() == [expected] * 3
    assert set(result["fisher_method"]) == {"exact"}


def test_mutated_gene_rank_and_untested_genes():
    mutated = pd.DataFrame({"sample_id": ["S0", "S1", "S5", "S2", "S13"],
                            "gene_symbol": ["B", "B", "A", "A", "ONLY_OUTSIDE"]})
    result = mutated_gene_frequencies(mutated, _samples(), DESIGN, min_mutated_samples=3)
    ranks = result.drop_duplicates("gene_symbol").set_index("gene_symbol")["frequency_rank"]
    assert ranks.to_dict() == {"A": 1, "B": 2}  # ties by symbol; outside-only gene left out
    assert result["p_value_all_main_groups"].isna().all()
    assert set(result["fisher_method"]) == {"not_tested"}
    assert set(result["test_note"]) == {below_min_mutated_note(3)}
    assert below_min_mutated_note(3).startswith("not tested: fewer than 3 ")


def test_mutated_gene_empty_inputs_give_typed_empty_frames():
    """An absent (header-only) MAF: no sequenced sample, no call -> 0 typed rows."""
    mutated = pd.DataFrame({"sample_id": pd.Series(dtype="string"),
                            "gene_symbol": pd.Series(dtype="string")})
    samples = pd.DataFrame({"sample_id": pd.Series(dtype="string"),
                            "group_key": pd.Series(dtype="string")})
    for sequenced in (samples, _samples()):  # no MAF at all / MAF with silent calls only
        result = mutated_gene_frequencies(mutated, sequenced, DESIGN)
        assert result.empty
        assert result.dtypes.to_dict() == {
            "gene_symbol": "string", "n_mutated_all": "int64", "n_sequenced_all": "int64",
            "frequency_all": "float64", "frequency_rank": "int64",
            "p_value_all_main_groups": "float64", "fisher_method": "string",
            "test_note": "string", "group_key": "string", "group_label": "string",
            "group_order": "int64", "n_mutated": "int64", "n_sequenced": "int64",
            "frequency": "float64"}


def test_mutated_gene_group_without_sequenced_samples_is_left_out_as_r_does():
    """A main group nobody of which is sequenced: R's fisher.test drops the empty column."""
    samples = _samples()
    sequenced = samples[samples["group_key"] != "g2"]  # g2 patients absent from the MAF
    mutated = pd.DataFrame({"sample_id": ["S0", "S1", "S8", "S4"],  # S4 not sequenced
                            "gene_symbol": ["X"] * 4})
    result = mutated_gene_frequencies(mutated, sequenced, DESIGN)
    assert list(result["n_sequenced"]) == [4, 0, 5] and list(result["n_mutated"]) == [2, 0, 1]
    assert np.isnan(result["frequency"].iloc[1])
    assert set(result["n_sequenced_all"]) == {11} and set(result["n_mutated_all"]) == {3}
    expected = stats.fisher_exact([[2, 1], [2, 4]]).pvalue
    assert result["p_value_all_main_groups"].tolist() == pytest.approx([expected] * 3)
    assert set(result["test_note"]) == {groups_left_out(["Group 2"])}
    assert set(result["fisher_method"]) == {"exact"}


def test_mutated_gene_degenerate_tables_get_notes_not_p_values():
    samples = _samples()
    # only one main group sequenced: R prints 1, we report no p-value
    only_g1 = samples[samples["group_key"].isin(["g1", "outside"])]
    mutated = pd.DataFrame({"sample_id": ["S0", "S1", "S12"], "gene_symbol": ["X"] * 3})
    single = mutated_gene_frequencies(mutated, only_g1, DESIGN)
    assert single["p_value_all_main_groups"].isna().all()
    assert set(single["test_note"]) == {ONE_GROUP_ONLY}
    assert set(single["fisher_method"]) == {"not_testable"}
    # every sequenced main-group sample mutated: one category only
    few = samples[samples["sample_id"].isin(["S0", "S1", "S4", "S5"])]
    everyone = pd.DataFrame({"sample_id": ["S0", "S1", "S4", "S5"], "gene_symbol": ["Y"] * 4})
    all_mutated = mutated_gene_frequencies(everyone, few, DESIGN)
    assert all_mutated["p_value_all_main_groups"].isna().all()
    assert set(all_mutated["test_note"]) == {ALL_VALUES_EQUAL}
    # the threshold note wins over the table's own degeneracy
    below = mutated_gene_frequencies(mutated, only_g1, DESIGN, min_mutated_samples=5)
    assert set(below["test_note"]) == {below_min_mutated_note(5)}
    assert set(below["fisher_method"]) == {"not_tested"}


def test_mutated_gene_fisher_matches_scipy_for_two_groups():
    design = GroupDesign(("g1", "g3"), ("Group 1", "Group 3"))
    mutated = pd.DataFrame({"sample_id": ["S0", "S8", "S9", "S10"], "gene_symbol": ["X"] * 4})
    result = mutated_gene_frequencies(mutated, _samples(), design)
    scipy_p = stats.fisher_exact([[1, 3], [3, 2]]).pvalue
    assert result["p_value_all_main_groups"].iloc[0] == pytest.approx(scipy_p, rel=1e-9)


def _calls(samples: pd.DataFrame, losses: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [("gene", gene, sid, -1 if sid in hits else 0)
         for gene, hits in losses.items() for sid in samples["sample_id"]],
        columns=["level", "feature", "sample_id", "copy_number_call"],
    )


def test_copy_number_group_vs_rest_for_every_group_and_bonferroni():
    samples = _samples()
    calls = _calls(samples, {"A": ["S8", "S9", "S10", "S11", "S12"], "B": ["S0"]})
    result = copy_number_alteration_frequencies(calls, samples, DESIGN, all_groups_test=True)
    assert len(result) == 2 * 2 * 3
    loss_a = result[(result["feature"] == "A") & (result["direction"] == "loss")]
    assert list(loss_a["n_altered"]) == [0, 0, 4] and list(loss_a["n_samples"]) == [4, 3, 5]
    assert list(loss_a["n_altered_rest"]) == [4, 4, 0]
    assert list(loss_a["n_samples_rest"]) == [8, 9, 7]
    expected = {
        "g1": stats.fisher_exact([[0, 4], [4, 4]]).pvalue,
        "g2": stats.fisher_exact([[0, 4], [3, 5]]).pvalue,
        "g3": stats.fisher_exact([[4, 0], [1, 7]]).pvalue,
    }
    for group, p in expected.items():
        row = _row(loss_a, group_key=group)
        assert row["p_value_group_vs_rest"] == pytest.approx(p, rel=1e-9)
        assert row["p_adjusted_group_vs_rest"] == pytest.approx(min(1, 2 * p), rel=1e-9)
    # row-wise Fisher: fisher_exact's p up to summation order
    assert loss_a["p_value_all_main_groups"].tolist() == pytest.approx(
        [fisher_exact([[0, 0, 4], [4, 3, 1]]).p_value] * 3, rel=1e-12)
    gain_a = result[(result["feature"] == "A") & (result["direction"] == "gain")]
    assert (gain_a["n_altered"] == 0).all() and (gain_a["rate"] == 0).all()


def test_copy_number_bonferroni_is_per_level_and_group():
    samples = _samples()
    calls = pd.concat([
        _calls(samples, {"A": ["S8", "S9", "S10", "S11"], "B": [], "C": []}),
        _calls(samples, {"17p": ["S8", "S9", "S10", "S11"]}).assign(level="arm"),
    ])
    result = copy_number_alteration_frequencies(calls, samples, DESIGN)
    gene = _row(result, feature="A", direction="loss", group_key="g3")
    arm = _row(result, feature="17p", direction="loss", group_key="g3")
    assert gene["p_value_group_vs_rest"] == arm["p_value_group_vs_rest"]
    assert gene["p_adjusted_group_vs_rest"] == pytest.approx(3 * gene["p_value_group_vs_rest"])
    assert arm["p_adjusted_group_vs_rest"] == arm["p_value_group_vs_rest"]  # one arm: n = 1


def test_group_without_samples_gets_null_rate():
    design = GroupDesign(("g1", "g2", "empty"), ("1", "2", "E"))
    samples = _samples()
    result = copy_number_alteration_frequencies(_calls(samples, {"A": ["S0"]}), samples, design)
    empty = _row(result, feature="A", direction="loss", group_key="empty")
    assert empty["n_samples"] == 0 and pd.isna(empty["rate"])


def test_no_calls_give_a_typed_empty_frame():
    # an absent copy-number layer: no calls; the frame keeps every column and its dtype
    empty = pd.DataFrame(columns=["level", "feature", "sample_id", "copy_number_call"])
    result = copy_number_alteration_frequencies(empty, _samples(), DESIGN)
    assert result.empty and "test_note" in result.columns
    assert str(result["n_altered"].dtype) == "int64"
    assert str(result["p_value_group_vs_rest"].dtype) == "float64"
