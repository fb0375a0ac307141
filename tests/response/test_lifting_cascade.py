"""Lifting a warning lifts what rests on it (issue 25 item 2, Art.24–25), in one transaction and one audit trail:
its measures with their control rules and the responsible parties' obligations; the jobs then remind, escalate
and record overdue credit events for none of them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riskgate.core.models import AuditEvent
from riskgate.credit.models import CreditEvent
from riskgate.response.models import MeasureKind, MeasureOrder, Obligation
from riskgate.response.services import lifting, measures, obligations
from riskgate.targeting.models import ControlRule
from riskgate.warnings import services
from riskgate.warnings.models import WarningNotice
from tests.response.factories import eliminated, impose
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


def test_lifting_is_refused_until_its_conditions_hold_then_lifts_what_rests_on_it_in_one_action(world):
    with time_machine.travel(NOW, tick=False):
        notice, approver = published(world)
        ban = _measure(world, notice, "ban")  # mandatory, with a control rule
        trace = _measure(world, notice, "traceability-investigation")  # not mandatory, with a control rule
        stop = _measure(world, notice, "stop-sale")  # mandatory
        obligation = impose(world, notice, due=NOW + dt.timedelta(days=1))
        ban_rules, trace_rules = list(ban.control_rules.all()), list(trace.control_rules.all())
        assert ban_rules and trace_rules
    with time_machine.travel(NOW + dt.timedelta(hours=6), tick=False):
        with pytest.raises(ValidationError) as refused:
            lifting.lift_warning(approver, notice, reason="风险已消除")
        said = " ".join(refused.value.messages)
        for expected in (ban.reference, stop.reference, obligation.reference, "尚未评估预警效果"):
            assert expected in said
        assert trace.reference not in said, "a measure that is not mandatory is no condition"
        # The conditions come to hold: the ban is lifted by hand, the stop-sale continues with a reason, the
        # institution confirms the party's defect-elimination report, the evaluation recommends lifting.
        measures.lift(approver_of(world), ban, reason="口岸已无在途货物", evaluation="技术中心：风险已消除")
        eliminated(world, obligation)
        services.evaluate(
            world.user("warning"), notice, measures_done="召回完成", new_incidents=0, recommendation="keep"
        )
        with pytest.raises(ValidationError, match="须建议解除"):
            lifting.lift_warning(approver, notice, reason="风险已消除", continued={stop.pk: "库存仍在清点"})
        services.evaluate(
            world.user("warning"), notice, measures_done="召回完成", new_incidents=0, recommendation="lift"
        )
        with pytest.raises(ValidationError, match=stop.reference):
            lifting.lift_warning(approver, notice, reason="风险已消除", continued={stop.pk: "  "})
        assert all(c.met for c in lifting.conditions(notice, continued={stop.pk: "库存仍在清点"}))
        cancel = lifting.lift_warning(approver, notice, reason="风险已消除", continued={stop.pk: "库存仍在清点"})
    trace.refresh_from_db()
    assert (trace.status, trace.lift_mode) == ("lifted", "warning") and cancel.reference in trace.lift_reason
    assert all(rule.status != "active" for rule in ControlRule.objects.filter(pk__in=[r.pk for r in trace_rules]))
    stop.refresh_from_db()
    assert stop.status != "lifted" and stop.continued_reason == "库存仍在清点"
    obligation.refresh_from_db()
    assert obligation.status == "lifted" and obligation.lifted_at == NOW + dt.timedelta(hours=6)
    trail = set(AuditEvent.objects.filter(reason__contains=cancel.reference).values_list("action", flat=True))
    assert {"measure.lifted", "obligation.lifted"} <= trail
    assert AuditEvent.objects.filter(action="measure.continued", reason="库存仍在清点").count() == 1
    with time_machine.travel(NOW + dt.timedelta(days=5), tick=False):  # past every deadline
        assert measures.watch_deadlines()["overdue"] == 1, "only the measure continued on purpose is still watched"
        assert MeasureOrder.objects.get(pk=trace.pk).overdue_at is None
        assert obligations.escalate() == {"reminded": 0, "overdue": 0}
    assert not CreditEvent.objects.filter(source=f"obligation:{obligation.reference}").exists()


def test_the_lifting_page_lists_the_conditions_and_lifts(world):
    notice, approver = published(world)
    stop = _measure(world, notice, "stop-sale")
    office = Client()
    office.force_login(approver, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("response:lift_warning", args=[notice.pk])
    page = office.get(url).content.decode()
    assert stop.reference in page and f'name="continue-{stop.pk}"' in page and "尚未评估预警效果" in page
    refused = office.post(url, {"reason": "风险已消除", f"continue-{stop.pk}": ""})
    assert refused.status_code == 400 and "解除条件尚未满足" in refused.content.decode()
    assert WarningNotice.objects.get(pk=notice.pk).status == "published"
    # The evaluation recommending lifting leads straight to this page.
    evaluated = world.client_for("warning").post(
        reverse("warnings:act", args=[notice.pk, "evaluate"]),
        {"measures_done": "召回完成", "new_incidents": "0", "recommendation": "lift", "note": ""},
    )
    assert evaluated["Location"] == url
    # A reader without the approval permission sees the conditions but cannot lift.
    assert world.client_for("port_officer").post(url, {"reason": "x"}).status_code in (403, 404)
    done = office.post(url, {"reason": "风险已消除", f"continue-{stop.pk}": "门店库存仍在清点"})
    cancel = WarningNotice.objects.get(lineage_id=notice.lineage_id, change="lifted")
    assert done.status_code == 302 and done["Location"] == reverse("warnings:manage", args=[cancel.pk])


def approver_of(world):
    return world.user("xian")


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
