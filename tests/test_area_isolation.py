"""A failing test in one omics area does not skip another area's marts (issue 9, §2).

The project is copied to a temp folder with one extra singular test that always fails on the
genomic CIN mart; a real ``dbt build`` then must still build the survival, clinical and
metabolomic marts, and skip only what depends on the failing mart.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calcomics.warehouse.build import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
OTHER_AREAS = ("fct_km_curves", "rpt_survival_tests", "fct_categorical_comparisons",
               "fct_metabolite_differential", "fct_pathway_da_scores", "rpt_cohort_flow")


def _copy_project(target: Path) -> Path:
    skipped = shutil.ignore_patterns(".venv", "target", ".git", "*.duckdb*", "logs",
                                     "__pycache__", "*.egg-info")

    def ignore(folder: str, names: list[str]) -> set[str]:
        # the project's raw-data folder stays behind (src/calcomics/data is package data)
        top_level_data = {"data"} if Path(folder) == PROJECT_DIR else set()
        return set(skipped(folder, names)) | top_level_data

    shutil.copytree(PROJECT_DIR, target, ignore=ignore)
    return target


@pytest.mark.dbt
def test_failing_genomics_test_does_not_skip_other_areas(small_raw_dir, tmp_path):
    project = _copy_project(tmp_path / "project")
    (project / "warehouse" / "tests" / "zz_always_fails_on_cin.sql").write_text(
        "-- injected by the test: fails whenever the CIN mart has rows\n"
        "select * from {{ ref('fct_cin_scores') }}\n"
    )
    selection = " ".join(["+fct_cin_scores+", *(f"+{name}" for name in OTHER_AREAS)])
    process = run_dbt(["build", "--indirect-selection", "cautious", "--select",
                       *selection.split()], project, small_raw_dir,
                      tmp_path / "w.duckdb", quiet=True)
    assert process.returncode != 0  # the injected test fails the build
    results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    status = {r["unique_id"].split(".")[-1]: r["status"] for r in results}
    assert status["zz_always_fails_on_cin"] == "fail"
    assert status["rpt_patient_overview"] == "skipped"
    for name in OTHER_AREAS:
        assert status[name] == "success", (name, status.get(name))
