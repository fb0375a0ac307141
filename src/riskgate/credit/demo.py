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
    return created
