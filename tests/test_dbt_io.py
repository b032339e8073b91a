"""Long-to-matrix glue used by the dbt Python models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.warehouse.dbt_io import MatrixShapeError, long_to_matrix
from calcomics.warehouse.transcriptomic_inputs import expression_matrix


def _long() -> pd.DataFrame:
    # Samples appear in non-sorted order, genes in file order B, A, C (gene_order 1, 2, 3).
    rows = [(s, g, o, float(10 * o + i)) for i, s in enumerate(["S2", "S10", "S1"])
            for g, o in [("B", 1), ("A", 2), ("C", 3)]]
    return pd.DataFrame(rows, columns=["sample_id", "gene_symbol", "gene_order",
                                       "log2_expression"])


def test_matrix_layout_and_values():
    matrix = expression_matrix(_long())
    assert list(matrix.index) == ["B", "A", "C"]
    assert list(matrix.columns) == ["S1", "S10", "S2"]  # sorted labels
    assert matrix.loc["A", "S10"] == 21.0 and matrix.loc["C", "S1"] == 32.0


def test_categorical_input_gives_the_same_matrix():
    long = _long().sample(frac=1.0, random_state=3)
    categorical = long.astype({"sample_id": "category", "gene_symbol": "category"})
    plain = expression_matrix(long)
    coded = expression_matrix(categorical)
    pd.testing.assert_frame_equal(plain, coded)
    assert coded.index.dtype == object and coded.columns.dtype == object
    assert list(coded.columns) == ["S1", "S10", "S2"]


def test_duplicated_and_missing_cells_are_named():
    long = _long()
    with pytest.raises(MatrixShapeError, match=r"expression: gene_symbol 'B' appears 2 times "
                       r"for sample_id 'S2'"):
        expression_matrix(pd.concat([long, long.iloc[[0]]]))
    with pytest.raises(MatrixShapeError, match=r"no value for gene_symbol 'A', sample_id 'S10' "
                       r"\(1 cell\(s\) missing\)"):
        expression_matrix(long.drop(index=4))
    nan = long.copy()
    nan.loc[8, "log2_expression"] = np.nan
    with pytest.raises(MatrixShapeError, match="value missing for gene_symbol 'C', sample_id "
                       "'S1'"):
        expression_matrix(nan)


def test_generic_long_to_matrix():
    long = pd.DataFrame({"feature_id": ["F2", "F1", "F2", "F1"], "sample_id": ["b", "b", "a", "a"],
                         "abundance": [1.0, 2.0, 3.0, 4.0]})
    matrix = long_to_matrix(long, "feature_id", "sample_id", "abundance", "polar")
    assert matrix.to_dict() == {"a": {"F2": 3.0, "F1": 4.0}, "b": {"F2": 1.0, "F1": 2.0}}
