"""The credit demo: facts from other authorities on the demo enterprises' records, recorded through the credit
service as an officer would record them — a customs certification (Xi'an: advanced), a serious penalty
(Chongqing: dishonest), a benchmark, an ordinary penalty — so every demo grade is computed and explained."""

import datetime as dt

# enterprise code, event type, source document, days ago, fact
EVENTS = [
    (
        "ent-xian-trading",
        "customs_certified",
        "AEO-CN6101930001",
        400,
        "经海关认证为高级认证企业（AEO 证书 CN6101930001）",
    ),
    ("ent-xian-trading", "award", "陕质奖〔2025〕8号", 300, "获陕西省质量奖提名"),
    (
        "ent-chongqing-moto",
        "penalty_serious",
        "渝关缉违字〔2026〕12号",
        120,
        "申报不实、逃避商品检验，情节严重，被处罚款",
    ),
    ("ent-baoji-toys", "quality_benchmark", "宝市监〔2026〕3号", 200, "列为出口玩具质量示范企业"),
    ("ent-liaocheng-bearings", "penalty_general", "聊关缉违字〔2026〕5号", 60, "出口轴承申报品质与实际不符"),
]


def load_demo_credit() -> int:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from riskgate.accounts.models import Organisation
    from riskgate.credit import services
    from riskgate.credit.models import CreditEvent

    officer = get_user_model().objects.filter(username="warning").first()
    if officer is None:
        return 0
    orgs = {o.code: o for o in Organisation.objects.filter(code__in={e[0] for e in EVENTS})}
    today = timezone.localdate()
    created = 0
    for code, kind, source, days, fact in EVENTS:
        enterprise = orgs.get(code)
        if (
            enterprise is None
            or CreditEvent.objects.filter(enterprise=enterprise, source=f"document:{source}").exists()
        ):
            continue
        data = {"kind": kind, "source": source, "occurred_on": today - dt.timedelta(days=days), "detail": fact}
        services.record_by_officer(officer, enterprise, data)
        created += 1
    made = created + _demo_lists(officer, orgs)
    from riskgate.credit.models import ShareScope

    partner = Organisation.objects.filter(code="sn-market-regulation").first()
    if partner is not None:  # the provincial market regulator pulls grades and both lists (联合惩戒)
        ShareScope.objects.get_or_create(organisation=partner, defaults={"grades": True, "lists": ["red", "black"]})
    return made


def _demo_lists(officer, orgs) -> int:
    """The Chongqing enterprise on the black list (its serious penalty) and the Xi'an one on the red list, each
    proposed by the warning office and approved by a second officer."""
    from django.contrib.auth import get_user_model

    from riskgate.credit import services
    from riskgate.credit.models import ListCriterion, ListEntry

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "xian"])}
    made = 0
    for code, criterion_code, reviewer, summary in [
        ("ent-chongqing-moto", "black-serious-violation", "admin", "申报不实、逃避商品检验，情节严重，受到行政处罚。"),
        ("ent-xian-trading", "red-exemplary", "xian", "海关高级认证企业，近一年无不利信用记录。"),
    ]:
        criterion = ListCriterion.objects.filter(code=criterion_code).first()
        enterprise = orgs.get(code)
        if criterion is None or enterprise is None or reviewer not in users:
            continue
        if ListEntry.objects.filter(enterprise=enterprise, kind=criterion.kind).exists():
            continue
        entry = services.propose(officer, enterprise, criterion, reason=summary, public_summary=summary)
        services.decide(users[reviewer], entry, approve=True, note="演示：审核同意")
        made += 1
    return made
