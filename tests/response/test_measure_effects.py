"""Measure kinds have their effects (issue 25 item 4, Art.22): one test per kind — an ordered recall opens its
recall case, a credit downgrade writes a credit event and changes the grade (and the border's factor),
notifying departments delivers with read receipts, an investigation retro-screens its scope over its period,
and the kinds that close only with their evidence refuse to close without it."""

import datetime as dt
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from riskgate.accounts.models import Organisation
from riskgate.core.models import AuditEvent
from riskgate.credit.models import CreditEvent, GradeChange
from riskgate.credit.queries import grade_of
from riskgate.response.models import MeasureKind, Recall
from riskgate.response.services import measures, recalls
from riskgate.targeting import live
from riskgate.targeting import services as targeting
from riskgate.targeting.models import InspectionTask, PortOffice, RetroScreening, ScreeningDecision
from riskgate.targeting.services import retro as history
from riskgate.targeting.services import screening, supervision
from tests.targeting.test_tasks import BATTERIES, ITEM
from tests.warnings.factories import published


def order(world, notice, code, **changes):
    data = {
        "kind": MeasureKind.objects.get(code=code),
        "warning": notice,
        "target_kind": "enterprise",
        "target": "西安进出口贸易有限公司 涉事移动电源",
        "target_enterprise": world.org("ent-xian-trading"),
        "hs_codes": ["850760"],
        "instructions": "依据预警采取措施。",
        "lead_unit": world.org("xianyang-customs"),
        "cooperating_units": [],
        "deadline": timezone.now() + dt.timedelta(days=10),
    }
    data.update(changes)
    return measures.order_measure(world.user("xian"), **data)


def test_an_ordered_recall_opens_its_recall_case_awaiting_the_plan(world):
    notice, _approver = published(world)
    with pytest.raises(ValidationError, match="召回实施者"):
        order(world, notice, "ordered-recall", target_kind="product", target_enterprise=None)
    assert not Recall.objects.exists(), "nothing half-written"
    ordered = order(world, notice, "ordered-recall")
    recall = Recall.objects.get(measure=ordered)
    assert (recall.kind, recall.status, recall.enterprise, recall.warning) == (
        "ordered",
        "awaiting_plan",
        world.org("ent-xian-trading"),
        notice,
    )
    with pytest.raises(ValidationError, match="召回计划"):
        recalls.report_progress(world.user("enterprise"), recall, as_of=timezone.localdate(), units_corrected=1)
    # The enterprise enters its plan on the recall page; then progress runs as for any recall.
    enterprise = world.client_for("enterprise")
    url = reverse("response:recall_act", args=[recall.pk, "plan"])
    plan = {
        "affected_units": "1200",
        "affected_range": "批次 2026-08",
        "distribution": "陕西",
        "remedies": ["replace"],
        "communication_plan": "短信和门店公告",
        "brand": "",
        "model": "",
    }
    assert enterprise.post(url, {**plan, "remedies": []}).status_code == 400
    assert enterprise.post(url, plan).status_code == 302
    recall.refresh_from_db()
    assert (recall.status, recall.affected_units) == ("in_progress", 1200)
    recalls.report_progress(world.user("enterprise"), recall, as_of=timezone.localdate(), units_corrected=600)
    assert AuditEvent.objects.filter(action="measure.recall_opened", object_id=str(ordered.pk)).exists()


def test_a_credit_downgrade_writes_a_credit_event_and_the_border_applies_the_new_factor(world):
    notice, _approver = published(world)
    supervision.change_policy(
        world.user("warning"),
        {"random_rate": 0.0, "min_random_rate": 0.0, "grade_factors": {"advanced": 0.2, "regular": 1, "dishonest": 3}},
        reason="试行",
    )
    targeting.issue(world.user("xian"), {**BATTERIES, "action": "sample", "sampling_rate": 0.3})
    enterprise = world.org("ent-xian-trading")
    live.reset()
    screening.screen(world.user("port"), [{**ITEM, "declaration_id": "C1"}], one_declaration=False)
    assert ScreeningDecision.objects.get(declaration_id="C1").factor == 1.0
    assert grade_of(enterprise) == "regular"
    ordered = order(world, notice, "credit-downgrade")
    assert grade_of(enterprise) == "dishonest"
    event = CreditEvent.objects.get(source=f"measure:{ordered.reference}")
    assert (event.kind, event.enterprise) == ("measure_credit_downgrade", enterprise)
    assert GradeChange.objects.get(enterprise=enterprise).after == "dishonest"
    live._state["checked"] = float("-inf")  # as if the engines' poll interval had passed
    screening.screen(world.user("port"), [{**ITEM, "declaration_id": "C2"}], one_declaration=False)
    assert ScreeningDecision.objects.get(declaration_id="C2").factor == 3.0
    # A second downgrade of a dishonest enterprise records its event and leaves the grade.
    again = order(world, notice, "credit-downgrade")
    assert CreditEvent.objects.filter(source=f"measure:{again.reference}").exists()
    assert GradeChange.objects.filter(enterprise=enterprise).count() == 1


@pytest.mark.parametrize("code", ["act-against-violators", "exit-quality-guarantee"])
def test_a_measure_that_closes_with_its_evidence_refuses_to_close_without_it(world, code):
    notice, _approver = published(world)
    ordered = order(world, notice, code)
    assert ordered.kind.evidence_required and ordered.kind.closing_evidence
    lead = world.user("port")  # Xianyang Customs, the lead unit
    with pytest.raises(ValidationError, match="证据文件"):
        measures.report_progress(lead, ordered, text="已完成", implemented=True)
    with pytest.raises(ValidationError, match="报告落实完毕后才能解除"):
        measures.lift(world.user("xian"), ordered, reason="完成", evaluation="已核查")
    measures.report_progress(lead, ordered, text="查封中")  # progress needs no file
    record = SimpleUploadedFile("查封决定书.pdf", b"%PDF-1.4 decision", content_type="application/pdf")
    measures.report_progress(lead, ordered, text="已完成", implemented=True, evidence=record)
    ordered.refresh_from_db()
    assert ordered.implemented_at is not None
    measures.lift(world.user("xian"), ordered, reason="完成", evaluation="已核查证据")
    page = Client()
    page.force_login(world.user("xian"), backend="django.contrib.auth.backends.ModelBackend")
    assert ordered.kind.closing_evidence in page.get(reverse("response:detail", args=[ordered.pk])).content.decode()


def test_notifying_departments_delivers_to_their_measures_with_read_receipts(world):
    notice, _approver = published(world)
    ordered = order(
        world,
        notice,
        "notify-departments",
        target_kind="product",
        target_enterprise=None,
        cooperating_units=[world.org("sn-market-regulation")],
    )
    receipts = dict(ordered.deliveries.values_list("organisation__code", "read_at"))
    assert receipts == {"xianyang-customs": None, "sn-market-regulation": None}
    partner = world.client_for("partner_officer")  # 陕西省市场监督管理局
    page = partner.get(reverse("response:detail", args=[ordered.pk])).content.decode()
    assert (
        'hx-trigger="load"' in page
        and ordered.deliveries.get(organisation__code="sn-market-regulation").read_at is None
    )
    shown = partner.post(reverse("response:read", args=[ordered.pk]), HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and 'id="deliveries-box"' in shown.content.decode()
    first = ordered.deliveries.get(organisation__code="sn-market-regulation")
    assert first.read_by == world.user("partner") and first.read_at is not None
    partner.post(reverse("response:read", args=[ordered.pk]))
    assert ordered.deliveries.get(organisation__code="sn-market-regulation").read_at == first.read_at, "once"
    world.client_for("bureau_officer").post(reverse("response:read", args=[ordered.pk]))  # sees it, not a recipient
    assert ordered.deliveries.filter(read_at__isnull=False).count() == 1
    office = world.client_for("bureau_officer").get(reverse("response:detail", args=[ordered.pk])).content.decode()
    assert "已阅读" in office and "未读" in office
    assert world.client_for("harbin").post(reverse("response:read", args=[ordered.pk])).status_code == 404


def test_an_investigation_retro_screens_its_scope_over_its_period(world, django_capture_on_commit_callbacks):
    """The same products over a past period: the history of that period is retro-screened with the scope (HS
    codes, the warning's origins), follow-up tasks open at the ports; the scope never screens live."""
    shutil.rmtree(history.directory(), ignore_errors=True)
    PortOffice.objects.create(code="CNXIY", organisation=Organisation.objects.get(code="xian-airport-port"))
    supervision.change_policy(world.user("warning"), {"random_rate": 0, "min_random_rate": 0}, reason="测试")
    live.reset()
    screening.screen(
        world.user("port"), [{**ITEM, "declaration_id": f"V{n}"} for n in range(12)], one_declaration=False
    )
    assert history.export() == 12
    notice, _approver = published(world, {"hs_codes": ["8507"], "origin_countries": ["CN"]})
    scope = {"target_kind": "product", "target_enterprise": None, "hs_codes": ["850760"]}
    with pytest.raises(ValidationError, match="调查期间"):
        order(world, notice, "investigate-same-products", **scope)
    with django_capture_on_commit_callbacks(execute=True):
        ordered = order(
            world,
            notice,
            "investigate-same-products",
            investigation=(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
            **scope,
        )
    rule = ordered.control_rules.get()
    assert (rule.status, rule.hs_prefixes, rule.origin_countries) == ("investigation", ["850760"], ["CN"])
    retro = RetroScreening.objects.get(rule=rule)
    assert (retro.status, retro.matches, retro.tasks_opened) == ("done", 12, 12)
    assert InspectionTask.objects.filter(found_by=rule, kind="retro").count() == 12
    # Another period finds nothing of those declarations (30 November 2026, Beijing time).
    with django_capture_on_commit_callbacks(execute=True):
        earlier = order(
            world,
            notice,
            "investigate-same-products",
            investigation=(dt.date(2026, 10, 1), dt.date(2026, 11, 29)),
            **scope,
        )
    assert RetroScreening.objects.get(rule=earlier.control_rules.get()).matches == 0
    # The scope never screens live: a new declaration raises no hit from it.
    live.reset()
    screening.screen(world.user("port"), [{**ITEM, "declaration_id": "V99"}], one_declaration=False)
    assert not InspectionTask.objects.filter(declaration_id="V99", found_by=rule).exists()
    page = world.client_for("bureau_officer").get(reverse("response:detail", args=[ordered.pk])).content.decode()
    assert "2026-11-01 — 2026-11-30" in page and "命中 12 项" in page
