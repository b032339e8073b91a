"""Fisher's exact test and Pearson's chi-square test against R 4.2 and brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.special import gammaln

from calcomics.methods.stats import ChisqResult, FisherResult, chisq_test, contingency, fisher_exact

FEXACT_TOL = 3.45254e-7

# fisher.test(matrix(...)) p-values printed by R 4.2.2 (15 significant digits).
R_REFERENCE = [
    ([[3, 1, 0], [1, 3, 4], [2, 2, 5]], 0.252029704042086),
    ([[8, 2, 3], [1, 5, 4]], 0.0571470527050004),
    ([[10, 5, 2, 8], [3, 12, 6, 1], [4, 9, 7, 2]], 0.0082938863000624),
    ([[8, 2], [1, 5]], 0.034965034965035),
    ([[3, 1], [1, 3]], 0.485714285714286),
    ([[4, 27], [31, 58], [4, 36], [24, 141], [25, 159]], 0.000354033712551677),
    ([[4, 24], [5, 12], [4, 22], [23, 140], [25, 157]], 0.533566971746779),
    ([[0, 3], [26, 46], [0, 14], [1, 1], [0, 2]], 0.0145418761894709),
]

# Published Table 1 (rows = categories; columns = negative / probably benign / high suspicion).
TABLE1 = {
    "density": [[8, 4, 1], [7, 1, 0], [54, 54, 66], [34, 31, 33]],
    "focal_asymmetry": [[15, 21, 18], [88, 69, 82]],
    "architectural_distortion": [[40, 29, 42], [63, 61, 58]],
    "lymph_node": [[51, 50, 38], [52, 40, 62]],
    "lvi": [[46, 30, 58], [55, 56, 41], [2, 4, 1]],
    "grade": [[4, 1, 1], [67, 67, 64], [24, 18, 32], [8, 4, 3]],
    "lvi_without_unknown": [[46, 30, 58], [55, 56, 41]],
    "grade_without_unknown": [[4, 1, 1], [67, 67, 64], [24, 18, 32]],
}
# Values of this implementation, each confirmed below by an independent brute-force
# enumeration of every table with the observed margins.
TABLE1_FISHER = {
    "density": 0.012322817186056,
    "focal_asymmetry": 0.291316068832751,
    "architectural_distortion": 0.365518451493056,
    "lymph_node": 0.046993004069999,
    "lvi": 0.007403829995891,
    "grade": 0.214501194257344,
    "lvi_without_unknown": 0.005198476793621,
    "grade_without_unknown": 0.200344441936102,
}
# Pearson chi-square p (no correction), 4 d.p., as printed in Table 1.
TABLE1_CHISQ = {
    "density": 0.0105,
    "focal_asymmetry": 0.2899,
    "architectural_distortion": 0.3706,
    "lymph_node": 0.0467,
    "lvi": 0.0112,
    "grade": 0.1827,
}


# ---- an independent, slow reference ---------------------------------------------------------


def _compositions(total: int, parts: int) -> np.ndarray:
    """All non-negative integer vectors of length ``parts`` summing to ``total``."""
    rows = [
        np.diff(np.concatenate([[-1], bars, [total + parts - 1]])) - 1
        for bars in itertools.combinations(range(total + parts - 1), parts - 1)
    ]
    return np.array(rows, dtype=np.int64).reshape(-1, parts)


def brute_force_fisher(table) -> float:
    """Sum P(T) over every table with the observed margins and log P(T) <= log P(obs) + tol.

    Enumerates each row except the largest as a composition of its total (the largest row
    is then fixed by the column sums); fully vectorised over the last enumerated row.
    """
    x = np.asarray(table, dtype=np.int64)
    rows, cols = x.sum(axis=1), x.sum(axis=0)
    big = int(np.argmax(rows))
    others = [i for i in range(len(rows)) if i != big]
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(rows.sum() + 1)
    log_p_obs = const - gammaln(x + 1).sum()
    comps = [_compositions(int(rows[i]), len(cols)) for i in others]
    *outer, last = comps
    total = 0.0
    for chosen in itertools.product(*[range(len(c)) for c in outer]):
        used = np.zeros(len(cols), dtype=np.int64)
        log_fixed = 0.0
        for c, j in zip(outer, chosen, strict=True):
            used += c[j]
            log_fixed += gammaln(c[j] + 1).sum()
        big_row = cols - used - last
        ok = (big_row >= 0).all(axis=1)
        log_p = (
            const
            - log_fixed
            - gammaln(last[ok] + 1).sum(axis=1)
            - gammaln(big_row[ok] + 1).sum(axis=1)
        )
        total += float(np.exp(log_p[log_p <= log_p_obs + FEXACT_TOL]).sum())
    return total


def _random_tables(n_tables: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    tables = []
    while len(tables) < n_tables:
        r, c = int(rng.integers(2, 4)), int(rng.integers(2, 5))
        n = int(rng.integers(4, 26))
        x = rng.multinomial(n, rng.dirichlet(np.ones(r * c))).reshape(r, c)
        if (x.sum(axis=1) > 0).all() and (x.sum(axis=0) > 0).all() and x.shape != (2, 2):
            tables.append(x)
    return tables


# ---- Fisher: R reference values --------------------------------------------------------------


@pytest.mark.parametrize(("table", "expected"), R_REFERENCE)
def test_fisher_matches_r(table, expected):
    result = fisher_exact(table)
    assert isinstance(result, FisherResult)
    assert result.method == "exact"
    assert result.n_simulations is None
    assert result.dims == np.asarray(table).shape
    assert result.p_value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("table", _random_tables(30, seed=20240101), ids=lambda t: str(t.shape))
def test_fisher_matches_brute_force_on_small_tables(table):
    assert fisher_exact(table).p_value == pytest.approx(brute_force_fisher(table), rel=1e-12)


def test_fisher_2x2_matches_scipy():
    rng = np.random.default_rng(7)
    for _ in range(50):
        x = rng.integers(0, 30, size=(2, 2))
        if (x.sum(axis=0) == 0).any() or (x.sum(axis=1) == 0).any():
            continue
        expected = stats.fisher_exact(x).pvalue
        assert fisher_exact(x).p_value == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_fisher_alternative_internal_code_paths_agree(monkeypatch):
    """Chunked expansion, global lexsort, vectorised binary search and doubling scan."""
    tables = [t for t, _ in R_REFERENCE if np.shape(t) != (2, 2)]
    tables += [TABLE1["density"], TABLE1["grade"], TABLE1["lvi"]]
    default = [fisher_exact(t).p_value for t in tables]
    monkeypatch.setattr(contingency, "_CHUNK_FILLS", 50)
    monkeypatch.setattr(contingency, "_SORT_LOOP_MAX_GROUPS", 0)
    monkeypatch.setattr(contingency, "_SEARCH_LOOP_MAX_GROUPS", 0)
    monkeypatch.setattr(contingency, "_PADDED_SCAN_RATIO", 0)
    monkeypatch.setattr(contingency, "_PADDED_SCAN_SLACK", 0)
    for table, expected in zip(tables, default, strict=True):
        assert fisher_exact(table).p_value == pytest.approx(expected, rel=1e-12)


def test_state_dedup_without_integer_keys_matches_numpy_unique():
    rng = np.random.default_rng(0)
    states = rng.integers(0, 4, size=(7, 500)).astype(np.int32)
    for max_value in (3, 10**9):  # mixed-radix keys, then the overflow fallback
        uniq, inverse = contingency._unique_states(states, max_value)
        expected, expected_inverse = np.unique(states.T, axis=0, return_inverse=True)
        np.testing.assert_array_equal(uniq, expected)
        np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))


# ---- Fisher: invariances and input handling -----------------------------------------------


@pytest.mark.parametrize(("table", "expected"), R_REFERENCE[:3] + R_REFERENCE[5:])
def test_fisher_is_invariant_to_transpose_and_permutations(table, expected):
    x = np.asarray(table)
    rng = np.random.default_rng(1)
    variants = [x.T, x[::-1], x[:, ::-1], x[rng.permutation(x.shape[0])][:, ::-1].T]
    for v in variants:
        assert fisher_exact(v).p_value == pytest.approx(expected, rel=1e-9)


def test_fisher_drops_all_zero_rows_and_columns():
    x = np.array([[3, 1, 0], [1, 3, 4], [2, 2, 5]])
    padded = np.zeros((5, 5), dtype=int)
    padded[np.ix_([0, 2, 4], [1, 2, 4])] = x
    result = fisher_exact(padded)
    assert result.dims == (3, 3)
    assert result.p_value == pytest.approx(fisher_exact(x).p_value, rel=1e-13)


def test_fisher_degenerate_tables_give_one():
    assert fisher_exact([[3], [5], [2]]) == FisherResult(1.0, "exact", None, (3, 1))
    assert fisher_exact([[0, 0], [3, 4]]).p_value == 1.0
    assert fisher_exact([[0, 0, 0], [2, 0, 3]]).p_value == 1.0
    assert fisher_exact(np.zeros((3, 3))).p_value == 1.0


def test_fisher_accepts_dataframes_and_floats():
    df = pd.DataFrame([[8, 2, 3], [1, 5, 4]], columns=["a", "b", "c"])
    assert fisher_exact(df).p_value == pytest.approx(0.0571470527050004, rel=1e-9)
    assert fisher_exact(df.to_numpy(dtype=float)).p_value == fisher_exact(df).p_value


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([1, 2, 3], "table must be 2-D"),
        ([[[1, 2], [3, 4]]], "table must be 2-D"),
        ([[1, -2], [3, 4]], "must be non-negative"),
        ([[1, 2.5], [3, 4]], "must be integers"),
        ([[1, np.nan], [3, 4]], "contains NaN"),
        ([[1, np.inf], [3, 4]], "infinite"),
        ([["a", "b"], ["c", "d"]], "numeric counts"),
    ],
)
def test_fisher_rejects_bad_input(table, message):
    with pytest.raises(ValueError, match=message):
        fisher_exact(table)


def test_fisher_rejects_bad_simulation_settings():
    with pytest.raises(ValueError, match="n_simulations"):
        fisher_exact([[1, 2], [3, 4]], n_simulations=0)


# ---- Fisher: Monte Carlo fallback ---------------------------------------------------------


def test_fisher_huge_table_falls_back_to_seeded_monte_carlo():
    rng = np.random.default_rng(3)
    probs = np.outer(rng.dirichlet(np.full(6, 5.0)), rng.dirichlet(np.full(6, 5.0)))
    x = rng.multinomial(3000, probs.ravel()).reshape(6, 6)  # independence: p is not tiny
    first = fisher_exact(x)
    second = fisher_exact(x)
    assert first.method == "monte_carlo"
    assert first.n_simulations == 100_000
    assert first.dims == (6, 6)
    assert first == second
    assert 0.001 < first.p_value <= 1


def test_fisher_monte_carlo_agrees_with_exact_when_forced():
    table = TABLE1["density"]
    exact = fisher_exact(table)
    mc = fisher_exact(table, max_work=0, n_simulations=20_000, seed=11)
    assert mc.method == "monte_carlo" and mc.n_simulations == 20_000
    se = math.sqrt(exact.p_value * (1 - exact.p_value) / 20_000)
    assert abs(mc.p_value - exact.p_value) < 5 * se


# ---- Fisher: the published Table 1 ---------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLE1))
def test_table1_fisher_is_exact(name):
    # Speed is measured in benchmarks/, never asserted in unit tests.
    result = fisher_exact(TABLE1[name])
    assert result.method == "exact"
    assert result.p_value == pytest.approx(TABLE1_FISHER[name], rel=1e-9)


@pytest.mark.parametrize("name", list(TABLE1))
def test_table1_fisher_matches_brute_force(name):
    assert fisher_exact(TABLE1[name]).p_value == pytest.approx(
        brute_force_fisher(TABLE1[name]), rel=1e-11
    )


def test_table1_density_is_invariant_to_permutation_and_transpose():
    x = np.asarray(TABLE1["density"])
    reference = fisher_exact(x).p_value
    rng = np.random.default_rng(5)
    for _ in range(4):
        permuted = x[rng.permutation(4)][:, rng.permutation(3)]
        assert fisher_exact(permuted).p_value == pytest.approx(reference, rel=1e-12)
        assert fisher_exact(permuted.T).p_value == pytest.approx(reference, rel=1e-12)


# ---- Pearson chi-square ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TABLE1_CHISQ))
def test_table1_chisq_reproduces_published_p(name):
    result = chisq_test(TABLE1[name], correct=False)
    assert isinstance(result, ChisqResult)
    assert round(result.p_value, 4) == TABLE1_CHISQ[name]
    assert result.df == (len(TABLE1[name]) - 1) * 2
    # Yates is only ever applied to 2 x 2 tables.
    assert chisq_test(TABLE1[name], correct=True) == result


@pytest.mark.parametrize("correct", [True, False])
def test_chisq_matches_scipy(correct):
    rng = np.random.default_rng(2)
    tables = [rng.integers(1, 40, size=shape) for shape in [(2, 2), (2, 3), (3, 4), (5, 2)] * 3]
    tables += [np.array([[10, 11], [10, 12]]), np.array([[5, 5], [5, 6]])]  # |x - E| < 0.5
    for x in tables:
        statistic, p, df, _ = stats.chi2_contingency(x, correction=correct)
        result = chisq_test(x, correct=correct)
        assert result.statistic == pytest.approx(statistic, rel=1e-12, abs=1e-15)
        assert result.p_value == pytest.approx(p, rel=1e-12)
        assert result.df == df


def test_chisq_yates_uses_r_min_half():
    # R: chisq.test(matrix(c(10, 10, 11, 12), 2)) -> X-squared = 0, p-value = 1
    result = chisq_test([[10, 11], [10, 12]])
    assert result.statistic == 0.0 and result.p_value == 1.0
    # Without the min(0.5, |x - E|) cap the statistic would be positive.
    x = np.array([[10, 11], [10, 12]], dtype=float)
    e = np.outer(x.sum(1), x.sum(0)) / x.sum()
    assert np.sum((np.abs(x - e) - 0.5) ** 2 / e) > 0


def test_chisq_rejects_empty_margins_and_bad_input():
    with pytest.raises(ValueError, match="all-zero row or column"):
        chisq_test([[1, 2], [0, 0]])
    with pytest.raises(ValueError, match="all-zero row or column"):
        chisq_test([[1, 0, 2], [3, 0, 4]])
    with pytest.raises(ValueError, match="at least 2 rows and 2 columns"):
        chisq_test([[1, 2, 3]])
    with pytest.raises(ValueError, match="must be non-negative"):
        chisq_test([[1, -2], [3, 4]])
