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

# Written by the demo generator (`calcomics synth`, `calcomics build --demo`) next to the raw
# files it writes: generator, version, patients, seed and the SHA-256 of every file. A build
# (and the meta_build mart, which reads the same name) counts the folder as synthetic only
# while every file listed there is unchanged. Not a raw file: validation ignores it.
DEMO_MARKER = "calcomics_demo.json"
