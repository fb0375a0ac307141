"""The demo's monitoring: the improved Farrington method over the real RASFF history (2020–2024), per product
category × hazard type × origin country, judged for the last weeks of the history."""

import datetime as dt

# The configuration of Noufaily et al. (2013) as the reference's authors recommend it (Salmon et al. 2016), with
# three years of history: the RASFF files start in January 2020.
IMPROVED_FARRINGTON = {
    "b": "3",
    "w": "3",
    "noPeriods": "10",
    "weightsThreshold": "2.58",
    "pastWeeksNotIncluded": "26",
    "pThresholdTrend": "1",
    "thresholdMethod": "nbPlugin",
    "alpha": "0.005",
}
DEMO_WEEKS = 13  # the last quarter of the history


def load_demo_signals() -> int:
    from riskgate.intake.services import warning_office

    from .models import DetectionProfile, Signal
    from .services import detect, week_of

    office = warning_office()
    if office is None:
        return 0
    profile, _created = DetectionProfile.objects.get_or_create(
        code="rasff-category-hazard-origin",
        defaults={
            "name": "RASFF 通报：产品类别 × 危害类型 × 原产国",
            "name_en": "RASFF notifications: product category × hazard type × origin",
            "dimensions": ["product_category", "hazard_type", "origin_country"],
            "source_systems": ["RASFF"],
            "method": "farringtonFlexible",
            "parameters": IMPROVED_FARRINGTON,
            "min_cases": 20,
            "organisation": office,
        },
    )
    last = week_of(dt.date(2024, 12, 23))
    detect(profile, [last - dt.timedelta(weeks=n) for n in range(DEMO_WEEKS)])
    return Signal.objects.filter(profile=profile).count()


def load_points() -> dict[str, int]:
    """The demo's monitoring point (the organisation exists in the accounts' world) and a declared tie: the port's
    inspector once worked for the Xi'an trading company, so a draw never sends him there."""
    from riskgate.accounts.models import Organisation, User
    from riskgate.core import audit

    from .models import InspectorTie, MonitoringPoint, PointLevel, TieKind

    created = 0
    org = Organisation.objects.filter(code="xian-monitoring-point").first()
    if org is not None:
        point, was = MonitoringPoint.objects.get_or_create(
            organisation=org,
            defaults={
                "level": PointLevel.PROVINCIAL,
                "hs_codes": ["0306", "0307", "1901", "2106"],
                "countries": ["VN", "TH", "EC", "NZ", "AU"],
                "note": "西安国际港务区进口水产品、婴幼儿食品风险监测",
            },
        )
        if was:
            audit.record(actor=None, action="monitoring.point_registered", obj=point, reason="demo data")
        created += was
    port, enterprise = (
        User.objects.filter(username="port").first(),
        Organisation.objects.filter(code="ent-xian-trading"),
    )
    if port is not None and enterprise.exists():
        tie, was = InspectorTie.objects.get_or_create(
            inspector=port, enterprise=enterprise.first(), kind=TieKind.DECLARED, defaults={"note": "曾在该企业任职"}
        )
        if was:
            audit.record(actor=None, action="monitoring.tie_declared", obj=tie, reason="demo data")
        created += was
    return {"monitoring points": created}


# The demo plan's records: (sample number, submitter, task index or None, product, HS, category, origin, enterprise
# code, place, results as (item, value, unit, limit, max|min)).
DEMO_SAMPLES = [
    ("LAB-2026-001", "lab", 0, "冻南美白对虾", "030617", "水产品", "EC", "ent-xian-trading", "西安国际港务区冷库",
     [("氯霉素", "0.00", "μg/kg", "0.30", "max"), ("菌落总数", "32000", "CFU/g", "500000", "max")]),
    ("LAB-2026-002", "lab", 0, "冻南美白对虾", "030617", "水产品", "VN", "ent-xian-trading", "西安国际港务区冷库",
     [("氯霉素", "1.20", "μg/kg", "0.30", "max"), ("呋喃唑酮代谢物", "0.10", "μg/kg", "1.0", "max")]),
    ("LAB-2026-003", "lab", 0, "冻鱿鱼", "030743", "水产品", "TH", "", "西安国际港务区冷库",
     [("镉", "0.42", "mg/kg", "2.0", "max")]),
    ("PT-2026-0101", "point", None, "婴幼儿配方乳粉", "190110", "婴幼儿食品", "NZ", "ent-xian-trading", "雁塔区超市",
     [("蛋白质", "2.1", "g/100kJ", "1.8", "min"), ("阪崎肠杆菌", "0", "CFU/100g", "0", "max")]),
    ("PT-2026-0102", "point", None, "婴幼儿米粉", "190110", "婴幼儿食品", "AU", "", "西安市未央区母婴店",
     [("铅", "0.35", "mg/kg", "0.2", "max")]),
]  # fmt: skip


def load_demo_programme() -> str:
    """A national monitoring plan for the current year with quotas, a task for the Xi'an technology centre,
    records from the laboratory and the monitoring point (two non-conforming: they became risk information), the
    approvals, another agency's check, and one published double-random draw with a recorded result."""
    from decimal import Decimal

    from django.utils import timezone

    from riskgate.accounts.models import Organisation, User
    from riskgate.core.vocabulary import HazardType

    from .models import CheckOutcome, DrawKind, MonitoringPlan, Sample, SampleStatus
    from .queries import programme as queries
    from .services import plans, samples, spotchecks

    warning = User.objects.filter(username="warning").first()
    if warning is None or MonitoringPlan.objects.filter(title__startswith="【演示】").exists():
        return "already loaded"
    orgs = {o.code: o for o in Organisation.objects.all()}
    year = timezone.localdate().year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    plan = plans.create_plan(
        warning,
        data={
            "title": f"【演示】{year} 年进口水产品和婴幼儿食品风险监测计划",
            "title_en": f"[Demo] {year} risk monitoring plan: imported seafood and infant foods",
            "period_start": start,
            "period_end": end,
            "scope": "import",
            "countries": ["VN", "TH", "EC", "NZ", "AU"],
            "hs_codes": ["0306", "0307", "1901"],
            "product_categories": ["水产品", "婴幼儿食品"],
            "hazard_types": [HazardType.CHEMICAL, HazardType.BIOLOGICAL],
            "organisation": orgs["gacc-warning-office"],
        },
        quotas=[(orgs["xian-customs"], 40), (orgs["xian-monitoring-point"], 30), (orgs["harbin-customs"], 20)],
    )
    plan = plans.adjust_plan(
        warning,
        plan,
        reason="上半年厄瓜多尔对虾检出氯霉素，增列厄瓜多尔并提高西安海关配额",
        data={**queries.managed_plans(warning).filter(pk=plan.pk).values(
            "title", "title_en", "period_start", "period_end", "scope", "countries", "hs_codes",
            "product_categories", "hazard_types").get(), "organisation": orgs["gacc-warning-office"]},
        quotas=[(orgs["xian-customs"], 50), (orgs["xian-monitoring-point"], 30), (orgs["harbin-customs"], 20)],
    )  # fmt: skip
    task = plans.assign_task(
        warning,
        plan,
        organisation=orgs["xian-customs"],
        laboratory=orgs["xian-tech-centre"],
        product="冷冻虾、鱿鱼等水产品",
        hs_code="0306",
        samples=10,
        test_items="氯霉素、硝基呋喃类代谢物、镉、菌落总数",
        due_on=min(end, start + dt.timedelta(days=300)),
    )
    users = {u.username: u for u in User.objects.filter(username__in=["lab", "point", "xian"])}
    stored = []
    for number, who, task_index, product, hs, category, origin, enterprise, place, results in DEMO_SAMPLES:
        sample, _created = samples.submit(
            users[who],
            data={
                "sample_number": number,
                "product_name": product,
                "hs_code": hs,
                "product_category": category,
                "origin_country": origin,
                "sampled_on": min(timezone.localdate(), start + dt.timedelta(days=40 + 20 * len(stored))),
                "place": place,
            },
            results=[
                {"item": i, "value": Decimal(v), "unit": u, "limit": Decimal(lim), "limit_kind": k}
                for i, v, u, lim, k in results
            ],
            task=task if task_index is not None else None,
            enterprise=orgs.get(enterprise),
        )
        stored.append(sample)
    for sample in stored[:3]:
        if users.get("xian") and sample.status == SampleStatus.SUBMITTED:
            samples.approve(users["xian"], sample)
    spotchecks.record_external(
        warning,
        agency=orgs["sn-market-regulation"],
        enterprise=orgs["ent-baoji-toys"],
        checked_on=start + dt.timedelta(days=60),
        outcome=CheckOutcome.CONFORMING,
        summary="陕西省市场监管局产品质量监督抽查，未发现问题",
    )
    draw = spotchecks.draw_checks(
        warning,
        title=f"【演示】{year} 年进出口企业质量安全双随机抽查（第一批）",
        kind=DrawKind.ROUTINE,
        period_start=start,
        period_end=end,
        criteria={},
        count=3,
        per_check=2,
        seed="5eed" * 16,
    )
    check = draw.checks.order_by("position").first()
    spotchecks.record_result(
        warning,
        check,
        outcome=CheckOutcome.CONFORMING,
        findings="现场检查进口记录、检验证明和销售台账，未发现问题",
        checked_on=min(timezone.localdate(), start + dt.timedelta(days=90)),
    )
    spotchecks.publish(warning, draw)
    failed = Sample.objects.filter(passed=False, information__isnull=False).count()
    return f"plan {plan.reference}, {len(stored)} records ({failed} became risk information), draw {draw.reference}"
