"""Shared reference data (regions, HS codes), the tamper-evident audit trail, notifications, and the abstract
bases of the domain models (time stamps, jurisdiction scoping, versioned lineages)."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")


class Region(models.Model):
    """An administrative division by its GB/T 2260 six-digit code."""

    code = models.CharField(_("行政区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=64, blank=True)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AuditEventQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One entry of the append-only audit trail; `hash` chains it to the entry before (seq - 1)."""

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_repr = models.CharField(_("操作人（记录时）"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    objects = AuditEventQuerySet.as_manager()
    # An auditor of a bureau reads the events of its subtree; events of no organisation need ALL scope.
    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


class AuditHead(models.Model):
    """The single row holding the latest seq and hash; locking it serialises writers of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class HSSection(models.Model):
    """A section (I–XXI) of the Harmonized System."""

    code = models.CharField(_("类"), max_length=5, primary_key=True)
    name = models.CharField(_("英文名称"), max_length=400)
    name_zh = models.CharField(_("中文名称"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("HS 类")
        verbose_name_plural = _("HS 类")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh or self.name}"


class HSCode(models.Model):
    """A Harmonized System 2022 code: chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(_("HS 编码"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("级别（位数）"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_constraint=False,
    )
    # Chapter 99 ("not specified according to kind") belongs to no section.
    section = models.ForeignKey(HSSection, verbose_name=_("类"), null=True, blank=True, on_delete=models.PROTECT)
    description = models.TextField(_("英文描述"))
    description_zh = models.CharField(_("中文名称"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("HS 编码")
        verbose_name_plural = _("HS 编码")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description_zh or self.description[:80]}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> models.QuerySet:
        """Notifications addressed to the user, or to the user's organisation for a permission the user holds.
        Whether the user may open each one's object is checked after (core.notifications.readable)."""
        if not getattr(user, "is_authenticated", False) or user.pk is None:
            return self.none()
        return self.filter(
            models.Q(user=user)
            | models.Q(
                organisation_id=user.organisation_id,
                user__isnull=True,
                permission__in=sorted(getattr(user, "permission_codes", ()) or ()),
            )
        )


class Notification(models.Model):
    """An in-app message to the holders of one permission in an organisation, or to one user; it names the object
    it is about, and is shown only to those who may open that object. E-mail copies go through the queue."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("接收机构"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    permission = models.CharField(_("接收权限"), max_length=60, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    object_key = models.CharField(max_length=100, blank=True, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_key", "organisation"], name="one_notification_per_event")
        ]

    def __str__(self) -> str:
        return self.title


class RateEvent(models.Model):
    """One counted request of a rate-limited public action; the key is a hash (no raw addresses kept)."""

    bucket = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("限流记录")
        verbose_name_plural = _("限流记录")
        indexes = [models.Index(fields=["bucket", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.bucket} {self.key[:8]} {self.at:%Y-%m-%d %H:%M}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在导出")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期删除")


class ExportJob(models.Model):
    """A list exported to a file by a background job (core.exports): its owner's filters, progress and file.
    Only its owner reads it; the file is kept for EXPORT_TTL_HOURS and then deleted."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("导出内容"), max_length=40)
    format = models.CharField(_("格式"), max_length=4)
    query = models.TextField(_("筛选条件"), blank=True)  # the list's address parameters, URL-encoded
    language = models.CharField(max_length=10)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    total = models.PositiveIntegerField(_("总条数"), null=True, blank=True)
    done = models.PositiveIntegerField(_("已导出条数"), default=0)
    file = models.CharField(max_length=200, blank=True)  # a name under EXPORT_DIR, never a URL
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件保留至"))

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.format} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0


# ----- abstract bases the domain models share ----------------------------------------------------------------


class TimeStamped(models.Model):
    """A record that keeps when it was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Created(models.Model):
    """A record that keeps when it was created (and is not changed afterwards)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        abstract = True


class Scoped(models.Model):
    """A confidential record read only through `objects.visible_to(principal)` (core.scoping); the concrete
    model names the path to its owning organisation in `scope_organisation_field`."""

    scope_organisation_field = "organisation"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class Numbered(models.Model):
    """A record named by its number, `PREFIXnnnnnnnn` (`RI00000042`, `MS00000007`): the prefix is the model's
    `REFERENCE_PREFIX`; an unsaved record reads `PREFIX—`."""

    REFERENCE_PREFIX = ""

    class Meta:
        abstract = True

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}{self.pk:08d}" if self.pk else f"{self.REFERENCE_PREFIX}—"


class VersionedQuerySet(ScopedQuerySet):
    def by_reference(self, reference: str):
        """The version a reference (`PREFIXnnnnnnnn-vN`) names, or None."""
        match = re.fullmatch(rf"{self.model.REFERENCE_PREFIX}(\d{{1,12}})-v(\d{{1,6}})", str(reference))
        if match is None:
            return None
        return self.filter(lineage_id=int(match[1]), version=int(match[2])).first()


class Versioned(models.Model):
    """One version of a lineage of versions (an assessment, a warning, a control rule): a change is a new version,
    the earlier ones stay readable. `lineage` is the first version (itself for the first), and the reference
    `PREFIXnnnnnnnn-vN` names the lineage by its first version's id."""

    REFERENCE_PREFIX = ""

    lineage = models.ForeignKey(
        "self", verbose_name=_("首个版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def reference(self) -> str:
        root = self.lineage_id or self.pk
        return f"{self.REFERENCE_PREFIX}{root:08d}-v{self.version}" if root else f"{self.REFERENCE_PREFIX}—"

    def start_lineage(self) -> None:
        """Make a newly saved first version the root of its own lineage."""
        self.lineage = self
        self.save(update_fields=["lineage"])

    def supersede(self, **fields):
        """The next version of this one, unsaved: the same lineage, the next number, `supersedes` set where the
        model records it, and `fields` as given (the caller copies what carries over)."""
        new = type(self)(lineage_id=self.lineage_id, version=self.version + 1, **fields)
        if any(f.name == "supersedes" for f in self._meta.get_fields()):
            new.supersedes = self
        return new
