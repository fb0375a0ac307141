"""The one writer of credit grades (audited, with its history), and the recording of credit events."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person

from .models import CreditEvent, CreditGrade, CreditRecord, GradeChange


@transaction.atomic
def set_grade(principal: Principal, enterprise: Organisation, grade: str, *, reason: str) -> CreditRecord:
    """Change an enterprise of the principal's jurisdiction to `grade`, with a reason; audited and kept in the
    grade's history. Readers of grades (the screening engine) see the change through queries.version()."""
    require(principal, Permission.TARGETING_POLICY_MANAGE)
    enterprise = Organisation.objects.visible_to(principal).filter(pk=enterprise.pk).first()
    if enterprise is None or enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("enterprise", _("该企业不存在或不在您的辖区内。"))
    if grade not in CreditGrade.values:
        raise field_error("grade", _("未知的信用等级。"))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请说明调整的理由。"))
    record, _created = CreditRecord.objects.select_for_update().get_or_create(enterprise=enterprise)
    if grade == record.grade:
        raise field_error("grade", _("该企业已是此信用等级。"))
    return _change(principal, record, grade, reason)


# A downgrade moves an enterprise one grade down (a dishonest enterprise stays dishonest).
LOWER = {CreditGrade.ADVANCED: CreditGrade.REGULAR, CreditGrade.REGULAR: CreditGrade.DISHONEST}


@transaction.atomic
def downgrade(principal: Principal, enterprise: Organisation, *, source: str, reason: str, occurred_at=None) -> str:
    """The effect of a "credit downgrade" rapid-response measure (Art.22), which the caller has authorised: a
    credit event for the enterprise's record (once per source) and its grade one step down, audited and in the
    grade's history — so the border's supervision factor follows. Returns the grade after."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise field_error("target_enterprise", _("信用降级的对象须为企业。"))
    record_event(
        enterprise=enterprise,
        kind="measure_credit_downgrade",
        source=source,
        detail=reason,
        occurred_at=occurred_at or timezone.now(),
    )
    record, _created = CreditRecord.objects.select_for_update().get_or_create(enterprise=enterprise)
    lower = LOWER.get(record.grade)
    if lower is None:
        return record.grade
    return _change(principal, record, lower, reason).grade


def _change(principal: Principal, record: CreditRecord, grade: str, reason: str) -> CreditRecord:
    enterprise = record.enterprise
    before = record.grade
    record.grade, record.graded_at = grade, timezone.now()
    record.save(update_fields=["grade", "graded_at"])
    GradeChange.objects.create(
        enterprise=enterprise, before=before, after=grade, reason=reason, changed_by=person(principal)
    )
    audit.record(
        actor=principal,
        action="organisation.credit_grade_changed",
        obj=enterprise,
        changes={"credit_grade": [before, grade]},
        reason=reason,
        organisation_id=enterprise.pk,
    )
    return record


def record_event(*, enterprise: Organisation, kind: str, source: str, detail: str, occurred_at) -> bool:
    """A fact for the enterprise's credit record, once per (kind, source): True if it is new."""
    _event, created = CreditEvent.objects.get_or_create(
        kind=kind, source=source, defaults={"enterprise": enterprise, "occurred_at": occurred_at, "detail": detail}
    )
    return created
