"""The page action that lifts a warning with what rests on it (services.lifting); the warning's own page holds
the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from riskgate.core.access import permission_required
from riskgate.core.permissions import Permission
from riskgate.warnings.queries import managed_notice_or_404

from ..services import lifting


@permission_required(Permission.WARNING_VIEW)
@require_POST
def lift_warning(request, pk: int):
    notice = managed_notice_or_404(request.user, pk)
    try:
        cancel = lifting.lift_warning(request.user, notice, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已解除，解除公告已发布。"))
        return redirect("warnings:manage", pk=cancel.pk)
    return redirect("warnings:manage", pk=notice.pk)
