"""Demo data of risk information: the partner agency's sharing scope, and every real public notification file of
../shared/data imported as risk information (idempotent)."""

from django.core.management import call_command

from riskgate.accounts.models import Organisation
from riskgate.core import audit

from .models import SharingScope


def load_sharing_scope() -> None:
    """The Shaanxi market regulator reads the verified information of Xi'an Customs' jurisdiction."""
    partner = Organisation.objects.filter(code="sn-market-regulation").first()
    jurisdiction = Organisation.objects.filter(code="xian-customs").first()
    if partner is None or jurisdiction is None or SharingScope.objects.filter(organisation=partner).exists():
        return
    scope = SharingScope.objects.create(organisation=partner, verified_only=True)
    scope.jurisdictions.set([jurisdiction])
    audit.record(actor=None, action="intake.sharing_scope_created", obj=scope, reason="demo data")


def load_notifications() -> None:
    """The real RASFF, Safety Gate, CPSC, FDA and NHTSA notifications, and what an older demo database lacks."""
    call_command("import_risk_information", all=True, no_progress=True)
    call_command("enrich_information")
