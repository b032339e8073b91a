"""Real `calcomics build` runs (validation + dbt build) on generated cohorts in temp folders."""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dbt.version
import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

import calcomics
from calcomics.methods.transcriptomics.gsva import gsva
from calcomics.warehouse.build import (
    BuildError,
    BuildRefusedError,
    build_warehouse,
    file_sha256,
    run_dbt,
    write_demo_cohort,
)
from calcomics.warehouse.raw_layout import RAW_FILES

PROJECT_DIR = Path(__file__).resolve().parents[1]

# The paper's Table 1, typed from the printed table: (characteristic label, category) ->
# n per group (negative, probably benign, high suspicion).
PUBLISHED_TABLE1 = {
    ("Breast density (%)", "Entirely fatty"): (8, 4, 1),
    ("Breast density (%)", "Extremely dense"): (7, 1, 0),
    ("Breast density (%)", "Fibroglandular"): (54, 54, 66),
    ("Breast density (%)", "Heterogeneously dense"): (34, 31, 33),
    ("Focal asymmetries (%)", "Presence"): (15, 21, 18),
    ("Focal asymmetries (%)", "Absence"): (88, 69, 82),
    ("Architectural distortion (%)", "Presence"): (40, 29, 42),
    ("Architectural distortion (%)", "Absence"): (63, 61, 58),
    ("Lymph node status", "Negative"): (51, 50, 38),
    ("Lymph node status", "Positive"): (52, 40, 62),
    ("Lympho-vascular invasion", "Presence"): (46, 30, 58),
    ("Lympho-vascular invasion", "Absence"): (55, 56, 41),
    ("Lympho-vascular invasion", "Unknown"): (2, 4, 1),
    ("Grade", "Grade I"): (4, 1, 1),
    ("Grade", "Grade II"): (67, 67, 64),
    ("Grade", "Grade III"): (24, 18, 32),
    ("Grade", "Unknown"): (8, 4, 3),
}
PUBLISHED_PCT = {
    ("Breast density (%)", "Fibroglandular"): (52.4, 60.0, 66.0),
    ("Lympho-vascular invasion", "Unknown"): (1.9, 4.4, 1.0),
    ("Grade", "Grade III"): (23.3, 20.0, 32.0),
}


def test_build_has_no_failing_test(default_build):
    result, _ = default_build
    assert result.counts.get("model_success", 0) >= 14
    assert result.counts.get("test_pass", 0) >= 80
    failing = {k: v for k, v in result.counts.items() if k.split("_", 1)[1] not in
               {"success", "pass"}}
    assert failing == {}


# The long Table 1 mart is pivoted here to the printed layout (groups in the paper's order).
GROUPS = ("negative", "probably_benign", "high_suspicion")
PUBLISHED_TABLE1_P = {  # the p-values printed in Table 1
    "breast_density": 0.011, "focal_asymmetry": 0.290, "architectural_distortion": 0.371,
    "lymph_node_status": 0.047, "lymphovascular_invasion": 0.011, "histological_grade": 0.183,
}


def test_table1_counts_are_the_papers(warehouse):
    rows = warehouse.execute(
        "select characteristic_label, category_label, group_key, n, pct "
        "from rpt_table1_clinicopathology where row_kind = 'count'"
    ).fetchall()
    counts = {(r[0], r[1]): [None] * 3 for r in rows}
    pct = {(r[0], r[1]): [None] * 3 for r in rows}
    for label, category, group, n, percent in rows:
        counts[(label, category)][GROUPS.index(group)] = n
        pct[(label, category)][GROUPS.index(group)] = percent
    assert {key: tuple(value) for key, value in counts.items()} == PUBLISHED_TABLE1
    for key, expected in PUBLISHED_PCT.items():
        assert tuple(pct[key]) == expected


def test_table1_header_rows(warehouse):
    n_row = dict(warehouse.execute(
        "select group_key, n from rpt_table1_clinicopathology where row_kind = 'group_size'"
    ).fetchall())
    assert tuple(n_row[g] for g in GROUPS) == (103, 90, 100)
    age = dict(warehouse.execute(
        "select group_key, median from rpt_table1_clinicopathology "
        "where characteristic = 'age_years'"
    ).fetchall())
    assert tuple(age[g] for g in GROUPS) == (55.0, 58.0, 52.5)
    first = warehouse.execute(
        "select distinct row_order, characteristic_label from rpt_table1_clinicopathology "
        "order by row_order limit 2"
    ).fetchall()
    assert first == [(1, "N"), (2, "Age, years (median)")]
    orders = warehouse.execute(
        "select distinct group_key, group_label, group_order from rpt_table1_clinicopathology "
        "order by group_order"
    ).fetchall()
    assert [g for g, _, _ in orders] == list(GROUPS)


def test_table1_p_values_reproduce_the_paper_with_chisq(warehouse):
    # The paper tested each table as printed (Unknown rows included): the as-printed p-values.
    rows = warehouse.execute(
        "select distinct characteristic, p_value_fisher_as_printed, fisher_method, "
        "p_value_chisq_as_printed from rpt_table1_clinicopathology where row_kind = 'count'"
    ).fetchall()
    assert {r[0] for r in rows} == set(PUBLISHED_TABLE1_P)
    assert len(rows) == 6  # one set of p-values per characteristic, repeated on its rows
    fisher_matches = set()
    for characteristic, fisher, method, chisq in rows:
        assert method == "exact", characteristic
        assert 0 < fisher <= 1
        assert round(chisq, 3) == PUBLISHED_TABLE1_P[characteristic], characteristic
        if round(fisher, 3) == PUBLISHED_TABLE1_P[characteristic]:
            fisher_matches.add(characteristic)
    assert fisher_matches == {"lymph_node_status"}


def test_dim_patients_and_cohort_flow(warehouse):
    assert warehouse.execute("select count(*) from dim_patients").fetchone() == (316,)
    flow = dict(
        warehouse.execute(
            "select group_key, [n_patients, n_wes, n_copy_number, n_rnaseq, "
            "n_lipidomics] from rpt_cohort_flow"
        ).fetchall()
    )
    assert flow["negative"] == [103, 93, 93, 103, 64]
    assert flow["probably_benign"] == [90, 83, 83, 89, 56]
    assert flow["high_suspicion"] == [100, 88, 88, 98, 62]
    assert flow["low_moderate_suspicion"][0] == 23
    totals = warehouse.execute(
        "select sum(n_wes), sum(n_rnaseq), sum(n_lipidomics), sum(n_polar_metabolomics) "
        "from rpt_cohort_flow"
    ).fetchone()
    assert totals == (271, 312, 196, 196)
    excluded = warehouse.execute(
        "select count(*) from dim_patients where not is_main_analysis_group"
    ).fetchone()
    assert excluded == (23,)


def test_marts_have_enforced_contracts(warehouse):
    types = dict(
        warehouse.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'dim_patients'"
        ).fetchall()
    )
    assert types["patient_id"] == "VARCHAR" and types["has_wes"] == "BOOLEAN"


def test_failed_dbt_test_leaves_previous_warehouse(small_raw_dir, tmp_path):
    """A data test only dbt runs fails after models were written (a negative exome size makes
    TMB negative): the half-built file is removed, the previous warehouse is untouched."""
    warehouse = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(warehouse)).close()
    before = warehouse.read_bytes()
    with pytest.raises(BuildError, match="was not changed"):
        build_warehouse(PROJECT_DIR, small_raw_dir, warehouse, quiet=True,
                        select="+fct_tumor_mutational_burden", target_path=tmp_path / "target",
                        dbt_vars={"exome_capture_size_mb": -1})
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    status = {r["unique_id"]: r["status"] for r in results}
    assert status["model.calcomics.fct_tumor_mutational_burden"] == "success"
    failed = [k for k, v in status.items() if v == "fail"]
    assert failed and all(
        k.startswith("test.calcomics.values_between_fct_tumor_mutational_b") for k in failed)
    assert warehouse.read_bytes() == before
    assert not (tmp_path / "warehouse.duckdb.building").exists()


# --- meta_build: every build is recorded ---------------------------------------------------


def _meta_build(path: Path) -> dict:
    with duckdb.connect(str(path), read_only=True) as connection:
        frame = connection.execute("select * from meta_build").fetch_df()
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_meta_build_records_the_demo_build(default_build):
    result, path = default_build
    meta = _meta_build(path)
    raw = path.parent / "raw"
    assert result.synthetic
    assert (meta["data_origin"], meta["demo_generator"], meta["demo_patients"],
            meta["demo_seed"]) == ("synthetic", "calcomics.synth", 316, 0)
    assert meta["demo_generator_version"] == calcomics.__version__
    assert meta["raw_dir"] == str(raw.resolve())
    files = json.loads(meta["raw_files"])
    assert [f["file_name"] for f in files] == sorted(RAW_FILES.values())
    for entry in files:
        assert entry["size_bytes"] == (raw / entry["file_name"]).stat().st_size
        assert entry["sha256"] == file_sha256(raw / entry["file_name"])
    assert (meta["grouping_name"], meta["grouping_column"]) == ("calcification", None)
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert json.loads(meta["dbt_vars"]) == project_vars
    assert meta["calcomics_version"] == calcomics.__version__
    assert meta["dbt_version"] == dbt.version.__version__
    assert meta["duckdb_version"] == f"v{duckdb.__version__}"
    head = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"],
                          capture_output=True, check=False)
    if head.returncode == 0:  # the recorded commit is HEAD, or an ancestor if HEAD moved since
        commit = meta["git_commit"].removesuffix("-dirty")
        assert len(commit) == 40
        ancestor = subprocess.run(
            ["git", "-C", str(PROJECT_DIR), "merge-base", "--is-ancestor", commit, "HEAD"],
            capture_output=True, check=False)
        assert ancestor.returncode == 0, commit
    assert meta["started_at"] < meta["finished_at"]


def test_score_marts_record_method_and_parameters(warehouse):
    ssgsea = warehouse.execute(
        "select distinct collection, method_version, kcdf, tau, ssgsea_norm, min_size, max_size "
        "from fct_pathway_scores union all "
        "select distinct 'bindea2013_immune', method_version, kcdf, tau, ssgsea_norm, min_size, "
        "max_size from fct_immune_infiltration order by 1"
    ).fetchall()
    seed = pd.read_csv(PROJECT_DIR / "warehouse" / "seeds" / "gene_set_collections.csv")
    limits = {r.collection: (r.min_size, r.max_size) for r in seed.itertuples()}
    assert [row[0] for row in ssgsea] == sorted(limits)
    # the recorded tau and normalisation are the ones the library's ssGSEA default applies
    rng = np.random.default_rng(0)
    matrix = pd.DataFrame(rng.normal(size=(30, 6)), index=[f"g{i}" for i in range(30)])
    sets = {"a": [f"g{i}" for i in range(8)], "b": [f"g{i}" for i in range(5, 20)]}
    default = gsva(matrix, sets, method="ssgsea")
    for collection, version, kcdf, tau, norm, low, high in ssgsea:
        assert version == "GSVA 1.42 ssGSEA (calcomics transcription)" and kcdf is None
        assert (low, high) == limits[collection]
        explicit = gsva(matrix, sets, method="ssgsea", tau=tau, ssgsea_norm=norm)
        pd.testing.assert_frame_equal(default, explicit)
    pam50 = warehouse.execute(
        "select distinct scaling, method_version, centroid_source from fct_pam50_calls"
    ).fetchall()
    assert len(pam50) == 1 and pam50[0][0] == "median_centre" and "17837fa" in pam50[0][2]
    signatures = warehouse.execute(
        "select distinct signature_set, cosmic_version from fct_mutational_signatures"
    ).fetchall()
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert signatures == [(project_vars["mutational_signatures"],
                           "COSMIC v3.2 SBS, GRCh38 (SigProfilerAssignment reference)")]
    fitted = warehouse.execute("select distinct signature from fct_mutational_signatures")
    assert {r[0] for r in fitted.fetchall()} == set(signatures[0][0].split(","))


def test_real_warehouse_is_replaced_by_a_demo_only_with_demo(small_raw_dir, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    options = {"quiet": True, "select": "meta_build"}
    real = build_warehouse(PROJECT_DIR, small_raw_dir, warehouse,
                           target_path=tmp_path / "t1", **options)
    recorded = _meta_build(warehouse)
    assert not real.synthetic and recorded["data_origin"] == "real"
    assert pd.isna(recorded["demo_seed"]) and pd.isna(recorded["demo_patients"])
    before = warehouse.read_bytes()
    demo_raw = tmp_path / "demo"
    write_demo_cohort(demo_raw, 40, 3)
    with pytest.raises(BuildRefusedError, match="built from real data"):
        build_warehouse(PROJECT_DIR, demo_raw, warehouse, target_path=tmp_path / "t2",
                        **options)
    assert warehouse.read_bytes() == before
    demo = build_warehouse(PROJECT_DIR, demo_raw, warehouse, demo=True, demo_patients=40,
                           demo_seed=3, target_path=tmp_path / "t2", **options)
    assert demo.synthetic and not demo.generated_demo  # the same demo was already there
    meta = _meta_build(warehouse)
    assert (meta["data_origin"], meta["demo_patients"], meta["demo_seed"]) == ("synthetic", 40, 3)


def test_plain_dbt_build_records_no_end_time(small_raw_dir, tmp_path):
    warehouse = tmp_path / "plain.duckdb"
    process = run_dbt(["build", "--select", "meta_build", "--vars", "{grouping_column: her2_ihc}"],
                      PROJECT_DIR, small_raw_dir, warehouse, quiet=True,
                      target_path=tmp_path / "target")
    assert process.returncode == 0, process.stdout[-3000:]
    meta = _meta_build(warehouse)
    assert pd.isna(meta["finished_at"])
    assert meta["grouping_column"] == "her2_ihc"
    assert json.loads(meta["dbt_vars"])["grouping_column"] == "her2_ihc"


def test_two_builds_run_at_once(small_raw_dir, tmp_path):
    """Each build has its own target folder, so concurrent builds do not collide."""

    def build(name: str):
        return build_warehouse(PROJECT_DIR, small_raw_dir, tmp_path / f"{name}.duckdb",
                               quiet=True, select="+stg_raw__patients",
                               target_path=tmp_path / f"target_{name}")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(build, ["a", "b"]))
    for name, result in zip(["a", "b"], results, strict=True):
        assert result.counts.get("model_success", 0) >= 2, result.counts
        # operation_success: the on-run-start step that reads the raw files in once
        assert set(result.counts) <= {"model_success", "seed_success", "test_pass",
                                      "operation_success"}
        ids = {r["unique_id"] for r in json.loads(
            (tmp_path / f"target_{name}" / "run_results.json").read_text())["results"]}
        assert "model.calcomics.meta_build" in ids and "model.calcomics.stg_raw__patients" in ids
        assert _meta_build(result.warehouse)["data_origin"] == "real"


def _parse_lines(target: Path) -> list[str]:
    """dbt's log lines about (partial) parsing of the one run logged in ``target``."""
    log = (target / "logs" / "dbt.log").read_text()
    return [line for line in log.splitlines() if "parsing" in line.lower()]


def test_a_build_into_another_warehouse_from_another_raw_folder_reuses_the_parse(
        small_raw_dir, tmp_path):
    """dbt's partial-parse state goes from one build to the next (issue 12): the profile
    names the file by one constant name in dbt's working folder and the raw files through
    its `raw` link, so only meta_build.sql (which records the raw folder) is parsed again."""
    builds = {}
    for name in ("first", "second"):
        raw = tmp_path / f"raw_{name}"
        shutil.copytree(small_raw_dir, raw)
        builds[name] = build_warehouse(PROJECT_DIR, raw, tmp_path / name / f"{name}.duckdb",
                                       quiet=True, select="meta_build",
                                       target_path=tmp_path / f"target_{name}")
        assert sorted(p.name for p in raw.iterdir()) == sorted(
            p.name for p in small_raw_dir.iterdir())  # the link went, the files stay
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == [
            f"{name}.duckdb", f"{name}.duckdb.lock"]  # dbt's working folder went too
    lines = _parse_lines(tmp_path / "target_second")
    assert any("Partial parsing enabled" in line for line in lines), lines
    assert not any("Unable to do partial parsing" in line for line in lines), lines
    reparsed = [line.split("updated file: ")[1] for line in lines if "updated file: " in line]
    assert "calcomics://warehouse/models/staging/_raw__sources.yml" not in reparsed, reparsed
    meta = _meta_build(builds["second"].warehouse)
    assert meta["raw_dir"] == str((tmp_path / "raw_second").resolve())
    assert not pd.isna(meta["finished_at"])  # recorded through dbt's name for the file
