"""``calcomics import FORMAT``: format name -> adapter.

An adapter takes the input paths and :class:`~calcomics.importers.common.ImportOptions` and
returns an :class:`~calcomics.importers.common.ImportResult` (frames of the raw layout plus
its report); it writes nothing. Adding a format is one entry in :data:`IMPORTERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from calcomics.importers.common import ImportInputError, ImportOptions, ImportResult

Adapter = Callable[[Sequence[Path], ImportOptions], ImportResult]


@dataclass(frozen=True)
class Importer:
    """One format of ``calcomics import``: its adapter, a one-line help and its inputs."""

    adapter_path: str  # "module:function", imported on use so the CLI starts fast
    help: str
    inputs: str  # metavar of the positional inputs, e.g. "MAF" or "STUDY_DIR"

    def adapter(self) -> Adapter:
        from importlib import import_module

        module, function = self.adapter_path.split(":")
        return getattr(import_module(module), function)


IMPORTERS: dict[str, Importer] = {
    "maf": Importer(
        "calcomics.importers.mutations:import_maf",
        "GDC/TCGA, Firehose or cBioPortal MAF -> mutations.maf", "MAF"),
    "expression": Importer(
        "calcomics.importers.expression:import_expression",
        "gene x sample matrix (cBioPortal RSEM, counts, TPM, FPKM) -> expression_fpkm.tsv",
        "MATRIX"),
    "clinical": Importer(
        "calcomics.importers.clinical:import_clinical",
        "any clinical table with --mapping FILE (YAML), or cBioPortal clinical files "
        "-> clinical.csv", "CLINICAL"),
    "ascat": Importer(
        "calcomics.importers.copy_number:import_ascat",
        "ASCAT segments (nMajor/nMinor; --option ploidy=FILE) -> segments.tsv", "SEGMENTS"),
    "chas": Importer(
        "calcomics.importers.copy_number:import_chas",
        "OncoScan ChAS segment export (total CN; --option coverage=BED) -> segments.tsv",
        "EXPORT"),
    "seg": Importer(
        "calcomics.importers.copy_number:import_seg",
        "cBioPortal/GDC .seg (log2 ratios -> total CN) -> segments.tsv", "SEG"),
    "cbioportal": Importer(
        "calcomics.importers.cbioportal:import_cbioportal_study",
        "cBioPortal study folder (clinical, mutations, RSEM expression found by name)",
        "STUDY_DIR"),
}


def run_importer(fmt: str, inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """Run the adapter of ``fmt`` on ``inputs``.

    Raises
    ------
    ImportInputError
        Unknown format, a missing input, or an input the adapter cannot read.
    """
    if fmt not in IMPORTERS:
        raise ImportInputError(f"unknown import format {fmt!r} (known: {', '.join(IMPORTERS)})")
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if missing:
        raise ImportInputError(f"input not found: {', '.join(missing)}")
    return IMPORTERS[fmt].adapter()([Path(p) for p in inputs], options)
