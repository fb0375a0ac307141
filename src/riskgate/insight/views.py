"""The dashboard (the charts the reader may see, each with its table and CSV), a chart's CSV, and the records behind
one of its figures — all for the same period and province, in the reader's scope."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core.access import login_required, permission_required
from riskgate.core.forms import add_service_errors
from riskgate.core.permissions import Permission as P
from riskgate.core.tabular import csv_lines
from riskgate.core.text import local

from . import performance, queries, services, tables
from .forms import PeriodForm, ReportForm

LIMIT = 200


def _period(request) -> tuple[PeriodForm, tables.Period]:
    period = tables.default_period()
    form = PeriodForm(
        request.GET or None,
        provinces=[(r.code[:2], local(r)) for r in queries.provinces()],
        initial={"since": period.since, "until": period.until},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        since, until = data.get("since") or period.since, data.get("until") or period.until
        if since > until:
            since = until
        period = tables.Period(since, until, data.get("province") or "")
    return form, period


def _query(period: tables.Period) -> str:
    values = {"since": period.since.strftime("%Y-%m"), "until": period.until.strftime("%Y-%m")}
    if period.province:
        values["province"] = period.province
    return urlencode(values)


@login_required
def dashboard(request):
    charts = queries.charts_for(request.user)
    if not charts:
        raise PermissionDenied
    form, period = _period(request)
    query = _query(period)
    shown = []
    for chart in charts:
        table = chart.read(request.user, period)
        drill = reverse("insight:drill", args=[chart.key])
        links = [
            [f"{drill}?{query}&{urlencode({'value': v})}" if v is not None else None for v in row]
            for row in table.drill
        ]
        shown.append(
            {
                "chart": chart,
                "table": table,
                "script_id": f"data-{chart.key}",
                "cells": [list(zip(r, ln, strict=True)) for r, ln in zip(table.rows, links, strict=True)],
                "data": {"kind": chart.kind, "columns": table.columns, "rows": table.rows, "links": links,
                         "keys": [row[-1] for row in table.drill], "colors": chart.colors,
                         "plotted": chart.plotted},
            }
        )  # fmt: skip
    return render(
        request,
        "insight/dashboard.html",
        {
            "form": form,
            "period": period,
            "query": query,
            "shown": shown,
            "fresh": queries.freshness(),
            "league": performance.may_read(request.user),
        },
        status=400 if form.errors else 200,
    )


def _chart(request, key: str) -> tables.Chart:
    if key == performance.LEAGUE.key:
        chart = performance.LEAGUE if performance.may_read(request.user) else None
    else:
        chart = queries.chart_or_none(request.user, key)
    if chart is None:
        raise Http404
    return chart


@login_required
def chart_csv(request, key: str):
    chart = _chart(request, key)
    _form, period = _period(request)
    table = chart.read(request.user, period)
    response = HttpResponse("".join(csv_lines(table.columns, table.rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{key}-{period.since:%Y%m}-{period.until:%Y%m}{period.province}.csv"'
    )
    return response


def _figure(table: tables.Table, value: str) -> str:
    """What the reader clicked, in words: the row's label and the column's header of the figure (not its code)."""
    for row, drill in zip(table.rows, table.drill, strict=True):
        for column, key in enumerate(drill):
            if key == value:
                header = table.columns[column] if column else ""
                return f"{row[0]} · {header}" if header and len(table.columns) > 2 else str(row[0])
    return value


@login_required
def drill(request, key: str):
    chart = _chart(request, key)
    _form, period = _period(request)
    value = request.GET.get("value", "")[:200]
    try:
        records = chart.records(request.user, period, value)
    except ValueError as exc:  # a week or a month that is not a date
        raise Http404 from exc
    shown = list(records.order_by("-pk")[:LIMIT])
    return render(
        request,
        "insight/drill.html",
        {
            "chart": chart,
            "period": period,
            "value": _figure(chart.read(request.user, period), value),
            "count": records.count(),
            "records": [(r, queries.detail_url(chart, r)) for r in shown],
            "limit": LIMIT,
            "back": (
                f"{reverse('insight:performance')}?{_query(period)}"
                if key == performance.LEAGUE.key
                else f"{reverse('insight:dashboard')}?{_query(period)}#chart-{key}"
            ),
        },
    )


@login_required
def performance_page(request):
    """绩效排行: the league table of the units in the reader's jurisdiction; each figure opens its records."""
    if not performance.may_read(request.user):
        raise PermissionDenied
    form, period = _period(request)
    query = _query(period)
    table = performance.league(request.user, period)
    drill = reverse("insight:drill", args=[performance.LEAGUE.key])
    cells = [
        [
            (value, f"{drill}?{query}&{urlencode({'value': v})}" if v is not None else None)
            for value, v in zip(r, d, strict=True)
        ]
        for r, d in zip(table.rows, table.drill, strict=True)
    ]
    return render(
        request,
        "insight/performance.html",
        {"form": form, "period": period, "query": query, "table": table, "cells": cells, "chart": performance.LEAGUE},
        status=400 if form.errors else 200,
    )


# -- periodic reports -----------------------------------------------------------------------------------------------


@permission_required(P.WARNING_VIEW)
@require_http_methods(["GET", "POST"])
def report_list(request):
    may = queries.may_report(request.user)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if form.is_valid():
            try:
                report = services.generate(form.cleaned_data["kind"], form.cleaned_data["day"], request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已生成 %s。") % report)
                return redirect("insight:reports")
    return render(
        request,
        "insight/report_list.html",
        {"reports": queries.reports_for(request.user)[:200], "form": form, "may_report": may},
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required(P.WARNING_APPROVE)
def report_publish(request, pk: int):
    report = queries.report_or_none(request.user, pk)
    if report is None:
        raise Http404
    try:
        services.publish(request.user, report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%s 已在门户发布。") % report)
    return redirect("insight:reports")


def portal_reports(request):
    """统计报告 on the portal: every published report, newest first."""
    return render(request, "insight/portal_reports.html", {"reports": queries.reports_for(None)[:200]})


def report_file(request, pk: int, fmt: str):
    """A report's PDF or XLSX: a published one for everyone, an unpublished one for officers who read warnings."""
    report = queries.report_or_none(request.user if request.user.is_authenticated else None, pk)
    if report is None or fmt not in ("pdf", "xlsx"):
        raise Http404
    stored = report.pdf if fmt == "pdf" else report.xlsx
    try:
        handle = stored.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    name = f"{report.kind}-{report.starts_on:%Y%m%d}.{fmt}"
    return FileResponse(handle, as_attachment=True, filename=name)
