"""Alteration frequencies per comparison group with exact Fisher tests.

The groups are the main groups of a :class:`calcomics.design.GroupDesign` (k = 2..8, in
display order); no group is named here. Results are long: one row per feature and main group.

* Mutated genes: samples with at least one non-synonymous call per gene and group, with the
  exact Fisher p of the 2 × k table mutated/not by main group (R ``fisher.test`` semantics),
  as the paper's Table S2 / Figure 3E.
* Copy-number alterations (gene, cytoband or arm level): gain (call > 0) and loss (call < 0)
  rates per group; each main group vs the rest of the main groups (2 × 2 Fisher), Bonferroni
  over the features of a level and direction (Figure 3F: the paper reports the high-suspicion
  rows); optionally the 2 × k test across all main groups (Figure 3G).

The counting (distinct samples per feature and main group) is set-based work: the warehouse
does it in SQL (``int_copy_number_alteration_counts``, ``int_mutated_gene_counts``) and passes
the counts to :func:`copy_number_alteration_frequencies_from_counts` and
:func:`mutated_gene_frequencies_from_counts`; :func:`copy_number_alteration_frequencies` and
:func:`mutated_gene_frequencies` count long call tables in numpy first (same results).
The Fisher tests are row-wise (:func:`calcomics.methods.stats.contingency.fisher_exact_rows`):
all tables of a family share their column totals (the group sizes), so each distinct row
total's null distribution is computed once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calcomics.design import GroupDesign
from calcomics.methods.stats import p_adjust
from calcomics.methods.stats.contingency import fisher_exact_rows
from calcomics.methods.stats.noted import NOT_TESTABLE
from calcomics.methods.stats.notes import (
    ALL_VALUES_EQUAL,
    FEWER_THAN_MIN_OBSERVATIONS,
    MIN_OBSERVATIONS,
    NO_VALUES,
    ONE_GROUP_ONLY,
    groups_left_out,
)

_DIRECTIONS = (("gain", 1), ("loss", -1))


def below_min_mutated_note(min_mutated_samples: int) -> str:
    """``test_note`` of a gene mutated in fewer main-group samples than the threshold.

    The test is skipped by choice (too few events to be informative), not because R would
    fail, so the note names the threshold.
    """
    return f"not tested: fewer than {min_mutated_samples} mutated samples in the main groups"


def _group_positions(samples: pd.DataFrame, design: GroupDesign) -> pd.Series:
    """sample_id -> position (0..k-1) of its main group; samples outside them left out."""
    samples = samples.drop_duplicates("sample_id")
    position = samples["group_key"].map({key: i for i, key in enumerate(design.keys)})
    keep = position.notna()
    return pd.Series(position[keep].astype(np.int64).to_numpy(),
                     index=samples.loc[keep, "sample_id"].to_numpy())


def group_sizes(samples: pd.DataFrame, design: GroupDesign) -> np.ndarray:
    """Samples per main group (design order) of a (sample_id, group_key) frame."""
    positions = _group_positions(samples, design)
    return np.bincount(positions.to_numpy(), minlength=len(design.keys)).astype(np.int64)


def _sample_groups(sample_ids: pd.Series, positions: pd.Series) -> np.ndarray:
    """Main-group position of each row's sample (-1 outside the main groups) and sample code."""
    codes, uniques = pd.factorize(sample_ids)
    # plain objects: a categorical (strings_to_categorical) cannot take the -1 fill
    group_of_unique = (pd.Series(np.asarray(uniques, dtype=object)).map(positions)
                       .fillna(-1).to_numpy(np.int64))
    return np.stack([group_of_unique[codes] if len(codes) else codes.astype(np.int64),
                     codes.astype(np.int64)])


def _distinct_hits(feature_codes: np.ndarray, sample_codes: np.ndarray, groups: np.ndarray,
                   n_features: int, k: int) -> np.ndarray:
    """(n_features, k) counts of distinct samples per feature and main group among the rows."""
    main = groups >= 0
    n_samples = int(sample_codes.max()) + 1 if len(sample_codes) else 1
    pairs, first = np.unique(feature_codes[main] * n_samples + sample_codes[main],
                             return_index=True)
    cells = (pairs // n_samples) * k + groups[main][first]
    return np.bincount(cells, minlength=n_features * k).reshape(n_features, k)


def _fisher_rows(hits: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fisher p and method (R ``fisher.test``) of the 2 × k tables [hits; sizes - hits] of an
    (n, k) hit matrix: :func:`calcomics.methods.stats.contingency.fisher_exact_rows`."""
    if len(hits) == 0:
        return np.empty(0), np.empty(0, dtype=object)
    if hits.shape[1] < 2:  # one group: a single non-empty column, R's p = 1
        return np.ones(len(hits)), np.full(len(hits), "exact", dtype=object)
    result = fisher_exact_rows(hits, sizes)
    return result.p_values, result.methods


def _fisher_noted_rows(hits: np.ndarray, sizes: np.ndarray, labels: tuple[str, ...]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p, method and test_note of the 2 × k tables [hits; sizes - hits] (columns = the groups
    ``labels``), row for row what
    :func:`calcomics.methods.stats.noted.fisher_exact_noted` returns: the sample-size notes
    depend on the group sizes only; a table whose samples are all altered or all unaltered
    (one non-empty row) is :data:`~calcomics.methods.stats.notes.ALL_VALUES_EQUAL`; groups
    without samples are left out and named.
    """
    n = len(hits)
    p_values = np.full(n, np.nan)
    methods = np.full(n, NOT_TESTABLE, dtype=object)
    notes = np.full(n, None, dtype=object)
    note = _table_note(int((sizes > 0).sum()), int(sizes.sum()))
    if note is not None:
        notes[:] = note
        return p_values, methods, notes
    totals = hits.sum(axis=1)
    one_category = (totals == 0) | (totals == sizes.sum())
    notes[one_category] = ALL_VALUES_EQUAL
    tested = ~one_category
    p_values[tested], methods[tested] = _fisher_rows(hits[tested], sizes)
    if (sizes == 0).any():
        notes[tested] = groups_left_out([label for label, size in
                                         zip(labels, sizes, strict=True) if size == 0])
    return p_values, methods, notes


def _rates(hits: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """hits / sizes per column; NaN for a group without samples."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sizes[None, :] > 0, hits / np.maximum(sizes, 1)[None, :], np.nan)


def _long_by_group(features: pd.DataFrame, columns: dict[str, np.ndarray],
                   design: GroupDesign) -> pd.DataFrame:
    """Feature-level frame × main groups: ``columns`` hold (n_features, k) arrays."""
    k = len(design.keys)
    n = len(features)
    frame = features.loc[features.index.repeat(k)].reset_index(drop=True)
    frame["group_key"] = np.tile(np.array(design.keys, dtype=object), n)
    frame["group_label"] = np.tile(np.array(design.labels, dtype=object), n)
    frame["group_order"] = np.tile(np.array(design.orders, dtype=np.int64), n)
    for name, values in columns.items():
        frame[name] = np.asarray(values).reshape(n * k)
    return frame


def mutated_gene_frequencies(
    mutated: pd.DataFrame, samples: pd.DataFrame, design: GroupDesign,
    min_mutated_samples: int = 1,
) -> pd.DataFrame:
    """Mutated-sample counts and frequencies per gene and main group, exact Fisher p.

    Counts the long calls in numpy, then :func:`mutated_gene_frequencies_from_counts`.

    Parameters
    ----------
    mutated
        (sample_id, gene_symbol) of non-synonymous calls (a sample may repeat).
    samples
        Every sequenced sample with its group_key (null or non-main groups allowed): the
        denominators. Overall counts (``*_all``) use every sequenced sample.
    design
        Main groups of the active grouping.
    min_mutated_samples
        Genes mutated in fewer main-group samples are listed with a null p (not tested).

    Returns
    -------
    pandas.DataFrame
        As :func:`mutated_gene_frequencies_from_counts`. A patient absent from ``samples`` is
        not sequenced: in no denominator, and its calls in ``mutated`` are ignored.
    """
    k = len(design.keys)
    sequenced = samples["sample_id"].drop_duplicates()
    mutated = mutated[mutated["sample_id"].isin(sequenced)]
    groups, sample_codes = _sample_groups(mutated["sample_id"], _group_positions(samples, design))
    gene_codes, gene_names = pd.factorize(mutated["gene_symbol"])
    n_genes = len(gene_names)
    hits = _distinct_hits(gene_codes, sample_codes, groups, n_genes, k)
    everyone = np.zeros_like(groups)
    n_all = _distinct_hits(gene_codes, sample_codes, everyone, n_genes, 1)[:, 0]
    keep = hits.sum(axis=1) > 0
    counts = pd.DataFrame({
        "gene_symbol": np.repeat(np.asarray(gene_names, dtype=object)[keep], k),
        "group_key": np.tile(np.array(design.keys, dtype=object), int(keep.sum())),
        "n_mutated": hits[keep].reshape(-1),
        "n_mutated_all": np.repeat(n_all[keep], k),
    })
    return mutated_gene_frequencies_from_counts(counts, samples, design, min_mutated_samples)


def _count_matrix(counts: pd.DataFrame, feature_columns: list[str], count_column: str,
                  design: GroupDesign, source: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Long (features..., group_key, count) rows -> distinct features (first-appearance
    order) and their (n_features, k) count matrix in design order.

    Every feature must have exactly one row per main group: an unknown group_key, a repeated
    or a missing (feature, group) cell is a ``ValueError`` naming ``source`` and the cell.
    """
    k = len(design.keys)
    position = counts["group_key"].astype(object).map(
        {key: i for i, key in enumerate(design.keys)})
    if position.isna().any():
        row = int(np.flatnonzero(position.isna().to_numpy())[0])
        raise ValueError(f"{source}: row {row} has group_key {counts['group_key'].iloc[row]!r}, "
                         f"not a main group ({', '.join(design.keys)})")
    codes = np.zeros(len(counts), dtype=np.int64)
    for column in feature_columns:
        column_codes, uniques = pd.factorize(counts[column].astype(object), use_na_sentinel=False)
        codes = codes * max(len(uniques), 1) + column_codes
    feature_codes, first_rows = np.unique(codes, return_index=True)
    appearance = np.argsort(first_rows, kind="stable")
    rank = np.empty(len(appearance), dtype=np.int64)
    rank[appearance] = np.arange(len(appearance))
    row_feature = rank[np.searchsorted(feature_codes, codes)]
    features = counts.iloc[np.sort(first_rows)][feature_columns].reset_index(drop=True)
    cells = row_feature * k + position.to_numpy(np.int64)
    seen = np.bincount(cells, minlength=len(features) * k)
    bad = np.flatnonzero(seen != 1)
    if len(bad):
        cell = int(bad[0])
        what = "repeated" if seen[cell] > 1 else "missing"
        raise ValueError(
            f"{source}: {what} count for {dict(features.iloc[cell // k])} and group_key "
            f"{design.keys[cell % k]!r} (one row per feature and main group expected)")
    matrix = np.zeros(len(features) * k, dtype=np.int64)
    matrix[cells] = counts[count_column].to_numpy(np.int64)
    return features, matrix.reshape(len(features), k)


def mutated_gene_frequencies_from_counts(
    counts: pd.DataFrame, samples: pd.DataFrame, design: GroupDesign,
    min_mutated_samples: int = 1,
) -> pd.DataFrame:
    """Mutated-sample frequencies per gene and main group from counts, exact Fisher p.

    Parameters
    ----------
    counts
        One row per gene and main group (every main group of a gene mutated in at least
        one main-group sample): gene_symbol, group_key, n_mutated (distinct sequenced
        samples of the group with a non-synonymous call in the gene) and n_mutated_all
        (the same over every sequenced sample, repeated on the gene's rows).
    samples
        Every sequenced sample with its group_key (null or non-main groups allowed): the
        denominators.
    design
        Main groups of the active grouping.
    min_mutated_samples
        Genes mutated in fewer main-group samples are listed with a null p (not tested).

    Returns
    -------
    pandas.DataFrame
        One row per gene × main group: gene_symbol, group_key, group_label, group_order,
        n_mutated, n_sequenced, frequency (fraction 0..1), n_mutated_all, n_sequenced_all,
        frequency_all, frequency_rank (1 = most mutated samples, ties by symbol),
        p_value_all_main_groups, fisher_method (exact, monte_carlo, not_tested below the
        threshold, not_testable for a degenerate table) of the 2 × k mutated/not by main
        group table and test_note.

    Notes
    -----
    ``test_note`` is :func:`below_min_mutated_note` for a gene under the threshold, else
    the note of :func:`calcomics.methods.stats.noted.fisher_exact_noted`: a main group
    without sequenced samples is left out as R's ``fisher.test`` does (p reported, note
    ``groups_left_out``); only one main group sequenced, fewer than 3 sequenced main-group
    samples, or every sequenced main-group sample mutated give a null p (R would print 1).
    Typed (string, int64, float64) also with no rows.
    """
    sequenced = samples["sample_id"].drop_duplicates()
    sizes = group_sizes(samples, design)
    genes, hits = _count_matrix(counts, ["gene_symbol"], "n_mutated", design,
                                "mutated-gene counts")
    all_matrix = _count_matrix(counts, ["gene_symbol"], "n_mutated_all", design,
                               "mutated-gene counts")[1]
    differs = (all_matrix != all_matrix[:, :1]).any(axis=1)
    if differs.any():
        raise ValueError(f"mutated-gene counts: n_mutated_all differs between the rows of gene "
                         f"{genes['gene_symbol'].iloc[int(np.flatnonzero(differs)[0])]!r}")
    n_all = all_matrix[:, 0] if len(genes) else np.zeros(0, np.int64)
    genes = genes.assign(gene_symbol=genes["gene_symbol"].astype(object),
                         n_mutated_all=n_all.astype(np.int64))
    order = np.lexsort((genes["gene_symbol"].to_numpy(), -genes["n_mutated_all"].to_numpy()))
    genes, hits = genes.iloc[order].reset_index(drop=True), hits[order]
    genes["n_sequenced_all"] = np.int64(len(sequenced))
    genes["frequency_all"] = genes["n_mutated_all"] / len(sequenced) if len(sequenced) else np.nan
    genes["frequency_rank"] = np.arange(1, len(genes) + 1, dtype=np.int64)
    tested = hits.sum(axis=1) >= min_mutated_samples
    p_values = np.full(len(genes), np.nan)
    methods = np.full(len(genes), "not_tested", dtype=object)
    notes = np.full(len(genes), below_min_mutated_note(min_mutated_samples), dtype=object)
    p_values[tested], methods[tested], notes[tested] = _fisher_noted_rows(
        hits[tested], sizes, tuple(design.labels))
    genes["p_value_all_main_groups"] = p_values
    genes["fisher_method"] = methods
    genes["test_note"] = notes
    frame = _long_by_group(genes, {
        "n_mutated": hits,
        "n_sequenced": np.broadcast_to(sizes, hits.shape),
        "frequency": _rates(hits, sizes),
    }, design)
    return frame.astype({"gene_symbol": "string", "group_key": "string",
                         "group_label": "string", "fisher_method": "string",
                         "test_note": "string"})


def _level_features(calls: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct (level, feature) in order of appearance, and each call's code into them."""
    level_codes, levels = pd.factorize(calls["level"])
    feature_codes, features = pd.factorize(calls["feature"])
    pair_codes, pairs = pd.factorize(level_codes.astype(np.int64) * max(len(features), 1)
                                     + feature_codes)
    keys = pd.DataFrame({
        "level": np.asarray(levels, dtype=object)[pairs // max(len(features), 1)],
        "feature": np.asarray(features, dtype=object)[pairs % max(len(features), 1)],
    })
    return keys, pair_codes.astype(np.int64)


def copy_number_alteration_frequencies(
    calls: pd.DataFrame, samples: pd.DataFrame, design: GroupDesign,
    all_groups_test: bool = False,
) -> pd.DataFrame:
    """Gain and loss rates per feature and main group; each group vs the rest (Fisher).

    Counts the long calls ((level, feature, sample_id, copy_number_call) of every profiled
    sample) in numpy, then :func:`copy_number_alteration_frequencies_from_counts` (same
    parameters and result).
    """
    k = len(design.keys)
    keys, pair_codes = _level_features(calls)
    groups, sample_codes = _sample_groups(calls["sample_id"], _group_positions(samples, design))
    sign = np.sign(calls["copy_number_call"].to_numpy())
    frames = []
    for direction, direction_sign in _DIRECTIONS:
        chosen = sign == direction_sign
        hits = _distinct_hits(pair_codes[chosen], sample_codes[chosen], groups[chosen],
                              len(keys), k)
        frames.append(pd.DataFrame({
            "level": np.repeat(keys["level"].to_numpy(object), k),
            "feature": np.repeat(keys["feature"].to_numpy(object), k),
            "direction": direction,
            "group_key": np.tile(np.array(design.keys, dtype=object), len(keys)),
            "n_altered": hits.reshape(-1),
        }))
    return copy_number_alteration_frequencies_from_counts(
        pd.concat(frames, ignore_index=True), samples, design, all_groups_test)


def copy_number_alteration_frequencies_from_counts(
    counts: pd.DataFrame, samples: pd.DataFrame, design: GroupDesign,
    all_groups_test: bool = False,
) -> pd.DataFrame:
    """Gain and loss rates per feature and main group; each group vs the rest (Fisher).

    Parameters
    ----------
    counts
        One row per level × feature × direction × main group: level, feature, direction
        (gain, loss), group_key and n_altered (distinct profiled samples of the group with
        a call > 0, resp. < 0). Every feature of the calls has its rows, also when nobody
        is altered (n_altered 0).
    samples
        Samples with a copy-number profile and their group_key (the denominators).
    design
        Main groups of the active grouping; the rest of a group is the other main groups.
    all_groups_test
        Add the exact 2 × k Fisher p across all main groups (cell-cycle panel, Figure 3G).

    Returns
    -------
    pandas.DataFrame
        One row per level × feature × direction (gain: call > 0, loss: call < 0) × main
        group: n_altered, n_samples, rate, n_altered_rest, n_samples_rest,
        p_value_group_vs_rest (2 × 2 [[altered in group, altered in rest], [not, not]]) and
        p_adjusted_group_vs_rest (Bonferroni over the features of the level and direction,
        per group) and test_note; with ``all_groups_test`` also p_value_all_main_groups,
        fisher_method_all_main_groups and test_note_all_main_groups. Typed (string, int64,
        float64) also with no rows: no calls (an absent copy-number layer) give an empty
        frame with these columns. Rows follow the features' first appearance in ``counts``.

    Notes
    -----
    ``test_note`` follows :mod:`calcomics.methods.stats.notes` and the sample-size rules of
    :mod:`calcomics.methods.stats.noted`: a group-vs-rest test whose group or rest has no
    profiled sample (e.g. a cohort with one main group) has a null p and
    :data:`~calcomics.methods.stats.notes.ONE_GROUP_ONLY` (R's ``fisher.test`` would print 1),
    none at all :data:`~calcomics.methods.stats.notes.NO_VALUES`, fewer than
    :data:`~calcomics.methods.stats.notes.MIN_OBSERVATIONS` profiled samples
    :data:`~calcomics.methods.stats.notes.FEWER_THAN_MIN_OBSERVATIONS`; the same for the
    2 × k test over the groups with profiled samples. A feature altered in nobody keeps R's
    p = 1 (no note), so Bonferroni runs over the same features as in R.
    """
    k = len(design.keys)
    sizes = group_sizes(samples, design)
    keys, hits = _copy_number_hits(counts, design)
    out = []
    for direction, _ in _DIRECTIONS:
        direction_hits = hits[direction]
        p_rest = _group_vs_rest_p(direction_hits, sizes)
        p_adjusted = np.empty_like(p_rest)
        for level in keys["level"].drop_duplicates():
            rows = (keys["level"] == level).to_numpy()
            for group in range(k):
                p_adjusted[rows, group] = p_adjust(p_rest[rows, group], "bonferroni")
        columns = {
            "n_altered": direction_hits,
            "n_samples": np.broadcast_to(sizes, direction_hits.shape),
            "rate": _rates(direction_hits, sizes),
            "n_altered_rest": direction_hits.sum(axis=1, keepdims=True) - direction_hits,
            "n_samples_rest": np.broadcast_to(sizes.sum() - sizes, direction_hits.shape),
        }
        notes = _sample_size_notes(sizes)
        untestable = np.array([note is not None for note in notes], dtype=bool)
        columns["p_value_group_vs_rest"] = np.where(untestable[None, :], np.nan, p_rest)
        columns["p_adjusted_group_vs_rest"] = np.where(untestable[None, :], np.nan, p_adjusted)
        columns["test_note"] = np.broadcast_to(np.array(notes, dtype=object),
                                               direction_hits.shape).copy()
        if all_groups_test:
            p_all, method_all, note_all = _all_groups_fisher(direction_hits, sizes,
                                                             design.labels)
            columns["p_value_all_main_groups"] = np.repeat(p_all[:, None], k, axis=1)
            columns["fisher_method_all_main_groups"] = np.repeat(method_all[:, None], k, axis=1)
            columns["test_note_all_main_groups"] = np.repeat(note_all[:, None], k, axis=1)
        features = keys.assign(direction=direction)
        out.append(_long_by_group(features, columns, design))
    return _typed_frequencies(pd.concat(out, ignore_index=True), all_groups_test)


def _copy_number_hits(counts: pd.DataFrame, design: GroupDesign
                      ) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Distinct (level, feature) of long counts and, per direction, their (n, k) hit matrix
    (rows aligned with the features); a feature without rows of a direction is an error."""
    directions = counts["direction"].astype(object)
    unknown = ~directions.isin([name for name, _ in _DIRECTIONS])
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise ValueError(f"copy-number counts: row {row} has direction {directions.iloc[row]!r} "
                         "(gain or loss expected)")
    keys, both = _count_matrix(counts.assign(direction=directions),
                               ["level", "feature", "direction"], "n_altered", design,
                               "copy-number counts")
    features = keys[["level", "feature"]].drop_duplicates().reset_index(drop=True)
    hits = {}
    for direction, _ in _DIRECTIONS:
        rows = (keys["direction"] == direction).to_numpy()
        located = features.merge(keys[rows].assign(row=np.flatnonzero(rows)),
                                 on=["level", "feature"], how="left")
        if located["row"].isna().any():
            missing = dict(located[located["row"].isna()].iloc[0][["level", "feature"]])
            raise ValueError(f"copy-number counts: no {direction} rows for {missing}")
        hits[direction] = both[located["row"].to_numpy(np.int64)]
    return features, hits


def _group_vs_rest_p(hits: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """(n, k) Fisher p of each feature's 2 × 2 table [[hit_g, hit_rest], [n_g - hit_g,
    n_rest - hit_rest]] per main group g: one row-wise family per group (shared margins)."""
    p_values = np.empty(hits.shape)
    for group in range(hits.shape[1]):
        first_rows = np.stack([hits[:, group], hits.sum(axis=1) - hits[:, group]], axis=1)
        totals = np.array([sizes[group], sizes.sum() - sizes[group]])
        p_values[:, group] = _fisher_rows(first_rows, totals)[0]
    return p_values


def _all_groups_fisher(hits: np.ndarray, sizes: np.ndarray, labels: tuple[str, ...]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p, method and test_note of the 2 × k altered/not tables of an (n, k) hit matrix.

    Not tested (p NaN, method ``not_tested``) without profiled samples in two main groups or
    with fewer than MIN_OBSERVATIONS samples (:func:`_table_note`); groups without profiled
    samples are otherwise left out as R's ``fisher.test`` does (their empty column changes
    nothing) and named by :func:`~calcomics.methods.stats.notes.groups_left_out`.
    """
    p_values, methods = _fisher_rows(hits, sizes)
    notes = np.full(len(hits), None, dtype=object)
    note = _table_note(int((sizes > 0).sum()), int(sizes.sum()))
    if note is None and (sizes == 0).any():
        notes[:] = groups_left_out([label for label, size in zip(labels, sizes, strict=True)
                                    if size == 0])
    if note is not None:
        p_values = np.full(len(hits), np.nan)
        methods = np.full(len(hits), "not_tested", dtype=object)
        notes[:] = note
    return p_values, methods, notes


def _table_note(n_groups_with_samples: int, n_samples: int) -> str | None:
    """Why a Fisher test over these profiled samples is not reported (None: it is)."""
    if n_samples == 0:
        return NO_VALUES
    if n_groups_with_samples < 2:
        return ONE_GROUP_ONLY
    if n_samples < MIN_OBSERVATIONS:
        return FEWER_THAN_MIN_OBSERVATIONS
    return None


def _sample_size_notes(sizes: np.ndarray) -> list[str | None]:
    """Per main group, the note of its group-vs-rest test (depends on the sizes only)."""
    total = int(sizes.sum())
    return [_table_note(int(size > 0) + int(total - size > 0), total) for size in sizes]


_FREQUENCY_TYPES: dict[str, str] = {
    "level": "string", "feature": "string", "direction": "string", "group_key": "string",
    "group_label": "string", "group_order": "int64", "n_altered": "int64",
    "n_samples": "int64", "rate": "float64", "n_altered_rest": "int64",
    "n_samples_rest": "int64", "p_value_group_vs_rest": "float64",
    "p_adjusted_group_vs_rest": "float64", "test_note": "string",
}
_ALL_GROUPS_TYPES: dict[str, str] = {
    "p_value_all_main_groups": "float64", "fisher_method_all_main_groups": "string",
    "test_note_all_main_groups": "string",
}


def _typed_frequencies(frame: pd.DataFrame, all_groups_test: bool) -> pd.DataFrame:
    """The frequency frame with fixed column order and dtypes (also when it has no rows)."""
    types = {**_FREQUENCY_TYPES, **(_ALL_GROUPS_TYPES if all_groups_test else {})}
    return frame[list(types)].astype(types)
