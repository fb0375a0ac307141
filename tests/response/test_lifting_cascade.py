"""Lifting a warning lifts what rests on it (issue 25 item 2, Art.24–25), in one transaction and one audit trail:
its measures with their control rules and the responsible parties' obligations; the jobs then remind, escalate
and record overdue credit events for none of them."""

import datetime as dt

import time_machine
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.credit.models import CreditEvent
from riskgate.response.models import MeasureKind, MeasureOrder, Obligation
from riskgate.response.services import lifting, measures, obligations
from riskgate.targeting.models import ControlRule
from riskgate.warnings.models import WarningNotice
from tests.response.factories import impose
from tests.warnings.factories import published

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _measure(world, notice, code):
    return measures.order_measure(
        world.user("xian"),
        kind=MeasureKind.objects.get(code=code),
        warning=notice,
        target_kind="product",
        target="锂离子移动电源 型号 PB-20000",
        hs_codes=["850760"],
        instructions="按预警要求处置。",
        lead_unit=world.org("xianyang-customs"),
        cooperating_units=[],
        deadline=timezone.now() + dt.timedelta(days=2),
    )


def test_lifting_a_warning_lifts_its_measures_obligations_and_rules_and_the_jobs_fall_silent(world):
    with time_machine.travel(NOW, tick=False):
        notice, approver = published(world)
        ban = _measure(world, notice, "ban")
        destruction = _measure(world, notice, "supervised-destruction")
        obligation = impose(world, notice, due=NOW + dt.timedelta(days=1))
        rules = list(ban.control_rules.all())
        assert rules and all(rule.status == "active" for rule in rules)
    with time_machine.travel(NOW + dt.timedelta(hours=6), tick=False):
        cancel = lifting.lift_warning(approver, notice, reason="风险已消除")
    for order in (ban, destruction):
        order.refresh_from_db()
        assert (order.status, order.lift_mode) == ("lifted", "warning")
        assert cancel.reference in order.lift_reason
    assert all(rule.status != "active" for rule in ControlRule.objects.filter(pk__in=[r.pk for r in rules]))
    obligation.refresh_from_db()
    assert obligation.status == "lifted" and obligation.lifted_at == NOW + dt.timedelta(hours=6)
    trail = set(AuditEvent.objects.filter(reason__contains=cancel.reference).values_list("action", flat=True))
    assert {"measure.lifted", "obligation.lifted"} <= trail
    with time_machine.travel(NOW + dt.timedelta(days=5), tick=False):  # past every deadline
        assert measures.watch_deadlines() == {"reminded": 0, "overdue": 0}
        assert obligations.escalate() == {"reminded": 0, "overdue": 0}
    assert not CreditEvent.objects.filter(source=f"obligation:{obligation.reference}").exists()


def test_a_warning_lifted_at_expiry_ends_what_rests_on_it_too(world):
    with time_machine.travel(NOW, tick=False):
        notice, _approver = published(world)
        order = _measure(world, notice, "ban")
        obligation = impose(world, notice)
        valid_until = NOW + dt.timedelta(days=1)
        WarningNotice.objects.filter(pk=notice.pk).update(valid_until=valid_until)
    with time_machine.travel(valid_until + dt.timedelta(minutes=1), tick=False):
        assert lifting.lift_expired_warnings() == 1
    assert MeasureOrder.objects.get(pk=order.pk).status == "lifted"
    assert Obligation.objects.get(pk=obligation.pk).status == "lifted"
