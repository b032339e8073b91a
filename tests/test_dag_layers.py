"""The dbt graph flows one way: staging → spine → one area each → reports built last.

The project is parsed with ``dbt parse`` (no build) into a temporary target folder and the
manifest's model dependencies are checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calcomics.warehouse.build import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
LAYER_PREFIXES = {"stg_": 1, "int_": 2, "dim_": 3, "fct_": 3, "rpt_": 3, "meta_": 3}
# Models that belong to one omics area, recognised by name; the clinical and survival
# marts must not depend on any of them, nor metabolomics on genomics/transcriptomics.
AREA_WORDS = {
    "genomics": ("mutat", "copy_number", "hrd", "cin_", "signature", "segment"),
    "transcriptomics": ("expression", "pathway_score", "pam50", "treatment", "gsea",
                        "immune", "gene_list", "gene_set"),
    "metabolomics": ("metabolit", "lipid", "polar", "da_score"),
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("parse")
    raw = root / "raw"
    raw.mkdir()
    process = run_dbt(["parse", "--target-path", str(root / "target")], PROJECT_DIR, raw,
                      root / "w.duckdb", quiet=True)
    assert process.returncode == 0, process.stdout[-3000:]
    return json.loads((root / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model"}


def _layer(name: str) -> int:
    for prefix, rank in LAYER_PREFIXES.items():
        if name.startswith(prefix):
            return rank
    raise AssertionError(f"model {name} has no layer prefix (stg_/int_/dim_/fct_/rpt_/meta_)")


def _area(name: str) -> str | None:
    """The omics area of an intermediate model or mart (staging belongs to no area: the
    spine reads the omics staging models only to record which layers a patient has)."""
    if name.startswith("stg_"):
        return None
    for area, words in AREA_WORDS.items():
        if any(word in name for word in words):
            return area
    return None


def _ancestors(models: dict[str, dict], uid: str) -> set[str]:
    seen: set[str] = set()
    stack = [uid]
    while stack:
        for parent in models.get(stack.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent in models and parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_no_edge_runs_back_to_an_earlier_layer(manifest):
    models = _models(manifest)
    back = [
        (models[parent]["name"], node["name"])
        for node in models.values()
        for parent in node["depends_on"]["nodes"]
        if parent in models and _layer(models[parent]["name"]) > _layer(node["name"])
    ]
    assert back == []


def test_staging_reads_only_sources(manifest):
    for node in _models(manifest).values():
        if node["name"].startswith("stg_"):
            assert all(p.startswith("source.") for p in node["depends_on"]["nodes"]), node["name"]


def test_patient_spine_reads_no_fact(manifest):
    models = _models(manifest)
    for name in ("dim_patients", "int_patient_spine"):
        uid = f"model.calcomics.{name}"
        assert all(_area(models[a]["name"]) is None for a in _ancestors(models, uid)), name


@pytest.mark.parametrize(
    ("prefixes", "foreign"),
    [
        (("fct_survival", "fct_km", "rpt_survival", "rpt_table1", "fct_categorical"),
         {"genomics", "metabolomics"}),
        (("fct_metabolite", "fct_pathway_da"), {"genomics", "transcriptomics"}),
        (("fct_tumor", "fct_gene_copy", "fct_cin", "fct_hrd", "fct_mutat",
          "fct_copy_number", "rpt_cell_cycle"), {"transcriptomics", "metabolomics"}),
    ],
)
def test_areas_do_not_read_each_other(manifest, prefixes, foreign):
    models = _models(manifest)
    for uid, node in models.items():
        if node["name"].startswith(prefixes):
            crossing = sorted(models[a]["name"] for a in _ancestors(models, uid)
                              if _area(models[a]["name"]) in foreign)
            assert crossing == [], f"{node['name']} reads {crossing}"
