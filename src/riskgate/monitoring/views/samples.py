"""Monitoring records: the list (authorities their jurisdiction's, a point or laboratory its own, an enterprise the
approved results that concern it), the submission form of points and laboratories, one record, its approval."""

from django.contrib import messages
from django.core.exceptions import ValidationError
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

from .. import services
from ..forms import ResultFormSet, SampleFilterForm, SampleForm, results_of
from ..queries import programme as queries

P = Permission
READERS = (P.MONITORING_PLAN_VIEW, P.MONITORING_SAMPLE_SUBMIT, P.MONITORING_RESULT_OWN)
COLUMNS = {
    "reference": by("pk", descending_first=True),
    "sampled": by("sampled_on", descending_first=True),
    "product": by("product_name"),
    "status": by("status"),
}


@any_permission_required(*READERS)
def sample_list(request):
    items = queries.samples(request.user)
    form = SampleFilterForm(request.GET, tasks=queries.tasks_readable(request.user))
    if form.is_valid():
        if form.cleaned_data["task"]:
            items = items.filter(task=form.cleaned_data["task"])
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["passed"]:
            items = items.filter(passed=form.cleaned_data["passed"] == "yes")
    page = listing.page_of(request, items, COLUMNS, "-sampled")
    context = {
        **page,
        "form": form,
        "can_submit": request.user.has_permission(P.MONITORING_SAMPLE_SUBMIT),
        "tasks": queries.open_tasks_for(request.user).select_related("plan", "laboratory"),
    }
    return render(request, "monitoring/sample_list.html", context)


@permission_required(P.MONITORING_SAMPLE_SUBMIT)
def sample_new(request):
    tasks, enterprises = queries.open_tasks_for(request.user), queries.enterprises(request.user)
    status = 200
    if request.method == "POST":
        form = SampleForm(request.POST, tasks=tasks, enterprises=enterprises)
        results = ResultFormSet(request.POST, prefix="result")
        if form.is_valid() and results.is_valid():
            data = dict(form.cleaned_data)
            task, enterprise = data.pop("task"), data.pop("enterprise")
            try:
                sample, created = services.samples.submit(
                    request.user, data=data, results=results_of(results), task=task, enterprise=enterprise
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if not created:
                    messages.info(request, gettext("该样品已报送过（%s），未重复登记。") % sample.reference)
                elif sample.information_id:
                    messages.warning(
                        request, gettext("已报送 %s：有项目不合格，已自动转为风险信息。") % sample.reference
                    )
                else:
                    messages.success(request, gettext("已报送 %s。") % sample.reference)
                return redirect("monitoring:sample", pk=sample.pk)
        status = 400
    else:
        form = SampleForm(initial={"task": request.GET.get("task")}, tasks=tasks, enterprises=enterprises)
        results = ResultFormSet(prefix="result")
    point = queries.own_point(request.user)
    context = {"form": form, "results": results, "point": point}
    return render(request, "monitoring/sample_form.html", context, status=status)


@any_permission_required(*READERS)
def sample_detail(request, pk: int):
    sample = pk_or_404(queries.samples(request.user), pk)
    audit.record_read(actor=request.user, obj=sample)
    can_approve = queries.approvable(request.user).filter(pk=sample.pk).exists()
    context = {
        "sample": sample,
        "results": sample.results.all(),
        "can_approve": can_approve,
        "reads_information": request.user.has_permission(P.INTAKE_INFORMATION_VIEW),
    }
    return render(request, "monitoring/sample_detail.html", context)


ACTIONS = {
    "approve": Action(
        run=lambda request, sample, data: services.samples.approve(request.user, sample),
        done=_("已审核 %s。"),
    ),
}


@require_POST
@permission_required(P.MONITORING_PLAN_MANAGE)
def sample_act(request, pk: int, action: str):
    sample = pk_or_404(queries.samples(request.user), pk)
    return dispatch(request, sample, action, ACTIONS, show=lambda s: redirect("monitoring:sample", pk=s.pk))
