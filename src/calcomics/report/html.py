"""HTML assembly of the report: one self-contained page (figures as data-URI PNG, inline
CSS, no JavaScript, no network), every text escaped with :func:`html.escape`."""

from __future__ import annotations

import base64
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd

__all__ = [
    "RenderedFigure",
    "claims_table",
    "coverage_table",
    "data_table",
    "figure_block",
    "page",
    "png_size",
    "table1_table",
]

# figures are rendered at 150 dpi and shown at 100 px per inch (sharp on high-DPI screens)
DISPLAY_SCALE = 2 / 3

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
header, section { max-width: 1200px; margin: 0 auto; padding: 0.5rem 1.5rem; }
header { border-bottom: 1px solid #ddd; }
nav a { margin-right: 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; border-bottom: 1px solid #ddd; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
figure { background: white; border: 1px solid #e3e3e3; margin: 0; padding: 0.8rem;
         max-width: calc(100% - 1.6rem); box-sizing: content-box; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.85rem; color: #444; margin-top: 0.4rem; }
.not-computed { background: #fff7e6; border: 1px dashed #d9a441; padding: 1.2rem;
                font-size: 0.95rem; }
table { border-collapse: collapse; font-size: 0.8rem; background: white; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.45rem; text-align: left; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.differs td { background: #fdecea; }
.meta { font-size: 0.85rem; color: #555; }
"""


@dataclass
class RenderedFigure:
    """A figure as the page shows it: the PNG bytes, or the reason it was not computed."""

    figure_id: str
    section: str
    slug: str
    title: str
    marts: tuple[str, ...]
    test: str
    png: bytes | None = None
    files: dict[str, str] = field(default_factory=dict)  # format -> relative path
    not_computed: str | None = None
    seconds: float = 0.0


def figure_block(item: RenderedFigure) -> str:
    """``<figure>`` of one figure: the image (or the 'not computed' box) and a caption
    naming the marts, the test and the publication files."""
    anchor = f"figure-{escape(item.figure_id.lower())}"
    caption = (f"<figcaption><b>Figure {escape(item.figure_id)}.</b> {escape(item.title)}. "
               f"Reads: {', '.join(f'<code>{escape(m)}</code>' for m in item.marts)}. "
               f"Test: {escape(item.test)}.")
    if item.files:
        links = " · ".join(f'<a href="{escape(path)}">{escape(fmt.upper())}</a>'
                           for fmt, path in item.files.items())
        caption += f" Files: {links}."
    caption += "</figcaption>"
    if item.png is None:
        body = (f'<div class="not-computed">not computed: {escape(item.not_computed or "")}'
                "</div>")
        return f'<figure id="{anchor}" class="figure missing">{body}{caption}</figure>'
    data = base64.b64encode(item.png).decode("ascii")
    alt = escape(f"Figure {item.figure_id}: {item.title}")
    width, height = (round(v * DISPLAY_SCALE) for v in png_size(item.png))
    return (f'<figure id="{anchor}" class="figure" style="width: {width}px">'
            f'<img src="data:image/png;base64,{data}" width="{width}" height="{height}" '
            f'alt="{alt}">{caption}</figure>')


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _cell(value: object, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or (
            not isinstance(value, str | bytes) and pd.isna(value)):
        return "<td></td>"
    if isinstance(value, bool | np.bool_):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, numbers.Real):  # Python and numpy numbers (bools handled above)
        text = str(value) if isinstance(value, numbers.Integral) else f"{value:.{digits}g}"
        return f'<td class="num">{escape(text)}</td>'
    return f"<td>{escape(str(value))}</td>"


def data_table(frame: pd.DataFrame, css_class: str = "",
               row_classes: Sequence[str] | None = None) -> str:
    """A DataFrame as an escaped HTML table (numbers right-aligned, NaN as empty)."""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        extra = f' class="{escape(row_classes[i])}"' if row_classes and row_classes[i] else ""
        rows.append(f"<tr{extra}>" + "".join(_cell(v) for v in row) + "</tr>")
    return (f'<table class="{escape(css_class)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _p(value: object) -> str:
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def table1_table(table1: pd.DataFrame, groups: pd.DataFrame) -> str:
    """Table 1 in the printed layout: one row per characteristic row, one column per main
    group ('n (pct %)' or the median), the characteristic's p on its first row."""
    keys = [k for k in groups["group_key"] if k in set(table1["group_key"])]
    labels = dict(zip(groups["group_key"], groups["group_label"], strict=True))
    rows = []
    for (_order, characteristic, category, _kind), part in table1.groupby(
            ["row_order", "characteristic_label", "category_label", "row_kind"],
            sort=True, dropna=False):
        by_group = part.set_index("group_key")
        cells = []
        for key in keys:
            if key not in by_group.index:
                cells.append("")
                continue
            row = by_group.loc[key]
            if not pd.isna(row["median"]) and pd.isna(row["pct"]):
                cells.append(f"{row['median']:.3g}")
            elif not pd.isna(row["n"]):
                pct = "" if pd.isna(row["pct"]) else f" ({row['pct']:.1f} %)"
                cells.append(f"{int(row['n'])}{pct}")
            else:
                cells.append("")
        first = part.iloc[0]
        p = first["p_fisher"] if not pd.isna(first["p_fisher"]) else first["p_kruskal_wallis"]
        rows.append([characteristic, "" if pd.isna(category) else category, *cells, _p(p),
                     "" if pd.isna(first["test_note"]) else first["test_note"]])
    frame = pd.DataFrame(rows, columns=["characteristic", "category",
                                        *(labels[k] for k in keys), "p", "note"])
    # the characteristic is printed once, on its first row
    repeated = frame["characteristic"].eq(frame["characteristic"].shift())
    frame.loc[repeated, ["characteristic", "p"]] = ""
    return data_table(frame, "table1")


def coverage_table(coverage: pd.DataFrame) -> str:
    """``rpt_analysis_coverage`` as a table."""
    shown = coverage.drop(columns=["analysis_order"], errors="ignore")
    return data_table(shown, "coverage")


def claims_table(claims: pd.DataFrame) -> str:
    """The paper-vs-warehouse claims (compare_with_paper) after a one-line count per status,
    rows outside tolerance marked."""
    counts = claims["status"].value_counts() if "status" in claims else pd.Series(dtype=int)
    summary = (f"<p>{len(claims)} claims: "
               + escape(", ".join(f"{n} {status}" for status, n in counts.items())) + "</p>")
    shown = claims.drop(columns=["claim_id"], errors="ignore")
    classes = ["differs" if s == "outside tolerance" else "" for s in claims.get(
        "status", pd.Series([""] * len(claims)))]
    return summary + data_table(shown, "claims", classes)


def page(title: str, meta_lines: Iterable[str], sections: Sequence[tuple[str, str, str]]) -> str:
    """The whole page: ``sections`` are (section id, heading, inner HTML)."""
    nav = " ".join(f'<a href="#{escape(sid)}">{escape(heading.split(" · ")[0])}</a>'
                   for sid, heading, _ in sections)
    meta = "".join(f"<div>{escape(line)}</div>" for line in meta_lines)
    body = "".join(f'<section id="{escape(sid)}"><h2>{escape(heading)}</h2>{inner}</section>'
                   for sid, heading, inner in sections)
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            f'<header><h1>{escape(title)}</h1><div class="meta">{meta}</div>'
            f"<nav>{nav}</nav></header>{body}</body></html>\n")
