"""`calcomics gsva --method ssgsea` on the mart's exact input gives fct_pathway_scores.

The one input difference between the CLI and the warehouse is the gene-set members: the
warehouse maps previous HGNC symbols to the matrix's (seed gene_symbol_aliases), the CLI uses
the GMT as written (docs/TRANSCRIPTOMICS.md). Fed the raw expression file the build read and a
GMT written from fct_gene_list_resolution.symbol_used (with the documented SQL), the CLI gives
the mart's scores; fed the shipped GMT, exactly the sets with a resolved alias differ.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

CALCOMICS = str(Path(sys.executable).parent / "calcomics")
HALLMARK_GMT = (Path(__file__).resolve().parents[1] / "src" / "calcomics" / "data" / "genesets"
                / "hallmark_v7.0.gmt")


def _cli_scores(expression: Path, gmt: Path, out: Path) -> pd.DataFrame:
    done = subprocess.run(
        [CALCOMICS, "gsva", str(expression), str(gmt), "--method", "ssgsea",
         "--min-size", "5", "--max-size", "500", "-o", str(out)],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return pd.read_csv(out, sep="\t", index_col=0)


@pytest.fixture(scope="module")
def mart_scores(warehouse) -> pd.DataFrame:
    return warehouse.execute(
        "select gene_set, sample_id, score from main.fct_pathway_scores "
        "where collection = 'hallmark'").df().pivot(
        index="gene_set", columns="sample_id", values="score")


def test_cli_on_the_marts_resolved_gene_sets_equals_fct_pathway_scores(
        warehouse, default_build, mart_scores, tmp_path):
    gmt = tmp_path / "hallmark_resolved.gmt"
    warehouse.execute(f"""
        copy (
            select gene_set, 'na' as description, string_agg(distinct symbol_used, chr(9)) as genes
            from main.fct_gene_list_resolution
            where collection = 'hallmark' and is_found
            group by gene_set
        ) to '{gmt}' (header false, delimiter chr(9), quote '')
    """)
    expression = default_build[1].parent / "raw" / "expression_fpkm.tsv"
    cli = _cli_scores(expression, gmt, tmp_path / "scores.tsv")
    assert set(cli.index) == set(mart_scores.index) and len(cli.index) == 50
    cli = cli.loc[mart_scores.index, mart_scores.columns]
    np.testing.assert_allclose(cli.to_numpy(), mart_scores.to_numpy(), rtol=0, atol=1e-12)


def test_cli_on_the_shipped_gmt_differs_only_in_sets_with_a_resolved_alias(
        warehouse, default_build, mart_scores, tmp_path):
    resolved = {row[0] for row in warehouse.execute(
        "select distinct gene_set from main.fct_gene_list_resolution "
        "where collection = 'hallmark' and resolution = 'alias_to_current'").fetchall()}
    assert resolved == {"HALLMARK_XENOBIOTIC_METABOLISM", "HALLMARK_ALLOGRAFT_REJECTION"}
    expression = default_build[1].parent / "raw" / "expression_fpkm.tsv"
    cli = _cli_scores(expression, HALLMARK_GMT, tmp_path / "scores.tsv")
    cli = cli.loc[mart_scores.index, mart_scores.columns]
    difference = (cli - mart_scores).abs().max(axis=1)
    assert set(difference[difference > 1e-12].index) == resolved
    assert difference.max() < 0.01
