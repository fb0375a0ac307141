"""The registry of rooms: what each app contributes to the site. Adding an app means adding its Room here.

Contributions are named by dotted path and resolved when first used, so that reading the registry (every page
does, for the navigation) imports no demo loader and no API module.
"""

from dataclasses import dataclass, field
from functools import cache

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from riskgate.core.permissions import Permission


@dataclass(frozen=True)
class Link:
    """A navigation entry: shown to a signed-in user holding any of `permissions` (everyone when empty)."""

    url: str
    label: Promise
    position: int
    permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class Panel:
    """A home-page panel: `read(user)` (a function of the app's queries) gives its context, or None to hide it."""

    read: str
    template: str
    position: int


@dataclass(frozen=True)
class Section:
    """A section a downstream room adds to an upstream room's page (`slot` names the page), so that the upstream
    page shows downstream facts without importing them: `read(user, obj)` gives its context, or None to hide it."""

    slot: str
    read: str
    template: str
    position: int = 0


@dataclass(frozen=True)
class DemoStep:
    """A demo loader (idempotent) and the line that reports what it created (None: it reports nothing)."""

    loader: str
    report: str | None = None


@dataclass(frozen=True)
class Room:
    app: str
    urls: str | None = None  # URLconf module, mounted at the site's root
    router: str | None = None  # the app's django-ninja router, mounted under /api/v1/
    navigation: tuple[Link, ...] = ()
    public_navigation: tuple[Link, ...] = ()  # for visitors who are not signed in
    panels: tuple[Panel, ...] = ()
    sections: tuple[Section, ...] = ()
    work: tuple[str, ...] = ()  # functions (user) -> list[core.work.WorkGroup]: what waits for this user
    world: tuple[str, ...] = ()  # demo loaders of the base world (organisations, accounts, registries…)
    demo: tuple[DemoStep, ...] = field(default=())  # demo loaders run after the real notifications are imported


P = Permission
# Who has a dashboard: readers of risk information, warnings or measures, and enterprises (their obligations).
INSIGHT_READERS = (P.INTAKE_INFORMATION_VIEW, P.WARNING_VIEW, P.RESPONSE_MEASURE_VIEW, P.RESPONSE_OBLIGATION_FULFIL)

ROOMS: list[Room] = [
    Room(
        "core",
        urls="riskgate.core.urls",
        router="riskgate.core.api.router",
        navigation=(Link("core:audit_list", _("审计日志"), 80, (P.AUDIT_EVENT_VIEW,)),),
        panels=(
            Panel("riskgate.core.queries.notifications_panel", "core/panels/notifications.html", 30),
            Panel("riskgate.core.queries.audit_panel", "core/panels/audit.html", 40),
        ),
    ),
    Room(
        "accounts",
        urls="riskgate.accounts.urls",
        router="riskgate.accounts.api.router",
        navigation=(
            Link("accounts:organisation_list", _("组织机构"), 70, (P.ORG_ORGANISATION_VIEW,)),
            Link("accounts:user_list", _("用户"), 71, (P.ORG_USER_VIEW,)),
            Link("accounts:token_list", _("接口令牌"), 81, (P.API_TOKEN_MANAGE,)),
            Link("admin:index", _("基础数据管理"), 90, (P.REF_DATA_MANAGE,)),
        ),
        panels=(
            Panel("riskgate.accounts.queries.account_security_panel", "accounts/panels/account_security.html", 50),
            Panel("riskgate.accounts.queries.expiring_tokens_panel", "accounts/panels/expiring_tokens.html", 60),
            Panel("riskgate.accounts.queries.jurisdiction_panel", "accounts/panels/jurisdiction.html", 70),
            Panel("riskgate.accounts.queries.my_account_panel", "accounts/panels/my_account.html", 80),
        ),
        world=("riskgate.accounts.demo.load_demo_organisations_and_accounts",),
    ),
    Room(
        "credit",
        work=("riskgate.credit.queries.pending_work", "riskgate.credit.queries.list_work"),
        urls="riskgate.credit.urls",
        router="riskgate.credit.api.router",
        navigation=(
            Link("credit:list", _("质量信用"), 54, (P.CREDIT_RECORD_VIEW,)),
            Link("credit:lists", _("信用名单"), 55, (P.CREDIT_RECORD_MANAGE,)),
        ),
        public_navigation=(Link("credit:portal_lists", _("信用名单"), 27),),
        sections=(
            Section(
                "accounts.organisation",
                "riskgate.credit.queries.enterprise_section",
                "credit/sections/organisation.html",
            ),
            Section("accounts.organisation", "riskgate.credit.queries.list_section", "credit/sections/lists.html", 1),
        ),
        demo=(DemoStep("riskgate.credit.demo.load_demo_credit", "Credit events of the demo enterprises: {}"),),
    ),
    Room(
        "enforcement",
        work=("riskgate.enforcement.queries.pending_work", "riskgate.enforcement.queries.case_work"),
        urls="riskgate.enforcement.urls",
        navigation=(
            Link(
                "enforcement:transfers",
                _("案件移送"),
                56,
                (P.ENFORCEMENT_TRANSFER_MANAGE, P.ENFORCEMENT_TRANSFER_RECEIVE),
            ),
            Link("enforcement:interviews", _("约谈"), 57, (P.ENFORCEMENT_CASE_VIEW,)),
            Link("enforcement:supervision", _("挂牌督办"), 58, (P.ENFORCEMENT_CASE_MANAGE,)),
            Link("enforcement:penalties", _("行政处罚"), 59, (P.ENFORCEMENT_CASE_VIEW,)),
            Link("enforcement:campaigns", _("专项打假"), 61, (P.ENFORCEMENT_CASE_MANAGE,)),
            Link("enforcement:benchmarks", _("示范标杆"), 62, (P.ENFORCEMENT_CASE_VIEW,)),
        ),
        public_navigation=(
            Link("enforcement:portal_penalties", _("处罚公示"), 28),
            Link("enforcement:portal_quality", _("质量标杆"), 29),
        ),
        sections=(
            Section(
                "accounts.organisation",
                "riskgate.enforcement.queries.enterprise_section",
                "enforcement/sections/organisation.html",
                2,
            ),
        ),
        demo=(
            DemoStep("riskgate.enforcement.demo.load_demo_transfers", "Case transfers: {}"),
            DemoStep("riskgate.enforcement.demo.load_demo_cases", "Enforcement cases, benchmarks and publicity: {}"),
        ),
    ),
    Room(
        "archive",
        work=("riskgate.archive.queries.pending_work",),
        urls="riskgate.archive.urls",
        navigation=(Link("archive:records", _("档案管理"), 78, (P.ARCHIVE_RECORD_VIEW,)),),
    ),
    Room(
        "intake",
        work=("riskgate.intake.queries.pending_work",),
        urls="riskgate.intake.urls",
        router="riskgate.intake.api.router",
        navigation=(
            Link("intake:list", _("风险信息"), 10, (P.INTAKE_INFORMATION_VIEW,)),
            Link("intake:links", _("关联建议"), 11, (P.INTAKE_INFORMATION_PROCESS,)),
            Link("intake:cases", _("风险案件"), 12, (P.INTAKE_INFORMATION_VIEW,)),
            Link("intake:enterprise_reports", _("风险报告"), 60, (P.INTAKE_ENTERPRISE_REPORT,)),
        ),
        public_navigation=(Link("intake:public_report", _("举报风险"), 30),),
        panels=(Panel("riskgate.intake.queries.open_work_panel", "intake/panels/open_work.html", 10),),
        world=("riskgate.intake.demo.load_sharing_scope",),
        demo=(DemoStep("riskgate.intake.demo.load_notifications"),),
    ),
    Room(
        "assessment",
        work=("riskgate.assessment.queries.pending_work",),
        urls="riskgate.assessment.urls",
        router="riskgate.assessment.api.router",
        navigation=(
            Link("assessment:list", _("风险研判"), 20, (P.ASSESSMENT_VIEW,)),
            Link("assessment:registry", _("机构与专家库"), 21, (P.ASSESSMENT_REGISTRY_VIEW,)),
        ),
        public_navigation=(Link("assessment:accepted", _("采信机构名录"), 24),),
        panels=(Panel("riskgate.assessment.queries.work_panel", "assessment/panels/work.html", 20),),
        sections=(
            Section(
                "intake.detail",
                "riskgate.assessment.queries.information_section",
                "assessment/sections/information.html",
            ),
            Section("intake.case", "riskgate.assessment.queries.case_section", "assessment/sections/case.html"),
        ),
        world=("riskgate.assessment.demo.load_registries",),
        demo=(DemoStep("riskgate.assessment.demo.load_demo_assessments", "Demo assessments created: {}"),),
    ),
    Room(
        "monitoring",
        work=("riskgate.monitoring.queries.pending_work", "riskgate.monitoring.queries.programme.programme_work"),
        urls="riskgate.monitoring.urls",
        router="riskgate.monitoring.api.router",
        navigation=(
            Link("monitoring:signals", _("监测信号"), 15, (P.MONITORING_SIGNAL_VIEW,)),
            Link("monitoring:plans", _("风险监测计划"), 16, (P.MONITORING_PLAN_VIEW,)),
            Link(
                "monitoring:samples",
                _("监测数据"),
                17,
                (P.MONITORING_PLAN_VIEW, P.MONITORING_SAMPLE_SUBMIT, P.MONITORING_RESULT_OWN),
            ),
            Link("monitoring:draws", _("双随机抽查"), 18, (P.MONITORING_SPOTCHECK_MANAGE,)),
            Link("monitoring:my_checks", _("我的抽查任务"), 19, (P.MONITORING_SPOTCHECK_INSPECT,)),
        ),
        public_navigation=(Link("monitoring:portal_draws", _("抽查公示"), 25),),
        sections=(
            Section(
                "assessment.detail",
                "riskgate.monitoring.queries.assessment_section",
                "monitoring/sections/assessment.html",
            ),
            Section(
                "assessment.detail",
                "riskgate.monitoring.queries.programme.assessment_plans_section",
                "monitoring/sections/plans.html",
                1,
            ),
        ),
        world=("riskgate.monitoring.demo.load_points",),
        demo=(
            DemoStep("riskgate.monitoring.demo.load_demo_signals", "Monitoring signals raised: {}"),
            DemoStep("riskgate.monitoring.demo.load_demo_programme", "Monitoring plan, records and spot check: {}"),
        ),
    ),
    Room(
        "warnings",
        work=("riskgate.warnings.queries.pending_work",),
        urls="riskgate.warnings.urls",
        router="riskgate.warnings.api.router",
        navigation=(
            Link("warnings:manage_list", _("预警管理"), 30, (P.WARNING_VIEW,)),
            Link("warnings:inbox", _("预警收件箱"), 31, (P.WARNING_RECEIVE,)),
        ),
        public_navigation=(Link("warnings:portal", _("风险预警"), 10),),
        sections=(Section("intake.case", "riskgate.warnings.queries.case_section", "warnings/sections/case.html", 1),),
        demo=(DemoStep("riskgate.warnings.demo.load_demo_warnings", "Demo warnings created: {}"),),
    ),
    Room(
        "targeting",
        work=("riskgate.targeting.queries.pending_work",),
        urls="riskgate.targeting.urls",
        router="riskgate.targeting.api.router",
        navigation=(
            Link("targeting:rules", _("口岸布控"), 40, (P.TARGETING_RULE_VIEW,)),
            Link("targeting:tasks", _("查验任务"), 41, (P.TARGETING_TASK_VIEW,)),
        ),
        demo=(DemoStep("riskgate.targeting.demo.load_demo_port_control", "Demo control rules created: {}"),),
    ),
    Room(
        "response",
        work=("riskgate.response.queries.work.pending_work",),
        urls="riskgate.response.urls",
        router="riskgate.response.api.router",
        navigation=(
            Link("response:list", _("快速反应"), 50, (P.RESPONSE_MEASURE_VIEW,)),
            Link("response:recalls", _("缺陷召回"), 51, (P.RESPONSE_MEASURE_VIEW, P.RESPONSE_OBLIGATION_FULFIL)),
            Link("response:emergency", _("口岸应急"), 52, (P.RESPONSE_MEASURE_VIEW,)),
            Link("response:concerns", _("与本企业相关"), 52, (P.RESPONSE_OBLIGATION_FULFIL,)),
            Link(
                "response:obligations",
                _("消减义务"),
                53,
                (P.RESPONSE_OBLIGATION_FULFIL, P.RESPONSE_OBLIGATION_EVALUATE),
            ),
        ),
        public_navigation=(Link("response:public_recalls", _("召回公告"), 20),),
        demo=(
            DemoStep("riskgate.response.demo.load_demo_measures", "Demo rapid-response measures created: {}"),
            DemoStep(
                "riskgate.response.demo.load_demo_recalls",
                "Demo recalls from Safety Gate motor-vehicle alerts: {}",
            ),
            DemoStep("riskgate.response.demo.load_demo_emergency", "Port emergency plans with a drill: {}"),
        ),
    ),
    Room(
        "tbt",
        work=("riskgate.tbt.queries.pending_work",),
        urls="riskgate.tbt.urls",
        navigation=(Link("tbt:list", _("技术性贸易措施"), 63, (P.TBT_NOTIFICATION_VIEW,)),),
        demo=(DemoStep("riskgate.tbt.demo.load_demo_notifications", "TBT notifications and exporters alerted: {}"),),
    ),
    Room(
        "trace",
        urls="riskgate.trace.urls",
        router="riskgate.trace.api.router",
        navigation=(Link("trace:chain", _("产品追溯"), 56, (P.TRACE_EVENT_VIEW,)),),
        public_navigation=(Link("trace:public", _("追溯查询"), 22),),
        demo=(DemoStep("riskgate.trace.demo.load_demo_chains", "Traceability events captured for demo products: {}"),),
    ),
    Room(
        "insight",
        urls="riskgate.insight.urls",
        navigation=(
            Link("insight:dashboard", _("统计分析"), 2, INSIGHT_READERS),
            Link("insight:reports", _("统计报告"), 3, (P.WARNING_VIEW,)),
        ),
        public_navigation=(Link("insight:portal_reports", _("统计报告"), 31),),
        demo=(DemoStep("riskgate.insight.demo.load_demo_tallies", "Dashboard tallies of risk information: {}"),),
    ),
]

HOME = Link("site:home", _("首页"), 0)


@cache
def resolve(path: str):
    """The object a dotted path names (imported on first use, then remembered)."""
    return import_string(path)


# The registry does not change while the process runs: every page reads these lists, worked out once.


@cache
def navigation() -> tuple[Link, ...]:
    return tuple(sorted([HOME, *(link for room in ROOMS for link in room.navigation)], key=lambda link: link.position))


@cache
def public_navigation() -> tuple[Link, ...]:
    return tuple(sorted((link for room in ROOMS for link in room.public_navigation), key=lambda link: link.position))


@cache
def panels() -> tuple[Panel, ...]:
    return tuple(sorted((panel for room in ROOMS for panel in room.panels), key=lambda panel: panel.position))


@cache
def work() -> tuple[str, ...]:
    return tuple(path for room in ROOMS for path in room.work)


@cache
def sections(slot: str) -> tuple[Section, ...]:
    return tuple(
        sorted(
            (section for room in ROOMS for section in room.sections if section.slot == slot),
            key=lambda section: section.position,
        )
    )
