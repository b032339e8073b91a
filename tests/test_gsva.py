"""GSVA / ssGSEA parity with R GSVA 1.42-1.46 (reference outputs in tests/data/gsva/).

Also checks the compiled kernels against plain transcriptions of the reference C/R loops,
the spot values quoted in ALGORITHMS.md §1, input errors and the ``calcomics gsva`` command.
"""

from __future__ import annotations

import importlib
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr
from scipy.stats import rankdata

from calcomics.cli import main as cli_main
from calcomics.commands.gsva import read_expression_matrix
from calcomics.methods.transcriptomics import GsvaInputError, gsva, read_gmt
from calcomics.reference import GeneSetFileError

gsva_module = importlib.import_module("calcomics.methods.transcriptomics.gsva")
kernels = importlib.import_module("calcomics.methods.transcriptomics._gsva_kernels")

DATA = Path(__file__).parent / "data" / "gsva"
TOL = 1e-9

Y_SETS = {"set1": ["g1", "g2", "g3"], "set2": ["g4", "g5", "g6"],
          "set3": ["g7", "g8", "g9", "g10"]}
BIG_Y_SETS = {
    "A": [f"G{i}" for i in range(1, 21)],
    "B": ["G5"] + [f"G{i}" for i in range(30, 61)],
    "C": [f"G{i}" for i in range(100, 141)] + ["NOTAGENE"],
    "D": ["G150", "G151", "G152"],
}


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, index_col=0, float_precision="round_trip")


def _max_diff(got: pd.DataFrame, expected: pd.DataFrame) -> float:
    assert list(got.index) == list(expected.index)
    assert list(got.columns) == list(expected.columns)
    return float(np.max(np.abs(got.to_numpy() - expected.to_numpy())))


# ---------------------------------------------------------------------------------------
# Reference outputs of R GSVA


REFERENCE_CASES = [
    ("es_gsva.csv", "y.csv", Y_SETS, {}),
    ("es_gsva_mxF.csv", "y.csv", Y_SETS, {"mx_diff": False}),
    ("es_ssgsea.csv", "y.csv", Y_SETS, {"method": "ssgsea"}),
    ("es_ssgsea_nonorm.csv", "y.csv", Y_SETS, {"method": "ssgsea", "ssgsea_norm": False}),
    ("Y_gsva.csv", "Y.csv", BIG_Y_SETS, {}),
    ("Y_gsva_mxF.csv", "Y.csv", BIG_Y_SETS, {"mx_diff": False}),
    ("Y_gsva_none.csv", "Y.csv", BIG_Y_SETS, {"kcdf": "none"}),
    ("Y_ssgsea.csv", "Y.csv", BIG_Y_SETS, {"method": "ssgsea"}),
]


@pytest.mark.parametrize(("expected", "matrix", "sets", "options"), REFERENCE_CASES,
                         ids=[case[0] for case in REFERENCE_CASES])
def test_matches_r_reference(expected, matrix, sets, options):
    got = gsva(_csv(matrix), sets, **options)
    assert got.index.name == "gene_set"
    assert _max_diff(got, _csv(expected)) <= TOL


@pytest.mark.parametrize("method", ["gsva", "ssgsea"])
def test_matches_r_on_tcga_subset_with_ties(method):
    expr = read_expression_matrix(DATA / "tcga_subset_log2cpm.tsv")
    sets = read_gmt(DATA / "tcga_subset_sets.gmt")
    expected = pd.read_csv(DATA / f"tcga_subset_{method}.tsv", sep="\t", index_col=0,
                           float_precision="round_trip")
    got = gsva(expr, sets, method=method, min_size=5, max_size=500)
    assert _max_diff(got, expected) <= TOL


def test_spot_values_quoted_in_algorithms_md():
    y = _csv("y.csv")
    ss = gsva(y, Y_SETS, method="ssgsea")
    np.testing.assert_allclose(ss.mean(axis=1), [0.22893323, -0.04400744, -0.08289233],
                               atol=5e-9)
    np.testing.assert_allclose(ss.std(axis=1, ddof=1), [0.2562903, 0.2260589, 0.2268853],
                               atol=5e-8)
    es = gsva(y, Y_SETS)
    expected = [[-0.666667, -0.285714, -0.571429], [0.857143, 0.342857, -0.571429],
                [-0.291667, 0.106061, 0.857143]]
    np.testing.assert_allclose(es.iloc[:, :3], expected, atol=5e-7)
    mxf = gsva(y, Y_SETS, mx_diff=False)
    np.testing.assert_allclose(mxf.loc["set3"].iloc[:3], [-0.458333, 0.469697, 0.857143],
                               atol=5e-7)


# ---------------------------------------------------------------------------------------
# Kernels against plain transcriptions of the reference loops


def _naive_index(d: float, h: float) -> int:
    v = d / h
    if v < -10:
        return -1  # -> 0
    if v > 10:
        return -2  # -> 1
    k = int(abs(v) / 10.0 * 10000)
    return k + (10001 if v < 0 else 0)


def _naive_kcdf(x: np.ndarray, bw: np.ndarray) -> np.ndarray:
    """GSVA's C row_d loop (j outer, i inner, sequential sum), genes x samples."""
    table = gsva_module.kernel_cdf_table()
    p, n = x.shape
    out = np.empty((p, n))
    for g in range(p):
        for j in range(n):
            total = 0.0
            for i in range(n):
                k = _naive_index(x[g, j] - x[g, i], bw[g])
                total += 0.0 if k == -1 else 1.0 if k == -2 else table[k]
            f = total / n
            out[g, j] = -1.0 * math.log((1.0 - f) / f)
    return out


def _naive_walk(z: np.ndarray, members: list[list[int]], tau: float, mx_diff: bool,
                abs_ranking: bool) -> np.ndarray:
    """R order(decreasing=TRUE) + compute_rank_score + GSVA's C ks_sample."""
    p, n = z.shape
    es = np.empty((len(members), n))
    for j in range(n):
        order = np.argsort(-z[:, j], kind="stable")
        score = np.empty(p)
        score[order] = np.abs(np.arange(p, 0, -1) - p / 2)
        for s, idx in enumerate(members):
            mask = np.zeros(p, dtype=bool)
            mask[idx] = True
            total = 0.0
            for g in idx:
                total += score[g] ** tau
            dec = 1.0 / (p - len(idx))
            cum = e_pos = e_neg = 0.0
            for g in order:
                cum = cum + score[g] ** tau / total if mask[g] else cum - dec
                e_pos = max(e_pos, cum)
                e_neg = min(e_neg, cum)
            if mx_diff:
                es[s, j] = e_pos - e_neg if abs_ranking else e_pos + e_neg
            else:
                es[s, j] = e_pos if e_pos > abs(e_neg) else e_neg
    return es


def _naive_ssgsea(x: np.ndarray, members: list[list[int]], alpha: float) -> np.ndarray:
    """GSVA 1.42 ssgsea(): as.integer(colRanks(average)), order(decreasing), .fastRndWalk."""
    p, n = x.shape
    es = np.empty((len(members), n))
    for j in range(n):
        ranks = rankdata(x[:, j], method="average").astype(np.int64)
        order = np.argsort(-ranks, kind="stable")
        position = np.empty(p, dtype=np.int64)
        position[order] = np.arange(1, p + 1)
        for s, idx in enumerate(members):
            ip = np.sort(position[idx])
            w = ranks[order[ip - 1]].astype(float) ** alpha
            es[s, j] = (np.sum(w * (p - ip + 1)) / np.sum(w)
                        - (p * (p + 1) / 2 - np.sum(p - ip + 1)) / (p - len(idx)))
    return es


def _tied_matrix(seed: int, p: int = 60, n: int = 14) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.round(rng.lognormal(0.5, 0.8, size=(p, n)), 1)
    x[rng.random((p, n)) < 0.2] = 0.0
    x[3] = x[7]  # two genes with identical profiles
    x[5, :] = np.round(rng.normal(size=n), 1)  # negative values too
    return x


def test_gaussian_kernel_is_the_reference_loop_on_tied_data():
    x = _tied_matrix(1)
    bw = gsva_module._kernel_bandwidths(x)
    rows = np.arange(x.shape[0], dtype=np.int64)
    got = kernels.gaussian_kcdf_logit(np.ascontiguousarray(x), rows, bw,
                                      gsva_module.kernel_cdf_table())
    assert np.array_equal(got.T, _naive_kcdf(x, bw))


def test_gaussian_kernel_exact_index_fallback():
    # |d| * (1000 / h) truncates to 2350 here while the reference's d / h / 10 * 10000
    # truncates to 2349: the kernel must detect it and use the reference's index.
    h = 0.1
    d = 0.84 - 0.605
    assert int(abs(d) * (1000.0 / h)) != int(abs(d / h) / 10.0 * 10000)
    x = np.array([[0.605, 0.84, 0.3, 1.2, 0.84, 0.0, 2.5]])
    bw = np.array([h])
    got = kernels.gaussian_kcdf_logit(x, np.array([0]), bw, gsva_module.kernel_cdf_table())
    assert np.array_equal(got.T, _naive_kcdf(x, bw))


def test_bandwidth_is_sample_sd_over_four():
    x = _tied_matrix(2)
    np.testing.assert_allclose(gsva_module._kernel_bandwidths(x), x.std(axis=1, ddof=1) / 4,
                               rtol=1e-14)


@pytest.mark.parametrize(("tau", "mx_diff", "abs_ranking"),
                         [(1.0, True, False), (1.0, False, False), (0.5, True, True),
                          (2.0, False, False)])
def test_walk_is_the_reference_loop(tau, mx_diff, abs_ranking):
    rng = np.random.default_rng(3)
    p, n = 40, 9
    z = np.round(rng.normal(size=(p, n)), 1)  # ties in the statistic
    z[0, 0] = np.inf
    z[1, 1] = -np.inf
    members = [[0, 1, 2], list(range(5, 25)), [39], [10, 3, 30, 31, 32, 33]]
    flat = np.array([g for idx in members for g in idx], dtype=np.int64)
    offsets = np.cumsum([0] + [len(idx) for idx in members]).astype(np.int64)
    got = kernels.gsva_walk_scores(np.ascontiguousarray(z.T), flat, offsets, tau, mx_diff,
                                   abs_ranking)
    expected = _naive_walk(z, members, tau, mx_diff, abs_ranking)
    if mx_diff:
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)
    else:
        # the sign choice must be the reference's exactly; values agree to rounding
        assert np.array_equal(np.sign(got), np.sign(expected))
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-14)


def test_ssgsea_is_the_reference_formula_on_tied_data():
    x = _tied_matrix(4)
    members = [[0, 1, 2, 3], list(range(10, 30)), [7, 3, 50]]
    flat = np.array([g for idx in members for g in idx], dtype=np.int64)
    offsets = np.cumsum([0] + [len(idx) for idx in members]).astype(np.int64)
    got = kernels.ssgsea_scores(np.ascontiguousarray(x.T), flat, offsets, 0.25)
    np.testing.assert_allclose(got, _naive_ssgsea(x, members, 0.25), rtol=0, atol=1e-12)


def test_full_gsva_equals_reference_transcription():
    x = _tied_matrix(5)
    genes = [f"G{i}" for i in range(x.shape[0])]
    expr = pd.DataFrame(x, index=genes, columns=[f"S{j}" for j in range(x.shape[1])])
    sets = {"a": genes[:8], "b": genes[20:45], "c": [genes[3], genes[7], genes[59]]}
    got = gsva(expr, sets)
    bw = gsva_module._kernel_bandwidths(x)
    members = [list(range(8)), list(range(20, 45)), [3, 7, 59]]
    expected = _naive_walk(_naive_kcdf(x, bw), members, 1.0, True, False)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-14)


def test_pnorm_table():
    table = gsva_module.kernel_cdf_table()
    assert table.shape == (20002,)
    assert table[0] == 0.5 and table[10000] == 1.0 and table[10001] == 0.5
    assert table[20001] == 0.0
    grid = 10.0 * np.arange(10001) / 10000.0
    # R's pnorm and scipy's ndtr agree to one ulp; the table follows R (Cody's algorithm)
    assert np.max(np.abs(table[:10001] - ndtr(grid))) <= 2.3e-16
    assert np.array_equal(table[10001:], 1.0 - table[:10001])
    assert gsva_module.r_pnorm(-1.96) == pytest.approx(0.024997895148220435, abs=1e-17)
    assert gsva_module.r_pnorm(-40.0) == 0.0 and gsva_module.r_pnorm(9.0) == 1.0


def test_poisson_kcdf_matches_direct_evaluation():
    from scipy.stats import poisson

    rng = np.random.default_rng(6)
    counts = rng.poisson(rng.uniform(0.5, 30, size=(30, 1)), size=(30, 12)).astype(float)
    genes = [f"G{i}" for i in range(30)]
    expr = pd.DataFrame(counts, index=genes, columns=[f"S{j}" for j in range(12)])
    expr = expr.loc[expr.std(axis=1) > 0]
    got = gsva_module._poisson_kcdf_logit(expr.to_numpy())
    x = expr.to_numpy()
    f = poisson.cdf(x[:, :, None], x[:, None, :] + 0.5).mean(axis=2)
    np.testing.assert_allclose(got.T, np.log(f / (1 - f)), rtol=1e-12, atol=1e-12)
    scores = gsva(expr, {"s": genes[:10]}, kcdf="Poisson")
    assert np.isfinite(scores.to_numpy()).all()


# ---------------------------------------------------------------------------------------
# Behaviour: filtering, mapping, duplicates, errors


def test_set_order_size_filter_and_absent_ids():
    y = _csv("y.csv")
    sets = {"big": list(y.index), "none": ["X1", "X2"], "set3": Y_SETS["set3"] + ["ABSENT"],
            "set1": Y_SETS["set1"]}
    run = gsva_module.gsva_detailed(y, sets, min_size=2, max_size=9)
    assert list(run.scores.index) == ["set3", "set1"]
    assert (run.sets_scored, run.sets_dropped) == (2, 2)
    ref = _csv("es_gsva.csv")
    # absent ids are ignored; other sets in the call do not change GSVA scores
    assert _max_diff(run.scores, ref.loc[["set3", "set1"]]) <= TOL


def test_constant_gene_dropped_for_gsva_kept_for_ssgsea():
    y = _csv("Y.csv")
    assert gsva_module.gsva_detailed(y, BIG_Y_SETS).n_genes_used == y.shape[0] - 1
    assert gsva_module.gsva_detailed(y, BIG_Y_SETS, method="ssgsea").n_genes_used == y.shape[0]


def test_duplicate_gene_symbols_use_first_row_and_warn():
    y = _csv("y.csv")
    dup = pd.concat([y, y.loc[["g2"]] * -1.0 + 5.0])  # a second, different "g2" row last
    with pytest.warns(UserWarning, match="duplicated gene symbol"):
        got = gsva(dup, Y_SETS)
    renamed = dup.copy()
    renamed.index = [*y.index, "g2_second"]
    assert np.array_equal(got.to_numpy(), gsva(renamed, Y_SETS).to_numpy())


def test_repeated_member_counted_once_with_warning():
    y = _csv("y.csv")
    with pytest.warns(UserWarning, match="more than once"):
        got = gsva(y, {"set1": ["g1", "g2", "g2", "g3"]})
    assert np.array_equal(got.to_numpy(), gsva(y, {"set1": ["g1", "g2", "g3"]}).to_numpy())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "plage"}, "method='plage'"),
    ({"kcdf": "gaussian"}, "kcdf='gaussian'"),
    ({"min_size": 10}, "none of the 3 gene set"),
    ({"min_size": 5, "max_size": 4}, "no set size"),
    ({"tau": float("nan")}, "tau"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(GsvaInputError, match=message):
        gsva(_csv("y.csv"), Y_SETS, **kwargs)


def test_expression_errors():
    y = _csv("y.csv")
    bad = y.copy()
    bad.iloc[4, 7] = np.nan
    with pytest.raises(GsvaInputError, match="gene 'g5', sample 's8'"):
        gsva(bad, Y_SETS)
    text = y.astype(object)
    text.iloc[2, 3] = "n/a"
    with pytest.raises(GsvaInputError, match="column 's4' is not numeric.*'g3'"):
        gsva(text, Y_SETS)
    constant = pd.DataFrame([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [1.0, 2.0, 3.0]],
                            index=["a", "b", "c"], columns=["s1", "s2", "s3"])
    with pytest.raises(GsvaInputError, match="fewer than 2 genes left"):
        gsva(constant, {"x": ["a", "c"]})
    with pytest.raises(GsvaInputError, match="DataFrame"):
        gsva(y.to_numpy(), Y_SETS)


def test_read_expression_matrix_errors(tmp_path):
    good = tmp_path / "good.tsv"
    good.write_text("gene\tS1\tS2\nNA\t1\t2.5\nB\t3\t-4e-1\n")
    frame = read_expression_matrix(good)
    assert list(frame.index) == ["NA", "B"] and frame.dtypes.eq(np.float64).all()
    assert frame.loc["B", "S2"] == -0.4
    exact = tmp_path / "exact.tsv"
    exact.write_text("gene\tS1\nA\t1.9183862344463478\n")  # pandas' default parser: 1 ulp off
    assert read_expression_matrix(exact).iloc[0, 0] == float("1.9183862344463478")
    cases = {
        "line 3, column 3 (S2): 'x1' is not a finite number": "gene\tS1\tS2\nA\t1\t2\nB\t3\tx1\n",
        "line 2, column 2 (S1): empty cell": "gene\tS1\tS2\nA\t\t2\n",
        "line 3: 4 fields, the header has 3": "gene\tS1\tS2\nA\t1\t2\nB\t1\t2\t3\n",
        "sample id 'S1' repeats column 2": "gene\tS1\tS1\nA\t1\t2\n",
        "no gene rows": "gene\tS1\n",
        "line 2, column 2 (S1): value inf": "gene\tS1\nA\tinf\n",
    }
    for message, text in cases.items():
        path = tmp_path / "bad.tsv"
        path.write_text(text)
        with pytest.raises(GsvaInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            read_expression_matrix(path)
    with pytest.raises(GsvaInputError, match="no such file"):
        read_expression_matrix(tmp_path / "missing.tsv")


def test_read_gmt(tmp_path):
    path = tmp_path / "s.gmt"
    path.write_text("A\tdesc\tg1\tg2\t\n\nB\tdesc\n")
    assert read_gmt(path) == {"A": ["g1", "g2"], "B": []}
    path.write_text("A\tdesc\tg1\nA\tdesc\tg2\n")
    with pytest.raises(GeneSetFileError, match="line 2: set name 'A' already used"):
        read_gmt(path)
    path.write_text("A g1 g2\n")
    with pytest.raises(GeneSetFileError, match="line 1: expected"):
        read_gmt(path)


# ---------------------------------------------------------------------------------------
# Command line


def _write_inputs(tmp_path: Path) -> tuple[Path, Path]:
    y = _csv("y.csv")
    expr = tmp_path / "expr.tsv"
    y.rename_axis("gene").to_csv(expr, sep="\t")
    gmt = tmp_path / "sets.gmt"
    gmt.write_text("".join(f"{k}\tna\t" + "\t".join(v) + "\n" for k, v in Y_SETS.items())
                   + "tiny\tna\tg1\n")
    return expr, gmt


def test_cli_writes_scores_and_summary(tmp_path, capsys):
    expr, gmt = _write_inputs(tmp_path)
    out = tmp_path / "out.tsv"
    code = cli_main(["gsva", str(expr), str(gmt), "--method", "ssgsea", "--min-size", "2",
                     "-o", str(out)])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "10 genes" in stdout and "30 samples" in stdout
    assert "3 gene sets scored, 1 dropped by size" in stdout
    written = pd.read_csv(out, sep="\t", index_col=0)
    assert written.index.name == "gene_set"
    assert _max_diff(written, _csv("es_ssgsea.csv")) <= TOL
    code = cli_main(["gsva", str(expr), str(gmt), "--no-mx-diff", "--min-size", "3",
                     "-o", str(out)])
    assert code == 0
    assert _max_diff(pd.read_csv(out, sep="\t", index_col=0), _csv("es_gsva_mxF.csv")) <= TOL


def test_cli_errors_exit_2(tmp_path, capsys):
    expr, gmt = _write_inputs(tmp_path)
    out = tmp_path / "out.tsv"
    assert cli_main(["gsva", str(tmp_path / "nope.tsv"), str(gmt), "-o", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli_main(["gsva", str(expr), str(gmt), "--min-size", "50", "-o", str(out)]) == 2
    assert "none of the 4 gene set(s)" in capsys.readouterr().err
    lines = expr.read_text().splitlines()
    lines[3] = lines[3].replace(lines[3].split("\t")[5], "abc", 1)
    expr.write_text("\n".join(lines) + "\n")
    assert cli_main(["gsva", str(expr), str(gmt), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 4, column 6" in err and "'abc'" in err
    assert not out.exists()


def test_cli_warns_on_duplicate_symbols(tmp_path, capsys):
    expr, gmt = _write_inputs(tmp_path)
    text = expr.read_text().splitlines()
    text.append(text[1])  # g1 again
    expr.write_text("\n".join(text) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cli_main(["gsva", str(expr), str(gmt), "-o", str(tmp_path / "o.tsv")]) == 0
    assert "warning: argument expr: 1 duplicated gene symbol" in capsys.readouterr().err


def test_cli_warns_when_the_gaussian_kernel_meets_unlogged_values(tmp_path, capsys):
    expr, gmt = _write_inputs(tmp_path)
    assert cli_main(["gsva", str(expr), str(gmt), "-o", str(tmp_path / "o.tsv")]) == 0
    assert "looks un-logged" not in capsys.readouterr().err  # the reference matrix is logged
    rng = np.random.default_rng(3)
    counts = pd.DataFrame(rng.poisson(200, size=(600, 6)),
                          index=[f"g{i}" for i in range(1, 601)],
                          columns=[f"S{j}" for j in range(6)]).rename_axis("gene")
    counts.to_csv(expr, sep="\t")
    assert cli_main(["gsva", str(expr), str(gmt), "-o", str(tmp_path / "o.tsv")]) == 0
    err = capsys.readouterr().err
    assert "warning: expr.tsv looks un-logged (counts;" in err
    assert "use --kcdf Poisson for integer read counts" in err
    assert cli_main(["gsva", str(expr), str(gmt), "--kcdf", "Poisson",
                     "-o", str(tmp_path / "o.tsv")]) == 0
    assert "looks un-logged" not in capsys.readouterr().err
