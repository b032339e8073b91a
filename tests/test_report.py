"""``calcomics report`` (issue 11, §2): the paper's figures from a built warehouse.

Rendered on the default demo build (every layer present) and on the real TCGA cohort
(copy number and metabolomics absent: those figures must say why instead of failing).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from calcomics.cli import main
from calcomics.report import html
from calcomics.report.figures_clinical import at_risk_table
from calcomics.report.figures_genomic import arm_sort_key
from calcomics.report.figures_transcriptomic import immune_heatmap_values
from calcomics.report.manifest import FIGURES, SECTIONS
from calcomics.report.plots import p_text

NETWORK_URL = re.compile(r"(?:https?|ftp|wss?)://|src=\"//|href=\"//|@import|<script", re.I)
SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-"}
COPY_NUMBER_AND_METABOLOMICS = {"3B", "3C", "3F", "3G", "5A", "5B"}


def _check_files(item: html.RenderedFigure, root: Path, formats: tuple[str, ...]) -> None:
    assert sorted(item.files) == sorted(formats), item.figure_id
    for fmt, relative in item.files.items():
        path = root / relative
        assert path.is_file() and path.stat().st_size > 1000, path
        if fmt == "svg":
            assert ET.parse(path).getroot().tag.endswith("svg"), path
        else:
            assert path.read_bytes().startswith(SIGNATURES[fmt]), path


def test_demo_report_renders_every_figure(demo_report):
    result, lines = demo_report
    root = result.html.parent
    page = result.html.read_text(encoding="utf-8")
    assert [f.figure_id for f in result.figures] == [spec.figure_id for spec in FIGURES]
    # the demo has every omics layer: nothing is left out
    assert [f.figure_id for f in result.figures if f.png is None] == []
    for item in result.figures:
        _check_files(item, root, ("png", "svg", "pdf"))
        for relative in item.files.values():
            assert f'href="{relative}"' in page, relative
        assert f'id="figure-{item.figure_id.lower()}"' in page
        # the caption names the marts the figure reads
        block = page.split(f'id="figure-{item.figure_id.lower()}"')[1].split("</figure>")[0]
        for mart in item.marts:
            assert f"<code>{mart}</code>" in block, (item.figure_id, mart)
        # one progress line per figure, with elapsed seconds
        assert any(re.match(rf"\[\s*\d+\.\d s\] figure {re.escape(item.figure_id)} ", line)
                   for line in lines), item.figure_id
    assert page.count('src="data:image/png;base64,') == len(FIGURES)
    assert NETWORK_URL.search(page) is None
    for section in SECTIONS:
        assert f'<section id="{section}">' in page
    manifest = json.loads((root / "figures" / "manifest.json").read_text())
    assert [m["figure_id"] for m in manifest] == [spec.figure_id for spec in FIGURES]


def test_demo_report_tables_show_the_marts(demo_report, warehouse):
    page = demo_report[0].html.read_text(encoding="utf-8")
    groups = warehouse.execute(
        "select group_label, n_patients from dim_comparison_groups "
        "where is_main_analysis_group order by group_order").fetchall()
    table1 = page.split('<section id="table1">')[1].split("</section>")[0]
    header = re.findall(r"<th>(.*?)</th>", table1)
    assert header[2:2 + len(groups)] == [label for label, _ in groups]
    first_row = re.findall(r"<td[^>]*>(.*?)</td>", table1.split("<tbody>")[1].split("</tr>")[0])
    assert first_row[2:2 + len(groups)] == [str(n) for _, n in groups]
    coverage = page.split('<section id="coverage">')[1].split("</section>")[0]
    analyses = [row[0] for row in warehouse.execute(
        "select analysis from rpt_analysis_coverage").fetchall()]
    for analysis in analyses:
        assert f"<td>{analysis}</td>" in coverage
    # the paper-vs-warehouse table is also written as data, equal to compare_with_paper
    from calcomics.paper_claims import compare_with_paper

    written = pd.read_csv(demo_report[0].html.parent / "paper_vs_warehouse.tsv", sep="\t",
                          keep_default_na=False, na_values=[""])
    expected = compare_with_paper(warehouse)
    assert list(written["claim_id"]) == list(expected["claim_id"])
    assert list(written["status"]) == list(expected["status"])
    assert np.allclose(written["warehouse"].astype(float), expected["warehouse"].astype(float),
                       rtol=1e-5, equal_nan=True)


def test_report_without_copy_number_and_metabolomics(tcga_build, tmp_path, capsys):
    warehouse = tcga_build[0]
    # a file of an earlier report of a figure not computed now must not stay behind
    stale = tmp_path / "r" / "figures" / "figure3b_hrd_scores.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an earlier report")
    code = main(["report", "--warehouse", str(warehouse), "-o", str(tmp_path / "r"),
                 "--formats", "png,svg", "-q"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert captured.out == ""
    manifest = json.loads((tmp_path / "r" / "figures" / "manifest.json").read_text())
    missing = {m["figure_id"]: m["not_computed"] for m in manifest if m["not_computed"]}
    assert COPY_NUMBER_AND_METABOLOMICS <= set(missing)
    for figure_id in COPY_NUMBER_AND_METABOLOMICS:
        assert missing[figure_id].startswith("skipped: no data"), missing[figure_id]
        assert "0 of 478 main-group patients have it" in missing[figure_id]
    # the example has no tumour size, IHC, lympho-vascular invasion or SNF subtype
    assert missing["2A"] == ("no main-group patient has a value of tumor_size_cm in "
                             "dim_patients (empty or unknown in clinical.csv)")
    assert missing["2C"].startswith("no main-group patient has a known "
                                    "lymphovascular_invasion value")
    assert set(missing) == COPY_NUMBER_AND_METABOLOMICS | {"2A", "2C", "2E", "4B"}
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for m in manifest:
        if m["not_computed"]:
            assert m["files"] == {}
            assert not list((tmp_path / "r" / "figures").glob(f"{m['slug']}.*"))
            assert f"not computed: {html.escape(m['not_computed'])}" in page
        else:
            assert sorted(m["files"]) == ["png", "svg"]
            for relative in m["files"].values():
                assert (tmp_path / "r" / relative).stat().st_size > 1000
    rendered = {m["figure_id"] for m in manifest if not m["not_computed"]}
    assert {"1", "2B", "2D", "2F", "2G", "3A", "3D", "3E", "4A", "4D", "4E", "4H"} <= rendered
    assert NETWORK_URL.search(page) is None


def test_cli_report_errors(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "-o", str(out)]) == 2
    assert "warehouse not found; run `calcomics build` first" in capsys.readouterr().err
    (tmp_path / "w.duckdb.building").write_bytes(b"")
    assert main(["report", "--warehouse", str(tmp_path / "w.duckdb"), "-o", str(out)]) == 2
    assert "a first build is writing w.duckdb.building" in capsys.readouterr().err
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as connection:
        connection.execute("create table t as select 1 as x")
    assert main(["report", "--warehouse", str(other), "-o", str(out)]) == 2
    assert "not a calcomics warehouse" in capsys.readouterr().err
    text = tmp_path / "text.duckdb"
    text.write_text("not a database\n")
    assert main(["report", "--warehouse", str(text), "-o", str(out)]) == 2
    assert "cannot open as a DuckDB warehouse" in capsys.readouterr().err
    assert main(["report", "--warehouse", str(other), "-o", str(out), "--formats",
                 "png,gif"]) == 2
    assert "unknown figure format(s) gif" in capsys.readouterr().err
    assert not out.exists()


def test_claims_page_escapes_and_marks_differences():
    claims = pd.DataFrame({
        "claim_id": ["table1_ln_status_p", "results_tmb_median"],
        "section": ["Table 1", "Results: genomics"],
        "claim": ["LN status <differs> & more", "median TMB"],
        "statistic": ["p_value", "median"],
        "published": [0.047, np.nan],
        "published_text": ["P = 0.047", "1.2"],
        "warehouse": [0.21, 1.19],
        "source_mart": ["rpt_table1_clinicopathology", "fct_tumor_mutational_burden"],
        "test": ["Fisher's exact (R fisher.test)", "median"],
        "status": ["outside tolerance", "within tolerance"],
        "note": ["", ""],
    })
    table = html.claims_table(claims)
    assert table.startswith("<p>2 claims: 1 outside tolerance, 1 within tolerance</p>")
    assert "LN status &lt;differs&gt; &amp; more" in table
    rows = table.split("<tr")[2:]
    assert rows[0].startswith(' class="differs"') and not rows[1].startswith(' class=')
    assert "table1_ln_status_p" not in table  # the id is for machines; the claim is shown
    page = html.page("t", ["<meta>"], [("paper", "Paper vs warehouse", table)])
    assert "&lt;meta&gt;" in page and NETWORK_URL.search(page) is None


def test_not_computed_figure_block():
    item = html.RenderedFigure("3F", "figure3", "figure3f", "Arms", ("fct_x",), "Fisher",
                               not_computed="skipped: no data (<none>)")
    block = html.figure_block(item)
    assert "not computed: skipped: no data (&lt;none&gt;)" in block
    assert "<img" not in block and "<code>fct_x</code>" in block


def test_p_text():
    assert p_text(0.0004) == "p < 0.001"
    assert p_text(0.035) == "p = 0.035"
    assert p_text(0.56) == "p = 0.56"
    assert p_text(float("nan")) == "p: not tested"
    assert p_text(None) == "p: not tested"


def test_arm_order_is_genome_order():
    arms = ["Xq", "10p", "1q", "2p", "1p", "chr17p", "17q"]
    assert sorted(arms, key=arm_sort_key) == ["1p", "1q", "2p", "10p", "chr17p", "17q", "Xq"]


def test_numbers_at_risk_from_km_rows():
    # group a: at risk 5 before t=2, 3 before t=5, 1 before t=9 (last time 9)
    curves = pd.DataFrame({"group_key": ["a"] * 4 + ["b"] * 2,
                           "time_months": [0.0, 2.0, 5.0, 9.0, 0.0, 4.0],
                           "at_risk": [5, 5, 3, 1, 2, 2]})
    table = at_risk_table(curves, np.array([0.0, 3.0, 6.0, 10.0]))
    assert table.loc["a"].tolist() == [5, 3, 1, 0]
    assert table.loc["b"].tolist() == [2, 2, 0, 0]


def test_immune_heatmap_is_group_mean_of_cohort_z_scores():
    scores = pd.DataFrame({"feature": ["T cells"] * 4, "group_key": ["g1", "g1", "g2", "g2"],
                           "value": [1.0, 3.0, 5.0, 7.0]})
    groups = pd.DataFrame({"group_key": ["g2", "g1"]})
    table = immune_heatmap_values(scores, groups)
    sd = np.std([1.0, 3.0, 5.0, 7.0], ddof=1)
    assert list(table.columns) == ["g2", "g1"]
    assert table.loc["T cells", "g1"] == pytest.approx((2.0 - 4.0) / sd)
    assert table.loc["T cells", "g2"] == pytest.approx((6.0 - 4.0) / sd)


def test_every_column_the_report_reads_is_a_documented_mart_column():
    """marts.COLUMNS against _marts__models.yml: a mart rename fails here, before a build."""
    import yaml

    from calcomics.report import marts

    models = yaml.safe_load((Path(__file__).resolve().parents[1] / "warehouse" / "models"
                             / "marts" / "_marts__models.yml").read_text())["models"]
    documented = {m["name"]: {c["name"] for c in m.get("columns", [])} for m in models}
    shared = {"any": ["patients", "groups", "cohort_flow", "table1", "categorical", "km",
                      "survival_tests", "mutated_genes", "cna", "cell_cycle_cna", "gsea",
                      "da_scores"],
              "scores": ["tmb", "hrd", "cin", "signatures", "immune", "pathways",
                         "treatment"]}
    missing = []
    for (key, name), column in marts.COLUMNS.items():
        users = ["patients", "groups", "cohort_flow"] if name == "is_main" else shared.get(
            key, [key])
        for mart_key in users:
            if column not in documented[marts.MARTS[mart_key]]:
                missing.append(f"{marts.MARTS[mart_key]}.{column} ({name})")
    assert missing == []
