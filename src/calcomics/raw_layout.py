"""Names of the raw files the warehouse reads (dbt sources in warehouse/models/staging)."""

RAW_FILES: dict[str, str] = {
    "clinical": "clinical.csv",
    "mutations": "mutations.maf",
    "segments": "segments.tsv",
    "expression": "expression_fpkm.tsv",
    "lipidomics": "lipidomics.tsv",
    "polar_metabolomics": "polar_metabolomics.tsv",
    "metabolite_annotation": "metabolite_annotation.tsv",
}
