"""Evidence files of risk information: checked by content (core.evidence), stored outside the web root, read via
scoped views."""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.evidence import check, sha256_of
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person

from .models import Evidence, RiskInformation


def attach(info: RiskInformation, uploads: list[UploadedFile], *, actor=None) -> list[Evidence]:
    """Check every file first, then store them all or none."""
    if info.evidence.count() + len(uploads) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError(_("每条风险信息最多 %d 个附件。") % settings.EVIDENCE_MAX_FILES)
    kinds = [check(upload) for upload in uploads]
    stored = []
    with transaction.atomic():
        for upload, kind in zip(uploads, kinds, strict=True):
            evidence = Evidence(
                information=info,
                original_name=upload.name[:200],
                content_type=kind.content_type,
                size=upload.size,
                sha256=sha256_of(upload),
                uploaded_by=person(actor),
            )
            evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", upload, save=False)
            evidence.save()
            stored.append(evidence)
            audit.record(
                actor=actor,
                action="intake.evidence_added",
                obj=info,
                changes=audit.facts(file=evidence.original_name, sha256=evidence.sha256, size=evidence.size),
            )
    return stored


def attach_by_officer(principal: Principal, info: RiskInformation, uploads: list[UploadedFile]) -> list[Evidence]:
    if not (
        principal.has_permission(Permission.INTAKE_INFORMATION_PROCESS)
        or principal.has_permission(Permission.INTAKE_INFORMATION_CREATE)
    ):
        raise PermissionDenied
    if not RiskInformation.objects.visible_to(principal, shared=False).filter(pk=info.pk).exists():
        raise PermissionDenied
    return attach(info, uploads, actor=principal)
