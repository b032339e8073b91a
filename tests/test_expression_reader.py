"""Transcriptomic model inputs and outputs at scale (issue 12).

read_expression_matrix must give exactly the matrix of ``wide_expression_matrix`` (the
pandas path it replaces in the transcriptomic Python models), with the same errors, in
either storage layout, for any read size; sample and gene filters act in SQL. The Arrow
output of score_collections must hold the rows of the pandas long frame it replaces.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.methods.transcriptomics.gsva import gsva
from calcomics.warehouse.dbt_io import MatrixShapeError
from calcomics.warehouse.transcriptomic_inputs import (
    PATHWAY_SCORE_COLUMNS,
    PATHWAY_SCORE_DTYPES,
    PATHWAY_SCORE_SCHEMA,
    long_scores_table,
    read_expression_matrix,
    score_collections,
    scores_to_long,
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
@pytest.mark.parametrize(("batch_bytes", "max_reads"),
                         [(1, None), (1, 3), (8 * 600 * 7, None), (1 << 26, 8)])
def test_same_matrix_as_the_pandas_path(connection, layout, batch_bytes, max_reads):
    expected = wide_expression_matrix(connection.table("expression").df())
    got = read_expression_matrix(connection.table("expression"), layout=layout,
                                 batch_bytes=batch_bytes, max_reads=max_reads)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize(("batch_bytes", "max_reads", "reads"),
                         [(1, None, 40), (1, 3, 3), (1, 40, 40), (8 * 600 * 7, None, 6),
                          (8 * 600 * 7, 2, 2), (1 << 26, 8, 1)])
def test_reads_are_groups_of_columns_at_most_max_reads(connection, monkeypatch, batch_bytes,
                                                       max_reads, reads):
    """40 samples x 600 genes: a read holds batch_bytes of values (at least one column),
    and there are never more than max_reads of them (the groups grow instead)."""
    from calcomics.warehouse import transcriptomic_inputs

    fetched = []
    real = transcriptomic_inputs._fetch_columns
    monkeypatch.setattr(transcriptomic_inputs, "_fetch_columns",
                        lambda relation, columns: fetched.append(columns)
                        or real(relation, columns))
    read_expression_matrix(connection.table("expression"), batch_bytes=batch_bytes,
                           max_reads=max_reads)
    assert len(fetched) - 1 == reads  # the first fetch reads the gene ids


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


def test_long_scores_table_is_the_stacked_frame():
    """The Arrow rows of score_collections are scores_to_long's rows (set by set, missing
    scores left out), typed as VARCHAR / BIGINT / DOUBLE once in DuckDB."""
    scores = pd.DataFrame([[0.5, np.nan, -0.25], [1.0, 2.0, 3.0]],
                          index=pd.Index(["set_b", "set_a"], name="gene_set"),
                          columns=pd.Index(["s2", "s1", "s3"], name="sample_id"))
    table = long_scores_table(scores, "hallmark", "ssgsea", {"set_a": 17, "set_b": 3})
    expected = scores_to_long(scores, extra={"collection": "hallmark", "method": "ssgsea"})
    expected["set_size"] = expected["gene_set"].map({"set_a": 17, "set_b": 3})
    expected = expected[PATHWAY_SCORE_COLUMNS].astype(PATHWAY_SCORE_DTYPES)
    got = table.to_pandas().astype(PATHWAY_SCORE_DTYPES)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert len(got) == 5 and got["sample_id"].tolist()[:2] == ["s2", "s3"]
    with duckdb.connect() as con:
        con.register("scores", table)
        types = dict(con.execute("select column_name, column_type from "
                                 "(describe select * from scores)").fetchall())
    assert types == {"sample_id": "VARCHAR", "collection": "VARCHAR", "gene_set": "VARCHAR",
                     "method": "VARCHAR", "set_size": "BIGINT", "score": "DOUBLE"}


def test_score_collections_stacks_collections_and_types_zero_rows(connection):
    expression = read_expression_matrix(connection.table("expression"), layout="samples")
    genes = list(expression.index)
    collections = {"first": {"a": genes[:20], "b": genes[20:45]},
                   "second": {"c": genes[5:30], "d": genes[50:62]}}
    limits = pd.DataFrame({"min_size": [10, 10], "max_size": [None, 24.0]},
                          index=pd.Index(["first", "second"], name="collection"))
    got = score_collections(expression, collections, limits).to_pandas().astype(
        PATHWAY_SCORE_DTYPES)
    assert got.groupby("collection")["gene_set"].unique().map(list).to_dict() == {
        "first": ["a", "b"], "second": ["d"]}  # set c has 25 genes > max_size 24
    assert len(got) == 3 * 40
    assert got.groupby("gene_set")["set_size"].first().to_dict() == {"a": 20, "b": 25, "d": 12}
    single = gsva(expression, collections["first"], method="ssgsea", min_size=10)
    np.testing.assert_array_equal(got.loc[got["gene_set"] == "b", "score"],
                                  single.loc["b"].to_numpy())
    empty = score_collections(expression.iloc[:, :0], collections, limits)
    assert empty.num_rows == 0 and empty.schema == PATHWAY_SCORE_SCHEMA
