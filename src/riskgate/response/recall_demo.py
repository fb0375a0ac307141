"""Demo recalls from the real EU Safety Gate motor-vehicle alerts (../shared/data/safety_gate): the brand, model,
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

from . import recalls
from .models import Recall

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
            recall = recalls.open_recall(officer, {
                "kind": "ordered" if n % 3 == 0 else "voluntary",
                "recall_type": "environmental" if "Environment" in row["risk_type"] else "defect",
                "enterprise": importer, "product": row["product"] or "Passenger car", "brand": row["brand"][:200],
                "model": row["name"][:300] or row["model"][:300], "hs_code": "8703",
                "defect": danger[:4000], "affected_units": units,
                "affected_range": f"{row['model'][:200]}; 生产日期 {row['production_dates'] or '—'}",
                "distribution": "经重庆江北国际机场口岸进口，售往重庆、四川、陕西的授权经销商。",
                "remedies": ["repair"] if n % 4 else ["replace"],
                "communication_plan": "经销商逐一通知车主；官网和公众号发布召回公告；12365 热线答复咨询。",
                "source": case, "started_on": started,
            })  # fmt: skip
            corrected = 0
            for step in range(1, (today - started).days // 30 + 1):
                corrected = min(units, corrected + units * (20 + (seed >> step) % 25) // 100)
                recalls.report_progress(officer, recall, as_of=started + dt.timedelta(days=30 * step),
                                        units_corrected=corrected, note="经销商月度报告")  # fmt: skip
                if corrected == units:
                    break
            if n % 5 != 4:
                recalls.publish(officer, recall)
        made += 1
    return made
