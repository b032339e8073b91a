"""Copy-number alteration frequencies on an absent layer and on degenerate tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.design import GroupDesign
from calcomics.methods.alterations import copy_number_alteration_frequencies
from calcomics.methods.stats import fisher_exact
from calcomics.methods.stats.notes import NO_VALUES

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


def test_no_profiled_main_group_sample_is_noted_for_the_2_x_k_test() -> None:
    # calls only for samples outside the main groups: every 2 x 3 table is all zero (R:
    # FEXACT error 3), every 2 x 2 group-vs-rest table too (R: p = 1)
    samples = pd.DataFrame({"sample_id": ["S1", "S2"], "group_key": ["outside", None]})
    calls = _calls([("A", "S1", 1), ("A", "S2", -1)])
    result = copy_number_alteration_frequencies(calls, samples, THREE, all_groups_test=True)
    assert len(result) == 6  # gain and loss x three groups
    assert result["p_value_all_main_groups"].isna().all()
    assert (result["test_note_all_main_groups"] == NO_VALUES).all()
    assert (result["fisher_method_all_main_groups"] == "not_tested").all()
    assert (result["p_value_group_vs_rest"] == fisher_exact(np.zeros((2, 2))).p_value).all()
    assert (result["p_value_group_vs_rest"] == 1.0).all() and result["test_note"].isna().all()


def test_two_main_groups_use_the_2_x_2_branch_without_note() -> None:
    samples = pd.DataFrame({"sample_id": ["S1"], "group_key": ["outside"]})
    result = copy_number_alteration_frequencies(_calls([("A", "S1", 1)]), samples, TWO,
                                                all_groups_test=True)
    assert (result["p_value_all_main_groups"] == 1.0).all()
    assert result["test_note_all_main_groups"].isna().all()


def test_group_without_profiled_samples_is_tested_as_r_does() -> None:
    # g3 has no profiled sample: its group-vs-rest table has an empty column, p = 1 in R
    samples = pd.DataFrame({"sample_id": ["S1", "S2", "S3", "S4"],
                            "group_key": ["g1", "g1", "g2", "g2"]})
    calls = _calls([("A", "S1", 1), ("A", "S2", 1), ("A", "S3", 0), ("A", "S4", 0)])
    result = copy_number_alteration_frequencies(calls, samples, THREE, all_groups_test=True)
    gain = result[result["direction"] == "gain"].set_index("group_key")
    assert gain.loc["g3", "n_samples"] == 0 and np.isnan(gain.loc["g3", "rate"])
    assert gain.loc["g3", "p_value_group_vs_rest"] == 1.0
    assert gain.loc["g1", "p_value_group_vs_rest"] == fisher_exact([[2, 0], [0, 2]]).p_value
    # the 2 x 3 table has an empty column (FEXACT's network algorithm): p = 1/3 as 2 x 2
    assert gain.loc["g1", "p_value_all_main_groups"] == pytest.approx(1 / 3, rel=1e-12)
    assert result["test_note"].isna().all() and result["test_note_all_main_groups"].isna().all()
