"""Pages of risk assessment: the list, the request form, one assessment with the actions its viewer may take,
the report as PDF, laboratory report files, and the registries with performance figures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, listing
from riskgate.core.access import MAX_ID, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors, saved
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.core.templatetags.riskgate import punct

from . import queries, registry, services
from .appraisal import REQUIRED_HOURS, described
from .forms import (
    AppraisalDecisionForm,
    AppraisalYearForm,
    CourseForm,
    DecisionForm,
    DeclarationForm,
    ExtensionDecisionForm,
    ExtensionForm,
    FilterForm,
    FindingForm,
    LabResultForm,
    LabTaskForm,
    ReassessForm,
    ReportForm,
    RequestForm,
    ScenarioForm,
    ScopeForm,
    SeatForm,
    TrainingRecordForm,
    ViolationForm,
    VoteForm,
)
from .models import OPEN_STATUSES, Assessment, DueDateChange, Status
from .pdf import render_report
from .queries import report_context


def _visible_or_404(request, pk: int) -> Assessment:
    return pk_or_404(queries.visible(request.user), pk)


COLUMNS = {
    "reference": by("lineage_id", "version"),
    "title": by("title"),
    "status": by("status"),
    "assignee": by("institution__name", "group_name"),
    "due": by("due_at"),
    "level": by("confirmed_level"),
    "requested": by("requested_at", descending_first=True),
}


@permission_required(Permission.ASSESSMENT_VIEW)
def assessment_list(request):
    form = FilterForm(request.GET or None)
    items = queries.visible(request.user).select_related("organisation", "institution", "lead")
    if form.is_valid():
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["overdue"]:
            items = items.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    context = {
        **listing.page_of(request, items, COLUMNS, "-requested"),
        "form": form,
        "can_request": request.user.has_permission(Permission.ASSESSMENT_REQUEST),
    }
    return render(request, "assessment/list.html", context)


@permission_required(Permission.ASSESSMENT_REQUEST)
def assessment_create(request):
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assessment = services.request_assessment(
                    request.user,
                    title=data["title"],
                    question=data["question"],
                    information_ids=data["information"],
                    urgency=data["urgency"],
                    hazard_type=data["hazard_type"],
                    assignee_kind=data["assignee_kind"],
                    institution=data["institution"],
                    group_name=data["group_name"],
                    lead=data["lead"],
                    members=list(data["members"]),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已提请研判 %s。") % assessment.reference)
                return redirect("assessment:detail", pk=assessment.pk)
    else:
        initial = {"information": request.GET.get("information", ""), "title": request.GET.get("title", "")}
        form = RequestForm(initial=initial)
    return render(request, "assessment/form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.ASSESSMENT_VIEW)
def assessment_detail(request, pk: int):
    assessment = _visible_or_404(request, pk)
    audit.record_read(actor=request.user, obj=assessment)
    return render(request, "assessment/detail.html", _detail_context(request, assessment))


def _detail_context(request, assessment: Assessment, forms: dict | None = None) -> dict:
    user = request.user
    conducting = (
        user.has_permission(Permission.ASSESSMENT_CONDUCT)
        and services.is_participant(user, assessment)
        and assessment.status in OPEN_STATUSES
    )
    authority = services.is_authority(user, assessment)
    seat = (
        assessment.panel.filter(expert__user_id=user.pk).first()
        if user.has_permission(Permission.ASSESSMENT_VOTE)
        else None
    )
    pending_extension = assessment.due_dates.filter(kind=DueDateChange.Kind.EXTENSION_REQUESTED, decided=False).first()
    forms = forms or {}
    context = {
        **report_context(assessment),
        "conducting": conducting,
        "authority": authority,
        "seat": seat,
        "pending_extension": pending_extension,
        "due_dates": assessment.due_dates.select_related("actor"),
        "history": assessment.history.select_related("actor"),
        "declarations": assessment.declarations.select_related("expert"),
        "findings": assessment.finding_entries.select_related("author"),
        "versions": queries.versions(assessment),
        "newer": queries.newer(assessment),
        "can_draft_warning": authority
        and assessment.status == Status.CONFIRMED
        and user.has_permission(Permission.WARNING_DRAFT),
        "can_reassess": authority and assessment.status == Status.CONFIRMED and queries.newer(assessment) is None,
    }
    if conducting:
        report_initial = {"override_level": assessment.override_level, "override_reason": assessment.override_reason}
        context.update(
            report_form=forms.get("report")
            or ReportForm(instance=assessment, initial=report_initial, auto_id=_ids("report")),
            scenario_form=forms.get("scenario") or ScenarioForm(auto_id=_ids("scenario")),
            declaration_form=forms.get("declare") or DeclarationForm(auto_id=_ids("declare")),
            seat_form=forms.get("seat") or SeatForm(auto_id=_ids("seat")),
            finding_form=forms.get("finding") or FindingForm(auto_id=_ids("finding")),
            lab_task_form=forms.get("lab_task") or LabTaskForm(auto_id=_ids("lab_task")),
            lab_result_forms=[
                (
                    task,
                    forms["lab_results"]
                    if forms.get("lab_results") and _posted_task(forms["lab_results"]) == task.pk
                    else LabResultForm(initial={"task": task.pk}, auto_id=_ids(f"lab_results-{task.pk}")),
                )
                for task in assessment.lab_tasks.filter(completed_at=None).select_related("laboratory")
            ],
            extension_form=forms.get("extension") or ExtensionForm(auto_id=_ids("extension")),
        )
    if seat and assessment.status == Status.PANEL_REVIEW:
        context["vote_form"] = forms.get("vote") or VoteForm(auto_id=_ids("vote"))
    if authority:
        context["decision_form"] = forms.get("decide") or DecisionForm(auto_id=_ids("decide"))
        context["extension_decision_form"] = forms.get("decide_extension") or ExtensionDecisionForm(
            auto_id=_ids("decide_extension")
        )
        context["reassess_form"] = forms.get("reassess") or ReassessForm(auto_id=_ids("reassess"))
    return context


def _ids(action: str) -> str:
    """Element ids per action form: one page holds many forms with fields of the same name."""
    return f"{action}-%s"


def _posted_task(form) -> int | None:
    try:
        return int(form.data.get("task"))
    except (TypeError, ValueError):
        return None


# Each action: (form class or None, the service call given the request, the assessment and the form's data).
def _report(request, a, d):
    data = {k: v for k, v in d.items() if k not in ("override_level", "override_reason")}
    services.save_report(
        request.user, a, data=data, override_level=d["override_level"], override_reason=d["override_reason"]
    )


def _lab_results(request, a, d):
    task = queries.lab_task(a, d["task"])
    if task is None:
        raise Http404
    services.record_lab_results(
        request.user,
        task,
        results=d["results"],
        report_number=d["report_number"],
        report_file=d["report_file"],
    )


def _posted_id(request, name: str) -> int:
    """An id posted by one of the page's own buttons; anything else is not found (404, never a 500)."""
    value = request.POST.get(name, "")
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise Http404
    return int(value)


def _unseat(request, a, d):
    services.unseat_expert(request.user, a, pk_or_404(queries.experts(), _posted_id(request, "expert")))


ACTIONS = {
    "start": Action(lambda r, a, d: services.start(r.user, a), gettext_lazy("已受理研判任务。")),
    "declare": Action(
        lambda r, a, d: services.declare_conflict(r.user, a, **d), gettext_lazy("已记录利益冲突声明。"), DeclarationForm
    ),
    "seat": Action(lambda r, a, d: services.seat_expert(r.user, a, **d), gettext_lazy("专家已入组。"), SeatForm),
    "unseat": Action(_unseat, gettext_lazy("专家已退出专家组。")),
    "finding": Action(lambda r, a, d: services.add_finding(r.user, a, **d), gettext_lazy("已记录。"), FindingForm),
    "lab_task": Action(
        lambda r, a, d: services.add_lab_task(r.user, a, **d), gettext_lazy("已下达实验室验证任务。"), LabTaskForm
    ),
    "lab_results": Action(_lab_results, gettext_lazy("已录入检测结果。"), LabResultForm),
    "scenario": Action(
        lambda r, a, d: services.add_scenario(
            r.user,
            a,
            description=d["description"],
            severity=d["severity"],
            steps=d["steps"],
            group=d["vulnerable_group"],
        ),
        gettext_lazy("已添加伤害情景。"),
        ScenarioForm,
    ),
    "remove_scenario": Action(
        lambda r, a, d: services.remove_scenario(r.user, a, _posted_id(r, "scenario")), gettext_lazy("已删除伤害情景。")
    ),
    "report": Action(_report, gettext_lazy("报告已保存，风险等级和建议预警等级已重新计算。"), ReportForm),
    "send_to_panel": Action(lambda r, a, d: services.send_to_panel(r.user, a), gettext_lazy("报告已提交专家组审议。")),
    "withdraw": Action(
        lambda r, a, d: services.withdraw_from_panel(r.user, a, r.POST.get("note", "")), gettext_lazy("已撤回修改。")
    ),
    "vote": Action(lambda r, a, d: services.vote(r.user, a, **d), gettext_lazy("已表态。"), VoteForm),
    "submit": Action(lambda r, a, d: services.submit(r.user, a), gettext_lazy("报告已提交提请机构确认。")),
    "extension": Action(
        lambda r, a, d: services.request_extension(r.user, a, new_due_at=d["new_due_at"], reason=d["reason"]),
        gettext_lazy("已提出延期申请。"),
        ExtensionForm,
    ),
    "decide_extension": Action(
        lambda r, a, d: services.decide_extension(r.user, a, **d),
        gettext_lazy("已处理延期申请。"),
        ExtensionDecisionForm,
    ),
    "decide": Action(lambda r, a, d: services.decide(r.user, a, **d), gettext_lazy("已作出确认决定。"), DecisionForm),
    "reassess": Action(
        lambda r, a, d: services.reassess(r.user, a, reason=d["reason"]),
        gettext_lazy("已发起重新研判。"),
        ReassessForm,
        follow=True,
    ),
}


def _form_kwargs(request, assessment, action: str) -> dict:
    if action == "report":
        return {"instance": queries.fresh(assessment), "auto_id": _ids(action)}
    if action == "lab_results":
        return {"auto_id": _ids(f"lab_results-{request.POST.get('task')}")}
    return {"auto_id": _ids(action)}


@permission_required(Permission.ASSESSMENT_VIEW)
@require_POST
def assessment_act(request, pk: int, action: str):
    """One POST endpoint per action; the service checks who may take it (403 for the wrong role, 404 unseen)."""
    return dispatch(
        request,
        _visible_or_404(request, pk),
        action,
        ACTIONS,
        show=lambda a: redirect("assessment:detail", pk=a.pk),
        redisplay=lambda r, a, forms, status: _rerender(r, a, *next(iter(forms.items()))),
        form_kwargs=_form_kwargs,
        invalid_message=_("提交的内容有误，请检查标出的字段。"),
        invalid_status=422,
    )


def _rerender(request, assessment, action, form):
    fresh = queries.fresh(assessment)
    response = render(request, "assessment/detail.html", _detail_context(request, fresh, {action: form}))
    response.status_code = 422
    return response


@permission_required(Permission.ASSESSMENT_VIEW)
def assessment_pdf(request, pk: int):

    assessment = _visible_or_404(request, pk)
    pdf = render_report(assessment, request)
    audit.record(actor=request.user, action="assessment.report_downloaded", obj=assessment)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{assessment.reference}.pdf"'
    return response


@permission_required(Permission.ASSESSMENT_VIEW)
def lab_report(request, pk: int, task_id: int):
    assessment = _visible_or_404(request, pk)
    task = assessment.lab_tasks.filter(pk=task_id).exclude(report_file="").first()
    if task is None:
        raise Http404
    return _file(request, assessment, task.report_file, task.report_name, what=f"lab task {task.pk}")


@permission_required(Permission.ASSESSMENT_VIEW)
def finding_file(request, pk: int, finding_id: int):
    assessment = _visible_or_404(request, pk)
    finding = assessment.finding_entries.filter(pk=finding_id).exclude(file="").first()
    if finding is None:
        raise Http404
    return _file(request, assessment, finding.file, finding.file_name, what=f"finding {finding.pk}")


def _file(request, assessment, field_file, name: str, *, what: str):
    """An assessment's file, to a reader of the assessment only; every read is audited."""
    audit.record(actor=request.user, action="assessment.file_viewed", obj=assessment, changes=audit.facts(file=what))
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=name or field_file.name.split("/")[-1])
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required(Permission.ASSESSMENT_REGISTRY_VIEW)
def registry_page(request):
    return render(request, "assessment/registry.html", registry.figures())


@permission_required(Permission.ASSESSMENT_REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def body_page(request, pk: int):
    """A third-party institution's acceptance: its scopes (added, narrowed, suspended with the reason) and its
    violations (warning, suspension, exit), for those who manage acceptance (decision 0029)."""
    body = queries.body_or_404(pk)
    manages = request.user.has_permission(Permission.ASSESSMENT_ACCEPTANCE_MANAGE)
    scope_form, violation_form, status = ScopeForm(), ViolationForm(), 200
    if request.method == "POST":
        if not manages:
            raise PermissionDenied
        if request.POST.get("action") == "violation":
            violation_form = ViolationForm(request.POST)
            done = saved(
                request,
                violation_form,
                lambda d: services.record_violation(request.user, body, **d),
                _("违规记录已登记。"),
            )
        else:

            def write_scope(data):
                pk = data.pop("scope")
                scope = queries.scope_of(body, pk) if pk else None
                return services.set_scope(request.user, body, scope=scope, **data)

            scope_form = ScopeForm(request.POST)
            done = saved(request, scope_form, write_scope, _("采信范围已保存。"))
        if done:
            return redirect("assessment:body", pk=body.pk)
        status = 400
    context = {"body": body, "manages": manages, "scope_form": scope_form, "violation_form": violation_form}
    return render(request, "assessment/body.html", context, status=status)


def accepted_registry(request):
    """Public: the third-party institutions whose results are accepted, for what, and their violations and exits."""
    return render(request, "assessment/accepted.html", {"bodies": queries.published_bodies()})


# -- training and appraisal (Art.28) --------------------------------------------------------------------------------


@permission_required(Permission.ASSESSMENT_REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def training_list(request):
    """培训与考试: the courses and examinations held, and (for the national authority) a new one."""
    may = queries.may_train(request.user)
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if saved(request, form, lambda d: services.add_course(request.user, d), _("已登记。")):
            return redirect("assessment:training")
    return render(
        request,
        "assessment/training_list.html",
        {"courses": queries.courses()[:200], "form": form, "may_train": may},
        status=400 if form.errors else 200,
    )


@permission_required(Permission.ASSESSMENT_REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def course_detail(request, pk: int):
    course = pk_or_404(queries.courses(), pk)
    may = queries.may_train(request.user)
    form = TrainingRecordForm(request.POST or None)
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if saved(request, form, lambda d: services.record_training(request.user, course, d), _("已登记培训记录。")):
            return redirect("assessment:course", pk=course.pk)
    return render(
        request,
        "assessment/course_detail.html",
        {"course": course, "records": queries.course_records(course), "form": form, "may_train": may},
        status=400 if form.errors else 200,
    )


@permission_required(Permission.ASSESSMENT_REGISTRY_VIEW)
@require_http_methods(["GET", "POST"])
def appraisal_list(request):
    """年度考核 of a year: each expert's and body's inputs, score, proposed and decided result."""
    may = queries.may_train(request.user)
    last = timezone.localdate().year - 1
    shown = AppraisalYearForm(request.GET or None, initial={"year": last})
    year = shown.cleaned_data["year"] if shown.is_bound and shown.is_valid() else last
    # The scoring form's ids are apart from the year filter's (both hold a year).
    form = AppraisalYearForm(request.POST or None, initial={"year": year}, auto_id="draft_%s")
    if request.method == "POST":
        if not may:
            raise PermissionDenied
        if saved(request, form, lambda d: services.draft_appraisals(request.user, d["year"]), _("已按规则评定。")):
            return redirect(f"{reverse('assessment:appraisals')}?year={form.cleaned_data['year']}")
    rows = list(queries.appraisals(year))
    for row in rows:
        row.described = described(row.inputs)
    return render(
        request,
        "assessment/appraisal_list.html",
        {
            "year": year,
            "years": queries.appraisal_years(),
            "shown": shown,
            "form": form,
            "experts": [a for a in rows if a.expert_id],
            "bodies": [a for a in rows if a.body_id],
            "decision_form": AppraisalDecisionForm(),
            "required_hours": REQUIRED_HOURS,
            "may_train": may,
        },
        status=400 if form.errors or shown.errors else 200,
    )


@require_POST
@permission_required(Permission.ASSESSMENT_REQUEST)
def appraisal_decide(request, pk: int):
    item = pk_or_404(queries.appraisals(), pk)
    if not queries.may_train(request.user):
        raise PermissionDenied
    form = AppraisalDecisionForm(request.POST)
    if saved(request, form, lambda d: services.decide_appraisal(request.user, item, d), _("已确定考核结果。")):
        return redirect(f"{reverse('assessment:appraisals')}?year={item.year}#appraisal-{item.pk}")
    for error in [*form.non_field_errors(), *(e for errors in form.errors.values() for e in errors)]:
        messages.error(request, f"{item.subject}{punct('：')}{error}")
    return redirect(f"{reverse('assessment:appraisals')}?year={item.year}#appraisal-{item.pk}")
