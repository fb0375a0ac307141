"""In a real browser (Debian's Chromium through Playwright): two roles sign in and see only what they may."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (installed by `make system-deps`)")
        pytest.skip("Debian's chromium is not installed (`make system-deps`)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def sign_in(browser, live_server, username, password, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
    errors = []
    # A resource that fails to load or a script/style refused by the CSP is an error; the pages this
    # test opens on purpose to be refused (403/404 documents) are not.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text else None)
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}") if r.status >= 400 and r.request.resource_type != "document" else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.console_errors = errors
    return page


def nav_labels(page):
    return page.locator("header nav a").all_inner_texts()


def test_bureau_officer_and_auditor_see_different_things(browser, live_server, live_world):
    ARTIFACTS.mkdir(exist_ok=True)

    officer = sign_in(browser, live_server, "xian", live_world.password)
    assert officer.get_by_role("heading", name="您好，西安海关 李强").is_visible()
    assert nav_labels(officer) == [
        "首页",
        "统计分析",
        "统计报告",
        "风险信息",
        "关联建议",
        "风险案件",
        "风险监测计划",
        "监测数据",
        "双随机抽查",
        "我的抽查任务",
        "风险研判",
        "机构与专家库",
        "预警管理",
        "预警收件箱",
        "口岸布控",
        "查验任务",
        "快速反应",
        "缺陷召回",
        "口岸应急",
        "质量信用",
        "信用名单",
        "案件移送",
        "产品追溯",
        "约谈",
        "挂牌督办",
        "行政处罚",
        "专项打假",
        "示范标杆",
        "技术性贸易措施",
        "组织机构",
        "用户",
        "档案管理",
    ]
    officer.locator("header nav").get_by_role("link", name="组织机构").click()
    officer.get_by_label("类型").select_option("enterprise")
    officer.get_by_role("button", name="查询").click()
    rows = officer.locator("tbody tr").all_inner_texts()
    assert any("西安秦岭示例进出口贸易有限公司" in r for r in rows)
    assert not any("哈尔滨" in r for r in rows), "another bureau's enterprise must not be listed"
    officer.screenshot(path=str(ARTIFACTS / "bureau-officer-organisations.png"), full_page=True)
    response = officer.goto(f"{live_server.url}/audit/")
    assert response.status == 403
    harbin = live_world.org("ent-harbin-timber")
    assert officer.goto(f"{live_server.url}/organisations/{harbin.pk}/").status == 404

    auditor = sign_in(browser, live_server, "auditor", live_world.password)
    assert nav_labels(auditor) == ["首页", "组织机构", "用户", "档案管理", "审计日志"]
    auditor.locator("header nav").get_by_role("link", name="审计日志").click()
    auditor.get_by_label("操作人").fill("xian")
    auditor.get_by_role("button", name="筛选").click()
    auditor.wait_for_url("**/audit/?**actor=xian**")
    auditor.locator("#audit-rows tbody tr").first.wait_for()
    assert "登录 · 成功" in auditor.locator("#audit-rows").inner_text()  # the action by its label (issue 26.3)
    auditor.get_by_role("link", name="校验日志链").click()
    assert "日志链完整" in auditor.locator("main").inner_text()
    auditor.screenshot(path=str(ARTIFACTS / "auditor-verify.png"), full_page=True)
    assert auditor.goto(f"{live_server.url}/tokens/").status == 403

    assert not officer.console_errors and not auditor.console_errors, "no blocked scripts or missing resources (CSP)"


def test_enterprise_user_on_a_phone_sees_only_its_own_enterprise_and_switches_to_english(
    browser, live_server, live_world
):
    page = sign_in(browser, live_server, "enterprise", live_world.password, viewport={"width": 390, "height": 844})
    assert nav_labels(page) == [
        "首页",
        "统计分析",
        "监测数据",
        "预警收件箱",
        "缺陷召回",
        "与本企业相关",
        "消减义务",
        "质量信用",
        "产品追溯",
        "约谈",
        "行政处罚",
        "风险报告",
        "示范标杆",
        "技术性贸易措施",
        "组织机构",
        "接口令牌",
    ]
    page.locator("header nav").get_by_role("link", name="组织机构").click()
    names = page.locator("tbody tr td:first-child a").all_inner_texts()
    assert names == ["西安秦岭示例进出口贸易有限公司"]
    page.screenshot(path=str(ARTIFACTS / "enterprise-phone-zh.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Organisations").is_visible()
    assert nav_labels(page) == [
        "Home",
        "Dashboards",
        "Monitoring records",
        "Warning inbox",
        "Recalls",
        "Concerning us",
        "Obligations",
        "Quality credit",
        "Traceability",
        "Interviews",
        "Penalties",
        "Risk reports",
        "Benchmarks",
        "Technical trade measures",
        "Organisations",
        "API tokens",
    ]
    page.screenshot(path=str(ARTIFACTS / "enterprise-phone-en.png"), full_page=True)
    assert not page.console_errors


def test_public_report_on_a_phone_then_follow_it_with_the_receipt(browser, live_server, live_world):
    """Anyone, no account, on a phone: report, receive a receipt, look up the status."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" and "Refused" in m.text else None)
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("link", name="工作人员登录").is_visible(), "the public home, not the sign-in page"
    page.locator("#main").get_by_role("link", name="举报风险").click()
    page.get_by_role("button", name="提交举报").click()  # nothing filled: one summary of what is missing
    summary = page.locator(".error-summary")
    assert summary.is_visible() and summary.get_by_role("link", name="简要说明（标题）", exact=False).count() == 1
    assert page.get_by_role("group", name="第 1 步（共 4 步）：发生了什么").is_visible()
    page.get_by_label("简要说明（标题）").fill("进口婴儿床护栏间隙过大")
    page.get_by_label("详细经过").fill("护栏间隙约 9 厘米，孩子的头可能卡住。")
    page.get_by_label("产品名称").fill("婴儿床")
    page.get_by_label("物理").check()
    page.get_by_label("发生地区").select_option("610100")
    page.get_by_label("联系电话").fill("13700002222")
    box = page.locator(".hp").bounding_box()
    assert box is None or box["x"] + box["width"] <= 0, "the honeypot is off-screen, out of people's way"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the form fits a phone screen without sideways scrolling ({width}px)"
    page.get_by_role("button", name="提交举报").click()
    number = page.locator("#receipt-number").inner_text()
    secret = page.locator("#receipt-secret").inner_text()
    page.locator("button[data-copy='receipt-secret']").wait_for(state="visible")  # shown by its deferred script
    page.screenshot(path=str(ARTIFACTS / "public-report-phone.png"), full_page=True)
    page.locator("#main").get_by_role("link", name="查询处理进度").click()
    assert page.get_by_label("回执编号").input_value() == number, "the receipt's link prefills the number"
    page.get_by_label("查询码").fill(secret)
    page.get_by_role("button", name="查询").click()
    assert "已接收" in page.locator("#receipt-result").inner_text()
    assert "受理机构将开始核实" in page.locator("#next-step").inner_text()
    assert not refused
    from riskgate.intake.models import RiskInformation

    info = RiskInformation.objects.get(receipt=number)
    assert info.organisation == live_world.org("xian-customs") and info.reporter_phone == "13700002222"


def test_officer_links_two_reports_into_a_case_and_sees_the_triage_suggestion(browser, live_server, live_world):
    """Entered through the service (detection runs on commit, as in production), linked in the browser."""
    from riskgate.intake import services
    from riskgate.intake.models import LinkProposal, RiskInformation

    ARTIFACTS.mkdir(exist_ok=True)
    officer = live_world.user("xian")
    first, second = (
        services.create_information(
            officer,
            data={
                "source_type": source,
                "channel": "hotline",
                "title": title,
                "brand": "闪电牌",
                "model": "PB-20000",
                "hazard_types": ["physical"],
            },
        )
        for source, title in (
            ("consumer_complaint", "Power bank overheats and catches fire while charging"),
            ("media", "Power bank catches fire while charging, owners report"),
        )
    )
    assert LinkProposal.objects.filter(first=first, second=second).exists()
    page = sign_in(browser, live_server, "xian", live_world.password)
    page.goto(f"{live_server.url}/intake/{first.pk}/")
    assert page.get_by_text(second.reference).is_visible()
    assert page.get_by_role("heading", name="分诊建议").is_visible()
    page.get_by_role("button", name="确认是同一风险").click()
    page.wait_for_load_state()
    case = RiskInformation.objects.get(pk=first.pk).case
    assert case is not None and set(case.items.values_list("pk", flat=True)) == {first.pk, second.pk}
    page.screenshot(path=str(ARTIFACTS / "linked-item.png"), full_page=True)
    page.get_by_role("link", name=case.reference).click()
    page.wait_for_url(f"{live_server.url}/intake/cases/{case.pk}/")
    assert page.get_by_role("link", name=first.reference).is_visible()
    assert page.get_by_role("link", name=second.reference).is_visible()
    page.screenshot(path=str(ARTIFACTS / "risk-case.png"), full_page=True)
    assert not page.console_errors, page.console_errors


def test_assessment_full_path_in_the_browser(browser, live_server, live_world):
    """Request → panel with a conflicted expert refused → laboratory result → report → one dissent → confirmation →
    a new version after a change, each step by the person whose step it is, in Chromium."""
    from riskgate.assessment.models import Assessment
    from riskgate.intake import services
    from riskgate.intake.models import Status

    ARTIFACTS.mkdir(exist_ok=True)
    warning = live_world.user("warning")
    info = services.create_information(
        warning,
        data={
            "source_type": "foreign_recall",
            "channel": "officer_entry",
            "title": "抽屉柜未固定时倾倒，儿童被压伤",
            "hazard_types": ["physical"],
        },
    )
    for status in (Status.UNDER_VERIFICATION, Status.VERIFIED):
        services.transition(warning, info, to_status=status)

    def form(page, action):
        return page.locator(f"form[action$='/{action}/']")

    def submit(page, action, button):
        with page.expect_navigation():
            form(page, action).get_by_role("button", name=button).click()

    # The warning office requests the assessment from the technical institution.
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/assessments/new/?information={info.reference}")
    office.get_by_label("研判事项").fill("进口抽屉柜倾倒风险研判")
    office.get_by_label("危害类型").select_option("physical")
    office.get_by_label("指定技术机构").check()
    office.locator("#id_institution").select_option(str(live_world.org("caiq").pk))
    office.get_by_label("牵头评估人").select_option(str(live_world.user("assessor").pk))
    with office.expect_navigation():
        office.get_by_role("button", name="提请").click()
    assessment = Assessment.objects.get()
    url = f"{live_server.url}/assessments/{assessment.pk}/"
    assert office.url == url and office.get_by_text("已提请，待受理").first.is_visible()

    # The assessor accepts, records declarations: the conflicted expert is refused a seat.
    lead = sign_in(browser, live_server, "assessor", live_world.password)
    lead.goto(url)
    submit(lead, "start", "受理研判任务")
    lead.get_by_text("利益冲突声明与专家组").click()
    declare = form(lead, "declare")
    declare.get_by_label("专家").select_option(label="马骏")
    declare.get_by_label("利益冲突").select_option("1")
    declare.get_by_label("说明").fill("近三年为涉事进口商提供咨询")
    submit(lead, "declare", "记录声明")
    lead.get_by_text("利益冲突声明与专家组").click()
    form(lead, "seat").get_by_label("专家").select_option(label="马骏")
    submit(lead, "seat", "专家入组")
    assert lead.locator(".messages").filter(has_text="利益冲突").is_visible()
    for name in ("刘洋", "黄蕾"):
        lead.goto(url)
        lead.get_by_text("利益冲突声明与专家组").click()
        form(lead, "declare").get_by_label("专家").select_option(label=name)
        form(lead, "declare").get_by_label("利益冲突").select_option("0")
        submit(lead, "declare", "记录声明")
        lead.get_by_text("利益冲突声明与专家组").click()
        form(lead, "seat").get_by_label("专家").select_option(label=name)
        submit(lead, "seat", "专家入组")

    # Laboratory verification by the accepted third-party laboratory, then the result.
    lead.get_by_text("实验室验证", exact=True).last.click()
    lab = form(lead, "lab_task")
    lab.get_by_label("实验室").select_option(str(live_world.org("third-party-lab").pk))
    lab.locator("textarea[name=samples]").fill("同批次抽屉柜 2 台")
    lab.get_by_label("样品的 HS 编码").fill("9403")
    lab.get_by_label("检测项目").fill("倾倒试验临界载荷")
    lab.get_by_label("检测方法/标准").fill("ASTM F2057-23")
    submit(lead, "lab_task", "下达验证任务")
    lead.get_by_text("实验室验证", exact=True).last.click()
    results = form(lead, "lab_results")
    results.get_by_label("检测报告编号").fill("TP-2026-0100")
    results.get_by_label("检测结果").fill("倾倒试验临界载荷, 14.2, kg, 22.7, min")
    submit(lead, "lab_results", "录入检测结果")
    assert lead.get_by_text("不合格").first.is_visible()

    # An injury scenario and the report; the proposal is computed.
    lead.get_by_text("伤害情景（RAPEX）").click()
    scenario = form(lead, "scenario")
    scenario.get_by_label("情景描述").fill("儿童攀爬未固定的抽屉柜，柜体倾倒致死")
    scenario.get_by_label("伤害严重程度").select_option("4")
    scenario.get_by_label("消费者群体").select_option("vulnerable")
    scenario.get_by_label("步骤").fill("柜体未固定 | 1/2\n儿童攀爬 | 1/10\n柜体倾倒压住儿童 | 1/10")
    submit(lead, "scenario", "添加伤害情景")
    lead.get_by_text("编写研判报告").click()
    report = form(lead, "report")
    report.locator("#report-method").select_option("rapex")
    report.locator("#report-hazard").fill("柜体不稳，未固定时易倾倒")
    report.get_by_label("市场上的数量（件）").fill("150000")
    report.get_by_label("剩余风险").fill("召回完成前仍有风险")
    report.get_by_label("建议措施").fill("责令召回；口岸加严查验")
    submit(lead, "report", "保存报告")
    assessment.refresh_from_db()
    assert (assessment.risk_level, assessment.proposed_level) == ("serious", "II")  # 4 + 1 (units) = 5
    submit(lead, "send_to_panel", "提交专家组审议")

    # The panel: one approval, one dissent with a note.
    for username, approve, note in (("expert", "1", ""), ("expert2", "0", "使用频率估计偏高")):
        member = sign_in(browser, live_server, username, live_world.password)
        member.goto(url)
        vote = form(member, "vote")
        vote.get_by_label("表态").select_option(approve)
        vote.get_by_label("意见").fill(note)
        submit(member, "vote", "提交表态")
        assert member.get_by_text("已表态").first.is_visible()
    lead.goto(url)
    submit(lead, "submit", "提交提请机构确认")

    # Confirmation after an expert meeting, then a new version when the risk changes.
    office.goto(url)
    assert office.get_by_text("使用频率估计偏高").first.is_visible()
    decide = form(office, "decide")
    decide.get_by_label("决定").select_option("confirm")
    decide.get_by_label("专家会商日期").fill("2026-11-30")
    decide.get_by_label("会商出席人员").fill("王敏、刘洋、黄蕾")
    decide.get_by_label("会商结论").fill("同意评估结论")
    submit(office, "decide", "提交决定")
    assert office.get_by_text("已确认").first.is_visible()
    office.screenshot(path=str(ARTIFACTS / "assessment-confirmed.png"), full_page=True)
    form(office, "reassess").get_by_label("重新研判的原因").fill("境外扩大召回范围")
    submit(office, "reassess", "发起重新研判")
    v2 = Assessment.objects.get(supersedes=assessment)
    assert office.url == f"{live_server.url}/assessments/{v2.pk}/"
    assert office.get_by_role("link", name="v1").is_visible()
    with office.expect_navigation():
        office.get_by_role("link", name="v1").click()
    assert office.get_by_text("已确认").first.is_visible()
    assert office.get_by_role("link", name="查看新版本").is_visible()
    assert not office.console_errors and not lead.console_errors, (office.console_errors, lead.console_errors)


def test_warning_lifecycle_on_the_officer_pages_and_the_portal(browser, live_server, live_world):
    """Draft → approve by a second officer → on the portal, in the Atom and CAP feeds → level adjusted → lifted;
    the portal shows each state, and a subscriber's webhook receives each change once, signed."""
    from lxml import etree

    from riskgate.accounts.models import Role, User
    from riskgate.warnings import cap
    from riskgate.warnings.models import WarningNotice
    from tests.warnings.factories import confirmed_assessment
    from tests.warnings.test_subscriptions import Receiver, verified

    ARTIFACTS.mkdir(exist_ok=True)
    receiver = Receiver()
    from riskgate.warnings.services import delivery

    subscriber = delivery.confirm(delivery.subscribe(email="reader@example.com", webhook_url=receiver.url))
    assessment = confirmed_assessment(live_world)
    second = User.objects.create(
        username="warning2",
        role=Role.objects.get(code="warning_officer"),
        organisation=live_world.org("gacc-warning-office"),
    )
    second.set_password(live_world.password)
    second.save()

    drafter = sign_in(browser, live_server, "warning", live_world.password)
    drafter.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    with drafter.expect_navigation():
        drafter.get_by_role("link", name="起草预警").click()
    drafter.get_by_label("风险警示公告").check()
    drafter.get_by_label("英文标题").fill("Folding chairs can trap children's fingers")
    drafter.locator("#id_items").fill("停止销售和使用涉及型号。")
    drafter.get_by_label("HS 编码").fill("9401")
    with drafter.expect_navigation():
        drafter.get_by_role("button", name="保存草稿").click()
    notice = WarningNotice.objects.get()
    with drafter.expect_navigation():
        drafter.get_by_role("button", name="送审").click()
    assert drafter.get_by_text("起草人不能批准自己起草的预警").is_visible()
    assert drafter.get_by_role("button", name="批准").count() == 0

    approver = sign_in(browser, live_server, "warning2", live_world.password)
    approver.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    with approver.expect_navigation():
        approver.get_by_role("button", name="批准").click()
    with approver.expect_navigation():
        approver.get_by_role("button", name="发布", exact=True).click()

    public = browser.new_page(locale="zh-CN")
    public.goto(f"{live_server.url}/warnings/?q=折叠")
    assert public.get_by_role("link", name=notice.title).is_visible()
    assert public.locator("li.warning").get_by_text("生效中").is_visible()
    public.screenshot(path=str(ARTIFACTS / "warning-portal.png"), full_page=True)

    def feed_entries(path):
        response = public.request.get(f"{live_server.url}{path}")
        return etree.fromstring(response.body()).findall("{http://www.w3.org/2005/Atom}entry")

    assert len(feed_entries("/warnings/feed.atom")) == 1 and len(feed_entries("/warnings/cap.atom")) == 1
    message = public.request.get(f"{live_server.url}/warnings/{notice.lineage_id}/v1/cap.xml").body()
    assert cap.validate(message) == []

    # The level is raised: a new version, reviewed and published again.
    drafter.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    drafter.get_by_label("调整后的等级").select_option("I")
    drafter.get_by_label("调整理由").fill("伤害报告增多")
    with drafter.expect_navigation():
        drafter.get_by_role("button", name="调整（新版本）").click()
    with drafter.expect_navigation():
        drafter.get_by_role("button", name="保存草稿").click()
    with drafter.expect_navigation():
        drafter.get_by_role("button", name="送审").click()
    v2 = WarningNotice.objects.get(version=2)
    approver.goto(f"{live_server.url}/warnings/manage/{v2.pk}/")
    with approver.expect_navigation():
        approver.get_by_role("button", name="批准").click()
    with approver.expect_navigation():
        approver.get_by_role("button", name="发布", exact=True).click()
    public.goto(f"{live_server.url}/warnings/{notice.lineage_id}/")
    assert (
        public.get_by_text("已调整").first.is_visible()
        and public.get_by_text("I 级 特别严重（红色）").first.is_visible()
    )

    # The effect evaluation recommends lifting and leads to the lifting page, which lists its conditions and,
    # once they hold, lifts: the portal says so, and the feeds carry the Cancel.
    with approver.expect_navigation():
        approver.get_by_role("link", name="解除…").click()
    assert approver.get_by_text("尚未评估预警效果").is_visible()
    approver.get_by_label("解除理由").fill("召回完成，风险已消除")
    with approver.expect_navigation():
        approver.get_by_role("button", name="解除预警").click()
    assert approver.get_by_text("解除条件尚未满足").first.is_visible()
    approver.goto(f"{live_server.url}/warnings/manage/{v2.pk}/")
    approver.get_by_label("措施落实情况").fill("全部召回完毕")
    approver.get_by_label("发布以来的新发情况（起）").fill("0")
    approver.get_by_label("建议").select_option("lift")
    with approver.expect_navigation():
        approver.get_by_role("button", name="记录评估").click()
    assert approver.url.endswith(f"/warnings/{v2.pk}/lift/")
    assert approver.get_by_text("最近一次效果评估").is_visible()
    approver.get_by_label("解除理由").fill("召回完成，风险已消除")
    with approver.expect_navigation():
        approver.get_by_role("button", name="解除预警").click()
    assert approver.get_by_text("已解除，解除公告已发布。").is_visible()
    public.goto(f"{live_server.url}/warnings/?state=lifted")
    assert public.get_by_role("link", name=notice.title).is_visible()
    assert len(feed_entries("/warnings/feed.atom")) == 3
    public.screenshot(path=str(ARTIFACTS / "warning-lifted.png"), full_page=True)
    assert not drafter.console_errors and not approver.console_errors
    # The subscriber's webhook received each change once, signed.
    events = [r["headers"]["x-riskgate-event"] for r in receiver.requests]
    assert events == ["warning.alert", "warning.update", "warning.cancel"]
    assert all(verified(subscriber.secret, r) for r in receiver.requests)
    receiver.close()


def test_a_receiver_opening_an_inbox_item_posts_its_read_receipt(browser, live_server, live_world):
    """Issue 24 item 5: opening the page writes nothing by GET; the page posts the receipt once shown (htmx)."""
    from riskgate.warnings.models import Recipient
    from tests.site.test_access_matrix import _matrix_warning

    _matrix_warning(live_world)
    item = Recipient.objects.get(organisation__code="xianyang-customs")
    reader = sign_in(browser, live_server, "port", live_world.password)
    reader.goto(f"{live_server.url}/warnings/inbox/{item.pk}/")
    reader.locator("#read-receipt button").wait_for(state="detached")
    assert "张伟" in reader.locator("#read-receipt").inner_text()
    item.refresh_from_db()
    assert item.read_at is not None and item.read_by.username == "port"
    assert not reader.console_errors


def test_rapid_response_chain_in_the_browser(browser, live_server, live_world, tmp_path):
    """Warning → measure ordered → the enterprise reports → the institution finds it inadequate → the enterprise
    resubmits → lifting application → the authority lifts → the portal shows the warning lifted."""
    from riskgate.response.models import MeasureOrder, Obligation
    from tests.warnings.factories import published

    ARTIFACTS.mkdir(exist_ok=True)
    notice, _approver = published(live_world)
    officer = sign_in(browser, live_server, "warning", live_world.password)
    officer.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    with officer.expect_navigation():
        officer.get_by_role("link", name="依据此预警下达快速反应措施").click()
    officer.locator("#id_kind").select_option(label="停止销售和使用")
    officer.get_by_label("对象说明").fill("涉事型号全部库存")
    officer.get_by_label("措施要求").fill("市场端停止销售。")
    officer.get_by_label("牵头单位").select_option(label="咸阳海关")
    officer.get_by_label("完成时限").fill("2030-01-01T10:00")
    with officer.expect_navigation():
        officer.get_by_role("button", name="下达").click()
    measure = MeasureOrder.objects.get()
    officer.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    with officer.expect_navigation():
        officer.get_by_role("link", name="下达风险消减义务").click()
    officer.get_by_label("风险责任者").select_option(label="西安秦岭示例进出口贸易有限公司")
    officer.get_by_label("评估技术机构").select_option(label="中国检验检疫科学研究院")
    officer.get_by_label("要求").fill("提交风险分析和消减报告并召回已售产品。")
    officer.get_by_label("消减报告提交时限").fill("2030-01-01T10:00")
    with officer.expect_navigation():
        officer.get_by_role("button", name="下达").click()
    obligation = Obligation.objects.get()

    enterprise = sign_in(browser, live_server, "enterprise", live_world.password)

    def submit_report(distribution):
        enterprise.goto(f"{live_server.url}/obligations/")
        with enterprise.expect_navigation():
            # The row's link is the responsible enterprise's name; the reference is shown beside it (issue 26.4).
            enterprise.locator("#main tr", has_text=obligation.reference).get_by_role("link").click()
        enterprise.get_by_label("产品缺陷分析").fill("过充保护失效。")
        enterprise.get_by_label("涉及产品的数量和流向").fill(distribution)
        enterprise.get_by_label("消减风险的措施").fill("召回并更换保护板。")
        enterprise.locator("#id_plan").fill("30 日内完成。")
        enterprise.get_by_label("预期效果评价").fill("召回率不低于 90%。")
        with enterprise.expect_navigation():
            enterprise.get_by_role("button", name="提交报告").click()

    submit_report("进口 1,200 件。")
    institution = sign_in(browser, live_server, "assessor", live_world.password)

    def evaluate(verdict):
        institution.goto(f"{live_server.url}/obligations/{obligation.pk}/")
        institution.get_by_label(verdict).check()
        institution.get_by_label("可行性").fill("可行")
        institution.get_by_label("有效性").fill("有效")
        institution.get_by_label("充分性").fill("见结论")
        institution.get_by_label("报告真实、符合").check()
        with institution.expect_navigation():
            institution.get_by_role("button", name="提交评估").click()

    evaluate("措施不充分，须补充后重新提交")
    submit_report("进口 1,200 件，其中 860 件售往陕西、甘肃。")
    evaluate("措施可行、有效、充分")
    enterprise.goto(f"{live_server.url}/obligations/{obligation.pk}/")
    enterprise.locator("#consumers-text").fill("官网和门店公告，短信通知购买者。")
    with enterprise.expect_navigation():
        enterprise.get_by_role("button", name="登记通报情况").click()
    report = tmp_path / "缺陷消除评价报告.pdf"
    report.write_bytes(b"%PDF-1.4 evaluation")
    enterprise.get_by_label("申请理由").fill("缺陷已全部消除。")
    enterprise.get_by_label("产品缺陷消除评价报告").set_input_files(str(report))
    with enterprise.expect_navigation():
        enterprise.get_by_role("button", name="申请解除").click()
    enterprise.screenshot(path=str(ARTIFACTS / "obligation-enterprise.png"), full_page=True)
    # The institution confirms the defect-elimination report (Art.25); the office evaluates the warning's effect,
    # which leads to the lifting page and its conditions.
    institution.goto(f"{live_server.url}/obligations/{obligation.pk}/")
    institution.get_by_label("确认缺陷已消除").check()
    institution.get_by_label("技术机构意见").fill("抽检 20 件，缺陷已消除。")
    with institution.expect_navigation():
        institution.get_by_role("button", name="提交确认").click()
    officer.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    officer.get_by_label("措施落实情况").fill("召回率 92%")
    officer.get_by_label("发布以来的新发情况（起）").fill("0")
    officer.get_by_label("建议").select_option("lift")
    with officer.expect_navigation():
        officer.get_by_role("button", name="记录评估").click()
    assert officer.get_by_text(f"强制性措施 {measure.reference}").is_visible()
    assert officer.get_by_text("已确认产品缺陷消除评价报告").is_visible()

    officer.goto(f"{live_server.url}/obligations/{obligation.pk}/")
    officer.get_by_label("批准解除").check()
    officer.get_by_label("处理意见").fill("技术机构确认缺陷已消除，准予解除。")
    with officer.expect_navigation():
        officer.get_by_role("button", name="提交", exact=True).click()
    assert Obligation.objects.get().status == "lifted" and MeasureOrder.objects.get(pk=measure.pk).status == "lifted"

    public = browser.new_page(locale="zh-CN")
    public.goto(f"{live_server.url}/warnings/{notice.lineage_id}/")
    assert public.get_by_text("已解除").first.is_visible()
    public.screenshot(path=str(ARTIFACTS / "warning-lifted-by-obligation.png"), full_page=True)
    for page in (officer, enterprise, institution):
        assert page.console_errors == []


def test_recall_effectiveness_chart_renders_from_the_local_echarts(browser, live_server, live_world):
    """The public recall notice draws its effectiveness chart with the local ECharts, without a CSP refusal."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.response.services import recalls

    officer = live_world.user("xian")
    recall = recalls.open_recall(
        officer,
        {
            "kind": "voluntary",
            "recall_type": "environmental",
            "enterprise": live_world.org("ent-xian-trading"),
            "product": "小型挖掘机",
            "brand": "Acme",
            "model": "EX-20",
            "defect": "排放超标",
            "affected_units": 400,
            "affected_range": "E20-000100 至 E20-000499",
            "remedies": ["repair"],
            "communication_plan": "公告",
            "started_on": timezone.localdate() - dt.timedelta(days=90),
        },
    )
    for days, units in ((30, 100), (60, 250)):
        recalls.report_progress(
            officer, recall, as_of=recall.started_on + dt.timedelta(days=days), units_corrected=units
        )
    recalls.publish(officer, recall)
    page = browser.new_page(locale="zh-CN")
    refused = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/recalls/{recall.pk}/")
    page.locator("[data-recall-chart] svg").wait_for()
    assert page.locator("[data-recall-chart]").is_visible() and page.get_by_text("62%").is_visible()
    page.screenshot(path=str(ARTIFACTS / "recall-effectiveness.png"), full_page=True)
    assert refused == []


def test_an_overdue_measure_stands_out_and_the_lead_unit_reports_it_implemented(browser, live_server, live_world):
    """A measure past its deadline: the scheduled job records it; the lead unit's officer sees it on the home page,
    opens it, reports it implemented with the box ticked; the deciding bureau is told and the flag is gone."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.response.models import MeasureKind, MeasureOrder
    from riskgate.response.services import measures
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    order = measures.order_measure(
        live_world.user("xian"),
        kind=MeasureKind.objects.get(code="supervised-destruction"),
        warning=notice,
        target_kind="product",
        target="涉事型号全部库存",
        hs_codes=[],
        instructions="监督销毁。",
        lead_unit=live_world.org("xianyang-customs"),
        cooperating_units=[],
        deadline=timezone.now() + dt.timedelta(days=3),
    )
    MeasureOrder.objects.filter(pk=order.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    assert measures.watch_deadlines()["overdue"] == 1
    port = sign_in(browser, live_server, "port", live_world.password)
    panel = port.locator("[data-work='response.execute']")
    assert panel.locator("tr.overdue").get_by_role("link", name=order.reference).is_visible()
    with port.expect_navigation():
        panel.get_by_role("link", name=order.reference).click()
    assert port.locator(".heading").get_by_text("逾期未落实").is_visible()
    port.get_by_label("进展情况").fill("已在海关监督下全部销毁。")
    port.get_by_label("措施已落实完毕").check()
    with port.expect_navigation():
        port.get_by_role("button", name="报告进展").click()
    assert port.locator(".heading").get_by_text("已落实完毕").is_visible()
    assert port.locator(".heading").get_by_text("逾期未落实").count() == 0
    bureau = sign_in(browser, live_server, "xian", live_world.password)
    assert bureau.get_by_text("牵头单位报告已落实完毕").first.is_visible()
    assert bureau.locator("[data-work='response.overdue']").count() == 0
    for page in (port, bureau):
        assert page.console_errors == []


def test_an_emergency_warning_is_pending_until_the_officer_confirms_it_on_its_assessment(
    browser, live_server, live_world
):
    """Issued by the emergency path: the officer's page, the public page and the inbox say "pending
    confirmation"; once its assessment is confirmed, the approver confirms the warning on it and the flag is
    gone from the pages."""
    from riskgate.warnings import services
    from tests.warnings.factories import CONTENT, confirmed_assessment, second_officer

    assessment = confirmed_assessment(live_world)
    drafter = live_world.user("warning")
    data = {**CONTENT, "level": assessment.confirmed_level, "hazard_type": "physical", "regions": ["610000"]}
    notice = services.draft_emergency(drafter, data=data, reason="已致儿童受伤，需立即处置")
    services.submit_for_review(drafter, notice)
    approver = second_officer(live_world)
    approver.set_password(live_world.password)
    approver.save()
    services.approve(approver, notice)
    services.publish(approver, notice)
    pending = "待确认（紧急先行发布）"
    port = sign_in(browser, live_server, "port", live_world.password)
    port.goto(f"{live_server.url}/warnings/inbox/")
    assert port.get_by_text(pending).first.is_visible()
    public = browser.new_page(locale="zh-CN")
    public.goto(f"{live_server.url}/warnings/{notice.lineage_id}/")
    assert public.get_by_text(pending).first.is_visible()
    office = sign_in(browser, live_server, "warning2", live_world.password)
    office.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    assert office.get_by_text(pending).first.is_visible()
    follow_up = office.locator("section[aria-labelledby='h-follow-up']")
    follow_up.get_by_label("已确认的研判").select_option(str(assessment.pk))
    with office.expect_navigation():
        follow_up.get_by_role("button", name="事后确认").click()
    assert office.get_by_text("已事后确认，确认版本已发布。").is_visible()
    assert office.get_by_text(pending).count() == 0
    public.reload()
    assert public.get_by_text(pending).count() == 0
    port.reload()
    assert port.get_by_text(pending).count() == 0
    for page in (port, office):
        assert page.console_errors == []
    public.close()


def test_a_reward_is_proposed_approved_by_a_second_officer_and_seen_by_the_reporter(browser, live_server, live_world):
    """A Xi'an public report found true: the bureau officer proposes a reward on the report's page (and cannot
    approve it), the warning office approves it, and the reporter reads the decision with the receipt code."""
    from riskgate.core.models import Region
    from riskgate.intake import channels
    from riskgate.intake import services as intake

    info, receipt = channels.submit_public_report(
        data={"source_type": "consumer_complaint", "title": "进口电暖器外壳过热", "hazard_types": ["physical"]},
        reporter={"name": "周举报", "phone": "13600003333"},
        region=Region.objects.get(code="610100"),
        wants_reward=True,
        ip="10.8.8.8",
    )
    xian = live_world.user("xian")
    intake.transition(xian, info, to_status="under_verification")
    intake.transition(xian, info, to_status="verified")
    bureau = sign_in(browser, live_server, "xian", live_world.password)
    bureau.goto(f"{live_server.url}/intake/{info.pk}/")
    card = bureau.locator("section[aria-labelledby='h-reward']")
    card.get_by_label("奖励金额（元）").fill("800")
    card.get_by_label("奖励依据（举报属实的情况）").fill("抽检确认外壳温度超标，举报属实。")
    with bureau.expect_navigation():
        card.get_by_role("button", name="提议奖励").click()
    card = bureau.locator("section[aria-labelledby='h-reward']")
    assert card.get_by_text("已提议，待审批").is_visible()
    assert card.get_by_text("提议人不能审批自己提议的奖励").is_visible()
    assert bureau.get_by_text("周举报").count() == 0, "the bureau officer handles the reward without the identity"
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/intake/{info.pk}/")
    card = office.locator("section[aria-labelledby='h-reward']")
    card.get_by_label("批准", exact=True).check()
    card.get_by_label("审批意见").fill("同意。")
    with office.expect_navigation():
        card.get_by_role("button", name="提交审批").click()
    assert office.locator("section[aria-labelledby='h-reward']").get_by_text("已批准，待发放").is_visible()
    reporter = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    reporter.goto(f"{live_server.url}/report/status/")
    reporter.get_by_label("回执编号").fill(receipt.number)
    reporter.get_by_label("查询码").fill(receipt.secret)
    reporter.get_by_role("button", name="查询").click()
    decision = reporter.locator("#reward-decision").inner_text()
    assert "已批准，待发放" in decision and "800.00" in decision
    assert "周举报" not in reporter.content() and "王敏" not in reporter.content()
    for page in (bureau, office):
        assert page.console_errors == []
    reporter.close()


def test_an_agency_asks_for_reassessment_and_the_office_accepts(browser, live_server, live_world):
    """Art.20: the port reads a circular in its inbox, reports the risk has changed with its evidence; the warning
    office accepts on the warning's page and a re-assessment starts; the port sees the decision."""
    from riskgate.warnings.models import ReassessmentRequest, Recipient
    from tests.warnings.test_inbox import shaanxi_warning

    notice, _approver = shaanxi_warning(live_world)
    item = Recipient.objects.get(notice=notice, organisation=live_world.org("xianyang-customs"))
    port = sign_in(browser, live_server, "port", live_world.password)
    port.goto(f"{live_server.url}/warnings/inbox/{item.pk}/")
    section = port.locator("section[aria-labelledby='h-reassessment']")
    section.get_by_label("风险变化情况").fill("新型号同样过热")
    section.get_by_label("依据（检测、伤害、通报等）").fill("口岸抽检 5 批次，3 批次过热。")
    with port.expect_navigation():
        section.get_by_role("button", name="提出请求").click()
    assert port.get_by_text("已向发布机构提出重新研判请求。").is_visible()
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    section = office.locator("section[aria-labelledby='h-reassessment']")
    assert section.get_by_text("口岸抽检 5 批次").is_visible()
    section.get_by_label("接受，重新研判").check()
    section.get_by_label("处理理由").fill("新型号纳入研判范围。")
    with office.expect_navigation():
        section.get_by_role("button", name="提交处理").click()
    request = ReassessmentRequest.objects.get()
    assert request.status == "accepted" and request.assessment is not None
    port.reload()
    assert port.locator("section[aria-labelledby='h-reassessment']").get_by_text("已接受，重新研判").is_visible()
    for page in (port, office):
        assert page.console_errors == []


def test_a_notification_measure_is_read_by_the_partner_agency(browser, live_server, live_world):
    """ "Notify departments" ordered on the form: the partner agency opens it and its read receipt appears for the
    deciding bureau."""
    from riskgate.response.models import MeasureOrder
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    officer = sign_in(browser, live_server, "warning", live_world.password)
    officer.goto(f"{live_server.url}/measures/new/?warning={notice.pk}")
    officer.locator("#id_kind").select_option(label="通报有关部门和机构")
    officer.get_by_label("对象说明").fill("涉事型号")
    officer.get_by_label("措施要求").fill("请市场监管部门排查在售情况。")
    officer.get_by_label("牵头单位").select_option(label="咸阳海关")
    officer.get_by_label("配合单位").select_option(label="陕西省市场监督管理局")
    officer.get_by_label("完成时限").fill("2030-01-01T10:00")
    with officer.expect_navigation():
        officer.get_by_role("button", name="下达").click()
    order = MeasureOrder.objects.get()
    partner = sign_in(browser, live_server, "partner", live_world.password)
    partner.goto(f"{live_server.url}/measures/{order.pk}/")
    partner.wait_for_function("() => !document.querySelector('#deliveries-box form')")
    officer.goto(f"{live_server.url}/measures/{order.pk}/")
    box = officer.locator("#deliveries-box")
    assert box.get_by_text("已阅读").is_visible() and box.get_by_text("未读").is_visible()
    for page in (officer, partner):
        assert page.console_errors == []


def test_a_port_officer_records_an_outcome_without_lab_rows_and_with_two(browser, live_server, live_world):
    """Issue 26: the outcome form starts with no lab lines; "add a test item" adds one table line at a time."""
    from riskgate.accounts.models import Organisation
    from riskgate.targeting import live as live_engine
    from riskgate.targeting import services as targeting
    from riskgate.targeting.models import InspectionTask, PortOffice
    from riskgate.targeting.services import screening
    from tests.targeting.test_tasks import ITEM

    PortOffice.objects.get_or_create(
        code="CNXIY", defaults={"organisation": Organisation.objects.get(code="xian-airport-port")}
    )
    targeting.issue(live_world.user("xian"), {"hs_prefixes": ["8507"], "action": "inspect"})
    live_engine.reset()
    screening.screen(live_world.user("port"), [ITEM, {**ITEM, "declaration_id": "B2"}], one_declaration=False)
    first, second = InspectionTask.objects.order_by("id")
    port = sign_in(browser, live_server, "port", live_world.password)
    port.goto(f"{live_server.url}/targeting/tasks/{first.pk}/")
    assert port.locator("table.lab-rows").count() == 0
    port.get_by_label("合格", exact=True).check()
    port.get_by_label("查验发现").fill("外观、标识正常")
    with port.expect_navigation():
        port.get_by_role("button", name="登记结果").click()
    assert port.get_by_text(f"已登记 {first.reference} 的查验结果").is_visible()
    port.goto(f"{live_server.url}/targeting/tasks/{second.pk}/")
    port.get_by_label("不合格", exact=True).check()
    port.get_by_label("查验发现").fill("过充保护失效")
    for _ in range(2):
        with port.expect_navigation():
            port.get_by_role("button", name="添加检测项目").click()
    assert port.locator("table.lab-rows tbody tr").count() == 2
    assert port.get_by_label("查验发现").input_value() == "过充保护失效"
    port.get_by_label("检测项目（第 1 项）").fill("过充保护")
    port.get_by_label("检测结果（第 1 项）").fill("失效")
    port.get_by_label("符合（第 1 项）").select_option("0")
    port.get_by_label("检测项目（第 2 项）").fill("外壳温升")
    port.get_by_label("检测结果（第 2 项）").fill("62")
    port.get_by_label("符合（第 2 项）").select_option("0")
    with port.expect_navigation():
        port.get_by_role("button", name="登记结果").click()
    assert second.lab_results.count() == 2
    port.set_viewport_size({"width": 390, "height": 844})
    width = port.evaluate("document.documentElement.scrollWidth")
    assert width <= 430, f"the task page fits a phone ({width}px)"
    assert port.console_errors == []


# What sticks out of a phone's screen: the widest elements by their right edge (for a failing layout test's message).
WIDEST = """() => [...document.querySelectorAll("body *")]
    .map((el) => [Math.round(el.getBoundingClientRect().width), el.tagName + "." + el.className + "#" + el.id])
    .filter(([width]) => width > window.innerWidth + 1).sort((a, b) => a[0] - b[0]).slice(0, 6)"""

CONTRAST = """(el) => {
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let node = el, bg = null;
    while (node && node.nodeType === 1) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) { bg = c.slice(0, 3); break; }
        node = node.parentElement;
    }
    bg = bg || [255, 255, 255];
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("path", ["/warnings/", "/warnings/subscribe/", "/intake/", "/"])
def test_the_language_switch_is_readable_on_every_kind_of_page(browser, live_server, live_world, path):
    """Issue 26: on the warning pages the language links were white on white. Every language control in the top
    bar has a text contrast of at least 4.5:1 against what is behind it (WCAG AA)."""
    page = sign_in(browser, live_server, "warning", live_world.password) if path == "/intake/" else None
    if page is None:
        page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}{path}")
    controls = page.locator(".tools .lang a, .tools .lang button")
    assert controls.count() >= 2
    for n in range(controls.count()):
        ratio = controls.nth(n).evaluate(CONTRAST)
        assert ratio >= 4.5, (path, controls.nth(n).inner_text(), ratio)
    page.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_visitor_lands_on_the_public_home(browser, live_server, live_world, viewport):
    """Issue 26: `/` and the brand link sent a citizen to the sign-in page. The public home shows the warnings in
    force by level and the latest ones, and leads to reporting, following a report and subscribing; staff sign
    in from a small link."""
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="进出口商品质量安全风险预警").is_visible()
    assert page.locator("section[aria-labelledby='h-latest']").get_by_role("link", name=notice.title).is_visible()
    for name in ("举报风险", "查询举报进度", "订阅预警", "工作人员登录"):
        assert page.locator("#main").get_by_role("link", name=name).is_visible(), name
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    with page.expect_navigation():
        page.locator("section[aria-labelledby='h-levels']").get_by_role("link").nth(1).click()
    assert "level=II" in page.url
    page.goto(f"{live_server.url}/warnings/")
    with page.expect_navigation():
        page.get_by_role("link", name="RiskGate").click()
    assert page.url.rstrip("/") == live_server.url
    assert page.locator("#main").get_by_role("link", name="举报风险").is_visible()
    page.close()


def test_invalid_portal_filters_show_an_error_summary_and_no_results(browser, live_server, live_world):
    """Issue 26: `origin=中国` showed the field error yet listed every warning."""
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/warnings/?origin=Atlantis")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and page.get_by_role("link", name=notice.title).count() == 0
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_origin" or page.url.endswith("#id_origin")
    page.close()


def test_portal_filters_pick_by_name_and_fold_on_a_phone(browser, live_server, live_world):
    """Issue 26: a country is picked by its name; on a phone the filters fold behind one button and the first
    result is on the first screen."""
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/warnings/")
    assert page.get_by_role("button", name="筛选").is_hidden()
    page.get_by_label("原产国").fill("中国 (CN)")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert "origin=" in page.url and page.get_by_role("link", name=notice.title).is_visible()
    page.close()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.goto(f"{live_server.url}/warnings/")
    toggle = phone.get_by_role("button", name="筛选")
    assert toggle.is_visible() and phone.locator("#portal-filters").is_hidden()
    first = phone.locator("ul.warnings li").first.bounding_box()
    assert first is not None and first["y"] < 844, "the first result is on the first screen"
    toggle.click()
    assert phone.locator("#portal-filters").is_visible() and toggle.get_attribute("aria-expanded") == "true"
    phone.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_every_role_home_leads_with_its_pending_work_and_deadlines(browser, live_server, live_world, viewport):
    """Issue 26 item 2: each role's home page opens on "my pending work": counts, then the nearest deadlines with
    the time left, the overdue ones marked — on a desktop and within the first screen of a phone."""
    from tests.site.work import busy_world

    made = busy_world(live_world)
    expected = {
        "xian": ("intake.received", made["received"], "剩 2 天"),
        "warning": ("warnings.publish_due", made["unpublished"], "剩"),
        "admin": ("warnings.review", made["in_review"], "等待不足 1 天"),
        "assessor": ("assessment.accept", made["to_accept"], "剩"),
        "expert": ("assessment.vote", made["before_panel"], "剩"),
        "enterprise": ("response.report_due", made["obligation"], "剩 6 天"),
        "port": ("response.execute", made["order"], "逾期 1 天"),
    }
    for username, (key, obj, left) in expected.items():
        page = sign_in(browser, live_server, username, live_world.password, viewport=viewport)
        main = page.locator("#main")
        assert main.locator("h2").first.inner_text() == "我的待办", username
        group = main.locator(f"[data-work='{key}']")
        row = group.locator("tbody tr").filter(has_text=obj.reference)
        assert row.is_visible(), (username, key, group.inner_text() if group.count() else "no group")
        assert left in row.inner_text(), (username, row.inner_text())
        assert main.locator(".work-counts").get_by_role("link", name=str(group.locator("h3").inner_text().split()[0]))
        box = main.locator(".work-counts").bounding_box()
        assert box is not None and box["y"] + box["height"] <= viewport["height"], (username, "in the first screen")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"] + 1, (username, f"no sideways scrolling ({width}px)")
        if username == "port":
            assert "overdue" in (row.get_attribute("class") or "")
        assert page.console_errors == [], username
        page.close()
    quiet = sign_in(browser, live_server, "auditor", live_world.password, viewport=viewport)
    assert quiet.get_by_text("目前没有等待您处理的事项。").is_visible()
    if viewport["width"] > 600:
        quiet.screenshot(path=str(ARTIFACTS / "home-auditor.png"))
    quiet.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_whole_chain_of_a_risk_from_its_warning(browser, live_server, live_world, viewport):
    """Issue 26 item 8: from a warning's page, one timeline of everything linked to it — the item, the assessment,
    the warning, the rule and what it found at the port, the measure, the obligation, the recall — each linked;
    the enterprise sees only its own part of the same chain."""
    from tests.site.work import chained_world

    made = chained_world(live_world)
    page = sign_in(browser, live_server, "warning", live_world.password, viewport=viewport)
    page.goto(f"{live_server.url}/warnings/manage/{made['warning'].pk}/")
    with page.expect_navigation():
        page.locator("#main").get_by_role("link", name="查看全链条").click()
    timeline = page.locator("ol.timeline")
    for name in ("information", "assessment", "warning", "rule", "task", "measure", "obligation", "recall"):
        assert timeline.locator("li").filter(has_text=made[name].reference).first.is_visible(), name
    assert page.locator(".chain-counts [data-kind='task']").inner_text() == "查验不合格 1"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1, f"no sideways scrolling ({width}px)"
    with page.expect_navigation():
        timeline.get_by_role("link", name=made["assessment"].reference).click()
    assert page.url.endswith(f"/assessments/{made['assessment'].pk}/")
    assert page.console_errors == []
    enterprise = sign_in(browser, live_server, "enterprise", live_world.password, viewport=viewport)
    enterprise.goto(f"{live_server.url}/recalls/manage/{made['recall'].pk}/")
    with enterprise.expect_navigation():
        enterprise.locator("#main").get_by_role("link", name="查看全链条").click()
    shown = enterprise.locator("ol.timeline").inner_text()
    assert made["obligation"].reference in shown and made["recall"].reference in shown
    assert made["assessment"].reference not in shown and made["information"].reference not in shown


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_an_officer_works_through_the_link_queue_in_bulk(browser, live_server, live_world, viewport):
    """Issue 26 item 6: the queue says why each pair was proposed and which kind it is; the officer filters to
    the duplicates, selects the page, confirms them in one go, then opens the case that formed."""
    from riskgate.intake import services
    from riskgate.intake.models import LinkProposal, LinkStatus, RiskCase

    def enter(**data):
        data = {"source_type": "consumer_complaint", "channel": "hotline", "hazard_types": ["physical"], **data}
        return services.create_information(live_world.user("xian"), data=data)

    car = {"brand": "Ford", "product_name": "Passenger car", "product_category": "Motor vehicles"}
    a = enter(title="Ford Explorer 2025 — transmission may shift into park while driving", model="Explorer 2025", **car)
    b = enter(
        title="Ford Explorer 2025 — transmission may shift into park while driving (update)",
        model="Explorer 2025",
        **car,
    )
    c = enter(
        title="Ford Explorer 2025 — fuel injector can crack and leak near the exhaust", model="Explorer 2025", **car
    )
    assert a and b and c  # each entry's detection runs once it commits, as in production
    assert (
        LinkProposal.objects.filter(kind="related").exists() and LinkProposal.objects.filter(kind="duplicate").exists()
    )
    page = sign_in(browser, live_server, "xian", live_world.password, viewport=viewport)
    page.goto(f"{live_server.url}/intake/links/")
    rows = page.locator("table.links tbody tr")
    assert rows.first.get_by_text("同一产品（品牌与型号、批次或条码）").is_visible()
    if viewport["width"] < 600:
        page.get_by_role("button", name="筛选条件").click()
    page.get_by_label("类型").select_option("duplicate")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选", exact=True).click()
    assert rows.count() == LinkProposal.objects.filter(kind="duplicate").count()
    page.get_by_label("全选本页").check()
    with page.expect_navigation():
        page.get_by_role("button", name="确认所选为同一风险").click()
    assert page.get_by_text("归入 1 个风险案件").is_visible()
    assert not LinkProposal.objects.filter(kind="duplicate", status=LinkStatus.PROPOSED).exists()
    assert LinkProposal.objects.filter(kind="related", status=LinkStatus.PROPOSED).exists(), "related ones stay"
    case = RiskCase.objects.get()
    page.goto(f"{live_server.url}/intake/cases/")
    with page.expect_navigation():
        page.locator("#main tr", has_text=case.reference).get_by_role("link").first.click()
    assert page.get_by_text("尚未研判").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST)
    assert width <= viewport["width"] + 1, f"no sideways scrolling ({width}px: {wide})"
    assert page.console_errors == []


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_drafter_previews_and_compares_an_adjustment_before_sending_it_for_review(
    browser, live_server, live_world, viewport
):
    """Issue 26 item 5: "Draft a warning" starts from the basis; an adjustment's draft is edited in sections, then
    previewed as the public will read it with its changes against the published version, and sent from there."""
    from riskgate.warnings import services
    from riskgate.warnings.models import Status, WarningNotice
    from tests.warnings.factories import confirmed_assessment, published

    notice, _approver = published(live_world)
    waiting = confirmed_assessment(live_world, info=None)
    page = sign_in(browser, live_server, "warning", live_world.password, viewport=viewport)
    page.goto(f"{live_server.url}/warnings/manage/")
    with page.expect_navigation():
        page.locator("#main .heading").get_by_role("link", name="起草预警", exact=True).click()
    assert page.locator("#main").get_by_role("link", name=f"依据 {waiting.reference} 起草").is_visible()
    v2 = services.adjust(live_world.user("warning"), notice, reason="伤害报告增多", data={"level": "I"})
    page.goto(f"{live_server.url}/warnings/manage/{v2.pk}/edit/")
    assert page.locator("fieldset[data-section='where'] legend").inner_text() == "涉及哪些产品和地方"
    page.locator("#id_title").fill("关于进口折叠椅夹伤儿童手指的警示（升级）")
    with page.expect_navigation():
        page.get_by_role("button", name="保存草稿").click()
    with page.expect_navigation():
        page.locator("#main").get_by_role("link", name="预览与比较").click()
    diff = page.locator("[data-section='diff']")
    assert diff.locator("tr[data-field='title'] del").inner_text() == notice.title
    assert diff.locator("tr[data-field='title'] ins").inner_text() == "关于进口折叠椅夹伤儿童手指的警示（升级）"
    assert diff.locator("tr[data-field='level']").is_visible() and diff.locator("tr[data-field='summary']").count() == 0
    assert page.locator("[data-section='preview']").get_by_text("关于进口折叠椅夹伤儿童手指的警示（升级）").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"] + 1, f"no sideways scrolling ({width}px: {page.evaluate(WIDEST)})"
    with page.expect_navigation():
        page.get_by_role("button", name="送审").click()
    assert WarningNotice.objects.get(pk=v2.pk).status == Status.IN_REVIEW
    assert page.console_errors == []


def test_the_warning_office_edits_the_supervision_policy_in_its_tables(browser, live_server, live_world):
    """Issue 26 item 5: the supervision policy's factors are small tables, not raw JSON; a half-filled row is
    named in the error summary, and the fixed form saves a new version."""
    from riskgate.targeting.services import supervision

    page = sign_in(browser, live_server, "warning", live_world.password)
    page.goto(f"{live_server.url}/targeting/supervision/")
    page.get_by_label("失信企业").fill("4")
    page.locator("#policy_commodity_prefix_0").fill("9503")
    page.locator("#policy_reason").fill("玩具类加严")
    with page.expect_navigation():
        page.get_by_role("button", name="保存新版本").click()
    summary = page.locator(".error-summary")
    assert summary.get_by_text("请同时填写 HS 前缀和系数。").is_visible()
    page.locator("#policy_commodity_factor_0").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="保存新版本").click()
    assert page.locator(".error-summary").count() == 0
    policy = supervision.current_policy()
    assert policy.grade_factors["dishonest"] == 4 and policy.commodity_factors == {"9503": 2.0}
    assert page.console_errors == []


def test_an_officer_gives_a_foreign_report_its_chinese_version_and_english_readers_keep_the_original(
    browser, live_server, live_world
):
    """Issue 26.3: the Chinese version of a foreign English text, filled in on the item's page, on a phone."""
    from riskgate.intake import services

    info = services.create_information(
        live_world.user("xian"),
        data={
            "source_type": "foreign_recall",
            "channel": "foreign_notification",
            "title": "Power bank overheats while charging",
            "hazard_types": ["physical"],
        },
    )
    page = sign_in(browser, live_server, "xian", live_world.password, viewport={"width": 390, "height": 844})
    page.goto(f"{live_server.url}/intake/{info.pk}/")
    main = page.locator("#main")
    assert main.locator("h1 [lang=en]").inner_text() == "Power bank overheats while charging"
    assert "英文原文" in main.locator("h1").inner_text()
    main.get_by_label("中文标题").fill("充电宝充电时过热")
    main.get_by_label("中文描述").fill("充电时外壳发烫。")
    main.get_by_role("button", name="保存译文").click()
    page.wait_for_url(f"{live_server.url}/intake/{info.pk}/")
    assert main.locator("h1").inner_text().endswith("充电宝充电时过热")
    assert "Power bank overheats while charging" in main.locator("p[lang=en]").inner_text()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("#main h1").inner_text().endswith("Power bank overheats while charging")
    assert not page.console_errors


def test_a_long_list_shows_its_total_and_page_numbers_and_jumps_to_a_page_keeping_its_filter(
    browser, live_server, live_world
):
    """Issue 26.4: the pager of every list — the total, page numbers, and a jump box that keeps the filters."""
    from riskgate.core import audit

    for n in range(130):
        audit.record(actor=None, action="matrix.bulk", object_type="core.auditevent", object_id=str(n))
    page = sign_in(browser, live_server, "auditor", live_world.password)
    page.goto(f"{live_server.url}/audit/?action=matrix.bulk")
    pager = page.locator("#main nav.pager")
    assert pager.locator(".total").inner_text() == "共 130 条"
    assert pager.locator("[aria-current=page]").inner_text() == "1"
    pager.get_by_label("转到第").fill("3")
    pager.get_by_role("button", name="转到", exact=True).click()
    page.wait_for_url("**/audit/?action=matrix.bulk&page=3")
    assert page.locator("#main nav.pager [aria-current=page]").inner_text() == "3"
    assert page.locator("#main tbody tr").count() == 30
    page.locator("#main nav.pager").get_by_role("link", name="2", exact=True).click()
    page.wait_for_url("**/audit/?action=matrix.bulk&page=2")
    assert page.locator("#main tbody tr").count() == 50
    assert not page.console_errors


def _verified_items(live_world, titles, user="xian"):
    from riskgate.intake import services
    from riskgate.intake.models import RiskInformation, Status

    for title in titles:
        info = services.create_information(
            live_world.user(user),
            data={
                "source_type": "consumer_complaint",
                "channel": "hotline",
                "title": title,
                "hazard_types": ["physical"],
            },
        )
        RiskInformation.objects.filter(pk=info.pk).update(status=Status.VERIFIED)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_an_officer_sorts_a_list_by_its_headers_and_reads_it_as_cards_on_a_phone(
    browser, live_server, live_world, viewport
):
    """Issue 26.4: a header sorts the list (again: the other way); below 600 px each row is a card whose values
    are named by their columns, the sortable headers stay as a row of links, and nothing scrolls sideways."""
    _verified_items(live_world, ["排序乙 电热水壶", "排序甲 充电宝", "排序丙 吹风机"])
    page = sign_in(browser, live_server, "xian", live_world.password, viewport=viewport)
    page.goto(f"{live_server.url}/intake/?q=排序")
    titles = page.locator("#main tbody tr td:nth-child(2) a")
    assert titles.all_inner_texts() == ["排序丙 吹风机", "排序甲 充电宝", "排序乙 电热水壶"]  # newest first
    header = page.locator("#main thead th", has_text="标题")
    assert header.get_attribute("aria-sort") == "none" and header.is_visible()
    header.get_by_role("link").click()
    page.wait_for_url("**sort=title")
    assert titles.all_inner_texts() == ["排序丙 吹风机", "排序乙 电热水壶", "排序甲 充电宝"]
    assert page.locator("#main thead th", has_text="标题").get_attribute("aria-sort") == "ascending"
    page.locator("#main thead th", has_text="标题").get_by_role("link").click()
    page.wait_for_url("**sort=-title")
    assert titles.all_inner_texts() == ["排序甲 充电宝", "排序乙 电热水壶", "排序丙 吹风机"]
    row = page.locator("#main tbody tr").first
    display = row.evaluate("el => getComputedStyle(el).display")
    status = row.locator("td").last
    assert status.get_attribute("data-label") == "状态"
    if viewport["width"] < 600:
        assert display == "block", "a card per row on a phone"
        label = status.evaluate("el => getComputedStyle(el, '::before').content")
        assert label == '"状态"'
        assert not page.locator("#main thead th", has_text="原产国").is_visible()  # not sortable: not a sort link
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    else:
        assert display == "table-row"
        assert page.locator("#main thead th", has_text="原产国").is_visible()
    assert not page.console_errors


def test_a_long_export_runs_in_the_background_and_the_page_offers_the_file_when_done(browser, live_server, live_world):
    """Issue 26.4: the export button records a job and opens its page; the page follows the worker's progress
    without a reload and offers the download when the file is written."""
    from riskgate.core import exports
    from riskgate.core.models import ExportJob, ExportStatus

    _verified_items(live_world, ["导出测试 充电宝", "导出测试 电热水壶"])
    page = sign_in(browser, live_server, "xian", live_world.password)
    page.goto(f"{live_server.url}/intake/?q=导出测试")
    page.get_by_role("button", name="导出 CSV").click()
    page.wait_for_url("**/exports/*/")
    assert page.locator(".export-state").inner_text() == "已完成"  # a short export is done by the time it shows
    with page.expect_download() as download:
        page.get_by_role("link", name="下载文件").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("编号,信息来源") and "导出测试 充电宝" in text and len(text.strip().splitlines()) == 3
    # A long one: the page shows how far the worker has got and asks again until the file is there.
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=27_000, done=10_000, file="")
    page.goto(f"{live_server.url}/exports/{job.pk}/")
    assert "已导出 10000 / 27000 条" in page.locator("#export-status").inner_text()
    assert page.locator("#export-bar").get_attribute("value") == "37"
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED)
    exports.run(job.pk)
    page.get_by_role("link", name="下载文件").wait_for(timeout=5000)
    assert page.locator(".export-state").inner_text() == "已完成"
    assert not page.console_errors


def test_an_ordered_recall_gets_its_plan_and_an_investigation_its_period_through_the_error_summaries(
    browser, live_server, live_world
):
    """The warning office orders a recall and an investigation on the measure form; the investigation without its
    period comes back with the error summary at the top, focused, its line linking to the field. The enterprise
    then submits the recall plan (an empty plan lists every missing field first) with its target rate and date;
    the office links the defect investigation's assessment, and the enterprise reports progress."""
    from riskgate.response.models import MeasureOrder, Recall
    from tests.warnings.factories import published

    notice, _approver = published(live_world)
    officer = sign_in(browser, live_server, "warning", live_world.password)

    def order(kind, period=None):
        officer.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
        with officer.expect_navigation():
            officer.get_by_role("link", name="依据此预警下达快速反应措施").click()
        officer.locator("#id_kind").select_option(label=kind)
        officer.locator("#id_target_kind").select_option("enterprise")
        officer.locator("#id_target_enterprise").select_option(label="西安秦岭示例进出口贸易有限公司")
        officer.locator("#id_target").fill("涉事移动电源")
        officer.locator("#id_hs_codes").fill("850760")
        officer.locator("#id_instructions").fill("依据预警采取措施。")
        officer.locator("#id_lead_unit").select_option(label="咸阳海关")
        officer.locator("#id_deadline").fill("2030-01-01T10:00")
        if period:
            officer.locator("#id_investigation_from").fill(period[0])
            officer.locator("#id_investigation_to").fill(period[1])
        with officer.expect_navigation():
            officer.get_by_role("button", name="下达").click()

    # Required fields carry their marker beside the label.
    officer.goto(f"{live_server.url}/warnings/manage/{notice.pk}/")
    with officer.expect_navigation():
        officer.get_by_role("link", name="依据此预警下达快速反应措施").click()
    assert officer.locator("label[for=id_instructions] + strong.required").inner_text() == "必填"
    assert officer.locator("label[for=id_cooperating_units] + strong.required").count() == 0

    order("调查特定时间段同类产品、相关行业或关联区域的质量安全状况")
    summary = officer.locator(".error-summary")
    assert summary.is_visible() and "调查须写明调查期间" in summary.inner_text()
    assert officer.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link").first.click()
    assert officer.evaluate("document.activeElement.id") == "id_investigation_from"
    assert MeasureOrder.objects.count() == 0
    order("调查特定时间段同类产品、相关行业或关联区域的质量安全状况", ("2026-11-01", "2026-11-30"))
    investigation = MeasureOrder.objects.get()
    assert (str(investigation.investigation_from), str(investigation.investigation_to)) == ("2026-11-01", "2026-11-30")
    order("责令召回")
    recall = Recall.objects.get(measure__kind__code="ordered-recall")
    assert recall.status == "awaiting_plan"

    enterprise = sign_in(
        browser, live_server, "enterprise", live_world.password, viewport={"width": 390, "height": 844}
    )
    enterprise.goto(f"{live_server.url}/recalls/manage/{recall.pk}/")
    with enterprise.expect_navigation():
        enterprise.get_by_role("button", name="提交召回计划").click()
    summary = enterprise.locator(".error-summary")
    assert summary.is_visible()
    for label in ("涉及数量", "涉及范围", "补救措施", "通报和宣传计划"):
        assert label in summary.inner_text()
    enterprise.locator("#plan-affected_units").fill("1200")
    enterprise.locator("#plan-affected_range").fill("批次 2026-10 全部")
    enterprise.get_by_label("更换").check()
    enterprise.locator("#plan-communication_plan").fill("官网公告并短信通知购买者。")
    enterprise.locator("#plan-target_rate").fill("90")
    enterprise.locator("#plan-target_date").fill("2030-03-01")
    with enterprise.expect_navigation():
        enterprise.get_by_role("button", name="提交召回计划").click()
    assert enterprise.locator(".error-summary").count() == 0
    recall.refresh_from_db()
    assert (recall.status, recall.affected_units, recall.target_rate, str(recall.target_date)) == (
        "in_progress",
        1200,
        90,
        "2030-03-01",
    )

    officer.goto(f"{live_server.url}/recalls/manage/{recall.pk}/")
    officer.locator("#recall-assessment-assessment").select_option(index=1)
    with officer.expect_navigation():
        officer.get_by_role("button", name="关联研判").click()
    recall.refresh_from_db()
    assert recall.assessment_id == notice.assessment_id

    enterprise.goto(f"{live_server.url}/recalls/manage/{recall.pk}/")
    enterprise.locator("#id_as_of").fill(str(recall.started_on))
    enterprise.locator("#id_units_corrected").fill("600")
    with enterprise.expect_navigation():
        enterprise.get_by_role("button", name="报告进度").click()
    assert recall.progress.get().units_corrected == 600
    for page in (officer, enterprise):
        assert page.console_errors == []


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_an_analyst_confirms_a_monitoring_signal_and_an_assessment_is_requested(
    browser, live_server, live_world, viewport
):
    """Issue 27.5: a burst of aflatoxin notifications raises a signal; the analyst finds it in her pending work,
    reads the series on its chart (counts, expected value, threshold), and confirms it: the records are verified
    and an assessment is requested on them, linked from the signal."""
    from riskgate.assessment.models import Assessment
    from riskgate.monitoring import services
    from riskgate.monitoring.models import Signal
    from tests.monitoring.factories import SPIKE, history, profile

    chosen = profile(live_world)
    burst = history(live_world)
    services.detect(chosen, [SPIKE])
    signal = Signal.objects.get()
    analyst = sign_in(browser, live_server, "warning", live_world.password, viewport=viewport)
    panel = analyst.locator("[data-work='monitoring.signals']")
    with analyst.expect_navigation():
        panel.get_by_role("link", name=signal.reference, exact=False).first.click()
    analyst.locator("[data-signal-chart] svg").wait_for()
    assert analyst.locator("[data-signal-chart]").is_visible()
    assert analyst.get_by_text("Aflatoxins in hazelnuts from Turkey").count() == len(burst)
    analyst.locator("#id_institution").select_option(label="中国检验检疫科学研究院")
    analyst.locator("#id_lead").select_option(index=1)
    with analyst.expect_navigation():
        analyst.get_by_role("button", name="确认并提请研判").click()
    signal.refresh_from_db()
    assessment = Assessment.objects.get()
    assert signal.status == "confirmed" and signal.assessment == assessment
    assert set(assessment.information.values_list("pk", flat=True)) == set(burst)
    with analyst.expect_navigation():
        analyst.get_by_role("link", name=assessment.reference, exact=False).click()
    assert signal.reference in analyst.content()
    analyst.screenshot(
        path=str(ARTIFACTS / f"signal-confirmed-{'phone' if viewport else 'desktop'}.png"), full_page=True
    )
    assert analyst.console_errors == []


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_monitoring_plan_is_drawn_up_a_point_submits_and_the_enterprise_sees_its_result(
    browser, live_server, live_world, viewport
):
    """Issue 27.1–3: the warning office draws up a plan with quotas (the spare quota rows posted empty), adjusts it
    from a confirmed assessment's proposal and assigns a task; the monitoring point submits an out-of-limit record
    (it becomes risk information, once, also when submitted twice); the bureau approves it; the enterprise sees its
    result and the portal the aggregate."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.intake.models import RiskInformation
    from riskgate.monitoring.models import MonitoringPlan, Sample, SamplingTask
    from tests.warnings.factories import confirmed_assessment

    year = timezone.localdate().year
    shot = "phone" if viewport else "desktop"
    office = sign_in(browser, live_server, "warning", live_world.password, viewport=viewport)
    office.goto(f"{live_server.url}/monitoring/plans/new/")
    office.get_by_label("计划名称").fill("进口水产品监测计划")
    office.get_by_label("监测期自").fill(f"{year}-01-01")
    office.get_by_label("监测期至").fill(f"{year}-12-31")
    office.get_by_label("监测范围").select_option(label="进口：口岸 → 市场")
    office.get_by_label("重点贸易国家/地区").fill("VN TH")
    office.get_by_label("重点商品 HS 编码").fill("0306")
    office.get_by_label("化学").check()
    office.locator("#id_quota-0-unit").select_option(label="西安海关")
    office.locator("#id_quota-0-samples").fill("20")
    office.locator("#id_quota-1-unit").select_option(label="西安国际港务区风险监测点")
    office.locator("#id_quota-1-samples").fill("10")
    with office.expect_navigation():
        office.get_by_role("button", name="制定计划").click()
    plan = MonitoringPlan.objects.get()
    assert plan.hs_codes == ["0306"] and plan.quotas.count() == 2
    assert office.locator("[data-unit='xian-monitoring-point']").is_visible()

    # A confirmed assessment proposes to watch Ecuador too; the office accepts: a second version.
    assessment = confirmed_assessment(live_world)
    office.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    office.get_by_text("根据本研判结果提出监测计划调整建议").click()
    office.locator("#proposal_countries").fill("EC")
    office.locator("#proposal_reason").fill("厄瓜多尔对虾检出氯霉素")
    with office.expect_navigation():
        office.get_by_role("button", name="提出建议").click()
    office.goto(f"{live_server.url}/monitoring/plans/{plan.pk}/")
    with office.expect_navigation():
        office.get_by_role("button", name="采纳并调整计划").click()
    current = MonitoringPlan.objects.get(is_current=True)
    assert current.version == 2 and "EC" in current.countries
    office.get_by_text("下达抽样任务", exact=True).click()
    office.locator("#task_organisation").select_option(label="西安国际港务区风险监测点")
    office.locator("#task_laboratory").select_option(label="西安海关技术中心")
    office.locator("#task_product").fill("冻虾")
    office.locator("#task_samples").fill("4")
    office.locator("#task_test_items").fill("氯霉素")
    office.locator("#task_due_on").fill(f"{year}-11-30")
    with office.expect_navigation():
        office.get_by_role("button", name="下达", exact=True).click()
    assert SamplingTask.objects.filter(plan__lineage=plan, samples=4).exists()

    point = sign_in(browser, live_server, "point", live_world.password, viewport=viewport)
    for _attempt in range(2):  # the same record twice: stored once
        point.goto(f"{live_server.url}/monitoring/samples/new/")
        point.get_by_label("抽样任务").select_option(index=1)
        point.get_by_label("样品编号").fill("PT-E2E-1")
        point.get_by_label("产品名称").fill("冻南美白对虾")
        point.get_by_label("HS 编码").fill("030617")
        point.get_by_label("原产国/地区").fill("EC")
        point.get_by_label("相关企业").select_option(label="西安秦岭示例进出口贸易有限公司")
        point.get_by_label("抽样日期").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
        point.locator("#id_result-0-item").fill("氯霉素")
        point.locator("#id_result-0-value").fill("1.2")
        point.locator("#id_result-0-unit").fill("μg/kg")
        point.locator("#id_result-0-limit").fill("0.3")
        with point.expect_navigation():
            point.get_by_role("button", name="报送", exact=True).click()
    assert point.get_by_text("未重复登记").is_visible()
    sample = Sample.objects.get()
    assert not sample.passed and Sample.objects.count() == 1
    assert RiskInformation.objects.filter(source_type="risk_monitoring").count() == 1

    bureau = sign_in(browser, live_server, "xian", live_world.password, viewport=viewport)
    panel = bureau.locator("[data-work='monitoring.samples']")
    with bureau.expect_navigation():
        panel.get_by_role("link", name=sample.reference, exact=False).first.click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="审核通过").click()
    sample.refresh_from_db()
    assert sample.status == "approved"

    enterprise = sign_in(browser, live_server, "enterprise", live_world.password, viewport=viewport)
    enterprise.goto(f"{live_server.url}/monitoring/samples/")
    with enterprise.expect_navigation():
        enterprise.get_by_role("link", name=sample.reference).click()
    assert enterprise.get_by_text("氯霉素").is_visible() and enterprise.get_by_text("不合格").first.is_visible()
    enterprise.screenshot(path=str(ARTIFACTS / f"monitoring-result-enterprise-{shot}.png"), full_page=True)

    visitor = browser.new_page(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
    visitor.goto(f"{live_server.url}/monitoring-results/")
    assert visitor.get_by_text("0306").first.is_visible() and "秦岭" not in visitor.content()
    for page in (office, point, bureau, enterprise):
        assert page.console_errors == []


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_double_random_draw_is_published_verified_by_a_visitor_and_the_inspector_records_the_check(
    browser, live_server, live_world, viewport
):
    """Issue 27.4: the office draws enterprises and inspectors, publishes the draw; a visitor finds the seed, the
    snapshot's hash and the selection, and the page says the recomputation agrees; a drawn inspector records the
    result of his check, which the public page then shows."""
    import datetime as dt
    import hashlib

    from django.utils import timezone

    from riskgate.monitoring.models import SpotCheck, SpotCheckDraw

    year = timezone.localdate().year
    office = sign_in(browser, live_server, "warning", live_world.password, viewport=viewport)
    office.goto(f"{live_server.url}/monitoring/spot-checks/new/")
    office.get_by_label("抽查名称").fill("进出口企业双随机抽查")
    office.get_by_label("抽查期自").fill(f"{year}-01-01")
    office.get_by_label("抽查期至").fill(f"{year}-12-31")
    office.get_by_label("抽取企业数").fill("3")
    with office.expect_navigation():
        office.get_by_role("button", name="抽取", exact=True).click()
    draw = SpotCheckDraw.objects.get()
    assert draw.checks.count() == 3
    with office.expect_navigation():
        office.get_by_role("button", name="向社会公开").click()

    visitor = browser.new_page(viewport=viewport or {"width": 1280, "height": 900}, locale="zh-CN")
    visitor.goto(f"{live_server.url}/")
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="抽查公示").first.click()
    with visitor.expect_navigation():
        visitor.get_by_role("link", name="进出口企业双随机抽查").click()
    assert visitor.locator("[data-verified]").is_visible()
    assert visitor.locator("[data-hash]").inner_text().strip() == draw.snapshot_sha256
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name=f"{draw.reference}-snapshot.json").click()
    body = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(body).hexdigest() == draw.snapshot_sha256

    check = SpotCheck.objects.filter(draw=draw).order_by("position").first()
    inspector = check.inspectors.order_by("pk").first()
    mine = sign_in(browser, live_server, inspector.username, live_world.password, viewport=viewport)
    mine.goto(f"{live_server.url}/monitoring/spot-checks/mine/")
    row = mine.locator(f"#check-{check.pk}")
    row.get_by_text("登记结果").click()
    row.get_by_label("检查结果").select_option(label="未发现问题")
    row.get_by_label("检查日期").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    with mine.expect_navigation():
        row.get_by_role("button", name="登记").click()
    check.refresh_from_db()
    assert check.outcome == "conforming" and check.recorded_by == inspector
    visitor.reload()
    assert visitor.get_by_text("未发现问题").first.is_visible()
    for page in (office, mine):
        assert page.console_errors == []


def test_an_analyst_dismisses_a_signal_only_with_a_reason(browser, live_server, live_world):
    """Issue 27.5: dismissing without a reason shows the error summary on the field; with a reason the signal
    leaves the queue and its records stay as they were."""
    from riskgate.monitoring import services
    from riskgate.monitoring.models import Signal
    from tests.monitoring.factories import SPIKE, history, profile

    chosen = profile(live_world)
    history(live_world)
    services.detect(chosen, [SPIKE])
    signal = Signal.objects.get()
    analyst = sign_in(browser, live_server, "warning", live_world.password)
    analyst.goto(f"{live_server.url}/monitoring/signals/{signal.pk}/")
    with analyst.expect_navigation():
        analyst.get_by_role("button", name="排除", exact=True).click()
    summary = analyst.locator(".error-summary")
    assert summary.is_visible() and summary.get_by_role("link").first.inner_text().strip() != ""
    signal.refresh_from_db()
    assert signal.status == "open"
    analyst.get_by_label("排除理由").fill("集中抽检导致的通报增多")
    with analyst.expect_navigation():
        analyst.get_by_role("button", name="排除", exact=True).click()
    signal.refresh_from_db()
    assert signal.status == "dismissed" and signal.reason == "集中抽检导致的通报增多"
    analyst.goto(f"{live_server.url}/monitoring/signals/")
    assert analyst.get_by_text("没有符合条件的信号。").is_visible()
    assert analyst.console_errors == []


def test_a_plan_is_adjusted_with_a_reason_and_another_agencys_check_keeps_an_enterprise_out_of_the_draw(
    browser, live_server, live_world
):
    """Issue 27.1 and 27.4: the office adjusts a plan on its form (the quota rows posted as a browser posts them,
    spare ones empty; no reason first: refused), and records the market regulator's check of the Baoji company,
    which the next draw of the period then leaves out."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.monitoring.models import ExternalCheck, MonitoringPlan, SpotCheckDraw
    from riskgate.monitoring.services import plans

    year = timezone.localdate().year
    office_user = live_world.user("warning")
    plan = plans.create_plan(
        office_user,
        data={"title": "进口水产品监测计划", "period_start": dt.date(year, 1, 1), "period_end": dt.date(year, 12, 31),
              "scope": "import", "organisation": live_world.org("gacc-warning-office")},
        quotas=[(live_world.org("xian-customs"), 20)],
    )  # fmt: skip
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/monitoring/plans/{plan.pk}/")
    with office.expect_navigation():
        office.get_by_role("link", name="调整计划").click()
    office.locator("#id_quota-1-unit").select_option(label="哈尔滨海关")
    office.locator("#id_quota-1-samples").fill("15")
    with office.expect_navigation():
        office.get_by_role("button", name="保存为新版本").click()
    assert office.locator(".error-summary").is_visible()
    assert MonitoringPlan.objects.count() == 1
    office.get_by_label("调整理由").fill("哈尔滨口岸进口量上升")
    with office.expect_navigation():
        office.get_by_role("button", name="保存为新版本").click()
    current = MonitoringPlan.objects.get(is_current=True)
    assert current.version == 2 and current.change_reason == "哈尔滨口岸进口量上升"
    assert sorted((q.unit.code, q.samples) for q in current.quotas.all()) == [
        ("harbin-customs", 15),
        ("xian-customs", 20),
    ]

    office.goto(f"{live_server.url}/monitoring/spot-checks/others/")
    office.get_by_label("检查部门").select_option(label="陕西省市场监督管理局")
    office.locator("#id_enterprise").select_option(label="宝鸡示例玩具制造有限公司")
    office.get_by_label("检查日期").fill(f"{year}-01-15")
    office.locator("#id_outcome").select_option(label="未发现问题")
    with office.expect_navigation():
        office.get_by_role("button", name="登记").click()
    assert ExternalCheck.objects.filter(enterprise__code="ent-baoji-toys").exists()
    office.goto(f"{live_server.url}/monitoring/spot-checks/new/")
    office.get_by_label("抽查名称").fill("全部企业抽查")
    office.get_by_label("抽查期自").fill(f"{year}-01-01")
    office.get_by_label("抽查期至").fill(f"{year}-12-31")
    office.get_by_label("抽取企业数").fill("10")
    office.get_by_label("每户检查人员数").fill("1")
    with office.expect_navigation():
        office.get_by_role("button", name="抽取", exact=True).click()
    draw = SpotCheckDraw.objects.get()
    assert "ent-baoji-toys" not in draw.snapshot["enterprises"]
    assert not draw.checks.filter(enterprise__code="ent-baoji-toys").exists()
    assert office.console_errors == []


def test_a_grade_is_explained_overridden_by_two_officers_and_read_by_the_enterprise_on_a_phone(
    browser, live_server, live_world
):
    """The warning office records a penalty from the credit page (the grade is computed again and explained),
    proposes an override and cannot approve it; the Xi'an bureau finds it waiting on its home page and approves it;
    the enterprise reads its record on a phone in English, without the internal score."""
    from riskgate.credit.models import GradeOverride
    from riskgate.credit.queries import grade_of

    enterprise = live_world.org("ent-xian-trading")
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/credit/")
    with office.expect_navigation():
        office.get_by_role("link", name=enterprise.name).click()
    record = office.locator("section[aria-labelledby='h-record']")
    record.get_by_label("事件类型").select_option(label="一般行政处罚")
    record.get_by_label("来源文书编号").fill("咸关缉违字〔2026〕3号")
    record.get_by_label("发生日期").fill("2026-11-02")
    record.get_by_label("事实").fill("出口商品申报品质与实际不符")
    with office.expect_navigation():
        record.get_by_role("button", name="记录").click()
    events = office.locator("section[aria-labelledby='h-events']")
    assert events.get_by_text("一般行政处罚").is_visible() and events.get_by_text("不利").is_visible()
    office.get_by_text("提出人工调整").click()
    office.locator("#override_grade").select_option(label="失信企业")
    with office.expect_navigation():
        office.get_by_role("button", name="提交复核").click()
    assert office.locator(".error-summary").is_visible()  # no reason
    office.locator("#override_reason").fill("涉嫌走私，已立案侦查")
    with office.expect_navigation():
        office.get_by_role("button", name="提交复核").click()
    assert office.get_by_text("须由另一名人员复核。").is_visible()
    assert grade_of(enterprise) == "regular"

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    waiting = bureau.locator("[data-work='credit.overrides']")
    with bureau.expect_navigation():
        waiting.get_by_role("link").first.click()
    bureau.get_by_label("复核意见").fill("同意")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="复核通过").click()
    assert bureau.locator("p.grade").inner_text().startswith("失信企业")
    assert GradeOverride.objects.get().status == "in_force" and grade_of(enterprise) == "dishonest"

    phone = sign_in(browser, live_server, "enterprise", live_world.password, viewport={"width": 390, "height": 844})
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    phone.goto(f"{live_server.url}/credit/")
    assert phone.locator("p.grade").inner_text().startswith("Dishonest")
    assert phone.get_by_text("Administrative penalty").first.is_visible()
    assert phone.get_by_text("Internal score").count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"
    for page in (office, bureau, phone):
        assert page.console_errors == []


def test_a_black_list_entry_is_published_by_two_officers_and_repaired_on_the_enterprises_application(
    browser, live_server, live_world, tmp_path
):
    """The warning office proposes the penalised Xi'an enterprise from the list's candidates; the Xi'an bureau
    approves it from its pending work; a visitor reads it on the portal on a phone; the enterprise applies for
    credit repair with a PDF from its credit page; the bureau grants it and the portal no longer lists it."""
    from django.utils import timezone

    from riskgate.credit import services
    from riskgate.credit.models import ListEntry

    enterprise = live_world.org("ent-xian-trading")
    services.record_event(
        enterprise=enterprise,
        kind="penalty_serious",
        source="document:咸关缉违字〔2026〕7号",
        detail="逃避商品检验",
        occurred_at=timezone.now(),
    )
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/credit/lists/")
    candidate = office.locator(f"[data-candidate='black-serious-violation:{enterprise.code}']")
    candidate.get_by_text("提出列入").click()
    candidate.get_by_label("认定理由").fill("内部：另有刑事线索待移送")
    candidate.get_by_label("公布内容").fill("逃避商品检验，情节严重，受到行政处罚。")
    with office.expect_navigation():
        candidate.get_by_role("button", name="提出").click()
    assert office.get_by_text("须由另一名人员审核。").is_visible()
    entry = ListEntry.objects.get()

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    with bureau.expect_navigation():
        bureau.locator("[data-work='credit.entries']").get_by_role("link").first.click()
    bureau.get_by_label("审核意见").fill("同意")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="审核通过并公布").click()
    assert bureau.locator("[data-status='published']").is_visible()

    visitor = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    visitor.goto(f"{live_server.url}/credit-lists/?kind=black")
    row = visitor.locator(f"[data-entry='{entry.reference}']")
    assert row.is_visible() and "逃避商品检验" in row.inner_text() and "刑事线索" not in visitor.content()

    owner = sign_in(browser, live_server, "enterprise", live_world.password)
    owner.goto(f"{live_server.url}/credit/")
    owner.get_by_text("申请信用修复").click()
    owner.get_by_label("整改情况").fill("已缴纳罚款，完成检验流程整改并通过验收")
    proof = tmp_path / "整改验收报告.pdf"
    proof.write_bytes(b"%PDF-1.4 rectification accepted")
    owner.get_by_label("证明材料").set_input_files(str(proof))
    with owner.expect_navigation():
        owner.get_by_role("button", name="提交申请").click()
    assert owner.get_by_text("待审核").first.is_visible()

    bureau.goto(f"{live_server.url}/credit/lists/{entry.pk}/")
    bureau.locator("[data-repair] textarea").fill("整改到位")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="准予修复").click()
    assert bureau.locator("[data-status='removed']").is_visible()
    visitor.goto(f"{live_server.url}/credit-lists/?kind=black")
    assert visitor.locator(f"[data-entry='{entry.reference}']").count() == 0
    for page in (office, bureau, owner):
        assert page.console_errors == []
    visitor.close()


def test_a_case_is_transferred_with_sealed_evidence_and_acknowledged_by_the_receiving_agency(
    browser, live_server, live_world, tmp_path
):
    """The Xi'an bureau opens a transfer to the provincial market regulator, adds a PDF, seals and sends it; the
    regulator finds it in its pending work, sees the evidence intact, acknowledges it and reports the outcome."""
    from riskgate.enforcement.models import CaseTransfer

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    bureau.goto(f"{live_server.url}/enforcement/transfers/")
    with bureau.expect_navigation():
        bureau.get_by_role("link", name="移送案件").click()
    bureau.get_by_label("移送类别").select_option(label="移送其他行政机关")
    bureau.get_by_label("接收单位").select_option(label="陕西省市场监督管理局")
    bureau.get_by_label("案由").fill("国内市场销售不合格进口儿童玩具")
    bureau.get_by_label("涉嫌违法事实").fill("口岸抽检不合格批次已流入西安市场销售。")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="建立并收入证据").click()
    evidence = tmp_path / "抽检报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 inspection report")
    bureau.get_by_label("证据文件").set_input_files(str(evidence))
    bureau.get_by_label("证据说明").fill("口岸抽检报告")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="收入证据").click()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="封存证据并移送").click()
    assert bureau.locator("[data-integrity='intact']").is_visible()
    transfer = CaseTransfer.objects.get()
    assert transfer.status == "sent"

    agency = sign_in(browser, live_server, "partner", live_world.password)
    with agency.expect_navigation():
        agency.locator("[data-work='enforcement.received']").get_by_role("link").first.click()
    assert agency.locator("[data-integrity='intact']").is_visible()
    agency.get_by_label("接收回执").fill("陕市监案〔2026〕88号")
    with agency.expect_navigation():
        agency.get_by_role("button", name="确认接收").click()
    agency.get_by_label("处理结果").fill("已立案调查，责令下架并处罚款")
    with agency.expect_navigation():
        agency.get_by_role("button", name="反馈处理结果").click()
    assert agency.locator("[data-status='concluded']").is_visible()
    bureau.reload()
    assert "已立案调查" in bureau.locator("main").inner_text()
    for page in (bureau, agency):
        assert page.console_errors == []


def test_an_interview_is_held_and_its_commitments_followed_up(browser, live_server, live_world):
    """The Xi'an bureau schedules an interview of the Xi'an enterprise, records the minutes and a commitment with
    its deadline, confirms it fulfilled and closes the interview; the enterprise reads the minutes."""
    from riskgate.enforcement.models import Interview

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    bureau.goto(f"{live_server.url}/enforcement/interviews/")
    with bureau.expect_navigation():
        bureau.get_by_role("link", name="安排约谈").click()
    bureau.get_by_label("约谈对象类别").select_option(label="企业")
    bureau.get_by_label("被约谈企业").select_option(label="西安秦岭示例进出口贸易有限公司")
    bureau.get_by_label("约谈事由").fill("进口儿童玩具连续两批不合格")
    bureau.get_by_label("约谈时间").fill("2026-12-01T09:30")
    bureau.get_by_label("约谈地点").fill("西安海关会议室")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="保存").click()
    assert bureau.locator("[data-status='scheduled']").is_visible()
    bureau.get_by_label("实际约谈时间").fill("2026-12-01T10:00")
    bureau.get_by_label("参加人员").fill("企业法定代表人")
    bureau.get_by_label("约谈纪要").fill("企业承诺召回在售批次")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="记录约谈纪要").click()
    bureau.get_by_role("textbox", name="整改事项").fill("召回在售批次")
    bureau.get_by_label("完成期限").fill("2026-12-31")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="增加整改事项").click()
    bureau.locator("[data-commitment] textarea").fill("已召回 120 件")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="确认完成").click()
    assert "已召回 120 件" in bureau.locator("main").inner_text()
    bureau.get_by_label("办结意见").fill("整改到位")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="办结").click()
    assert bureau.locator("[data-status='closed']").is_visible()

    interview = Interview.objects.get()
    owner = sign_in(browser, live_server, "enterprise", live_world.password)
    owner.goto(f"{live_server.url}/enforcement/interviews/{interview.pk}/")
    assert "企业承诺召回在售批次" in owner.locator("[data-minutes]").inner_text()
    assert owner.get_by_role("button", name="确认完成").count() == 0
    for page in (bureau, owner):
        assert page.console_errors == []


def test_a_penalty_forcing_market_exit_is_published_and_exposed(browser, live_server, live_world):
    """The Xi'an bureau records a penalty that revokes the enterprise's registration (the boxes a browser posts),
    publishes it and exposes it as a typical case; a visitor finds it among the market exits, in English too."""
    from django.utils import timezone

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    bureau.goto(f"{live_server.url}/enforcement/penalties/")
    with bureau.expect_navigation():
        bureau.get_by_role("link", name="登记行政处罚").click()
    bureau.get_by_label("当事企业").select_option(label="西安秦岭示例进出口贸易有限公司")
    bureau.get_by_label("处罚决定书文号").fill("西关缉违字〔2026〕99号")
    bureau.get_by_label("处罚决定日期").fill(timezone.localdate().isoformat())
    bureau.get_by_label("违法事实").fill("伪造检验证明进口儿童玩具")
    bureau.get_by_label("处罚依据").fill("《进出口商品检验法》第三十六条")
    bureau.get_by_label("吊销许可证件、取消备案").check()
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="保存").click()
    assert "严重违法" in bureau.locator("[data-credit]").inner_text()
    bureau.get_by_label("公示内容").fill("伪造检验证明，取消进出口货物收发货人备案。")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="公示", exact=True).click()
    bureau.get_by_label("典型案例标题").fill("伪造检验证明案")
    bureau.get_by_label("典型案例说明").fill("检验证明造假将被强制退出市场。")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="曝光").click()

    visitor = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    visitor.goto(f"{live_server.url}/penalties/?exit=1")
    row = visitor.locator("[data-penalty='西关缉违字〔2026〕99号']")
    assert row.is_visible() and "强制退出市场" in row.inner_text()
    assert "伪造检验证明进口儿童玩具" not in visitor.content()  # the internal facts stay inside
    visitor.goto(f"{live_server.url}/penalties/")
    assert visitor.get_by_text("伪造检验证明案").is_visible()
    english = browser.new_page(locale="en-GB")
    english.goto(f"{live_server.url}/penalties/?exit=1")
    assert "Compulsory market exit" in english.locator("main").inner_text()
    assert bureau.console_errors == []
    visitor.close()
    english.close()


def test_a_campaign_a_supervised_case_and_a_benchmark(browser, live_server, live_world):
    """The warning office launches a campaign and supervises a major case at Xi'an Customs; Xi'an reports on both
    and names a quality benchmark, which a visitor sees on the portal; the office closes the case."""
    import datetime as dt

    from django.utils import timezone

    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/enforcement/campaigns/new/")
    office.get_by_label("行动名称").fill("龙腾行动")
    office.get_by_label("儿童用品").check()
    office.get_by_label("跨境电商").check()
    office.get_by_label("开始日期").fill(timezone.localdate().isoformat())
    office.get_by_label("结束日期").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    office.get_by_label("目标：检查批次").fill("100")
    with office.expect_navigation():
        office.get_by_role("button", name="保存").click()
    campaign_url = office.url
    office.goto(f"{live_server.url}/enforcement/supervision/new/")
    office.get_by_label("承办单位").select_option(label="西安海关")
    office.get_by_label("督办事项").fill("假冒儿童安全座椅案")
    office.get_by_label("情况与督办要求").fill("查清货源")
    office.get_by_label("办结期限").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    with office.expect_navigation():
        office.get_by_role("button", name="保存").click()
    supervised_url = office.url

    bureau = sign_in(browser, live_server, "xian", live_world.password)
    bureau.goto(campaign_url)
    bureau.get_by_label("检查批次").fill("40")
    bureau.get_by_label("查扣货值（元）").fill("120000")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="报告进展").click()
    assert "40%" in bureau.locator("[data-metric='inspections']").inner_text()
    bureau.goto(f"{live_server.url}/")
    with bureau.expect_navigation():
        bureau.locator("[data-work='enforcement.supervised']").get_by_role("link").first.click()
    bureau.get_by_role("textbox", name="办理进展").fill("已立案，查扣 2 批")
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="报告进展").click()
    assert bureau.get_by_role("button", name="结案销号").count() == 0
    bureau.goto(f"{live_server.url}/enforcement/benchmarks/new/")
    bureau.get_by_label("企业").select_option(label="西安秦岭示例进出口贸易有限公司")
    bureau.get_by_label("标杆名称").fill("进口食品质量安全示范企业")
    bureau.get_by_label("评定事迹").fill("连续三年零不合格")
    bureau.get_by_label("评定日期").fill(timezone.localdate().isoformat())
    bureau.get_by_label("有效期至").fill((timezone.localdate() + dt.timedelta(days=365)).isoformat())
    with bureau.expect_navigation():
        bureau.get_by_role("button", name="保存").click()

    office.goto(supervised_url)
    office.get_by_label("结案意见").fill("已移送公安，销号")
    with office.expect_navigation():
        office.get_by_role("button", name="结案销号").click()
    assert office.locator("[data-status='closed']").is_visible()
    visitor = browser.new_page(locale="zh-CN")
    visitor.goto(f"{live_server.url}/quality/")
    assert visitor.get_by_text("进口食品质量安全示范企业").is_visible()
    for page in (office, bureau):
        assert page.console_errors == []
    visitor.close()


def test_archive_disposal_is_submitted_by_one_officer_and_approved_by_another(browser, live_server, live_world):
    """Issue 29.5: an item rejected in 2022 is past its three years; the daily job listed it. The bureau officer
    checks the dry run and submits; the approve button is not hers; the warning office approves; the tombstone
    shows who approved, in Chinese and in English."""
    import datetime as dt

    import time_machine

    from riskgate.archive import services as archive
    from riskgate.intake import services as intake
    from riskgate.intake.models import RiskInformation

    with time_machine.travel(dt.datetime(2022, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        info = intake.create_information(
            live_world.user("xian"),
            data={"source_type": "consumer_complaint", "channel": "hotline", "title": "插线板外壳开裂",
                  "hazard_types": ["physical"]},
        )  # fmt: skip
        intake.transition(live_world.user("xian"), info, to_status="rejected", reason="非进出口商品")
    archive.run_retention()

    officer = sign_in(browser, live_server, "xian", live_world.password)
    officer.locator("header nav").get_by_role("link", name="档案管理").click()
    assert officer.locator(f"tr[data-record='{info.reference}']").is_visible()
    officer.get_by_role("link", name="销毁审批").click()
    officer.locator("tr[data-review] a").first.click()
    assert officer.locator(f"tr[data-item='{info.reference}'] td[data-outcome]").inner_text() == "将销毁"
    with officer.expect_navigation():
        officer.get_by_role("button", name="核对无误，提交审批").click()
    assert officer.locator("[data-second-officer]").is_visible()
    assert officer.get_by_role("button", name="批准销毁").count() == 0

    approver = sign_in(browser, live_server, "warning", live_world.password)
    assert approver.get_by_text("待审批的档案销毁清册").first.is_visible()  # the home page's pending work
    approver.goto(f"{live_server.url}/archive/reviews/")
    approver.locator("tr[data-review] a").first.click()
    with approver.expect_navigation():
        approver.get_by_role("button", name="批准销毁").click()
    assert approver.locator("[data-disposed]").inner_text() == "1 / 1"
    assert not RiskInformation.objects.filter(pk=info.pk).exists()
    approver.locator(f"tr[data-item='{info.reference}'] a").click()
    tombstone = approver.locator("[data-tombstone]")
    assert "审批人" in tombstone.inner_text() and "SHA-256" in tombstone.inner_text()
    approver.screenshot(path=str(ARTIFACTS / "archive-tombstone-zh.png"), full_page=True)
    approver.get_by_role("button", name="English").click()
    approver.wait_for_load_state()
    assert approver.get_by_text("Tombstone", exact=True).is_visible() and "Decided by" in tombstone.inner_text()
    assert approver.locator("[data-state]").inner_text() == "Disposed of"
    assert approver.console_errors == [] and officer.console_errors == []


def svg_texts(page, chart: str) -> list[str]:
    return page.locator(f"[data-insight-chart='{chart}'] svg text").evaluate_all("els => els.map(e => e.textContent)")


DASHBOARD_ROLES = ["system_admin", "warning_officer", "bureau_officer", "port_officer", "partner_officer",
                   "enterprise_user"]  # fmt: skip


def test_every_roles_dashboard_in_chinese_and_on_a_phone_in_english(browser, live_server, live_world):
    """Issue 29.1: each role's dashboard draws its charts (ECharts, served locally) with Chinese labels, keeps a
    table and a CSV beside each, and a click on a bar opens the records behind it; in English on a phone too."""
    import itertools

    from riskgate.insight import services as insight
    from riskgate.intake import services as intake
    from tests.conftest import ROLE_USERS

    for username, (title, source, hazards, countries) in itertools.product(
        ("xian", "port", "partner"),
        (
            ("充电宝起火", "consumer_complaint", ["physical"], ["CN"]),
            ("玩具邻苯超标", "foreign_recall", ["chemical"], ["DE", "VN"]),
            ("婴儿床缝隙", "foreign_recall", ["physical", "other"], []),
        ),
    ):  # the port's and the partner's own items: their jurisdictions are their own units
        intake.create_information(
            live_world.user(username),
            data={"source_type": source, "channel": "hotline", "title": title, "hazard_types": hazards,
                  "origin_countries": countries},
        )  # fmt: skip
    insight.rebuild()
    ARTIFACTS.mkdir(exist_ok=True)
    for role in DASHBOARD_ROLES:
        page = sign_in(browser, live_server, ROLE_USERS[role], live_world.password)
        page.locator("header nav").get_by_role("link", name="统计分析").click()
        page.wait_for_selector("[data-insight-chart] svg")
        assert page.get_by_role("heading", name="统计分析", exact=True).is_visible()
        if role == "enterprise_user":
            assert page.locator("[data-chart-card]").count() == 1
            labels = svg_texts(page, "on_time")
            assert "风险责任者义务" in labels, labels
        else:
            labels = svg_texts(page, "source")
            assert "境外通报召回" in labels and "消费者投诉" in labels, labels
            page.wait_for_selector("[data-insight-chart='country'] svg path")
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{role}-zh.png"), full_page=True)
        if role == "bureau_officer":  # a click on a bar opens the records it counts
            row = page.locator("table[data-table='source'] tbody tr", has_text="境外通报召回")
            figure = row.locator("td").nth(1).text_content().strip()
            page.locator("[data-insight-chart='source'] svg path[fill]").last.click()  # the longest bar
            page.wait_for_url("**/insight/source/records/**value=foreign_recall**")
            assert page.locator("[data-count]").get_attribute("data-count") == figure == "4"
            page.go_back()
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.wait_for_selector("[data-insight-chart] svg")
        assert page.get_by_role("heading", name="Dashboards", exact=True).is_visible()
        if role != "enterprise_user":
            labels = svg_texts(page, "source")
            assert "Foreign notification or recall" in labels or any("recall" in t.lower() for t in labels), labels
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{role}-en-phone.png"), full_page=True)
        assert page.console_errors == [], page.console_errors
        page.close()


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_a_plan_task_is_supervised_with_a_cooperating_unit_and_the_league_table_drills_into_it(
    browser, live_server, live_world, viewport
):
    """Issue 29.2: the warning office lists a work task of the plan with Xi'an leading and Harbin cooperating;
    Harbin finds it in its queue and reports; the office reads the report under Harbin's name, then opens the
    league table and a figure's records — in Chinese, and in English on the same page."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.intake import services as intake

    item = intake.create_information(
        live_world.user("xian"),
        data={"source_type": "consumer_complaint", "channel": "hotline", "title": "电暖器过热", "hazard_types": []},
    )
    from riskgate.insight import services as insight

    insight.rebuild()  # the league table's received counts are the dashboards' tallies
    office = sign_in(browser, live_server, "warning", live_world.password, viewport)
    office.goto(f"{live_server.url}/enforcement/supervision/new/")
    office.get_by_label("工作任务").check()
    office.get_by_label("督办事项").fill("建立口岸与市场联合督办机制")
    office.get_by_label("督办依据").fill("《实施方案》第三条第（五）项")
    office.get_by_label("承办单位").select_option(label="西安海关")
    office.get_by_label("哈尔滨海关").check()
    office.get_by_label("情况与督办要求").fill("牵头建立信息共享和联合督办机制。")
    office.get_by_label("办结期限").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    with office.expect_navigation():
        office.get_by_role("button", name="保存").click()
    task_url = office.url
    assert "工作任务督办" in office.locator("h1").inner_text()

    harbin = sign_in(browser, live_server, "harbin", live_world.password, viewport)
    harbin.goto(f"{live_server.url}/enforcement/supervision/")
    with harbin.expect_navigation():
        harbin.locator("[data-queue]").click()
    with harbin.expect_navigation():
        harbin.locator("tbody tr").filter(has_text="建立口岸与市场联合督办机制").get_by_role("link").first.click()
    harbin.get_by_role("textbox", name="办理进展").fill("已共享口岸查验数据")
    with harbin.expect_navigation():
        harbin.get_by_role("button", name="报告进展").click()
    assert harbin.get_by_role("button", name="结案销号").count() == 0

    office.goto(task_url)
    assert "哈尔滨海关" in office.get_by_text("已共享口岸查验数据").locator("xpath=..").inner_text()
    office.goto(f"{live_server.url}/insight/")
    with office.expect_navigation():
        office.get_by_role("link", name="绩效排行").click()
    table = office.locator("[data-table='performance']")
    assert "综合得分" in table.locator("thead").text_content()  # on a phone the rows are cards, the head hidden
    with office.expect_navigation():
        table.locator("tbody tr").filter(has_text="西安海关").get_by_role("link").first.click()
    assert office.locator(f"[data-record='{item.reference}']").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    office.screenshot(path=str(ARTIFACTS / f"league-drill-{'phone' if viewport else 'desktop'}.png"), full_page=True)
    office.goto(f"{live_server.url}/insight/performance/")
    with office.expect_navigation():
        office.get_by_role("button", name="English").click()
    assert office.locator("h1").inner_text() == "League table"
    assert "Score" in office.locator("[data-table='performance'] thead").text_content()
    for page in (office, harbin):
        assert page.console_errors == []
        page.close()


def test_an_expert_who_fails_the_examination_is_appraised_and_not_offered_for_a_panel(browser, live_server, live_world):
    """Issue 29.4: the warning office records an examination and 黄蕾's failing score, scores the year by the rule,
    confirms 黄蕾's result (fail) and overrides 刘洋's with a reason; the assessor's panel form no longer offers 黄蕾;
    the appraisal page reads in English too."""
    from django.utils import timezone

    from riskgate.assessment import services as assessment
    from tests.assessment.factories import request, verified_item

    case = request(live_world, verified_item(live_world))
    assessment.start(live_world.user("assessor"), case)
    office = sign_in(browser, live_server, "warning", live_world.password)
    office.goto(f"{live_server.url}/assessments/registry/")
    with office.expect_navigation():
        office.get_by_role("link", name="培训与考试").first.click()
    office.get_by_label("名称").fill("风险评估方法考试")
    office.get_by_label("类别").select_option(label="考试")
    office.get_by_label("玩具与儿童用品").check()
    office.get_by_label("举办日期").fill(timezone.localdate().isoformat())
    office.get_by_label("学时").fill("2")
    office.get_by_label("合格分数").fill("60")
    with office.expect_navigation():
        office.get_by_role("button", name="登记").click()
    with office.expect_navigation():
        office.get_by_role("link", name="风险评估方法考试").click()
    office.get_by_label("专家").select_option(label="黄蕾")
    office.get_by_label("成绩").fill("41")
    with office.expect_navigation():
        office.get_by_role("button", name="登记").click()
    assert "不合格" in office.locator("tr[data-expert='黄蕾']").inner_text()

    office.goto(f"{live_server.url}/assessments/appraisals/")
    office.locator("form[method='post'] input[name='year']").fill(str(timezone.localdate().year))
    with office.expect_navigation():
        office.get_by_role("button", name="按规则评定").click()
    huang = office.locator("tr[data-appraisal='黄蕾']")
    assert "考试不合格 是" in huang.inner_text() and "不合格" in huang.inner_text()
    with office.expect_navigation():
        huang.get_by_role("button", name="确定").click()
    assert office.locator("tr[data-appraisal='黄蕾'] strong.urgent").inner_text() == "不合格"
    liu = office.locator("tr[data-appraisal='刘洋']")
    liu.locator("select[name='result']").select_option("pass")
    with office.expect_navigation():
        liu.get_by_role("button", name="确定").click()
    assert "理由" in office.locator(".messages, [role='alert']").first.inner_text(), "another result needs a reason"
    liu = office.locator("tr[data-appraisal='刘洋']")
    liu.locator("select[name='result']").select_option("pass")
    liu.locator("input[name='reason']").fill("全年承担应急研判，复核为合格")
    with office.expect_navigation():
        liu.get_by_role("button", name="确定").click()
    assert "全年承担应急研判" in office.locator("tr[data-appraisal='刘洋']").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    office.screenshot(path=str(ARTIFACTS / "appraisal-zh.png"), full_page=True)
    with office.expect_navigation():
        office.get_by_role("button", name="English").click()
    assert "Yearly appraisal" in office.locator("h1").inner_text()
    assert "Fail" in office.locator("tr[data-appraisal='黄蕾']").inner_text()

    assessor = sign_in(browser, live_server, "assessor", live_world.password)
    assessor.goto(f"{live_server.url}/assessments/{case.pk}/")
    assessor.get_by_text("利益冲突声明与专家组").click()  # the panel's forms are folded
    offered = assessor.locator("form[action$='/seat/'] select[name='expert'] option").all_inner_texts()
    assert any("刘洋" in o for o in offered) and not any("黄蕾" in o for o in offered)
    assert office.console_errors == [] and assessor.console_errors == []


def test_a_shopper_traces_a_batch_on_a_phone(browser, live_server, live_world):
    """Issue 30: the public trace query on a phone — the batch a public warning names shows it; another batch of
    the same product shows none; the query works from the code a scanner reads and in English."""
    from riskgate.trace import demo
    from tests.trace.test_public import capture_demo_chains
    from tests.warnings.factories import published

    capture_demo_chains(live_world)
    notice, _approver = published(live_world, {"gtins": [demo.GTIN], "batches": [demo.COVERED_LOT]})
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Refused" in m.text else None)
    phone.goto(f"{live_server.url}/")
    assert phone.locator("header nav a", has_text="追溯查询").count() == 1
    phone.goto(f"{live_server.url}/trace/")
    phone.get_by_label("商品条码 (GTIN)").fill(demo.GTIN)
    phone.get_by_label("批号或序列号").fill(demo.COVERED_LOT)
    phone.get_by_role("button", name="查询", exact=True).click()
    alert = phone.locator("#trace-alert")
    assert alert.is_visible() and notice.reference in alert.inner_text()
    assert "中国" in phone.locator("main").inner_text()  # the declared origin
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(ARTIFACTS / "trace-phone-covered.png"), full_page=True)
    with phone.expect_navigation():
        alert.get_by_role("link", name=notice.reference).click()
    assert notice.title in phone.locator("main").inner_text()

    phone.goto(f"{live_server.url}/trace/")
    phone.get_by_label("扫码或粘贴条码内容").fill(f"(01){demo.GTIN}(10){demo.CLEAR_LOT}")
    phone.get_by_role("button", name="查询", exact=True).click()
    assert phone.locator("#trace-clear").is_visible() and phone.locator("#trace-alert").count() == 0
    assert "生产" in phone.locator(".timeline").inner_text()

    phone.goto(f"{live_server.url}/trace/01/{demo.GTIN}/10/NOSUCHLOT/")
    assert phone.locator("#trace-none").is_visible()
    phone.get_by_role("button", name="English").click()
    phone.wait_for_load_state()
    assert phone.get_by_role("heading", name="Product trace query").is_visible()
    phone.get_by_label("Barcode (GTIN)").fill(demo.GTIN)
    phone.get_by_label("Lot or serial number").fill(demo.COVERED_LOT)
    phone.get_by_role("button", name="Search", exact=True).click()
    assert "covered by a risk warning or recall" in phone.locator("#trace-alert").inner_text()
    phone.screenshot(path=str(ARTIFACTS / "trace-phone-en.png"), full_page=True)
    assert not errors, errors


def test_an_officer_alerts_exporters_to_a_tbt_notification_and_the_exporter_comments(browser, live_server, live_world):
    """Issue 30 item 3: register a notification on a heading, see the exporters it concerns, alert them; the
    exporter finds it in its pending work, drafts a comment and submits it before the deadline; in English too."""
    import datetime as dt

    from django.utils import timezone

    from riskgate.targeting.services import screening
    from riskgate.tbt import demo

    items = [{**item, "enterprise_ids": ["6101930001"]} for item in demo.export_items(timezone.now())[:3]]
    screening.screen(live_world.user("warning"), items, one_declaration=False)
    officer = sign_in(browser, live_server, "warning", live_world.password)
    officer.goto(f"{live_server.url}/tbt/")
    officer.get_by_role("link", name="登记通报").click()
    officer.get_by_label("类型").select_option("tbt")
    officer.get_by_label("文件编号").fill("G/TBT/N/USA/9999")
    officer.get_by_label("通报成员").fill("US")
    officer.locator("#id_title").fill("儿童玩具中的重金属")
    officer.get_by_label("覆盖的产品").fill("玩具")
    officer.get_by_label("HS 编码").fill("9503")
    officer.get_by_label("评议截止日期").fill((timezone.localdate() + dt.timedelta(days=20)).isoformat())
    officer.get_by_role("button", name="登记", exact=True).click()
    impact = officer.locator("#impact")
    assert "西安秦岭示例进出口贸易有限公司" in impact.inner_text() and "9503" in impact.inner_text()
    officer.get_by_role("button", name="向这些出口企业发送预警").click()
    assert "西安秦岭示例进出口贸易有限公司" in officer.locator("#alerts").inner_text()
    officer.screenshot(path=str(ARTIFACTS / "tbt-officer-alerted.png"), full_page=True)

    exporter = sign_in(browser, live_server, "enterprise", live_world.password, viewport={"width": 390, "height": 844})
    exporter.get_by_role("link", name="G/TBT/N/USA/9999 · 儿童玩具中的重金属").first.click()
    exporter.locator("#id_text").fill("建议给予 12 个月过渡期。")
    exporter.get_by_role("button", name="保存草稿").click()
    assert "草稿" in exporter.locator("#comments").inner_text()
    exporter.get_by_role("button", name="提交评议").click()
    assert "已提交" in exporter.locator("#comments").inner_text()
    assert exporter.locator("#impact").count() == 0  # the other exporters' volumes are the authorities' only
    exporter.get_by_role("button", name="English").click()
    exporter.wait_for_load_state()
    assert "Submitted" in exporter.locator("#comments").inner_text()
    assert exporter.get_by_role("heading", name="Comment").is_visible()
    exporter.screenshot(path=str(ARTIFACTS / "tbt-exporter-en.png"), full_page=True)
    assert not officer.console_errors and not exporter.console_errors


def test_acceptance_is_narrowed_in_public_and_a_result_outside_it_is_refused_at_the_port(
    browser, live_server, live_world
):
    """Issue 30 item 4: an officer suspends a third-party laboratory's acceptance for toys with the reason; the
    public registry shows it; a port officer who records a toy test result from that laboratory is told why it is
    refused, and nothing is recorded."""
    from riskgate.targeting.models import InspectionTask

    body = live_world.org("third-party-lab").assessment_body
    officer = sign_in(browser, live_server, "warning", live_world.password)
    officer.goto(f"{live_server.url}/assessments/registry/")
    officer.get_by_role("link", name="示例第三方检测认证有限公司").first.click()
    row = officer.locator("#scopes tbody tr", has_text="9503")
    row.get_by_placeholder("调整理由").fill("能力验证结果不满意")
    row.get_by_role("button", name="暂停采信").click()
    assert "暂停采信" in officer.locator("#scopes tbody tr", has_text="9503").inner_text()

    visitor = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    visitor.goto(f"{live_server.url}/laboratories/accepted/")
    assert "暂停采信" in visitor.locator("main").inner_text() and "玩具" in visitor.locator("main").inner_text()

    task = InspectionTask.objects.create(
        declaration_id="ACC-B", item_no=1, item={"hs_code": "9503008900", "description": "塑料玩具车"},
        hs_code="9503008900", action="inspect", organisation=live_world.user("port").organisation,
    )  # fmt: skip
    port = sign_in(browser, live_server, "port", live_world.password)
    port.goto(f"{live_server.url}/targeting/tasks/{task.pk}/")
    port.get_by_label("合格", exact=True).check()
    port.get_by_role("button", name="添加检测项目").click()
    port.locator("#id_lab-0-institution").select_option("third-party-lab")
    port.locator("#id_lab-0-test_item").fill("小零件")
    port.locator("#id_lab-0-result").fill("无")
    port.locator("#id_lab-0-conforms").select_option("1")
    port.get_by_role("button", name="登记结果").click()
    assert "采信已暂停" in port.locator(".error-summary").inner_text()
    assert InspectionTask.objects.get(pk=task.pk).status == "open"
    port.screenshot(path=str(ARTIFACTS / "acceptance-refused.png"), full_page=True)
    assert body.scopes.get(hs_prefix="9503").suspended
    assert not officer.console_errors and not port.console_errors


def test_a_port_emergency_plan_is_drilled_activated_on_an_urgent_warning_and_followed(browser, live_server, live_world):
    """Issue 30 item 6: a bureau officer writes a plan for dangerous goods with its joint-response tasks, records a
    drill, activates the plan on a level-I warning; the port reports its task done; the officer sees the progress."""
    import datetime as dt

    from tests.warnings.factories import published

    notice, _approver = published(live_world, {"level": "I", "title": "危险品包装破损泄漏风险"})
    officer = sign_in(browser, live_server, "xian", live_world.password)
    officer.locator("header nav").get_by_role("link", name="口岸应急").click()
    officer.get_by_role("link", name="制定应急预案").click()
    officer.get_by_label("口岸").select_option(label="西安咸阳国际机场口岸")
    officer.get_by_label("商品类别").select_option("dangerous_goods")
    officer.get_by_label("预案名称").fill("机场口岸危险品泄漏应急预案")
    officer.get_by_label("适用范围").fill("经西安咸阳国际机场口岸进口的危险品")
    officer.get_by_label("处置程序").fill("隔离现场、封存货物、抽样检测、监督处置")
    officer.get_by_label("联合处置任务").fill("2 | xian-airport-port | 封存涉事货物并暂停通关")
    officer.get_by_role("button", name="保存预案").click()
    assert "封存涉事货物并暂停通关" in officer.locator("#steps").inner_text()
    drill = officer.locator("#drill-form")
    drill.get_by_label("演练日期").fill(dt.date.today().isoformat())
    drill.get_by_label("演练情景").fill("锂电池货物冒烟")
    drill.get_by_label("参演单位").fill("机场口岸、机场消防")
    drill.get_by_label("评估结论").select_option("good")
    drill.get_by_label("评估意见").fill("响应及时")
    drill.get_by_role("button", name="登记演练").click()
    assert "良好" in officer.locator("#drills").inner_text()
    activate = officer.locator("#activate-form")
    activate.get_by_label("依据的预警").select_option(str(notice.pk))
    activate.get_by_label("启动理由").fill("I 级预警涉及本口岸在途货物")
    activate.get_by_role("button", name="启动").click()
    assert "0 / 1" in officer.locator("#progress").inner_text()
    url = officer.url

    port = sign_in(browser, live_server, "port", live_world.password, viewport={"width": 390, "height": 844})
    port.goto(url)
    port.locator("#tasks textarea").fill("已封存 2 票货物")
    port.locator("#tasks").get_by_label("已完成").check()
    port.locator("#tasks").get_by_role("button", name="报告进展").click()
    assert "已封存 2 票货物" in port.locator("#tasks").inner_text()
    officer.reload()
    assert "1 / 1" in officer.locator("#progress").inner_text()
    officer.get_by_role("button", name="English").click()
    officer.wait_for_load_state()
    assert "Emergency response" in officer.locator("main").inner_text()
    officer.screenshot(path=str(ARTIFACTS / "emergency-activation-en.png"), full_page=True)
    assert not officer.console_errors and not port.console_errors


def test_an_officer_adjusts_the_legal_inspection_catalogue(browser, live_server, live_world):
    """Issue 30 item 5: the catalogue is adjusted on its page as a new version, with the reason; a port officer
    reads it (and cannot adjust it); in English too."""
    officer = sign_in(browser, live_server, "warning", live_world.password)
    officer.goto(f"{live_server.url}/targeting/rules/")
    officer.get_by_role("link", name="法检目录").click()
    form = officer.locator("#catalogue-form")
    form.get_by_label("HS 编码（前缀）").fill("850760")
    form.get_by_label("商品名称").fill("锂离子蓄电池（含移动电源）")
    form.get_by_label("须 CCC 认证").check()
    form.get_by_label("调整理由").fill("锂离子电池和移动电源纳入 CCC 认证")
    form.get_by_role("button", name="生成新版本").click()
    assert "850760" in officer.locator("#entries").inner_text()
    assert "v1" in officer.locator("#versions").inner_text()
    port = sign_in(browser, live_server, "port", live_world.password, viewport={"width": 390, "height": 844})
    port.goto(f"{live_server.url}/targeting/catalogue/")
    assert "锂离子蓄电池" in port.locator("#entries").text_content() and port.locator("#catalogue-form").count() == 0
    port.get_by_role("button", name="English").click()
    port.wait_for_load_state()
    assert port.get_by_role("heading", name="Legal-inspection catalogue · v1").is_visible()
    assert not officer.console_errors and not port.console_errors


def test_an_enterprise_uploads_an_epcis_document_and_reads_its_chain(browser, live_server, live_world, tmp_path):
    """Issue 30 item 1: the enterprise uploads an EPCIS 2.0 document from the browser; a document with one bad
    event is refused with the schema's path and nothing is stored; the good one is captured and its batch's chain
    shows the stages; in English too."""
    import json

    from django.utils import timezone

    from riskgate.trace import demo
    from riskgate.trace.models import TraceEvent

    document = demo.chain_document("WEB001", timezone.now().replace(microsecond=0), "610120261099999999")
    broken = json.loads(json.dumps(document))
    broken["epcisBody"]["eventList"][2]["action"] = "JUMP"
    (tmp_path / "bad.jsonld").write_text(json.dumps(broken), encoding="utf-8")
    (tmp_path / "good.jsonld").write_text(json.dumps(document), encoding="utf-8")
    page = sign_in(browser, live_server, "enterprise", live_world.password)
    page.locator("header nav").get_by_role("link", name="产品追溯").click()
    page.get_by_role("link", name="追溯数据报送").click()
    page.get_by_label("EPCIS 2.0 文档（JSON / JSON-LD）").set_input_files(str(tmp_path / "bad.jsonld"))
    page.get_by_role("button", name="上传并校验").click()
    assert "/epcisBody/eventList/2/action" in page.locator(".error-summary").inner_text()
    assert not TraceEvent.objects.exists()
    page.get_by_label("EPCIS 2.0 文档（JSON / JSON-LD）").set_input_files(str(tmp_path / "good.jsonld"))
    page.get_by_role("button", name="上传并校验").click()
    assert "已保存 6 个事件" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="产品追溯链").click()
    page.get_by_label("扫码或粘贴条码内容").fill(f"https://id.gs1.org/01/{demo.GTIN}/10/WEB001")
    page.get_by_role("button", name="查询").click()
    chain = page.locator(".timeline").inner_text()
    assert all(stage in chain for stage in ("生产", "检验", "物流", "进出口申报", "销售"))
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert "Customs declaration" in page.locator(".timeline").inner_text()
    assert not page.console_errors
