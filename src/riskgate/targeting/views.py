"""Pages of port control: control rules (list with effectiveness, issue — also from a warning's agency notice —,
one rule with its versions, retro-screening and change/retire forms), the inspection-task queue and one task with
its outcome form and the explanation of the decision behind it, and the differential-supervision policy."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, listing
from riskgate.core.access import permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.warnings.queries import basis_from_request

from . import queries, services
from .forms import (
    CatalogueForm,
    IssueForm,
    LabResultFormSet,
    OutcomeForm,
    PolicyForm,
    ReasonForm,
    RuleFilterForm,
    RuleForm,
    TaskFilterForm,
    with_another_row,
)
from .models import RuleStatus, TaskStatus
from .services import catalogue, inspection, screening, supervision

RULE_COLUMNS = {
    "reference": by("lineage_id", "version"),
    "action": by("action", "sampling_rate"),
    "status": by("status"),
    "warning": by("warning__lineage_id", "warning__version"),
    "organisation": by("organisation__name"),
    "created": by("created_at", descending_first=True),
}
TASK_COLUMNS = {
    "reference": by("id"),
    "kind": by("kind"),
    "action": by("action"),
    "declaration": by("declaration_id", "item_no"),
    "commodity": by("hs_code"),
    "organisation": by("organisation__name"),
    "status": by("status", "outcome"),
    "created": by("created_at", descending_first=True),
}


def _rules(request):
    return queries.rules(request.user).select_related("organisation", "warning")


@permission_required(Permission.TARGETING_RULE_VIEW)
def rule_list(request):
    form = RuleFilterForm(request.GET or None)
    rules = _rules(request)
    if form.is_valid() and form.cleaned_data["status"]:
        rules = rules.filter(status=form.cleaned_data["status"])
    listed = listing.page_of(request, rules, RULE_COLUMNS, "-created")
    figures = inspection.effectiveness([rule.pk for rule in listed["page"]])
    for rule in listed["page"]:
        rule.figures = figures.get(rule.pk)
    return render(
        request,
        "targeting/rule_list.html",
        {
            **listed,
            "form": form,
            "can_manage": request.user.has_permission(Permission.TARGETING_RULE_MANAGE),
        },
    )


@permission_required(Permission.TARGETING_RULE_MANAGE)
def rule_create(request):
    warning = basis_from_request(request)
    if request.method == "POST":
        form = IssueForm(request.POST, principal=request.user)
        if form.is_valid():
            try:
                data = form.cleaned_data
                rule = services.issue(
                    request.user, form.criteria(), warning=warning, executing=data["executing"], reason=data["reason"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已下达布控规则 %s。") % rule.reference)
                return redirect("targeting:rule", pk=rule.pk)
    else:
        initial = {}
        if warning is not None:
            initial = services.criteria_from_warning(warning)
            initial = {k: (", ".join(v) if isinstance(v, list) else v) for k, v in initial.items()}
            initial["reason"] = _("依据风险警示通报 %s") % warning.reference
            initial["executing"] = list(warning.ports.all())
        form = IssueForm(initial=initial, principal=request.user)
    return render(
        request, "targeting/rule_form.html", {"form": form, "warning": warning}, status=400 if form.errors else 200
    )


@permission_required(Permission.TARGETING_RULE_VIEW)
def rule_detail(request, pk: int, forms: dict | None = None, status: int = 200):
    rule = pk_or_404(_rules(request), pk)
    audit.record_read(actor=request.user, obj=rule)
    versions = queries.versions(rule)
    figures = inspection.effectiveness(versions)
    for version in versions:
        version.figures = figures.get(version.pk)
    manage = (
        request.user.has_permission(Permission.TARGETING_RULE_MANAGE)
        and rule.status == RuleStatus.ACTIVE
        and queries.manages(request.user, rule)
    )
    forms = forms or {}
    context = {
        "rule": rule,
        "versions": versions,
        "total": inspection.lineage_effectiveness(rule),
        "retro": getattr(rule, "retro", None),
        "follow_ups": rule.follow_ups.select_related("organisation")[:20],
        "manage": manage,
        "change_form": forms.get("change")
        or (RuleForm(initial=RuleForm.initial_from(rule) | {"reason": ""}) if manage else None),
        "retire_form": forms.get("retire") or (ReasonForm() if manage else None),
    }
    return render(request, "targeting/rule_detail.html", context, status=status)


class _ChangeForm(RuleForm):
    """The rule form; its criteria and reason are what a change takes."""

    def clean(self):
        data = super().clean()
        if not self.errors:
            data["criteria"] = self.criteria()
        return data


RULE_ACTIONS = {
    "change": Action(
        lambda r, rule, d: services.change(r.user, rule, d["criteria"], reason=d["reason"]),
        gettext_lazy("已调整为 %s。"),
        _ChangeForm,
        follow=True,
    ),
    "retire": Action(
        lambda r, rule, d: services.retire(r.user, rule, reason=d["reason"]), gettext_lazy("已撤销 %s。"), ReasonForm
    ),
}


@require_POST
@permission_required(Permission.TARGETING_RULE_MANAGE)
def rule_act(request, pk: int, action: str):
    rule = pk_or_404(_rules(request), pk)
    if action not in RULE_ACTIONS:
        return rule_detail(request, pk, status=404)
    return dispatch(
        request,
        rule,
        action,
        RULE_ACTIONS,
        show=lambda r: redirect("targeting:rule", pk=r.pk),
        redisplay=lambda req, r, forms, status: rule_detail(req, r.pk, forms=forms, status=status),
    )


@permission_required(Permission.TARGETING_TASK_VIEW)
def task_list(request):
    form = TaskFilterForm(request.GET or None)
    tasks = queries.tasks(request.user).select_related("organisation")
    status = TaskStatus.OPEN
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["kind"]:
            tasks = tasks.filter(kind=form.cleaned_data["kind"])
    if status:
        tasks = tasks.filter(status=status)
    context = listing.page_of(request, tasks.prefetch_related("rules"), TASK_COLUMNS, "-created")
    return render(request, "targeting/task_list.html", {**context, "form": form})


@permission_required(Permission.TARGETING_TASK_VIEW)
def task_detail(request, pk: int):
    task = pk_or_404(queries.tasks(request.user).select_related("organisation", "found_by", "decision"), pk)
    can_record = request.user.has_permission(Permission.TARGETING_TASK_RECORD) and task.status == TaskStatus.OPEN
    labs = {"laboratories": queries.laboratories()}
    form, lab = OutcomeForm(), LabResultFormSet(prefix="lab", form_kwargs=labs)
    status = 200
    if request.method == "POST":
        if not can_record:
            return render(request, "403.html", status=403)
        if "add_lab_row" in request.POST:  # keep what was typed, add one empty test-item line
            data = with_another_row(request.POST, "lab")
            form, lab = OutcomeForm(initial=request.POST.dict()), LabResultFormSet(data, prefix="lab", form_kwargs=labs)
            return _task_page(request, task, can_record, form, lab, 200, adding=True)
        form, lab = OutcomeForm(request.POST), LabResultFormSet(request.POST, prefix="lab", form_kwargs=labs)
        if form.is_valid() and lab.is_valid():
            rows = [row for row in lab.cleaned_data if row]
            try:
                inspection.record_outcome(
                    request.user,
                    task,
                    outcome=form.cleaned_data["outcome"],
                    findings=form.cleaned_data["findings"],
                    lab_results=rows,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记 %s 的查验结果。") % task.reference)
                return redirect("targeting:task", pk=task.pk)
        status = 400
    else:
        audit.record_read(actor=request.user, obj=task)
    return _task_page(request, task, can_record, form, lab, status)


def _task_page(request, task, can_record: bool, form, lab, status: int, adding: bool = False):
    """The task with its outcome form; `adding`: a test-item line was just added, so nothing is judged yet."""
    explanation = screening.explain(task.decision) if task.decision_id else None
    return render(
        request,
        "targeting/task_detail.html",
        {
            "task": task,
            "can_record": can_record,
            "form": form,
            "lab": lab,
            "adding": adding,
            "explanation": explanation,
            "lab_results": task.lab_results.all(),
            "rules": task.rules.all(),
        },
        status=status,
    )


@permission_required(Permission.TARGETING_RULE_VIEW)
def policy_page(request):
    policy = supervision.current_policy()
    can_manage = request.user.has_permission(Permission.TARGETING_POLICY_MANAGE)
    form = None
    status = 200
    if can_manage:
        form = PolicyForm.for_policy(policy or supervision.DEFAULT_POLICY)
        if request.method == "POST":
            which = request.POST.get("form")
            try:
                if which == "policy":
                    form = PolicyForm(request.POST)
                    if form.is_valid():
                        new = supervision.change_policy(
                            request.user, form.changes(), reason=form.cleaned_data["reason"]
                        )
                        messages.success(request, _("差别化监管政策已更新为 %s。") % new.reference)
                        return redirect("targeting:policy")
            except ValidationError as exc:
                add_service_errors(form, exc)
            status = 400
    elif request.method == "POST":
        return render(request, "403.html", status=403)
    return render(
        request,
        "targeting/policy.html",
        {
            "policy": policy,
            "form": form,
            "enterprises": queries.graded_enterprises(request.user),
            "records": queries.commodity_records()[:50],
            "history": queries.policies()[:10],
        },
        status=status,
    )


@permission_required(Permission.TARGETING_RULE_VIEW)
@require_http_methods(["GET", "POST"])
def catalogue_page(request):
    """The legal-inspection catalogue (法检目录) with its CCC products: the newest version, its history, and (for
    rule managers) an adjustment as a new version (decision 0031)."""
    manages = request.user.has_permission(Permission.TARGETING_RULE_MANAGE)
    bases = queries.catalogue_bases(request.user) if manages else None
    form = CatalogueForm(request.POST or None, bases=bases) if manages else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            change = {"remove": [data["hs_prefix"]]} if data["remove"] else {"add": [data]}
            try:
                version = catalogue.adjust(request.user, reason=data["reason"], basis=data["basis"], **change)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("法检目录已调整为第 %d 版。") % version.number)
                return redirect("targeting:catalogue")
        status = 400
    versions = list(queries.catalogue_versions()[:50])
    newest = versions[0] if versions else None
    context = {"versions": versions, "newest": newest, "entries": queries.catalogue_entries(newest), "form": form}
    return render(request, "targeting/catalogue.html", context, status=status)
