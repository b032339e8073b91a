"""GSVA's large-cohort modes (issue 12 §4): GSVA >= 2.0's kcdf="auto" and the binned
approximation of the Gaussian kernel, against the exact (R 1.42) kernel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.transcriptomics import _gsva_kernels as _k
from calcomics.methods.transcriptomics._gsva_binned import binned_gaussian_kcdf_logit
from calcomics.methods.transcriptomics.gsva import (
    GsvaInputError,
    _kernel_bandwidths,
    gsva_detailed,
    kernel_cdf_table,
)


def _rnaseq_like(n_genes: int, n_samples: int, seed: int) -> pd.DataFrame:
    """log2(FPKM + 1)-like values: gene-specific levels, 10 % zeros, 3 decimals."""
    rng = np.random.default_rng(seed)
    level = rng.gamma(1.0, 20.0, size=(n_genes, 1))
    fpkm = rng.gamma(2.0, level / 2.0, size=(n_genes, n_samples))
    fpkm *= rng.random((n_genes, n_samples)) > 0.1
    values = np.round(np.log2(fpkm + 1.0), 3)
    return pd.DataFrame(values, index=[f"G{i}" for i in range(n_genes)],
                        columns=[f"S{j}" for j in range(n_samples)])


@pytest.fixture(scope="module")
def expression() -> pd.DataFrame:
    return _rnaseq_like(300, 400, seed=11)


@pytest.fixture(scope="module")
def gene_sets() -> dict[str, list[str]]:
    rng = np.random.default_rng(12)
    return {f"set{k}": [f"G{i}" for i in rng.choice(300, size=int(size), replace=False)]
            for k, size in enumerate(rng.integers(10, 60, size=15))}


def test_auto_is_the_plain_ecdf_from_the_threshold_on(expression, gene_sets):
    auto = gsva_detailed(expression, gene_sets, kcdf="auto")
    none = gsva_detailed(expression, gene_sets, kcdf="none")
    assert auto.kcdf_used == "none"
    pd.testing.assert_frame_equal(auto.scores, none.scores)
    below = gsva_detailed(expression, gene_sets, kcdf="auto", kcdf_none_min_sample_size=401)
    gaussian = gsva_detailed(expression, gene_sets, kcdf="Gaussian")
    assert below.kcdf_used == "Gaussian" and below.gaussian_kernel_used == "exact"
    pd.testing.assert_frame_equal(below.scores, gaussian.scores)


def test_auto_takes_poisson_for_integer_matrices_below_the_threshold(gene_sets):
    rng = np.random.default_rng(3)
    counts = pd.DataFrame(rng.poisson(30, size=(300, 40)).astype(float),
                          index=[f"G{i}" for i in range(300)])
    run = gsva_detailed(counts, gene_sets, kcdf="auto")
    assert run.kcdf_used == "Poisson"
    pd.testing.assert_frame_equal(run.scores,
                                  gsva_detailed(counts, gene_sets, kcdf="Poisson").scores)


def test_binned_kernel_stays_close_to_the_exact_kernel(expression, gene_sets):
    x = np.ascontiguousarray(expression.to_numpy())
    bandwidth = _kernel_bandwidths(x)
    rows = np.flatnonzero(bandwidth * 4.0 >= 1e-10)
    exact = _k.gaussian_kcdf_logit(x, rows, bandwidth[rows], kernel_cdf_table())
    binned, n_exact = binned_gaussian_kcdf_logit(x, rows, bandwidth[rows], kernel_cdf_table())
    assert n_exact == 0
    # measured ~6e-4 on such data; a wrong grid offset or kernel direction gives > 0.1
    assert np.abs(binned - exact).max() < 2e-3
    approx = gsva_detailed(expression, gene_sets, gaussian_kernel="binned")
    reference = gsva_detailed(expression, gene_sets)
    assert approx.gaussian_kernel_used == "binned" and "binned kernel" in approx.summary()
    assert np.abs(approx.scores.to_numpy() - reference.scores.to_numpy()).max() < 5e-3


def test_genes_too_wide_for_the_grid_are_computed_exactly(expression):
    x = np.ascontiguousarray(expression.to_numpy()).copy()
    # one extreme outlier: the grid needs ~4 B (range / sd) points, ~2,500 here against
    # < 1,300 for the other genes (the outlier inflates the bandwidth too, so the grid
    # stays below ~4 B sqrt(n) points and the default max_grid is a safety net only)
    x[5, 0] = 1e4
    bandwidth = _kernel_bandwidths(x)
    rows = np.arange(x.shape[0])
    exact = _k.gaussian_kcdf_logit(x, rows, bandwidth, kernel_cdf_table())
    binned, n_exact = binned_gaussian_kcdf_logit(x, rows, bandwidth, kernel_cdf_table(),
                                                 max_grid=2_000)
    assert n_exact == 1
    assert np.array_equal(binned[:, 5], exact[:, 5])


def test_bad_large_n_options_are_refused(expression, gene_sets):
    with pytest.raises(GsvaInputError, match="gaussian_kernel"):
        gsva_detailed(expression, gene_sets, gaussian_kernel="fast")
    with pytest.raises(GsvaInputError, match="kcdf_none_min_sample_size"):
        gsva_detailed(expression, gene_sets, kcdf="auto", kcdf_none_min_sample_size=0)


def test_cli_says_which_kernel_it_used(expression, gene_sets, tmp_path, capsys):
    from calcomics.cli import main

    expr = tmp_path / "expr.tsv"
    expression.rename_axis("gene").to_csv(expr, sep="\t")
    gmt = tmp_path / "sets.gmt"
    gmt.write_text("".join(f"{name}\tna\t" + "\t".join(members) + "\n"
                           for name, members in gene_sets.items()))
    assert main(["gsva", str(expr), str(gmt), "--kcdf", "auto", "-o", str(tmp_path / "a")]) == 0
    out = capsys.readouterr()
    assert "kcdf auto resolved to 'none' (400 samples" in out.err
    assert "; kcdf none" in out.out
    assert main(["gsva", str(expr), str(gmt), "--gaussian-kernel", "binned",
                 "-o", str(tmp_path / "b")]) == 0
    out = capsys.readouterr()
    assert "binned Gaussian kernel: an approximation" in out.err
    assert "kcdf Gaussian (binned kernel)" in out.out


def test_cdk46_mode_is_exact_up_to_the_documented_size_then_binned():
    from calcomics.methods.transcriptomics.treatment import cdk46_gsva_mode

    assert cdk46_gsva_mode("size_dependent", 3000, 3000)[0] == "exact"
    mode, reason = cdk46_gsva_mode("size_dependent", 3001, 3000)
    assert mode == "binned" and reason == "3001 samples > gsva_exact_max_samples 3000"
    assert cdk46_gsva_mode("auto", 10, 3000) == ("auto", "cdk46_gsva_mode = auto")
    with pytest.raises(ValueError, match="cdk46_gsva_mode 'fast'"):
        cdk46_gsva_mode("fast", 10, 3000)


def test_treatment_scores_name_the_kernel_used(expression):
    from calcomics.methods.transcriptomics.treatment import treatment_scores

    panels = pd.DataFrame({
        "gene_set": ["set_informative"] * 3 + ["set_reference"] * 3
        + ["cdk46_sensitivity"] * 13 + ["endocrine_sensitivity"] * 2,
        "member_order": list(range(3)) * 2 + list(range(13)) + [0, 1],
        "symbol_used": [f"G{i}" for i in range(6)] + [f"G{i}" for i in range(10, 23)]
        + ["G40", "G41"],
        "weight": [1.0] * 21,
    })
    methods = {}
    for mode in ("exact", "binned", "auto"):
        scores = treatment_scores(expression, panels, gsva_mode=mode)
        cdk46 = scores[scores["score_name"] == "cdk46_sensitivity_score"]
        methods[mode] = cdk46["method"].unique().tolist()
        assert cdk46["score"].notna().all()
    assert methods == {
        "exact": ["gsva (Gaussian kcdf, GSVA 1.42)"],
        "binned": ["gsva (Gaussian kcdf, binned approximation of GSVA 1.42's kernel)"],
        "auto": ["gsva (kcdf auto -> none, GSVA >= 2.0 rule)"],
    }
