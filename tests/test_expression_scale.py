"""Expression scale detection (calcomics.methods.transcriptomics.scale) and its use by the
raw-file validation: counts, TPM, FPKM and log values told apart on real TCGA counts and the
demo FPKM layout; a contradicting expression_scale var fails validation with a clear message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from calcomics.methods.transcriptomics.scale import (
    DEFAULT_EXPRESSION_SCALE,
    detect_expression_scale,
    scale_mismatch,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
TCGA_COUNTS = Path(__file__).parent / "data" / "tcga_brca" / "expression_counts_er.tsv.gz"


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return pd.read_csv(TCGA_COUNTS, sep="\t", index_col="gene_symbol")


def _fpkm_like(counts: pd.DataFrame) -> pd.DataFrame:
    """FPKM from counts with made-up gene lengths (1-4 kb), written with 3 decimals."""
    lengths = np.random.default_rng(0).uniform(1000, 4000, len(counts))
    fpkm = counts.div(lengths, axis=0).mul(1e9).div(counts.sum(axis=0), axis=1)
    return fpkm.round(3)


def test_real_counts_tpm_fpkm_and_log_are_told_apart(counts):
    evidence = detect_expression_scale(counts)
    assert evidence.scale == "counts" and evidence.integer_valued
    assert evidence.n_genes == len(counts) and evidence.n_samples == 60
    assert evidence.column_sum_min == counts.sum().min()
    assert evidence.describe() == "integers, column sums 1.8e7–1e8"
    tpm = (counts / counts.sum() * 1e6).round(3)
    assert detect_expression_scale(tpm).scale == "tpm"
    fpkm = _fpkm_like(counts)
    assert detect_expression_scale(fpkm).scale == "fpkm"
    assert detect_expression_scale(np.log2(fpkm + 1)).scale == "log"
    assert detect_expression_scale(fpkm - fpkm.median().median()).scale == "negative"
    # RSEM-style estimated counts are not integers but still sum like a library
    assert detect_expression_scale(counts * 1.0001).scale == "counts"


def test_small_panels_and_empty_matrices():
    panel = pd.DataFrame({"S1": [1.5, 12.0, 3.25], "S2": [2.0, 8.5, 0.0]})
    assert detect_expression_scale(panel).scale == "fpkm"  # too few genes to call it log
    empty = detect_expression_scale(pd.DataFrame(index=["G1"], columns=[]))
    assert empty.scale == "undetermined" and empty.n_samples == 0
    missing = pd.DataFrame({"S1": [np.nan, np.nan]})
    assert detect_expression_scale(missing).scale == "undetermined"
    with pytest.raises(ValueError, match="2-D"):
        detect_expression_scale(np.zeros(3))


def test_mismatch_messages(counts):
    evidence = detect_expression_scale(counts)
    assert scale_mismatch(evidence, "counts") is None
    message = scale_mismatch(evidence, "fpkm")
    assert message == (
        "looks like raw read counts (integers, column sums 1.8e7–1e8) but expression_scale "
        "is 'fpkm'; pass --vars '{expression_scale: counts}'"
    )
    fpkm = detect_expression_scale(_fpkm_like(counts))
    assert scale_mismatch(fpkm, "fpkm") is None
    assert scale_mismatch(fpkm, "tpm") is None  # same log2(x + 1) transformation
    assert "expression_scale is 'counts'; pass --vars '{expression_scale: fpkm}'" in (
        scale_mismatch(fpkm, "counts"))
    # an integer matrix declared as counts is believed (a gene subset has small sums)
    small = detect_expression_scale(pd.DataFrame({"S1": [3, 0, 12], "S2": [5, 1, 7]}))
    assert scale_mismatch(small, "counts") is None
    log = detect_expression_scale(np.log2(_fpkm_like(counts) + 1))
    for declared in ("fpkm", "tpm", "counts"):
        assert "already log-transformed" in scale_mismatch(log, declared)
    with pytest.raises(ValueError, match="expression_scale must be one of"):
        scale_mismatch(log, "rpkm")


def test_default_scale_is_the_projects():
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["vars"]["expression_scale"] == DEFAULT_EXPRESSION_SCALE


def test_validation_compares_the_values_with_the_declared_scale(tmp_path, counts):
    from calcomics.warehouse.validation.raw_files import validate_raw_dir

    ids = [f"P{i:03d}" for i in range(6)]
    pd.DataFrame({"patient_id": ids}).to_csv(tmp_path / "clinical.csv", index=False)
    matrix = counts.iloc[:, :6].set_axis(ids, axis=1).reset_index()
    matrix.to_csv(tmp_path / "expression_fpkm.tsv", sep="\t", index=False)
    report = validate_raw_dir(tmp_path)
    problems = [f.message() for f in report.failures if f.file == "expression_fpkm.tsv"]
    assert len(problems) == 1, report.summary()
    assert problems[0].startswith("expression_fpkm.tsv: looks like raw read counts (integers")
    assert "but expression_scale is 'fpkm'; pass --vars '{expression_scale: counts}'" in (
        problems[0])
    ok = validate_raw_dir(tmp_path, expression_scale="counts")
    assert not [f for f in ok.failures if f.file == "expression_fpkm.tsv"], ok.summary()
    bad = validate_raw_dir(tmp_path, expression_scale="rpkm")
    assert any("must be one of fpkm, tpm, counts" in f.rule for f in bad.failures)
