"""The port-control demo, built through the services: port codes, credit grades, control rules from the demo
warnings' agency notices and from an officer, a synthetic declaration stream screened through the same path as
the single window, outcomes recorded (non-conformities become risk information), the history exported and a new
rule retro-screened. Idempotent: nothing when control rules exist."""

from django.db import transaction
from django.utils import timezone

from . import services, synthetic
from .models import ControlRule, InspectionTask, PortOffice, TaskStatus
from .services import inspection, screening, supervision
from .services import retro as history

PORT_CODES = {
    "CNXIY": "xian-airport-port",
    "CNXAR": "xian-railway-port",
    "CNSFH": "suifenhe-rail-port",
    "CNCKG": "chongqing-airport-port",
}
STREAM = 3_000  # declaration items


def load_demo_port_control() -> int:
    from riskgate.accounts.models import Organisation, User
    from riskgate.warnings.models import WarningNotice

    if ControlRule.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["warning", "xian", "port"])}
    if len(users) < 3:
        return 0
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=PORT_CODES.values())}
    for code, org_code in PORT_CODES.items():
        if org_code in orgs:
            PortOffice.objects.get_or_create(code=code, defaults={"organisation": orgs[org_code]})
    services.bump(timezone.now())  # workers read the port offices with the rules
    rules = []
    notices = WarningNotice.objects.filter(status="published").order_by("id")
    for notice in notices:
        if "agency_notice" not in notice.kinds:
            continue
        criteria = services.criteria_from_warning(notice)
        if notice.hs_codes == ["0904"]:  # food: sample for the laboratory
            criteria |= {"action": "sample", "sampling_rate": 0.5}
        elif notice.hs_codes == ["3912"]:
            criteria |= {"action": "hold"}
        rules.append(
            services.issue(
                users["warning"],
                criteria,
                warning=notice,
                executing=notice.ports.all(),
                reason=f"依据风险警示通报 {notice.reference} 下达",
            )
        )
    rules.append(
        services.issue(
            users["xian"],
            {
                "direction": "import",
                "hs_prefixes": ["8507"],
                "keywords": ["移动电源", "power bank"],
                "action": "document_check",
            },
            reason="移动电源 3C 认证核查",
        )
    )
    enterprises = [o.customs_code for o in Organisation.objects.filter(kind="enterprise") if o.customs_code]
    stream = synthetic.declarations(STREAM, enterprises=enterprises)
    for start in range(0, len(stream), 500):
        screening.screen(users["xian"], stream[start : start + 500], one_declaration=False)
    _record_outcomes(users)
    supervision.refresh_records()
    history.export()
    with transaction.atomic():
        retro = services.issue(
            users["xian"],
            {"direction": "import", "hs_prefixes": ["8507600090"], "origin_countries": ["CN"], "action": "inspect"},
            reason="锂离子移动电源过热：追溯近期进口批次",
        )
    history.run(retro.pk)
    _catalogue(users["warning"])
    return len(rules) + 1


# A few headings of the legal-inspection catalogue and of the CCC catalogue as the demo's first version (decision
# 0031): the demo's own selection, after the demo stream is screened (its items carry no certificates).
CATALOGUE = [
    {"hs_prefix": "0904", "name": "胡椒；辣椒干及辣椒粉", "legal_inspection": True, "ccc": False},
    {"hs_prefix": "850760", "name": "锂离子蓄电池（含移动电源）", "legal_inspection": True, "ccc": True},
    {"hs_prefix": "8516", "name": "电热器具", "legal_inspection": True, "ccc": True},
    {"hs_prefix": "9503", "name": "玩具", "legal_inspection": True, "ccc": True},
    {"hs_prefix": "4011", "name": "新的充气橡胶轮胎", "legal_inspection": True, "ccc": True},
]


def _catalogue(officer) -> None:
    from .models import CatalogueVersion
    from .services import catalogue

    if not CatalogueVersion.objects.exists():
        catalogue.adjust(officer, reason="演示数据：法检目录与 CCC 目录中的部分商品", add=CATALOGUE)


def _record_outcomes(users) -> None:
    """Outcomes for part of the tasks: some non-conforming with laboratory results."""
    from riskgate.accounts.models import User

    for n, task in enumerate(InspectionTask.objects.filter(status=TaskStatus.OPEN).order_by("id")[:60]):
        officer = (
            users["port"]
            if InspectionTask.objects.visible_to(users["port"]).filter(pk=task.pk).exists()
            else (User.objects.filter(role__code="system_admin").first())
        )
        if n % 4 == 0:
            inspection.record_outcome(
                officer,
                task,
                outcome="non_conforming",
                findings="抽样检测不合格",
                lab_results=[LAB.get(task.hs_code[:4], LAB["*"])],
            )
        else:
            inspection.record_outcome(officer, task, outcome="conforming")


LAB = {
    "0904": {"test_item": "沙门氏菌", "result": "检出", "unit": "/25g", "limit": "不得检出", "conforms": False},
    "3912": {"test_item": "环氧乙烷", "result": "0.35", "unit": "mg/kg", "limit": "≤ 0.1", "conforms": False},
    "9403": {"test_item": "稳定性（GB 28007）", "result": "倾倒", "unit": "", "limit": "不倾倒", "conforms": False},
    "8507": {"test_item": "过充保护", "result": "失效", "unit": "", "limit": "GB 4943.1", "conforms": False},
    "*": {"test_item": "标识标签", "result": "不符合", "unit": "", "limit": "GB 7718", "conforms": False},
}
