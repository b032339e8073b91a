"""Optional layers: header-only templates stand in for absent omics files (issue 10, §1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calcomics.warehouse.raw_layout import (
    CLINICAL_MISSING_VALUES,
    RAW_FILES,
    REQUIRED_RAW_FILES,
    absent_layers,
    layer_template,
    raw_file_environment,
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


@pytest.mark.parametrize("table", OPTIONAL)
def test_every_optional_source_reads_its_file_variable(table):
    variable = f"CALCOMICS_RAW_FILE_{table.upper()}"
    text = SOURCES.read_text()
    assert (
        f"env_var('{variable}', env_var('CALCOMICS_RAW_DIR', 'data/raw') ~ '/{RAW_FILES[table]}')"
        in text
    )


def test_environment_points_absent_layers_at_templates(tmp_path):
    (tmp_path / "clinical.csv").write_text("patient_id\nP1\n")
    (tmp_path / "mutations.maf").write_text("x\n")
    environment = raw_file_environment(tmp_path)
    assert absent_layers(tmp_path) == [t for t in RAW_FILES if t not in {"clinical", "mutations"}]
    assert environment["CALCOMICS_RAW_FILE_MUTATIONS"] == str(tmp_path.resolve() / "mutations.maf")
    assert environment["CALCOMICS_RAW_FILE_SEGMENTS"] == str(layer_template("segments"))
    assert "CALCOMICS_RAW_FILE_CLINICAL" not in environment


def test_clinical_missing_values_agree_with_the_dbt_sources():
    nullstrs = re.findall(r"nullstr = \[([^\]]*)\]", SOURCES.read_text())
    assert len(nullstrs) == 2  # clinical and clinical_attributes
    for listed in nullstrs:
        assert tuple(re.findall(r"'([^']*)'", listed)) == CLINICAL_MISSING_VALUES
