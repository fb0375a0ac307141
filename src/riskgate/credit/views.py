"""Quality-credit pages: the enterprises of the jurisdiction with their grades, and one enterprise's credit record —
its grade explained event by event, its history, and (for those who manage credit) recording a fact, proposing an
override and a second officer's review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit
from riskgate.core.access import permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.permissions import Permission as P

from . import queries, services
from .forms import (
    EndOverrideForm,
    EntryDecisionForm,
    EventForm,
    ListFilterForm,
    OverrideDecisionForm,
    OverrideForm,
    ProposeForm,
    RepairDecisionForm,
    RepairForm,
    RevokeForm,
)
from .models import ListKind


@permission_required(P.CREDIT_RECORD_VIEW)
def enterprise_list(request):
    if queries.is_own_enterprise(request.user):  # an enterprise sees its own record
        return redirect("credit:enterprise", pk=request.user.organisation.pk)
    q = (request.GET.get("q") or "").strip()[:100]
    manager = request.user.has_permission(P.CREDIT_RECORD_MANAGE)
    context = {
        "rows": queries.enterprise_rows(request.user, q),
        "q": q,
        "internal": manager,
        "pending": list(queries.pending_overrides(request.user)[:50]) if manager else [],
    }
    return render(request, "credit/list.html", context)


def _page(request, enterprise, forms=None, status=200):
    section = queries.enterprise_section(request.user, enterprise)
    forms = forms or {}
    manager = section["manager"]
    context = {
        **section,
        "event_form": forms.get("event") or (EventForm() if manager else None),
        "override_form": forms.get("override") or (OverrideForm() if manager else None),
        "decision_errors": forms.get("approve") or forms.get("reject"),
        "end_form": forms.get("end") or (EndOverrideForm() if manager else None),
        "reviewer": request.user.pk,
        **_lists_context(request, enterprise, forms),
    }
    return render(request, "credit/enterprise.html", context, status=status)


def _lists_context(request, enterprise, forms) -> dict:
    """The enterprise's list entries: the enterprise itself sees what was published (not proposals, not the
    internal reason) and may apply for repair of a published black-list entry."""
    own = queries.is_own_enterprise(request.user)
    entries = [e for e in queries.entries_of(enterprise) if not own or e.published_at]
    repairable = [
        e
        for e in entries
        if own and e.kind == ListKind.BLACK and e.status == "published" and not queries.open_repair(e)
    ]
    can_apply = request.user.has_permission(P.CREDIT_REPAIR_APPLY)
    return {
        "list_entries": entries,
        "own": own,
        "repairable": repairable if can_apply else [],
        "repair_form": forms.get("repair") or RepairForm(),
    }


@permission_required(P.CREDIT_RECORD_VIEW)
def enterprise_detail(request, pk: int):
    enterprise = queries.visible_enterprise(request.user, pk)
    if enterprise is None:
        raise Http404
    audit.record_read(actor=request.user, obj=enterprise)
    return _page(request, enterprise)


def _override(request, data):
    override = queries.override_or_none(request.user, data["override"])
    if override is None:
        raise ValidationError({"note": [gettext("该调整不存在，或不在您的辖区内。")]})
    return override


ACTIONS = {
    "event": Action(
        run=lambda request, enterprise, data: services.record_by_officer(request.user, enterprise, data),
        done=_("已记录信用事件，信用等级已重新计算。"),
        form=EventForm,
    ),
    "override": Action(
        run=lambda request, enterprise, data: services.propose_override(
            request.user, enterprise, data["grade"], reason=data["reason"], until=data["until"]
        ),
        done=_("已提出信用等级调整，待另一名人员复核。"),
        form=OverrideForm,
    ),
    "approve": Action(
        run=lambda request, enterprise, data: services.decide_override(
            request.user, _override(request, data), approve=True, note=data["note"]
        ),
        done=_("已复核通过，调整后的信用等级生效。"),
        form=OverrideDecisionForm,
    ),
    "reject": Action(
        run=lambda request, enterprise, data: services.decide_override(
            request.user, _override(request, data), approve=False, note=data["note"]
        ),
        done=_("已复核不通过。"),
        form=OverrideDecisionForm,
    ),
    "end": Action(
        run=lambda request, enterprise, data: services.end_override(
            request.user, _override(request, data), reason=data["reason"]
        ),
        done=_("人工调整已结束，恢复计算等级。"),
        form=EndOverrideForm,
    ),
}


@require_POST
@permission_required(P.CREDIT_RECORD_MANAGE)
def enterprise_act(request, pk: int, action: str):
    enterprise = queries.visible_enterprise(request.user, pk)
    if enterprise is None:
        raise Http404
    return dispatch(
        request,
        enterprise,
        action,
        ACTIONS,
        show=lambda e: redirect("credit:enterprise", pk=e.pk),
        redisplay=lambda req, e, forms, status: _page(req, e, forms=forms, status=status),
    )


# -- the lists ---------------------------------------------------------------------------------------------------


@permission_required(P.CREDIT_RECORD_VIEW)
def list_page(request):
    if queries.is_own_enterprise(request.user):
        return redirect("credit:enterprise", pk=request.user.organisation.pk)
    manager = request.user.has_permission(P.CREDIT_RECORD_MANAGE)
    filters = ListFilterForm(request.GET or None)
    found = queries.entries(request.user)
    if filters.is_valid():
        kind, status = filters.cleaned_data["kind"], filters.cleaned_data["status"]
        found = found.filter(kind=kind) if kind else found
        found = found.filter(status=status) if status else found
    context = {
        "filters": filters,
        "entries": found[:200],
        "manager": manager,
        "pending": list(queries.pending_entries(request.user)[:50]) if manager else [],
        "candidates": [(c, queries.candidates(request.user, c)) for c in queries.criteria()] if manager else [],
        "propose_form": ProposeForm(),
    }
    return render(request, "credit/lists.html", context)


@require_POST
@permission_required(P.CREDIT_RECORD_MANAGE)
def propose_entry(request):
    form = ProposeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        enterprise = queries.visible_enterprise(request.user, data["enterprise"])
        if enterprise is None:
            raise Http404
        try:
            entry = services.propose(
                request.user,
                enterprise,
                queries.criterion_or_none(data["criterion"]),
                reason=data["reason"],
                public_summary=data["public_summary"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("已提出 %s，待另一名人员审核。") % entry.reference)
            return redirect("credit:entry", pk=entry.pk)
    else:
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
    return redirect("credit:lists")


def _entry_page(request, entry, forms=None, status=200):
    forms = forms or {}
    manager = request.user.has_permission(P.CREDIT_RECORD_MANAGE)
    context = {
        "entry": entry,
        "manager": manager,
        "reviewer": request.user.pk,
        "repairs": entry.repairs.select_related("submitted_by", "decided_by"),
        "decision_errors": forms.get("approve") or forms.get("reject"),
        "repair_errors": forms.get("repair-approve") or forms.get("repair-reject"),
        "revoke_form": forms.get("revoke") or RevokeForm(),
    }
    return render(request, "credit/entry.html", context, status=status)


@permission_required(P.CREDIT_RECORD_VIEW)
def entry_detail(request, pk: int):
    if queries.is_own_enterprise(request.user):  # the enterprise reads its entries on its credit page
        raise Http404
    entry = queries.entry_or_none(request.user, pk)
    if entry is None:
        raise Http404
    audit.record_read(actor=request.user, obj=entry)
    return _entry_page(request, entry)


def _repair(request, data):
    repair = queries.repair_or_none(request.user, data["repair"])
    if repair is None:
        raise ValidationError({"note": [gettext("该申请不存在，或不在您的辖区内。")]})
    return repair


ENTRY_ACTIONS = {
    "approve": Action(
        run=lambda request, entry, data: services.decide(request.user, entry, approve=True, note=data["note"]),
        done=_("已审核通过，%s 已在门户网站公布。"),
        form=EntryDecisionForm,
    ),
    "reject": Action(
        run=lambda request, entry, data: services.decide(request.user, entry, approve=False, note=data["note"]),
        done=_("已审核不通过。"),
        form=EntryDecisionForm,
    ),
    "revoke": Action(
        run=lambda request, entry, data: services.revoke(request.user, entry, reason=data["reason"]),
        done=_("已撤销，%s 已移出名单。"),
        form=RevokeForm,
    ),
    "repair-approve": Action(
        run=lambda request, entry, data: services.decide_repair(
            request.user, _repair(request, data), approve=True, note=data["note"]
        ),
        done=_("已批准信用修复，%s 已移出名单。"),
        form=RepairDecisionForm,
    ),
    "repair-reject": Action(
        run=lambda request, entry, data: services.decide_repair(
            request.user, _repair(request, data), approve=False, note=data["note"]
        ),
        done=_("已决定不予修复。"),
        form=RepairDecisionForm,
    ),
}


@require_POST
@permission_required(P.CREDIT_RECORD_MANAGE)
def entry_act(request, pk: int, action: str):
    entry = queries.entry_or_none(request.user, pk)
    if entry is None:
        raise Http404
    return dispatch(
        request,
        entry,
        action,
        ENTRY_ACTIONS,
        show=lambda e: redirect("credit:entry", pk=e.pk),
        redisplay=lambda req, e, forms, status: _entry_page(req, e, forms=forms, status=status),
    )


@require_POST
@permission_required(P.CREDIT_REPAIR_APPLY)
def apply_repair(request, pk: int):
    """The enterprise applies for credit repair of its own black-list entry, from its credit page."""
    entry = queries.entry_or_none(request.user, pk)
    if entry is None or getattr(request.user, "organisation_id", None) != entry.enterprise_id:
        raise Http404  # only the listed enterprise applies, never anyone for it
    form = RepairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            application = services.apply_repair(
                request.user, entry, statement=form.cleaned_data["statement"], evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("已提交信用修复申请 %s，待审核。") % application.reference)
            return redirect("credit:enterprise", pk=entry.enterprise_id)
    return _page(request, entry.enterprise, forms={"repair": form}, status=400)


@permission_required(P.CREDIT_RECORD_VIEW)
def repair_evidence(request, pk: int):
    repair = queries.repair_or_none(request.user, pk)
    if repair is None:
        raise Http404
    audit.record_read(actor=request.user, obj=repair)
    return FileResponse(repair.evidence.open("rb"), as_attachment=True, filename=repair.evidence_name or "evidence")


def portal_lists(request):
    """The public red and black lists: published entries only, with what was published about them."""
    kind = request.GET.get("kind") or ""
    kind = kind if kind in ListKind.values else ""
    return render(
        request,
        "credit/portal_lists.html",
        {"entries": queries.published(kind)[:500], "kind": kind, "kinds": ListKind.choices},
    )
