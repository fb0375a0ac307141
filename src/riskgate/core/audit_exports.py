"""The audit trail as a CSV for auditors (core.exports): the filtered events in chain order, with their hashes,
so that a copy can be checked against the chain."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import audit, queries
from .exports import ExportKind, register
from .forms import AuditFilterForm
from .permissions import Permission
from .principal import Principal

HEADER = ["seq", "at", "actor", "organisation", "action", "object_type", "object_id", "object", "changes", "ip",
          "reason", "hash"]  # fmt: skip


def events(principal: Principal, query: QueryDict):
    form = AuditFilterForm(query or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    return queries.audit_events(principal, **criteria).select_related("actor", "organisation").order_by("seq")


def rows(principal: Principal, query: QueryDict):
    found = events(principal, query)
    return found.count(), (
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
        for e in found.iterator(chunk_size=2000)
    )


register(
    ExportKind(
        name="core.audit",
        label=_("审计日志"),
        permission=Permission.AUDIT_EVENT_EXPORT,
        audit_action="audit.exported",
        filename="audit",
        header=lambda: list(HEADER),
        rows=rows,
        back="core:audit_list",
    )
)
