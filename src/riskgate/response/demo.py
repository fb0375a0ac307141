"""Demo rapid-response measures at every stage, built through the services on the demo warnings: ordered,
in progress with notes and quantities, with a set period, and lifted after confirmation. Idempotent.

Demo recalls from the real EU Safety Gate motor-vehicle alerts (../shared/data/safety_gate): the brand, model,
production period, defect, danger and alert number come from the file; the importer, the number of vehicles
concerned and the progress reports are synthetic (seeded from the alert number), as the file has neither.
Alerts whose risk type is "Environment" become environmental-protection recalls. Idempotent by alert number."""

import csv
import datetime as dt
import hashlib
import html

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from riskgate.accounts.models import Organisation, User

from .models import MeasureKind, MeasureOrder, Recall
from .services import measures as services
from .services import recalls


def load_demo_measures() -> int:
    from riskgate.accounts.models import Organisation, User
    from riskgate.warnings.models import WarningNotice

    if MeasureOrder.objects.exists():
        return 0
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["warning", "port", "partner", "enterprise", "assessor"])
    }
    codes = ["xianyang-customs", "sn-market-regulation", "ent-xian-trading", "xian-customs", "caiq"]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    live = {n.hs_codes[0] if n.hs_codes else "": n for n in WarningNotice.objects.filter(status="published")}
    if len(users) < 5 or len(orgs) < 5 or not live:
        return 0
    kind = {k.code: k for k in MeasureKind.objects.all()}
    now = timezone.now()
    officer = users["warning"]
    made = 0
    with transaction.atomic():
        hpmc = live.get("3912")
        if hpmc is not None:
            seized = services.order_measure(
                officer,
                kind=kind["seal-seize"],
                warning=hpmc,
                target_kind="batch",
                target="羟丙甲纤维素 HPMC E15，批号 E15-2611-07",
                hs_codes=["3912"],
                instructions="查封涉事批次，抽样检测环氧乙烷及 2-氯乙醇。",
                lead_unit=orgs["xianyang-customs"],
                deadline=now + dt.timedelta(days=7),
            )
            services.report_progress(users["port"], seized, text="已在口岸监管仓查封涉事批次，并抽样送技术中心检测。")
            services.record_quantity(users["port"], seized, kind="seized", amount="2400", unit="千克")
            services.order_measure(
                officer,
                kind=kind["conditional-restriction"],
                warning=hpmc,
                target_kind="product",
                target="同一生产商的羟丙甲纤维素",
                hs_codes=["3912"],
                instructions="凭环氧乙烷残留合格的检测报告放行，实施期 90 天。",
                lead_unit=orgs["xian-customs"],
                deadline=now + dt.timedelta(days=90),
                period_ends_at=now + dt.timedelta(days=90),
            )
            made += 2
            _demo_obligations(users, orgs, hpmc, now)
        dresser = live.get("9403")
        if dresser is not None:
            stop = services.order_measure(
                officer,
                kind=kind["stop-sale"],
                warning=dresser,
                target_kind="product",
                target="布艺抽屉柜（YaFiti、WLIVE 涉事型号）",
                instructions="市场端停止销售，已售产品提示消费者固定于墙面。",
                lead_unit=orgs["sn-market-regulation"],
                cooperating_units=[orgs["xianyang-customs"]],
                deadline=now + dt.timedelta(days=14),
            )
            services.report_progress(users["partner"], stop, text="全省抽查 37 家门店，涉事型号已全部下架。")
            services.record_quantity(users["partner"], stop, kind="stopped", amount="312", unit="件")
            returned = services.order_measure(
                officer,
                kind=kind["return-shipment"],
                warning=dresser,
                target_kind="shipment",
                target="报关单 610120261115000321 布艺抽屉柜",
                hs_codes=["9403"],
                instructions="涉事货物退运出境。",
                lead_unit=orgs["xianyang-customs"],
                deadline=now + dt.timedelta(days=10),
            )
            services.record_quantity(
                users["port"], returned, kind="returned", amount="1", unit="批", note="退运报关单 610120261120000018"
            )
            services.lift(
                officer,
                returned,
                reason="涉事货物已全部退运出境。",
                evaluation="口岸核验退运报关单及出境记录，风险已消除。",
            )
            made += 2
    return made


def _demo_obligations(users, orgs, warning, now) -> None:
    """Two obligations of the demo importer under the HPMC circular: one implementing (its first report found
    inadequate, the second adequate, an inspection recorded), one awaiting its report."""
    from .services import obligations

    parts = {
        "defect_analysis": "原料环氧乙烷灭菌工艺残留超标。",
        "quantity_distribution": "进口 6 批 14,400 千克，售往 3 家药辅企业。",
        "measures": "停止使用涉事批次，通知下游企业封存。",
        "plan": "15 日内完成下游封存和退运。",
        "expected_effect": "涉事批次全部退运，无流入终端产品。",
    }
    active = obligations.impose(
        users["warning"],
        warning=warning,
        enterprise=orgs["ent-xian-trading"],
        institution=orgs["caiq"],
        requirements="提交风险分析和消减报告，通知下游企业并封存。",
        report_due=now + dt.timedelta(days=10),
    )
    obligations.submit_report(users["enterprise"], active, {**parts, "quantity_distribution": "进口 6 批。"})
    obligations.evaluate(
        users["assessor"],
        active,
        verdict="inadequate",
        feasibility="可行",
        effectiveness="未说明下游企业的封存核查方法",
        adequacy="流向不完整",
        truthful=True,
    )
    obligations.submit_report(users["enterprise"], active, parts)
    obligations.evaluate(
        users["assessor"],
        active,
        verdict="adequate",
        feasibility="可行",
        effectiveness="有效",
        adequacy="已覆盖全部流向",
        truthful=True,
    )
    obligations.notify_consumers(users["enterprise"], active, text="书面通知 3 家下游企业并取得回执。")
    obligations.record_check(
        users["warning"],
        active,
        checked_on=now.date(),
        result="satisfactory",
        findings="抽查 2 家下游企业，涉事批次已封存。",
    )
    obligations.impose(
        users["warning"],
        warning=warning,
        enterprise=orgs["ent-xian-trading"],
        institution=orgs["caiq"],
        requirements="说明同一生产商其他批次的检测情况。",
        report_due=now + dt.timedelta(days=5),
    )


# ----- recalls from the real EU Safety Gate motor-vehicle alerts -----

PER_TYPE = 6  # alerts of each type turned into recall cases


def _seed(case: str) -> int:
    return int.from_bytes(hashlib.blake2b(case.encode(), digest_size=4).digest(), "big")


def _rows() -> list[dict]:
    path = settings.RISKGATE_SHARED_DATA / "safety_gate" / "safety_gate_motor_vehicles.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r.get("case_number") and r.get("danger")]
    environmental = [r for r in rows if "Environment" in r["risk_type"]][:PER_TYPE]
    defects = [r for r in rows if "Environment" not in r["risk_type"]][:PER_TYPE]
    return environmental + defects


def load_demo_recalls() -> int:

    officer = User.objects.filter(username="warning").first()
    importer = Organisation.objects.filter(code="ent-chongqing-moto").first()
    if officer is None or importer is None:
        return 0
    today = timezone.localdate()
    made = 0
    for n, row in enumerate(_rows()):
        case = row["case_number"].strip()
        if Recall.objects.filter(source=case).exists():
            continue
        seed = _seed(case)
        units = 200 + seed % 4800
        started = today - dt.timedelta(days=30 + seed % 150)
        danger = html.unescape(row["danger"]).strip()
        with transaction.atomic():
            recall = recalls.open_recall(
                officer,
                {
                    "kind": "ordered" if n % 3 == 0 else "voluntary",
                    "recall_type": "environmental" if "Environment" in row["risk_type"] else "defect",
                    "enterprise": importer,
                    "product": row["product"] or "Passenger car",
                    "brand": row["brand"][:200],
                    "model": row["name"][:300] or row["model"][:300],
                    "hs_code": "8703",
                    "defect": danger[:4000],
                    "affected_units": units,
                    "affected_range": f"{row['model'][:200]}; 生产日期 {row['production_dates'] or '—'}",
                    "distribution": "经重庆江北国际机场口岸进口，售往重庆、四川、陕西的授权经销商。",
                    "remedies": ["repair"] if n % 4 else ["replace"],
                    "communication_plan": "经销商逐一通知车主；官网和公众号发布召回公告；12365 热线答复咨询。",
                    "source": case,
                    "started_on": started,
                },
            )
            corrected = 0
            for step in range(1, (today - started).days // 30 + 1):
                corrected = min(units, corrected + units * (20 + (seed >> step) % 25) // 100)
                recalls.report_progress(
                    officer,
                    recall,
                    as_of=started + dt.timedelta(days=30 * step),
                    units_corrected=corrected,
                    note="经销商月度报告",
                )
                if corrected == units:
                    break
            if n % 5 != 4:
                recalls.publish(officer, recall)
        made += 1
    return made


def load_demo_emergency() -> int:
    """One emergency plan of the Xi'an airport port for dangerous goods, with its joint-response tasks, a drill
    and its evaluation, and the port's emergency materials (decision 0030). Nothing when a plan exists."""
    from .models import EmergencyPlan
    from .services import emergency

    officer, port_user = User.objects.filter(username="xian").first(), User.objects.filter(username="port").first()
    port = Organisation.objects.filter(code="xian-airport-port").first()
    if officer is None or port_user is None or port is None or EmergencyPlan.objects.exists():
        return 0
    today = timezone.localdate()
    with transaction.atomic():
        plan = emergency.create_plan(
            officer,
            {
                "organisation": port,
                "commodity_class": "dangerous_goods",
                "title": "西安咸阳国际机场口岸进口危险品泄漏应急预案",
                "scope": "经机场口岸进口的危险货物及其包装在查验、监管过程中发生泄漏、冒烟或包装破损",
                "procedures": "1. 现场隔离并报告；2. 封存涉事货物、暂停同批次通关；3. 抽样送检并确认危险特性；"
                "4. 会同机场、消防处置；5. 依检测结果作退运、销毁或放行处理并上报",
                "contacts": "机场口岸查验科值班电话；西安海关应急办",
                "steps": "1 | xian-airport-port | 隔离现场、封存涉事货物并暂停同批次通关\n"
                "4 | xian-airport-port | 抽样送检，确认危险特性\n"
                "24 | xianyang-customs | 核查同一收货人其他在途批次\n"
                "48 | xian-customs | 汇总处置情况，评估是否提请风险预警调整",
            },
        )
        emergency.record_drill(
            officer,
            plan,
            {
                "held_on": today - dt.timedelta(days=45),
                "scenario": "进口锂电池货物在查验区冒烟",
                "participants": "机场口岸查验科、机场消防、咸阳海关",
                "rating": "adequate",
                "evaluation": "15 分钟内完成隔离和封存；同批次货物查询耗时较长",
                "improvements": "预置同批次货物查询清单；每季度演练一次",
            },
        )
        for name, quantity, unit, location, expires in (
            ("防爆隔离箱", 4, "个", "查验区 1 号库", None),
            ("吸附棉", 40, "包", "查验区 1 号库", today + dt.timedelta(days=400)),
            ("正压式空气呼吸器", 6, "套", "值班室", today + dt.timedelta(days=200)),
        ):
            emergency.set_material(
                port_user,
                {"organisation": port, "name": name, "quantity": quantity, "unit": unit, "location": location,
                 "checked_on": today - dt.timedelta(days=10), "expires_on": expires},
            )  # fmt: skip
    return 1
