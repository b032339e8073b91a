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

# Written by the demo generator (`calcomics synth`, `calcomics build --demo`) next to the raw
# files it writes: generator, version, patients, seed and the SHA-256 of every file. A build
# (and the meta_build mart, which reads the same name) counts the folder as synthetic only
# while every file listed there is unchanged. Not a raw file: validation ignores it.
DEMO_MARKER = "calcomics_demo.json"


def layer_template(table: str) -> Path:
    """The packaged header-only file of ``table``'s layout (what an absent layer reads as)."""
    template = resources.files("calcomics") / "data" / "raw_templates" / RAW_FILES[table]
    return Path(str(template))


def absent_layers(raw_dir: Path) -> list[str]:
    """Optional raw tables (keys of :data:`RAW_FILES`) without a file in ``raw_dir``."""
    return [table for table, name in RAW_FILES.items()
            if table not in REQUIRED_RAW_FILES and not (Path(raw_dir) / name).is_file()]


def raw_file_environment(raw_dir: Path) -> dict[str, str]:
    """``CALCOMICS_RAW_FILE_<TABLE>`` for every optional table: its file, or its template.

    The dbt sources read these (falling back to ``CALCOMICS_RAW_DIR``), so an absent layer is
    an empty table of the right columns and its marts build with zero rows.
    """
    raw_dir = Path(raw_dir).resolve()
    absent = set(absent_layers(raw_dir))
    return {
        f"CALCOMICS_RAW_FILE_{table.upper()}": str(
            layer_template(table) if table in absent else raw_dir / name
        )
        for table, name in RAW_FILES.items() if table not in REQUIRED_RAW_FILES
    }
