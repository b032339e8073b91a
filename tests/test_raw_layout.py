"""Optional layers: header-only templates stand in for absent omics files (issue 10, §1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from calcomics.warehouse.raw_layout import (
    CLINICAL_MISSING_VALUES,
    COMMENTED_RAW_FILES,
    RAW_FILES,
    REQUIRED_RAW_FILES,
    absent_layers,
    layer_template,
    raw_file_environment,
    raw_file_path,
)
from calcomics.warehouse.validation.vocabulary import load_vocabulary

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCES = PROJECT_DIR / "warehouse" / "models" / "staging" / "_raw__sources.yml"
OPTIONAL = sorted(set(RAW_FILES) - REQUIRED_RAW_FILES)


@pytest.mark.parametrize("table", OPTIONAL)
def test_template_header_is_the_layout_of_the_source(table):
    header = layer_template(table).read_text().splitlines()
    required = [rule.name for rule in load_vocabulary(PROJECT_DIR)[table] if rule.name != "*"]
    assert header == ["\t".join(required)]


@pytest.mark.parametrize("table", sorted(RAW_FILES))
def test_every_source_reads_its_file_variable(table):
    variable = f"CALCOMICS_RAW_FILE_{table.upper()}"
    text = SOURCES.read_text()
    assert (
        f"(env_var('{variable}', '') or env_var('CALCOMICS_RAW_DIR', 'data/raw') ~ "
        f"'/{RAW_FILES[table]}')" in text
    )


def test_environment_points_absent_layers_at_templates(tmp_path):
    (tmp_path / "clinical.csv").write_text("patient_id\nP1\n")
    (tmp_path / "mutations.maf").write_text("x\n")
    environment = raw_file_environment(tmp_path)
    assert absent_layers(tmp_path) == [t for t in RAW_FILES if t not in {"clinical", "mutations"}]
    assert environment["CALCOMICS_RAW_FILE_MUTATIONS"] == str(tmp_path.resolve() / "mutations.maf")
    assert environment["CALCOMICS_RAW_FILE_SEGMENTS"] == str(layer_template("segments"))
    assert environment["CALCOMICS_RAW_FILE_CLINICAL"] == str(tmp_path.resolve() / "clinical.csv")


def test_gzipped_files_are_read_where_the_plain_name_is_missing(tmp_path):
    (tmp_path / "clinical.csv.gz").write_bytes(b"")
    (tmp_path / "segments.tsv.gz").write_bytes(b"")
    environment = raw_file_environment(tmp_path)
    assert "segments" not in absent_layers(tmp_path)
    assert raw_file_path(tmp_path, "segments") == tmp_path / "segments.tsv.gz"
    assert environment["CALCOMICS_RAW_FILE_SEGMENTS"] == str(tmp_path.resolve() / "segments.tsv.gz")
    assert environment["CALCOMICS_RAW_FILE_CLINICAL"] == str(
        tmp_path.resolve() / "clinical.csv.gz")
    assert raw_file_path(tmp_path, "mutations") is None


def test_commented_files_agree_with_the_dbt_sources():
    """Exactly the sources read with comment = '#' are the tables validation reads so."""
    document = yaml.safe_load(SOURCES.read_text())
    tables = next(s for s in document["sources"] if s["name"] == "raw")["tables"]
    commented = {table["name"] for table in tables
                 if "comment = '#'" in table["config"]["external_location"]}
    assert commented == set(COMMENTED_RAW_FILES)


def test_clinical_missing_values_agree_with_the_dbt_sources():
    nullstrs = re.findall(r"nullstr = \[([^\]]*)\]", SOURCES.read_text())
    assert len(nullstrs) == 2  # clinical and clinical_attributes
    for listed in nullstrs:
        assert tuple(re.findall(r"'([^']*)'", listed)) == CLINICAL_MISSING_VALUES
