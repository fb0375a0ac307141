"""Pages of rapid response: the measures (with the executing units' queue), ordering one from a warning, one
measure with its progress, quantities, control rules and lifting, and its evidence files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import MAX_ID, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.warnings.queries import basis_from_request

from ..forms import CheckForm, FilterForm, LiftForm, OrderForm, ProgressForm, QuantityForm
from ..models import MeasureOrder
from ..queries import measures as queries
from ..queries.common import decides
from ..services import measures as services

COLUMNS = {
    "reference": by("id"),
    "kind": by("kind__name"),
    "target": by("target"),
    "warning": by("warning__lineage_id", "warning__version"),
    "lead": by("lead_unit__name"),
    "deadline": by("deadline"),
    "status": by("status"),
    "ordered": by("ordered_at", descending_first=True),
}


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
def measure_list(request):
    form = FilterForm(request.GET or None)
    orders = queries.visible(request.user).select_related("kind", "lead_unit", "organisation", "warning")
    if form.is_valid():
        if form.cleaned_data["status"]:
            orders = orders.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            orders = queries.overdue(orders)
        organisation = request.user.organisation
        if form.cleaned_data["mine"] and organisation is not None:
            orders = orders.filter(
                Q(lead_unit__path__startswith=organisation.path)
                | Q(cooperating_units__path__startswith=organisation.path)
            ).distinct()
    return render(
        request,
        "response/list.html",
        {
            **listing.page_of(request, orders, COLUMNS, "-ordered"),
            "form": form,
            "can_order": request.user.has_permission(Permission.RESPONSE_MEASURE_ORDER),
        },
    )


@permission_required(Permission.RESPONSE_MEASURE_ORDER)
def measure_create(request):
    warning = basis_from_request(request)
    if request.method == "POST":
        form = OrderForm(request.POST, principal=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.order_measure(
                    request.user,
                    kind=data["kind"],
                    warning=warning,
                    target_kind=data["target_kind"],
                    target=data["target"],
                    target_enterprise=data["target_enterprise"],
                    hs_codes=data["hs_codes"],
                    instructions=data["instructions"],
                    lead_unit=data["lead_unit"],
                    cooperating_units=list(data["cooperating_units"]),
                    deadline=data["deadline"],
                    period_ends_at=data["period_ends_at"],
                    investigation=(data["investigation_from"], data["investigation_to"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已下达快速反应措施 %s。") % order.reference)
                return redirect("response:detail", pk=order.pk)
    else:
        initial = {}
        if warning is not None:
            initial = {
                "target": warning.title[:500],
                "hs_codes": ", ".join(warning.hs_codes),
                "instructions": warning.measures,
                "target_kind": "product",
            }
        form = OrderForm(initial=initial, principal=request.user)
    return render(request, "response/form.html", {"form": form, "warning": warning}, status=400 if form.errors else 200)


def _detail(request, order: MeasureOrder, forms: dict | None = None, status: int = 200):
    user = request.user
    forms = forms or {}
    executing = (
        user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and order.is_open and queries.executes(user, order)
    )
    can_lift = user.has_permission(Permission.RESPONSE_MEASURE_LIFT) and order.is_open and decides(user, order)
    checker = user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and order.is_open and decides(user, order)
    context = {
        "order": order,
        "notes": order.notes.select_related("organisation", "created_by"),
        "quantities": order.quantities.select_related("organisation"),
        "rules": order.control_rules.select_related("retro"),
        "cooperating": order.cooperating_units.all(),
        "executing": executing,
        "can_lift": can_lift,
        "progress_form": forms.get("progress") or (ProgressForm(lead=_leads(user, order)) if executing else None),
        "quantity_form": forms.get("quantity") or (QuantityForm() if executing else None),
        "lift_form": forms.get("lift") or (LiftForm() if can_lift else None),
        "checks": order.checks.select_related("organisation"),
        "deliveries": queries.deliveries(order),
        "unread": queries.unread_delivery(user, order),
        "check_form": forms.get("check") or (CheckForm() if checker else None),
    }
    return render(request, "response/detail.html", context, status=status)


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
def measure_detail(request, pk: int):
    order = pk_or_404(queries.visible(request.user).select_related("kind", "warning", "lead_unit"), pk)
    audit.record_read(actor=request.user, obj=order)
    return _detail(request, order)


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
@require_POST
def measure_read(request, pk: int):
    """Opening a delivered measure posts its read receipt (htmx on load, or the button without script); reading
    the page itself writes nothing."""
    order = pk_or_404(queries.visible(request.user), pk)
    services.mark_read(request.user, order)
    if request.htmx:
        return render(request, "response/_deliveries.html", {"order": order, "deliveries": queries.deliveries(order)})
    return redirect("response:detail", pk=order.pk)


def _leads(user, order: MeasureOrder) -> bool:
    """The user works at the lead unit and the measure is not yet reported implemented."""
    return getattr(user, "organisation_id", None) == order.lead_unit_id and order.implemented_at is None


def _may_execute(request, order: MeasureOrder) -> bool:
    return request.user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and queries.executes(request.user, order)


def _may_check(request, order: MeasureOrder) -> bool:
    return request.user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and decides(request.user, order)


def _may_lift(request, order: MeasureOrder) -> bool:
    return request.user.has_permission(Permission.RESPONSE_MEASURE_LIFT) and decides(request.user, order)


ACTIONS = {
    "progress": Action(
        lambda r, order, d: services.report_progress(
            r.user, order, text=d["text"], evidence=d["evidence"], implemented=d.get("implemented", False)
        ),
        gettext_lazy("已报告进展。"),
        ProgressForm,
        _may_execute,
    ),
    "quantity": Action(
        lambda r, order, d: services.record_quantity(
            r.user, order, kind=d["kind"], amount=d["amount"], unit=d["unit"], note=d["note"]
        ),
        gettext_lazy("已登记处置数量。"),
        QuantityForm,
        _may_execute,
    ),
    "check": Action(
        lambda r, order, d: services.record_check(
            r.user, order, checked_on=d["checked_on"], result=d["result"], findings=d["findings"]
        ),
        gettext_lazy("已登记检查结果。"),
        CheckForm,
        _may_check,
    ),
    "lift": Action(
        lambda r, order, d: services.lift(r.user, order, reason=d["reason"], evaluation=d["evaluation"]),
        gettext_lazy("已解除 %s。"),
        LiftForm,
        _may_lift,
    ),
}


@require_POST
@permission_required(Permission.RESPONSE_MEASURE_VIEW)
def measure_act(request, pk: int, action: str):
    order = pk_or_404(queries.visible(request.user).select_related("kind", "warning", "lead_unit"), pk)
    return dispatch(
        request,
        order,
        action,
        ACTIONS,
        show=lambda o: redirect("response:detail", pk=o.pk),
        redisplay=lambda r, o, forms, status: _detail(r, o, forms=forms, status=status),
        form_kwargs=lambda r, o, name: {"lead": _leads(r.user, o)} if name == "progress" else {},
    )


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
def evidence_download(request, pk: int, note_id: int):
    order = pk_or_404(queries.visible(request.user), pk)
    note = order.notes.filter(pk=note_id).exclude(evidence="").first() if 0 < note_id <= MAX_ID else None
    if note is None:
        raise Http404
    audit.record_read(actor=request.user, obj=order, reason=f"evidence {note.pk}")
    return FileResponse(note.evidence.open("rb"), as_attachment=True, filename=note.evidence_name or "evidence")
