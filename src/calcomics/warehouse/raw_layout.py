"""Names of the raw files the warehouse reads (dbt sources in warehouse/models/staging)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

RAW_FILES: dict[str, str] = {
    "clinical": "clinical.csv",
    "mutations": "mutations.maf",
    "segments": "segments.tsv",
    "expression": "expression_fpkm.tsv",
    "lipidomics": "lipidomics.tsv",
    "polar_metabolomics": "polar_metabolomics.tsv",
    "metabolite_annotation": "metabolite_annotation.tsv",
}

# What clinical.csv may hold for "not known" (read as null by the dbt source's `nullstr` and
# by validation alike): every field but patient_id may be missing.
CLINICAL_MISSING_VALUES: tuple[str, ...] = ("", "NA", "unknown", "Unknown", "UNKNOWN")

# Clinical is the only file a cohort must have; every omics layer may be absent.
REQUIRED_RAW_FILES: frozenset[str] = frozenset({"clinical"})

# Any raw file may be gzip-compressed, named with this suffix (`mutations.maf.gz`): DuckDB's
# read_csv decompresses it and validation reads it the same way. Only one of the two names
# may exist.
COMPRESSED_SUFFIX = ".gz"

# Tables whose dbt source reads them with `comment = '#'`: a line starting with '#' is skipped
# wherever it sits (a test keeps this equal to _raw__sources.yml).
COMMENTED_RAW_FILES: frozenset[str] = frozenset({"mutations"})

# Written by the demo generator (`calcomics synth`, `calcomics build --demo`) next to the raw
# files it writes: generator, version, patients, seed and the SHA-256 of every file. A build
# (and the meta_build mart, which reads the same name) counts the folder as synthetic only
# while every file listed there is unchanged. Not a raw file: validation ignores it.
DEMO_MARKER = "calcomics_demo.json"


def layer_template(table: str) -> Path:
    """The packaged header-only file of ``table``'s layout (what an absent layer reads as)."""
    template = resources.files("calcomics") / "data" / "raw_templates" / RAW_FILES[table]
    return Path(str(template))


def raw_file_path(raw_dir: Path, table: str) -> Path | None:
    """The file of ``table`` in ``raw_dir``: its name, else its name + ``.gz``; None if absent."""
    plain = Path(raw_dir) / RAW_FILES[table]
    if plain.is_file():
        return plain
    compressed = plain.with_name(plain.name + COMPRESSED_SUFFIX)
    return compressed if compressed.is_file() else None


def absent_layers(raw_dir: Path) -> list[str]:
    """Optional raw tables (keys of :data:`RAW_FILES`) without a file in ``raw_dir``."""
    return [table for table in RAW_FILES
            if table not in REQUIRED_RAW_FILES and raw_file_path(raw_dir, table) is None]


def raw_file_environment(raw_dir: Path) -> dict[str, str]:
    """``CALCOMICS_RAW_FILE_<TABLE>`` for every table: its file (plain or ``.gz``), or, for an
    absent optional layer, its template.

    The dbt sources read these (falling back to ``CALCOMICS_RAW_DIR``), so an absent layer is
    an empty table of the right columns and its marts build with zero rows.
    """
    raw_dir = Path(raw_dir).resolve()
    environment = {}
    for table, name in RAW_FILES.items():
        path = raw_file_path(raw_dir, table)
        if path is None:
            path = raw_dir / name if table in REQUIRED_RAW_FILES else layer_template(table)
        environment[f"CALCOMICS_RAW_FILE_{table.upper()}"] = str(path)
    return environment
