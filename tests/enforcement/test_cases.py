"""Enforcement cases (R-ENF-1, R-USE-6): interviews with minutes and follow-up deadlines, joint supervision of major
cases, penalty cases (credit events, publication, typical cases, compulsory market exit), anti-counterfeiting
campaigns with targets and results, quality benchmarks and publicity events — each read only where it belongs."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from riskgate.core.models import AuditEvent, Notification
from riskgate.credit.models import CreditEvent
from riskgate.credit.queries import grade_of
from riskgate.enforcement import queries, services
from riskgate.enforcement.models import CaseTransfer, Commitment, InterviewStatus, PenaltyCase, SupervisionStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _interview(world, user="xian", enterprise="ent-xian-trading"):
    return services.schedule_interview(
        world.user(user),
        {
            "subject": "enterprise",
            "enterprise": world.org(enterprise),
            "reason": "连续两批次儿童玩具邻苯二甲酸酯超标",
            "scheduled_at": timezone.now() + dt.timedelta(days=2),
            "place": "西安海关 3 楼会议室",
        },
    )


def _penalty(world, number="西关缉违字〔2026〕12号", penalties=("warning", "fine"), serious=False, **extra):
    return services.record_penalty(
        world.user("xian"),
        {
            "enterprise": world.org("ent-xian-trading"),
            "document_number": number,
            "decided_on": TODAY - dt.timedelta(days=1),
            "facts": "进口儿童玩具未经检验擅自销售。",
            "legal_basis": "《进出口商品检验法》第三十三条",
            "penalties": list(penalties),
            "fine_yuan": 50000 if "fine" in penalties else 0,
            "serious": serious,
            **extra,
        },
    )


def test_an_interview_is_held_its_commitments_followed_and_the_overdue_one_is_work(world, client):
    interview = _interview(world)
    with pytest.raises(ValidationError, match="纪要记录后"):
        services.close_interview(world.user("xian"), interview, {"conclusion": "x"})
    with pytest.raises(ValidationError, match="不能晚于现在"):
        services.record_minutes(
            world.user("xian"),
            interview,
            {"held_at": timezone.now() + dt.timedelta(hours=1), "attendees": "a", "minutes": "m"},
        )
    held = timezone.now() - dt.timedelta(days=10)
    services.record_minutes(
        world.user("xian"), interview, {"held_at": held, "attendees": "企业法人、质量负责人", "minutes": "企业承认问题"}
    )
    late = services.add_commitment(
        world.user("xian"), interview, {"action": "召回在售批次", "due": held.date() + dt.timedelta(days=3)}
    )
    on_time = services.add_commitment(
        world.user("xian"), interview, {"action": "建立供应商检测制度", "due": TODAY + dt.timedelta(days=30)}
    )
    with pytest.raises(ValidationError, match="早于约谈日期"):
        services.add_commitment(
            world.user("xian"), interview, {"action": "x", "due": held.date() - dt.timedelta(days=1)}
        )
    assert late.overdue and not on_time.overdue
    groups = {g.key: g for g in queries.case_work(world.user("xian"))}
    assert [i.title for i in groups["enforcement.commitments"].items] == [f"{interview.reference} · 召回在售批次"]
    assert "enforcement.commitments" not in {g.key for g in queries.case_work(world.user("harbin"))}

    services.fulfil_commitment(world.user("xian"), interview, {"commitment": late.pk, "fulfilment": "已召回 120 件"})
    with pytest.raises(ValidationError, match="已确认完成"):
        services.fulfil_commitment(world.user("xian"), interview, {"commitment": late.pk, "fulfilment": "again"})
    assert "enforcement.commitments" not in {g.key for g in queries.case_work(world.user("xian"))}
    services.close_interview(world.user("xian"), interview, {"conclusion": "余下事项转日常监管"})
    interview.refresh_from_db()
    assert interview.status == InterviewStatus.CLOSED
    closed = AuditEvent.objects.get(action="interview.closed")
    assert closed.changes == {"unfulfilled": 1}
    # The commitment left unfulfilled is a failed duty in the enterprise's credit record; the fulfilled one is not.
    failed = CreditEvent.objects.get(kind="commitment_unfulfilled")
    assert (failed.enterprise, failed.source) == (interview.enterprise, f"commitment:{on_time.pk}")

    # The enterprise reads its interview (minutes and commitments) and cannot act on it; another bureau sees nothing.
    own = world.client_for("enterprise").get(f"/enforcement/interviews/{interview.pk}/")
    assert own.status_code == 200 and "企业承认问题" in own.text and "召回在售批次" in own.text
    assert (
        world.client_for("enterprise")
        .post(f"/enforcement/interviews/{interview.pk}/fulfil/", {"commitment": on_time.pk, "fulfilment": "x"})
        .status_code
        == 403
    )
    assert world.client_for("harbin").get(f"/enforcement/interviews/{interview.pk}/").status_code == 404
    assert Commitment.objects.get(pk=on_time.pk).fulfilled_at is None


def test_interview_pages_take_what_a_browser_posts(world):
    client = world.client_for("xian")
    blank = client.post(
        "/enforcement/interviews/new/",
        {
            "subject": "enterprise",
            "enterprise": "",
            "government": "",
            "reason": "r",
            "scheduled_at": "2026-12-20T09:30",
            "place": "p",
        },
    )
    assert blank.status_code == 400 and "请选择企业" in blank.text
    government = client.post(
        "/enforcement/interviews/new/",
        {"subject": "government", "enterprise": "", "government": "某县人民政府", "reason": "辖区假冒伪劣多发",
         "scheduled_at": "2026-12-20T09:30", "place": "西安海关"},
    )  # fmt: skip
    assert government.status_code == 302
    interview = queries.interviews(world.user("xian")).get(government="某县人民政府")
    minutes = client.post(
        f"/enforcement/interviews/{interview.pk}/minutes/",
        {"held_at": "2026-12-01T10:00", "attendees": "县长", "minutes": "承诺开展专项整治"},
    )
    assert minutes.status_code == 302
    empty = client.post(f"/enforcement/interviews/{interview.pk}/commitment/", {"action": "", "due": ""})
    assert empty.status_code == 400
    assert (
        client.post(
            f"/enforcement/interviews/{interview.pk}/commitment/", {"action": "报告整治结果", "due": "2026-12-31"}
        ).status_code
        == 302
    )
    assert "报告整治结果" in client.get(f"/enforcement/interviews/{interview.pk}/").text


def test_a_supervised_case_is_reported_by_the_unit_and_closed_by_the_supervisor_only(world):
    with pytest.raises(ValidationError, match="下属"):
        services.open_supervision(
            world.user("xian"),
            {
                "supervised": world.org("harbin-customs"),
                "title": "t",
                "facts": "f",
                "deadline": TODAY + dt.timedelta(days=30),
            },
        )
    case = services.open_supervision(
        world.user("warning"),
        {"supervised": world.org("xian-customs"), "partners": "陕西省公安厅", "title": "假冒品牌汽车配件案",
         "facts": "涉案货值 300 万元", "deadline": TODAY + dt.timedelta(days=30),
         "enterprise": world.org("ent-xian-trading")},
    )  # fmt: skip
    assert queries.supervised_case_or_none(world.user("xian"), case.pk) == case
    assert queries.supervised_case_or_none(world.user("harbin"), case.pk) is None
    assert [g.key for g in queries.case_work(world.user("xian")) if g.key == "enforcement.supervised"]
    with pytest.raises(ValidationError, match="尚未报告"):
        services.close_supervision(world.user("warning"), case, {"conclusion": "x"})
    with pytest.raises(PermissionDenied):
        services.report_progress(world.user("harbin"), case, {"text": "x"})
    services.report_progress(world.user("xian"), case, {"text": "已立案，查扣货物 2 批"})
    with pytest.raises(PermissionDenied):  # the unit handling it does not close its own case
        services.close_supervision(world.user("xian"), case, {"conclusion": "x"})
    refused = world.client_for("xian").post(f"/enforcement/supervision/{case.pk}/close/", {"conclusion": "x"})
    assert refused.status_code == 403
    services.close_supervision(world.user("warning"), case, {"conclusion": "已移送公安，销号"})
    case.refresh_from_db()
    assert case.status == SupervisionStatus.CLOSED and not case.overdue


def test_a_penalty_enters_the_credit_record_is_published_and_exposed(world):
    enterprise = world.org("ent-xian-trading")
    case = _penalty(world)
    event = CreditEvent.objects.get(enterprise=enterprise, source=f"document:{case.document_number}")
    assert event.kind == "penalty_general" and not case.market_exit
    with pytest.raises(ValidationError, match="已登记"):
        _penalty(world)
    assert CreditEvent.objects.filter(enterprise=enterprise, source=f"document:{case.document_number}").count() == 1
    with pytest.raises(ValidationError, match="罚款应填写金额"):
        _penalty(world, number="另一号", fine_yuan=0)

    groups = {g.key: g for g in queries.case_work(world.user("xian"))}
    assert groups["enforcement.unpublished"].items[0].due.date() == queries.publication_due(case.decided_on)
    with pytest.raises(ValidationError, match="先公示"):
        services.expose_penalty(world.user("xian"), case, {"exposure_title": "t", "exposure_text": "x"})
    assert world.client_for("anonymous").get("/penalties/").text.count(case.document_number) == 0
    services.publish_penalty(world.user("xian"), case, {"public_summary": "未经检验销售进口儿童玩具，罚款 5 万元。"})
    services.expose_penalty(
        world.user("xian"), case, {"exposure_title": "玩具未检先销案", "exposure_text": "提醒进口商"}
    )
    public = world.client_for("anonymous").get("/penalties/")
    assert public.status_code == 200 and case.document_number in public.text and "玩具未检先销案" in public.text
    assert "进口儿童玩具未经检验擅自销售" not in public.text  # the internal facts stay inside
    with pytest.raises(PermissionDenied):
        services.publish_penalty(world.user("harbin"), case, {"public_summary": "x"})


def test_a_revocation_is_a_compulsory_market_exit_and_makes_the_enterprise_dishonest(world):
    enterprise = world.org("ent-xian-trading")
    case = _penalty(world, number="西关缉违字〔2026〕13号", penalties=("revocation",))
    assert case.market_exit and services.credit_kind(case) == "penalty_serious"
    assert grade_of(enterprise) == "dishonest"
    services.publish_penalty(world.user("xian"), case, {"public_summary": "取消进出口货物收发货人备案。"})
    exits = world.client_for("anonymous").get("/penalties/?exit=1").text
    assert case.document_number in exits
    other = _penalty(world, number="西关缉违字〔2026〕14号")
    services.publish_penalty(world.user("xian"), other, {"public_summary": "警告"})
    assert other.document_number not in world.client_for("anonymous").get("/penalties/?exit=1").text


def test_a_campaign_counts_its_linked_cases_and_transfers_against_its_targets(world):
    with pytest.raises(ValidationError, match="至少设定一项"):
        services.open_campaign(
            world.user("warning"),
            {"name": "n", "commodities": ["children"], "starts_on": TODAY, "ends_on": TODAY},
        )
    campaign = services.open_campaign(
        world.user("warning"),
        {"name": "龙腾行动 2026", "commodities": ["children", "vehicles"], "fields": ["cross_border"],
         "starts_on": TODAY - dt.timedelta(days=30), "ends_on": TODAY + dt.timedelta(days=60),
         "target_cases": 2, "target_inspections": 100, "target_transfers": None},
    )  # fmt: skip
    # A bureau under the organiser takes part: it sees the campaign, links its cases, reports its inspections.
    assert queries.campaign_or_none(world.user("xian"), campaign.pk) == campaign
    assert queries.campaign_or_none(world.user("enterprise"), campaign.pk) is None
    _penalty(world, campaign=campaign)
    _penalty(world, number="西关缉违字〔2026〕15号", penalties=("ban",), campaign=campaign)
    services.report_campaign(world.user("xian"), campaign, {"inspections": 40, "seized_yuan": 120000})
    with pytest.raises(PermissionDenied):  # a port officer reads no campaign and reports none
        services.report_campaign(world.user("port"), campaign, {"inspections": 20, "seized_yuan": 0})
    transfer = services.open_transfer(
        world.user("xian"),
        {"kind": "administrative", "receiving": world.org("sn-market-regulation"), "title": "t", "facts": "f",
         "campaign": campaign},
    )  # fmt: skip
    results = queries.campaign_results(campaign)
    assert results["cases"] == 2 and results["market_exits"] == 1 and results["inspections"] == 40
    assert results["transfers"] == 0  # a draft transfer is not yet a result
    assert CaseTransfer.objects.get(pk=transfer.pk).campaign == campaign
    progress = {row["key"]: row for row in queries.campaign_progress(campaign)}
    assert progress["cases"]["share"] == 100 and progress["inspections"]["share"] == 40
    assert progress["transfers"]["share"] is None
    with pytest.raises(PermissionDenied):  # the organiser sums it up, not a unit taking part
        services.close_campaign(world.user("xian"), campaign, {"summary": "x"})
    services.close_campaign(world.user("warning"), campaign, {"summary": "完成"})
    with pytest.raises(ValidationError, match="已总结"):
        services.report_campaign(world.user("xian"), campaign, {"inspections": 1, "seized_yuan": 0})
    with pytest.raises(ValidationError, match="进行中的专项行动"):
        _penalty(world, number="西关缉违字〔2026〕16号", campaign=campaign)


def test_a_campaign_form_posts_checkboxes_and_blank_targets(world):
    client = world.client_for("warning")
    form = {
        "name": "护航行动",
        "commodities": ["food", "agricultural"],
        "starts_on": "2026-12-01",
        "ends_on": "2026-11-01",
        "description": "",
        "target_inspections": "",
        "target_cases": "5",
        "target_transfers": "",
        "target_seized_yuan": "",
    }
    answer = client.post("/enforcement/campaigns/new/", form)
    assert answer.status_code == 400 and "结束日期不能早于开始日期" in answer.text
    answer = client.post("/enforcement/campaigns/new/", {**form, "ends_on": "2027-02-01"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "食品及食品接触材料" in page.text and "农产品" in page.text


def test_a_benchmark_is_published_with_its_credit_event_and_withdrawn_with_it(world):
    enterprise = world.org("ent-xian-trading")
    benchmark = services.award_benchmark(
        world.user("xian"),
        {"enterprise": enterprise, "title": "进口食品质量安全示范企业", "citation": "连续三年零不合格",
         "awarded_on": TODAY, "valid_until": TODAY + dt.timedelta(days=730)},
    )  # fmt: skip
    source = f"benchmark:{benchmark.reference}"
    assert CreditEvent.objects.filter(enterprise=enterprise, kind="quality_benchmark", source=source).exists()
    assert "进口食品质量安全示范企业" in world.client_for("anonymous").get("/quality/").text
    with pytest.raises(PermissionDenied):
        services.withdraw_benchmark(world.user("harbin"), benchmark, {"reason": "x"})
    services.withdraw_benchmark(world.user("xian"), benchmark, {"reason": "发现瞒报不合格"})
    assert not CreditEvent.objects.filter(source=source).exists()
    assert "进口食品质量安全示范企业" not in world.client_for("anonymous").get("/quality/").text
    with pytest.raises(ValidationError, match="有效期"):
        services.award_benchmark(
            world.user("xian"),
            {"enterprise": enterprise, "title": "t", "citation": "c", "awarded_on": TODAY,
             "valid_until": TODAY - dt.timedelta(days=1)},
        )  # fmt: skip


def test_a_publicity_event_is_recorded_and_published(world):
    client = world.client_for("xian")
    answer = client.post(
        "/enforcement/publicity/new/",
        {"kind": "consumer_day", "title": "3·15 进口消费品安全宣传", "held_on": "2026-03-15", "place": "西安钟楼广场",
         "activities": "展示不合格进口玩具，讲解识别方法", "participants": "300", "materials": ""},
    )  # fmt: skip
    assert answer.status_code == 302
    public = world.client_for("anonymous").get("/quality/")
    assert "3·15 进口消费品安全宣传" in public.text and "300" in public.text
    assert world.client_for("enterprise").post("/enforcement/publicity/new/", {"kind": "other"}).status_code == 403


def test_english_pages_show_english_labels(world):
    _penalty(world, penalties=("revocation",))
    client = world.client_for("xian")
    client.cookies["django_language"] = "en"
    page = client.get("/enforcement/penalties/")
    assert "Compulsory market exit" in page.text and "强制退出市场" not in page.text


def test_a_penalty_outside_the_campaign_period_is_not_linked_to_it(world):
    campaign = services.open_campaign(
        world.user("warning"),
        {"name": "n", "commodities": ["food"], "starts_on": TODAY, "ends_on": TODAY, "target_cases": 1},
    )
    with pytest.raises(ValidationError, match="不在该专项行动期间"):
        _penalty(world, campaign=campaign)  # decided yesterday
    assert not PenaltyCase.objects.exists()


def test_the_enterprise_page_shows_its_enforcement_record_to_its_readers(world):
    interview = _interview(world)
    case = _penalty(world)
    enterprise = world.org("ent-xian-trading")
    page = world.client_for("xian").get(f"/organisations/{enterprise.pk}/")
    assert interview.reference in page.text and case.document_number in page.text
    own = world.client_for("enterprise").get(f"/organisations/{enterprise.pk}/")
    assert case.document_number in own.text
    port = world.client_for("port").get(f"/organisations/{enterprise.pk}/")
    assert port.status_code == 200 and case.document_number not in port.text  # no enforcement permission


def test_late_supervised_cases_and_commitments_are_escalated_once(world):
    case = services.open_supervision(
        world.user("warning"),
        {"supervised": world.org("xian-customs"), "title": "假冒配件案", "facts": "f",
         "deadline": TODAY + dt.timedelta(days=2)},
    )  # fmt: skip
    closed = services.open_supervision(
        world.user("warning"),
        {"supervised": world.org("xian-customs"), "title": "已结案件", "facts": "f",
         "deadline": TODAY + dt.timedelta(days=2)},
    )  # fmt: skip
    services.report_progress(world.user("xian"), closed, {"text": "已办结"})
    services.close_supervision(world.user("warning"), closed, {"conclusion": "销号"})
    interview = _interview(world)
    services.record_minutes(
        world.user("xian"), interview, {"held_at": timezone.now(), "attendees": "a", "minutes": "m"}
    )
    late = services.add_commitment(world.user("xian"), interview, {"action": "召回在售批次", "due": TODAY})
    done = services.add_commitment(world.user("xian"), interview, {"action": "培训", "due": TODAY})
    services.fulfil_commitment(world.user("xian"), interview, {"commitment": done.pk, "fulfilment": "已培训"})

    # On the deadline day itself nothing is late yet.
    assert services.watch_deadlines(timezone.now() + dt.timedelta(days=2)) == {
        "cases_escalated": 0,
        "commitments_overdue": 1,
    }
    later = timezone.now() + dt.timedelta(days=3)
    assert services.watch_deadlines(later) == {"cases_escalated": 1, "commitments_overdue": 0}
    assert services.watch_deadlines(later) == {"cases_escalated": 0, "commitments_overdue": 0}

    case.refresh_from_db()
    assert case.escalated_at is not None and Commitment.objects.get(pk=late.pk).overdue_at is not None
    assert Commitment.objects.get(pk=done.pk).overdue_at is None
    told = set(Notification.objects.filter(kind="supervised_case.overdue").values_list("organisation__code", flat=True))
    office = world.org("xian-customs")  # the handling unit, the supervising office and the body above it
    expected = {office.code, case.organisation.code} | (
        {case.organisation.parent.code} if case.organisation.parent else set()
    )
    assert told == expected and len(expected) >= 2
    assert set(Notification.objects.filter(kind="commitment.overdue").values_list("organisation__code", flat=True)) == {
        interview.organisation.code,
        interview.enterprise.code,
    }
    assert AuditEvent.objects.filter(action="supervised_case.overdue", object_id=str(case.pk)).count() == 1
    assert AuditEvent.objects.filter(action="interview.commitment_overdue").count() == 1
    page = world.client_for("xian").get(f"/enforcement/supervision/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "escalated as overdue" in page.text


def test_figures_too_large_for_a_column_are_form_errors(world):
    campaign = services.open_campaign(
        world.user("warning"),
        {"name": "n", "commodities": ["food"], "starts_on": TODAY, "ends_on": TODAY, "target_cases": 1},
    )
    client = world.client_for("warning")
    huge = "9" * 20
    report = client.post(
        f"/enforcement/campaigns/{campaign.pk}/report/", {"inspections": huge, "seized_yuan": huge, "note": ""}
    )
    assert report.status_code == 400
    interview = _interview(world)
    services.record_minutes(
        world.user("xian"), interview, {"held_at": timezone.now(), "attendees": "a", "minutes": "m"}
    )
    fulfil = world.client_for("xian").post(
        f"/enforcement/interviews/{interview.pk}/fulfil/", {"commitment": huge, "fulfilment": "x"}
    )
    assert fulfil.status_code == 400
    assert not campaign.reports.exists()


def test_a_plan_task_is_led_by_one_unit_helped_by_others_queued_for_each_and_escalated_to_all(world):
    """督办 of a work task of the plans (issue 29.2): a lead unit, cooperating units, a deadline, progress from
    each, closure by the supervisor only, escalation to every unit once."""
    office = world.user("warning")
    data = {"kind": "task", "title": "建立口岸与市场联合督办机制", "basis": "《实施方案》第三条第（五）项",
            "supervised": world.org("xian-customs"), "cooperating": [world.org("harbin-customs")],
            "facts": "牵头建立信息共享和联合督办机制。", "deadline": TODAY + dt.timedelta(days=10)}  # fmt: skip
    with pytest.raises(ValidationError, match="不必再列为协办"):
        services.open_supervision(office, {**data, "cooperating": [world.org("xian-customs")]})
    with pytest.raises(ValidationError, match="协办单位应是"):
        services.open_supervision(office, {**data, "cooperating": [world.org("ent-xian-trading")]})
    task = services.open_supervision(office, data)
    assert task.kind == "task" and list(task.cooperating.all()) == [world.org("harbin-customs")]
    opened = set(
        Notification.objects.filter(kind="supervised_case.opened").values_list("organisation__code", flat=True)
    )
    assert opened == {"xian-customs", "harbin-customs"}
    harbin = world.user("harbin")
    assert list(queries.handled_by(harbin)) == [task], "the cooperating unit's queue"
    assert queries.supervised_case_or_none(harbin, task.pk) == task
    assert queries.handles(harbin, task) and not queries.handles(office, task)
    report = services.report_progress(harbin, task, {"text": "已共享口岸查验数据"})
    assert report.unit == world.org("harbin-customs")
    with pytest.raises(PermissionDenied):
        services.close_supervision(harbin, task, {"conclusion": "x"})
    client = world.client_for("harbin")
    queue = client.get("/enforcement/supervision/", {"mine": "1"}).text
    assert task.reference in queue and "工作任务" in queue
    assert task.reference not in client.get("/enforcement/supervision/", {"kind": "case"}).text
    page = client.get(f"/enforcement/supervision/{task.pk}/").text
    assert "工作任务督办" in page and "《实施方案》第三条第（五）项" in page and "哈尔滨海关" in page
    assert "结案销号" not in page, "a cooperating unit does not close"
    assert services.watch_deadlines(timezone.now() + dt.timedelta(days=11))["cases_escalated"] == 1
    told = set(Notification.objects.filter(kind="supervised_case.overdue").values_list("organisation__code", flat=True))
    assert {"xian-customs", "harbin-customs", task.organisation.code} <= told
    assert queries.supervised_case_or_none(world.user("port"), task.pk) is None


def test_the_supervision_form_as_a_browser_posts_it(world):
    client = world.client_for("warning")
    form = client.get("/enforcement/supervision/new/").text
    assert 'name="cooperating"' in form and 'name="kind"' in form
    posted = client.post(
        "/enforcement/supervision/new/",
        {"kind": "task", "title": "开展进口儿童用品专项整治", "basis": "", "supervised": world.org("xian-customs").pk,
         "cooperating": [world.org("harbin-customs").pk], "partners": "", "enterprise": "",
         "facts": "按方案开展专项整治并报告结果。", "deadline": (TODAY + dt.timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert posted.status_code == 302
    task = queries.supervised_cases(world.user("warning")).get(title="开展进口儿童用品专项整治")
    assert task.kind == "task" and task.cooperating.get() == world.org("harbin-customs")
    refused = client.post("/enforcement/supervision/new/", {"kind": "task", "title": "", "supervised": "",
                                                            "cooperating": [], "enterprise": "", "facts": "",
                                                            "deadline": ""})  # fmt: skip
    assert refused.status_code == 400
