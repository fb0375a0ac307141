"""The archive (R-ARC-1, regulation Art.31): every closed record classified and kept for its retention period,
legal holds, the retention reviews that dispose of what is past its period — drafted by the scheduler as a
dry-run report, submitted by one officer, approved by a second — and the tombstone each disposal leaves.

An archived record is a row here naming the live record (category + object id); the live record stays where it
is, in its own app, until it is disposed of. Disposal deletes the live record and what it owns; the row here
stays as its tombstone: what was disposed of, when, under which review and whose approval, with the SHA-256 of
what was deleted. The audit trail is never touched (it is append-only and chained)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Numbered, Scoped, TimeStamped

from .kinds import Category


class Importance(models.TextChoices):
    ORDINARY = "ordinary", _("一般")
    MAJOR = "major", _("重大案件")
    TYPICAL = "typical", _("典型案例")


class Retention(models.TextChoices):
    """保管期限: how long a record is kept after it closed."""

    SHORT = "short", _("短期（三年）")
    LONG = "long", _("长期")
    PERMANENT = "permanent", _("永久")


class ArchiveState(models.TextChoices):
    KEPT = "kept", _("保管中")
    DISPOSED = "disposed", _("已销毁")
    WITHDRAWN = "withdrawn", _("已移出（原记录重新办理）")


class ArchivedRecord(Scoped, TimeStamped):
    category = models.CharField(_("档案类别"), max_length=12, choices=Category.choices)
    object_id = models.PositiveBigIntegerField(_("原记录编号"))
    reference = models.CharField(_("档号"), max_length=40)
    title = models.CharField(_("题名"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("立档单位"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"))
    importance = models.CharField(_("重要程度"), max_length=10, choices=Importance.choices, db_index=True)
    basis = models.CharField(_("定级依据"), max_length=300, blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定级人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    retention = models.CharField(_("保管期限"), max_length=10, choices=Retention.choices)
    retain_until = models.DateField(_("保管至"), null=True, blank=True, db_index=True)  # None: permanent
    on_hold = models.BooleanField(_("诉讼保全"), default=False)
    hold_reason = models.TextField(_("保全理由"), blank=True)
    hold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保全人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hold_at = models.DateTimeField(_("保全时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ArchiveState.choices, default=ArchiveState.KEPT, db_index=True
    )
    # The tombstone, once disposed of
    disposed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    review = models.ForeignKey(
        "DisposalReview",
        verbose_name=_("销毁审批单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disposed",
    )
    content_sha256 = models.CharField(_("销毁内容 SHA-256"), max_length=64, blank=True)
    disposed_rows = models.PositiveIntegerField(_("销毁的数据行"), default=0)
    disposed_files = models.PositiveIntegerField(_("销毁的文件"), default=0)

    class Meta:
        verbose_name = _("档案")
        verbose_name_plural = _("档案")
        constraints = [models.UniqueConstraint(fields=["category", "object_id"], name="archive_one_per_record")]
        indexes = [models.Index(fields=["state", "importance", "retain_until"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("清册已生成，待提交")
    SUBMITTED = "submitted", _("已提交，待审批")
    EXECUTED = "executed", _("已批准并销毁")
    REJECTED = "rejected", _("未批准")


class DisposalReview(Numbered, Scoped, TimeStamped):
    """A retention review (销毁审批): the records of one unit past their retention on `as_of`, drafted by the
    scheduled job as a dry-run report, submitted by one officer and approved (and so carried out) by another."""

    REFERENCE_PREFIX = "DS"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("立档单位"), on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("清点日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("档案销毁审批")
        verbose_name_plural = _("档案销毁审批")

    def __str__(self) -> str:
        return self.reference


class ItemOutcome(models.TextChoices):
    PENDING = "pending", _("待处理")
    DISPOSED = "disposed", _("已销毁")
    KEPT = "kept", _("未销毁")


class DisposalItem(models.Model):
    review = models.ForeignKey(DisposalReview, on_delete=models.CASCADE, related_name="items")
    record = models.ForeignKey(ArchivedRecord, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("处理结果"), max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.PENDING)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("销毁清册条目")
        constraints = [models.UniqueConstraint(fields=["review", "record"], name="archive_item_once")]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.record_id}"
