"""Every write of enforcement: a case transfer is opened by an authority, its evidence gathered (each file checked
by content and hashed), sealed and sent; the receiving unit acknowledges and reports the outcome. Each step is a
link of the chain of custody and an audit event, in one transaction."""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from riskgate.accounts.models import Organisation, OrganisationKind
from riskgate.core import audit
from riskgate.core.access import field_error, require
from riskgate.core.evidence import prepare_upload
from riskgate.core.notifications import in_both, notify_organisation
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person, require_person

from .. import queries
from ..models import RECEIVERS, CaseTransfer, CustodyAction, CustodyEvent, EvidenceFile, TransferKind, TransferStatus


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _custody(principal, transfer: CaseTransfer, action: str, detail: str = "") -> None:
    CustodyEvent.objects.create(
        transfer=transfer,
        action=action,
        actor=person(principal),
        organisation_id=getattr(principal, "organisation_id", None),
        detail=detail[:300],
    )


def _record(principal, transfer: CaseTransfer, action: str, changes: dict | None = None, reason: str = "") -> None:
    audit.record(
        actor=principal,
        action=f"case_transfer.{action}",
        obj=transfer,
        object_repr=transfer.reference,
        changes=changes or {},
        reason=reason[:500],
        organisation_id=transfer.organisation_id,
    )


@transaction.atomic
def open_transfer(principal: Principal, data: dict) -> CaseTransfer:
    require(principal, Permission.ENFORCEMENT_TRANSFER_MANAGE)
    user = require_person(principal)
    kind = data.get("kind")
    if kind not in TransferKind.values:
        raise field_error("kind", _("请选择移送类别。"))
    receiving = data.get("receiving")
    allowed = RECEIVERS[TransferKind(kind)]
    if not isinstance(receiving, Organisation) or receiving.kind != OrganisationKind.PARTNER_AGENCY:
        raise field_error("receiving", _("请选择接收单位。"))
    if allowed is not None and receiving.agency_type not in allowed:
        raise field_error("receiving", _("此类案件应移送公安机关、检察院或法院（公益诉讼线索移送检察院）。"))
    enterprise = data.get("enterprise")
    if enterprise is not None and not queries.enterprises(principal).filter(pk=enterprise.pk).exists():
        raise field_error("enterprise", _("该企业不在您的辖区内。"))
    title = (data.get("title") or "").strip()
    facts = (data.get("facts") or "").strip()
    if not title:
        raise field_error("title", _("请填写案由。"))
    if not facts:
        raise field_error("facts", _("请写明涉嫌违法事实。"))
    campaign = data.get("campaign")
    if campaign is not None and not queries.open_campaigns(principal).filter(pk=campaign.pk).exists():
        raise field_error("campaign", _("请选择本辖区进行中的专项行动。"))
    transfer = CaseTransfer.objects.create(
        campaign=campaign,
        kind=kind,
        organisation=principal.organisation,
        receiving=receiving,
        enterprise=enterprise,
        title=title[:300],
        facts=facts[:20000],
        legal_basis=(data.get("legal_basis") or "").strip()[:5000],
        created_by=user,
    )
    _record(principal, transfer, "opened", {"kind": kind, "receiving": receiving.pk})
    return transfer


def _own(principal: Principal, transfer: CaseTransfer) -> CaseTransfer:
    """The transfer, locked, if the principal's jurisdiction sent it (or is sending it)."""
    require(principal, Permission.ENFORCEMENT_TRANSFER_MANAGE)
    locked = CaseTransfer.objects.visible_to(principal).select_for_update().filter(pk=transfer.pk).first()
    if locked is None:
        raise PermissionDenied
    return locked


@transaction.atomic
def add_evidence(principal: Principal, transfer: CaseTransfer, *, upload, description: str) -> EvidenceFile:
    transfer = _own(principal, transfer)
    if transfer.status != TransferStatus.DRAFT:
        raise field_error("file", _("证据已封存移送，不能再增加。"))
    description = (description or "").strip()
    if not description:
        raise field_error("description", _("请说明这份证据。"))
    if upload is None:
        raise field_error("file", _("请选择文件。"))
    digest, name = prepare_upload(upload, "file")
    evidence = EvidenceFile.objects.create(
        transfer=transfer,
        file=upload,
        name=name,
        sha256=digest,
        size=upload.size,
        description=description[:300],
        added_by=person(principal),
    )
    _custody(principal, transfer, CustodyAction.ADDED, f"{name} {digest}")
    _record(principal, transfer, "evidence_added", {"file": name, "sha256": digest})
    return evidence


def build_manifest(transfer: CaseTransfer) -> dict:
    """What is sealed: the case, every file with its SHA-256 and size, and the chain of custody so far."""
    return {
        "transfer": transfer.reference,
        "kind": transfer.kind,
        "from": transfer.organisation.code,
        "to": transfer.receiving.code,
        "title": transfer.title,
        "files": [
            {
                "id": f.pk,
                "name": f.name,
                "sha256": f.sha256,
                "bytes": f.size,
                "description": f.description,
                "added_at": f.created_at.isoformat(),
            }
            for f in transfer.evidence.order_by("id")
        ],
        "custody": [
            {"at": c.at.isoformat(), "action": c.action, "by": c.actor_id, "organisation": c.organisation_id}
            for c in transfer.custody.order_by("id")
        ],
    }


@transaction.atomic
def send(principal: Principal, transfer: CaseTransfer) -> CaseTransfer:
    """Seal the evidence (the manifest and its SHA-256) and send the case: the receiving unit is told."""
    transfer = _own(principal, transfer)
    if transfer.status != TransferStatus.DRAFT:
        raise field_error("status", _("该案件已移送。"))
    if not transfer.evidence.exists():
        raise field_error("file", _("移送前请收入至少一份证据。"))
    _custody(principal, transfer, CustodyAction.SENT, transfer.receiving.name)
    manifest = build_manifest(transfer)
    transfer.manifest, transfer.manifest_sha256 = manifest, hashlib.sha256(canonical(manifest)).hexdigest()
    transfer.status, transfer.sent_at = TransferStatus.SENT, timezone.now()
    transfer.save()
    _record(principal, transfer, "sent", {"manifest_sha256": transfer.manifest_sha256, "files": len(manifest["files"])})
    notify_organisation(
        organisation=transfer.receiving,
        permission=Permission.ENFORCEMENT_TRANSFER_RECEIVE,
        kind="case_transfer.sent",
        title=in_both(
            lambda: (
                _("%(ref)s：%(org)s 向贵单位移送案件") % {"ref": transfer.reference, "org": transfer.organisation.name}
            )
        ),
        link=f"/enforcement/transfers/{transfer.pk}/",
        object_key=f"case_transfer:{transfer.pk}",
    )
    return transfer


def verify(transfer: CaseTransfer) -> list[str]:
    """What no longer matches the sealed package: the manifest itself altered, a file missing or altered, a file
    added after sealing. Empty: the evidence is as it was sent."""
    if not transfer.manifest:
        return []
    problems = []
    if hashlib.sha256(canonical(transfer.manifest)).hexdigest() != transfer.manifest_sha256:
        problems.append(_("证据清单与封存时不一致"))
    stored = {f.pk: f for f in transfer.evidence.all()}
    for entry in transfer.manifest.get("files", []):
        evidence = stored.pop(entry["id"], None)
        if evidence is None or not evidence.file.storage.exists(evidence.file.name):
            problems.append(_("缺少文件：%s") % entry["name"])
            continue
        digest = hashlib.sha256()
        with evidence.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"] or evidence.sha256 != entry["sha256"]:
            problems.append(_("文件已被改动：%s") % entry["name"])
    for extra in stored.values():
        problems.append(_("封存后增加的文件：%s") % extra.name)
    return problems


def _received(principal: Principal, transfer: CaseTransfer) -> CaseTransfer:
    require(principal, Permission.ENFORCEMENT_TRANSFER_RECEIVE)
    require_person(principal)
    locked = CaseTransfer.objects.select_for_update().filter(pk=transfer.pk).first()
    if locked is None or locked.status == TransferStatus.DRAFT or locked.receiving_id != principal.organisation_id:
        raise PermissionDenied
    return locked


@transaction.atomic
def acknowledge(principal: Principal, transfer: CaseTransfer, *, note: str) -> CaseTransfer:
    """The receiving unit acknowledges receipt (its case number, what it received)."""
    transfer = _received(principal, transfer)
    if transfer.status != TransferStatus.SENT:
        raise field_error("note", _("该案件已接收。"))
    note = (note or "").strip()
    if not note:
        raise field_error("note", _("请填写接收回执（如受案编号）。"))
    problems = verify(transfer)
    transfer.status, transfer.acknowledged_at, transfer.acknowledgement = (
        TransferStatus.ACKNOWLEDGED,
        timezone.now(),
        note[:5000],
    )
    transfer.save()
    _custody(principal, transfer, CustodyAction.RECEIVED, note)
    _record(principal, transfer, "acknowledged", {"problems": problems}, note)
    return transfer


@transaction.atomic
def conclude(principal: Principal, transfer: CaseTransfer, *, outcome: str) -> CaseTransfer:
    """The receiving unit reports what became of the case (立案、起诉、判决、不予立案…)."""
    transfer = _received(principal, transfer)
    if transfer.status != TransferStatus.ACKNOWLEDGED:
        raise field_error("outcome", _("请先接收该案件。"))
    outcome = (outcome or "").strip()
    if not outcome:
        raise field_error("outcome", _("请填写处理结果。"))
    transfer.status, transfer.concluded_at, transfer.outcome = TransferStatus.CONCLUDED, timezone.now(), outcome[:10000]
    transfer.save()
    _custody(principal, transfer, CustodyAction.CONCLUDED)
    _record(principal, transfer, "concluded", {}, outcome)
    notify_organisation(
        organisation=transfer.organisation,
        permission=Permission.ENFORCEMENT_TRANSFER_MANAGE,
        kind="case_transfer.concluded",
        title=in_both(lambda: _("%s：接收单位已反馈处理结果") % transfer.reference),
        link=f"/enforcement/transfers/{transfer.pk}/",
        object_key=f"case_transfer:{transfer.pk}:concluded",
    )
    return transfer


def downloaded(principal: Principal, evidence: EvidenceFile) -> None:
    """A read of an evidence file is a link of the chain of custody (and audited)."""
    with transaction.atomic():
        _custody(principal, evidence.transfer, CustodyAction.DOWNLOADED, evidence.name)
        audit.record_read(actor=principal, obj=evidence.transfer, reason=evidence.name)
