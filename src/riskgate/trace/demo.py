"""Demo traceability: the life of two batches of the paprika powder the demo importer brings in — one named by
the demo warning on Salmonella in paprika, one not — captured as EPCIS 2.0 documents through the capture service,
as the importer's system would send them. GTINs use the GS1 prefix 690 with a made-up company number (6901234)."""

import datetime as dt

GTIN = "06901234000016"
COVERED_LOT = "PAP2409017"  # named by the demo warning (warnings.demo.PAPRIKA)
CLEAR_LOT = "PAP2409018"
CONTEXT = ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"cbvmda": "urn:epcglobal:cbv:mda:"}]


def _event(lot: str, n: int, when: dt.datetime, step: str, disposition: str, where: str, **extra) -> dict:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:6901234a-0000-4000-8000-{lot[-6:]}{n:06d}",
        "eventTime": when.isoformat(),
        "eventTimeZoneOffset": "+08:00",
        "action": "ADD" if n == 0 else "OBSERVE",
        "bizStep": step,
        "disposition": disposition,
        "quantityList": [{"epcClass": f"urn:epc:class:lgtin:6901234.000001.{lot}", "quantity": 1200, "uom": "KGM"}],
        "readPoint": {"id": f"urn:epc:id:sgln:6901234.00001.{where}"},
        **extra,
    }


def chain_document(lot: str, start: dt.datetime, declaration: str) -> dict:
    """A batch's life: made and tested at origin, shipped, declared at import, received, sold."""
    events = [
        _event(
            lot,
            0,
            start,
            "commissioning",
            "active",
            "1",
            ilmd={"cbvmda:countryOfOrigin": "CN", "cbvmda:lotNumber": lot},
        ),
        _event(lot, 1, start + dt.timedelta(days=2), "inspecting", "conformant", "1"),
        _event(lot, 2, start + dt.timedelta(days=5), "shipping", "in_transit", "2"),
        _event(
            lot,
            3,
            start + dt.timedelta(days=33),
            "entering_exiting",
            "in_progress",
            "3",
            bizTransactionList=[
                {"type": "urn:riskgate:btt:declaration", "bizTransaction": f"urn:riskgate:declaration:{declaration}"}
            ],
        ),
        _event(lot, 4, start + dt.timedelta(days=36), "receiving", "in_progress", "4"),
        _event(lot, 5, start + dt.timedelta(days=50), "retail_selling", "retail_sold", "5"),
    ]
    return {
        "@context": CONTEXT,
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": (start + dt.timedelta(days=51)).isoformat(),
        "id": f"urn:uuid:6901234b-0000-4000-8000-{lot[-6:]}000000",
        "epcisBody": {"eventList": events},
    }


def load_demo_chains() -> int:
    from django.utils import timezone

    from riskgate.accounts.models import User

    from . import services
    from .models import TraceEvent

    importer = User.objects.filter(username="enterprise").first()
    if importer is None or TraceEvent.objects.filter(organisation=importer.organisation).exists():
        return 0
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    stored = 0
    for n, lot in enumerate((COVERED_LOT, CLEAR_LOT)):
        start = today - dt.timedelta(days=120 - 10 * n)
        document = chain_document(lot, start, f"61012026100{n:07d}")
        stored += services.capture(importer, document).capture.events
    return stored
