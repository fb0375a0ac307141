"""An enterprise's credit grade with its history, and the credit events its record is made of."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created


class CreditGrade(models.TextChoices):
    """The customs credit grade of an enterprise (海关企业信用等级); it drives differential supervision
    (targeting: the supervision policy gives each grade its inspection factor)."""

    ADVANCED = "advanced", _("高级认证企业")
    REGULAR = "regular", _("一般信用企业")
    DISHONEST = "dishonest", _("失信企业")


class CreditRecord(models.Model):
    """An enterprise's current credit grade (an enterprise without a record has the regular grade). Changed only
    through services.set_grade, which keeps the history."""

    enterprise = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="credit_record"
    )
    grade = models.CharField(_("信用等级"), max_length=12, choices=CreditGrade.choices, default=CreditGrade.REGULAR)
    graded_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用档案")
        verbose_name_plural = _("信用档案")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_grade_display()}"


class GradeChange(Created):
    """One change of an enterprise's grade, with who changed it and why (the grade's history)."""

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="grade_changes"
    )
    before = models.CharField(_("原等级"), max_length=12, choices=CreditGrade.choices)
    after = models.CharField(_("新等级"), max_length=12, choices=CreditGrade.choices)
    reason = models.TextField(_("理由"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("信用等级变更")
        verbose_name_plural = _("信用等级变更")
        ordering = ["-id"]


class CreditEvent(models.Model):
    """A fact for the enterprise's quality-credit record (R-CRD-1), with its source; grades are decided from
    these. One per (kind, source): a job that runs twice records nothing more."""

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="credit_events"
    )
    kind = models.CharField(_("类别"), max_length=40)
    source = models.CharField(_("来源"), max_length=60)  # e.g. "obligation:OB00000012"
    detail = models.TextField(_("说明"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))

    class Meta:
        verbose_name = _("质量信用事件")
        verbose_name_plural = _("质量信用事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "source"], name="one_credit_event_per_source")]

    def __str__(self) -> str:
        return f"{self.kind} {self.source}"
