"""The SQL models move to a distributed engine (issue 12 §5, docs/SCALING.md).

Every compiled model of the default demo build is transpiled from DuckDB to Spark SQL with
sqlglot (constructs it knows to be unsupported raise) and parsed back as Spark SQL. The only
functions left that sqlglot cannot map to Spark are the DuckDB-only ones of
``warehouse/macros/portability.sql``; model files never call them directly, each has a
``spark__`` counterpart, and docs/SCALING.md lists it. Limitation (docs/SCALING.md): a
function sqlglot knows in both dialects but Spark lacks is not caught here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

PROJECT_DIR = Path(__file__).resolve().parents[1]
PORTABILITY_MACROS = PROJECT_DIR / "warehouse" / "macros" / "portability.sql"
SCALING_DOC = PROJECT_DIR / "docs" / "SCALING.md"
# DuckDB-only function -> the macro of portability.sql that holds it
DUCKDB_ONLY = {
    "generate_subscripts": "list_elements_with_position",
    "read_blob": "folder_file_digests",
    "parse_filename": "folder_file_digests",
    "read_text": "whole_file_text",
    "json_each": "join_json_object_entries",
    "pragma_version": "engine_version",
}


def _compiled_models(default_build) -> list[Path]:
    compiled = default_build[1].parent / "target" / "compiled" / "calcomics"
    models = sorted(p for folder in ("warehouse/models", "python_models")
                    for p in (compiled / folder).rglob("*.sql")
                    if p.name.startswith(("stg_", "int_", "fct_", "dim_", "rpt_", "meta_")))
    assert len(models) > 60, compiled
    return models


def _functions_spark_does_not_know(sql: str) -> set[str]:
    spark = sqlglot.transpile(sql, read="duckdb", write="spark",
                              unsupported_level=ErrorLevel.RAISE)
    assert len(spark) == 1
    tree = sqlglot.parse_one(spark[0], read="spark")
    return {node.name.lower() for node in tree.find_all(exp.Anonymous)}


def test_every_compiled_model_transpiles_to_spark_sql(default_build):
    unknown: dict[str, set[str]] = {}
    failures = []
    for path in _compiled_models(default_build):
        try:
            names = _functions_spark_does_not_know(path.read_text())
        except sqlglot.errors.SqlglotError as error:
            failures.append(f"{path.name}: {str(error).splitlines()[0]}")
            continue
        for name in names:
            unknown.setdefault(name, set()).add(path.name)
    assert failures == []
    outside = {name: sorted(files) for name, files in unknown.items() if name not in DUCKDB_ONLY}
    assert outside == {}, "DuckDB-only functions outside warehouse/macros/portability.sql"


def test_duckdb_only_functions_live_in_macros_with_a_spark_counterpart():
    macros = PORTABILITY_MACROS.read_text()
    for function, macro in DUCKDB_ONLY.items():
        default = re.search(rf"macro default__{macro}\(.*?endmacro", macros, re.S)
        assert default and f"{function}(" in default.group(0), (function, macro)
        assert f"macro spark__{macro}(" in macros, macro
    called = re.compile(r"\b(" + "|".join(DUCKDB_ONLY) + r")\s*\(", re.IGNORECASE)
    direct = [f"{path.relative_to(PROJECT_DIR)}:{number}"
              for folder in ("warehouse/models", "python_models", "analyses")
              for path in sorted((PROJECT_DIR / folder).rglob("*.sql"))
              for number, line in enumerate(path.read_text().splitlines(), start=1)
              if called.search(line)]
    assert direct == []


@pytest.mark.parametrize("macro", sorted(set(DUCKDB_ONLY.values())))
def test_scaling_doc_names_each_counterpart(macro):
    assert f"`{macro}`" in SCALING_DOC.read_text()


def test_the_check_catches_a_duckdb_only_function():
    names = _functions_spark_does_not_know(
        "select generate_subscripts(l, 1) as i, list_cosine_similarity(l, l) as c from t")
    assert {"generate_subscripts", "list_cosine_similarity"} <= names
    # a DuckDB function sqlglot maps to its Spark equivalent is portable
    assert _functions_spark_does_not_know("select list_transform(l, x -> x + 1) from t") == set()
