"""Frequencies from counts: the SQL count models and the library's *_from_counts functions
give what counting the long calls gives (issue 12 §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.design import GroupDesign
from calcomics.methods.alterations import (
    copy_number_alteration_frequencies,
    copy_number_alteration_frequencies_from_counts,
    mutated_gene_frequencies,
    mutated_gene_frequencies_from_counts,
)
from calcomics.warehouse.dbt_io import group_design

THREE = GroupDesign(("g1", "g2", "g3"), ("Group 1", "Group 2", "Group 3"), (1, 2, 3))
CNA_KEYS = ["level", "feature", "direction", "group_key"]


def _assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same rows and columns (in any row order); floats within 1e-12 relative."""
    got = got.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    assert list(got.columns) == list(expected.columns) and len(got) == len(expected)
    for column in got.columns:
        if pd.api.types.is_float_dtype(expected[column]):
            np.testing.assert_allclose(got[column].to_numpy(float),
                                       expected[column].to_numpy(float), rtol=1e-12, atol=0,
                                       err_msg=column)
        else:
            pd.testing.assert_series_equal(got[column], expected[column], check_names=False)


def _cohort(seed: int, n_samples: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Samples (some outside the main groups), long CN calls (a few repeated) and MAF calls."""
    rng = np.random.default_rng(seed)
    groups = rng.choice(np.array(["g1", "g2", "g3", "outside", None], dtype=object),
                        n_samples, p=[0.3, 0.3, 0.25, 0.1, 0.05])
    samples = pd.DataFrame({"sample_id": [f"S{i}" for i in range(n_samples)],
                            "group_key": groups})
    features = [("gene", f"G{i}") for i in range(30)] + [("arm", f"{i}p") for i in range(5)]
    rows = [(level, feature, sample, int(rng.choice([-2, -1, 0, 0, 0, 1, 2])))
            for level, feature in features for sample in samples["sample_id"]]
    rows.append(("gene", "G0", "NOT_PROFILED", 1))  # a sample outside `samples`
    calls = pd.DataFrame(rows, columns=["level", "feature", "sample_id", "copy_number_call"])
    mutated = pd.DataFrame({
        "sample_id": rng.choice(np.append(samples["sample_id"].to_numpy(), "NOT_SEQUENCED"),
                                400),
        "gene_symbol": rng.choice([f"M{i}" for i in range(40)], 400),
    })
    return samples, calls, mutated


def _cna_counts(calls: pd.DataFrame, samples: pd.DataFrame, design: GroupDesign
                ) -> pd.DataFrame:
    """The counts int_copy_number_alteration_counts holds, by pandas."""
    main = samples[samples["group_key"].isin(design.keys)]
    joined = calls.merge(main, on="sample_id")
    frames = []
    for direction, sign in (("gain", 1), ("loss", -1)):
        altered = joined[np.sign(joined["copy_number_call"]) == sign]
        n = (altered.drop_duplicates(["level", "feature", "sample_id"])
             .groupby(["level", "feature", "group_key"]).size())
        grid = pd.MultiIndex.from_product(
            [calls[["level", "feature"]].drop_duplicates().apply(tuple, axis=1), design.keys])
        frame = pd.DataFrame([(lf[0], lf[1], direction, key, int(n.get((lf[0], lf[1], key), 0)))
                              for lf, key in grid], columns=CNA_KEYS + ["n_altered"])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True).sample(frac=1, random_state=0)


@pytest.mark.parametrize("seed", [1, 2])
def test_copy_number_from_counts_equals_counting_the_calls(seed):
    samples, calls, _ = _cohort(seed, 60)
    counts = _cna_counts(calls, samples, THREE)
    for all_groups in (False, True):
        _assert_same_frame(
            copy_number_alteration_frequencies_from_counts(counts, samples, THREE, all_groups),
            copy_number_alteration_frequencies(calls, samples, THREE, all_groups), CNA_KEYS)


def test_mutated_from_counts_equals_counting_the_calls():
    samples, _, mutated = _cohort(3, 80)
    sequenced = samples[samples["sample_id"] != "S1"]
    direct = mutated_gene_frequencies(mutated, sequenced, THREE, min_mutated_samples=3)
    calls = mutated[mutated["sample_id"].isin(sequenced["sample_id"])].drop_duplicates()
    calls = calls.merge(sequenced, on="sample_id")
    n_all = calls.groupby("gene_symbol").size()
    main = calls[calls["group_key"].isin(THREE.keys)]
    n_group = main.groupby(["gene_symbol", "group_key"]).size()
    genes = sorted(main["gene_symbol"].unique())
    counts = pd.DataFrame(
        [(gene, key, int(n_group.get((gene, key), 0)), int(n_all[gene]))
         for gene in genes for key in THREE.keys],
        columns=["gene_symbol", "group_key", "n_mutated", "n_mutated_all"])
    _assert_same_frame(
        mutated_gene_frequencies_from_counts(counts.iloc[::-1], sequenced, THREE, 3),
        direct, ["gene_symbol", "group_key"])


def test_bad_counts_are_errors_naming_the_cell():
    samples, calls, _ = _cohort(4, 20)
    counts = _cna_counts(calls, samples, THREE)
    with pytest.raises(ValueError, match="'elsewhere', not a main group"):
        copy_number_alteration_frequencies_from_counts(
            counts.assign(group_key="elsewhere"), samples, THREE)
    with pytest.raises(ValueError, match="repeated count for .*'G0'"):
        repeated = pd.concat([counts, counts[(counts["feature"] == "G0")].head(1)])
        copy_number_alteration_frequencies_from_counts(repeated, samples, THREE)
    missing = counts.drop(counts.index[(counts["feature"] == "G3")
                                       & (counts["group_key"] == "g2")][:1])
    with pytest.raises(ValueError, match="missing count for .*'G3'.*'g2'"):
        copy_number_alteration_frequencies_from_counts(missing, samples, THREE)
    with pytest.raises(ValueError, match="direction 'up'"):
        copy_number_alteration_frequencies_from_counts(
            counts.assign(direction="up"), samples, THREE)
    too_many = counts.assign(n_altered=counts["n_altered"] + 100)
    with pytest.raises(ValueError, match="exceeds the column totals"):
        copy_number_alteration_frequencies_from_counts(too_many, samples, THREE)
    mutated = pd.DataFrame({"gene_symbol": ["A", "A", "A"], "group_key": list(THREE.keys),
                            "n_mutated": [1, 0, 0], "n_mutated_all": [1, 2, 1]})
    with pytest.raises(ValueError, match="n_mutated_all differs .* 'A'"):
        mutated_gene_frequencies_from_counts(mutated, samples, THREE)


# ---- the SQL count models on the demo build --------------------------------------------------


def test_sql_copy_number_counts_equal_the_long_calls_counted(warehouse):
    design = group_design(warehouse.table("intermediate.int_comparison_groups"))
    samples = warehouse.sql(
        "select patient_id as sample_id, group_key from intermediate.int_patient_spine "
        "where has_copy_number").df()
    counts = warehouse.sql(
        "select feature_level as level, feature, direction, group_key, n_altered "
        "from intermediate.int_copy_number_alteration_counts").df()
    calls = warehouse.sql(
        "select feature_level as level, feature, sample_id, copy_number_call "
        "from intermediate.int_copy_number_calls").arrow().read_all().to_pandas(
            strings_to_categorical=True)
    n_features = len(calls[["level", "feature"]].drop_duplicates())
    assert len(counts) == n_features * 2 * len(design.keys)
    # the model's frequencies are the ones counted from the long calls
    built = warehouse.sql(
        "select * exclude (q_value) from intermediate.int_copy_number_alteration_frequencies"
    ).df()
    expected = copy_number_alteration_frequencies(calls, samples, design)
    _assert_same_frame(built.astype(expected.dtypes.to_dict()), expected, CNA_KEYS)
    _assert_same_frame(copy_number_alteration_frequencies_from_counts(counts, samples, design),
                       expected, CNA_KEYS)


def test_sql_mutated_gene_counts_equal_the_long_calls_counted(warehouse):
    design = group_design(warehouse.table("intermediate.int_comparison_groups"))
    samples = warehouse.sql(
        "select patient_id as sample_id, group_key from intermediate.int_patient_spine "
        "where has_wes").df()
    mutated = warehouse.sql(
        "select m.sample_id, m.gene_symbol from intermediate.int_mutations_flagged_duplicates m "
        "inner join lookup.variant_classifications c using (variant_classification) "
        "where not m.is_duplicate and m.variant_type != 'CNV' and c.is_nonsynonymous").df()
    expected = mutated_gene_frequencies(mutated, samples, design, min_mutated_samples=5)
    built = warehouse.sql(
        "select * exclude (q_value) from intermediate.int_mutated_gene_frequencies").df()
    _assert_same_frame(built.astype(expected.dtypes.to_dict()), expected,
                       ["gene_symbol", "group_key"])


def test_one_main_group_is_noted_not_an_error():
    one = GroupDesign(("g1",), ("Group 1",), (1,))
    samples, calls, mutated = _cohort(5, 30)
    counts = _cna_counts(calls, samples, one)
    result = copy_number_alteration_frequencies_from_counts(counts, samples, one, True)
    assert result["p_value_all_main_groups"].isna().all()
    assert result["p_value_group_vs_rest"].isna().all()
    _assert_same_frame(result, copy_number_alteration_frequencies(calls, samples, one, True),
                       CNA_KEYS)
    assert mutated_gene_frequencies(mutated, samples, one)["p_value_all_main_groups"].isna().all()
