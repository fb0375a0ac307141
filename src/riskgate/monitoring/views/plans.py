"""Monitoring plans: the list, a plan with its versions, its progress per unit and its tasks, drawing up and
adjusting a plan, sampling tasks, proposals from confirmed assessments (R-ASM-6), and the monitoring points."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.core.vocabulary import HazardType

from .. import services
from ..forms import AdjustPlanForm, DecisionForm, PlanForm, ProposalForm, TaskForm, quota_formset, quotas_of
from ..queries import programme as queries

P = Permission
COLUMNS = {"period": by("period_start", descending_first=True), "title": by("title"), "reference": by("pk")}


@permission_required(P.MONITORING_PLAN_VIEW)
def plan_list(request):
    page = listing.page_of(
        request, queries.current_plans(request.user).select_related("organisation"), COLUMNS, "-period"
    )
    rows = [(plan, queries.progress(plan)[1]) for plan in page["page"]]
    can_create = request.user.has_permission(P.MONITORING_PLAN_MANAGE)
    return render(request, "monitoring/plan_list.html", {**page, "rows": rows, "can_create": can_create})


def _edit(request, plan=None):
    leads, units = queries.lead_units(request.user), queries.sampling_units(request.user).order_by("code")
    if plan is not None:
        initial = PlanForm.initial_from(plan)
        quota_initial = [{"unit": q.unit_id, "samples": q.samples} for q in plan.quotas.order_by("pk")]
    else:
        initial, quota_initial = {"organisation": getattr(request.user.organisation, "pk", None)}, []
    form_class = PlanForm if plan is None else AdjustPlanForm
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, leads=leads)
        quota = quota_formset(request.POST, units=units)
        if form.is_valid() and quota.is_valid():
            try:
                if plan is None:
                    saved = services.plans.create_plan(request.user, data=form.cleaned_data, quotas=quotas_of(quota))
                    messages.success(request, gettext("已制定监测计划 %s。") % saved.reference)
                else:
                    saved = services.plans.adjust_plan(
                        request.user,
                        plan,
                        reason=form.cleaned_data["reason"],
                        data=form.cleaned_data,
                        quotas=quotas_of(quota),
                    )
                    messages.success(request, gettext("已调整监测计划，现行版本 %s。") % saved.reference)
                return redirect("monitoring:plan", pk=saved.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = 400
    else:
        form = form_class(initial=initial, leads=leads)
        quota = quota_formset(units=units, initial=quota_initial)
    context = {"form": form, "quota": quota, "plan": plan}
    return render(request, "monitoring/plan_form.html", context, status=status)


@permission_required(P.MONITORING_PLAN_MANAGE)
def plan_new(request):
    return _edit(request)


@permission_required(P.MONITORING_PLAN_MANAGE)
def plan_adjust(request, pk: int):
    plan = pk_or_404(queries.managed_plans(request.user), pk)
    return _edit(request, plan)


def _detail(request, plan, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    rows, total = queries.progress(plan)
    managing = plan.is_current and queries.managed_plans(request.user).filter(pk=plan.pk).exists()
    task_form = forms.get("task") or TaskForm(
        units=queries.quota_units(plan), laboratories=queries.accepted_laboratories()
    )
    proposals = list(queries.proposals(plan))
    context = {
        "plan": plan,
        "hazards": [HazardType(h).label for h in plan.hazard_types if h in HazardType.values],
        "versions": queries.versions(plan).select_related("created_by"),
        "rows": rows,
        "total": total,
        "tasks": queries.plan_tasks(plan),
        "proposals": proposals,
        "managing": managing,
        "task_form": task_form if managing else None,
        "decision_errors": forms.get("accept") or forms.get("reject"),
    }
    return render(request, "monitoring/plan_detail.html", context, status=status)


@permission_required(P.MONITORING_PLAN_VIEW)
def plan_detail(request, pk: int):
    plan = pk_or_404(queries.plans(request.user).select_related("organisation", "created_by"), pk)
    audit.record_read(actor=request.user, obj=plan)
    return _detail(request, plan)


def _proposal(request, data):
    proposal = queries.proposal_in_scope(request.user, data["proposal"])
    if proposal is None:
        raise ValidationError({"note": [gettext("该建议不存在，或不在您可决定的范围内。")]})
    return proposal


ACTIONS = {
    "task": Action(
        run=lambda request, plan, data: services.plans.assign_task(request.user, plan, **data),
        done=_("已下达抽样任务。"),
        form=TaskForm,
    ),
    "accept": Action(
        run=lambda request, plan, data: services.plans.decide_proposal(
            request.user, _proposal(request, data), accept=True, note=data["note"]
        ),
        done=_("已采纳建议，监测计划已调整。"),
        form=DecisionForm,
    ),
    "reject": Action(
        run=lambda request, plan, data: services.plans.decide_proposal(
            request.user, _proposal(request, data), accept=False, note=data["note"]
        ),
        done=_("已决定不采纳该建议。"),
        form=DecisionForm,
    ),
}


def _form_kwargs(request, plan, name):
    if name == "task":
        return {"units": queries.quota_units(plan), "laboratories": queries.accepted_laboratories()}
    return {}


@require_POST
@permission_required(P.MONITORING_PLAN_MANAGE)
def plan_act(request, pk: int, action: str):
    plan = pk_or_404(queries.managed_plans(request.user), pk)
    return dispatch(
        request,
        plan,
        action,
        ACTIONS,
        show=lambda p: redirect(
            "monitoring:plan", pk=queries.managed_plans(request.user).get(lineage_id=p.lineage_id).pk
        ),
        redisplay=lambda req, p, forms, status: _detail(req, p, forms=forms, status=status),
        form_kwargs=_form_kwargs,
    )


@require_POST
@permission_required(P.MONITORING_PLAN_VIEW, P.ASSESSMENT_VIEW)
def propose(request, assessment_pk: int):
    """From a confirmed assessment's page: propose to watch more under a plan."""
    assessment = pk_or_404(queries.visible_assessments(request.user), assessment_pk)
    form = ProposalForm(request.POST, plans=queries.current_plans(request.user))
    if form.is_valid():
        try:
            services.plans.propose_change(request.user, assessment, **form.cleaned_data)
            messages.success(request, gettext("已提出监测计划调整建议，待牵头单位决定。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
    return redirect("assessment:detail", pk=assessment.pk)


@permission_required(P.MONITORING_PLAN_VIEW)
def point_list(request):
    return render(request, "monitoring/point_list.html", {"points": queries.points(request.user)})
