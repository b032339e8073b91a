"""``calcomics import``: MAF, expression, clinical and cBioPortal adapters on real fixtures.

Fixtures: tests/data/importers/ (PROVENANCE.md there), the TCGA BRCA Firehose MAF subset
(tests/data/tcga_brca_mutations_subset.maf.tsv.gz) and the TCGA BRCA read-count matrix
(tests/data/tcga_brca/expression_counts_er.tsv.gz).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcomics.cli import main
from calcomics.importers.common import (
    EXCLUDED_NOT_PRIMARY,
    ImportInputError,
    ImportOptions,
    resolve_sample_ids,
)
from calcomics.importers.expression import best_row_per_symbol, import_expression
from calcomics.importers.mutations import import_maf, normalise_chromosome
from calcomics.importers.registry import IMPORTERS, run_importer
from calcomics.methods.transcriptomics.scale import detect_expression_scale

DATA = Path(__file__).parent / "data"
IMPORTERS_DATA = DATA / "importers"
FIREHOSE_MAF = DATA / "tcga_brca_mutations_subset.maf.tsv.gz"
GDC_MAF = IMPORTERS_DATA / "gdc_masked_somatic.maf"
STUDY = IMPORTERS_DATA / "cbioportal_study"
COUNTS = DATA / "tcga_brca" / "expression_counts_er.tsv.gz"
CLINICAL = IMPORTERS_DATA / "tcga_brca_clinical_subset.tsv"
MAPPING = IMPORTERS_DATA / "tcga_brca_clinical_mapping.yaml"


# --- sample ids -------------------------------------------------------------------------------


def test_tcga_barcodes_shorten_to_patients_and_keep_primary_tumours_only():
    ids = pd.Series(["TCGA-A2-A0T5-01A-21W-A097-09", "TCGA-A1-A0SN-06A-11D-A142-09",
                     "TCGA-A1-A0SN-01", "TCGA-BH-A0B2", "P-017"])
    resolved = resolve_sample_ids(ids, ImportOptions(), "x.maf")
    assert resolved.patient_ids.tolist() == ["TCGA-A2-A0T5", None, "TCGA-A1-A0SN",
                                             "TCGA-BH-A0B2", "P-017"]
    assert resolved.excluded == {EXCLUDED_NOT_PRIMARY: 1}
    assert "not TCGA barcodes" in resolved.notes[0]


def test_two_primary_samples_of_one_patient_are_an_error_naming_them():
    ids = pd.Series(["TCGA-A2-A0T5-01A-21W", "TCGA-A2-A0T5-01B-11W"])
    with pytest.raises(ImportInputError, match=r"TCGA-A2-A0T5: TCGA-A2-A0T5-01A-21W, "
                                               r"TCGA-A2-A0T5-01B-11W"):
        resolve_sample_ids(ids, ImportOptions(), "x.maf")
    kept = resolve_sample_ids(ids, ImportOptions(duplicate_samples="first"), "x.maf")
    assert kept.patient_ids.tolist() == ["TCGA-A2-A0T5", None]


def test_sample_map_file_replaces_barcode_shortening(tmp_path):
    mapping = tmp_path / "map.tsv"
    mapping.write_text("sample\tpatient\nS1\tP1\nS2\tP2\n")
    resolved = resolve_sample_ids(pd.Series(["S2", "S1", "S3"]),
                                  ImportOptions(sample_map=mapping), "m.maf")
    assert resolved.patient_ids.tolist() == ["P2", "P1", None]


# --- MAF ---------------------------------------------------------------------------------------


def test_chromosomes_23_and_24_become_x_and_y_and_others_are_left_out():
    out = normalise_chromosome(pd.Series(["17", "23", "24", "chr23", "MT", "chrM", "GL000192.1"]))
    assert out.tolist() == ["17", "X", "Y", "chrX", None, None, None]


def test_firehose_maf_counts_from_depth_and_vaf_and_x_from_23():
    result = import_maf([FIREHOSE_MAF], ImportOptions())
    maf = result.tables["mutations"]
    source = pd.read_csv(FIREHOSE_MAF, sep="\t", dtype=str, keep_default_na=False)
    assert len(maf) == len(source) == 8733  # Firehose ids are patient barcodes: nothing left out
    assert result.excluded == {}
    assert (maf["Chromosome"] == "X").sum() == (source["Chromosome"] == "23").sum() == 465
    assert not maf["Chromosome"].isin(["23", "24"]).any()
    # ACE2 p.V487G: t_depth 150, t_vaf 0.107 -> alt round(16.05) = 16, ref 134
    ace2 = maf[(maf["Hugo_Symbol"] == "ACE2") & (maf["Tumor_Sample_Barcode"] == "TCGA-A2-A0T5")]
    assert ace2[["Chromosome", "t_ref_count", "t_alt_count", "HGVSp_Short"]].values.tolist() == [
        ["X", "134", "16", "p.V487G"]]
    # blank t_vaf (the source's DNPs): counts stay empty, never invented
    blank = (source["t_vaf"] == "").to_numpy()
    assert blank.sum() > 0
    assert (maf.loc[blank, "t_alt_count"] == "").all()
    assert (maf.loc[blank, "t_ref_count"] == "").all()
    counted = ~blank & (source["t_depth"] != "").to_numpy()
    depth = source.loc[counted, "t_depth"].astype(int).to_numpy()
    alt = maf.loc[counted, "t_alt_count"].astype(int).to_numpy()
    ref = maf.loc[counted, "t_ref_count"].astype(int).to_numpy()
    assert np.array_equal(ref + alt, depth)
    vaf = source.loc[counted, "t_vaf"].astype(float).to_numpy()
    assert np.array_equal(alt, np.floor(depth * vaf + 0.5).astype(int))
    assert (maf["Trinucleotide_Context"] == "").all()
    assert maf["HGVSp_Short"].iloc[0] == source["Protein_Change"].iloc[0]


def test_gdc_maf_aliquots_to_patients_context_and_exclusions():
    result = import_maf([GDC_MAF], ImportOptions())
    maf = result.tables["mutations"]
    assert maf[["Hugo_Symbol", "Chromosome", "Tumor_Sample_Barcode", "t_ref_count",
                "t_alt_count", "Trinucleotide_Context"]].values.tolist() == [
        ["AASS", "chr7", "TCGA-A2-A0T5", "80", "30", "CTA"],
        ["AATF", "chr17", "TCGA-A2-A0T5", "279", "52", "AAG"],
        ["ACE2", "chrX", "TCGA-A2-A0T5", "134", "16", "TAC"],
        ["CBFB", "chr16", "TCGA-A2-A0T5", "47", "21", ""],
        ["GATA3", "chr10", "TCGA-A2-A0T5", "92", "34", ""],
        ["AKAP9", "chr7", "TCGA-A1-A0SN", "19", "6", ""],
    ]
    assert result.rows_read == {"gdc_masked_somatic.maf": 8}
    assert result.excluded == {
        f"gdc_masked_somatic.maf: row of a left-out sample ({EXCLUDED_NOT_PRIMARY})": 1,
        "gdc_masked_somatic.maf: chromosome not in 1-22, X, Y (e.g. MT or an unplaced contig)": 1,
    }


def test_gdc_maf_sample_level_ids_keep_every_tumour_sample():
    maf = import_maf([GDC_MAF], ImportOptions(ids="sample")).tables["mutations"]
    assert "TCGA-A1-A0SN-06A-11D-A142-09" in set(maf["Tumor_Sample_Barcode"])
    assert len(maf) == 7  # only the chrM row is left out


def test_context_whose_middle_base_is_not_the_reference_is_an_error(tmp_path):
    bad = tmp_path / "bad.maf"
    text = GDC_MAF.read_text().replace("GCATCTAGGCA", "GCATCGAGGCA")
    bad.write_text(text)
    with pytest.raises(ImportInputError, match=r"bad.maf, line 5, column 'CONTEXT': middle base "
                                               r"of 'GCATCGAGGCA' is not the reference allele"):
        import_maf([bad], ImportOptions())


def test_maf_without_required_columns_names_them(tmp_path):
    bad = tmp_path / "x.maf"
    bad.write_text("Hugo_Symbol\tChromosome\nTP53\t17\n")
    with pytest.raises(ImportInputError, match="not a MAF: missing column.*Start_Position"):
        import_maf([bad], ImportOptions())


def test_vaf_outside_zero_one_is_an_error(tmp_path):
    source = pd.read_csv(FIREHOSE_MAF, sep="\t", dtype=str, keep_default_na=False).head(3)
    source.loc[1, "t_vaf"] = "1.7"
    bad = tmp_path / "vaf.maf"
    source.to_csv(bad, sep="\t", index=False)
    with pytest.raises(ImportInputError, match=r"line 3, column 't_vaf': allele fraction 1.7"):
        import_maf([bad], ImportOptions())


# --- expression -------------------------------------------------------------------------------


def test_scale_detection_rules():
    rng = np.random.default_rng(0)
    counts = rng.poisson(50, size=(600, 4)).astype(float)
    assert detect_expression_scale(counts).scale == "counts"
    fpkm = counts * 0.731
    assert detect_expression_scale(fpkm).scale == "fpkm"
    tpm = fpkm / fpkm.sum(axis=0) * 1e6
    assert detect_expression_scale(tpm).scale == "tpm"
    assert detect_expression_scale(np.log2(fpkm + 1)).scale == "log"
    assert detect_expression_scale(np.log2(fpkm + 1) - 5).scale == "negative"


def test_tcga_count_matrix_is_detected_as_counts():
    result = import_expression([COUNTS], ImportOptions())
    matrix = result.tables["expression"]
    assert result.dbt_vars == {"expression_scale": "counts"}
    assert matrix.shape == (20124, 61)
    assert list(matrix.columns[:3]) == ["gene_symbol", "TCGA-A8-A08X", "TCGA-AR-A0TY"]
    taf7 = matrix[matrix["gene_symbol"] == "TAF7"].iloc[0]
    assert (taf7["TCGA-A8-A08X"], taf7["TCGA-AR-A0TY"]) == (2512, 16841)


def test_scale_given_by_the_user_wins_and_the_disagreement_is_noted():
    result = import_expression([COUNTS], ImportOptions(scale="fpkm"))
    assert result.dbt_vars == {"expression_scale": "fpkm"}
    assert any("differs from the detected scale counts" in n for n in result.notes)


def test_log_scale_matrix_is_refused_without_scale(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(np.log2(rng.gamma(2, 40, size=(600, 3)) + 1),
                         columns=["S1", "S2", "S3"])
    frame.insert(0, "gene_symbol", [f"G{i}" for i in range(600)])
    path = tmp_path / "logged.tsv"
    frame.to_csv(path, sep="\t", index=False)
    with pytest.raises(ImportInputError, match="look log"):
        import_expression([path], ImportOptions())


def test_duplicated_patient_columns_are_an_error_unless_first(tmp_path):
    path = tmp_path / "dup.tsv"
    path.write_text("gene_symbol\tTCGA-A2-A0T5-01A\tTCGA-A2-A0T5-01B\nESR1\t3\t4\n")
    with pytest.raises(ImportInputError, match="TCGA-A2-A0T5: TCGA-A2-A0T5-01A, TCGA-A2-A0T5-01B"):
        import_expression([path], ImportOptions())
    kept = import_expression([path], ImportOptions(duplicate_samples="first"))
    assert kept.tables["expression"].columns.tolist() == ["gene_symbol", "TCGA-A2-A0T5"]


def test_highest_mean_row_wins_per_symbol():
    symbols = pd.Series(["A", "B", "A", "A"])
    values = pd.DataFrame({"s": [1.0, 5.0, 3.0, 3.0]})
    assert best_row_per_symbol(symbols, values).tolist() == [False, True, True, False]


def test_non_numeric_expression_cell_is_an_error_with_line_and_column(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("gene_symbol\tS1\tS2\nESR1\t3\t4\nPGR\t2\thigh\n")
    with pytest.raises(ImportInputError, match=r"bad.tsv, line 3, column 'S2': not a number: "
                                               r"'high'"):
        import_expression([path], ImportOptions(ids="sample"))


# --- clinical ---------------------------------------------------------------------------------


def test_clinical_mapping_values_patterns_factor_and_passthrough():
    result = run_importer("clinical", [CLINICAL], ImportOptions(mapping=MAPPING))
    clinical = result.tables["clinical"]
    assert clinical[["patient_id", "age_years", "lymph_node_status", "rfs_months"]
                    ].values.tolist() == [
        ["TCGA-A1-A0SB", "70", "negative", "8.5150653"],
        ["TCGA-A2-A04W", "50", "positive", "63.0575106"],
        ["TCGA-A1-A0SG", "61", "positive", "14.2684878"],
        ["TCGA-A2-A0CK", "60", "positive", "125.588994"],
        ["TCGA-A8-A07W", "76", "unknown", "9.9945168"],
        ["TCGA-A1-A0SN", "50", "positive", "39.3205332"],
    ]
    assert list(clinical.columns[-2:]) == ["pathologic_T", "histological_type"]
    assert clinical["pathologic_T"].tolist() == ["T1c", "T2", "T2", "T3", "T2", "T1c"]
    assert (clinical["calcification_birads"] == "").all()


def test_clinical_value_not_in_mapping_is_an_error_naming_file_line_column_value(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(MAPPING.read_text().replace(', NX: unknown', ''))
    with pytest.raises(ImportInputError, match=r"tcga_brca_clinical_subset.tsv, line 6, column "
                                               r"'pathologic_N': value 'NX' is not covered"):
        run_importer("clinical", [CLINICAL], ImportOptions(mapping=mapping))
    mapping.write_text(MAPPING.read_text().replace(', NX: unknown}', '}\n  default: unknown'))
    result = run_importer("clinical", [CLINICAL], ImportOptions(mapping=mapping))
    assert result.tables["clinical"]["lymph_node_status"].iloc[4] == "unknown"


def test_clinical_mapping_of_unknown_target_is_an_error(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("patient_id: Tumor_Sample_Barcode\nnodes: {column: pathologic_N}\n")
    with pytest.raises(ImportInputError, match="'nodes' is not a clinical column"):
        run_importer("clinical", [CLINICAL], ImportOptions(mapping=mapping))


def test_clinical_mapping_extra_columns_make_new_grouping_columns(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "patient_id: Tumor_Sample_Barcode\n"
        "extra_columns:\n"
        "  histological_type:\n"
        "    column: histological_type\n"
        "    values: {Infiltrating_Ductal_Carcinoma: ductal,\n"
        "             Infiltrating_Lobular_Carcinoma: lobular}\n"
        "    default: other\n"
        "passthrough: [pathologic_T]\n"
    )
    clinical = run_importer("clinical", [CLINICAL], ImportOptions(mapping=mapping)
                            ).tables["clinical"]
    source = pd.read_csv(CLINICAL, sep="\t", dtype=str, keep_default_na=False)
    expected = source["histological_type"].map(
        {"Infiltrating_Ductal_Carcinoma": "ductal", "Infiltrating_Lobular_Carcinoma": "lobular"}
    ).fillna("other")
    assert clinical["histological_type"].tolist() == expected.tolist()
    assert list(clinical.columns[-2:]) == ["histological_type", "pathologic_T"]


def test_clinical_mapping_extra_column_named_like_ours_is_an_error(tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("patient_id: Tumor_Sample_Barcode\n"
                       "extra_columns: {lymph_node_status: {column: pathologic_N}}\n")
    with pytest.raises(ImportInputError, match="extra_columns lymph_node_status are columns of "
                                               "the raw layout"):
        run_importer("clinical", [CLINICAL], ImportOptions(mapping=mapping))


def test_cbioportal_clinical_joins_the_primary_sample():
    result = run_importer("clinical", [STUDY / "data_clinical_patient.txt",
                                       STUDY / "data_clinical_sample.txt"], ImportOptions())
    clinical = result.tables["clinical"]
    assert clinical[["patient_id", "age_years", "SAMPLE_ID", "DFS_STATUS"]].values.tolist() == [
        ["TCGA-A2-A0T5", "63", "TCGA-A2-A0T5-01", "1:Recurred/Progressed"],
        ["TCGA-A1-A0SN", "50", "TCGA-A1-A0SN-01", "0:DiseaseFree"],
        ["TCGA-A2-A0CM", "40", "TCGA-A2-A0CM-01", ""],
    ]
    assert result.excluded == {"data_clinical_sample.txt: sample not kept for its patient "
                               "(not primary, or a second sample)": 1}


# --- cBioPortal study and the CLI -------------------------------------------------------------


def test_cbioportal_study_import_through_the_cli(tmp_path, capsys):
    out = tmp_path / "raw"
    assert main(["import", "cbioportal", str(STUDY), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "all passed" in printed
    assert "--vars '{expression_scale: fpkm}'" in printed
    maf = pd.read_csv(out / "mutations.maf", sep="\t", dtype=str, keep_default_na=False)
    assert maf[["Hugo_Symbol", "Tumor_Sample_Barcode", "t_ref_count", "t_alt_count"]
               ].values.tolist() == [["AASS", "TCGA-A2-A0T5", "80", "30"],
                                     ["GATA3", "TCGA-A2-A0T5", "92", "34"],
                                     ["AKAP9", "TCGA-A1-A0SN", "", ""]]
    expression = pd.read_csv(out / "expression_fpkm.tsv", sep="\t")
    assert expression.columns.tolist() == ["gene_symbol", "TCGA-A2-A0T5", "TCGA-A1-A0SN",
                                           "TCGA-A2-A0CM"]
    assert expression["gene_symbol"].tolist() == ["ESR1", "GATA3", "FOXA1", "PGR"]
    assert expression.loc[3, "TCGA-A2-A0CM"] == pytest.approx(410.9977)  # higher-mean PGR row
    record = json.loads((out / "calcomics_import.json").read_text())
    assert record[0]["format"] == "cbioportal"
    assert record[0]["dbt_vars"] == {"expression_scale": "fpkm"}
    # a second import refuses to overwrite, and says so
    assert main(["import", "maf", str(GDC_MAF), "--out", str(out)]) == 2
    assert "already exist" in capsys.readouterr().err
    assert main(["import", "maf", str(GDC_MAF), "--out", str(out), "--force"]) == 0


def test_import_that_breaks_a_rule_writes_nothing(tmp_path, capsys):
    out = tmp_path / "raw"
    assert main(["import", "cbioportal", str(STUDY), "--out", str(out)]) == 0
    before = (out / "mutations.maf").read_bytes()
    # the GDC MAF names patient TCGA-A2-A0T5 and TCGA-A1-A0SN, both in clinical.csv: passes;
    # sample-level ids are not clinical patient ids: validation fails, nothing is replaced
    code = main(["import", "maf", str(GDC_MAF), "--out", str(out), "--force", "--ids", "sample"])
    captured = capsys.readouterr()
    assert code == 2
    assert "Tumor_Sample_Barcode" in captured.err
    assert "Nothing was written" in captured.err
    assert (out / "mutations.maf").read_bytes() == before
    assert not list(out.glob(".calcomics-import-*"))


def test_unknown_input_file_exit_code_2(tmp_path, capsys):
    assert main(["import", "expression", str(tmp_path / "nope.tsv"), "--out",
                 str(tmp_path / "raw")]) == 2
    assert "input not found" in capsys.readouterr().err


def test_every_registered_adapter_resolves():
    for spec in IMPORTERS.values():
        assert callable(spec.adapter())
