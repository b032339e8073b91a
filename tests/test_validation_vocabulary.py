"""One vocabulary: the Great Expectations suites and the dbt raw tests hold the same rules.

The YAML side is read here on its own (plain PyYAML, not through
calcomics.warehouse.validation.vocabulary), so a rule that the vocabulary reader dropped or invented
would show up as a difference.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from calcomics.warehouse.raw_layout import RAW_FILES
from calcomics.warehouse.validation import raw_files
from calcomics.warehouse.validation.vocabulary import (
    NORMALISATIONS,
    RAW_SOURCES_YML,
    SAMPLE_CELLS,
    normalise,
    packaged_vocabulary,
    read_vocabulary,
)

PROJECT_DIR = Path(__file__).resolve().parents[1]
TABLES = ("clinical", "mutations", "segments", "metabolite_annotation")
MATRICES = ("expression", "lipidomics", "polar_metabolomics")
MEMBER_SENTINEL = "<member of {table}.{column}>"
# Where the sample cells of each wide matrix are tested by dbt (long value column).
STAGED_CELLS = {
    "expression": ("stg_raw__gene_expression", "expression_value"),
    "lipidomics": ("stg_raw__lipid_abundances", "abundance"),
    "polar_metabolomics": ("stg_raw__polar_metabolite_abundances", "abundance"),
}


def _raw_tables() -> dict[str, dict]:
    document = yaml.safe_load((PROJECT_DIR / RAW_SOURCES_YML).read_text())
    source = next(s for s in document["sources"] if s["name"] == "raw")
    return {table["name"]: table for table in source["tables"]}


def _seed(name: str, field: str) -> frozenset[str]:
    with (PROJECT_DIR / "warehouse" / "seeds" / f"{name}.csv").open(newline="") as handle:
        return frozenset(row[field] for row in csv.DictReader(handle))


def _yaml_rules(table_name: str) -> set[tuple]:
    """(column, rule, parameters) of every dbt test and numeric type of one raw table."""
    table = _raw_tables()[table_name]
    types = dict(re.findall(r"(\w+)\s*:=\s*'(\w+)'", table["config"]["external_location"]))
    rules: set[tuple] = set()
    for column in table["columns"]:
        name = column["name"]
        rules.add((name, "exists"))
        kind = types.get(name, "VARCHAR").upper()
        if kind in {"INTEGER", "BIGINT"}:
            rules.add((name, "numeric", "integer"))
        elif kind == "DOUBLE":
            rules.add((name, "numeric", "number"))
        for test in column.get("data_tests", []):
            test_name, body = (test, {}) if isinstance(test, str) else next(iter(test.items()))
            arguments = (body or {}).get("arguments", {})
            if test_name in {"not_null", "unique"}:
                rules.add((name, test_name))
            elif test_name == "raw_accepted_values":
                rules.add((name, "in_set", frozenset(map(str, arguments["values"]))))
            elif test_name == "values_between":
                rules.add((name, "between", arguments.get("min_value"),
                           arguments.get("max_value")))
            elif test_name == "not_less_than_column":
                rules.add((name, "not_less_than", arguments["other_column"]))
            elif test_name == "raw_unique_within":
                rules.add((name, "unique_within", tuple(arguments["columns"])))
            elif test_name == "raw_present_together":
                rules.add((name, "present_with", arguments["other_column"]))
            elif test_name == "not_less_than_sum":
                rules.add((name, "not_less_than_sum", tuple(arguments["columns"])))
            elif test_name == "raw_annotated_as":
                target = re.findall(r"'([^']*)'", arguments["to"])
                rules.add((name, "annotated_as", target[1], arguments["field"],
                           arguments["column"], str(arguments["value"])))
            elif test_name == "raw_relationships":
                target = re.findall(r"'([^']*)'", arguments["to"])
                if arguments["to"].startswith("ref("):
                    rules.add((name, "in_set", _seed(target[0], arguments["field"])))
                else:
                    sentinel = MEMBER_SENTINEL.format(table=target[1], column=arguments["field"])
                    rules.add((name, "in_set", frozenset({sentinel})))
            else:
                rules.add((name, "unknown dbt test", test_name))
    return rules


def _gx_rules(expectations: list) -> set[tuple]:
    """The same tuples read back from Great Expectations expectation objects."""
    rules: set[tuple] = set()
    for expectation in expectations:
        config = expectation.configuration
        kwargs = config.kwargs
        column = (kwargs.get("column") or kwargs.get("column_A")
                  or (config.meta or {}).get("column", "")).replace(raw_files.NUMERIC_SUFFIX, "")
        kind = config.type
        vocabulary_rule = (config.meta or {}).get("vocabulary")
        if vocabulary_rule is not None:  # rules on several columns / files, named in meta
            name, *arguments = vocabulary_rule
            column = config.meta.get("column", column)
            if name == "not_less_than_sum":
                rules.add((column, name, tuple(arguments)))
            else:
                rules.add((column, name, *arguments))
        elif kind == "expect_column_to_exist":
            rules.add((column, "exists"))
        elif kind == "expect_column_values_to_not_be_null":
            rules.add((column, "not_null"))
        elif kind == "expect_column_values_to_be_unique":
            rules.add((column, "unique"))
        elif kind == "expect_column_values_to_be_in_set":
            rules.add((column, "in_set", frozenset(kwargs["value_set"])))
        elif kind == "expect_column_values_to_match_regex":
            numeric = "integer" if kwargs["regex"] == raw_files.INTEGER else "number"
            rules.add((column, "numeric", numeric))
        elif kind == "expect_column_values_to_be_between":
            rules.add((column, "between", kwargs.get("min_value"), kwargs.get("max_value")))
        elif kind == "expect_compound_columns_to_be_unique":
            *others, own = kwargs["column_list"]
            assert own == column
            rules.add((column, "unique_within", tuple(others)))
        elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
            other = kwargs["column_B"].replace(raw_files.NUMERIC_SUFFIX, "")
            rules.add((column, "not_less_than", other))
        else:
            rules.add((column, "unknown expectation", kind))
    return rules


@pytest.fixture(scope="module")
def gx():
    return raw_files._gx()


@pytest.fixture(scope="module")
def vocabulary():
    return read_vocabulary(PROJECT_DIR)


@pytest.mark.parametrize("table", TABLES)
def test_gx_suite_has_exactly_the_yaml_rules(gx, vocabulary, table):
    rules = vocabulary[table]
    present = pd.DataFrame({rule.name: ["1"] for rule in rules})
    members = {
        (rule.member_of[0], rule.member_of[1]): {MEMBER_SENTINEL.format(
            table=rule.member_of[0], column=rule.member_of[1])}
        for rule in rules if rule.member_of is not None
    }
    _, expectations = raw_files.table_expectations(gx, present, rules, members)
    assert all(rule.annotated_as is None for rule in rules)  # a matrix rule (next test)
    # Existence is checked before any value rule: a suite on a frame without the columns
    # holds one expect_column_to_exist per required column.
    _, missing = raw_files.table_expectations(gx, pd.DataFrame(), rules, members)
    assert _gx_rules(expectations + missing) == _yaml_rules(table)


@pytest.mark.parametrize("table", MATRICES)
def test_matrix_id_column_rules_come_from_the_yaml(gx, vocabulary, table):
    id_rule = vocabulary[table][0]
    ids = pd.DataFrame({id_rule.name: ["g1"]})
    members = {} if id_rule.annotated_as is None else {id_rule.annotated_as: {"other"}}
    expectations = raw_files._column_expectations(
        gx, ids, raw_files.column_rules((id_rule,), members), with_numeric=False)
    yaml_rules = _yaml_rules(table) - {(id_rule.name, "exists")}
    assert _gx_rules(expectations) == yaml_rules
    assert [c["name"] for c in _raw_tables()[table]["columns"]] == [id_rule.name]
    assert [r.name for r in vocabulary[table]] == [id_rule.name, SAMPLE_CELLS]


@pytest.mark.parametrize("table", MATRICES)
def test_matrix_cell_rules_equal_the_staging_tests(vocabulary, table):
    """The sample-cell rules (source meta) are exactly the staging value column's tests."""
    cells = _raw_tables()[table]["config"]["meta"]["sample_cells"]
    expected = {("not_null",)} if cells.get("not_null") else set()
    if "min_value" in cells or "max_value" in cells:
        expected.add(("between", cells.get("min_value"), cells.get("max_value")))
    model, column = STAGED_CELLS[table]
    document = yaml.safe_load(
        (PROJECT_DIR / "warehouse" / "models" / "staging" / "_staging__models.yml").read_text())
    spec = next(m for m in document["models"] if m["name"] == model)
    tests = next(c for c in spec["columns"] if c["name"] == column).get("data_tests", [])
    staged = set()
    for test in tests:
        name, body = (test, {}) if isinstance(test, str) else next(iter(test.items()))
        arguments = (body or {}).get("arguments", {})
        if name == "values_between":
            staged.add(("between", arguments.get("min_value"), arguments.get("max_value")))
        else:
            staged.add((name,))
    assert staged == expected
    rule = next(r for r in vocabulary[table] if r.name == SAMPLE_CELLS)
    python = {("not_null",)} if rule.required else set()
    if rule.between is not None:
        python.add(("between", *rule.between))
    assert python == expected


def test_yaml_columns_are_the_typed_columns():
    """Required columns (YAML) and read types (external_location) name the same columns."""
    for table in TABLES:
        spec = _raw_tables()[table]
        typed = re.findall(r"(\w+)\s*:=\s*'\w+'", spec["config"]["external_location"])
        assert [c["name"] for c in spec["columns"]] == typed, table


def test_packaged_vocabulary_equals_the_yaml(vocabulary):
    assert packaged_vocabulary() == vocabulary, (
        "src/calcomics/data/raw_vocabulary.json is out of date: run "
        "`python -m calcomics.warehouse.validation.vocabulary`"
    )
    assert set(vocabulary) == set(RAW_FILES)


def test_every_normalisation_has_its_sql_twin():
    macro = (PROJECT_DIR / "warehouse" / "macros" / "raw_vocabulary.sql").read_text()
    assert set(re.findall(r"how == '(\w+)'", macro)) == set(NORMALISATIONS)
    used = {r.normalise for rules in read_vocabulary(PROJECT_DIR).values() for r in rules}
    assert used - {None} <= set(NORMALISATIONS)


def test_normalisations_match_the_staging_sql_semantics():
    values = pd.Series([" Present ", "4a", "NONE", "chr23", "7", None], dtype=object)
    assert normalise(values, "trim").tolist() == ["Present", "4a", "NONE", "chr23", "7", None]
    assert normalise(values, "lower").tolist()[:3] == ["present", "4a", "none"]
    assert normalise(values, "upper").tolist()[:3] == ["PRESENT", "4A", "NONE"]
    assert normalise(values, "birads").tolist()[1:3] == ["4A", "none"]
    assert normalise(values, "chromosome").tolist()[3:] == ["chrX", "chr7", None]


def test_staging_models_read_normalised_columns_through_the_macro():
    """Every raw column with a normalisation reaches its staging model through raw_column()."""
    staging = PROJECT_DIR / "warehouse" / "models" / "staging"
    sources = {"clinical": "stg_raw__patients", "mutations": "stg_raw__mutations",
               "segments": "stg_raw__copy_number_segments",
               "metabolite_annotation": "stg_raw__metabolite_features"}
    for table, model in sources.items():
        sql = (staging / f"{model}.sql").read_text()
        for rule in read_vocabulary(PROJECT_DIR)[table]:
            if rule.normalise is not None:
                assert f"raw_column('{table}', '{rule.name}')" in sql, (model, rule.name)
