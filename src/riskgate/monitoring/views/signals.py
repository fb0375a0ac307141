"""The analyst's pages: the queue of signals and one signal with its chart, its records and the decision."""

from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.listing import by
from riskgate.core.permissions import Permission

from .. import queries, services
from ..forms import ConfirmForm, DismissForm, FilterForm
from ..models import Signal, SignalStatus

COLUMNS = {
    "reference": by("pk"),
    "week": by("week", descending_first=True),
    "observed": by("observed", descending_first=True),
    "status": by("status"),
    "raised": by("created_at", descending_first=True),
}


@permission_required(Permission.MONITORING_SIGNAL_VIEW)
def signal_list(request):
    form = FilterForm(request.GET if "status" in request.GET else {"status": SignalStatus.OPEN})
    items = queries.visible(request.user).select_related("profile")
    if form.is_valid() and form.cleaned_data["status"]:
        items = items.filter(status=form.cleaned_data["status"])
    page = listing.page_of(request, items, COLUMNS, "-week")
    rows = [(signal, queries.label(signal), queries.bound_text(signal.upperbound)) for signal in page["page"]]
    return render(request, "monitoring/signal_list.html", {**page, "form": form, "rows": rows})


def _initial(signal: Signal) -> dict:
    hazard = signal.series.get("hazard_type", "")
    return {
        "title": gettext("%(series)s：%(week)s 当周风险信息异常增多")
        % {"series": queries.label(signal), "week": signal.week.isoformat()},
        "hazard_type": hazard,
        "assignee_kind": "institution",
    }


def _detail(request, signal: Signal, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    deciding = signal.status == SignalStatus.OPEN and request.user.has_permission(Permission.MONITORING_SIGNAL_DECIDE)
    requesting = deciding and request.user.has_permission(Permission.ASSESSMENT_REQUEST)
    records = queries.records(request.user, signal)
    context = {
        "signal": signal,
        "series_label": queries.label(signal),
        "bound": queries.bound_text(signal.upperbound),
        "expected": queries.bound_text(signal.expected),
        "records": records[:100],
        "history_rows": list(
            zip(
                signal.history.get("weeks", []),
                signal.history.get("observed", []),
                signal.history.get("expected", []),
                signal.history.get("upperbound", []),
                strict=False,
            )
        ),
        "record_count": records.count(),
        "unverified": records.filter(status__in=services.signals.VERIFIABLE).count(),
        "confirm_form": forms.get("confirm") or (ConfirmForm(initial=_initial(signal)) if requesting else None),
        "dismiss_form": forms.get("dismiss") or (DismissForm() if deciding else None),
    }
    return render(request, "monitoring/signal_detail.html", context, status=status)


@permission_required(Permission.MONITORING_SIGNAL_VIEW)
def signal_detail(request, pk: int):
    signal = pk_or_404(queries.visible(request.user).select_related("profile", "assessment", "decided_by"), pk)
    audit.record_read(actor=request.user, obj=signal)
    return _detail(request, signal)


ACTIONS = {
    "confirm": Action(
        run=lambda request, signal, data: services.confirm(request.user, signal, **data),
        done=_("已确认信号 %s，并已提请研判。"),
        form=ConfirmForm,
    ),
    "dismiss": Action(
        run=lambda request, signal, data: services.dismiss(request.user, signal, reason=data["reason"]),
        done=_("已排除信号 %s。"),
        form=DismissForm,
    ),
}


@require_POST
@permission_required(Permission.MONITORING_SIGNAL_DECIDE)
def signal_act(request, pk: int, action: str):
    signal = pk_or_404(queries.visible(request.user).select_related("profile"), pk)
    return dispatch(
        request,
        signal,
        action,
        ACTIONS,
        show=lambda s: redirect("monitoring:signal", pk=s.pk),
        redisplay=lambda req, s, forms, status: _detail(req, s, forms=forms, status=status),
    )
