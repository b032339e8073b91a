"""SET index and endocrine sensitivity score against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.transcriptomics.scores import (
    ENDOCRINE_SENSITIVITY_WEIGHTS,
    SET_INFORMATIVE_GENES,
    SET_REFERENCE_GENES,
    ScoreInputError,
    endocrine_sensitivity_score,
    set_index,
)
from calcomics.synth.expression import SET_INDEX_GENES
from calcomics.synth.expression import SET_REFERENCE_GENES as SYNTH_REFERENCE

# The paper's Methods list, as printed (legacy reference symbols ATP5J2 and DARS).
PAPER_INFORMATIVE = (
    "SLC39A6, STC2, CA12, ESR1, PDZK1, NPY1R, CD2, MAPT, QDPR, AZGP1, ABAT, ADCY1, CD3D, CD3D, "
    "MRPS30, DNAJC12, DNAJC12, SCUBE2, KCNE4"
).split(", ")
PAPER_REFERENCE = "LDHA, ATP5J2, VDAC2, DARS, UGP2, UBE2Z, AK2, WIPF2, APPBP2, TRIM2".split(", ")


def _set_matrix(informative: float, cd3d: float, dnajc12: float, reference: float,
                samples: tuple[str, ...] = ("P1",)) -> pd.DataFrame:
    genes = list(dict.fromkeys(SET_INFORMATIVE_GENES)) + list(SET_REFERENCE_GENES) + ["GAPDH"]
    values = {g: informative for g in dict.fromkeys(SET_INFORMATIVE_GENES)}
    values.update({"CD3D": cd3d, "DNAJC12": dnajc12, "GAPDH": 100.0})
    values.update({g: reference for g in SET_REFERENCE_GENES})
    return pd.DataFrame({s: [values[g] for g in genes] for s in samples}, index=genes)


def test_gene_lists_follow_the_paper():
    assert list(SET_INFORMATIVE_GENES) == PAPER_INFORMATIVE
    assert len(SET_INFORMATIVE_GENES) == 19 and len(set(SET_INFORMATIVE_GENES)) == 17
    duplicated = sorted({g for g in SET_INFORMATIVE_GENES if SET_INFORMATIVE_GENES.count(g) > 1})
    assert duplicated == ["CD3D", "DNAJC12"]
    updated = {"ATP5J2": "ATP5MF", "DARS": "DARS1"}
    assert list(SET_REFERENCE_GENES) == [updated.get(g, g) for g in PAPER_REFERENCE]
    # same genes as the synthetic data generator plants
    assert set(SET_INFORMATIVE_GENES) == set(SET_INDEX_GENES)
    assert tuple(SET_REFERENCE_GENES) == tuple(SYNTH_REFERENCE)


def test_set_index_hand_computed_with_duplicate_weighting():
    # 15 single genes at 1, CD3D = 10 (listed twice), DNAJC12 = 4 (listed twice), references 3:
    # (15 * 1 + 2 * 10 + 2 * 4) / 19 - 3 + 2 = 43 / 19 - 1
    frame = _set_matrix(informative=1.0, cd3d=10.0, dnajc12=4.0, reference=3.0)
    got = set_index(frame)
    assert got.name == "set_index"
    assert got.index.name == "sample_id" and list(got.index) == ["P1"]
    assert got["P1"] == pytest.approx(43 / 19 - 1, abs=1e-14)
    # the unweighted mean over the 17 distinct genes would be different
    assert got["P1"] != pytest.approx((15 + 10 + 4) / 17 - 1, abs=1e-6)


def test_set_index_explicit_lists_and_sample_order():
    frame = pd.DataFrame(
        {"B": [2.0, 4.0, 1.0, 7.0], "A": [0.0, 1.0, 5.0, 1.0]},
        index=["G1", "G2", "R1", "R2"],
    )
    got = set_index(frame, ["G1", "G2", "G2"], ["R1", "R2"])
    assert list(got.index) == ["B", "A"]
    # B: (2 + 4 + 4) / 3 - (1 + 7) / 2 + 2; A: (0 + 1 + 1) / 3 - (5 + 1) / 2 + 2
    np.testing.assert_allclose(got.to_numpy(), [10 / 3 - 2, 2 / 3 - 1], rtol=0, atol=1e-14)


def test_set_index_is_invariant_to_a_per_sample_constant():
    rng = np.random.default_rng(1)
    genes = list(dict.fromkeys(SET_INFORMATIVE_GENES)) + list(SET_REFERENCE_GENES)
    frame = pd.DataFrame(
        rng.normal(6, 2, size=(len(genes), 5)), index=genes, columns=[f"S{i}" for i in range(5)]
    )
    shift = np.array([0.0, 1.0, -3.5, 10.0, 0.25])
    base = set_index(frame)
    np.testing.assert_allclose(set_index(frame + shift).to_numpy(), base.to_numpy(), atol=1e-12)
    # but not to shifting the informative genes alone
    moved = frame.copy()
    moved.loc["ESR1"] += 1.9
    assert set_index(moved)["S0"] == pytest.approx(base["S0"] + 1.9 / 19, abs=1e-12)
    moved = frame.copy()
    moved.loc["CD3D"] += 1.9  # counted twice
    assert set_index(moved)["S0"] == pytest.approx(base["S0"] + 2 * 1.9 / 19, abs=1e-12)


def test_set_index_missing_gene_is_an_error():
    frame = _set_matrix(1.0, 1.0, 1.0, 1.0).drop(index=["DNAJC12", "WIPF2"])
    with pytest.raises(ScoreInputError, match=r"\['DNAJC12'\] of informative_genes"):
        set_index(frame)
    with pytest.raises(ScoreInputError, match=r"\['WIPF2'\] of reference_genes"):
        set_index(frame, ["ESR1"], SET_REFERENCE_GENES)


def test_set_index_bad_values_are_errors():
    frame = _set_matrix(1.0, 1.0, 1.0, 1.0, samples=("P1", "P2"))
    frame.loc["AK2", "P2"] = np.nan
    message = r"log_expr \(reference_genes\): value for gene 'AK2', sample 'P2' is missing"
    with pytest.raises(ScoreInputError, match=message):
        set_index(frame)
    dup = pd.concat([_set_matrix(1.0, 1.0, 1.0, 1.0), _set_matrix(1.0, 1.0, 1.0, 1.0).iloc[:1]])
    with pytest.raises(ScoreInputError, match=r"\['SLC39A6'\] of informative_genes have more"):
        set_index(dup)
    with pytest.raises(ScoreInputError, match="informative_genes: expected a non-empty"):
        set_index(frame, [], SET_REFERENCE_GENES)
    with pytest.raises(ScoreInputError, match="log_expr: expected a pandas DataFrame"):
        set_index(frame.to_numpy())


def test_endocrine_sensitivity_hand_computed():
    frame = pd.DataFrame(
        {"P1": [5.0, 2.0, 3.0, 1.0, 50.0], "P2": [0.0, 0.0, 0.0, 0.0, 1.0]},
        index=["ESR1", "PGR", "BCL2", "SCUBE2", "OTHER"],
    )
    got = endocrine_sensitivity_score(frame)
    assert got.name == "endocrine_sensitivity_score"
    assert got.index.name == "sample_id"
    # P1: (0.8 * 5 + 1.2 * 2 + 3 + 1) / 4 = (4 + 2.4 + 4) / 4 = 2.6
    assert got["P1"] == pytest.approx(2.6, abs=1e-14)
    assert got["P2"] == 0.0
    assert ENDOCRINE_SENSITIVITY_WEIGHTS == {"ESR1": 0.8, "PGR": 1.2, "BCL2": 1.0, "SCUBE2": 1.0}
    # PGR weighs 1.2 / 4 = 0.3 per log2 unit, ESR1 0.8 / 4 = 0.2
    up = frame.copy()
    up.loc["PGR"] += 1.0
    assert endocrine_sensitivity_score(up)["P1"] == pytest.approx(2.9, abs=1e-14)
    up = frame.copy()
    up.loc["ESR1"] += 1.0
    assert endocrine_sensitivity_score(up)["P1"] == pytest.approx(2.8, abs=1e-14)


def test_endocrine_sensitivity_missing_gene_is_an_error():
    frame = pd.DataFrame({"P1": [5.0, 2.0, 3.0]}, index=["ESR1", "PGR", "BCL2"])
    with pytest.raises(ScoreInputError, match=r"\['SCUBE2'\]"):
        endocrine_sensitivity_score(frame)


def test_treatment_scores_without_samples_are_typed_zero_rows():
    from calcomics.methods.transcriptomics.treatment import (
        TREATMENT_SCORE_DTYPES,
        treatment_scores,
    )

    names = ["set_informative", "set_reference", "cdk46_sensitivity", "endocrine_sensitivity"]
    panels = pd.DataFrame({
        "gene_set": names, "member_order": 1, "symbol_used": ["ESR1", "PGR", "CCND1", "BCL2"],
        "weight": 1.0,
    })
    log_expr = pd.DataFrame(index=["ESR1", "PGR", "CCND1", "BCL2"], columns=[], dtype=float)
    out = treatment_scores(log_expr, panels)
    assert len(out) == 0
    assert out.dtypes.astype(str).to_dict() == TREATMENT_SCORE_DTYPES
