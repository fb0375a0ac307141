"""The legal-inspection catalogue (法检目录) with its CCC-certified products (R-USE-3, decision 0031): each
adjustment — entries added, changed or removed, with the reason and, when an assessment led to it, that confirmed
assessment — is a new version; screening checks declarations against the newest (engine/catalogue.py), and a new
version reaches every worker with the rules (it bumps the rule-set version)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.assessment.models import Status as AssessmentStatus
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, require_person
from riskgate.core.text import validate_text

from ..engine.catalogue import Catalogue, Entry
from ..models import CatalogueEntry, CatalogueVersion
from .rules import bump

MAX_ENTRIES = 20_000


def newest() -> Catalogue | None:
    """The newest version as the engine reads it (None: no catalogue yet)."""
    version = CatalogueVersion.objects.order_by("-number").first()
    return of_version(version) if version is not None else None


def of_version(version: CatalogueVersion) -> Catalogue:
    rows = version.entries.values_list("hs_prefix", "legal_inspection", "ccc")
    return Catalogue(version.number, {prefix: Entry(legal, ccc) for prefix, legal, ccc in rows})


def _prefix(value) -> str:
    prefix = str(value or "").replace(".", "").strip()
    if not (prefix.isdigit() and 4 <= len(prefix) <= 10):
        raise field_error("hs_prefix", _("HS 编码应为 4–10 位数字。"))
    return prefix


@transaction.atomic
def adjust(
    principal: Principal,
    *,
    reason: str,
    add: list[dict] = (),
    remove: list[str] = (),
    basis=None,
) -> CatalogueVersion:
    """A new version: the newest version's entries, with `add` (hs_prefix, name, legal_inspection, ccc; an existing
    prefix is changed) and without `remove` (HS prefixes)."""
    require(principal, Permission.TARGETING_RULE_MANAGE)
    user = require_person(principal)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("请写明调整理由。"))
    validate_text(reason)
    if basis is not None and (
        basis.status != AssessmentStatus.CONFIRMED
        or not type(basis).objects.visible_to(principal).filter(pk=basis.pk).exists()
    ):
        raise field_error("basis", _("只能依据本辖区已确认的研判调整目录。"))
    last = CatalogueVersion.objects.select_for_update().order_by("-number").first()
    entries = {e.hs_prefix: e for e in (last.entries.all() if last else [])}
    current = {p: (e.name, e.legal_inspection, e.ccc) for p, e in entries.items()}
    for prefix in remove:
        prefix = _prefix(prefix)
        if prefix not in current:
            raise field_error("hs_prefix", _("目录中没有 HS %s。") % prefix)
        del current[prefix]
    for row in add:
        prefix = _prefix(row.get("hs_prefix"))
        name = str(row.get("name") or "").strip()
        if not name:
            raise field_error("name", _("请填写商品名称。"))
        validate_text(name)
        legal, ccc = bool(row.get("legal_inspection")), bool(row.get("ccc"))
        if not (legal or ccc):
            raise field_error("legal_inspection", _("目录条目须为法定检验或须 CCC 认证。"))
        current[prefix] = (name[:200], legal, ccc)
    if last is not None and current == {p: (e.name, e.legal_inspection, e.ccc) for p, e in entries.items()}:
        raise ValidationError(_("没有任何调整。"))
    if len(current) > MAX_ENTRIES:
        raise ValidationError(_("目录至多 %d 条。") % MAX_ENTRIES)
    version = CatalogueVersion.objects.create(
        number=(CatalogueVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1,
        reason=reason,
        basis=basis,
        created_by=user,
    )
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(version=version, hs_prefix=p, name=n, legal_inspection=legal, ccc=ccc)
            for p, (n, legal, ccc) in sorted(current.items())
        ]
    )
    bump(timezone.now())
    audit.record(
        actor=principal,
        action="catalogue.adjusted",
        object_type="targeting.catalogueversion",
        object_id=str(version.pk),
        object_repr=f"v{version.number}",
        changes=audit.facts(added=[r.get("hs_prefix") for r in add], removed=list(remove), entries=len(current)),
        reason=reason,
    )
    return version
