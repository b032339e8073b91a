"""Copy-number marts on real-cohort layouts: total-copy-number-only samples, a segment file
covering a subset of the patients, and an absent (header-only) segments.tsv.

One small cohort (40 patients, seed 7) built once per case, with the selection limited to the
copy-number marts and their parents.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from calcomics.methods.hrd import SCORE_COLUMNS, hrd_scores
from calcomics.warehouse.build import build_warehouse

PROJECT_DIR = Path(__file__).resolve().parents[1]
COPY_NUMBER_MARTS = ("fct_hrd_scores", "fct_cin_scores", "fct_gene_copy_number",
                     "fct_copy_number_alteration_frequencies", "rpt_cell_cycle_copy_number")
SELECT = " ".join(f"+{mart}" for mart in COPY_NUMBER_MARTS)
TOTAL_ONLY = "not computable: total copy number only"
SOME_MISSING = "not computable: allele-specific copy number missing on some segments"


def _raw_copy(small_raw_dir: Path, folder: Path) -> tuple[Path, pd.DataFrame]:
    shutil.copytree(small_raw_dir, folder)
    (folder / "calcomics_demo.json").unlink(missing_ok=True)
    segments = pd.read_csv(folder / "segments.tsv", sep="\t", dtype={"SampleID": str})
    return folder, segments


def _build(raw: Path, root: Path) -> Path:
    warehouse = root / "warehouse.duckdb"
    build_warehouse(PROJECT_DIR, raw, warehouse, quiet=True, select=SELECT,
                    target_path=root / "target")
    return warehouse


@pytest.fixture(scope="module")
def partial_layer(tmp_path_factory, small_raw_dir: Path) -> dict:
    """Segments for a subset of patients; some total copy number only, two with a gap in
    their alleles, one a total-copy-number-only twin of an allele-specific sample."""
    root = tmp_path_factory.mktemp("copy_number_partial")
    raw, segments = _raw_copy(small_raw_dir, root / "raw")
    samples = sorted(segments["SampleID"].unique())
    dropped, total_only, mixed = samples[:5], samples[5:10], samples[10:12]
    twin, original = samples[12], samples[20]
    segments = segments[~segments["SampleID"].isin([*dropped, twin])]
    copy = segments[segments["SampleID"] == original].assign(SampleID=twin)
    copy[["A_cn", "B_cn"]] = pd.NA
    segments = pd.concat([segments, copy], ignore_index=True)
    segments = segments.astype({"A_cn": "Int64", "B_cn": "Int64"})
    segments.loc[segments["SampleID"].isin(total_only), ["A_cn", "B_cn"]] = pd.NA
    on_chr3 = segments["SampleID"].isin(mixed) & (segments["Chromosome"] == "chr3")
    segments.loc[on_chr3, "B_cn"] = pd.NA
    segments.to_csv(raw / "segments.tsv", sep="\t", index=False, na_rep="")
    warehouse = _build(raw, root)
    allele_specific = segments[segments[["A_cn", "B_cn"]].notna().all(axis=1)
                               .groupby(segments["SampleID"]).transform("all")]
    return {"warehouse": warehouse, "segments": segments, "allele_specific": allele_specific,
            "total_only": [*total_only, twin], "mixed": mixed, "twin": (twin, original),
            "dropped": dropped}


@pytest.fixture(scope="module")
def absent_layer(tmp_path_factory, small_raw_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("copy_number_absent")
    raw, segments = _raw_copy(small_raw_dir, root / "raw")
    (raw / "segments.tsv").write_text("\t".join(segments.columns) + "\n", encoding="utf-8")
    return _build(raw, root)


def _query(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).df()


def test_every_segmented_sample_has_an_hrd_row_with_its_status(partial_layer: dict) -> None:
    scores = _query(partial_layer["warehouse"], "select * from fct_hrd_scores").set_index(
        "sample_id")
    segmented = set(partial_layer["segments"]["SampleID"])
    assert set(scores.index) == segmented
    assert not set(partial_layer["dropped"]) & set(scores.index)
    status = scores["hrd_status"]
    assert set(status[status == TOTAL_ONLY].index) == set(partial_layer["total_only"])
    assert set(status[status == SOME_MISSING].index) == set(partial_layer["mixed"])
    not_computed = scores[status != "computed"]
    assert not_computed[list(SCORE_COLUMNS[1:])].isna().all().all()


def test_computed_hrd_scores_equal_the_python_oracle(partial_layer: dict) -> None:
    allele_specific = partial_layer["allele_specific"]
    expected = hrd_scores(allele_specific.astype({"A_cn": "int64", "B_cn": "int64"}))
    observed = _query(partial_layer["warehouse"],
                      f"select {', '.join(SCORE_COLUMNS)} from fct_hrd_scores "
                      "where hrd_status = 'computed'")
    pd.testing.assert_frame_equal(
        observed.astype({c: "int64" for c in SCORE_COLUMNS[1:]})
        .sort_values("sample_id", ignore_index=True),
        expected.sort_values("sample_id", ignore_index=True))
    assert len(observed) == allele_specific["SampleID"].nunique() > 0


def test_cin_and_gene_copy_number_use_total_copy_number(partial_layer: dict) -> None:
    warehouse = partial_layer["warehouse"]
    cin = _query(warehouse, "select sample_id, n_genes, cin_score from fct_cin_scores"
                 ).set_index("sample_id")
    assert set(cin.index) == set(partial_layer["segments"]["SampleID"])
    assert cin["cin_score"].notna().all()
    twin, original = partial_layer["twin"]
    # the same totals without alleles give the same CIN and gene values
    assert cin.loc[twin, "cin_score"] == cin.loc[original, "cin_score"]
    genes = _query(warehouse, "select sample_id, gene_symbol, copy_number_value, "
                   f"copy_number_call from fct_gene_copy_number where sample_id in "
                   f"('{twin}', '{original}') order by gene_symbol")
    by_sample = {s: g.drop(columns="sample_id").reset_index(drop=True)
                 for s, g in genes.groupby("sample_id")}
    assert len(by_sample[twin]) > 10000
    pd.testing.assert_frame_equal(by_sample[twin], by_sample[original])


def test_alteration_frequencies_count_the_profiled_subset(partial_layer: dict) -> None:
    warehouse = partial_layer["warehouse"]
    spine = _query(warehouse, "select patient_id, has_copy_number, is_main_analysis_group "
                   "from intermediate.int_patient_spine")
    main = spine[spine["is_main_analysis_group"]]
    profiled = int(main["has_copy_number"].sum())
    assert set(main.loc[main["has_copy_number"], "patient_id"]) <= set(
        partial_layer["segments"]["SampleID"])
    assert 0 < profiled < len(main)  # a subset of the main-group patients
    totals = _query(warehouse, "select level, feature, direction, sum(n_samples) as n, "
                    "count(test_note) as notes from fct_copy_number_alteration_frequencies "
                    "group by all")
    assert (totals["n"] == profiled).all() and (totals["notes"] == 0).all()
    cell_cycle = _query(warehouse, "select * from rpt_cell_cycle_copy_number")
    assert len(cell_cycle) > 0
    assert cell_cycle["test_note_all_main_groups"].isna().all()
    assert cell_cycle["p_value_all_main_groups"].notna().all()


def test_absent_layer_builds_every_copy_number_mart_empty(absent_layer: Path) -> None:
    for mart in COPY_NUMBER_MARTS:
        assert _query(absent_layer, f"select count(*) as n from {mart}")["n"].iloc[0] == 0
    types = _query(absent_layer, "select table_name, column_name, data_type "
                   "from information_schema.columns where table_name in ('fct_hrd_scores', "
                   "'fct_copy_number_alteration_frequencies', 'rpt_cell_cycle_copy_number')")
    typed = {(t, c): d for t, c, d in types.itertuples(index=False)}
    assert typed[("fct_hrd_scores", "hrd_status")] == "VARCHAR"
    assert typed[("fct_copy_number_alteration_frequencies", "n_altered")] == "INTEGER"
    assert typed[("fct_copy_number_alteration_frequencies", "test_note")] == "VARCHAR"
    assert typed[("rpt_cell_cycle_copy_number", "test_note_all_main_groups")] == "VARCHAR"
    assert typed[("rpt_cell_cycle_copy_number", "p_value_all_main_groups")] == "DOUBLE"
