"""Pages of the archive: the list of archived records and tombstones, one record with its classification, legal
hold and archive package, and the retention reviews (the dry-run report, submission, a second officer's approval
or rejection)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit
from riskgate.core.access import permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.permissions import Permission as P

from . import queries, services
from .forms import ClassifyForm, FilterForm, NoteForm, ReasonForm
from .models import ArchiveState, ItemOutcome, ReviewStatus

LIMIT = 200


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def _manages(request, obj=None) -> bool:
    return request.user.has_permission(P.ARCHIVE_RECORD_MANAGE)


def _approves(request, review) -> bool:
    return request.user.has_permission(P.ARCHIVE_DISPOSAL_APPROVE) and review.submitted_by_id != request.user.pk


@permission_required(P.ARCHIVE_RECORD_VIEW)
def record_list(request):
    form = FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = queries.filtered(request.user, data)
    return render(
        request,
        "archive/record_list.html",
        {
            "form": form,
            "records": found[:LIMIT],
            "count": found.count(),
            "limit": LIMIT,
            "summary": queries.summary(request.user),
        },
    )


def _record_page(request, record, forms=None, status=200):
    forms = forms or {}
    kept = record.state == ArchiveState.KEPT
    manages = _manages(request) and kept
    return render(
        request,
        "archive/record_detail.html",
        {
            "record": record,
            "live_url": queries.live_url(record),
            "events": queries.record_events(record),
            "can_manage": manages,
            "classify_form": forms.get("classify") or ClassifyForm(initial={"importance": record.importance}),
            "hold_form": forms.get("hold") or ReasonForm(),
            "release_form": forms.get("release") or ReasonForm(),
        },
        status=status,
    )


@permission_required(P.ARCHIVE_RECORD_VIEW)
def record_detail(request, pk: int):
    record = _found(queries.record_or_none(request.user, pk))
    return _record_page(request, record)


RECORD_ACTIONS = {
    "classify": Action(
        run=lambda request, obj, data: services.classify(request.user, obj, data),
        done=_("%s 已重新定级。"),
        form=ClassifyForm,
        allowed=_manages,
    ),
    "hold": Action(
        run=lambda request, obj, data: services.hold(request.user, obj, data),
        done=_("%s 已诉讼保全，保全期间不会被销毁。"),
        form=ReasonForm,
        allowed=_manages,
    ),
    "release": Action(
        run=lambda request, obj, data: services.release(request.user, obj, data),
        done=_("%s 已解除诉讼保全。"),
        form=ReasonForm,
        allowed=_manages,
    ),
}


@require_POST
@permission_required(P.ARCHIVE_RECORD_VIEW)
def record_act(request, pk: int, action: str):
    record = _found(queries.record_or_none(request.user, pk))
    return dispatch(
        request,
        record,
        action,
        RECORD_ACTIONS,
        show=lambda o: redirect("archive:record", pk=o.pk),
        redisplay=lambda req, o, forms, status: _record_page(req, o, forms=forms, status=status),
    )


@require_POST
@permission_required(P.ARCHIVE_RECORD_MANAGE)
def record_package(request, pk: int):
    record = _found(queries.record_or_none(request.user, pk))
    try:
        name, content = services.package(request.user, record)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- retention reviews -------------------------------------------------------------------------------------------


@permission_required(P.ARCHIVE_RECORD_VIEW)
def review_list(request):
    return render(request, "archive/review_list.html", {"reviews": queries.review_list(request.user)[:LIMIT]})


def _review_page(request, review, forms=None, status=200):
    forms = forms or {}
    items = list(queries.review_items(review))
    open_ = review.status in (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED)
    if open_:  # the dry run: what approving now would do with each record, and why not
        for item in items:
            item.expected = queries.expected(item.record)
    return render(
        request,
        "archive/review_detail.html",
        {
            "review": review,
            "items": items,
            "open": open_,
            "disposed": sum(1 for i in items if i.outcome == ItemOutcome.DISPOSED),
            "can_submit": _manages(request) and review.status == ReviewStatus.DRAFT,
            "can_decide": review.status == ReviewStatus.SUBMITTED and _approves(request, review),
            "submitted_by_me": review.submitted_by_id == request.user.pk,
            "submit_form": forms.get("submit") or NoteForm(),
            "approve_form": forms.get("approve") or NoteForm(),
            "reject_form": forms.get("reject") or NoteForm(),
        },
        status=status,
    )


@permission_required(P.ARCHIVE_RECORD_VIEW)
def review_detail(request, pk: int):
    review = _found(queries.review_or_none(request.user, pk))
    audit.record_read(actor=request.user, obj=review)
    return _review_page(request, review)


REVIEW_ACTIONS = {
    "submit": Action(
        run=lambda request, obj, data: services.submit(request.user, obj, data),
        done=_("销毁清册 %s 已提交，待另一名人员审批。"),
        form=NoteForm,
        allowed=_manages,
    ),
    "approve": Action(
        run=lambda request, obj, data: services.approve(request.user, obj, data),
        done=_("销毁清册 %s 已批准，已销毁的记录留有销毁记录。"),
        form=NoteForm,
        allowed=_approves,
    ),
    "reject": Action(
        run=lambda request, obj, data: services.reject(request.user, obj, data),
        done=_("销毁清册 %s 未批准。"),
        form=NoteForm,
        allowed=_approves,
    ),
}


@require_POST
@permission_required(P.ARCHIVE_RECORD_VIEW)
def review_act(request, pk: int, action: str):
    review = _found(queries.review_or_none(request.user, pk))
    return dispatch(
        request,
        review,
        action,
        REVIEW_ACTIONS,
        show=lambda o: redirect("archive:review", pk=o.pk),
        redisplay=lambda req, o, forms, status: _review_page(req, o, forms=forms, status=status),
    )
