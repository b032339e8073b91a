"""``calcomics report``: the paper's figures and tables from a built warehouse, as a
self-contained static HTML page and PNG / SVG / PDF files (matplotlib, no JavaScript)."""

from calcomics.report.render import FORMATS, ReportError, ReportResult, render_report

__all__ = ["FORMATS", "ReportError", "ReportResult", "render_report"]
