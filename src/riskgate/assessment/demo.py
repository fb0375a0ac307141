"""Demo registries (institutions, laboratories, a social assessment body, the expert pool) and demo assessments at
every stage, built through the services from real notifications of the intake import (idempotent)."""

from riskgate.accounts.models import Organisation, User
from riskgate.core import audit

from .models import AcceptanceScope, BodyKind, Expert, RegisteredBody

# organisation code, kind, fields, accreditation, third party
BODIES = [
    ("caiq", BodyKind.TECHNICAL_INSTITUTION, ["food", "toys", "electrical", "chemicals", "statistics"], "", False),
    ("xian-tech-centre", BodyKind.VERIFICATION_LABORATORY, ["food", "chemicals", "microbiology"], "CNAS-demo-1", False),
    ("third-party-lab", BodyKind.VERIFICATION_LABORATORY, ["toys", "electrical", "textiles"], "CNAS L9999-demo", True),
    ("quality-society", BodyKind.SOCIAL_ASSESSMENT_BODY, ["trade", "materials"], "", True),
]

# name, username (or None: no account), organisation code (or None), employer, title, fields
EXPERTS = [
    ("刘洋", "expert", "caiq", "", "研究员", ["electrical", "toys", "statistics"]),
    ("黄蕾", "expert2", "xian-tech-centre", "", "高级工程师", ["chemicals", "food", "microbiology"]),
    ("马骏", None, None, "示例大学材料科学与工程学院", "教授", ["materials", "toys"]),
    ("郑红", None, None, "示例省疾病预防控制中心", "主任医师", ["epidemiology", "food"]),
]


# What the demo third-party laboratory's results are accepted for (decision 0029): commodity categories by HS
# prefix and their test items.
SCOPES = {
    "third-party-lab": [
        ("9401", "座椅", ["夹缝尺寸", "可触及夹缝", "夹缝（闭合）", "稳定性", "耐久性"]),
        ("9403", "家具", ["倾倒试验临界载荷", "稳定性（GB 28007）"]),
        ("9503", "玩具", ["可迁移元素", "邻苯二甲酸酯", "小零件"]),
        ("8507", "蓄电池及移动电源", ["过充保护", "短路保护"]),
        ("8708", "机动车零部件", ["侧气囊点爆展开时间"]),
    ],
}


def load_registries() -> None:
    """The demo's registered bodies and expert pool, on the demo organisations and accounts (idempotent)."""
    by_code = {
        o.code: o for o in Organisation.objects.filter(code__in=[b[0] for b in BODIES] + [e[2] for e in EXPERTS])
    }
    users = {u.username: u for u in User.objects.filter(username__in=[e[1] for e in EXPERTS if e[1]])}
    for code, kind, fields, accreditation, third_party in BODIES:
        org = by_code.get(code)
        if org is None or RegisteredBody.objects.filter(organisation=org).exists():
            continue
        body = RegisteredBody.objects.create(
            organisation=org, kind=kind, fields=fields, accreditation=accreditation, third_party=third_party
        )
        audit.record(actor=None, action="assessment.body_registered", obj=body, reason="demo data")
        for hs_prefix, category, items in SCOPES.get(code, ()):
            AcceptanceScope.objects.create(
                body=body, hs_prefix=hs_prefix, category=category, test_items=items, reason="demo data"
            )
    for name, username, org_code, employer, title, fields in EXPERTS:
        if Expert.objects.filter(name=name).exists():
            continue
        expert = Expert.objects.create(
            name=name,
            user=users.get(username) if username else None,
            organisation=by_code.get(org_code) if org_code else None,
            employer=employer,
            title=title,
            fields=fields,
        )
        audit.record(actor=None, action="assessment.expert_registered", obj=expert, reason="demo data")


def _item(system: str, *words: str):
    from riskgate.intake.models import RiskInformation

    items = RiskInformation.objects.filter(external_system=system)
    for word in words:
        items = items.filter(title__icontains=word)
    return items.order_by("pk").first()


def _verified(officer, info):
    from riskgate.intake import services as intake
    from riskgate.intake.models import Status

    for step in (Status.UNDER_VERIFICATION, Status.VERIFIED):
        if step in intake.TRANSITIONS.get(info.status, set()):
            intake.transition(officer, info, to_status=step, reason="demo")
            info.refresh_from_db()
    return info


# Each demo assessment: a real notification found by source and title words, and how far the demo takes it.
DEMO = [
    ("RASFF", ("ethylene oxide", "HPMC"), "requested", "进口 HPMC 环氧乙烷残留风险研判", "chemical", "urgent"),
    ("FDA", ("Undeclared Milk",), "in_progress", "进口烘焙食品未标示乳过敏原风险研判", "health", "normal"),
    ("NHTSA", ("AIR BAGS",), "panel_review", "进口乘用车侧气囊缺陷风险研判", "physical", "normal"),
    ("RASFF", ("Fraud", "TODARODES"), "submitted", "进口冷冻鱿鱼圈品名与原料不符（欺诈）风险研判", "fraud", "normal"),
    ("CPSC", ("Dresser", "Tip-Over"), "reassessed", "进口布艺抽屉柜倾倒致儿童伤亡风险研判", "physical", "normal"),
    ("RASFF", ("Salmonella", "paprika"), "superseded", "进口辣椒粉沙门氏菌污染风险研判", "biological", "normal"),
]


# Per stage of DEMO: laboratory, test item, method, result, unit, limit, limit kind (illustrative values).
LAB = {
    "in_progress": ("xian-tech-centre", "酪蛋白（乳过敏原）", "酶联免疫吸附法（ELISA）", "12.4", "mg/kg", "2.5", "max"),
    "panel_review": (
        "third-party-lab",
        "侧气囊点爆展开时间",
        "FMVSS No. 214 / GB 15743",
        "38",
        "ms",
        "30",
        "max",
        "8708",
    ),
    "submitted": ("xian-tech-centre", "物种鉴定与标示一致（1=一致）", "SN/T 3589 DNA 条形码", "0", "", "1", "min"),
    "reassessed": ("third-party-lab", "倾倒试验临界载荷", "ASTM F2057-23", "14.2", "kg", "22.7", "min", "9403"),
    "superseded": ("xian-tech-centre", "沙门氏菌（25 g 中检出=1）", "GB 4789.4-2024", "1", "", "0", "max"),
}


def load_demo_assessments() -> int:
    """Assessments at every stage from real notifications; nothing is created when demo assessments exist."""
    from django.db import transaction

    from riskgate.accounts.models import Organisation, User

    from . import services
    from .models import Assessment

    if Assessment.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["warning", "assessor", "expert", "expert2"])}
    if len(users) < 4:
        return 0
    caiq = Organisation.objects.get(code="caiq")
    created = 0
    for system, words, stage, title, hazard, urgency in DEMO:
        info = _item(system, *words)
        if info is None:
            continue
        with transaction.atomic():
            info = _verified(users["warning"], info)
            a = services.request_assessment(
                users["warning"],
                title=title,
                question=f"依据 {info.external_system} {info.external_id}：{info.title[:200]}",
                information_ids=[info.pk],
                urgency=urgency,
                hazard_type=hazard,
                assignee_kind="institution",
                institution=caiq,
                lead=users["assessor"],
            )
            _advance(services, users, a, stage, info)
        created += 1
    return created


def _advance(services, users, a, stage: str, info) -> None:
    import datetime as dt
    from decimal import Decimal

    from riskgate.accounts.models import Organisation

    from .models import Expert

    if stage == "requested":
        return
    assessor = users["assessor"]
    services.start(assessor, a)
    experts = {e.name: e for e in Expert.objects.all()}
    services.declare_conflict(assessor, a, experts["马骏"], has_conflict=True, details="近三年为涉事进口商提供技术咨询")
    for name in ("刘洋", "黄蕾"):
        services.declare_conflict(assessor, a, experts[name], has_conflict=False)
        services.seat_expert(assessor, a, experts[name], chair=name == "刘洋")
    services.add_finding(
        assessor, a, kind="finding", summary=f"核对境外通报原文：{info.title[:200]}", occurred_on=dt.date.today()
    )
    lab_code, item, method, value, unit, limit, kind, *hs = LAB[stage]
    task = services.add_lab_task(
        assessor,
        a,
        laboratory=Organisation.objects.get(code=lab_code),
        samples="口岸抽取同批次样品 3 份",
        test_items=item,
        method=method,
        hs_code=hs[0] if hs else "",
    )
    if stage == "in_progress":
        services.request_extension(
            assessor, a, new_due_at=a.due_at + dt.timedelta(days=7), reason="样品需从境外调取，实验室排期 10 天"
        )
        services.decide_extension(users["warning"], a, grant=True, note="同意延期 7 天")
        return
    services.record_lab_results(
        assessor,
        task,
        report_number=f"XATC-{a.pk:05d}",
        results=[{"item": item, "value": Decimal(value), "unit": unit, "limit": Decimal(limit), "limit_kind": kind}],
    )
    if a.hazard_type == "fraud":
        report = {"method": "qualitative", "non_injury_kind": "fraud", "likelihood": 4, "impact": 2, "regions": 3}
    else:
        report = {"method": "rapex", "units": 120_000, "regions": 6, "cross_border": True}
        if a.hazard_type == "biological":
            steps = [("批次中含沙门氏菌", "1/10"), ("未经充分加热直接食用", "1/10"), ("食用者发病", "1/10")]
            scenario = ("辣椒粉直接撒用于凉拌菜，食用者感染沙门氏菌需就医", 2)
        elif a.title.startswith("进口乘用车"):
            steps = [("侧气囊在碰撞中未按设计展开", "1/1000"), ("发生侧面碰撞", "1/10"), ("乘员胸部受到撞击", "1/2")]
            scenario = ("侧面碰撞时气囊失效，乘员胸部重伤", 4)
        else:
            steps = [("抽屉柜未固定于墙面", "1/2"), ("儿童攀爬或拉开多个抽屉", "1/10"), ("柜体倾倒压住儿童", "1/10")]
            scenario = ("儿童攀爬未固定的抽屉柜，柜体倾倒致窒息或死亡", 4)
        services.add_scenario(
            assessor,
            a,
            description=scenario[0],
            severity=scenario[1],
            steps=[{"description": d, "probability": p} for d, p in steps],
            group="vulnerable",
        )
    services.save_report(
        assessor,
        a,
        data={
            **report,
            "method_note": "按《进出口商品质量安全风险预警管理办法》及欧盟 RAPEX 指南评估。",
            "findings": "境外通报属实；口岸抽样检测结果不合格。",
            "hazard": f"{info.hazard_detail or info.title}"[:500],
            "residual_risk": "已进口批次部分流入市场，召回完成前仍有风险。",
            "recommended_measures": "发布风险警示通报；口岸对同类产品加严查验；责令进口商召回。",
            "uncertainty": "国内流通数量为进口商申报数估算。",
            "sensitivity": "关键步骤概率上下浮动一个数量级，风险等级不变。",
        },
    )
    services.send_to_panel(assessor, a)
    services.vote(users["expert"], a, approve=True)
    if stage == "panel_review":
        return
    services.vote(
        users["expert2"],
        a,
        approve=stage != "submitted",
        note="" if stage != "submitted" else "影响范围估计偏大，建议降为 III 级。",
    )
    services.submit(assessor, a)
    if stage == "submitted":
        return
    services.decide(users["warning"], a, decision="confirm", note="同意评估结论。")
    reason = "境外扩大召回范围" if stage == "reassessed" else "国内再次检出同一生产商产品"
    new = services.reassess(users["warning"], a, reason=reason)
    services.start(assessor, new)
    if stage == "reassessed":
        return
    for name in ("刘洋", "黄蕾"):
        services.declare_conflict(assessor, new, experts[name], has_conflict=False)
        services.seat_expert(assessor, new, experts[name], chair=name == "刘洋")
    services.save_report(assessor, new, data={"regions": 9, "consumers": 200_000})
    services.send_to_panel(assessor, new)
    for username in ("expert", "expert2"):
        services.vote(users[username], new, approve=True)
    services.submit(assessor, new)
    services.decide(users["warning"], new, decision="confirm", note="同意；原版本同时被取代。")
