"""Case transfers with their evidence packages and chains of custody."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created, Numbered, Scoped


class TransferKind(models.TextChoices):
    CRIMINAL = "criminal", _("涉嫌犯罪案件移送（行刑衔接）")
    PUBLIC_INTEREST = "public_interest", _("公益诉讼线索移送")
    ADMINISTRATIVE = "administrative", _("移送其他行政机关")


# Who may receive each kind (partner agencies' types).
RECEIVERS = {
    TransferKind.CRIMINAL: {"police", "procuratorate", "court"},
    TransferKind.PUBLIC_INTEREST: {"procuratorate"},
    TransferKind.ADMINISTRATIVE: None,  # any partner agency
}


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("整理证据中")
    SENT = "sent", _("已移送，待接收")
    ACKNOWLEDGED = "acknowledged", _("已接收")
    CONCLUDED = "concluded", _("已反馈处理结果")


class CaseTransfer(Numbered, Scoped, Created):
    """One case transferred by an authority (its jurisdiction reads it) to a receiving unit (which alone, outside
    that jurisdiction, reads it once sent). The evidence is sealed when it is sent: the manifest lists every file
    with its SHA-256 and the chain of custody so far, and its own SHA-256 is kept."""

    REFERENCE_PREFIX = "CT"
    scope_organisation_field = "organisation"

    kind = models.CharField(_("移送类别"), max_length=16, choices=TransferKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("移送单位"), on_delete=models.PROTECT, related_name="+"
    )
    receiving = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("涉案企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("案由"), max_length=300)
    facts = models.TextField(_("涉嫌违法事实"))
    legal_basis = models.TextField(_("移送依据"), blank=True)
    status = models.CharField(_("状态"), max_length=14, choices=TransferStatus.choices, default=TransferStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("移送时间"), null=True, blank=True)
    manifest = models.JSONField(_("证据清单"), null=True, blank=True)
    manifest_sha256 = models.CharField(_("证据清单 SHA-256"), max_length=64, blank=True)
    acknowledged_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    acknowledgement = models.TextField(_("接收回执"), blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    concluded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("案件移送")
        verbose_name_plural = _("案件移送")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class EvidenceFile(Created):
    transfer = models.ForeignKey(CaseTransfer, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="enforcement/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    description = models.CharField(_("证据说明"), max_length=300)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class CustodyAction(models.TextChoices):
    ADDED = "added", _("收入证据")
    SENT = "sent", _("封存移送")
    RECEIVED = "received", _("接收")
    DOWNLOADED = "downloaded", _("调阅下载")
    CONCLUDED = "concluded", _("反馈处理结果")


class CustodyEvent(models.Model):
    """One link of the chain of custody: who did what with the evidence, when (appended, never changed)."""

    transfer = models.ForeignKey(CaseTransfer, on_delete=models.PROTECT, related_name="custody")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("环节"), max_length=12, choices=CustodyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("证据保管记录")
        verbose_name_plural = _("证据保管记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.transfer_id} {self.action}"
