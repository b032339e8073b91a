"""cBioPortal study folder -> clinical, mutation and expression raw files.

The files are found by their standard names (https://docs.cbioportal.org/file-formats/):
``data_clinical_patient.txt``, ``data_clinical_sample.txt``, ``data_mutations.txt`` (older
studies: ``data_mutations_extended.txt``) and ``data_mrna_seq_v2_rsem.txt``; whatever exists is
imported, the rest is reported as absent. Sample ids of the mutation and expression files are
mapped to patients through the sample file (its chosen sample per patient, see
:func:`calcomics.importers.clinical.select_samples`); without a sample file, TCGA barcodes are
shortened as for a single MAF. ``.seg`` files are copy-number (``calcomics import seg``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from calcomics.importers.clinical import cbioportal_clinical_table, import_clinical
from calcomics.importers.common import ImportInputError, ImportOptions, ImportResult
from calcomics.importers.expression import import_expression
from calcomics.importers.mutations import import_maf

PATIENT_FILE = "data_clinical_patient.txt"
SAMPLE_FILE = "data_clinical_sample.txt"
MUTATION_FILES = ("data_mutations.txt", "data_mutations_extended.txt")
EXPRESSION_FILE = "data_mrna_seq_v2_rsem.txt"


def import_cbioportal_study(inputs: Sequence[Path], options: ImportOptions) -> ImportResult:
    """``calcomics import cbioportal STUDY_DIR``: every standard file the folder holds."""
    if len(inputs) != 1 or not Path(inputs[0]).is_dir():
        raise ImportInputError("import cbioportal takes one study folder")
    folder = Path(inputs[0])
    patient = folder / PATIENT_FILE if (folder / PATIENT_FILE).is_file() else None
    sample = folder / SAMPLE_FILE if (folder / SAMPLE_FILE).is_file() else None
    mutations = next((folder / n for n in MUTATION_FILES if (folder / n).is_file()), None)
    expression = folder / EXPRESSION_FILE if (folder / EXPRESSION_FILE).is_file() else None
    found = [p for p in (patient, sample, mutations, expression) if p is not None]
    if not found:
        raise ImportInputError(f"{folder}: none of {PATIENT_FILE}, {SAMPLE_FILE}, "
                               f"{', '.join(MUTATION_FILES)}, {EXPRESSION_FILE}")
    result = ImportResult()
    omics_options = options
    if patient is not None or sample is not None:
        clinical_inputs = [p for p in (patient, sample) if p is not None]
        result = result.merge(import_clinical(clinical_inputs, options))
        if sample is not None:
            _, sample_map, _, _ = cbioportal_clinical_table(None, sample, options,
                                                            ImportResult())
            omics_options = replace(options, sample_patients=sample_map)
    if mutations is not None:
        result = result.merge(import_maf([mutations], omics_options))
    if expression is not None:
        result = result.merge(import_expression([expression], omics_options))
    absent = [n for n in (PATIENT_FILE, SAMPLE_FILE, MUTATION_FILES[0], EXPRESSION_FILE)
              if not (folder / n).is_file()]
    if absent:
        result.notes.append(f"{folder.name}: not in the study folder: {', '.join(absent)}")
    return result
