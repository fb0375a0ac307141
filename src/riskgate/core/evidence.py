"""Evidence files, whatever they support (risk information, laboratory reports, progress notes, obligations): the
type checked by content (the name and the browser's claim are not trusted), the size bounded, the digest kept."""

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .access import field_error


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
