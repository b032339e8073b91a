"""``calcomics report``: render the paper's figures from a built warehouse.

Opens the DuckDB file read-only (a reader never blocks ``calcomics build``), draws every
figure of :data:`~calcomics.report.manifest.FIGURES` the marts support, writes the
publication files to ``OUT/figures/`` and one self-contained ``OUT/index.html`` (figures as
data-URI PNG, no JavaScript, no network), plus ``OUT/figures/manifest.json``.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from calcomics.report import html, marts
from calcomics.report.manifest import FIGURES, SECTIONS, FigureSpec
from calcomics.report.plots import EmptyMartError

__all__ = ["FORMATS", "ReportError", "ReportResult", "open_warehouse", "render_report"]

FORMATS = ("png", "svg", "pdf")
PNG_DPI = 150
RC = {"pdf.fonttype": 42, "svg.hashsalt": "calcomics-report", "font.size": 9}
# no creation dates in the files: the same warehouse gives the same files
METADATA = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


class ReportError(Exception):
    """The warehouse cannot be reported on (missing, not a calcomics warehouse, being
    written); the message says what to do."""


@dataclass
class ReportResult:
    """What was written: the page, the figures (rendered or not computed), the seconds."""

    html: Path
    figures: list[html.RenderedFigure]
    seconds: float

    @property
    def rendered(self) -> list[html.RenderedFigure]:
        return [f for f in self.figures if f.png is not None]


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection to a built calcomics warehouse, or :class:`ReportError`."""
    path = Path(path)
    building = path.with_name(path.name + ".building")
    if path.name.endswith(".building"):
        raise ReportError(f"{path}: this is a build in progress (calcomics build swaps it in "
                          "when it succeeds); report on the warehouse file instead")
    if not path.is_file():
        hint = (f"a first build is writing {building.name}: wait for calcomics build to "
                "finish" if building.exists() else "run `calcomics build` first, or pass "
                "--warehouse")
        raise ReportError(f"{path}: warehouse not found; {hint}")
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise ReportError(f"{path}: the file is being written by another process (a "
                              "direct dbt build?); wait for it to finish, or use calcomics "
                              f"build, whose readers are never blocked ({error})") from None
        raise ReportError(f"{path}: cannot open as a DuckDB warehouse: {error}") from None
    except duckdb.Error as error:
        raise ReportError(f"{path}: cannot open as a DuckDB warehouse: {error}") from None
    missing = marts.missing_marts(connection)
    if missing:
        connection.close()
        what = ("not a calcomics warehouse (no marts)" if len(missing) == len(marts.MARTS)
                else f"an incomplete calcomics warehouse: missing {', '.join(missing)}")
        raise ReportError(f"{path}: {what}; build it with `calcomics build`")
    return connection


def _not_computed_reason(error: EmptyMartError, coverage: pd.DataFrame) -> str:
    if error.reason:
        return error.reason
    row = coverage[coverage["analysis"] == error.analysis]
    if row.empty:
        return f"{error.mart} has no rows"
    r = row.iloc[0]
    return (f"{r['coverage_status']} ({error.mart} has no rows; omics layer {r['omics_layer']}:"
            f" {int(r['n_patients_with_layer'])} of {int(r['n_main_patients'])} main-group "
            "patients have it; rpt_analysis_coverage)")


def _save(figure: Figure, spec: FigureSpec, folder: Path, formats: Sequence[str],
          ) -> tuple[bytes, dict[str, str]]:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata=METADATA["png"])
    png = buffer.getvalue()
    files = {}
    for fmt in formats:
        path = folder / f"{spec.slug}.{fmt}"
        if fmt == "png":
            path.write_bytes(png)
        else:
            figure.savefig(path, format=fmt, metadata=METADATA[fmt])
        files[fmt] = f"{folder.name}/{path.name}"
    return png, files


def _draw(spec: FigureSpec, connection: duckdb.DuckDBPyConnection, groups: pd.DataFrame,
          coverage: pd.DataFrame, folder: Path,
          formats: Sequence[str]) -> html.RenderedFigure:
    item = html.RenderedFigure(spec.figure_id, spec.section, spec.slug, spec.title,
                               spec.marts, spec.test)
    started = time.perf_counter()
    try:
        figure = spec.draw(connection, groups)
    except EmptyMartError as error:
        item.not_computed = _not_computed_reason(error, coverage)
    else:
        item.png, item.files = _save(figure, spec, folder, formats)
    item.seconds = time.perf_counter() - started
    return item


def _paper_claims(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame | str:
    try:
        from calcomics.paper_claims import compare_with_paper
    except ImportError:
        return "the paper-claims table (calcomics.paper_claims) is not in this version"
    try:
        return compare_with_paper(connection)
    except (duckdb.Error, KeyError, ValueError) as error:
        # the rest of the report stands; the page says why this table is missing
        return f"calcomics.paper_claims could not read this warehouse: {error}"


def _meta_lines(warehouse: Path, record: dict[str, object], groups: pd.DataFrame) -> list[str]:
    grouping = record.get("grouping_column") or record.get("grouping_name")
    origin = record.get("data_origin")
    if origin == "synthetic":
        origin = (f"synthetic demo cohort ({record.get('demo_patients')} patients, seed "
                  f"{record.get('demo_seed')})")
    main = groups[groups["is_main"].fillna(False).astype(bool)]
    return [
        f"Warehouse: {warehouse} (built {record.get('finished_at') or 'by dbt build'}, "
        f"calcomics {record.get('calcomics_version')}, commit {record.get('git_commit')})",
        f"Data: {origin}",
        f"Grouping: {grouping}; main groups: " + ", ".join(
            f"{label} (n = {n})" for label, n in zip(main["group_label"], main["n_patients"],
                                                     strict=True)),
    ]


#: The paper-vs-warehouse table, tab-separated, beside index.html.
PAPER_VS_WAREHOUSE_FILE = "paper_vs_warehouse.tsv"


def render_report(warehouse: Path, out_dir: Path, formats: Sequence[str] = FORMATS,
                  log: Callable[[str], None] | None = None,
                  claims: pd.DataFrame | None = None) -> ReportResult:
    """Render the report of ``warehouse`` into ``out_dir`` (created; files replaced).

    ``formats``: publication files per figure (png, svg, pdf); ``log``: called with one line
    per figure ('[  1.2 s] figure 3B HRD scores (scarHRD)'); ``claims``: the
    paper-vs-warehouse table (default: :func:`calcomics.paper_claims.compare_with_paper`).
    Raises :class:`ReportError` for an unusable warehouse, :class:`OSError` when ``out_dir``
    cannot be written, :class:`ValueError` for an unknown format.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown figure format(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(FORMATS)}")
    started = time.perf_counter()
    say = log or (lambda _line: None)
    connection = open_warehouse(Path(warehouse))
    try:
        out_dir = Path(out_dir)
        folder = out_dir / "figures"
        folder.mkdir(parents=True, exist_ok=True)
        for spec in FIGURES:  # files of an earlier report (a figure may be gone now)
            for fmt in FORMATS:
                (folder / f"{spec.slug}.{fmt}").unlink(missing_ok=True)
        all_groups = marts.groups(connection)
        groups = all_groups[all_groups["is_main"].fillna(False).astype(bool)].reset_index(
            drop=True)
        coverage = marts.analysis_coverage(connection)
        items = []
        with matplotlib.rc_context(RC):
            for spec in FIGURES:
                item = _draw(spec, connection, groups, coverage, folder, formats)
                state = "" if item.png is not None else " — not computed"
                say(f"[{time.perf_counter() - started:6.1f} s] figure {spec.figure_id} "
                    f"{spec.title}{state}")
                items.append(item)
        paper = claims if claims is not None else _paper_claims(connection)
        sections = _sections(items, marts.table1(connection), groups, coverage, paper)
        record = marts.build_record(connection)
    finally:
        connection.close()
    page = html.page("calcomics report", _meta_lines(Path(warehouse), record, all_groups),
                     sections)
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    manifest = [{"figure_id": i.figure_id, "section": i.section, "slug": i.slug,
                 "title": i.title, "marts": list(i.marts), "test": i.test, "files": i.files,
                 "not_computed": i.not_computed} for i in items]
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                          encoding="utf-8")
    # the paper-vs-warehouse table as data too (spreadsheets, diffs between builds)
    claims_file = out_dir / PAPER_VS_WAREHOUSE_FILE
    claims_file.unlink(missing_ok=True)
    if isinstance(paper, pd.DataFrame):
        paper.to_csv(claims_file, sep="\t", index=False, float_format="%.6g")
    seconds = time.perf_counter() - started
    say(f"[{seconds:6.1f} s] report written: {index}")
    return ReportResult(index, items, seconds)


def _sections(items: list[html.RenderedFigure], table1: pd.DataFrame, groups: pd.DataFrame,
              coverage: pd.DataFrame, paper: pd.DataFrame | str,
              ) -> list[tuple[str, str, str]]:
    sections = []
    for section_id, heading in SECTIONS.items():
        if section_id == "table1":
            inner = (html.table1_table(table1, groups) if not table1.empty else
                     '<div class="not-computed">not computed: rpt_table1_clinicopathology '
                     "has no rows</div>")
            inner += ("<p class='meta'>Reads <code>rpt_table1_clinicopathology</code>; p: "
                      "exact Fisher test (R fisher.test, r × c) for categories, "
                      "Kruskal–Wallis for medians, over the known values of all main "
                      "groups.</p>")
        elif section_id == "coverage":
            inner = html.coverage_table(coverage) + (
                "<p class='meta'>Reads <code>rpt_analysis_coverage</code>.</p>")
        elif section_id == "paper":
            inner = (html.claims_table(paper) if isinstance(paper, pd.DataFrame) else
                     f'<div class="not-computed">not computed: {html.escape(paper)}</div>')
            inner += ("<p class='meta'>Every quantitative claim of the paper beside the "
                      "warehouse's value and test (calcomics.paper_claims).</p>")
        else:
            inner = ('<div class="figures">'
                     + "".join(html.figure_block(i) for i in items if i.section == section_id)
                     + "</div>")
        sections.append((section_id, heading, inner))
    return sections
