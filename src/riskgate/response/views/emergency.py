"""Pages of port emergency response (decision 0030): plans, materials and activations; a plan with its steps,
drills and the activation on an urgent warning; an activation's task list with its progress."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from riskgate.core.access import permission_required
from riskgate.core.forms import saved
from riskgate.core.permissions import Permission

from ..forms import ActivationForm, CloseForm, DrillForm, EmergencyPlanForm, MaterialForm, TaskReportForm
from ..queries import emergency as queries
from ..services import emergency as services


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
@require_http_methods(["GET", "POST"])
def overview(request):
    """The plans, the open activations and the materials inventory of the reader's scope."""
    user = request.user
    may_stock = user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE)
    form = MaterialForm(request.POST or None, principal=user) if may_stock else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if saved(request, form, lambda d: services.set_material(user, d), _("应急物资已登记。")):
            return redirect("response:emergency")
        status = 400
    context = {
        "plans": queries.plans(user),
        "activations": queries.activations(user)[:50],
        "materials": queries.materials(user),
        "form": form,
        "may_plan": user.has_permission(Permission.RESPONSE_MEASURE_ORDER),
    }
    return render(request, "response/emergency.html", context, status=status)


@permission_required(Permission.RESPONSE_MEASURE_ORDER)
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = EmergencyPlanForm(request.POST or None, principal=request.user)
    if request.method == "POST":
        plan = []
        if saved(request, form, lambda d: plan.append(services.create_plan(request.user, d)), _("应急预案已制定。")):
            return redirect(plan[0].get_absolute_url())
    return render(request, "response/emergency_plan_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    user = request.user
    plan = queries.plan_or_404(user, pk)
    manages = user.has_permission(Permission.RESPONSE_MEASURE_ORDER)
    drill = DrillForm()
    activation = ActivationForm(warnings=queries.urgent_warnings())
    status = 200
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if request.POST.get("action") == "activate":
            activation = ActivationForm(request.POST, warnings=queries.urgent_warnings())
            made = []
            if saved(
                request,
                activation,
                lambda d: made.append(services.activate(user, plan, warning=d["warning"], reason=d["reason"])),
                _("应急预案已启动。"),
            ):
                return redirect(made[0].get_absolute_url())
        else:
            drill = DrillForm(request.POST)
            if saved(request, drill, lambda d: services.record_drill(user, plan, d), _("演练及评估已登记。")):
                return redirect(plan.get_absolute_url())
        status = 400
    context = {"plan": plan, "manages": manages, "drill_form": drill, "activation_form": activation}
    return render(request, "response/emergency_plan.html", context, status=status)


@permission_required(Permission.RESPONSE_MEASURE_VIEW)
@require_http_methods(["GET", "POST"])
def activation_detail(request, pk: int):
    user = request.user
    activation = queries.activation_or_404(user, pk)
    decides = queries.decides(user, activation)
    report, closing, status = TaskReportForm(), CloseForm(), 200
    if request.method == "POST":
        if request.POST.get("action") == "close":
            closing = CloseForm(request.POST)
            if saved(
                request,
                closing,
                lambda d: services.close(user, activation, summary=d["summary"]),
                _("应急响应已结束。"),
            ):
                return redirect(activation.get_absolute_url())
        else:
            report = TaskReportForm(request.POST)
            task = None
            if report.is_valid():
                task = activation.tasks.filter(pk=report.cleaned_data["task"]).first()
                if task is None:
                    raise PermissionDenied
            if task is not None and saved(
                request,
                report,
                lambda d: services.report_task(user, task, note=d["note"], done=d["done"]),
                _("任务进展已报告。"),
            ):
                return redirect(activation.get_absolute_url())
        status = 400
    tasks = list(activation.tasks.select_related("unit"))
    context = {
        "activation": activation,
        "tasks": tasks,
        "done": sum(1 for t in tasks if t.done_at),
        "decides": decides,
        "report_form": report,
        "close_form": closing,
        "my_unit": user.organisation_id,
        "may_report": user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE),
    }
    return render(request, "response/emergency_activation.html", context, status=status)
