"""My pending work in rapid response (我的待办, issue 26): measures my unit executes, overdue measures, the
enterprise's reports and recall plans due, the reports an institution evaluates, and stalled recalls."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from riskgate.core.permissions import Permission
from riskgate.core.templatetags.riskgate import local_field, local_name
from riskgate.core.work import WorkGroup, WorkItem, group, present

from ..models import MeasureOrder, ObligationStatus, RecallStatus, Status
from . import measures, obligations, recalls


def _measure(order) -> WorkItem:
    return WorkItem(
        title=f"{order.reference} {local_name(order.kind)} · {order.target[:50]}",
        url=order.get_absolute_url(),
        due=order.deadline,
        detail=order.get_status_display(),
    )


def _obligation(obligation, *, due=True) -> WorkItem:
    return WorkItem(
        title=f"{obligation.reference} {local_field(obligation.warning, 'title')[:60]}",
        url=obligation.get_absolute_url(),
        due=obligation.report_due if due else None,
        since=None if due else obligation.created_at,
        detail=obligation.get_status_display(),
    )


def _recall(recall, *, since) -> WorkItem:
    return WorkItem(
        title=f"{recall.reference} {recall.product[:60]}",
        url=recall.get_absolute_url(),
        since=since,
        detail=recall.get_status_display(),
    )


def pending_work(user) -> list[WorkGroup]:
    groups = []
    listed = reverse("response:list")
    organisation = user.organisation
    if user.has_permission(Permission.RESPONSE_MEASURE_VIEW):
        seen = measures.visible(user).select_related("kind")
        if user.has_permission(Permission.RESPONSE_MEASURE_EXECUTE) and organisation is not None:
            # My unit's own (lead or cooperating): a unit below mine executes its own and sees them itself.
            ours = Q(lead_unit=organisation) | Q(cooperating_units=organisation)
            to_do = seen.filter(ours, implemented_at=None).exclude(status=Status.LIFTED).distinct()
            groups.append(group("response.execute", _("本单位待落实的措施"), to_do, listed, _measure, due="deadline"))
        # The deciding jurisdiction supervises: overdue measures decided in it (Art.26).
        decided = seen.filter(pk__in=MeasureOrder.objects.visible_to(user).values("pk"))
        groups.append(
            group(
                "response.overdue",
                _("本辖区逾期未落实的措施"),
                measures.overdue(decided),
                f"{listed}?overdue=on",
                _measure,
                due="deadline",
            )
        )
    if organisation is not None and user.has_permission(Permission.RESPONSE_OBLIGATION_FULFIL):
        own = obligations.visible(user).filter(enterprise=organisation).select_related("warning")
        groups += [
            group(
                "response.report_due",
                _("待提交的消减报告"),
                own.filter(status=ObligationStatus.AWAITING_REPORT),
                reverse("response:obligations"),
                _obligation,
                due="report_due",
            ),
            group(
                "response.implementing",
                _("实施中的消减措施（报告进展、申请解除）"),
                own.filter(status=ObligationStatus.IMPLEMENTING),
                reverse("response:obligations"),
                lambda o: _obligation(o, due=False),
                order=("created_at", "pk"),
            ),
            group(
                "response.recall_plan",
                _("待报送的召回计划"),
                recalls.visible(user).filter(enterprise=organisation, status=RecallStatus.AWAITING_PLAN),
                reverse("response:recalls"),
                lambda r: _recall(r, since=r.created_at),
                order=("created_at", "pk"),
            ),
        ]
    if organisation is not None and user.has_permission(Permission.RESPONSE_OBLIGATION_EVALUATE):
        to_evaluate = obligations.visible(user).filter(
            institution=organisation,
            status__in=[ObligationStatus.UNDER_EVALUATION, ObligationStatus.LIFTING_APPLIED],
        )
        groups.append(
            group(
                "response.evaluate",
                _("待评估的消减报告"),
                to_evaluate.select_related("warning"),
                reverse("response:obligations"),
                lambda o: _obligation(o, due=False),
                order=("created_at", "pk"),
            )
        )
    if user.has_permission(Permission.RESPONSE_RECALL_MANAGE):
        stalled = recalls.visible(user).exclude(status=RecallStatus.COMPLETED).exclude(stalled_at=None)
        groups.append(
            group(
                "response.stalled",
                _("未达目标的召回"),
                stalled,
                reverse("response:recalls"),
                lambda r: _recall(r, since=r.stalled_at),
                order=("stalled_at", "pk"),
            )
        )
    return present(*groups)
