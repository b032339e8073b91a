"""`calcomics validate` and the dbt raw tests accept and reject the same values.

Two raw folders, each checked by both sides: one whose codes differ from the canonical
spelling only in case and surrounding spaces (both must accept it), one with one rule broken
in each of many columns (both must reject it, naming the same file and column set). The dbt
side is a real build of the raw sources, their tests and the staging models, into a private
DuckDB file and target folder.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from calcomics.warehouse.build import dbt_executable
from calcomics.warehouse.raw_layout import RAW_FILES, raw_file_environment
from calcomics.warehouse.validation.raw_files import validate_raw_dir

PROJECT_DIR = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.dbt


def _read(raw: Path, name: str) -> pd.DataFrame:
    sep = "," if name.endswith(".csv") else "\t"
    return pd.read_csv(raw / name, sep=sep, dtype=str, keep_default_na=False)


def _write(raw: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_csv(raw / name, sep="," if name.endswith(".csv") else "\t", index=False)


def _edit(raw: Path, name: str, edits: dict[tuple[int, str], str]) -> None:
    frame = _read(raw, name)
    for (row, column), value in edits.items():
        frame.loc[row, column] = value
    _write(raw, name, frame)


def _dbt_raw_build(raw: Path, work: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """dbt build of raw sources + staging; (file, column) of failed raw tests, other failures."""
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **raw_file_environment(raw),
        "CALCOMICS_RAW_DIR": str(raw),
        "CALCOMICS_DUCKDB_PATH": str(work / "w.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    target = work / "target"
    process = subprocess.run(
        [dbt_executable(), "build", "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROJECT_DIR), "--target-path", str(target),
         "--log-path", str(work / "logs"),
         "--select", "staging", "source:raw", "resource_type:seed",
         "--indirect-selection", "cautious"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False,
    )
    results_path = target / "run_results.json"
    assert results_path.is_file(), process.stdout[-3000:] + process.stderr[-2000:]
    results = json.loads(results_path.read_text())["results"]
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    raw_failures: set[tuple[str, str]] = set()
    other: list[str] = []
    for result in results:
        if result["status"] not in {"fail", "error"}:
            continue
        node = nodes.get(result["unique_id"], {})
        model = (node.get("test_metadata") or {}).get("kwargs", {}).get("model", "")
        table = re.search(r"source\('raw', '(\w+)'\)", model)
        if node.get("resource_type") == "test" and table and table.group(1) in RAW_FILES:
            raw_failures.add((RAW_FILES[table.group(1)], node["column_name"]))
        else:
            other.append(f"{result['unique_id']}: {result.get('message')}")
    if not raw_failures and not other:
        assert process.returncode == 0, process.stdout[-3000:]
    return raw_failures, other


def _validate_failures(raw: Path) -> set[tuple[str, str]]:
    return {(f.file, f.column or "") for f in validate_raw_dir(raw, PROJECT_DIR).failures}


@pytest.fixture()
def raw(small_raw_dir, tmp_path) -> Path:
    copy = tmp_path / "raw"
    shutil.copytree(small_raw_dir, copy)
    return copy


def test_case_and_space_variants_pass_both(raw, tmp_path):
    _edit(raw, "clinical.csv", {
        (0, "focal_asymmetry"): "Present",
        (1, "lymph_node_status"): " POSITIVE ",
        (2, "calcification_birads"): "4a",
        (3, "calcification_birads"): "None",
        (4, "breast_density"): "C",
        (5, "histological_grade"): " II ",
        (6, "endocrine_therapy"): "Yes",
        (7, "lymphovascular_invasion"): "Unknown",
        (8, "architectural_distortion"): "ABSENT",
        (9, "her2_ihc"): " 1+",
        (10, "snf_subtype"): "SNF2 ",
        (11, "age_years"): "100",
    })
    maf = _read(raw, "mutations.maf")
    bare = maf.loc[0, "Chromosome"].replace("chr", "")
    _edit(raw, "mutations.maf", {
        (0, "Chromosome"): bare,
        (1, "Tumor_Sample_Barcode"): f" {maf.loc[1, 'Tumor_Sample_Barcode']} ",
    })
    segments = _read(raw, "segments.tsv")
    _edit(raw, "segments.tsv", {(0, "SampleID"): f"{segments.loc[0, 'SampleID']} "})
    annotation = _read(raw, "metabolite_annotation.tsv")
    _edit(raw, "metabolite_annotation.tsv",
          {(0, "platform"): annotation.loc[0, "platform"].upper()})
    # '#' comment lines anywhere in the MAF, and the MAF gzipped (read_csv decompresses it).
    lines = (raw / "mutations.maf").read_text().splitlines(keepends=True)
    lines[5:5] = ["#version 2.4 (a comment in the middle)\n"]
    (raw / "mutations.maf.gz").write_bytes(gzip.compress("".join(lines).encode()))
    (raw / "mutations.maf").unlink()

    assert _validate_failures(raw) == set()
    raw_failures, other = _dbt_raw_build(raw, tmp_path / "accept")
    assert raw_failures == set() and other == []


def test_broken_rules_fail_both_in_the_same_columns(raw, tmp_path):
    maf = _read(raw, "mutations.maf")
    _edit(raw, "clinical.csv", {
        (0, "age_years"): "110",
        (1, "focal_asymmetry"): "maybe",
        (2, "calcification_birads"): "6",
        (3, "endocrine_therapy"): "perhaps",
        (4, "tumor_size_cm"): "45",
        (5, "histological_grade"): "IV",
        (6, "rfs_event"): "2",
        (7, "lymph_node_status"): "N1",  # (an empty cell is allowed: not known)
        (8, "her2_ihc"): "3+",
        (9, "breast_density"): "e",
        (10, "ki67_ihc_pct"): "101",
        (11, "rfs_months"): "-1",
    })
    _edit(raw, "mutations.maf", {
        (0, "Variant_Type"): "XYZ",
        (1, "Variant_Classification"): "Not_A_Class",
        (2, "End_Position"): str(int(maf.loc[2, "Start_Position"]) - 1),
        (3, "Chromosome"): "chr99",
        (4, "Tumor_Sample_Barcode"): "P9999",
        (5, "t_alt_count"): "-3",
    })
    segments = _read(raw, "segments.tsv")
    segments.loc[3] = segments.loc[2]  # the same segment again, chromosome spelt without chr
    segments.loc[3, "Chromosome"] = segments.loc[2, "Chromosome"].replace("chr", "")
    _write(raw, "segments.tsv", segments)
    _edit(raw, "segments.tsv", {(0, "total_cn"): "-1", (1, "Chromosome"): "25"})
    _edit(raw, "metabolite_annotation.tsv", {(0, "platform"): "nmr"})

    expected = {
        ("clinical.csv", column) for column in (
            "age_years", "focal_asymmetry", "calcification_birads", "endocrine_therapy",
            "tumor_size_cm", "histological_grade", "rfs_event", "lymph_node_status",
            "her2_ihc", "breast_density", "ki67_ihc_pct", "rfs_months")
    } | {
        ("mutations.maf", column) for column in (
            "Variant_Type", "Variant_Classification", "End_Position", "Chromosome",
            "Tumor_Sample_Barcode", "t_alt_count")
    } | {("segments.tsv", "total_cn"), ("segments.tsv", "Chromosome"),
         ("segments.tsv", "Start_position"), ("metabolite_annotation.tsv", "platform"),
         # the feature annotated 'nmr' is in lipidomics.tsv: annotated with another platform
         ("lipidomics.tsv", "feature_id")}

    assert _validate_failures(raw) == expected
    raw_failures, other = _dbt_raw_build(raw, tmp_path / "reject")
    assert raw_failures == expected, other


def test_rules_across_columns_and_files_fail_both(raw, tmp_path):
    """An RFS event without its time, allele copy numbers above the total, and a lipidomics
    feature annotated as polar: each rule alone, so each must fail on both sides."""
    _edit(raw, "clinical.csv", {(2, "rfs_months"): ""})
    segments = _read(raw, "segments.tsv")
    _edit(raw, "segments.tsv", {(4, "A_cn"): str(int(segments.loc[4, "total_cn"]) + 1)})
    annotation = _read(raw, "metabolite_annotation.tsv")
    polar = annotation.loc[annotation["platform"] == "polar", "feature_id"].iloc[0]
    lipids = _read(raw, "lipidomics.tsv")
    _edit(raw, "lipidomics.tsv", {(0, "feature_id"): polar})
    assert polar not in set(lipids["feature_id"])

    expected = {("clinical.csv", "rfs_event"), ("segments.tsv", "total_cn"),
                ("lipidomics.tsv", "feature_id")}
    assert _validate_failures(raw) == expected
    raw_failures, other = _dbt_raw_build(raw, tmp_path / "rows")
    assert raw_failures == expected, other


def test_matrix_cell_rules_fail_both(raw, tmp_path):
    """An empty expression cell and a negative abundance (sample-cell rules of the YAML)."""
    expression = pd.read_csv(raw / "expression_fpkm.tsv", sep="\t")
    expression.iloc[3, 2] = None
    expression.to_csv(raw / "expression_fpkm.tsv", sep="\t", index=False)
    lipids = pd.read_csv(raw / "lipidomics.tsv", sep="\t")
    lipids.iloc[2, 1] = -0.5
    lipids.to_csv(raw / "lipidomics.tsv", sep="\t", index=False)
    empty_sample, negative_sample = expression.columns[2], lipids.columns[1]

    assert _validate_failures(raw) == {("expression_fpkm.tsv", empty_sample),
                                       ("lipidomics.tsv", negative_sample)}
    raw_failures, other = _dbt_raw_build(raw, tmp_path / "cells")
    assert raw_failures == set()
    assert sorted(name.split(":")[0].rsplit(".", 1)[0] for name in other) == [
        "test.calcomics.not_null_stg_raw__gene_expression_expression_value",
        "test.calcomics.values_between_stg_raw__lipid_abundances_abundance__0",
    ]
