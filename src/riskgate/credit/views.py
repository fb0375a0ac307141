"""Quality-credit pages: the enterprises of the jurisdiction with their grades, and one enterprise's credit record —
its grade explained event by event, its history, and (for those who manage credit) recording a fact, proposing an
override and a second officer's review."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from riskgate.core import audit
from riskgate.core.access import permission_required
from riskgate.core.actions import Action, dispatch
from riskgate.core.permissions import Permission as P

from . import queries, services
from .forms import EndOverrideForm, EventForm, OverrideDecisionForm, OverrideForm


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
    }
    return render(request, "credit/enterprise.html", context, status=status)


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
