"""Technical trade measures (R-USE-2): foreign technical regulations and WTO TBT/SPS notifications, the exporters
they concern (alerts), and the comments drafted and recorded on a notification before its deadline
(decision 0028)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created, Numbered, Scoped, TimeStamped


class Kind(models.TextChoices):
    TBT = "tbt", _("TBT 通报")
    SPS = "sps", _("SPS 通报")
    REGULATION = "regulation", _("国外技术法规")


class Status(models.TextChoices):
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("评议期已结束")
    ADOPTED = "adopted", _("已通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notification(Numbered, Created):
    """A notification (or regulation) as the notifying member published it; public information."""

    REFERENCE_PREFIX = "TB"

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    symbol = models.CharField(_("文件编号"), max_length=60, unique=True, help_text=_("如 G/TBT/N/TTO/121/Rev.1"))
    member = models.CharField(_("通报成员"), max_length=3, help_text=_("ISO 3166 两位代码；欧盟为 EU"))
    title = models.CharField(_("标题"), max_length=500)
    title_en = models.CharField(_("英文标题"), max_length=500, blank=True)
    products = models.TextField(_("覆盖的产品"))
    hs_codes = models.JSONField(_("HS 编码"), default=list, help_text=_("2–10 位数字，按前缀匹配"))
    objective = models.TextField(_("目的和理由"), blank=True)
    distributed_on = models.DateField(_("分发日期"), null=True, blank=True)
    comment_deadline = models.DateField(_("评议截止日期"), null=True, blank=True)
    adoption_on = models.DateField(_("拟批准日期"), null=True, blank=True)
    in_force_on = models.DateField(_("拟生效日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    url = models.URLField(_("原文链接"), max_length=500, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("技术性贸易措施通报")
        verbose_name_plural = _("技术性贸易措施通报")
        ordering = ["-distributed_on", "-id"]

    def __str__(self) -> str:
        return self.symbol

    @property
    def open_for_comments(self) -> bool:
        return self.status == Status.OPEN and (
            self.comment_deadline is None or timezone.localdate() <= self.comment_deadline
        )

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tbt:detail", kwargs={"pk": self.pk})


class Alert(Created, Scoped):
    """A notification sent to an exporter whose declarations of the last year fall under its HS codes."""

    scope_organisation_field = "enterprise"

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="alerts")
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    declarations = models.PositiveIntegerField(_("近一年出口报关项数"))
    export_value = models.DecimalField(_("近一年出口货值"), max_digits=18, decimal_places=2)
    headings = models.JSONField(_("涉及的 HS 编码"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发送人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("通报预警")
        verbose_name_plural = _("通报预警")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notification", "enterprise"], name="one_alert_per_exporter")]

    def __str__(self) -> str:
        return f"{self.notification} → {self.enterprise}"

    def get_absolute_url(self) -> str:
        return self.notification.get_absolute_url()


class CommentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    RECORDED = "recorded", _("已提交")


class Comment(TimeStamped, Scoped):
    """A comment on a notification: drafted by an authority or an exporter, recorded (submitted to the enquiry
    point) before the deadline; a recorded comment no longer changes."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="comments")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("评议单位"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("评议意见"))
    status = models.CharField(_("状态"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.DRAFT)
    recorded_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通报评议")
        verbose_name_plural = _("通报评议")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notification} · {self.organisation}"
