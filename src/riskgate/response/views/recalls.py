"""Pages of defective-product recalls: the supervising authority's list, the form that opens one, one recall with
its progress reports, effectiveness chart, public notice and enforcement records (the enterprise sees and reports
on its own recalls); and the public recall notices on the portal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import login_required, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission

from ..forms import EnforcementForm, RecallAssessmentForm, RecallForm, RecallPlanForm, RecallProgressForm
from ..models import Recall, RecallStatus
from ..queries import recalls as queries
from ..queries.common import decides
from ..queries.concerns import for_enterprise
from ..services import recalls

COLUMNS = {
    "reference": by("id"),
    "product": by("brand", "model", "product"),
    "enterprise": by("enterprise__name"),
    "kind": by("kind", "recall_type"),
    "units": by("affected_units", descending_first=True),
    "status": by("status"),
    "created": by("created_at", descending_first=True),
}


@login_required
def recall_list(request):
    items = queries.visible(request.user).select_related("enterprise")
    return render(
        request,
        "response/recall_list.html",
        {
            **listing.page_of(request, items, COLUMNS, "-created"),
            "can_manage": request.user.has_permission(Permission.RESPONSE_RECALL_MANAGE),
        },
    )


@permission_required(Permission.RESPONSE_RECALL_MANAGE)
def recall_create(request):
    if request.method == "POST":
        form = RecallForm(request.POST, principal=request.user)
        if form.is_valid():
            try:
                recall = recalls.open_recall(request.user, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记召回 %s。") % recall.reference)
                return redirect("response:recall", pk=recall.pk)
    else:
        form = RecallForm(principal=request.user)
    return render(request, "response/recall_form.html", {"form": form}, status=400 if form.errors else 200)


# The same ids whether a form is shown fresh or redisplayed with its errors (the error summary links to them).
FORM_KWARGS = {
    "plan": lambda request: {"auto_id": "plan-%s"},
    "assessment": lambda request: {"principal": request.user, "auto_id": "recall-assessment-%s"},
}


def _detail(request, recall: Recall, forms: dict | None = None, status: int = 200):
    user, forms = request.user, forms or {}
    organisation = getattr(user, "organisation", None)
    supervising = user.has_permission(Permission.RESPONSE_RECALL_MANAGE) and decides(user, recall)
    own = user.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL) and organisation == recall.enterprise
    reporting = (own or supervising) and recall.status == RecallStatus.IN_PROGRESS
    planning = (own or supervising) and recall.status == RecallStatus.AWAITING_PLAN
    return render(
        request,
        "response/recall_detail.html",
        {
            "recall": recall,
            "series": queries.effectiveness(recall),
            "supervising": supervising,
            "progress_form": forms.get("progress") or (RecallProgressForm() if reporting else None),
            "plan_form": forms.get("plan") or (RecallPlanForm(**FORM_KWARGS["plan"](request)) if planning else None),
            "enforcement_form": forms.get("enforce") or (EnforcementForm() if supervising else None),
            "assessment_form": forms.get("assessment")
            or (RecallAssessmentForm(**FORM_KWARGS["assessment"](request)) if supervising else None),
            "enforcements": recall.enforcements.select_related("opened_by") if supervising else [],
        },
        status=status,
    )


@login_required
def recall_detail(request, pk: int):
    recall = pk_or_404(queries.visible(request.user).select_related("enterprise"), pk)
    audit.record_read(actor=request.user, obj=recall)
    return _detail(request, recall)


def _manager(request, recall: Recall) -> bool:
    return request.user.has_permission(Permission.RESPONSE_RECALL_MANAGE)


ACTIONS = {
    # A second click on publish is refused by the service with a message, not a failure.
    "publish": Action(lambda r, recall, d: recalls.publish(r.user, recall), gettext_lazy("召回公告已发布。")),
    "plan": Action(
        lambda r, recall, d: recalls.submit_plan(r.user, recall, d),
        gettext_lazy("已提交召回计划。"),
        RecallPlanForm,
    ),
    "progress": Action(
        lambda r, recall, d: recalls.report_progress(
            r.user, recall, as_of=d["as_of"], units_corrected=d["units_corrected"], note=d["note"]
        ),
        gettext_lazy("已提交。"),
        RecallProgressForm,
    ),
    "assessment": Action(
        lambda r, recall, d: recalls.link_assessment(r.user, recall, d["assessment"]),
        gettext_lazy("已关联研判。"),
        RecallAssessmentForm,
        _manager,
    ),
    "enforce": Action(
        lambda r, recall, d: recalls.open_enforcement(r.user, recall, kind=d["kind"], facts=d["facts"]),
        gettext_lazy("已提交。"),
        EnforcementForm,
        _manager,
    ),
}


@require_POST
@login_required
def recall_act(request, pk: int, action: str):
    recall = pk_or_404(queries.visible(request.user).select_related("enterprise"), pk)
    return dispatch(
        request,
        recall,
        action,
        ACTIONS,
        show=lambda r: redirect("response:recall", pk=r.pk),
        redisplay=lambda req, r, forms, status: _detail(req, r, forms=forms, status=status),
        form_kwargs=lambda req, r, name: FORM_KWARGS.get(name, lambda req: {})(req),
    )


def public_list(request):
    items = queries.public_recalls().order_by("-published_at", "-id")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "response/public_recalls.html", {"page": page})


def public_detail(request, pk: int):
    recall = pk_or_404(queries.public_recalls(), pk)
    return render(request, "response/public_recall.html", {"recall": recall, "series": queries.effectiveness(recall)})


@login_required
def concerns(request):
    """R-USE-1: the enterprise's own inspection results and the assessment conclusions that concern it."""

    data = for_enterprise(request.user)
    audit.record_read(actor=request.user, obj=request.user.organisation, reason="R-USE-1")
    return render(request, "response/concerns.html", data)
