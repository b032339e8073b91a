"""BH q-values within families of features (calcomics.methods.multiple_testing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.multiple_testing import bh_q_values


def _bh(p: list[float]) -> list[float]:
    """BH by hand: q_(i) = min over j >= i of n p_(j) / j, capped at 1."""
    order = np.argsort(p)
    n = len(p)
    ranked = np.array(p)[order] * n / np.arange(1, n + 1)
    q_sorted = np.minimum(1, np.minimum.accumulate(ranked[::-1])[::-1])
    out = np.empty(n)
    out[order] = q_sorted
    return out.tolist()


def test_each_family_is_adjusted_on_its_own():
    frame = pd.DataFrame({
        "family": ["a", "a", "a", "b", "b"],
        "p": [0.01, 0.04, 0.03, 0.01, 0.5],
    })
    q = bh_q_values(frame, "p", ["family"])
    assert q[:3] == pytest.approx(_bh([0.01, 0.04, 0.03]))
    assert q[3:] == pytest.approx(_bh([0.01, 0.5]))
    # R: p.adjust(c(0.01, 0.04, 0.03), "BH") = 0.03 0.04 0.04
    assert q[:3] == pytest.approx([0.03, 0.04, 0.04])


def test_null_p_values_stay_null_and_do_not_count():
    frame = pd.DataFrame({"family": ["a"] * 3, "p": [0.01, None, 0.02]})
    q = bh_q_values(frame, "p", ["family"])
    assert np.isnan(q[1])
    # n = 2 (R drops NA): p.adjust(c(0.01, NA, 0.02), "BH") = 0.02 NA 0.02
    assert q[[0, 2]] == pytest.approx([0.02, 0.02])


def test_null_family_values_form_their_own_family():
    frame = pd.DataFrame({"family": [None, None, "x"], "p": [0.01, 0.02, 0.01]})
    q = bh_q_values(frame, "p", ["family"])
    assert q == pytest.approx([0.02, 0.02, 0.01])


def test_repeated_p_value_counts_once_per_unit():
    frame = pd.DataFrame({
        "gene": ["G1", "G1", "G2", "G2", "G3", "G3"],
        "group": ["x", "y"] * 3,
        "p": [0.01, 0.01, 0.04, 0.04, 0.03, 0.03],
    })
    q = bh_q_values(frame, "p", family=[], unit=["gene"])
    assert q == pytest.approx([0.03, 0.03, 0.04, 0.04, 0.04, 0.04])


def test_unit_with_different_p_values_is_refused():
    frame = pd.DataFrame({"gene": ["G1", "G1"], "p": [0.01, 0.02]})
    with pytest.raises(ValueError, match="gene = 'G1'"):
        bh_q_values(frame, "p", family=[], unit=["gene"])


def test_empty_frame_gives_no_q_values():
    frame = pd.DataFrame({"family": pd.Series([], dtype="string"), "p": []})
    assert bh_q_values(frame, "p", ["family"]).shape == (0,)
