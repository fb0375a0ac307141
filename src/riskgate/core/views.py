"""Home pages by role, the audit trail for auditors (filter, CSV export, chain check), health."""

import csv
import datetime as dt

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import ApiToken, Organisation, OrganisationKind, User

from . import audit, queries
from .access import login_required, permission_required
from .forms import AuditFilterForm
from .models import AuditEvent, Notification
from .permissions import Permission

RECENT = 10


@login_required
def home(request):
    user = request.user
    context = {
        "my_sign_ins": AuditEvent.objects.filter(actor=user, action__startswith="login.").order_by("-seq")[:5],
    }
    if user.has_permission(Permission.ORG_ORGANISATION_VIEW):
        orgs = Organisation.objects.visible_to(user)
        context["org_counts"] = [
            {"kind": row["kind"], "label": OrganisationKind(row["kind"]).label, "n": row["n"]}
            for row in orgs.values("kind").annotate(n=Count("id")).order_by("kind")
        ]
        context["recent_enterprises"] = orgs.filter(kind=OrganisationKind.ENTERPRISE).order_by("-created_at")[:RECENT]
    context["notifications"] = Notification.objects.for_user(user)[:RECENT]
    if user.has_permission(Permission.INTAKE_INFORMATION_VIEW):
        from riskgate.intake.models import RiskInformation, Status, Urgency

        open_statuses = [Status.RECEIVED, Status.UNDER_VERIFICATION, Status.VERIFIED, Status.REPORTED]
        items = RiskInformation.objects.visible_to(user).filter(status__in=open_statuses)
        counts = dict(items.values_list("status").annotate(n=Count("id")))
        context["intake_counts"] = [
            {"status": s, "label": Status(s).label, "n": counts.get(s, 0)} for s in open_statuses
        ]
        context["urgent_items"] = items.filter(urgency=Urgency.URGENT).order_by("-received_at")[:RECENT]
    if user.has_permission(Permission.ASSESSMENT_VIEW):
        context.update(_assessment_work(user))
    if user.has_permission(Permission.AUDIT_EVENT_VIEW):
        context["recent_events"] = AuditEvent.objects.visible_to(user).select_related("actor")[:RECENT]
        context["failed_logins_24h"] = (
            AuditEvent.objects.visible_to(user)
            .filter(
                action__in=["login.failed", "login.locked", "login.throttled"],
                at__gte=timezone.now() - dt.timedelta(hours=24),
            )
            .count()
        )
    if user.has_permission(Permission.ORG_USER_MANAGE):
        in_scope = User.objects.visible_to(user)
        context["locked_usernames"] = (
            AuditEvent.objects.filter(
                action="login.locked",
                at__gte=timezone.now() - dt.timedelta(hours=24),
                object_id__in=in_scope.values("username"),
            )
            .values("object_id")
            .annotate(n=Count("id"))
            .order_by("-n")[:RECENT]
        )
        context["users_without_totp"] = in_scope.filter(
            is_active=True, role__require_totp=True, totp_confirmed_at__isnull=True
        ).count()
    if user.has_permission(Permission.API_TOKEN_MANAGE):
        soon = timezone.now() + dt.timedelta(days=14)
        context["expiring_tokens"] = ApiToken.objects.visible_to(user).filter(
            revoked_at__isnull=True, expires_at__isnull=False, expires_at__lte=soon
        )[:RECENT]
    return render(request, "core/home.html", context)


def _assessment_work(user) -> dict:
    """The assessments in the user's scope by stage, the overdue ones, and what waits for this user."""
    from riskgate.assessment.models import OPEN_STATUSES, Status, Vote
    from riskgate.assessment.services import visible

    mine = visible(user)
    shown = [*OPEN_STATUSES, Status.SUBMITTED]
    counts = dict(mine.filter(status__in=shown).values_list("status").annotate(n=Count("id")))
    waiting = mine.none()
    if user.has_permission(Permission.ASSESSMENT_REQUEST):
        waiting = mine.filter(status=Status.SUBMITTED)
    if user.has_permission(Permission.ASSESSMENT_VOTE):
        waiting = waiting | mine.filter(status=Status.PANEL_REVIEW, panel__expert__user=user, panel__vote=Vote.PENDING)
    return {
        "assessment_counts": [{"status": s, "label": Status(s).label, "n": counts.get(s, 0)} for s in shown],
        "assessments_overdue": mine.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now()).count(),
        "assessments_waiting": waiting.distinct().order_by("due_at")[:RECENT],
    }


def _filtered_events(request):
    form = AuditFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    return form, queries.audit_events(request.user, **criteria).select_related("actor", "organisation")


@permission_required(Permission.AUDIT_EVENT_VIEW)
def audit_list(request):
    form, events = _filtered_events(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(
        actor=request.user,
        action="audit.viewed",
        object_type="core.auditevent",
        changes=audit.facts(filter=request.GET.dict()),
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/_audit_rows.html" if request.htmx else "core/audit_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value):
        return value


@permission_required(Permission.AUDIT_EVENT_EXPORT)
def audit_export(request):
    form, events = _filtered_events(request)
    audit.record(
        actor=request.user,
        action="audit.exported",
        object_type="core.auditevent",
        changes=audit.facts(filter=request.GET.dict()),
    )
    writer = csv.writer(_Echo())
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

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for e in events.order_by("seq").iterator(chunk_size=2000):
            yield writer.writerow(
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
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M%S}.csv"'
    return response


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
