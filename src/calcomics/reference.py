"""The one loader of reference data: tables shipped inside the package (see data/PROVENANCE*.md)
and the GMT gene-set format.

Gene coordinates, cytobands, centromeres (scarHRD), PAM50 centroids, gene-set collections
(MSigDB Hallmark, Reactome/WikiPathways, Bindea 2013) and metabolite pathways are read here
and nowhere else; methods receive them as arguments.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

PAM50_SUBTYPES: tuple[str, ...] = ("LumA", "LumB", "Her2", "Basal", "Normal")
# Column of the shipped centroid file for each subtype label.
CENTROID_COLUMNS: dict[str, str] = {
    "LumA": "luminal_a",
    "LumB": "luminal_b",
    "Her2": "her2",
    "Basal": "basal",
    "Normal": "normal",
}
# Legacy PAM50 symbols -> current HGNC symbols (the shipped centroid file already uses these).
PAM50_SYMBOL_UPDATES: dict[str, str] = {"CDCA1": "NUF2", "KNTC2": "NDC80", "ORC6L": "ORC6"}


class GeneSetFileError(ValueError):
    """A GMT file that cannot be read (message names the file, line and rule)."""


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


def read_gmt(path: str | Path) -> dict[str, list[str]]:
    """Read a GMT file: one set per line, ``name <TAB> description <TAB> gene ...``.

    Blank lines are skipped, empty member fields (trailing tabs) ignored, member order kept
    (as GSEABase ``getGmt``). A line without a description field or a repeated set name is
    an error naming the line.

    Raises
    ------
    GeneSetFileError
        Missing file, malformed line, repeated set name, or no set at all.
    """
    path = Path(path)
    if not path.is_file():
        raise GeneSetFileError(f"gene-set file {path}: no such file")
    sets: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for lineno, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            name = fields[0].strip()
            if len(fields) < 2 or not name:
                raise GeneSetFileError(
                    f"gene-set file {path}, line {lineno}: expected 'name<TAB>description"
                    "<TAB>genes...' (GMT format)"
                )
            if name in sets:
                raise GeneSetFileError(
                    f"gene-set file {path}, line {lineno}: set name {name!r} already used "
                    "on an earlier line"
                )
            sets[name] = [g.strip() for g in fields[2:] if g.strip()]
    if not sets:
        raise GeneSetFileError(f"gene-set file {path}: no gene sets found")
    return sets


@lru_cache(maxsize=8)
def shipped_gene_sets(name: str) -> dict[str, list[str]]:
    """A GMT collection shipped in ``calcomics/data/genesets`` (set name -> member genes)."""
    return read_gmt(data_path(f"genesets/{name}"))


def hallmark_gene_sets() -> dict[str, list[str]]:
    """MSigDB Hallmark v7.0 gene sets (50 sets, HGNC symbols)."""
    return shipped_gene_sets("hallmark_v7.0.gmt")


def bindea_gene_sets() -> dict[str, list[str]]:
    """Bindea et al. 2013 immune cell-type marker genes (24 cell types, symbols as published)."""
    return shipped_gene_sets("bindea2013_immune.gmt")


@lru_cache(maxsize=1)
def _pam50_centroids() -> pd.DataFrame:
    raw = pd.read_csv(data_path("pam50_centroids.tsv"), sep="\t")
    raw["gene_name"] = raw["gene_name"].replace(PAM50_SYMBOL_UPDATES)
    out = raw.set_index("gene_name")[[CENTROID_COLUMNS[s] for s in PAM50_SUBTYPES]]
    out.columns = list(PAM50_SUBTYPES)
    out.index.name = "gene_symbol"
    return out


def pam50_centroids() -> pd.DataFrame:
    """Parker et al. 2009 PAM50 centroids: index ``gene_symbol`` (current HGNC symbols),
    columns LumA, LumB, Her2, Basal, Normal (a copy; safe to modify)."""
    return _pam50_centroids().copy()


def cosmic_sbs_table() -> pd.DataFrame:
    """COSMIC v3.2 SBS signature profiles (GRCh38): index ``Type`` (96 channels), one column
    per signature, as shipped."""
    return pd.read_csv(data_path("cosmic_sbs_v3.2_grch38.tsv"), sep="\t").set_index("Type")
