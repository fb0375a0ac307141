"""The officers' pages of warnings: the list of every version in the jurisdiction (drafts included), drafting from
a confirmed assessment or by the emergency path, editing a draft, and the workflow actions (send for review, send
back, approve, publish, adjust; lifting is response.views.lifting, which ends what rests on the warning). The
services decide who may do what."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from riskgate.core import audit, listing
from riskgate.core.access import MAX_ID, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission

from .. import cap, queries, services
from ..forms import (
    AdjustForm,
    ConfirmForm,
    EmergencyForm,
    EvaluationForm,
    LinkAssessmentForm,
    ManageFilterForm,
    ReassessmentDecisionForm,
    ReassessmentRequestForm,
    WarningForm,
)
from ..models import Recipient, Status, WarningKind, WarningNotice
from ..queries import managed_notice_or_404
from ..services import emergency as follow_ups
from ..services import inbox, reassessment
from .portal import public_scope


def _notice_or_404(request, pk: int) -> WarningNotice:
    return managed_notice_or_404(request.user, pk)


MANAGE_COLUMNS = {
    "reference": by("lineage_id", "version"),
    "title": by("title"),
    "level": by("level"),
    "status": by("status"),
    "organisation": by("organisation__name"),
    "drafter": by("drafted_by__username"),
    "updated": by("updated_at", descending_first=True),
}
INBOX_COLUMNS = {
    "delivered": by("delivered_at", descending_first=True),
    "warning": by("notice__title"),
    "level": by("notice__level"),
    "organisation": by("organisation__name"),
}


@permission_required(Permission.WARNING_VIEW)
def manage_list(request):
    form = ManageFilterForm(request.GET or None)
    items = queries.managed(request.user)
    if form.is_valid() and form.cleaned_data["status"]:
        items = items.filter(status=form.cleaned_data["status"])
    context = {
        **listing.page_of(request, items.select_related("organisation", "drafted_by"), MANAGE_COLUMNS, "-updated"),
        "form": form,
        "can_draft": request.user.has_permission(Permission.WARNING_DRAFT),
        "bases": queries.assessments_without_warning(request.user)[:20],
    }
    return render(request, "warnings/manage_list.html", context)


@permission_required(Permission.WARNING_DRAFT)
@require_http_methods(["GET", "POST"])
def manage_create(request):
    """A draft from a confirmed assessment (?assessment=id), or by the emergency path (without one)."""
    assessment = None
    raw = request.GET.get("assessment") or request.POST.get("assessment")
    if raw:
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise Http404
        assessment = queries.assessment_in_scope(request.user, int(raw))
        if assessment is None:
            raise Http404
    if assessment is None and request.method == "GET" and request.GET.get("emergency") != "1":
        # Drafting starts from the basis (issue 26): the confirmed assessments; the emergency path is the exception.
        bases = queries.assessments_without_warning(request.user)[:100]
        return render(request, "warnings/choose_basis.html", {"bases": bases})
    initial = {}
    if assessment is not None:
        initial = {
            "level": assessment.confirmed_level,
            "title": assessment.title,
            "summary": assessment.hazard,
            "measures": assessment.recommended_measures,
        }
    form = WarningForm(request.POST or None, initial=initial, principal=request.user)
    emergency = EmergencyForm(request.POST or None, principal=request.user) if assessment is None else None
    if request.method == "POST" and form.is_valid() and (emergency is None or emergency.is_valid()):
        try:
            if assessment is not None:
                notice = services.draft_from_assessment(request.user, assessment, data=form.content())
            else:
                data = {**form.content(), "hazard_type": emergency.cleaned_data["hazard_type"]}
                notice = services.draft_emergency(
                    request.user,
                    data=data,
                    reason=emergency.cleaned_data["reason"],
                    assessment=emergency.cleaned_data["assessment"],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已起草预警 %s。") % notice.reference)
            return redirect("warnings:manage", pk=notice.pk)
    context = {"form": form, "emergency": emergency, "assessment": assessment}
    status = 400 if form.errors or (emergency is not None and emergency.errors) else 200
    return render(request, "warnings/manage_form.html", context, status=status)


@permission_required(Permission.WARNING_DRAFT)
@require_http_methods(["GET", "POST"])
def manage_edit(request, pk: int):
    notice = _notice_or_404(request, pk)
    if notice.status != Status.DRAFT:
        messages.error(request, _("只有草稿可以修改。"))
        return redirect("warnings:manage", pk=notice.pk)
    form = WarningForm(request.POST or None, instance=queries.fresh(notice), principal=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(request.user, notice, data=form.content())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect("warnings:manage", pk=notice.pk)
    return render(
        request, "warnings/manage_form.html", {"form": form, "notice": notice}, status=400 if form.errors else 200
    )


@permission_required(Permission.WARNING_VIEW)
def manage_preview(request, pk: int):
    """A version as the public will read it, and what it changes against the version before it (issue 26): looked
    at before a draft is sent for review."""
    notice = _notice_or_404(request, pk)
    previous = queries.previous_version(notice)
    context = {
        "w": notice,
        "previous": previous,
        "changes": queries.changes(previous, notice),
        "can_submit": notice.status == Status.DRAFT and request.user.has_permission(Permission.WARNING_DRAFT),
        **public_scope(notice, request.LANGUAGE_CODE),
    }
    return render(request, "warnings/preview.html", context)


@permission_required(Permission.WARNING_VIEW)
def manage_detail(request, pk: int):
    notice = _notice_or_404(request, pk)
    audit.record_read(actor=request.user, obj=notice)
    user = request.user
    context = {
        "w": notice,
        "versions": queries.versions(notice),
        "history": notice.history.select_related("actor"),
        "authority": services.authority_errors(notice),
        "can_draft": user.has_permission(Permission.WARNING_DRAFT),
        "can_approve": user.has_permission(Permission.WARNING_APPROVE),
        "can_target": user.has_permission(Permission.TARGETING_RULE_MANAGE)
        and notice.is_live
        and WarningKind.AGENCY_NOTICE in notice.kinds,
        "can_order_measure": user.has_permission(Permission.RESPONSE_MEASURE_ORDER) and notice.is_live,
        "measure_orders": notice.measure_orders.select_related("kind").order_by("-id")[:20]
        if user.has_permission(Permission.RESPONSE_MEASURE_VIEW)
        else [],
        "obligations": notice.obligations.select_related("enterprise").order_by("-id")[:20]
        if user.has_permission(Permission.RESPONSE_MEASURE_VIEW)
        else [],
        "control_rules": notice.control_rules.order_by("-id")[:20]
        if user.has_permission(Permission.TARGETING_RULE_VIEW)
        else [],
        "own_draft": notice.drafted_by_id == user.pk,
        "is_current": services.current(notice).pk == notice.pk,
        "evaluation_form": EvaluationForm(auto_id="evaluate-%s"),
        "follow_up": queries.follow_up(notice),
        "link_form": LinkAssessmentForm(principal=user, auto_id="link-%s"),
        "confirm_form": ConfirmForm(principal=user, auto_id="confirm-%s"),
        "adjust_form": AdjustForm(principal=user, auto_id="adjust-%s"),
        "reassessment_requests": [
            (r, ReassessmentDecisionForm(auto_id=f"reassess-{r.pk}-%s") if r.status == "open" else None)
            for r in queries.reassessment_requests(notice)
        ],
        "evaluations": queries.evaluations(notice),
        "related": services.related_information_count(notice) if notice.published_at else 0,
        "recipients": notice.recipients.select_related("organisation", "read_by").order_by("organisation__name"),
        "cap_public": notice.public and notice.published_at is not None,
        "cap_xml": cap.to_xml(notice).decode() if notice.published_at else "",
    }
    return render(request, "warnings/manage_detail.html", context)


@permission_required(Permission.WARNING_DRAFT)
def manage_adjustment(request, pk: int):
    """The adjustment page (where an effect evaluation's "adjust" recommendation leads): the form that drafts the
    new version, with the evaluations that led to it."""
    notice = _notice_or_404(request, pk)
    context = {
        "w": notice,
        "adjust_form": AdjustForm(principal=request.user, auto_id="adjust-%s"),
        "evaluations": queries.evaluations(notice),
        "is_current": services.current(notice).pk == notice.pk,
    }
    return render(request, "warnings/adjust.html", context)


def _adjust(request, notice: WarningNotice, data: dict) -> WarningNotice:
    level = data["level"]
    return services.adjust(
        request.user,
        notice,
        reason=data["reason"],
        data={"level": level} if level else {},
        assessment=data["assessment"],
    )


def _after_evaluation(evaluation) -> HttpResponse:
    """An evaluation recommending lifting leads straight to the lifting page (its conditions), one recommending
    adjustment to the adjustment page; keeping the warning, back to it."""
    pages = {"lift": "response:lift_warning", "adjust": "warnings:adjustment"}
    notice = evaluation.notice
    if notice.status == Status.PUBLISHED and evaluation.recommendation in pages:
        return redirect(pages[evaluation.recommendation], pk=notice.pk)
    return redirect("warnings:manage", pk=notice.pk)


ACTIONS = {
    "submit": Action(lambda r, n, d: services.submit_for_review(r.user, n), gettext_lazy("已送审。"), follow=True),
    "send_back": Action(
        lambda r, n, d: services.send_back(r.user, n, note=r.POST.get("reason", "")),
        gettext_lazy("已退回起草人。"),
        follow=True,
    ),
    "approve": Action(lambda r, n, d: services.approve(r.user, n), gettext_lazy("已批准。"), follow=True),
    "publish": Action(lambda r, n, d: services.publish(r.user, n), gettext_lazy("已发布。"), follow=True),
    "adjust": Action(
        _adjust,
        gettext_lazy("已起草调整版本，请修改后送审。"),
        follow=True,
        show=lambda new: redirect("warnings:edit", pk=new.pk),
        form=AdjustForm,
    ),
    "link_assessment": Action(
        lambda r, n, d: follow_ups.link_assessment(r.user, n, d["assessment"]),
        gettext_lazy("已关联研判。"),
        LinkAssessmentForm,
    ),
    "confirm": Action(
        lambda r, n, d: services.confirm(r.user, n, assessment=d["assessment"], note=d["note"]),
        gettext_lazy("已事后确认，确认版本已发布。"),
        ConfirmForm,
        follow=True,
    ),
    "evaluate": Action(
        lambda r, n, d: services.evaluate(r.user, n, **d),
        gettext_lazy("已记录效果评估。"),
        EvaluationForm,
        follow=True,
        show=lambda evaluation: _after_evaluation(evaluation),
    ),
}


@permission_required(Permission.WARNING_VIEW)
@require_POST
def manage_act(request, pk: int, action: str):
    return dispatch(
        request,
        _notice_or_404(request, pk),
        action,
        ACTIONS,
        show=lambda n: redirect("warnings:manage", pk=n.pk),
        explain_refusals=True,
        form_kwargs=lambda r, n, name: {"principal": r.user} if name in PRINCIPAL_FORMS else {},
    )


PRINCIPAL_FORMS = {"adjust", "link_assessment", "confirm"}


# ----- the inbox of a receiving organisation (agencies and enterprises) ----------------------------------------


@permission_required(Permission.WARNING_RECEIVE)
def inbox_list(request):
    items = inbox.inbox(request.user).select_related("notice", "organisation")
    return render(request, "warnings/inbox.html", listing.page_of(request, items, INBOX_COLUMNS, "-delivered"))


def _recipient_or_404(request, pk: int) -> Recipient:
    return pk_or_404(inbox.inbox(request.user), pk)


@permission_required(Permission.WARNING_RECEIVE)
def inbox_item(request, pk: int):
    """Reading writes nothing: once shown, the page posts its read receipt (htmx, or the button without script)."""
    item = _recipient_or_404(request, pk)
    own = item.organisation_id == request.user.organisation_id
    context = {
        "item": item,
        "w": item.notice,
        "can_answer": own and not item.answered,
        "to_receipt": own,
        "requests": queries.own_requests(item),
        "request_form": ReassessmentRequestForm(auto_id="reassessment-%s")
        if own and item.kind == "agency" and item.notice.status == Status.PUBLISHED
        else None,
    }
    return render(request, "warnings/inbox_item.html", context)


@permission_required(Permission.WARNING_RECEIVE)
@require_POST
def inbox_read(request, pk: int):
    item = inbox.open_item(request.user, _recipient_or_404(request, pk))
    if request.htmx:
        return render(request, "warnings/_read_receipt.html", {"item": item})
    return redirect("warnings:inbox_item", pk=item.pk)


@permission_required(Permission.WARNING_RECEIVE)
@require_POST
def inbox_respond(request, pk: int):
    item = _recipient_or_404(request, pk)
    try:
        inbox.respond(request.user, item, text=request.POST.get("action_taken", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已反馈。"))
    return redirect("warnings:inbox_item", pk=item.pk)


@permission_required(Permission.WARNING_RECEIVE)
@require_POST
def inbox_reassessment(request, pk: int):
    """The receiving agency: the risk has changed, please re-assess (Art.20)."""
    item = _recipient_or_404(request, pk)
    form = ReassessmentRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect("warnings:inbox_item", pk=item.pk)
    try:
        reassessment.request(request.user, item, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已向发布机构提出重新研判请求。"))
    return redirect("warnings:inbox_item", pk=item.pk)


@permission_required(Permission.WARNING_DRAFT)
@require_POST
def reassessment_decide(request, pk: int, request_id: int):
    """The issuing office accepts or declines an agency's re-assessment request."""
    notice = _notice_or_404(request, pk)
    item = queries.reassessment_request_or_404(request.user, notice, request_id)
    form = ReassessmentDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect("warnings:manage", pk=notice.pk)
    try:
        done = reassessment.decide(request.user, item, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已处理：%s。") % done.get_status_display())
    return redirect("warnings:manage", pk=notice.pk)
