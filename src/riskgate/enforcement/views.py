"""Pages of case transfers: the list (sent by the jurisdiction, or received by this unit), opening one, its
evidence and chain of custody, sealing and sending it, and the receiving unit's acknowledgement and outcome."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit
from riskgate.core.access import any_permission_required, permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.permissions import Permission as P

from . import queries, services
from .forms import (
    AcknowledgeForm,
    BenchmarkForm,
    CampaignForm,
    CampaignReportForm,
    CaseConclusionForm,
    CommitmentForm,
    ConclusionForm,
    EvidenceForm,
    ExposeForm,
    FulfilForm,
    InterviewForm,
    MinutesForm,
    OutcomeForm,
    PenaltyForm,
    ProgressForm,
    PublicityForm,
    PublishForm,
    SummaryForm,
    SupervisionForm,
    TransferForm,
    WithdrawForm,
)
from .models import InterviewStatus, SupervisionKind, SupervisionStatus

EITHER = (P.ENFORCEMENT_TRANSFER_MANAGE, P.ENFORCEMENT_TRANSFER_RECEIVE)


@any_permission_required(*EITHER)
def transfer_list(request):
    return render(
        request,
        "enforcement/transfer_list.html",
        {
            "transfers": queries.transfers(request.user).order_by("-id")[:200],
            "can_open": request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE),
        },
    )


def _transfer_form(request, data=None):
    return TransferForm(
        data,
        receiving=queries.receiving_units(),
        enterprises=queries.enterprises(request.user).order_by("name"),
        campaigns=queries.open_campaigns(request.user),
    )


@permission_required(P.ENFORCEMENT_TRANSFER_MANAGE)
@require_http_methods(["GET", "POST"])
def transfer_new(request):
    form = _transfer_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.open_transfer(request.user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已建立移送案件 %s，请收入证据后移送。") % transfer.reference)
            return redirect("enforcement:transfer", pk=transfer.pk)
    return render(request, "enforcement/transfer_form.html", {"form": form}, status=400 if form.errors else 200)


def _page(request, transfer, forms=None, status=200):
    forms = forms or {}
    sender = request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE) and not queries.is_receiver(
        request.user, transfer
    )
    receiver = queries.is_receiver(request.user, transfer) and request.user.has_permission(
        P.ENFORCEMENT_TRANSFER_RECEIVE
    )
    context = {
        "transfer": transfer,
        "evidence": transfer.evidence.select_related("added_by"),
        "custody": transfer.custody.select_related("actor", "organisation"),
        "problems": services.verify(transfer),
        "sender": sender,
        "receiver": receiver,
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "ack_form": forms.get("acknowledge") or AcknowledgeForm(),
        "outcome_form": forms.get("conclude") or OutcomeForm(),
    }
    return render(request, "enforcement/transfer_detail.html", context, status=status)


@any_permission_required(*EITHER)
def transfer_detail(request, pk: int):
    transfer = queries.transfer_or_none(request.user, pk)
    if transfer is None:
        raise Http404
    audit.record_read(actor=request.user, obj=transfer)
    return _page(request, transfer)


def _sender(request, transfer):
    return request.user.has_permission(P.ENFORCEMENT_TRANSFER_MANAGE)


def _receiver(request, transfer):
    return request.user.has_permission(P.ENFORCEMENT_TRANSFER_RECEIVE) and queries.is_receiver(request.user, transfer)


ACTIONS = {
    "evidence": Action(
        run=lambda request, t, data: services.add_evidence(
            request.user, t, upload=data["file"], description=data["description"]
        ),
        done=_("已收入证据。"),
        form=EvidenceForm,
        allowed=_sender,
    ),
    "send": Action(
        run=lambda request, t, data: services.send(request.user, t),
        done=_("证据已封存，%s 已移送。"),
        allowed=_sender,
    ),
    "acknowledge": Action(
        run=lambda request, t, data: services.acknowledge(request.user, t, note=data["note"]),
        done=_("已接收。"),
        form=AcknowledgeForm,
        allowed=_receiver,
    ),
    "conclude": Action(
        run=lambda request, t, data: services.conclude(request.user, t, outcome=data["outcome"]),
        done=_("已反馈处理结果。"),
        form=OutcomeForm,
        allowed=_receiver,
    ),
}


@require_POST
@any_permission_required(*EITHER)
def transfer_act(request, pk: int, action: str):
    transfer = queries.transfer_or_none(request.user, pk)
    if transfer is None:
        raise Http404
    return dispatch(
        request,
        transfer,
        action,
        ACTIONS,
        show=lambda t: redirect("enforcement:transfer", pk=t.pk),
        redisplay=lambda req, t, forms, status: _page(req, t, forms=forms, status=status),
    )


@any_permission_required(*EITHER)
def evidence_download(request, pk: int):
    evidence = queries.evidence_or_none(request.user, pk)
    if evidence is None:
        raise Http404
    services.downloaded(request.user, evidence)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.name)


# -- shared by the case pages ---------------------------------------------------------------------------------------


def _create(request, form, run, *, title: str, hint: str, done: str, shown: str):
    """A page that records a new case: the form, the service's refusals beside their fields, the new case's page."""
    if request.method == "POST" and form.is_valid():
        try:
            created = run(request.user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, str(done) % created.reference)
            return redirect(shown, pk=created.pk)
    return render(
        request,
        "enforcement/case_form.html",
        {"form": form, "title": title, "hint": hint},
        status=400 if form.errors else 200,
    )


def _manages(request, obj=None) -> bool:
    return request.user.has_permission(P.ENFORCEMENT_CASE_MANAGE)


def _managed(service, done, form, allowed=_manages) -> Action:
    """An action of a case manager: `service(user, case, data)` with the form's cleaned data."""
    return Action(
        run=lambda request, obj, data: service(request.user, obj, data), done=done, form=form, allowed=allowed
    )


def _act(request, obj, action, actions, page, shown):
    return dispatch(
        request,
        obj,
        action,
        actions,
        show=lambda o: redirect(shown, pk=o.pk),
        redisplay=lambda req, o, forms, status: page(req, o, forms=forms, status=status),
    )


def _found(obj):
    if obj is None:
        raise Http404
    return obj


# -- interviews -----------------------------------------------------------------------------------------------------


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def interview_list(request):
    return render(
        request,
        "enforcement/interview_list.html",
        {
            "interviews": queries.interviews(request.user).order_by("-scheduled_at")[:200],
            "can_manage": _manages(request),
        },
    )


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def interview_new(request):
    form = InterviewForm(request.POST or None, enterprises=queries.enterprises(request.user).order_by("name"))
    return _create(
        request,
        form,
        services.schedule_interview,
        title=_("安排约谈"),
        hint=_("约谈企业或地方政府：写明事由、时间和地点。被约谈企业会收到通知。约谈后记录纪要和整改事项及其期限。"),
        done=_("已安排约谈 %s。"),
        shown="enforcement:interview",
    )


def _interview_page(request, interview, forms=None, status=200):
    forms = forms or {}
    manages = _manages(request) and queries.interviews_managed(request.user).filter(pk=interview.pk).exists()
    return render(
        request,
        "enforcement/interview_detail.html",
        {
            "interview": interview,
            "commitments": interview.commitments.select_related("confirmed_by"),
            "manages": manages,
            "minutes_form": forms.get("minutes") or MinutesForm(),
            "commitment_form": forms.get("commitment") or CommitmentForm(),
            "fulfil_form": forms.get("fulfil"),
            "close_form": forms.get("close") or ConclusionForm(),
            "statuses": InterviewStatus,
        },
        status=status,
    )


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def interview_detail(request, pk: int):
    interview = _found(queries.interview_or_none(request.user, pk))
    audit.record_read(actor=request.user, obj=interview)
    return _interview_page(request, interview)


INTERVIEW_ACTIONS = {
    "minutes": _managed(services.record_minutes, _("已记录约谈纪要。"), MinutesForm),
    "commitment": _managed(services.add_commitment, _("已确定整改事项。"), CommitmentForm),
    "fulfil": _managed(services.fulfil_commitment, _("已确认整改完成。"), FulfilForm),
    "close": _managed(services.close_interview, _("约谈 %s 已办结。"), ConclusionForm),
}


@require_POST
@permission_required(P.ENFORCEMENT_CASE_VIEW)
def interview_act(request, pk: int, action: str):
    interview = _found(queries.interview_or_none(request.user, pk))
    return _act(request, interview, action, INTERVIEW_ACTIONS, _interview_page, "enforcement:interview")


# -- supervised cases -----------------------------------------------------------------------------------------------


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def supervision_list(request):
    """督办: every case and task the reader sees, or (`?mine=1`) its unit's queue; by kind (`?kind=task`)."""
    mine = request.GET.get("mine") == "1"
    kind = request.GET.get("kind", "")
    cases = queries.handled_by(request.user) if mine else queries.supervised_cases(request.user)
    if kind in SupervisionKind.values:
        cases = cases.filter(kind=kind)
    return render(
        request,
        "enforcement/supervision_list.html",
        {
            "cases": cases.prefetch_related("cooperating").order_by("status", "deadline")[:200],
            "can_manage": _manages(request),
            "mine": mine,
            "kind": kind if kind in SupervisionKind.values else "",
            "kinds": SupervisionKind.choices,
        },
    )


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def supervision_new(request):
    form = SupervisionForm(
        request.POST or None,
        supervisable=queries.supervisable(request.user),
        enterprises=queries.enterprises(request.user).order_by("name"),
    )
    return _create(
        request,
        form,
        services.open_supervision,
        title=_("督办"),
        hint=_(
            "重大案件挂牌督办，或实施方案中的工作任务督办：指定下属承办（牵头）单位、协办单位和办结期限，"
            "各单位报告办理进展，督办单位审核后销号；逾期未办结的自动上报。"
        ),
        done=_("已挂牌督办 %s。"),
        shown="enforcement:supervised",
    )


def _supervised_page(request, case, forms=None, status=200):
    forms = forms or {}
    return render(
        request,
        "enforcement/supervised_detail.html",
        {
            "case": case,
            "reports": case.reports.select_related("by", "unit"),
            "cooperating": case.cooperating.all(),
            "can_report": _manages(request) and case.status == SupervisionStatus.OPEN,
            "can_close": _manages(request)
            and case.status == SupervisionStatus.OPEN
            and not queries.handles(request.user, case),
            "progress_form": forms.get("progress") or ProgressForm(),
            "close_form": forms.get("close") or CaseConclusionForm(),
        },
        status=status,
    )


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def supervised_detail(request, pk: int):
    case = _found(queries.supervised_case_or_none(request.user, pk))
    audit.record_read(actor=request.user, obj=case)
    return _supervised_page(request, case)


SUPERVISION_ACTIONS = {
    "progress": _managed(services.report_progress, _("已报告办理进展。"), ProgressForm),
    "close": _managed(
        services.close_supervision,
        _("%s 已结案销号。"),
        CaseConclusionForm,
        allowed=lambda request, c: _manages(request) and not queries.handles(request.user, c),
    ),
}


@require_POST
@permission_required(P.ENFORCEMENT_CASE_VIEW)
def supervised_act(request, pk: int, action: str):
    case = _found(queries.supervised_case_or_none(request.user, pk))
    return _act(request, case, action, SUPERVISION_ACTIONS, _supervised_page, "enforcement:supervised")


# -- penalty cases --------------------------------------------------------------------------------------------------


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def penalty_list(request):
    return render(
        request,
        "enforcement/penalty_list.html",
        {"cases": queries.penalty_cases(request.user)[:200], "can_manage": _manages(request)},
    )


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def penalty_new(request):
    form = PenaltyForm(
        request.POST or None,
        enterprises=queries.enterprises(request.user).order_by("name"),
        campaigns=queries.open_campaigns(request.user),
    )
    return _create(
        request,
        form,
        services.record_penalty,
        title=_("登记行政处罚"),
        hint=_("处罚决定登记后即记入企业信用档案（严重违法或强制退出市场：失信），并应在七个工作日内公示。"),
        done=_("已登记行政处罚 %s，已记入企业信用档案。"),
        shown="enforcement:penalty",
    )


def _penalty_page(request, case, forms=None, status=200):
    forms = forms or {}
    manages = _manages(request) and queries.penalties_managed(request.user).filter(pk=case.pk).exists()
    return render(
        request,
        "enforcement/penalty_detail.html",
        {
            "case": case,
            "manages": manages,
            "publication_due": queries.publication_due(case.decided_on),
            "publish_form": forms.get("publish") or PublishForm(),
            "expose_form": forms.get("expose") or ExposeForm(),
        },
        status=status,
    )


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def penalty_detail(request, pk: int):
    case = _found(queries.penalty_case_or_none(request.user, pk))
    audit.record_read(actor=request.user, obj=case)
    return _penalty_page(request, case)


PENALTY_ACTIONS = {
    "publish": _managed(services.publish_penalty, _("%s 已在门户公示。"), PublishForm),
    "expose": _managed(services.expose_penalty, _("%s 已作为典型案例曝光。"), ExposeForm),
}


@require_POST
@permission_required(P.ENFORCEMENT_CASE_VIEW)
def penalty_act(request, pk: int, action: str):
    case = _found(queries.penalty_case_or_none(request.user, pk))
    return _act(request, case, action, PENALTY_ACTIONS, _penalty_page, "enforcement:penalty")


# -- campaigns ------------------------------------------------------------------------------------------------------


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def campaign_list(request):
    return render(
        request,
        "enforcement/campaign_list.html",
        {"campaigns": queries.campaigns(request.user)[:200], "can_manage": _manages(request)},
    )


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    return _create(
        request,
        CampaignForm(request.POST or None),
        services.open_campaign,
        title=_("部署专项打假行动"),
        hint=_("选择重点商品和领域，设定目标。查办案件和移送案件从关联的记录中统计，检查批次和查扣货值由各单位报告。"),
        done=_("已部署专项行动 %s。"),
        shown="enforcement:campaign",
    )


def _campaign_page(request, campaign, forms=None, status=200):
    forms = forms or {}
    manages = _manages(request) and campaign.closed_at is None
    return render(
        request,
        "enforcement/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": queries.campaign_progress(campaign),
            "results": queries.campaign_results(campaign),
            "reports": campaign.reports.select_related("organisation", "by"),
            "cases": campaign.penalty_cases.select_related("enterprise"),
            "can_report": manages,
            "can_close": manages and campaign.organisation_id == request.user.organisation_id,
            "report_form": forms.get("report") or CampaignReportForm(),
            "summary_form": forms.get("close") or SummaryForm(),
        },
        status=status,
    )


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def campaign_detail(request, pk: int):
    campaign = _found(queries.campaign_or_none(request.user, pk))
    return _campaign_page(request, campaign)


CAMPAIGN_ACTIONS = {
    "report": _managed(services.report_campaign, _("已报告行动进展。"), CampaignReportForm),
    "close": _managed(
        services.close_campaign,
        _("专项行动 %s 已总结。"),
        SummaryForm,
        allowed=lambda request, c: _manages(request) and c.organisation_id == request.user.organisation_id,
    ),
}


@require_POST
@permission_required(P.ENFORCEMENT_CASE_VIEW)
def campaign_act(request, pk: int, action: str):
    campaign = _found(queries.campaign_or_none(request.user, pk))
    return _act(request, campaign, action, CAMPAIGN_ACTIONS, _campaign_page, "enforcement:campaign")


# -- benchmarks and publicity events --------------------------------------------------------------------------------


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def benchmark_list(request):
    return render(
        request,
        "enforcement/benchmark_list.html",
        {
            "benchmarks": queries.benchmarks(request.user).order_by("-awarded_on", "-id")[:200],
            "events": queries.publicity_events(request.user).order_by("-held_on", "-id")[:200],
            "can_manage": _manages(request),
        },
    )


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def benchmark_new(request):
    return _create(
        request,
        BenchmarkForm(request.POST or None, enterprises=queries.enterprises(request.user).order_by("name")),
        services.award_benchmark,
        title=_("评定质量示范标杆"),
        hint=_("示范标杆即在门户公布，并作为有利事件记入企业信用档案；撤销时一并撤回。"),
        done=_("已评定示范标杆 %s，已在门户公布。"),
        shown="enforcement:benchmark",
    )


def _benchmark_page(request, benchmark, forms=None, status=200):
    forms = forms or {}
    manages = _manages(request) and queries.benchmarks_managed(request.user).filter(pk=benchmark.pk).exists()
    return render(
        request,
        "enforcement/benchmark_detail.html",
        {
            "benchmark": benchmark,
            "can_withdraw": manages and benchmark.withdrawn_at is None,
            "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        },
        status=status,
    )


@permission_required(P.ENFORCEMENT_CASE_VIEW)
def benchmark_detail(request, pk: int):
    return _benchmark_page(request, _found(queries.benchmark_or_none(request.user, pk)))


BENCHMARK_ACTIONS = {
    "withdraw": _managed(services.withdraw_benchmark, _("示范标杆 %s 已撤销。"), WithdrawForm),
}


@require_POST
@permission_required(P.ENFORCEMENT_CASE_VIEW)
def benchmark_act(request, pk: int, action: str):
    benchmark = _found(queries.benchmark_or_none(request.user, pk))
    return _act(request, benchmark, action, BENCHMARK_ACTIONS, _benchmark_page, "enforcement:benchmark")


@permission_required(P.ENFORCEMENT_CASE_MANAGE)
@require_http_methods(["GET", "POST"])
def publicity_new(request):
    form = PublicityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.record_publicity(request.user, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已记录宣传活动 %s，已在门户公布。") % event.reference)
            return redirect("enforcement:benchmarks")
    return render(
        request,
        "enforcement/case_form.html",
        {"form": form, "title": _("记录质量宣传活动"), "hint": _("质量月、3·15 等宣传活动：记录后即在门户公布。")},
        status=400 if form.errors else 200,
    )


# -- the portal -----------------------------------------------------------------------------------------------------


def portal_penalties(request):
    """行政处罚公示: published decisions, typical cases first; `?exit=1`: compulsory market exits only."""
    market_exit = request.GET.get("exit") == "1"
    return render(
        request,
        "enforcement/portal_penalties.html",
        {
            "typical": [] if market_exit else queries.typical_cases()[:20],
            "cases": queries.published_penalties(market_exit=market_exit)[:500],
            "market_exit": market_exit,
        },
    )


def portal_quality(request):
    """质量标杆与宣传: the benchmarks in force and the publicity events."""
    return render(
        request,
        "enforcement/portal_quality.html",
        {"benchmarks": queries.public_benchmarks()[:500], "events": queries.public_publicity()[:200]},
    )
