"""The credit grade becomes computed (docs/decisions/0020-credit-grade.md): the starting event types, the credit
permissions on the default roles, and every grade set by hand until now kept as an override in force (so that no
enterprise's grade moves when the computation takes over)."""

from django.db import migrations

from riskgate.accounts.roles import ensure_default_roles, grant_to_default_roles
from riskgate.credit.catalogue import ensure_event_types

PERMISSIONS = {"credit:record:view", "credit:record:manage"}


def forwards(apps, schema_editor):
    EventType = apps.get_model("credit", "EventType")
    ensure_event_types(EventType)
    CreditEvent = apps.get_model("credit", "CreditEvent")
    known = set(EventType.objects.values_list("code", flat=True))
    for kind in set(CreditEvent.objects.values_list("kind", flat=True)) - known:
        EventType.objects.create(code=kind, name=kind, name_en=kind, points=0)  # kept, without effect
    Role = apps.get_model("accounts", "Role")
    ensure_default_roles(Role)
    grant_to_default_roles(Role, PERMISSIONS)
    CreditRecord = apps.get_model("credit", "CreditRecord")
    GradeOverride = apps.get_model("credit", "GradeOverride")
    for record in CreditRecord.objects.exclude(grade="regular"):
        override = GradeOverride.objects.create(
            enterprise_id=record.enterprise_id,
            grade=record.grade,
            reason="此前人工认定的等级（信用等级改为由信用事件计算时保留）",
            status="in_force",
            decided_at=record.graded_at,
        )
        record.override = override
        record.computed_grade = "regular"
        record.save(update_fields=["override", "computed_grade"])


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_grade_model"), ("accounts", "0006_api_token_account")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
