"""Rapid-response measures (issue 7, part): the catalogue as data, orders from a warning with lead and
cooperating units, the control rules of measures that act at the border, progress and quantities from the
executing units only, lifting by the authority (rules retired) and automatically at the end of a set period
(frozen clock, idempotent) — with the denials."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from riskgate.core.models import AuditEvent, Notification
from riskgate.response.models import MeasureKind, MeasureOrder
from riskgate.response.queries import measures as queries
from riskgate.response.services import measures as services
from riskgate.targeting.models import ControlRule
from tests.warnings.factories import published

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _order(world, notice, code="ban", **changes):
    data = {
        "kind": MeasureKind.objects.get(code=code),
        "warning": notice,
        "target_kind": "product",
        "target": "锂离子移动电源 型号 PB-20000",
        "hs_codes": ["850760"],
        "instructions": "禁止进口涉事型号。",
        "lead_unit": world.org("xianyang-customs"),
        "cooperating_units": [world.org("sn-market-regulation")],
        "deadline": timezone.now() + dt.timedelta(days=10),
    }
    data.update(changes)
    return services.order_measure(world.user("xian"), **data)


def test_the_catalogue_holds_every_measure_kind_of_the_regulation(world):
    codes = set(MeasureKind.objects.values_list("code", flat=True))
    assert {
        "conditional-restriction",
        "ban",
        "seal-seize",
        "stop-sale",
        "return-shipment",
        "supervised-destruction",
        "notify-departments",
        "act-against-violators",
        "investigate-same-products",
        "stricter-inspection",
        "ordered-recall",
        "credit-downgrade",
        "traceability-investigation",
        "tightened-supervision",
        "exit-quality-guarantee",
    } <= codes
    ban = MeasureKind.objects.get(code="ban")
    assert (ban.mandatory, ban.binds, ban.creates_control_rules, ban.rule_action) == (True, "goods", True, "reject")
    assert MeasureKind.objects.get(code="supervised-destruction").quantity_kinds == ["destroyed"]


def test_a_ban_from_a_warning_creates_its_control_rule_and_notifies_the_units(
    world, django_capture_on_commit_callbacks
):
    notice, _approver = published(world)
    with django_capture_on_commit_callbacks(execute=True):
        order = _order(world, notice)
    assert order.reference == f"RM{order.pk:08d}" and order.status == "ordered"
    rule = order.control_rules.get()
    assert (rule.action, rule.hs_prefixes, rule.status) == ("reject", ["850760"], "active")
    assert AuditEvent.objects.filter(action="measure.ordered", object_id=str(order.pk)).exists()
    notified = set(Notification.objects.filter(kind="measure.ordered").values_list("organisation__code", flat=True))
    assert notified == {"xianyang-customs", "sn-market-regulation"}
    # The executing units see it in their queue; another bureau and enterprises do not.
    assert order in queries.visible(world.user("port"))  # Xianyang Customs is the lead unit
    assert order in queries.visible(world.user("partner"))  # the market regulator cooperates
    assert order not in queries.visible(world.user("harbin"))
    with pytest.raises(PermissionDenied):
        queries.visible(world.user("enterprise"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"warning": None}, "warning"),
        ({"target": " "}, "target"),
        ({"hs_codes": ["85x7"]}, "hs_codes"),
        ({"hs_codes": []}, "hs_codes"),  # a ban acts at the border: it needs goods to screen
        ({"deadline": NOW - dt.timedelta(days=1)}, "deadline"),
        ({"target_kind": "enterprise"}, "target_enterprise"),
        ({"lead_unit": "harbin-customs"}, "lead_unit"),
        ({"lead_unit": "ent-xian-trading"}, "lead_unit"),
    ],
)
def test_bad_orders_are_refused_at_their_field(world, changes, field):
    notice, _approver = published(world)
    if isinstance(changes.get("lead_unit"), str):
        changes["lead_unit"] = world.org(changes["lead_unit"])
    if "hs_codes" in changes and changes["hs_codes"] == []:
        notice.hs_codes = []
        notice.save(update_fields=["hs_codes"])
    with pytest.raises(ValidationError) as error:
        _order(world, notice, **changes)
    assert field in error.value.message_dict
    assert not MeasureOrder.objects.exists() and not ControlRule.objects.exists()


@pytest.mark.parametrize("username", ["port", "partner", "enterprise", "auditor", "assessor"])
def test_only_authorities_order_measures(world, username):
    notice, _approver = published(world)
    with pytest.raises(PermissionDenied):
        services.order_measure(
            world.user(username),
            kind=MeasureKind.objects.get(code="ban"),
            warning=notice,
            target_kind="product",
            target="x",
            instructions="x",
            hs_codes=["8507"],
            lead_unit=world.org("xianyang-customs"),
            deadline=NOW + dt.timedelta(days=1),
        )


def test_executing_units_report_progress_and_quantities(world):
    notice, _approver = published(world)
    order = _order(world, notice, code="supervised-destruction", hs_codes=[])
    port, partner = world.user("port"), world.user("partner")
    pdf = SimpleUploadedFile("销毁记录.pdf", b"%PDF-1.4 record", content_type="application/pdf")
    note = services.report_progress(port, order, text="已在海关监督下销毁 120 件。", evidence=pdf)
    assert (
        note.evidence_name == "销毁记录.pdf" and note.evidence.name.endswith(".pdf") and len(note.evidence_sha256) == 64
    )
    services.record_quantity(port, order, kind="destroyed", amount="120", unit="件")
    with pytest.raises(ValidationError) as error:
        services.record_quantity(port, order, kind="returned", amount="3", unit="件")  # not what this measure records
    assert "kind" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.record_quantity(port, order, kind="destroyed", amount="-1", unit="件")
    with pytest.raises(ValidationError):
        services.report_progress(port, order, text="伪造", evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00"))
    services.report_progress(partner, order, text="市场端已下架。")
    order.refresh_from_db()
    assert order.status == "in_progress" and order.notes.count() == 2 and order.quantities.get().unit == "件"
    with pytest.raises(PermissionDenied):  # Xi'an Customs decided it but does not execute it
        services.report_progress(world.user("harbin"), order, text="越权")
    with pytest.raises(PermissionDenied):
        services.record_quantity(world.user("enterprise"), order, kind="destroyed", amount=1, unit="件")


def test_the_authority_lifts_after_confirmation_and_the_rules_end(world):
    notice, _approver = published(world)
    order = _order(world, notice)
    rule = order.control_rules.get()
    with pytest.raises(PermissionDenied):
        services.lift(world.user("port"), order, reason="x", evaluation="x")  # executes, does not decide
    with pytest.raises(PermissionDenied):
        services.lift(world.user("harbin"), order, reason="x", evaluation="x")
    with pytest.raises(ValidationError) as error:
        services.lift(world.user("xian"), order, reason="风险已消除", evaluation="")
    assert "evaluation" in error.value.message_dict
    services.lift(world.user("xian"), order, reason="风险已消除", evaluation="技术中心评价：缺陷已消除。")
    order.refresh_from_db()
    assert (order.status, order.lift_mode, order.lifted_by.username) == ("lifted", "confirmation", "xian")
    assert ControlRule.objects.get(pk=rule.pk).status == "retired"
    with pytest.raises(ValidationError):
        services.lift(world.user("xian"), order, reason="again", evaluation="again")
    with pytest.raises(ValidationError):
        services.report_progress(world.user("port"), order, text="after lifting")


def test_a_measure_with_a_set_period_is_lifted_at_its_end(world):
    notice, _approver = published(world)
    with time_machine.travel(NOW, tick=False):
        order = _order(world, notice, period_ends_at=NOW + dt.timedelta(days=30), deadline=NOW + dt.timedelta(days=5))
        open_ended = _order(world, notice, code="stricter-inspection", period_ends_at=None)
        rule = order.control_rules.get()
        assert rule.valid_to == NOW + dt.timedelta(days=30)
    with time_machine.travel(NOW + dt.timedelta(days=30) - dt.timedelta(seconds=1), tick=False):
        assert services.lift_expired() == 0
    with time_machine.travel(NOW + dt.timedelta(days=30), tick=False):
        assert services.lift_expired() == 1
        assert services.lift_expired() == 0  # idempotent
    order.refresh_from_db()
    ended = NOW + dt.timedelta(days=30)
    assert (order.status, order.lift_mode, order.lifted_by, order.lifted_at) == ("lifted", "expiry", None, ended)
    assert ControlRule.objects.get(pk=rule.pk).status == "retired"
    assert MeasureOrder.objects.get(pk=open_ended.pk).status == "ordered"  # no period: waits for confirmation


def test_pages_and_api(world):
    notice, _approver = published(world)
    xian = world.client_for("xian")
    page = xian.get(f"/measures/new/?warning={notice.pk}").content.decode()
    assert notice.reference in page
    response = xian.post(
        "/measures/new/",
        {
            "warning": notice.pk,
            "kind": MeasureKind.objects.get(code="return-shipment").pk,
            "target_kind": "shipment",
            "target": "报关单 610120261201000123",
            "hs_codes": "850760",
            "instructions": "退运涉事货物。",
            "lead_unit": world.org("xianyang-customs").pk,
            "deadline": "2030-01-01T00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    order = MeasureOrder.objects.get()
    assert order.reference in xian.get(f"/warnings/manage/{notice.pk}/").content.decode()
    port = world.client_for("port")
    assert order.reference in port.get("/measures/?mine=on").content.decode()
    assert (
        port.post(f"/measures/{order.pk}/quantity/", {"kind": "returned", "amount": "2", "unit": "批"}).status_code
        == 302
    )
    bad = port.post(f"/measures/{order.pk}/quantity/", {"kind": "returned", "amount": "2", "unit": ""})
    assert bad.status_code == 400
    assert port.post(f"/measures/{order.pk}/lift/", {"reason": "x", "evaluation": "x"}).status_code == 403
    assert world.client_for("harbin").get(f"/measures/{order.pk}/").status_code == 404
    assert world.client_for("enterprise").get("/measures/").status_code == 403
    # API
    kinds = port.get("/api/v1/measure-kinds").json()
    assert "ban" in [k["code"] for k in kinds]
    body = port.get(f"/api/v1/measures/{order.pk}").json()
    assert body["quantities"][0]["unit"] == "批" and body["kind"] == "return-shipment"
    api_order = xian.post(
        "/api/v1/measures",
        {
            "kind": "stop-sale",
            "warning_id": notice.pk,
            "target_kind": "product",
            "target": "涉事型号",
            "instructions": "停止销售。",
            "lead_unit_id": world.org("xianyang-customs").pk,
            "cooperating_unit_ids": [world.org("sn-market-regulation").pk],
            "deadline": "2030-01-01T00:00:00Z",
        },
        content_type="application/json",
    )
    assert api_order.status_code == 201, api_order.content
    measure_id = api_order.json()["id"]
    progress = world.client_for("partner").post(
        f"/api/v1/measures/{measure_id}/progress", {"text": "已下架"}, content_type="application/json"
    )
    assert progress.status_code == 201 and progress.json()["status"] == "in_progress"
    lifted = xian.post(
        f"/api/v1/measures/{measure_id}/lift",
        {"reason": "已消除", "evaluation": "评价通过"},
        content_type="application/json",
    )
    assert lifted.status_code == 200 and lifted.json()["status"] == "lifted"
    assert world.client_for("harbin").get(f"/api/v1/measures/{measure_id}").status_code == 404


def test_the_demo_has_measures_at_every_stage(world):
    from riskgate.response.demo import load_demo_measures
    from riskgate.warnings.demo import load_demo_warnings

    load_demo_warnings()
    assert load_demo_measures() >= 2
    statuses = set(MeasureOrder.objects.values_list("status", flat=True))
    assert {"ordered", "in_progress"} <= statuses
    assert MeasureOrder.objects.exclude(period_ends_at=None).exists()  # a set period: lifted by the job at its end
    from riskgate.response.models import Obligation

    assert sorted(Obligation.objects.values_list("status", flat=True)) == ["awaiting_report", "implementing"]
    assert load_demo_measures() == 0


def test_an_action_answers_in_the_officers_language(world):
    """The page actions' messages are looked up per request (core.actions): an English page says them in English,
    a Chinese one in Chinese, whichever language the process started in."""
    from django.urls import reverse

    notice, _approver = published(world)
    order = _order(world, notice, code="supervised-destruction", hs_codes=[])
    url = reverse("response:act", args=[order.pk, "progress"])
    for language, expected in (("en", "Progress reported."), ("zh-hans", "已报告进展。")):
        client = world.client_for("port")
        client.cookies["django_language"] = language
        page = client.post(url, {"text": f"progress ({language})"}, follow=True)
        assert page.status_code == 200 and expected in page.content.decode()
