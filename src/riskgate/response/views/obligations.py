"""Pages of the responsible party's obligations: the list (an authority's jurisdiction, an enterprise's own, an
institution's to evaluate), imposing one under a warning, and one obligation with the forms of whoever views it:
the enterprise (report, consumer notice, progress, lifting application), the institution (evaluation), the
authority (the lifting decision)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from riskgate.core import audit, listing
from riskgate.core.access import MAX_ID, login_required, permission_required, pk_or_404
from riskgate.core.actions import Action, dispatch
from riskgate.core.forms import add_service_errors
from riskgate.core.listing import by
from riskgate.core.permissions import Permission
from riskgate.warnings.queries import basis_from_request

from ..forms import (
    CheckForm,
    ConsumerNoticeForm,
    DecisionForm,
    EliminationForm,
    EvaluationForm,
    ImposeForm,
    LiftingApplicationForm,
    MitigationForm,
    TextForm,
)
from ..models import Obligation, ObligationStatus
from ..queries import obligations as queries
from ..queries.common import decides
from ..services import obligations
from ..services.common import elimination_confirmed

S = ObligationStatus


COLUMNS = {
    "reference": by("id"),
    "enterprise": by("enterprise__name"),
    "warning": by("warning__title"),
    "due": by("report_due"),
    "institution": by("institution__name"),
    "status": by("status"),
    "created": by("created_at", descending_first=True),
}


@login_required
def obligation_list(request):
    items = queries.visible(request.user).select_related("enterprise", "warning", "institution")
    context = listing.page_of(request, items, COLUMNS, "-created")
    return render(request, "response/obligation_list.html", context)


@permission_required(Permission.RESPONSE_MEASURE_ORDER)
def obligation_create(request):
    warning = basis_from_request(request)
    if warning is None:
        raise Http404
    if request.method == "POST":
        form = ImposeForm(request.POST, principal=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                obligation = obligations.impose(
                    request.user,
                    warning=warning,
                    enterprise=data["enterprise"],
                    institution=data["institution"],
                    requirements=data["requirements"],
                    report_due=data["report_due"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已下达风险消减义务 %s。") % obligation.reference)
                return redirect("response:obligation", pk=obligation.pk)
    else:
        enterprises = list(warning.enterprises.all()[:1])
        form = ImposeForm(
            initial={"enterprise": enterprises[0] if enterprises else None, "requirements": warning.measures},
            principal=request.user,
        )
    return render(
        request, "response/obligation_form.html", {"form": form, "warning": warning}, status=400 if form.errors else 200
    )


def _detail(request, obligation: Obligation, forms: dict | None = None, status: int = 200):
    user, forms = request.user, forms or {}
    organisation = getattr(user, "organisation", None)
    party = user.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL) and organisation == obligation.enterprise
    evaluator = user.has_permission(Permission.RESPONSE_OBLIGATION_EVALUATE) and organisation == obligation.institution
    authority = user.has_permission(Permission.RESPONSE_MEASURE_LIFT) and decides(user, obligation)
    checker = user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and decides(user, obligation)
    st = obligation.status
    confirmed = elimination_confirmed(obligation)
    context = {
        "o": obligation,
        "reports": obligation.reports.select_related("submitted_by", "evaluated_by"),
        "party_reports": obligation.party_reports.select_related("submitted_by", "decided_by"),
        "report_form": forms.get("report") or (MitigationForm() if party and st == S.AWAITING_REPORT else None),
        "consumers_form": forms.get("consumers")
        or (
            ConsumerNoticeForm(auto_id="consumers-%s")
            if party and st in (S.AWAITING_REPORT, S.UNDER_EVALUATION, S.IMPLEMENTING)
            else None
        ),
        "progress_form": forms.get("progress")
        or (TextForm(auto_id="progress-%s") if party and st == S.IMPLEMENTING else None),
        "apply_form": forms.get("apply") or (LiftingApplicationForm() if party and st == S.IMPLEMENTING else None),
        "evaluation_form": forms.get("evaluate")
        or (EvaluationForm() if evaluator and st == S.UNDER_EVALUATION else None),
        "elimination_form": forms.get("confirm_elimination")
        or (
            EliminationForm(auto_id="elimination-%s")
            if evaluator and st == S.LIFTING_APPLIED and not confirmed
            else None
        ),
        "elimination_confirmed": confirmed,
        "decision_form": forms.get("decide") or (DecisionForm() if authority and st == S.LIFTING_APPLIED else None),
        "check_form": forms.get("check")
        or (CheckForm() if checker and st in (S.IMPLEMENTING, S.LIFTING_APPLIED) else None),
        "checks": obligation.checks.select_related("organisation", "checked_by"),
    }
    return render(request, "response/obligation_detail.html", context, status=status)


@login_required
def obligation_detail(request, pk: int):
    obligation = pk_or_404(queries.visible(request.user).select_related("warning", "enterprise", "institution"), pk)
    audit.record_read(actor=request.user, obj=obligation)
    return _detail(request, obligation)


def _party(request, obligation: Obligation) -> bool:
    """The obligated enterprise itself."""
    user = request.user
    return user.organisation == obligation.enterprise and user.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL)


def _institution(request, obligation: Obligation) -> bool:
    """The technical institution that evaluates the reports."""
    user = request.user
    return user.organisation == obligation.institution and user.has_permission(Permission.RESPONSE_OBLIGATION_EVALUATE)


def _authority(permission: Permission):
    """The deciding authority's jurisdiction, with the permission."""

    def allowed(request, obligation: Obligation) -> bool:
        return request.user.has_permission(permission) and decides(request.user, obligation)

    return allowed


DONE = gettext_lazy("已提交。")
ACTIONS = {
    "report": Action(lambda r, o, d: obligations.submit_report(r.user, o, d), DONE, MitigationForm, _party),
    "consumers": Action(
        lambda r, o, d: obligations.notify_consumers(r.user, o, text=d["text"], proof=d["proof"]),
        DONE,
        ConsumerNoticeForm,
        _party,
    ),
    "progress": Action(lambda r, o, d: obligations.report_progress(r.user, o, text=d["text"]), DONE, TextForm, _party),
    "apply": Action(
        lambda r, o, d: obligations.apply_for_lifting(
            r.user, o, text=d["text"], evaluation_report=d["evaluation_report"]
        ),
        DONE,
        LiftingApplicationForm,
        _party,
    ),
    "evaluate": Action(
        lambda r, o, d: obligations.evaluate(
            r.user,
            o,
            verdict=d["verdict"],
            feasibility=d["feasibility"],
            effectiveness=d["effectiveness"],
            adequacy=d["adequacy"],
            truthful=d["truthful"],
        ),
        DONE,
        EvaluationForm,
        _institution,
    ),
    "check": Action(
        lambda r, o, d: obligations.record_check(
            r.user, o, checked_on=d["checked_on"], result=d["result"], findings=d["findings"]
        ),
        DONE,
        CheckForm,
        _authority(Permission.RESPONSE_MEASURE_EXECUTE),
    ),
    "confirm_elimination": Action(
        lambda r, o, d: obligations.confirm_elimination(r.user, o, confirmed=d["confirmed"], note=d["note"]),
        DONE,
        EliminationForm,
        _institution,
    ),
    "decide": Action(
        lambda r, o, d: obligations.decide_lifting(r.user, o, approve=d["approve"], decision=d["decision"]),
        DONE,
        DecisionForm,
        _authority(Permission.RESPONSE_MEASURE_LIFT),
    ),
}


@require_POST
@login_required
def obligation_act(request, pk: int, action: str):
    obligation = pk_or_404(queries.visible(request.user).select_related("warning", "enterprise", "institution"), pk)
    return dispatch(
        request,
        obligation,
        action,
        ACTIONS,
        show=lambda o: redirect("response:obligation", pk=o.pk),
        redisplay=lambda r, o, forms, status: _detail(r, o, forms=forms, status=status),
    )


@login_required
def obligation_file(request, pk: int, report_id: int):
    obligation = pk_or_404(queries.visible(request.user), pk)
    report = (
        obligation.party_reports.filter(pk=report_id).exclude(evaluation_report="").first()
        if 0 < report_id <= MAX_ID
        else None
    )
    if report is None:
        raise Http404
    audit.record_read(actor=request.user, obj=obligation, reason=f"file {report.pk}")
    return FileResponse(report.evaluation_report.open("rb"), as_attachment=True, filename=report.file_name or "report")


@login_required
def consumers_proof(request, pk: int):
    obligation = pk_or_404(queries.visible(request.user), pk)
    if not obligation.consumers_proof:
        raise Http404
    audit.record_read(actor=request.user, obj=obligation, reason="consumers proof")
    return FileResponse(
        obligation.consumers_proof.open("rb"), as_attachment=True, filename=obligation.consumers_proof_name or "proof"
    )
