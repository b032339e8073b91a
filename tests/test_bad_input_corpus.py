"""Bad-input corpus: every way a raw folder can be wrong is stopped at the door.

Each case copies the 40-patient ``small_raw_dir`` cohort, breaks one thing in one raw file
(or, for the good-input cases, writes something the README allows but which once was
refused) and runs ``build_warehouse`` on it over a previous warehouse file. A bad case must
raise :class:`RawDataError` whose first problem line is exactly the expected one (file, line,
column and rule), leave the previous warehouse byte-identical and never reach dbt (``run_dbt``
is replaced by a function that fails the test). A good case must pass validation.

Set ``CALCOMICS_CORPUS_TABLE=<path>`` to write the table "case → first problem line →
previous warehouse unchanged" of a run as Markdown.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from calcomics.warehouse import build as build_module
from calcomics.warehouse.validation.raw_files import RawDataError, validate_raw_dir

PROJECT_DIR = Path(__file__).resolve().parents[1]
PASSES = "passes"
RESULTS: dict[str, tuple[str, str]] = {}


@dataclass(frozen=True)
class Case:
    """One corpus entry: ``make`` breaks a raw copy and returns the expected first line."""

    name: str
    make: Callable[[Path], str]


CASES: list[Case] = []


def case(function: Callable[[Path], str]) -> Callable[[Path], str]:
    CASES.append(Case(function.__name__.removeprefix("case_"), function))
    return function


# --- editing a raw copy -----------------------------------------------------------------


def _sep(name: str) -> str:
    return "," if name.startswith("clinical.csv") else "\t"


def _read(raw: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(raw / name, sep=_sep(name), dtype=str, keep_default_na=False)


def _write(raw: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(raw / name, sep=_sep(name), index=False)


def _set(raw: Path, name: str, row: int, column: str, value: str) -> str:
    """Set one cell (data row ``row``, file line ``row + 2``); returns the old value."""
    frame = _read(raw, name)
    old = frame.loc[row, column]
    frame.loc[row, column] = value
    _write(raw, name, frame)
    return old


def _lines(raw: Path, name: str) -> list[str]:
    return (raw / name).read_text(encoding="utf-8").splitlines(keepends=True)


def _write_lines(raw: Path, name: str, lines: list[str]) -> None:
    (raw / name).write_text("".join(lines), encoding="utf-8")


def _first_sample(raw: Path, name: str) -> str:
    return _lines(raw, name)[0].rstrip("\n").split("\t")[1]


# --- the corpus: clinical.csv -------------------------------------------------------------


@case
def case_clinical_missing(raw: Path) -> str:
    (raw / "clinical.csv").unlink()
    return f"clinical.csv: required raw file is missing in {raw}"


@case
def case_clinical_header_only(raw: Path) -> str:
    _write_lines(raw, "clinical.csv", _lines(raw, "clinical.csv")[:1])
    return ("clinical.csv: clinical.csv has no patient rows (header only); every omics sample "
            "id is checked against them")


@case
def case_clinical_empty_file(raw: Path) -> str:
    (raw / "clinical.csv").write_bytes(b"")
    return "clinical.csv: file is empty (no header line)"


@case
def case_clinical_tab_separated(raw: Path) -> str:
    (raw / "clinical.csv").write_text((raw / "clinical.csv").read_text().replace(",", "\t"))
    return ("clinical.csv: fields must be comma-separated (the header line is tab-separated) "
            "— 1 row(s) fail, line(s) 1")


@case
def case_clinical_semicolon_separated(raw: Path) -> str:
    (raw / "clinical.csv").write_text((raw / "clinical.csv").read_text().replace(",", ";"))
    return ("clinical.csv: fields must be comma-separated (the header line is "
            "semicolon-separated) — 1 row(s) fail, line(s) 1")


@case
def case_clinical_latin1_byte(raw: Path) -> str:
    lines = (raw / "clinical.csv").read_bytes().split(b"\n")
    fields = lines[4].split(b",")
    fields[3] += b"\xe9"  # breast_density of line 5, written in Latin-1
    lines[4] = b",".join(fields)
    (raw / "clinical.csv").write_bytes(b"\n".join(lines))
    return ("clinical.csv, column 'breast_density': text must be UTF-8 encoded (undecodable "
            "byte) — 1 row(s) fail, line(s) 5; offending value(s): 'byte 0xe9'")


@case
def case_clinical_utf16(raw: Path) -> str:
    text = (raw / "clinical.csv").read_text()
    (raw / "clinical.csv").write_bytes(text.encode("utf-16"))
    return ("clinical.csv: text must be UTF-8 encoded (the file is UTF-16; save it as UTF-8) "
            "— 1 row(s) fail, line(s) 1")


@case
def case_clinical_spreadsheet_binary(raw: Path) -> str:
    (raw / "clinical.csv").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 64)
    return ("clinical.csv: file is not a text table (binary content / NUL bytes) — 1 row(s) "
            "fail, line(s) 1")


@case
def case_clinical_duplicated_column(raw: Path) -> str:
    lines = _lines(raw, "clinical.csv")
    lines[0] = lines[0].replace("pr_ihc_pct", "er_ihc_pct")
    _write_lines(raw, "clinical.csv", lines)
    return ("clinical.csv, column 'er_ihc_pct': column name appears more than once in the "
            "header (duplicate column) — 1 row(s) fail, line(s) 1")


@case
def case_clinical_missing_column(raw: Path) -> str:
    _write(raw, "clinical.csv", _read(raw, "clinical.csv").drop(columns="her2_ihc"))
    return "clinical.csv, column 'her2_ihc': required column is missing"


@case
def case_clinical_duplicate_patient(raw: Path) -> str:
    frame = _read(raw, "clinical.csv")
    frame.loc[4, "patient_id"] = frame.loc[3, "patient_id"]
    _write(raw, "clinical.csv", frame)
    return ("clinical.csv, column 'patient_id': values must be unique (duplicate) — 2 row(s) "
            f"fail, line(s) 5, 6; offending value(s): '{frame.loc[3, 'patient_id']}'")


@case
def case_clinical_empty_patient_id(raw: Path) -> str:
    _set(raw, "clinical.csv", 9, "patient_id", "")
    return ("clinical.csv, column 'patient_id': value is required (empty cell) — 1 row(s) "
            "fail, line(s) 11")


@case
def case_clinical_birads_code(raw: Path) -> str:
    _set(raw, "clinical.csv", 6, "calcification_birads", "6")
    return ("clinical.csv, column 'calcification_birads': value not allowed (allowed: 2, 3, "
            "4A, 4B, 4C, 5, none) — 1 row(s) fail, line(s) 8; offending value(s): '6'")


@case
def case_clinical_text_in_number(raw: Path) -> str:
    _set(raw, "clinical.csv", 1, "age_years", "fifty")
    return ("clinical.csv, column 'age_years': value must be numeric — 1 row(s) fail, "
            "line(s) 3; offending value(s): 'fifty'")


@case
def case_clinical_out_of_range(raw: Path) -> str:
    _set(raw, "clinical.csv", 0, "ki67_ihc_pct", "140")
    return ("clinical.csv, column 'ki67_ihc_pct': value must lie in [0, 100] — 1 row(s) "
            "fail, line(s) 2; offending value(s): '140'")


@case
def case_clinical_extra_field(raw: Path) -> str:
    lines = _lines(raw, "clinical.csv")
    lines[12] = lines[12].rstrip("\n") + ",extra\n"
    _write_lines(raw, "clinical.csv", lines)
    return ("clinical.csv: every row must have the header's 18 fields (ragged or truncated "
            "row) — 1 row(s) fail, line(s) 13; offending value(s): '19 field(s)'")


@case
def case_clinical_truncated_last_row(raw: Path) -> str:
    lines = _lines(raw, "clinical.csv")
    lines[-1] = ",".join(lines[-1].split(",")[:5])  # cut mid-row, no final newline
    _write_lines(raw, "clinical.csv", lines)
    return ("clinical.csv: every row must have the header's 18 fields (ragged or truncated "
            f"row) — 1 row(s) fail, line(s) {len(lines)}; offending value(s): '5 field(s)'")


@case
def case_clinical_rfs_event_without_time(raw: Path) -> str:
    event = _read(raw, "clinical.csv").loc[2, "rfs_event"]
    _set(raw, "clinical.csv", 2, "rfs_months", "")
    return ("clinical.csv, column 'rfs_event': rfs_event and rfs_months must be given together "
            "(both or neither) — 1 row(s) fail, line(s) 4; offending value(s): "
            f"'rfs_event={event}, rfs_months=empty'")


@case
def case_clinical_rfs_time_without_event(raw: Path) -> str:
    months = _read(raw, "clinical.csv").loc[7, "rfs_months"]
    _set(raw, "clinical.csv", 7, "rfs_event", "unknown")
    return ("clinical.csv, column 'rfs_event': rfs_event and rfs_months must be given together "
            "(both or neither) — 1 row(s) fail, line(s) 9; offending value(s): "
            f"'rfs_event=empty, rfs_months={months}'")


@case
def case_clinical_rfs_event_code(raw: Path) -> str:
    _set(raw, "clinical.csv", 4, "rfs_event", "2")
    return ("clinical.csv, column 'rfs_event': value not allowed (allowed: 0, 1) — 1 row(s) "
            "fail, line(s) 6; offending value(s): '2'")


@case
def case_clinical_negative_follow_up(raw: Path) -> str:
    _set(raw, "clinical.csv", 0, "rfs_months", "-3.5")
    return ("clinical.csv, column 'rfs_months': value must lie in [0, ∞] — 1 row(s) fail, "
            "line(s) 2; offending value(s): '-3.5'")


@case
def case_clinical_plain_and_gzipped(raw: Path) -> str:
    data = (raw / "clinical.csv").read_bytes()
    (raw / "clinical.csv.gz").write_bytes(gzip.compress(data))
    return f"clinical.csv: both clinical.csv and clinical.csv.gz are in {raw}; keep one"


@case
def case_good_clinical_bom_and_crlf(raw: Path) -> str:
    text = (raw / "clinical.csv").read_text()
    (raw / "clinical.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    return PASSES


@case
def case_good_clinical_gzipped(raw: Path) -> str:
    data = (raw / "clinical.csv").read_bytes()
    (raw / "clinical.csv.gz").write_bytes(gzip.compress(data))
    (raw / "clinical.csv").unlink()
    return PASSES


# --- mutations.maf ----------------------------------------------------------------------


@case
def case_good_maf_comment_lines_anywhere(raw: Path) -> str:
    lines = _lines(raw, "mutations.maf")
    lines[0:0] = ["#version 2.4\n"]
    lines[6:6] = ["#filter: PASS only\n"]
    lines.append("# end of file\n")
    _write_lines(raw, "mutations.maf", lines)
    return PASSES


@case
def case_good_maf_gzipped_with_comments(raw: Path) -> str:
    lines = _lines(raw, "mutations.maf")
    lines[10:10] = ["#a comment in the middle\n"]
    (raw / "mutations.maf.gz").write_bytes(gzip.compress("".join(lines).encode()))
    (raw / "mutations.maf").unlink()
    return PASSES


@case
def case_maf_hash_inside_a_line(raw: Path) -> str:
    _set(raw, "mutations.maf", 3, "HGVSp_Short", "p.R12#")
    return ("mutations.maf, column 'HGVSp_Short': '#' inside a data line starts a comment (the "
            "warehouse reader would drop the rest of the line) — 1 row(s) fail, line(s) 5; "
            "offending value(s): 'p.R12#'")


@case
def case_maf_comment_line_shifts_numbers(raw: Path) -> str:
    lines = _lines(raw, "mutations.maf")
    lines[2:2] = ["#comment\n"]  # data row 3 is now on line 5
    _write_lines(raw, "mutations.maf", lines)
    fields = lines[4].split("\t")
    fields[8] = "P9999"
    lines[4] = "\t".join(fields)
    _write_lines(raw, "mutations.maf", lines)
    return ("mutations.maf, column 'Tumor_Sample_Barcode': sample id not found among "
            "clinical.csv patient_id values — 1 row(s) fail, line(s) 5; offending value(s): "
            "'P9999'")


@case
def case_maf_gz_not_gzip(raw: Path) -> str:
    (raw / "mutations.maf").rename(raw / "mutations.maf.gz")
    return ("mutations.maf.gz: file is not a readable gzip file (Not a gzipped file "
            "(b'Hu'))")


@case
def case_maf_gzip_without_gz_name(raw: Path) -> str:
    data = (raw / "mutations.maf").read_bytes()
    (raw / "mutations.maf").write_bytes(gzip.compress(data))
    return ("mutations.maf: file is gzip-compressed but not named .gz (rename it "
            "mutations.maf.gz, or decompress it) — 1 row(s) fail, line(s) 1")


@case
def case_maf_zip_compressed(raw: Path) -> str:
    (raw / "mutations.maf").rename(raw / "mutations.maf.zip")
    return ("mutations.maf.zip: compressed raw files are read only as gzip (mutations.maf.gz); "
            "decompress mutations.maf.zip, or gzip mutations.maf")


@case
def case_maf_comma_separated(raw: Path) -> str:
    frame = _read(raw, "mutations.maf")
    frame.to_csv(raw / "mutations.maf", index=False)
    return ("mutations.maf: fields must be tab-separated (the header line is comma-separated) "
            "— 1 row(s) fail, line(s) 1")


@case
def case_maf_end_before_start(raw: Path) -> str:
    frame = _read(raw, "mutations.maf")
    start = int(frame.loc[0, "Start_Position"])
    _set(raw, "mutations.maf", 0, "End_Position", str(start - 5))
    return ("mutations.maf, column 'End_Position': End_Position must be >= Start_Position — "
            f"1 row(s) fail, line(s) 2; offending value(s): "
            f"'End_Position={start - 5}, Start_Position={start}'")


@case
def case_maf_non_integer_position(raw: Path) -> str:
    _set(raw, "mutations.maf", 3, "Start_Position", "12x4")
    return ("mutations.maf, column 'Start_Position': value must be an integer — 1 row(s) "
            "fail, line(s) 5; offending value(s): '12x4'")


@case
def case_maf_unknown_chromosome(raw: Path) -> str:
    _set(raw, "mutations.maf", 7, "Chromosome", "chr99")
    return ("mutations.maf, column 'Chromosome': value not allowed (allowed: 24 known ids) — "
            "1 row(s) fail, line(s) 9; offending value(s): 'chr99'")


@case
def case_maf_negative_read_count(raw: Path) -> str:
    _set(raw, "mutations.maf", 5, "t_alt_count", "-3")
    return ("mutations.maf, column 't_alt_count': value must lie in [0, ∞] — 1 row(s) fail, "
            "line(s) 7; offending value(s): '-3'")


# --- segments.tsv -----------------------------------------------------------------------


@case
def case_segments_alleles_above_total(raw: Path) -> str:
    frame = _read(raw, "segments.tsv")
    total, b_cn = frame.loc[4, "total_cn"], frame.loc[4, "B_cn"]
    _set(raw, "segments.tsv", 4, "A_cn", str(int(total) + 1))
    return ("segments.tsv, column 'total_cn': total_cn must be >= A_cn + B_cn — 1 row(s) fail, "
            f"line(s) 6; offending value(s): 'total_cn={total}, A_cn={int(total) + 1}, "
            f"B_cn={b_cn}'")


@case
def case_segments_huge_nul_file(raw: Path) -> str:
    with (raw / "segments.tsv").open("wb") as handle:
        handle.truncate(512 * 1024**2)  # 512 MiB of NUL bytes (sparse): 8 KB are read
    return ("segments.tsv: file is not a text table (binary content / NUL bytes) — 1 row(s) "
            "fail, line(s) 1")


@case
def case_segments_nul_after_header(raw: Path) -> str:
    lines = (raw / "segments.tsv").read_bytes().split(b"\n")
    lines[3] = lines[3] + b"\x00\x00"
    (raw / "segments.tsv").write_bytes(b"\n".join(lines))
    return ("segments.tsv: file is not a text table (binary content / NUL bytes) — 1 row(s) "
            "fail, line(s) 4")


@case
def case_segments_negative_total(raw: Path) -> str:
    _set(raw, "segments.tsv", 0, "total_cn", "-1")
    return ("segments.tsv, column 'total_cn': value must lie in [0, ∞] — 1 row(s) fail, "
            "line(s) 2; offending value(s): '-1'")


@case
def case_segments_duplicate_start(raw: Path) -> str:
    frame = _read(raw, "segments.tsv")
    frame.loc[3] = frame.loc[2]
    frame.loc[3, "Chromosome"] = frame.loc[2, "Chromosome"].replace("chr", "")
    _write(raw, "segments.tsv", frame)
    shown = (f"SampleID={frame.loc[2, 'SampleID']}, Chromosome={frame.loc[2, 'Chromosome']}, "
             f"Start_position={frame.loc[2, 'Start_position']}")
    return ("segments.tsv, column 'Start_position': values must be unique within SampleID, "
            f"Chromosome (duplicate) — 2 row(s) fail, line(s) 4, 5; offending value(s): "
            f"'{shown}'")


@case
def case_segments_sample_not_in_clinical(raw: Path) -> str:
    _set(raw, "segments.tsv", 10, "SampleID", "P0999")
    return ("segments.tsv, column 'SampleID': sample id not found among clinical.csv "
            "patient_id values — 1 row(s) fail, line(s) 12; offending value(s): 'P0999'")


# --- expression_fpkm.tsv ----------------------------------------------------------------


@case
def case_expression_nan_cell(raw: Path) -> str:
    _set(raw, "expression_fpkm.tsv", 5, _first_sample(raw, "expression_fpkm.tsv"), "NaN")
    return (f"expression_fpkm.tsv, column '{_first_sample(raw, 'expression_fpkm.tsv')}': "
            "value must be numeric — 1 row(s) fail, line(s) 7; offending value(s): 'NaN'")


@case
def case_expression_empty_cell(raw: Path) -> str:
    sample = _lines(raw, "expression_fpkm.tsv")[0].split("\t")[3]
    _set(raw, "expression_fpkm.tsv", 100, sample, "")
    return (f"expression_fpkm.tsv, column '{sample}': value is required (empty cell) — "
            "1 row(s) fail, line(s) 102")


@case
def case_expression_infinite_cell(raw: Path) -> str:
    sample = _first_sample(raw, "expression_fpkm.tsv")
    _set(raw, "expression_fpkm.tsv", 0, sample, "Inf")
    return (f"expression_fpkm.tsv, column '{sample}': value must be a finite number (Inf is "
            "not a measurement) — 1 row(s) fail, line(s) 2; offending value(s): 'inf'")


@case
def case_expression_truncated(raw: Path) -> str:
    data = (raw / "expression_fpkm.tsv").read_bytes()
    cut = data[: len(data) // 2]
    (raw / "expression_fpkm.tsv").write_bytes(cut)
    line = cut.count(b"\n") + 1
    fields = cut.rsplit(b"\n", 1)[1].count(b"\t") + 1
    return ("expression_fpkm.tsv: every row must have the header's 41 fields (ragged or "
            f"truncated row) — 1 row(s) fail, line(s) {line}; offending value(s): "
            f"'{fields} field(s)'")


@case
def case_expression_duplicated_sample(raw: Path) -> str:
    lines = _lines(raw, "expression_fpkm.tsv")
    lines[0] = lines[0].replace("P0004", "P0003")
    _write_lines(raw, "expression_fpkm.tsv", lines)
    return ("expression_fpkm.tsv, column 'P0003': column name appears more than once in the "
            "header (duplicate column) — 1 row(s) fail, line(s) 1")


@case
def case_expression_sample_not_in_clinical(raw: Path) -> str:
    lines = _lines(raw, "expression_fpkm.tsv")
    lines[0] = lines[0].replace("P0002", "P9999")
    _write_lines(raw, "expression_fpkm.tsv", lines)
    return ("expression_fpkm.tsv, column 'header (sample columns)': sample id not found among "
            "clinical.csv patient_id values — 1 row(s) fail, line(s) 1; offending value(s): "
            "'P9999'")


@case
def case_expression_comma_separated(raw: Path) -> str:
    text = (raw / "expression_fpkm.tsv").read_text()
    (raw / "expression_fpkm.tsv").write_text(text.replace("\t", ","))
    return ("expression_fpkm.tsv: fields must be tab-separated (the header line is "
            "comma-separated) — 1 row(s) fail, line(s) 1")


@case
def case_expression_trailing_tab(raw: Path) -> str:
    lines = _lines(raw, "expression_fpkm.tsv")
    lines = [line.rstrip("\n") + "\t\n" for line in lines]
    _write_lines(raw, "expression_fpkm.tsv", lines)
    return ("expression_fpkm.tsv: header has an empty column name (field 42; a stray "
            "delimiter?) — 1 row(s) fail, line(s) 1")


@case
def case_expression_duplicate_gene(raw: Path) -> str:
    lines = _lines(raw, "expression_fpkm.tsv")
    gene = lines[1].split("\t")[0]
    lines[2] = gene + lines[2][lines[2].index("\t"):]
    _write_lines(raw, "expression_fpkm.tsv", lines)
    return ("expression_fpkm.tsv, column 'gene_symbol': values must be unique (duplicate) — "
            f"2 row(s) fail, line(s) 2, 3; offending value(s): '{gene}'")


@case
def case_expression_wrong_first_column(raw: Path) -> str:
    lines = _lines(raw, "expression_fpkm.tsv")
    lines[0] = lines[0].replace("gene_symbol", "gene", 1)
    _write_lines(raw, "expression_fpkm.tsv", lines)
    return "expression_fpkm.tsv, column 'gene': first column must be 'gene_symbol' (found 'gene')"


@case
def case_good_expression_header_only(raw: Path) -> str:
    (raw / "expression_fpkm.tsv").write_text("gene_symbol\n")
    return PASSES


# --- metabolomics and annotation --------------------------------------------------------


@case
def case_lipidomics_feature_annotated_polar(raw: Path) -> str:
    _set(raw, "lipidomics.tsv", 3, "feature_id", "POL0001")
    return ("lipidomics.tsv, column 'feature_id': feature is annotated with another platform in "
            "metabolite_annotation.tsv (platform must be 'lipidomics' for the features of this "
            "file) — 1 row(s) fail, line(s) 5; offending value(s): 'POL0001'")


@case
def case_polar_feature_annotated_lipidomics(raw: Path) -> str:
    annotation = _read(raw, "metabolite_annotation.tsv")
    row = annotation.index[annotation["feature_id"] == "POL0002"][0]
    _set(raw, "metabolite_annotation.tsv", row, "platform", "lipidomics")
    return ("polar_metabolomics.tsv, column 'feature_id': feature is annotated with another "
            "platform in metabolite_annotation.tsv (platform must be 'polar' for the features "
            "of this file) — 1 row(s) fail, line(s) 3; offending value(s): 'POL0002'")


@case
def case_lipidomics_na_text(raw: Path) -> str:
    sample = _first_sample(raw, "lipidomics.tsv")
    _set(raw, "lipidomics.tsv", 2, sample, "NA")
    return (f"lipidomics.tsv, column '{sample}': value must be numeric — 1 row(s) fail, "
            "line(s) 4; offending value(s): 'NA'")


@case
def case_lipidomics_negative(raw: Path) -> str:
    sample = _first_sample(raw, "lipidomics.tsv")
    _set(raw, "lipidomics.tsv", 2, sample, "-1.5")
    return (f"lipidomics.tsv, column '{sample}': abundance/expression must be >= 0 — 1 row(s) "
            "fail, line(s) 4; offending value(s): '-1.5'")


@case
def case_polar_feature_not_annotated(raw: Path) -> str:
    _set(raw, "polar_metabolomics.tsv", 1, "feature_id", "POL9999")
    return ("polar_metabolomics.tsv, column 'feature_id': feature id not found in "
            "metabolite_annotation.tsv — 1 row(s) fail, line(s) 3; offending value(s): "
            "'POL9999'")


@case
def case_annotation_unknown_platform(raw: Path) -> str:
    _set(raw, "metabolite_annotation.tsv", 0, "platform", "nmr")
    return ("metabolite_annotation.tsv, column 'platform': value not allowed (allowed: "
            "lipidomics, polar) — 1 row(s) fail, line(s) 2; offending value(s): 'nmr'")


@case
def case_annotation_missing_for_matrices(raw: Path) -> str:
    (raw / "metabolite_annotation.tsv").unlink()
    return (f"lipidomics.tsv: needs metabolite_annotation.tsv (feature names, platform, class) "
            f"in {raw}")


# --- running a case ---------------------------------------------------------------------


def _previous_warehouse(path: Path) -> bytes:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table previous_build as select 42 as answer")
    return path.read_bytes()


def _no_dbt(*args, **kwargs):
    raise AssertionError("validation passed a bad raw folder: dbt would have run")


def _validation_through_the_build(raw: Path, warehouse: Path, target: Path) -> str:
    """First problem line of the RawDataError the build raises ('' if none is raised)."""
    try:
        build_module.build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True, target_path=target)
    except RawDataError as error:
        problems = [line for line in str(error).splitlines() if line.startswith("  - ")]
        return problems[0].removeprefix("  - ") if problems else ""
    return ""


@pytest.fixture(scope="module", autouse=True)
def _corpus_table():
    yield
    target = os.environ.get("CALCOMICS_CORPUS_TABLE")
    if target and RESULTS:
        rows = ["| case | first problem line | previous warehouse unchanged |",
                "|---|---|---|"]
        rows += ["| " + " | ".join((name, line.replace("|", "\\|"), unchanged)) + " |"
                 for name, (line, unchanged) in RESULTS.items()]
        Path(target).write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_corpus_is_large_and_distinct():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("entry", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_stopped_at_the_door(entry, small_raw_dir, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(small_raw_dir, raw)
    expected = entry.make(raw)
    if expected == PASSES:
        report = validate_raw_dir(raw, PROJECT_DIR)
        assert report.ok, report.summary()
        RESULTS[entry.name] = (PASSES, "n/a (valid input: the build goes on to dbt)")
        return
    monkeypatch.setattr(build_module, "run_dbt", _no_dbt)
    warehouse = tmp_path / "warehouse.duckdb"
    before = _previous_warehouse(warehouse)
    first = _validation_through_the_build(raw, warehouse, tmp_path / "target")
    unchanged = warehouse.read_bytes() == before
    RESULTS[entry.name] = (first.replace(str(raw), "<raw_dir>"), "yes" if unchanged else "NO")
    assert first == expected
    assert unchanged
    assert not (tmp_path / "warehouse.duckdb.building").exists()
