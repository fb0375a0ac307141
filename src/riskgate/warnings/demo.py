"""Demo warnings built through the services from the demo assessments (real notifications): one in force, one
adjusted, one lifted, one circular to agencies only (never public). Idempotent: nothing when warnings exist."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import services
from .models import WarningNotice


def _assessment(title_start: str, status: str):
    from riskgate.assessment.models import Assessment

    return Assessment.objects.filter(title__startswith=title_start, status=status).order_by("-version").first()


def load_demo_warnings() -> int:
    from riskgate.accounts.models import Organisation, User

    if WarningNotice.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(username__in=["warning", "admin"])}
    if len(users) < 2:
        return 0
    drafter, approver = users["warning"], users["admin"]  # four eyes: the administrator approves
    created = 0
    dresser = _assessment("进口布艺抽屉柜", "confirmed")
    if dresser is not None:
        with transaction.atomic():
            _publish(drafter, approver, services.draft_from_assessment(drafter, dresser, data=DRESSER))
        created += 1
    paprika = _assessment("进口辣椒粉", "confirmed")
    if paprika is not None:
        with transaction.atomic():
            importers = list(Organisation.objects.filter(code="ent-xian-trading"))
            data = {**PAPRIKA, "enterprises": importers}
            first = _publish(drafter, approver, services.draft_from_assessment(drafter, paprika, data=data))
            adjusted = services.adjust(
                drafter,
                first,
                reason="涉事批次已全部下架，范围缩小至原产国同类产品，等级调为 III 级。",
                data={"level": "III", "regions": ["610000", "440000"]},
            )
            _publish(drafter, approver, adjusted)
        created += 1
    hpmc = _assessment("进口 HPMC", "requested")
    with transaction.atomic():
        _publish(
            drafter,
            approver,
            services.draft_emergency(
                drafter, data=HPMC, reason="境外通报与口岸检出一致，报告完成前先行布控。", assessment=hpmc
            ),
        )
    created += 1
    with transaction.atomic():
        airbag = _publish(
            drafter,
            approver,
            services.draft_emergency(
                drafter,
                data={**AIRBAG, "valid_until": timezone.now() + dt.timedelta(days=180)},
                reason="多起碰撞中侧气囊未展开。",
            ),
        )
        services.lift(approver, airbag, reason="进口商已完成召回并更换全部气囊模块，风险已消除。")
    created += 1
    return created


def _publish(drafter, approver, notice):
    services.submit_for_review(drafter, notice)
    services.approve(approver, notice)
    return services.publish(approver, notice)


DRESSER = {
    "kinds": ["public_announcement", "agency_notice"],
    "title": "关于进口布艺抽屉柜倾倒致儿童伤亡风险的警示公告",
    "title_en": "Imported fabric drawer dressers can tip over and trap children",
    "summary": "美国 CPSC 通报的布艺抽屉柜未固定于墙面时不稳定，存在倾倒并压住儿童的风险，已有伤亡报告。",
    "summary_en": "Fabric drawer dressers recalled in the US are unstable unless anchored to the wall: they can tip "
    "over and trap children. Deaths and injuries have been reported.",
    "items": "停止销售、使用涉及型号；已购买的消费者立即将柜体固定于墙面或停止使用。",
    "measures": "口岸对同类产品加严查验；责令进口商召回；消费者可联系销售商退货。",
    "audience": "消费者、销售商、口岸查验部门",
    "product_category": "家具",
    "hs_codes": ["9403"],
    "brands": ["YaFiti", "WLIVE"],
    "origin_countries": ["CN"],
}
PAPRIKA = {
    "kinds": ["business_notice", "agency_notice"],
    "title": "关于进口辣椒粉沙门氏菌污染风险的警示通告",
    "title_en": "Salmonella in imported paprika powder",
    "summary": "欧盟 RASFF 通报辣椒粉检出沙门氏菌，口岸抽样检测结果不合格。",
    "summary_en": "EU RASFF notified Salmonella in paprika powder; port samples failed the test.",
    "items": "经营者暂停销售涉事批次并自查库存。",
    "measures": "口岸对同类产品实施抽样检测；经营者下架涉事批次。",
    "audience": "进口商、食品经营者",
    "product_category": "香辛料",
    "hs_codes": ["0904"],
    "origin_countries": ["CN"],
    # The batch the demo traceability chain follows (trace.demo): the public trace query finds this warning.
    "gtins": ["06901234000016"],
    "batches": ["PAP2409017"],
}
HPMC = {
    "level": "III",
    "kinds": ["agency_notice"],
    "hazard_type": "chemical",
    "title": "关于进口羟丙甲纤维素环氧乙烷残留的风险警示通报",
    "title_en": "Ethylene oxide residues in imported HPMC (agencies only)",
    "summary": "境外通报及口岸检出羟丙甲纤维素（HPMC E15）环氧乙烷残留超标。",
    "items": "对同一生产商产品实施口岸布控。",
    "measures": "口岸逐批抽样检测环氧乙烷及 2-氯乙醇。",
    "hs_codes": ["3912"],
    "origin_countries": ["CN"],
}
AIRBAG = {
    "level": "II",
    "kinds": ["public_announcement"],
    "hazard_type": "physical",
    "title": "关于进口乘用车侧气囊可能无法展开的风险警示公告",
    "title_en": "Side airbags of an imported passenger car may not deploy",
    "summary": "美国 NHTSA 召回通报：侧面碰撞时侧气囊可能无法按设计展开，增加乘员受伤风险。",
    "summary_en": "US NHTSA recall: the side airbags may not deploy as designed in a side crash.",
    "items": "涉及车辆的车主尽快联系经销商检查。",
    "measures": "进口商召回并更换气囊模块。",
    "product_category": "机动车",
    "hs_codes": ["8703"],
}
