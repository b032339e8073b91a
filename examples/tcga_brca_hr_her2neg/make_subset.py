"""Re-create this folder's real TCGA BRCA subset from the public source tables.

Not run by the build or the tests (they read the files written here); kept so the subset's
provenance is reproducible. Usage: ``python make_subset.py REFERENCE_DIR`` where
REFERENCE_DIR holds the source tables listed in PROVENANCE.md (clinical.tsv,
survival_cdr.tsv, mutations.maf.tsv.gz, expression_counts_er.tsv.gz,
expression_sample_labels.tsv).

Selection: female patients whose tumour is hormone-receptor positive (ER or PR "Positive")
and HER2 negative (IHC "Negative", or IHC "Equivocal" with ISH "Negative", or no IHC with
ISH "Negative"), i.e. the HR+/HER2- population of the study, by the Firehose clinical table.

ER-negative reference tumours: the ER-negative tumours of the expression table (by its ER
labels) outside the study population are added to clinical.tsv with their patient barcode and
ER status only (column study_cohort says which rows they are), so an all-HR+ cohort can be
PAM50-called with the ER-balanced centring (Zhao et al. 2015) on tumours sequenced and
processed alike; having no histology, they fall in no comparison group.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent
CLINICAL_COLUMNS = [
    "bcr_patient_barcode", "gender", "age_at_initial_pathologic_diagnosis", "menopause_status",
    "histological_type", "breast_carcinoma_estrogen_receptor_status",
    "er_level_cell_percentage_category", "breast_carcinoma_progesterone_receptor_status",
    "progesterone_receptor_level_cell_percent_category",
    "lab_proc_her2_neu_immunohistochemistry_receptor_status",
    "her2_immunohistochemistry_level_result", "lab_procedure_her2_neu_in_situ_hybrid_outcome_type",
    "stage_event_pathologic_stage", "pathologic_T", "pathologic_N", "pathologic_M",
    "history_of_neoadjuvant_treatment", "vital_status", "days_to_death", "days_to_last_followup",
]
SURVIVAL_COLUMNS = ["bcr_patient_barcode", "PFI", "PFI.time", "OS", "OS.time"]


def hr_positive_her2_negative(clinical: pd.DataFrame) -> pd.Series:
    """The study population by the Firehose receptor columns (see the module docstring)."""
    hr = (clinical["breast_carcinoma_estrogen_receptor_status"].eq("Positive")
          | clinical["breast_carcinoma_progesterone_receptor_status"].eq("Positive"))
    ihc = clinical["lab_proc_her2_neu_immunohistochemistry_receptor_status"]
    ish = clinical["lab_procedure_her2_neu_in_situ_hybrid_outcome_type"]
    her2_negative = ((ihc.eq("Negative") & ~ish.eq("Positive"))
                     | (ihc.eq("Equivocal") & ish.eq("Negative"))
                     | (ihc.isna() & ish.eq("Negative")))
    return hr & her2_negative & clinical["gender"].eq("FEMALE")


def main(reference: Path) -> None:
    clinical = pd.read_csv(reference / "clinical.tsv", sep="\t", dtype=str)
    cohort = clinical.loc[hr_positive_her2_negative(clinical), CLINICAL_COLUMNS]
    survival = pd.read_csv(reference / "survival_cdr.tsv", sep="\t", dtype=str)
    cohort = cohort.merge(survival[SURVIVAL_COLUMNS], on="bcr_patient_barcode", how="left")
    # TCGA-CDR gives one patient a PFI event indicator without a PFI time: an endpoint
    # without a time cannot be analysed, so both are left empty (as for OS likewise).
    for event, time in (("PFI", "PFI.time"), ("OS", "OS.time")):
        cohort.loc[cohort[time].isna(), event] = None
    cohort["study_cohort"] = "HR+/HER2- study population"
    patients = set(cohort["bcr_patient_barcode"])

    expression = pd.read_csv(reference / "expression_counts_er.tsv.gz", sep="\t", dtype=str,
                             keep_default_na=False)
    labels = pd.read_csv(reference / "expression_sample_labels.tsv", sep="\t", dtype=str)
    er_negative = set(labels.loc[labels["ER"].eq("Negative"), "sample"])
    references = sorted(c for c in expression.columns[1:]
                        if c[:12] not in patients and c in er_negative)
    reference_rows = pd.DataFrame({
        "bcr_patient_barcode": [c[:12] for c in references],
        "breast_carcinoma_estrogen_receptor_status": "Negative",
        "study_cohort": "ER-negative reference (PAM50 centring only)",
    })
    cohort = pd.concat([cohort, reference_rows], ignore_index=True)
    cohort = cohort.sort_values("bcr_patient_barcode")
    cohort.to_csv(OUT / "clinical.tsv", sep="\t", index=False)

    maf = pd.read_csv(reference / "mutations.maf.tsv.gz", sep="\t", dtype=str,
                      keep_default_na=False)
    maf = maf[maf["Tumor_Sample_Barcode"].str[:12].isin(patients)]
    maf.to_csv(OUT / "mutations.maf.tsv.gz", sep="\t", index=False,
               compression={"method": "gzip", "mtime": 0})

    keep = ["gene_symbol"] + [c for c in expression.columns[1:]
                              if c[:12] in patients or c in references]
    expression[keep].to_csv(OUT / "expression_counts.tsv.gz", sep="\t", index=False,
                            compression={"method": "gzip", "mtime": 0})
    print(f"{len(patients)} study patients, {len(references)} ER-negative references, "
          f"{len(maf)} MAF rows, {len(keep) - 1} expression samples")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
