"""The lifting page of a warning (Art.24–25): the conditions of lifting by confirmation, each met or not, a reason
box for each open mandatory measure that is to continue, the confirmed assessment an emergency warning's lifting
cites, and the lifting itself (services.lifting), refused with the conditions until they hold."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from riskgate.core.access import permission_required
from riskgate.core.permissions import Permission
from riskgate.warnings.queries import assessments, managed_notice_or_404, newest_version

from ..services import lifting


def _continued(request, notice) -> dict[int, str]:
    """The reasons typed for continuing measures (`continue-<id>`), for the warning's open mandatory measures."""
    return {
        order.pk: request.POST.get(f"continue-{order.pk}", "")[:5000]
        for order in lifting.open_mandatory_measures(notice)
    }


@permission_required(Permission.WARNING_VIEW)
@require_http_methods(["GET", "POST"])
def lift_warning(request, pk: int):
    """Anyone who manages the warning sees its conditions (where an evaluation recommending lifting leads); only
    an approver lifts."""
    notice = managed_notice_or_404(request.user, pk)
    can_lift = request.user.has_permission(Permission.WARNING_APPROVE)
    if request.method == "POST" and not can_lift:
        raise PermissionDenied
    confirmed = assessments(request.user, "confirmed")
    continued, assessment, reason, status = {}, None, "", 200
    if request.method == "POST":
        continued = _continued(request, notice)
        reason = request.POST.get("reason", "")
        raw = request.POST.get("assessment", "")
        assessment = confirmed.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12 else None
        try:
            cancel = lifting.lift_warning(
                request.user, notice, reason=reason, continued=continued, assessment=assessment
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        except PermissionDenied as exc:
            if not str(exc):
                raise
            messages.error(request, str(exc))
            status = 403
        else:
            messages.success(request, _("已解除，解除公告已发布。"))
            return redirect("warnings:manage", pk=cancel.pk)
    conditions = lifting.conditions(notice, continued=continued, assessment=assessment)
    context = {
        "w": notice,
        "conditions": conditions,
        "ready": all(c.met for c in conditions),
        "continued": continued,
        "reason": reason,
        "assessments": confirmed[:200] if notice.pending_confirmation else [],
        "chosen": assessment.pk if assessment else None,
        "can_lift": can_lift,
        "is_current": notice.is_live and newest_version(notice).pk == notice.pk,
    }
    return render(request, "response/lift_warning.html", context, status=status)
