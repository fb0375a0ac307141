"""Double-random spot checks: the authority's draws, a draw with its checks and publication, an inspector's own
checks, other agencies' checks; and the portal's public pages: published draws with everything needed to verify
them (seed, snapshot, hash, selection), and approved monitoring results in aggregate."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import any_permission_required, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission

from .. import draw as drawing
from .. import services
from ..forms import CheckResultForm, DrawForm, ExternalCheckForm
from ..queries import programme as queries

P = Permission
COLUMNS = {"reference": by("pk", descending_first=True), "period": by("period_start", descending_first=True)}


@permission_required(P.MONITORING_SPOTCHECK_MANAGE)
def draw_list(request):
    page = listing.page_of(request, queries.draws(request.user), COLUMNS, "reference")
    return render(request, "monitoring/draw_list.html", page)


@permission_required(P.MONITORING_SPOTCHECK_MANAGE)
def draw_new(request):
    status = 200
    if request.method == "POST":
        form = DrawForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.spotchecks.draw_checks(
                    request.user,
                    title=data["title"],
                    kind=data["kind"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    criteria=form.criteria(),
                    count=data["count"],
                    per_check=data["per_check"],
                    seed=data["seed"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已抽取 %s。") % draw.reference)
                return redirect("monitoring:draw", pk=draw.pk)
        status = 400
    else:
        form = DrawForm()
    return render(request, "monitoring/draw_form.html", {"form": form}, status=status)


def _check_rows(checks, forms=None):
    """Each check with its result form (the one that failed, when redisplayed)."""
    forms = forms or {}
    return [
        (
            check,
            forms.get(check.pk)
            or CheckResultForm(
                prefix=f"check{check.pk}",
                initial={"outcome": check.outcome, "checked_on": check.checked_on, "findings": check.findings},
            ),
        )
        for check in checks
    ]


@permission_required(P.MONITORING_SPOTCHECK_MANAGE)
def draw_detail(request, pk: int, forms: dict | None = None, status: int = 200):
    draw = pk_or_404(queries.draws(request.user), pk)
    audit.record_read(actor=request.user, obj=draw)
    context = {"draw": draw, "rows": _check_rows(queries.checks_of(draw), forms), "snapshot": _pretty(draw.snapshot)}
    return render(request, "monitoring/draw_detail.html", context, status=status)


def _pretty(snapshot: dict) -> str:
    return json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True)


ACTIONS = {
    "publish": Action(
        run=lambda request, draw, data: services.spotchecks.publish(request.user, draw), done=_("已公开 %s。")
    ),
}


@require_POST
@permission_required(P.MONITORING_SPOTCHECK_MANAGE)
def draw_act(request, pk: int, action: str):
    draw = pk_or_404(queries.draws(request.user), pk)
    return dispatch(request, draw, action, ACTIONS, show=lambda d: redirect("monitoring:draw", pk=d.pk))


@require_POST
@any_permission_required(P.MONITORING_SPOTCHECK_MANAGE, P.MONITORING_SPOTCHECK_INSPECT)
def check_record(request, pk: int):
    """One check's result, from the draw's page (the authority) or the inspector's own list."""
    check = queries.check_in_scope(request.user, pk) if pk > 0 else None
    if check is None:
        raise Http404
    manages = (
        request.user.has_permission(P.MONITORING_SPOTCHECK_MANAGE)
        and queries.draws(request.user).filter(pk=check.draw_id).exists()
    )
    mine = request.POST.get("next") == "mine" or not manages  # where to go back to: the draw, or my checks
    form = CheckResultForm(request.POST, prefix=f"check{check.pk}")
    if form.is_valid():
        try:
            services.spotchecks.record_result(request.user, check, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已登记 %s 的检查结果。") % check.enterprise)
            return redirect("monitoring:my_checks") if mine else redirect("monitoring:draw", pk=check.draw_id)
    if mine:
        return my_checks(request, forms={check.pk: form}, status=400)
    return draw_detail(request, check.draw_id, forms={check.pk: form}, status=400)


@permission_required(P.MONITORING_SPOTCHECK_INSPECT)
def my_checks(request, forms: dict | None = None, status: int = 200):
    checks = queries.my_checks(request.user).order_by("-draw__period_start", "position")
    return render(request, "monitoring/my_checks.html", {"rows": _check_rows(checks, forms)}, status=status)


@permission_required(P.MONITORING_SPOTCHECK_MANAGE)
def external_checks(request):
    agencies, enterprises = queries.partner_agencies(), queries.enterprises(request.user)
    status = 200
    if request.method == "POST":
        form = ExternalCheckForm(request.POST, agencies=agencies, enterprises=enterprises)
        if form.is_valid():
            try:
                services.spotchecks.record_external(request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已登记其他部门的检查结果。"))
                return redirect("monitoring:external_checks")
        status = 400
    else:
        form = ExternalCheckForm(agencies=agencies, enterprises=enterprises)
    rows = queries.external_checks(request.user)[:200]
    return render(request, "monitoring/external_checks.html", {"form": form, "rows": rows}, status=status)


# ---- the portal ---------------------------------------------------------------------------------------------------


def portal_draws(request):
    return render(request, "monitoring/portal_draws.html", {"draws": queries.published_draws()[:200]})


def portal_draw(request, pk: int):
    draw = pk_or_404(queries.published_draws(), pk)
    problems = drawing.verify(
        draw.snapshot, draw.seed, digest=draw.snapshot_sha256, selection=draw.selection["selection"]
    )
    context = {
        "draw": draw,
        "checks": queries.published_checks(draw),
        "verified": not problems,
        "snapshot": _pretty(draw.snapshot),
    }
    return render(request, "monitoring/portal_draw.html", context)


def portal_snapshot(request, pk: int):
    """The snapshot exactly as hashed (canonical JSON), to verify the draw with any SHA-256 tool."""
    draw = pk_or_404(queries.published_draws(), pk)
    response = HttpResponse(drawing.canonical(draw.snapshot), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{draw.reference}-snapshot.json"'
    return response


def portal_results(request):
    return render(request, "monitoring/portal_results.html", queries.portal_results())
