"""Warehouse tables to the shapes the transcriptomic algorithms take, and back.

The dbt Python models stay thin: they read long tables (one row per sample and gene, one row
per gene-list member), call these helpers, run an algorithm and write a long table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from calcomics.warehouse.dbt_io import MatrixShapeError, long_to_matrix


def expression_matrix(long: pd.DataFrame, value: str = "log2_expression") -> pd.DataFrame:
    """Long (sample_id, gene_symbol, value) rows to a genes x samples matrix.

    Genes are in file order when ``long`` has a gene_order column (GSVA/ssGSEA break rank
    ties by row order, as R does on the same file), else in first-appearance order; samples
    are sorted. A missing or duplicated cell is an error naming it
    (:func:`calcomics.warehouse.dbt_io.long_to_matrix`); so is a missing value (NaN).
    """
    matrix = long_to_matrix(long, "gene_symbol", "sample_id", value, source="expression")
    if "gene_order" in long.columns:
        rows = long[["gene_symbol", "gene_order"]].drop_duplicates("gene_symbol")
        ordered = rows.sort_values("gene_order", kind="stable")["gene_symbol"]
        matrix = matrix.loc[np.asarray(ordered, dtype=object)]
    if matrix.isna().to_numpy().any():
        gene, sample = matrix.stack(future_stack=True).loc[lambda s: s.isna()].index[0]
        raise MatrixShapeError(
            f"expression: value missing for gene_symbol '{gene}', sample_id '{sample}'"
        )
    return matrix


WIDE_ID_COLUMNS = ("gene_order", "gene_symbol")


def _check_one_row_per_gene(genes: pd.Series) -> None:
    """A gene symbol listed twice is an error naming it and its count."""
    repeated = genes[genes.duplicated()]
    if len(repeated):
        gene = repeated.iloc[0]
        raise MatrixShapeError(
            f"expression: gene_symbol '{gene}' appears {int((genes == gene).sum())} times "
            "(one row per gene expected)"
        )


def wide_expression_matrix(wide: pd.DataFrame) -> pd.DataFrame:
    """``int_gene_expression_matrix`` rows (gene_order, gene_symbol, one column per sample)
    to the genes x samples matrix :func:`expression_matrix` makes from the long table.

    The same matrix without a pivot: genes in file order (gene_order), samples sorted,
    float values. A gene listed twice or a missing value (NaN) is an error naming it.

    Parameters
    ----------
    wide
        One row per gene; every column but gene_order and gene_symbol is a sample.

    Returns
    -------
    pandas.DataFrame
        Index gene_symbol, columns sample_id.
    """
    ordered = wide.sort_values("gene_order", kind="stable")
    genes = ordered["gene_symbol"].astype(object)
    _check_one_row_per_gene(genes)
    samples = sorted(str(c) for c in wide.columns if c not in WIDE_ID_COLUMNS)
    values = ordered[samples].to_numpy(dtype=float) if samples else np.empty((len(genes), 0))
    matrix = pd.DataFrame(
        values,
        index=pd.Index(np.asarray(genes, dtype=object), name="gene_symbol"),
        columns=pd.Index(np.asarray(samples, dtype=object), name="sample_id"),
    )
    missing = np.isnan(values)
    if missing.any():
        row, column = np.argwhere(missing)[0]
        raise MatrixShapeError(
            f"expression: value missing for gene_symbol '{matrix.index[row]}', sample_id "
            f"'{matrix.columns[column]}'"
        )
    return matrix

#: Budget of one read of :func:`read_expression_matrix` (bytes of values per group of columns).
READ_BATCH_BYTES = 64 << 20
#: Most reads of :func:`read_expression_matrix`: planning one query over the wide matrix view
#: costs time in proportion to its columns (1.5 s at 10,000 samples), so a fixed read size
#: would make the whole read grow with samples squared; past this many reads of
#: ``READ_BATCH_BYTES`` the groups grow instead (each at most 1 / MAX_READS of the matrix).
MAX_READS = 8
#: Storage orders of :func:`read_expression_matrix`.
MATRIX_LAYOUTS = ("genes", "samples")


def _quoted(name: str) -> str:
    """A SQL identifier, double-quoted."""
    return '"' + str(name).replace('"', '""') + '"'


def _literal(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _fetch_columns(relation: Any, columns: str) -> pa.Table:
    """Columns of a DuckDB relation as one Arrow table (small projections only)."""
    arrow = relation.project(columns).arrow()
    return arrow.read_all() if isinstance(arrow, pa.RecordBatchReader) else arrow


def _gene_positions(relation: Any) -> pd.Index:
    """Gene symbols in matrix row order (gene_order, ties in table order); a repeated
    symbol is the error :func:`wide_expression_matrix` raises."""
    ids = _fetch_columns(relation, "gene_order, gene_symbol")
    order = ids.column("gene_order").to_numpy(zero_copy_only=False)
    symbols = np.asarray(ids.column("gene_symbol").to_pylist(), dtype=object)
    genes = pd.Series(symbols[np.argsort(order, kind="stable")], dtype=object)
    _check_one_row_per_gene(genes)
    return pd.Index(np.asarray(genes, dtype=object), name="gene_symbol")


def _first_missing(values: np.ndarray, genes: pd.Index, samples: list[str]) -> str:
    """The first missing cell in gene order then sample order (the error path only)."""
    if values.flags.f_contiguous and not values.flags.c_contiguous:
        rows = np.flatnonzero(np.isnan(values.T).any(axis=0))
    else:
        rows = np.flatnonzero(np.isnan(values).any(axis=1))
    row = int(rows[0])
    column = int(np.flatnonzero(np.isnan(values[row]))[0])
    return (f"expression: value missing for gene_symbol '{genes[row]}', sample_id "
            f"'{samples[column]}'")


def read_expression_matrix(
    relation: Any,
    samples: Iterable[str] | None = None,
    genes: Iterable[str] | None = None,
    layout: str = "genes",
    batch_bytes: int = READ_BATCH_BYTES,
    max_reads: int | None = MAX_READS,
) -> pd.DataFrame:
    """``int_gene_expression_matrix`` (a DuckDB relation) to the genes x samples matrix of
    :func:`wide_expression_matrix`, filled in place: one float64 array, no intermediate
    copies of the whole matrix.

    The same matrix, checks and errors as :func:`wide_expression_matrix` on the relation's
    rows: genes in file order (gene_order), samples sorted, a gene listed twice or a missing
    value (null / NaN) is an error naming it. Reads (gene_order, gene_symbol) first, then
    groups of sample columns of about ``batch_bytes`` of values each (one Arrow table per
    group, scattered to its genes' rows and freed; no ORDER BY: DuckDB would hold a sorted
    copy of the table).

    Parameters
    ----------
    relation
        The relation (``dbt.ref("int_gene_expression_matrix")``): gene_order, gene_symbol and
        one column per sample.
    samples
        Keep only these sample columns (those present; selected in SQL); None = all.
    genes
        Keep only these gene rows (those present; filtered in SQL); None = all.
    layout
        ``"genes"``: the values are one C-ordered genes x samples array (what GSVA's kernel
        reads); ``"samples"``: one C-ordered samples x genes array, seen as its transpose
        (what ssGSEA and GSEA's permutations read: ``to_numpy().T`` is then no copy).
    batch_bytes
        Values per read, in bytes (at least one sample column per read).
    max_reads
        At most this many reads (groups of sample columns): a larger matrix is read in
        larger groups, so the number of queries, each planned over every column of the
        view, stays bounded (None: groups of ``batch_bytes`` whatever their number).

    Returns
    -------
    pandas.DataFrame
        Index gene_symbol, columns sample_id, backed by the filled array (no copy).
    """
    if layout not in MATRIX_LAYOUTS:
        raise ValueError(f"layout {layout!r}: expected one of {', '.join(MATRIX_LAYOUTS)}")
    columns = [str(c) for c in relation.columns]
    absent = [c for c in WIDE_ID_COLUMNS if c not in columns]
    if absent:
        raise MatrixShapeError(f"expression: column(s) {absent} missing (gene_order, "
                               "gene_symbol and one column per sample expected)")
    names = sorted(c for c in columns if c not in WIDE_ID_COLUMNS)
    if samples is not None:
        wanted = {str(s) for s in samples}
        names = [c for c in names if c in wanted]
    if genes is not None:
        listed = sorted({str(g) for g in genes})
        condition = (f"gene_symbol in ({', '.join(map(_literal, listed))})" if listed
                     else "false")
        relation = relation.filter(condition)
    index = _gene_positions(relation)
    n_genes, n_samples = len(index), len(names)
    storage = np.empty((n_genes, n_samples) if layout == "genes" else (n_samples, n_genes))
    values = storage if layout == "genes" else storage.T
    missing = False
    per_read = max(1, int(batch_bytes) // (8 * max(n_genes, 1)))
    if max_reads is not None:
        per_read = max(per_read, -(-n_samples // max(1, int(max_reads))))
    for first in range(0, n_samples if n_genes else 0, per_read):
        group = range(first, min(first + per_read, n_samples))
        # DuckDB materialises a query's Arrow result before the first batch: one query per
        # group of sample columns (columnar storage: each column is read once overall)
        chunk = _fetch_columns(
            relation, ", ".join(["gene_symbol", *(_quoted(names[j]) for j in group)]))
        symbols = pd.Index(np.asarray(chunk.column(0).to_pylist(), dtype=object))
        rows = index.get_indexer(symbols)
        if len(rows) != n_genes or (rows < 0).any():
            raise MatrixShapeError(
                f"expression: {len(rows)} rows read for {n_genes} genes (the relation "
                "changed between two reads)")
        for k, j in enumerate(group, start=1):
            column = np.asarray(chunk.column(k).to_numpy(zero_copy_only=False),
                                dtype=np.float64)
            values[rows, j] = column
            missing = missing or bool(np.isnan(column).any())
        del chunk
    frame = pd.DataFrame(
        values,
        index=index,
        columns=pd.Index(np.asarray(names, dtype=object), name="sample_id"),
        copy=False,
    )
    if missing:
        raise MatrixShapeError(_first_missing(values, index, names))
    return frame


def gene_sets_by_collection(members: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Resolved gene-list members to ``{collection: {gene_set: [symbol_used, ...]}}``.

    ``members`` has columns collection, gene_set, gene_set_order (position of the set in its
    collection), member_order, symbol_used (null when the
    gene was not found, see ``int_gene_list_members_resolved``). Unfound genes are left out
    here because they are listed in ``fct_gene_list_resolution``; a symbol that two listed
    genes resolve to is used once (GSVA would otherwise weight it twice). Sets keep their
    file order and members their listed order.
    """
    found = members[members["symbol_used"].notna()]
    found = found.sort_values(["collection", "gene_set_order", "member_order"], kind="stable")
    found = found.drop_duplicates(["collection", "gene_set", "symbol_used"])
    collections: dict[str, dict[str, list[str]]] = {}
    for (collection, gene_set), group in found.groupby(["collection", "gene_set"], sort=False):
        collections.setdefault(collection, {})[gene_set] = group["symbol_used"].tolist()
    return collections


def scores_to_long(
    scores: pd.DataFrame,
    value: str = "score",
    set_column: str = "gene_set",
    extra: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """A sets x samples score matrix to (sample_id, gene_set, score) rows plus constant columns."""
    long = scores.rename_axis(index=set_column, columns="sample_id").stack().rename(value)
    frame = long.reset_index()[["sample_id", set_column, value]]
    for column, constant in (extra or {}).items():
        frame[column] = constant
    return frame


PATHWAY_SCORE_COLUMNS: list[str] = [
    "sample_id", "collection", "gene_set", "method", "set_size", "score",
]
PATHWAY_SCORE_DTYPES: dict[str, str] = {
    "sample_id": "string", "collection": "string", "gene_set": "string",
    "method": "string", "set_size": "int64", "score": "float64",
}


#: Arrow types of :func:`score_collections` (text columns are dictionary-encoded when there
#: are rows; DuckDB reads both as VARCHAR).
PATHWAY_SCORE_SCHEMA = pa.schema([
    ("sample_id", pa.string()), ("collection", pa.string()), ("gene_set", pa.string()),
    ("method", pa.string()), ("set_size", pa.int64()), ("score", pa.float64()),
])


def empty_pathway_scores() -> pd.DataFrame:
    """Zero rows with the column types of :func:`score_collections` (contracts hold)."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PATHWAY_SCORE_DTYPES.items()})


def _labels(codes: np.ndarray, labels: Iterable[object]) -> pa.DictionaryArray:
    """A text column as int32 codes into its distinct labels (no Python object per row)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, type=pa.int32()), pa.array([str(x) for x in labels], type=pa.string()))


def long_scores_table(
    scores: pd.DataFrame, collection: str, method: str, sizes: Mapping[str, int]
) -> pa.Table:
    """A sets x samples score matrix as the rows of :func:`scores_to_long` (set by set, samples
    in column order, missing scores left out as pandas' ``stack`` does) plus collection,
    method and ``set_size`` (``sizes[gene_set]``), in :data:`PATHWAY_SCORE_COLUMNS` order.

    Built from numpy arrays: the text columns are dictionary-encoded (codes + labels), so
    10,000 samples x 1,700 sets take ~24 bytes per row instead of Python strings.
    """
    values = np.ascontiguousarray(scores.to_numpy(dtype=np.float64))
    n_sets, n_samples = values.shape
    flat = values.ravel()
    keep = ~np.isnan(flat)
    set_codes = np.repeat(np.arange(n_sets, dtype=np.int32), n_samples)[keep]
    set_sizes = np.asarray([sizes[name] for name in scores.index], dtype=np.int64)
    columns = {
        "sample_id": _labels(np.tile(np.arange(n_samples, dtype=np.int32), n_sets)[keep],
                             scores.columns),
        "collection": _labels(np.zeros(set_codes.size, dtype=np.int32), [collection]),
        "gene_set": _labels(set_codes, scores.index),
        "method": _labels(np.zeros(set_codes.size, dtype=np.int32), [method]),
        "set_size": pa.array(set_sizes[set_codes], type=pa.int64()),
        "score": pa.array(flat[keep], type=pa.float64()),
    }
    return pa.table({c: columns[c] for c in PATHWAY_SCORE_COLUMNS})


def score_collections(
    expression: pd.DataFrame,
    collections: Mapping[str, Mapping[str, list[str]]],
    size_limits: pd.DataFrame,
    method: str = "ssgsea",
    progress: Callable[[int, int], None] | None = None,
) -> pa.Table:
    """Score each collection in its own call over all samples; one row per sample and set.

    ``progress(done, total)`` is called after each collection.

    ``size_limits`` is indexed by collection with min_size / max_size (null = no upper
    limit). Sets outside the limits are not scored (their coverage is in
    ``rpt_gene_set_coverage``). ``set_size`` is the number of matrix genes used.
    Returns an Arrow table (:func:`long_scores_table` per collection, stacked; zero rows are
    typed as :data:`PATHWAY_SCORE_SCHEMA`): a dbt Python model can return it as is, and
    ``.to_pandas().astype(PATHWAY_SCORE_DTYPES)`` gives the pandas frame.
    """
    from calcomics.methods.transcriptomics.gsva import gsva

    tables = []
    if expression.shape[1] == 0:
        return PATHWAY_SCORE_SCHEMA.empty_table()
    present = set(expression.index)
    for done, (collection, sets) in enumerate(collections.items(), start=1):
        low = int(size_limits.loc[collection, "min_size"])
        high_value = size_limits.loc[collection, "max_size"]
        high = float("inf") if pd.isna(high_value) else float(high_value)
        scores = gsva(expression, sets, method=method, min_size=low, max_size=high)
        sizes = {name: sum(g in present for g in genes) for name, genes in sets.items()}
        tables.append(long_scores_table(scores, collection, method, sizes))
        del scores
        if progress is not None:
            progress(done, len(collections))
    if not tables:
        return PATHWAY_SCORE_SCHEMA.empty_table()
    return pa.concat_tables(tables)


#: ASCO/CAP 2020: ER positive when >= 1 % of tumour nuclei stain.
ER_POSITIVE_MIN_PCT = 1.0


ER_STATUS_VALUES = {"positive": True, "negative": False}


def er_status(patients: pd.DataFrame, reported: pd.DataFrame | None = None) -> pd.Series:
    """ER status per patient from ``er_ihc_pct`` (ASCO/CAP: >= 1 % positive).

    ``patients`` has columns patient_id and er_ihc_pct. Where the percentage is missing, the
    pathologist's call is used when the cohort reports one: ``reported`` holds the optional
    extra clinical column ``er_status`` as (patient_id, attribute_value) rows, values
    positive / negative in any case (other values count as missing). Result: object Series of
    True / False / None, index patient_id, sorted.
    """
    pct = pd.to_numeric(patients["er_ihc_pct"], errors="coerce").to_numpy(dtype=float)
    status = pd.Series(np.where(np.isnan(pct), None, pct >= ER_POSITIVE_MIN_PCT),
                       index=patients["patient_id"].astype(str), dtype=object)
    if reported is not None and len(reported):
        calls = (reported.assign(patient_id=reported["patient_id"].astype(str))
                 .set_index("patient_id")["attribute_value"]
                 .astype(str).str.strip().str.lower().map(ER_STATUS_VALUES))
        calls = calls[calls.notna() & calls.index.isin(status.index)]
        missing = status.isna() & status.index.isin(calls.index)
        status[missing] = calls.reindex(status.index[missing]).astype(object)
    return status.sort_index()


def pam50_input(
    expression: pd.DataFrame, panel: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The PAM50 rows of the matrix, renamed to the centroid genes, and the centroids.

    ``panel`` holds the seed's pam50 members (member_order = row of the centroid file) with
    the symbol each resolved to. Genes not found are left out of both (Spearman over the
    genes present, as genefu does) and are listed in ``fct_gene_list_resolution``.
    """
    from calcomics.methods.transcriptomics.pam50 import pam50_centroids

    centroids = pam50_centroids()
    found = panel[panel["symbol_used"].notna()].sort_values("member_order")
    centroid_genes = centroids.index[found["member_order"].to_numpy(int) - 1]
    rows = expression.loc[found["symbol_used"].to_numpy()]
    rows.index = pd.Index(centroid_genes, name="gene_symbol")
    return rows, centroids.loc[centroid_genes]
