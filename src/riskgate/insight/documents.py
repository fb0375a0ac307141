"""A report as documents: PDF (WeasyPrint, the Noto CJK fonts, bar charts drawn as SVG) and XLSX (one sheet per
table, formula-safe cells through core.tabular)."""

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

from riskgate.core.tabular import row
from riskgate.core.text import strip_control

from .reports import CHARTED

STYLESHEET = Path(__file__).resolve().parent / "static" / "insight" / "report-print.css"
BAR_COLOUR = "#0b4f8a"


def bar_chart(table: dict, top: int = 10) -> str:
    """A horizontal bar chart of a two-column table as inline SVG (label, count), the first `top` rows."""
    rows = [r for r in table["rows"] if r[1]][:top]
    if not rows:
        return ""
    height, label_w, width = 7, 58, 170  # millimetres
    peak = max(r[1] for r in rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height * len(rows) + 4}mm" '
             f'viewBox="0 0 {width} {height * len(rows) + 4}" role="img">']  # fmt: skip
    for i, (label, n) in enumerate(rows):
        y = i * height + 2
        length = (width - label_w - 14) * n / peak
        parts.append(
            f'<text x="{label_w - 2}" y="{y + 4.6}" font-size="3.4" text-anchor="end" '
            f'font-family="Noto Sans CJK SC">{escape(str(label)[:24])}</text>'
            f'<rect x="{label_w}" y="{y + 1}" width="{length:.2f}" height="{height - 2.5}" fill="{BAR_COLOUR}"/>'
            f'<text x="{label_w + length + 1.5:.2f}" y="{y + 4.6}" font-size="3.4" '
            f'font-family="Noto Sans CJK SC">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def pdf(report, tables: dict) -> bytes:
    from weasyprint import CSS, HTML

    charts = {key: mark_safe(bar_chart(tables[key])) for key in CHARTED if key in tables}  # noqa: S308 - built here, escaped
    html = render_to_string("insight/report_pdf.html", {"report": report, "tables": tables, "charts": charts})
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def xlsx(report, tables: dict) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for key, table in tables.items():
        sheet = workbook.create_sheet(strip_control(table["title"])[:31] or key)
        sheet.append(row(table["columns"]))
        for values in table["rows"]:
            sheet.append(row(values))
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()
