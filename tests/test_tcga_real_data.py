"""Real public data through the signature code: TCGA BRCA somatic mutations (Firehose MAF).

The subset (all rows of 150 patients, tests/data/PROVENANCE_signatures.md) has no
trinucleotide context, so the catalogue falls back to SBS-6. The warehouse path of real
mutations (import, TMB, signatures, frequencies) is tests/test_tcga_real_cohort.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcomics.methods.signatures import REASON_NO_CONTEXT, maf_to_staged, sbs_catalogue

TCGA_MAF = Path(__file__).parent / "data" / "tcga_brca_mutations_subset.maf.tsv.gz"


@pytest.fixture(scope="module")
def tcga_maf() -> pd.DataFrame:
    return pd.read_csv(TCGA_MAF, sep="\t", dtype=str, keep_default_na=False)


def test_tcga_signature_code_falls_back_to_sbs6(tcga_maf):
    variants = maf_to_staged(tcga_maf.assign(Trinucleotide_Context=""))
    catalogue, exclusions = sbs_catalogue(variants)
    assert list(catalogue.columns) == ["C>A", "C>G", "C>T", "T>A", "T>C", "T>G"]
    no_context = exclusions.loc[exclusions["reason"] == REASON_NO_CONTEXT, "n_variants"].sum()
    assert no_context == catalogue.to_numpy().sum()
    shares = catalogue.sum() / catalogue.to_numpy().sum()
    assert shares.idxmax() == "C>T" and np.isclose(shares.sum(), 1)
