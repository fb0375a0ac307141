"""Evidence files of risk information: checked by content, stored outside the web root, read via scoped views."""

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from riskgate.core import audit
from riskgate.core.access import field_error
from riskgate.core.permissions import Permission
from riskgate.core.principal import Principal, person

from .models import Evidence, RiskInformation


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


def sniff(head: bytes) -> Kind | None:
    """The file's real type from its first bytes (the name and the browser's claim are not trusted)."""
    if head.startswith(b"\xff\xd8\xff"):
        return Kind("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind("image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Kind("image/webp", "webp")
    if head.startswith(b"%PDF-"):
        return Kind("application/pdf", "pdf")
    if head[4:8] == b"ftyp":
        return Kind("video/mp4", "mp4")
    return None


def check(upload: UploadedFile) -> Kind:
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("文件“%(name)s”超过 %(mb)d MB 上限。")
            % {"name": upload.name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
        )
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _("文件“%s”的类型不被接受：只接受 JPEG、PNG、WEBP 图片，PDF 文件和 MP4 视频。") % upload.name
        )
    return kind


def prepare_upload(upload: UploadedFile, field: str) -> tuple[str, str]:
    """Check an uploaded file by its content (a refusal names the form field), then give it a random name for
    the disk. Returns its SHA-256 and the name it was sent with."""

    try:
        kind = check(upload)
    except ValidationError as exc:
        raise field_error(field, exc.messages[0]) from None
    digest, original = sha256_of(upload), upload.name[:255]
    upload.name = f"{uuid.uuid4().hex}.{kind.extension}"  # never the sender's name on disk
    return digest, original


def sha256_of(upload: UploadedFile) -> str:
    """The SHA-256 of an uploaded file, read in chunks; the file is left at its start."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


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
