"""The warehouse file is layered, self-contained and movable (issue 11 §1, issue 12 §1-2).

One 40-patient cohort is built twice into the same warehouse with ``calcomics build``'s
code path (a small selected build, then the full build, which must reuse dbt's parse);
then the warehouse file is moved under another name and the raw folder is moved away, and
every relation is read from the moved file.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.warehouse.build import build_warehouse, run_dbt
from calcomics.warehouse.dbt_io import MatrixShapeError
from calcomics.warehouse.raw_layout import RAW_FILES
from calcomics.warehouse.transcriptomic_inputs import expression_matrix, wide_expression_matrix

PROJECT_DIR = Path(__file__).resolve().parents[1]
SEEDS = {p.stem for p in (PROJECT_DIR / "warehouse" / "seeds").glob("*.csv")}
REFERENCE_TABLES = {"genes", "cytobands", "centromeres", "gene_set_files",
                    "kegg_compound_pathways"}
# What dbt logs when it reuses target/partial_parse.msgpack ("Partial parsing enabled, no
# changes found, skipping parsing", or "Partial parsing enabled: 0 files deleted, ..." when
# a file changed in between, e.g. meta_build.sql re-read for a new git commit).
PARTIAL_PARSE_REUSED = "Partial parsing enabled"


@pytest.fixture(scope="module")
def layout(tmp_path_factory, small_raw_dir) -> dict[str, Path | str]:
    root = tmp_path_factory.mktemp("layout")
    raw = root / "raw"
    shutil.copytree(small_raw_dir, raw)
    warehouse = root / "built" / "layout.duckdb"
    target = root / "target"
    # first build: few nodes, but dbt parses the whole project and saves the parse
    build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True, target_path=target,
                    select="stg_raw__patients")
    log_offset = (target / "logs" / "dbt.log").stat().st_size
    build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True, target_path=target)
    with (target / "logs" / "dbt.log").open("rb") as log:
        log.seek(log_offset)
        second_log = log.read().decode("utf-8", "replace")
    # move the warehouse under another name and take the raw folder away
    moved = root / "elsewhere" / "copy_of_layout.duckdb"
    moved.parent.mkdir()
    os.replace(warehouse, moved)
    gone = root / "raw_moved_away"
    os.replace(raw, gone)
    return {"root": root, "moved": moved, "target": target, "raw": raw,
            "second_log": second_log}


def _relations(path: Path) -> list[tuple[str, str, str]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "order by all").fetchall()


def test_second_build_of_unchanged_inputs_reuses_the_parse(layout):
    log = layout["second_log"]
    assert PARTIAL_PARSE_REUSED in log
    assert "Starting full parse" not in log and "Unable to do partial parsing" not in log
    assert "Partial parsing not enabled" not in log


def test_every_layer_has_its_schema(layout):
    by_schema: dict[str, set[str]] = {}
    for schema, name, _ in _relations(layout["moved"]):
        by_schema.setdefault(schema, set()).add(name)
    assert set(by_schema) == {"main", "lookup", "raw", "reference", "staging", "intermediate"}
    assert all(n.startswith(("dim_", "fct_", "rpt_")) or n == "meta_build"
               for n in by_schema["main"]), by_schema["main"]
    assert {"dim_patients", "fct_hrd_scores", "rpt_table1_clinicopathology",
            "meta_build"} <= by_schema["main"]
    assert by_schema["lookup"] == SEEDS
    assert by_schema["raw"] == set(RAW_FILES) | {"clinical_attributes"}
    assert by_schema["reference"] == REFERENCE_TABLES
    assert all(n.startswith("stg_") for n in by_schema["staging"])
    assert {"stg_raw__patients", "stg_raw__gene_expression"} <= by_schema["staging"]
    assert all(n.startswith("int_") for n in by_schema["intermediate"])
    assert {"int_patient_spine", "int_pathway_scores"} <= by_schema["intermediate"]


def test_moved_warehouse_without_raw_folder_answers_every_relation(layout):
    """Raw files were ingested into tables: the staging views (and every other relation)
    read the moved file with the raw folder gone, under a new file (catalog) name."""
    assert not layout["raw"].exists()
    relations = _relations(layout["moved"])
    staging = [(s, n) for s, n, _ in relations if s == "staging"]
    assert len(staging) >= 10
    with duckdb.connect(str(layout["moved"]), read_only=True) as connection:
        for schema, name, _ in relations:
            connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
        assert connection.execute(
            "select count(*) from staging.stg_raw__patients").fetchone() == (40,)
        assert connection.execute("select count(*) from raw.clinical").fetchone() == (40,)
        assert connection.execute(
            "select count(*) from dim_patients").fetchone() == (40,)
        genes = connection.execute(
            "select count(distinct gene_symbol) from staging.stg_raw__gene_expression"
        ).fetchone()[0]
    assert genes > 1000


def test_no_model_or_test_reads_a_raw_file(layout):
    """Every compiled model and data test of the build reads tables: no read_csv, and the
    raw folder is named only where meta_build hashes the files."""
    compiled = list((layout["target"] / "compiled").rglob("*.sql"))
    assert len(compiled) > 300
    raw_path = str(layout["raw"].resolve())
    for path in compiled:
        sql = path.read_text()
        assert "read_csv" not in sql, path
        if path.name != "meta_build.sql":
            assert raw_path not in sql, path


def test_analyses_compile_without_a_catalog_and_run_on_a_copy(layout):
    """Compiled against a file of one name, an analysis runs on a warehouse of another."""
    root = layout["root"]
    process = run_dbt(["compile", "--select", "path:analyses"], PROJECT_DIR,
                      layout["raw"], root / "compile_scratch.duckdb", quiet=True,
                      target_path=root / "compile_target")
    assert process.returncode == 0, process.stdout[-3000:]
    folder = root / "compile_target" / "compiled" / "calcomics" / "analyses"
    analyses = {p.stem: p.read_text() for p in folder.glob("*.sql")}
    assert len(analyses) >= 20
    for name, sql in analyses.items():
        assert "compile_scratch" not in sql, name
        assert '"main"."' in sql, name
    with duckdb.connect(str(layout["moved"]), read_only=True) as connection:
        rows = connection.execute(analyses["figure2a_tumor_size"]).fetchall()
    assert rows


def test_wide_expression_matrix_is_the_pivoted_long_table(layout):
    """The Python models' wide read gives exactly the matrix the long -> wide pivot gave."""
    with duckdb.connect(str(layout["moved"]), read_only=True) as connection:
        long = connection.execute(
            "select * from intermediate.int_gene_expression_log2").df()
        wide = connection.execute(
            "select * from intermediate.int_gene_expression_matrix").df()
    expected = expression_matrix(long)
    got = wide_expression_matrix(wide)
    assert got.shape == expected.shape and got.shape[0] > 1000 and got.shape[1] > 10
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_wide_expression_matrix_refuses_a_repeated_gene_and_a_missing_value():
    wide = pd.DataFrame({"gene_order": [2, 1, 3], "gene_symbol": ["B", "A", "C"],
                         "s2": [1.0, 2.0, 3.0], "s1": [4.0, 5.0, 6.0]})
    matrix = wide_expression_matrix(wide)
    assert list(matrix.index) == ["A", "B", "C"] and list(matrix.columns) == ["s1", "s2"]
    assert matrix.loc["A", "s1"] == 5.0
    with pytest.raises(MatrixShapeError, match="gene_symbol 'A' appears 2 times"):
        wide_expression_matrix(wide.assign(gene_symbol=["A", "A", "C"]))
    with pytest.raises(MatrixShapeError, match="gene_symbol 'C', sample_id 's1'"):
        wide_expression_matrix(wide.assign(s1=[4.0, 5.0, np.nan]))
