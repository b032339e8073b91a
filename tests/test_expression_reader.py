"""read_expression_matrix: the wide expression relation read into one preallocated array.

The reader must give exactly the matrix of ``wide_expression_matrix`` (the pandas path it
replaces in the transcriptomic Python models), with the same errors, in either storage
layout, for any record-batch size; sample and gene filters act in SQL.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.warehouse.dbt_io import MatrixShapeError
from calcomics.warehouse.transcriptomic_inputs import (
    read_expression_matrix,
    wide_expression_matrix,
)


@pytest.fixture()
def connection():
    """An in-memory table like int_gene_expression_matrix: rows shuffled against
    gene_order, sample columns unsorted."""
    rng = np.random.default_rng(7)
    n_genes, n_samples = 600, 40
    wide = pd.DataFrame(rng.normal(size=(n_genes, n_samples)),
                        columns=[f"s{j:02d}" for j in rng.permutation(n_samples)])
    wide.insert(0, "gene_symbol", [f"G{i}" for i in range(n_genes)])
    wide.insert(0, "gene_order", rng.permutation(n_genes) + 1)
    with duckdb.connect() as con:
        con.register("wide", wide)
        con.execute("create table expression as select * from wide")
        yield con


@pytest.mark.parametrize("layout", ["genes", "samples"])
@pytest.mark.parametrize("batch_bytes", [1, 8 * 40 * 7, 1 << 26])
def test_same_matrix_as_the_pandas_path(connection, layout, batch_bytes):
    expected = wide_expression_matrix(connection.table("expression").df())
    got = read_expression_matrix(connection.table("expression"), layout=layout,
                                 batch_bytes=batch_bytes)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("layout", ["genes", "samples"])
def test_one_array_backs_the_frame(connection, layout):
    """No copy of the matrix: to_numpy() is the filled array (C order for "genes"; for
    "samples" its transpose is C-ordered, the samples x genes view the kernels read)."""
    got = read_expression_matrix(connection.table("expression"), layout=layout)
    values = got.to_numpy()
    assert len(got._mgr.blocks) == 1
    assert np.shares_memory(values, got._mgr.blocks[0].values)
    assert (values if layout == "genes" else values.T).flags.c_contiguous


def test_samples_and_genes_are_selected_in_sql(connection):
    full = read_expression_matrix(connection.table("expression"))
    got = read_expression_matrix(connection.table("expression"),
                                 samples=["s07", "s03", "absent"],
                                 genes=["G9", "G2", "absent", "it's"])
    expected = full.loc[[g for g in full.index if g in {"G9", "G2"}], ["s03", "s07"]]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    none = read_expression_matrix(connection.table("expression"), genes=[])
    assert none.shape == (0, 40)
    no_samples = read_expression_matrix(connection.table("expression"), samples=[])
    assert no_samples.shape == (600, 0)


def test_repeated_gene_and_missing_value_are_named(connection):
    connection.execute("update expression set gene_symbol = 'G1' where gene_symbol = 'G2'")
    with pytest.raises(MatrixShapeError, match="gene_symbol 'G1' appears 2 times"):
        read_expression_matrix(connection.table("expression"))
    connection.execute("update expression set gene_symbol = 'G2' where gene_order = "
                       "(select max(gene_order) from expression where gene_symbol = 'G1')")
    connection.execute("update expression set s05 = null where gene_symbol = 'G4'")
    connection.execute("update expression set s01 = 'nan'::double where gene_symbol = 'G8'")
    order = dict(connection.execute(
        "select gene_symbol, gene_order from expression where gene_symbol in ('G4', 'G8')"
    ).fetchall())
    gene, sample = ("G4", "s05") if order["G4"] < order["G8"] else ("G8", "s01")
    for layout in ("genes", "samples"):
        with pytest.raises(MatrixShapeError,
                           match=f"value missing for gene_symbol '{gene}', sample_id '{sample}'"):
            read_expression_matrix(connection.table("expression"), layout=layout)


def test_missing_id_column_and_bad_layout(connection):
    with pytest.raises(MatrixShapeError, match="gene_order"):
        read_expression_matrix(connection.table("expression").project("gene_symbol, s01"))
    with pytest.raises(ValueError, match="layout 'rows'"):
        read_expression_matrix(connection.table("expression"), layout="rows")
