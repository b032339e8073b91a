"""Every analysis in analyses/ compiles and answers its question on the demo warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from calcomics.warehouse.build import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]
ANALYSES = sorted(p.stem for p in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(default_build, tmp_path_factory) -> dict[str, str]:
    # Compile against an empty file of the same name: refs are qualified with the database
    # name (the file stem), and the built warehouse stays open read-only in this process.
    root = tmp_path_factory.mktemp("compile")
    scratch = root / default_build[1].name
    raw = default_build[1].parent / "raw"
    process = run_dbt(["compile", "--select", "path:analyses", "--target-path",
                       str(root / "target")], PROJECT_DIR, raw, scratch, quiet=True)
    assert process.returncode == 0, process.stdout[-3000:]
    folder = root / "target" / "compiled" / "calcomics" / "analyses"
    return {name: (folder / f"{name}.sql").read_text() for name in ANALYSES}


def test_every_figure_panel_has_an_analysis():
    panels = {name.split("_")[0] for name in ANALYSES if name.startswith("figure")}
    assert panels >= {
        "figure2a", "figure2b", "figure2c", "figure2d", "figure2e", "figure2f", "figure2g",
        "figure3a", "figure3b", "figure3c", "figure3d", "figure3e", "figure3f", "figure3g",
        "figure4a", "figure4b", "figure4c", "figure4d", "figure4e", "figure4f", "figure4g",
        "figure4h", "figure5a", "figure5b",
    }


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_runs_and_returns_rows(compiled, warehouse, name):
    rows = warehouse.execute(compiled[name]).fetchall()
    assert rows, f"{name} returned no rows"
