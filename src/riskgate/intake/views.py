"""Pages of risk information: search and filter, export, detail with history, entry, workflow actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, listing
from riskgate.core.access import permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.countries import country_name
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.core.text import has_chinese
from riskgate.core.vocabulary import HazardType

from . import channels, deadlines, evidence, jobs, linking, queries, rewards, services
from .forms import (
    EnterpriseReportForm,
    EvidenceForm,
    ImportForm,
    InformationEntryForm,
    InformationFilterForm,
    LinkBulkForm,
    LinkFilterForm,
    PublicReportForm,
    ReceiptLookupForm,
    RewardDecisionForm,
    RewardPaymentForm,
    RewardProposalForm,
    TransitionForm,
    TranslationForm,
)
from .models import TRANSITIONS, LinkProposal, LinkStatus, RewardStatus, RiskInformation, Status


def _filtered(request):
    form = InformationFilterForm(request.GET or None, principal=request.user)
    return form, queries.information(request.user, **form.criteria())


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def information_list(request):
    form, items = _filtered(request)
    listed = listing.page_of(request, items.select_related("organisation"), queries.LIST_COLUMNS, queries.LIST_ORDER)
    deadlines.mark_overdue(listed["page"].object_list)
    context = {
        **listed,
        "form": form,
        "can_export": request.user.has_permission(Permission.INTAKE_INFORMATION_EXPORT),
        "export_formats": ("csv", "xlsx"),
        "can_create": request.user.has_permission(Permission.INTAKE_INFORMATION_CREATE),
        "can_import": request.user.has_permission(Permission.INTAKE_IMPORT_RUN),
    }
    return render(request, "intake/_rows.html" if request.htmx else "intake/list.html", context)


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def information_detail(request, pk: int):
    return _detail(request, pk)


def _detail(request, pk: int, forms: dict | None = None, status: int = 200):
    info = queries.information_or_404(request.user, pk)
    own = queries.own(request.user, info.pk) is not None
    # The reporter's personal data: in full to the item's own jurisdiction with the permission, and otherwise not
    # at all (no initials, lengths or domains); a shared copy never carries them, nor the internal history.
    show_reporter = own and request.user.has_permission(Permission.INTAKE_REPORTER_VIEW)
    audit.record_read(
        actor=request.user, obj=info, reason="reporter shown" if show_reporter and info.reporter_name else ""
    )
    reporter = (
        {"name": info.reporter_name, "phone": info.reporter_phone, "email": info.reporter_email}
        if show_reporter
        else None
    )
    allowed = [s for s in Status.values if s in TRANSITIONS.get(info.status, set())] if own else []
    context = {
        "info": info,
        "reporter": reporter,
        "origins": [(c, country_name(c, request.LANGUAGE_CODE)) for c in info.origin_countries],
        "notifying": country_name(info.notifying_country, request.LANGUAGE_CODE) if info.notifying_country else "",
        "hazards": [HazardType(h).label for h in info.hazard_types],
        "history": info.status_changes.select_related("merged_into") if own else None,
        "can_process": request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS) and allowed,
        "transitions": [(s, Status(s).label) for s in allowed],
        "form": TransitionForm(),
        "shared": not own,
        "evidence": info.evidence.all() if own else [],
        "can_attach": own
        and (
            request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS)
            or request.user.has_permission(Permission.INTAKE_INFORMATION_CREATE)
        ),
        "evidence_form": EvidenceForm(),
        # A Chinese version for a foreign text (one without Chinese in it), or to correct one given before.
        "translation_form": (forms or {}).get("translation")
        or TranslationForm(initial={"title_zh": info.title_zh, "description_zh": info.description_zh}),
        "can_translate": own
        and request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS)
        and (bool(info.title_zh) or not has_chinese(info.title)),
        "proposals": [(p, p.other(info.pk)) for p in linking.proposals_for(request.user, info)],
        "can_link": own and request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS),
        "case": linking.case_view(request.user, info.case) if info.case_id else None,
        "triage": info.triage,
        "triage_urgent_hint": bool(info.triage.get("serious")) and info.urgency != "urgent",
        **_reward_context(request, info, own, forms or {}),
    }
    return render(request, "intake/detail.html", context, status=status)


def _reward_context(request, info: RiskInformation, own: bool, forms: dict) -> dict:
    """The reward card: shown to the report's own jurisdiction's officers who handle rewards, for public reports."""
    user = request.user
    if not (own and info.receipt and user.has_permission(Permission.INTAKE_REWARD_MANAGE)):
        return {"reward_card": False}
    reward = queries.reward_of(info)
    state = reward.status if reward else None
    return {
        "reward_card": True,
        "reward": reward,
        "reward_forms": {
            "propose": forms.get("propose") or (RewardProposalForm(auto_id="reward-%s") if state is None else None),
            "decide": forms.get("decide")
            or (
                RewardDecisionForm(auto_id="reward-decide-%s")
                if state == RewardStatus.PROPOSED and reward.proposed_by_id != user.pk
                else None
            ),
            "pay": forms.get("pay")
            or (RewardPaymentForm(auto_id="reward-pay-%s") if state == RewardStatus.APPROVED else None),
        },
        "reward_own_proposal": state == RewardStatus.PROPOSED and reward.proposed_by_id == user.pk,
    }


REWARD_ACTIONS = {
    "propose": Action(
        lambda r, info, d: rewards.propose(r.user, info, amount=d["amount"], eligibility=d["eligibility"]),
        gettext_lazy("已提议举报奖励，待另一名人员审批。"),
        RewardProposalForm,
    ),
    "decide": Action(
        lambda r, info, d: rewards.decide(
            r.user, info.reward, approve=d["approve"], note=d["note"], amount=d["amount"]
        ),
        gettext_lazy("已审批。"),
        RewardDecisionForm,
    ),
    "pay": Action(
        lambda r, info, d: rewards.record_payment(r.user, info.reward, paid_on=d["paid_on"], reference=d["reference"]),
        gettext_lazy("已登记发放。"),
        RewardPaymentForm,
    ),
}


@permission_required(Permission.INTAKE_REWARD_MANAGE)
@require_POST
def reward_act(request, pk: int, action: str):
    info = queries.own(request.user, pk)
    if info is None:
        raise Http404
    if action != "propose" and queries.reward_of(info) is None:
        raise Http404
    return dispatch(
        request,
        info,
        action,
        REWARD_ACTIONS,
        show=lambda i: redirect("intake:detail", pk=i.pk),
        redisplay=lambda r, i, forms, status: _detail(r, i.pk, forms, status),
        explain_refusals=True,
    )


# ----- linking reports of the same risk ---------------------------------------------------------------------


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def link_list(request):
    """The queue of proposed links in the officer's scope: why each pair was proposed, duplicates (the same risk)
    apart from related reports (the same product, another defect), filters, groups, and bulk decisions."""
    form = LinkFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and not form.is_valid():
        status = 400
        page = Paginator(linking.queue(request.user).none(), 50).get_page(1)
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        filters = {k: v for k, v in data.items() if v not in (None, "")}
        page = Paginator(linking.queue(request.user, **filters), 50).get_page(request.GET.get("page"))
    current = filters.get("status", LinkStatus.PROPOSED)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "status": current,
        "statuses": LinkStatus.choices,
        "groups": linking.queue_counts(request.user, current),
        "query": query.urlencode(),
        "can_link": request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS),
        "bulk_limit": linking.BULK_LIMIT,
    }
    return render(request, "intake/links.html", context, status=status)


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def link_bulk(request):
    """Confirm or dismiss the ticked proposals; each one is decided and audited on its own."""
    form = LinkBulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return _back(request, reverse("intake:links"))
    try:
        result = linking.decide_many(request.user, form.cleaned_data["ids"], form.cleaned_data["action"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, reverse("intake:links"))
    if form.cleaned_data["action"] == "confirm":
        messages.success(
            request,
            ngettext(
                "已确认 %(n)d 条关联建议，归入 %(cases)d 个风险案件。",
                "已确认 %(n)d 条关联建议，归入 %(cases)d 个风险案件。",
                result.done,
            )
            % {"n": result.done, "cases": len(result.cases)},
        )
    else:
        messages.success(
            request,
            ngettext("已排除 %(n)d 条关联建议。", "已排除 %(n)d 条关联建议。", result.done) % {"n": result.done},
        )
    if result.refused:
        messages.error(request, _("未处理：%s") % "；".join(result.refused[:10]))
    return _back(request, reverse("intake:links"))


def _proposal_or_404(request, pk: int) -> LinkProposal:
    proposal = linking.visible_proposal_or_none(request.user, pk)
    if proposal is None:
        raise Http404
    return proposal


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def link_decide(request, pk: int, decision: str):
    proposal = _proposal_or_404(request, pk)
    try:
        if decision == "confirm":
            case = linking.confirm(request.user, proposal)
            messages.success(request, _("已确认关联，归入风险案件 %s。") % case.reference)
        else:
            linking.dismiss(request.user, proposal)
            messages.success(request, _("已排除该关联建议。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, reverse("intake:links"))


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def information_unlink(request, pk: int):
    info = _own_or_404(request, pk)
    try:
        linking.unlink(request.user, info)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已将 %s 移出风险案件。") % info.reference)
    return _back(request, reverse("intake:detail", args=[info.pk]))


# A case's title is not sortable: a case with items outside the viewer's jurisdiction shows another title.
CASE_COLUMNS = {
    "items": by("total", descending_first=True),
    "latest": by("latest", descending_first=True),
    "created": by("created_at", descending_first=True),
}
ENTERPRISE_REPORT_COLUMNS = {
    "reference": by("id"),
    "title": by("title"),
    "urgency": by("urgency", "received_at", descending_first=True),
    "received": by("received_at", descending_first=True),
    "status": by("status", "received_at"),
}


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def case_list(request):
    """The risk cases the officer may see (issue 26): each with how many reports it gathers and from where."""
    listed = listing.page_of(request, linking.visible_cases(request.user), CASE_COLUMNS, "-created")
    rows = linking.case_rows(request.user, listed["page"].object_list)
    return render(request, "intake/cases.html", {**listed, "rows": rows})


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def case_add(request, pk: int):
    case = linking.visible_case_or_none(request.user, pk)
    if case is None:
        raise Http404
    try:
        info = linking.add_to_case(request.user, case, request.POST.get("reference", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("已将 %(ref)s 加入风险案件 %(case)s。") % {"ref": info.reference, "case": case.reference}
        )
    return redirect("intake:case", pk=case.pk)


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def case_detail(request, pk: int):
    """One risk and all of its reports: every source the officer may see, and how many more exist."""
    case = linking.visible_case_or_none(request.user, pk)
    if case is None:
        raise Http404
    view = linking.case_view(request.user, case)
    audit.record_read(actor=request.user, obj=case)
    sources = sorted({(i.get_source_type_display(), i.external_system or i.get_channel_display()) for i in view.items})
    context = {
        "case": view,
        "items": view.items,
        "hidden": view.hidden,
        "sources": sources,
        "can_process": request.user.has_permission(Permission.INTAKE_INFORMATION_PROCESS),
        "own": set(queries.own_ids(request.user, [i.pk for i in view.items])),
    }
    return render(request, "intake/case.html", context)


def _own_or_404(request, pk: int) -> RiskInformation:
    """An item in the user's own jurisdiction (not merely shared with the user's agency)."""
    info = queries.own(request.user, pk)
    if info is None:
        raise Http404
    return info


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
@require_POST
def evidence_upload(request, pk: int):
    info = _own_or_404(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["files"]:
        try:
            stored = evidence.attach_by_officer(request.user, info, form.cleaned_data["files"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已添加 %d 个附件。") % len(stored))
    else:
        messages.error(request, _("请选择要上传的文件。"))
    return redirect("intake:detail", pk=info.pk)


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def information_translate(request, pk: int):
    """The officer's Chinese version of a foreign item's title and description (issue 26.3)."""
    info = _own_or_404(request, pk)
    form = TranslationForm(request.POST)
    if form.is_valid():
        try:
            services.translate(request.user, info, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %s 的中文译文。") % info.reference)
            return redirect("intake:detail", pk=info.pk)
    return _detail(request, pk, forms={"translation": form}, status=400)


@permission_required(Permission.INTAKE_INFORMATION_VIEW)
def evidence_download(request, pk: int, evidence_id: int):
    """Files are never served from a public URL: the item must be in the reader's jurisdiction (files are not
    shared with partner agencies), and the read is audited."""
    info = _own_or_404(request, pk)
    item = info.evidence.filter(pk=evidence_id).first()
    if item is None:
        raise Http404
    audit.record(
        actor=request.user, action="intake.evidence_viewed", obj=info, changes=audit.facts(file=item.original_name)
    )
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=True, filename=item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required(Permission.INTAKE_INFORMATION_CREATE)
@require_http_methods(["GET", "POST"])
def information_create(request):
    form = InformationEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, reporter = form.split()
        try:
            info = services.create_information(request.user, data=data, reporter=reporter)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("风险信息 %s 已登记。") % info.reference)
            return redirect("intake:detail", pk=info.pk)
    return render(request, "intake/form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required(Permission.INTAKE_INFORMATION_PROCESS)
@require_POST
def information_transition(request, pk: int):
    info = _own_or_404(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("intake:detail", pk=info.pk)
    data = form.cleaned_data
    merged_into = None
    if data["merged_into"]:
        merged_into = queries.own(request.user, data["merged_into"])
        if merged_into is None:
            messages.error(request, _("合并目标不存在或不在您的辖区内。"))
            return redirect("intake:detail", pk=info.pk)
    try:
        services.transition(
            request.user, info, to_status=data["to_status"], reason=data["reason"], merged_into=merged_into
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(str(m) for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, _("已处理：%s") % Status(data["to_status"]).label)
    return redirect("intake:detail", pk=info.pk)


# ----- outside channels: the public and enterprises ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_report(request):
    """Anyone may report a risk, with no account (Art.11); works on a phone."""
    form = PublicReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("website"):
            # A bot filled the hidden field: thank it and store nothing.
            return render(request, "intake/public_thanks.html", {"receipt": None})
        try:
            info, receipt = channels.submit_public_report(ip=audit.current_ip.get(), **form.split())
        except channels.Throttled:
            return render(request, "intake/public_report.html", {"form": form, "throttled": True}, status=429)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            hours = deadlines.limits().get((info.status, info.urgency), 72)
            context = {"receipt": receipt, "info": info, "next_hours": hours}
            return render(request, "intake/public_thanks.html", context)
    return render(request, "intake/public_report.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def receipt_status(request):
    """A reporter follows a report with its receipt number and secret code; only the status is shown."""
    number = (request.GET.get("number") or "")[:20]  # the receipt page's link prefills the number, never the code
    form = ReceiptLookupForm(request.POST or None, initial={"number": number} if number else None)
    info, not_found, status = None, False, 200
    if request.method == "POST" and form.is_valid():
        try:
            info = channels.lookup_receipt(ip=audit.current_ip.get(), **form.cleaned_data)
        except channels.Throttled:
            return render(request, "intake/receipt_status.html", {"form": form, "throttled": True}, status=429)
        not_found = info is None
        status = 404 if not_found else 200
    last_change = info.status_changes.last() if info else None
    context = {
        "form": form,
        "info": info,
        "not_found": not_found,
        "last_change": last_change,
        "reward": rewards.public_view(info) if info else None,
        "next": deadlines.next_step(info) if info else None,
    }
    return render(request, "intake/receipt_status.html", context, status=status)


@permission_required(Permission.INTAKE_ENTERPRISE_REPORT)
def enterprise_reports(request):
    """An enterprise's own reports and their status (and nothing of anyone else's)."""
    reports = queries.enterprise_reports(request.user)
    context = listing.page_of(request, reports, ENTERPRISE_REPORT_COLUMNS, "-received")
    return render(request, "intake/enterprise_reports.html", context)


@permission_required(Permission.INTAKE_ENTERPRISE_REPORT)
@require_http_methods(["GET", "POST"])
def enterprise_report_create(request):
    form = EnterpriseReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            info = channels.submit_enterprise_report(request.user, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("报告已提交，编号 %s。") % info.reference)
            return redirect("intake:enterprise_reports")
    return render(request, "intake/enterprise_report_form.html", {"form": form}, status=400 if form.errors else 200)


# ----- imports from the UI ---------------------------------------------------------------------------------------


@permission_required(Permission.INTAKE_IMPORT_RUN)
@require_http_methods(["GET", "POST"])
def import_list(request):
    form = ImportForm(request.POST or None, request.FILES or None, principal=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            job = jobs.start_import(
                request.user, source=data["source"], upload=data["file"], organisation=data["organisation"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("intake:import_detail", pk=job.pk)
    recent = queries.import_jobs(request.user)[:20]
    return render(request, "intake/imports.html", {"form": form, "jobs": recent}, status=400 if form.errors else 200)


@permission_required(Permission.INTAKE_IMPORT_RUN)
def import_rejections(request, pk: int):
    """Every rejected and duplicate row of a job (the page shows the first ones)."""
    job = queries.import_job_or_404(request.user, pk)
    if not job.rejections:
        raise Http404
    return FileResponse(job.rejections.open("rb"), as_attachment=True, filename=f"rejections-{job.pk}.csv")


@permission_required(Permission.INTAKE_IMPORT_RUN)
def import_detail(request, pk: int):
    job = queries.import_job_or_404(request.user, pk)
    template = "intake/_import_progress.html" if request.htmx else "intake/import_detail.html"
    return render(request, template, {"job": job})
