"""The written report as PDF (Art.15): the report template rendered by WeasyPrint with the Noto CJK fonts, so
Chinese text is shaped, broken into lines and embedded correctly (fonts-noto-cjk is a system dependency)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Assessment
from .queries import report_context

STYLESHEET = Path(__file__).resolve().parent / "static" / "assessment" / "report-print.css"


def render_report(assessment: Assessment, request=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "assessment/report_pdf.html",
        {**report_context(assessment), "printed_at": timezone.now(), "printing": True},
        request=request,
    )
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])
