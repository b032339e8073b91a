"""Copy-number alteration frequencies on an absent layer and on degenerate tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.design import GroupDesign
from calcomics.methods.alterations import copy_number_alteration_frequencies
from calcomics.methods.stats import fisher_exact
from calcomics.methods.stats.notes import (
    FEWER_THAN_MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)

THREE = GroupDesign(("g1", "g2", "g3"), ("Group 1", "Group 2", "Group 3"), (1, 2, 3))
TWO = GroupDesign(("g1", "g2"), ("Group 1", "Group 2"), (1, 2))
CALL_COLUMNS = ["level", "feature", "sample_id", "copy_number_call"]


def _calls(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame([("gene", f, s, c) for f, s, c in rows], columns=CALL_COLUMNS)


def test_absent_layer_gives_typed_empty_frames_with_every_column() -> None:
    calls = pd.DataFrame({"level": pd.Series(dtype=object), "feature": pd.Series(dtype=object),
                          "sample_id": pd.Series(dtype="category"),
                          "copy_number_call": pd.Series(dtype="int64")})
    samples = pd.DataFrame({"sample_id": pd.Series(dtype=object),
                            "group_key": pd.Series(dtype=object)})
    result = copy_number_alteration_frequencies(calls, samples, THREE, all_groups_test=True)
    assert result.empty
    assert result.dtypes.astype(str).to_dict() == {
        "level": "string", "feature": "string", "direction": "string", "group_key": "string",
        "group_label": "string", "group_order": "int64", "n_altered": "int64",
        "n_samples": "int64", "rate": "float64", "n_altered_rest": "int64",
        "n_samples_rest": "int64", "p_value_group_vs_rest": "float64",
        "p_adjusted_group_vs_rest": "float64", "test_note": "string",
        "p_value_all_main_groups": "float64", "fisher_method_all_main_groups": "string",
        "test_note_all_main_groups": "string",
    }


def test_no_profiled_main_group_sample_is_noted_for_every_test() -> None:
    # calls only for samples outside the main groups: nothing to compare (R: FEXACT error 3
    # for the 2 x 3 table, p = 1 for the all-zero 2 x 2 tables); null p and NO_VALUES
    samples = pd.DataFrame({"sample_id": ["S1", "S2"], "group_key": ["outside", None]})
    calls = _calls([("A", "S1", 1), ("A", "S2", -1)])
    result = copy_number_alteration_frequencies(calls, samples, THREE, all_groups_test=True)
    assert len(result) == 6  # gain and loss x three groups
    assert result["p_value_all_main_groups"].isna().all()
    assert (result["test_note_all_main_groups"] == NO_VALUES).all()
    assert (result["fisher_method_all_main_groups"] == "not_tested").all()
    assert result["p_value_group_vs_rest"].isna().all()
    assert result["p_adjusted_group_vs_rest"].isna().all()
    assert (result["test_note"] == NO_VALUES).all()


def test_one_main_group_with_samples_is_not_tested() -> None:
    # a cohort whose profiled samples all belong to one main group: no rest to compare with
    samples = pd.DataFrame({"sample_id": ["S1", "S2", "S3"], "group_key": ["g1"] * 3})
    calls = _calls([("A", "S1", 1), ("A", "S2", 0), ("A", "S3", 0)])
    result = copy_number_alteration_frequencies(calls, samples, TWO, all_groups_test=True)
    assert result["p_value_group_vs_rest"].isna().all()
    assert (result["test_note"] == ONE_GROUP_ONLY).all()
    assert (result["test_note_all_main_groups"] == ONE_GROUP_ONLY).all()
    gain = result[result["direction"] == "gain"].set_index("group_key")
    assert gain.loc["g1", "rate"] == pytest.approx(1 / 3)


def test_fewer_than_three_profiled_samples_are_not_tested() -> None:
    samples = pd.DataFrame({"sample_id": ["S1", "S2"], "group_key": ["g1", "g2"]})
    result = copy_number_alteration_frequencies(
        _calls([("A", "S1", 1), ("A", "S2", 0)]), samples, TWO, all_groups_test=True)
    assert (result["test_note"] == FEWER_THAN_MIN_OBSERVATIONS).all()
    assert result["p_value_all_main_groups"].isna().all()


def test_group_without_profiled_samples_is_left_out() -> None:
    # g3 has no profiled sample: its own group-vs-rest test is not done (only one side has
    # samples); the other groups are tested against the samples there are, as in R
    samples = pd.DataFrame({"sample_id": ["S1", "S2", "S3", "S4"],
                            "group_key": ["g1", "g1", "g2", "g2"]})
    calls = _calls([("A", "S1", 1), ("A", "S2", 1), ("A", "S3", 0), ("A", "S4", 0)])
    result = copy_number_alteration_frequencies(calls, samples, THREE, all_groups_test=True)
    gain = result[result["direction"] == "gain"].set_index("group_key")
    assert gain.loc["g3", "n_samples"] == 0 and np.isnan(gain.loc["g3", "rate"])
    assert np.isnan(gain.loc["g3", "p_value_group_vs_rest"])
    assert gain.loc["g3", "test_note"] == ONE_GROUP_ONLY
    assert gain.loc["g1", "p_value_group_vs_rest"] == pytest.approx(
        fisher_exact([[2, 0], [0, 2]]).p_value, rel=1e-12)
    assert pd.isna(gain.loc["g1", "test_note"])
    # the 2 x 3 table has an empty column (FEXACT's network algorithm): p = 1/3 as 2 x 2
    assert gain.loc["g1", "p_value_all_main_groups"] == pytest.approx(1 / 3, rel=1e-12)
    assert (result["test_note_all_main_groups"] == groups_left_out(["Group 3"])).all()
