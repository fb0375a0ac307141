"""The audit trail for auditors (filter, CSV export, chain check), and health."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, listing, queries, tabular
from .access import permission_required
from .forms import AuditFilterForm
from .listing import by
from .permissions import Permission


def _filtered_events(request):
    form = AuditFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    return form, queries.audit_events(request.user, **criteria).select_related("actor", "organisation")


COLUMNS = {
    "seq": by("seq", descending_first=True),
    "actor": by("actor_repr", "seq"),
    "action": by("action", "seq"),
    "object": by("object_type", "object_id", "seq"),
}


@permission_required(Permission.AUDIT_EVENT_VIEW)
def audit_list(request):
    form, events = _filtered_events(request)
    listed = listing.page_of(request, events, COLUMNS, "-seq")
    audit.record(
        actor=request.user,
        action="audit.viewed",
        object_type="core.auditevent",
        changes=audit.facts(filter=request.GET.dict()),
    )
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {**listed, "form": form})


@permission_required(Permission.AUDIT_EVENT_EXPORT)
def audit_export(request):
    form, events = _filtered_events(request)
    audit.record(
        actor=request.user,
        action="audit.exported",
        object_type="core.auditevent",
        changes=audit.facts(filter=request.GET.dict()),
    )
    header = [
        "seq",
        "at",
        "actor",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "object",
        "changes",
        "ip",
        "reason",
        "hash",
    ]

    rows = (
        [
            e.seq,
            e.at.isoformat(),
            e.actor_repr,
            e.organisation_id or "",
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            audit.json_text(e.changes),
            e.ip or "",
            e.reason,
            e.hash,
        ]
        for e in events.order_by("seq").iterator(chunk_size=2000)
    )
    return tabular.csv_response(f"audit-{timezone.now():%Y%m%d-%H%M%S}.csv", header, rows)


@permission_required(Permission.AUDIT_CHAIN_VERIFY)
def audit_verify(request):
    report = audit.verify_chain()
    audit.record(
        actor=request.user,
        action="audit.verified",
        object_type="core.auditevent",
        changes=audit.facts(ok=report.ok, checked=report.checked),
    )
    return render(request, "core/audit_verify.html", {"report": report})


def healthz(request):
    """Liveness for load balancers: the database answers. Reveals nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure is "unavailable"
        return JsonResponse({"status": "unavailable", "message": _("数据库不可用")}, status=503)
