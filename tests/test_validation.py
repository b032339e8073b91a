"""Bad raw input stops the job with a message naming file, line, column and rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calcomics.warehouse.build import build_warehouse
from calcomics.warehouse.validation.raw_files import RawDataError, validate_raw_dir

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture()
def raw(small_raw_dir, tmp_path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(small_raw_dir, copy)
    return copy


def _clinical(raw: Path) -> pd.DataFrame:
    return pd.read_csv(raw / "clinical.csv", dtype=str, keep_default_na=False)


def _write_clinical(raw: Path, frame: pd.DataFrame) -> None:
    frame.to_csv(raw / "clinical.csv", index=False)


def _messages(raw: Path) -> list[str]:
    report = validate_raw_dir(raw)
    assert not report.ok
    return [failure.message() for failure in report.failures]


def test_clean_cohort_passes(small_raw_dir):
    report = validate_raw_dir(small_raw_dir)
    assert report.ok, report.summary()
    assert len(report.checked_files) == 7 and report.n_expectations > 50


def test_missing_column(raw):
    _write_clinical(raw, _clinical(raw).drop(columns="age_years"))
    assert "clinical.csv, column 'age_years': required column is missing" in _messages(raw)


def test_duplicate_patient_id(raw):
    clinical = _clinical(raw)
    clinical.loc[4, "patient_id"] = clinical.loc[3, "patient_id"]  # file lines 5 and 6
    _write_clinical(raw, clinical)
    duplicate = clinical.loc[3, "patient_id"]
    assert (
        f"clinical.csv, column 'patient_id': values must be unique (duplicate) — 2 row(s) fail, "
        f"line(s) 5, 6; offending value(s): '{duplicate}'"
    ) in _messages(raw)


def test_unknown_birads_code(raw):
    clinical = _clinical(raw)
    clinical.loc[6, "calcification_birads"] = "6"  # file line 8
    _write_clinical(raw, clinical)
    assert (
        "clinical.csv, column 'calcification_birads': value not allowed "
        "(allowed: 2, 3, 4A, 4B, 4C, 5, none) — 1 row(s) fail, line(s) 8; offending value(s): '6'"
    ) in _messages(raw)


def test_birads_codes_are_case_normalised(raw):
    clinical = _clinical(raw)
    clinical["calcification_birads"] = clinical["calcification_birads"].str.lower()
    _write_clinical(raw, clinical)
    assert validate_raw_dir(raw).ok


def test_non_numeric_value(raw):
    clinical = _clinical(raw)
    clinical.loc[1, "age_years"] = "fifty"  # file line 3
    _write_clinical(raw, clinical)
    assert (
        "clinical.csv, column 'age_years': value must be numeric — 1 row(s) fail, line(s) 3; "
        "offending value(s): 'fifty'"
    ) in _messages(raw)


def test_out_of_range_value(raw):
    clinical = _clinical(raw)
    clinical.loc[0, "ki67_ihc_pct"] = "140"
    _write_clinical(raw, clinical)
    assert (
        "clinical.csv, column 'ki67_ihc_pct': value must lie in [0, 100] — 1 row(s) fail, "
        "line(s) 2; offending value(s): '140'"
    ) in _messages(raw)


def test_maf_sample_not_in_clinical(raw):
    maf = pd.read_csv(raw / "mutations.maf", sep="\t", dtype=str, keep_default_na=False)
    maf.loc[2, "Tumor_Sample_Barcode"] = "P9999"  # file line 4
    maf.to_csv(raw / "mutations.maf", sep="\t", index=False)
    assert (
        "mutations.maf, column 'Tumor_Sample_Barcode': sample id not found among clinical.csv "
        "patient_id values — 1 row(s) fail, line(s) 4; offending value(s): 'P9999'"
    ) in _messages(raw)


def test_expression_sample_not_in_clinical(raw):
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t")
    expression = expression.rename(columns={expression.columns[1]: "P9999"})
    expression.to_csv(raw / "expression_fpkm.tsv", sep="\t", index=False)
    assert (
        "expression_fpkm.tsv, column 'header (sample columns)': sample id not found among "
        "clinical.csv patient_id values — 1 row(s) fail, line(s) 1; offending value(s): 'P9999'"
    ) in _messages(raw)


def test_negative_abundance(raw):
    lipids = pd.read_csv(raw / "lipidomics.tsv", sep="\t")
    sample = lipids.columns[2]
    lipids.loc[2, sample] = -1.5  # file line 4
    lipids.to_csv(raw / "lipidomics.tsv", sep="\t", index=False)
    assert (
        f"lipidomics.tsv, column '{sample}': abundance/expression must be >= 0 — 1 row(s) fail, "
        "line(s) 4; offending value(s): '-1.5'"
    ) in _messages(raw)


def test_non_numeric_matrix_cell(raw):
    polar = pd.read_csv(raw / "polar_metabolomics.tsv", sep="\t").astype(object)
    sample = polar.columns[1]
    polar.loc[0, sample] = "n.d."
    polar.to_csv(raw / "polar_metabolomics.tsv", sep="\t", index=False)
    assert (
        f"polar_metabolomics.tsv, column '{sample}': value must be numeric — 1 row(s) fail, "
        "line(s) 2; offending value(s): 'n.d.'"
    ) in _messages(raw)


def test_absent_omics_file_is_allowed_and_reported(raw):
    (raw / "segments.tsv").unlink()
    report = validate_raw_dir(raw, PROJECT_DIR)
    assert report.ok, report.summary()
    assert report.absent_files == ["segments.tsv"]
    assert "absent (their marts build empty; see rpt_analysis_coverage): segments.tsv" in (
        report.summary()
    )


def test_missing_clinical_file(raw):
    (raw / "clinical.csv").unlink()
    assert f"clinical.csv: required raw file is missing in {raw}" in _messages(raw)


def test_metabolite_matrix_needs_the_annotation(raw):
    (raw / "metabolite_annotation.tsv").unlink()
    assert (
        f"lipidomics.tsv: needs metabolite_annotation.tsv (feature names, platform, class) in {raw}"
    ) in _messages(raw)


def test_ragged_file(raw):
    with (raw / "clinical.csv").open("a") as handle:
        handle.write("P9998,50,2,b,absent,absent,1.2,negative,absent,II,80,50,10,0,,yes,70,0,extra\n")
    messages = _messages(raw)
    n_lines = len((raw / "clinical.csv").read_text().splitlines())
    assert messages == [
        "clinical.csv: every row must have the header's 18 fields (ragged or truncated row) — "
        f"1 row(s) fail, line(s) {n_lines}; offending value(s): '19 field(s)'"
    ]


def test_every_problem_reported_at_once(raw):
    clinical = _clinical(raw)
    clinical.loc[1, "age_years"] = "fifty"
    clinical.loc[6, "calcification_birads"] = "6"
    _write_clinical(raw, clinical.drop(columns="her2_ihc"))
    messages = _messages(raw)
    assert len(messages) == 3
    assert any("'her2_ihc': required column is missing" in m for m in messages)


def test_bad_input_stops_build_and_keeps_previous_warehouse(raw, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"previous warehouse")
    clinical = _clinical(raw)
    clinical.loc[6, "calcification_birads"] = "6"
    _write_clinical(raw, clinical)
    with pytest.raises(RawDataError) as error:
        build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True)
    assert "nothing was written to the warehouse" in str(error.value)
    assert "clinical.csv, column 'calcification_birads'" in str(error.value)
    assert warehouse.read_bytes() == b"previous warehouse"
    assert not (tmp_path / "warehouse.duckdb.building").exists()


def test_maf_end_before_start_and_non_integer_position(raw):
    maf = pd.read_csv(raw / "mutations.maf", sep="\t", dtype=str, keep_default_na=False)
    maf.loc[0, "End_Position"] = str(int(maf.loc[0, "Start_Position"]) - 5)  # file line 2
    maf.loc[3, "Start_Position"] = "12x4"  # file line 5
    maf.to_csv(raw / "mutations.maf", sep="\t", index=False)
    messages = _messages(raw)
    assert any(m.startswith("mutations.maf, column 'End_Position': End_Position must be >= "
                            "Start_Position — 1 row(s) fail, line(s) 2") for m in messages)
    assert (
        "mutations.maf, column 'Start_Position': value must be an integer — 1 row(s) fail, "
        "line(s) 5; offending value(s): '12x4'"
    ) in messages


def test_segment_rules(raw):
    segments = pd.read_csv(raw / "segments.tsv", sep="\t", dtype=str)
    segments.loc[0, "total_cn"] = "-1"  # file line 2
    segments.loc[1, "Chromosome"] = "chr99"  # file line 3
    segments.to_csv(raw / "segments.tsv", sep="\t", index=False)
    messages = _messages(raw)
    assert (
        "segments.tsv, column 'total_cn': value must lie in [0, ∞] — 1 row(s) fail, line(s) 2; "
        "offending value(s): '-1'"
    ) in messages
    assert any(m.startswith("segments.tsv, column 'Chromosome': value not allowed")
               and "line(s) 3; offending value(s): 'chr99'" in m for m in messages)


def test_duplicate_segment_start_within_sample_and_chromosome(raw):
    segments = pd.read_csv(raw / "segments.tsv", sep="\t", dtype=str)
    segments.loc[3] = segments.loc[2]  # file lines 4 and 5; '1' and 'chr1' are one chromosome
    segments.loc[3, "Chromosome"] = segments.loc[2, "Chromosome"].replace("chr", "")
    segments.to_csv(raw / "segments.tsv", sep="\t", index=False)
    assert any(
        m.startswith("segments.tsv, column 'Start_position': values must be unique within "
                     "SampleID, Chromosome (duplicate) — 2 row(s) fail, line(s) 4, 5")
        for m in _messages(raw)
    )


def test_survival_rules_negative_time_and_bad_event(raw):
    clinical = _clinical(raw)
    clinical.loc[0, "rfs_months"] = "-3.5"  # file line 2
    clinical.loc[4, "rfs_event"] = "2"  # file line 6
    _write_clinical(raw, clinical)
    messages = _messages(raw)
    assert (
        "clinical.csv, column 'rfs_months': value must lie in [0, ∞] — 1 row(s) fail, "
        "line(s) 2; offending value(s): '-3.5'"
    ) in messages
    assert (
        "clinical.csv, column 'rfs_event': value not allowed (allowed: 0, 1) — 1 row(s) fail, "
        "line(s) 6; offending value(s): '2'"
    ) in messages


def test_matrix_without_sample_columns(raw):
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t")
    expression[["gene_symbol"]].to_csv(raw / "expression_fpkm.tsv", sep="\t", index=False)
    assert (
        "expression_fpkm.tsv, column 'header (sample columns)': matrix has feature rows but no "
        "sample column — 1 row(s) fail, line(s) 1"
    ) in _messages(raw)


def test_header_only_matrix_is_an_absent_layer(raw):
    (raw / "expression_fpkm.tsv").write_text("gene_symbol\n")
    report = validate_raw_dir(raw, PROJECT_DIR)
    assert report.ok, report.summary()
    assert report.absent_files == ["expression_fpkm.tsv (header only: no sample column)"]


def test_matrix_checked_in_row_blocks_reports_as_one_pass(raw, monkeypatch):
    """A large matrix is parsed a block of rows at a time (bounded memory); the report is
    the one a single pass over the whole file gives: same rules, columns, lines, counts and
    the same expression-scale verdict."""
    from calcomics.warehouse.validation import raw_files

    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t").astype(object)
    first, second = expression.columns[1], expression.columns[3]
    for row, column, value in ((1, first, "n.d."), (40, second, "NA"), (41, first, "-2"),
                               (300, second, "-7"), (301, second, "inf")):
        expression.loc[row, column] = value
    expression.to_csv(raw / "expression_fpkm.tsv", sep="\t", index=False)
    one_pass = _messages(raw)
    # blocks of 20 gene rows: the bad cells fall in three different blocks
    monkeypatch.setattr(raw_files, "MATRIX_BLOCK_CELLS", 20 * len(expression.columns))
    assert _messages(raw) == one_pass
    expected = (f"expression_fpkm.tsv, column '{first}, {second}': value must be numeric — "
                "2 row(s) fail, line(s) 3, 42; offending value(s): 'n.d.', 'NA'")
    assert expected in one_pass
    assert any("must be >= 0 — 2 row(s) fail, line(s) 43, 302" in m for m in one_pass)


def test_expression_scale_from_blocks_equals_the_whole_matrix():
    """Counts, FPKM and log matrices classify the same from row blocks as whole."""
    from calcomics.methods.transcriptomics.scale import (
        detect_expression_scale,
        detect_expression_scale_in_blocks,
    )

    rng = np.random.default_rng(5)
    counts = rng.poisson(50, size=(3000, 12)).astype(float)
    for matrix in (counts, counts / counts.sum(axis=0) * 1e3, np.log2(counts + 1)):
        matrix[7, 3] = np.nan
        whole = detect_expression_scale(matrix)
        blocks = detect_expression_scale_in_blocks(np.array_split(matrix, 7), matrix.shape[1])
        assert blocks.scale == whole.scale
        assert blocks.n_genes == whole.n_genes and blocks.integer_valued == whole.integer_valued
        assert blocks.column_sum_max == pytest.approx(whole.column_sum_max, rel=1e-12)


def test_unchanged_folder_that_passed_is_not_read_again(raw, tmp_path, monkeypatch):
    """A passed folder is remembered by the content of its files, the rules and the
    validator's code: the second run answers from the record, a changed file is checked
    again (and its failure reported), and the switch turns the record off."""
    from calcomics.warehouse.validation import raw_files

    monkeypatch.setenv("CALCOMICS_VALIDATION_CACHE_DIR", str(tmp_path / "cache"))
    first = validate_raw_dir(raw, PROJECT_DIR)
    assert first.ok and len(list((tmp_path / "cache").glob("*.json"))) == 1

    def not_again(*args, **kwargs):
        raise AssertionError("an unchanged folder that passed was validated again")

    with monkeypatch.context() as patched:
        patched.setattr(raw_files, "_validate_raw_dir", not_again)
        again = validate_raw_dir(raw, PROJECT_DIR)
        assert again.summary() == first.summary()
        with pytest.raises(AssertionError, match="validated again"):
            validate_raw_dir(raw, PROJECT_DIR, expression_scale="tpm")  # another verdict
        patched.setenv("CALCOMICS_VALIDATION_CACHE", "off")
        with pytest.raises(AssertionError, match="validated again"):
            validate_raw_dir(raw, PROJECT_DIR)
    clinical = _clinical(raw)
    clinical.loc[0, "patient_id"] = clinical.loc[1, "patient_id"]
    _write_clinical(raw, clinical)
    assert not validate_raw_dir(raw, PROJECT_DIR).ok
