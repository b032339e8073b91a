"""Access to the reference tables shipped inside the package (see data/PROVENANCE.md)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd


def data_path(name: str) -> Path:
    """Path of a file shipped in ``calcomics/data``."""
    return Path(str(resources.files("calcomics") / "data" / name))


@lru_cache(maxsize=1)
def protein_coding_genes() -> pd.DataFrame:
    """GRCh38 protein-coding genes (gene_symbol, chrom, start, end, strand), autosomes + X/Y.

    Rows whose symbol is an Ensembl id (no approved name) and duplicated symbols
    (PAR genes listed on X and Y) are dropped so that symbols are unique.
    """
    genes = pd.read_csv(data_path("genes_hg38.tsv.gz"), sep="\t")
    genes = genes[~genes["gene_symbol"].str.startswith("ENSG")]
    genes = genes[genes["chrom"] != "chrM"]
    genes = genes.drop_duplicates("gene_symbol", keep="first")
    return genes[["gene_symbol", "chrom", "start", "end", "strand"]].reset_index(drop=True)


@lru_cache(maxsize=2)
def cytobands(build: str = "hg38") -> pd.DataFrame:
    """UCSC cytobands (chrom, chromStart, chromEnd, name, gieStain) for hg38 or hg19."""
    return pd.read_csv(data_path(f"cytobands_{build}.tsv"), sep="\t")


@lru_cache(maxsize=2)
def centromeres(reference: str = "grch38") -> pd.DataFrame:
    """scarHRD centromere table (chrom, centstart, centend) for grch38 or grch37."""
    return pd.read_csv(data_path(f"centromeres_{reference}.tsv"), sep="\t")


@lru_cache(maxsize=1)
def kegg_compound_pathways() -> pd.DataFrame:
    """mummichog human MFN pathway membership (pathway_name, compound_id, compound_name)."""
    return pd.read_csv(data_path("kegg_compound_pathways.tsv"), sep="\t")
