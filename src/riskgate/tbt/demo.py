"""Demo technical trade measures: four real WTO TBT notifications (data/notifications-example.csv, written by hand
from the notification texts the WTO and enquiry points published; only their own HS codes are given), export
declarations of the demo toy maker and bearing maker screened through the single-window service, and the alert of
the toy notification to the exporter of toys."""

import datetime as dt
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent / "data" / "notifications-example.csv"


def export_items(now: dt.datetime) -> list[dict]:
    """Export declaration items of the demo producers over the last months (toys, bearings)."""
    rows = [
        ("6103930002", "9503002100", "毛绒玩具", 18_500.0),
        ("6103930002", "9503008900", "塑料玩具车", 22_300.0),
        ("6103930002", "9503006000", "拼图", 9_800.0),
        ("3715930004", "8482102000", "深沟球轴承", 64_000.0),
        ("3715930004", "8482200000", "圆锥滚子轴承", 51_500.0),
    ]
    items = []
    for n, (enterprise, hs_code, description, value) in enumerate(rows * 4):
        declared = now - dt.timedelta(days=20 + 17 * n)
        items.append(
            {
                "declaration_id": f"DEMOEX{declared:%Y%m%d}{n:04d}",
                "item_no": 1,
                "direction": "export",
                "hs_code": hs_code,
                "origin_country": "CN",
                "enterprise_ids": [enterprise],
                "port": "CNXIY",
                "description": description,
                "value": value,
                "declared_at": declared.isoformat(timespec="seconds"),
            }
        )
    return items


def load_demo_notifications() -> int:
    from django.utils import timezone

    from riskgate.accounts.models import User
    from riskgate.targeting.services import screening

    from . import services
    from .models import Alert, Notification

    officer = User.objects.filter(username="warning").first()
    if officer is None or Notification.objects.exists():
        return 0
    screening.screen(officer, export_items(timezone.now()), one_declaration=False)
    services.import_notifications(officer, services.read_file(EXAMPLE.read_bytes(), EXAMPLE.name))
    toys = Notification.objects.get(symbol="G/TBT/N/TTO/121/Rev.1")
    services.alert_exporters(officer, toys)
    return Notification.objects.count() + Alert.objects.count()
