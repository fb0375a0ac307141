"""The audit trail for auditors (filter, chain check), exports of long lists as background jobs (core.exports),
and health."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import audit, exports, listing, queries, tabular
from .access import login_required, permission_required, pk_or_404
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
    return render(request, template, {**listed, "form": form, "export_formats": ("csv",)})


@login_required
@require_POST
def export_create(request):
    """Queue an export of the list the officer is looking at (its address parameters come in `query`)."""
    try:
        job = exports.start(request.user, request.POST.get("kind", ""), request.POST.get("format", ""),
                            request.POST.get("query", ""))  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        kind = exports.KINDS.get(request.POST.get("kind", ""))
        back = reverse(kind.back) if kind else reverse("site:home")
        query = request.POST.get("query", "")
        return redirect(f"{back}?{query}" if query and kind else back)
    return redirect("core:export", pk=job.pk)


def _export_or_404(request, pk: int):
    return pk_or_404(exports.visible(request.user), pk)


@login_required
def export_detail(request, pk: int):
    """The job's progress (the fragment alone for htmx, which polls it until the job finishes) and the download."""
    job = _export_or_404(request, pk)
    context = {"job": job, "kind": exports.kind_of(job), "available": exports.path_of(job) is not None}
    template = "core/_export_status.html" if request.htmx else "core/export_detail.html"
    return render(request, template, context)


@login_required
def export_list(request):
    jobs = exports.visible(request.user)
    return render(request, "core/export_list.html", {"page": Paginator(jobs, 50).get_page(request.GET.get("page"))})


@login_required
def export_download(request, pk: int):
    job = _export_or_404(request, pk)
    kind = exports.kind_of(job)
    path = exports.path_of(job)
    if kind is None or path is None or not request.user.has_permission(kind.permission):
        return render(request, "core/export_gone.html", {"job": job}, status=410)
    exports.downloaded(request.user, job)
    stamp = timezone.localtime(job.finished_at).strftime("%Y%m%d-%H%M%S")
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=f"{kind.filename}-{stamp}.{job.format}",
        content_type=tabular.XLSX if job.format == "xlsx" else "text/csv; charset=utf-8",
    )


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
