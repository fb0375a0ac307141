"""Materialised counts behind the dashboards: risk information per month, owning unit and value of one dimension
(source, hazard type, product category, HS chapter, origin country), and per day and unit for the weekly series.
Refreshed incrementally (the months and days of the records changed since the last refresh) and rebuilt nightly;
the dashboards read these instead of grouping a million raw rows (decision 0024)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    SOURCE = "source", _("信息来源")
    HAZARD = "hazard", _("危害类型")
    CATEGORY = "category", _("产品类别")
    CHAPTER = "chapter", _("HS 章")
    COUNTRY = "country", _("原产国")


class MonthTally(models.Model):
    month = models.DateField()  # the first day of the month
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=200)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "month", "organisation", "value"], name="insight_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.organisation_id} {self.dimension}={self.value}: {self.count}"


class DayTally(models.Model):
    day = models.DateField()
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "organisation"], name="insight_day_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.organisation_id}: {self.count}"


class Refresh(models.Model):
    """How far the tallies are refreshed: records changed at or after `watermark` are not counted yet."""

    name = models.CharField(max_length=40, primary_key=True)
    watermark = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.watermark}"


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")
    QUARTERLY = "quarterly", _("季报")
    YEARLY = "yearly", _("年报")


class Report(models.Model):
    """A periodic report (Art.27; in the manner of Safety Gate's weekly report): the period's public warnings,
    recalls and measures by level, category, hazard type and origin, its figures frozen when generated, as PDF and
    XLSX; published on the portal once an officer publishes it."""

    kind = models.CharField(_("报告类别"), max_length=10, choices=ReportKind.choices)
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    tables = models.JSONField(_("统计表"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="reports/")
    xlsx = models.FileField(_("XLSX"), upload_to="reports/")
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("生成人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        "accounts.User", verbose_name=_("发布人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("统计报告")
        verbose_name_plural = _("统计报告")
        constraints = [models.UniqueConstraint(fields=["kind", "starts_on"], name="insight_report_once")]

    def __str__(self) -> str:
        if self.starts_on is None or self.ends_on is None:
            return str(self.get_kind_display())
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"


class IndexInput(models.Model):
    """One input of the quality-safety level index (R-ASM-6) with its weight and its reference limit: data, changed
    in the admin (the defaults and their reasons are in decision 0026). A sub-score is 100 × (1 − value / limit),
    floored at 0; the index is the weighted mean of the sub-scores of the inputs that have data."""

    class Key(models.TextChoices):
        RANDOM_NONCONFORMITY = "random_nonconformity", _("随机布控查验不合格率")
        SAMPLE_FAILURE = "sample_failure", _("风险监测样品不合格率")
        SERIOUS_WARNINGS = "serious_warnings", _("Ⅰ、Ⅱ级风险预警（每月）")
        HARM = "harm", _("报告的伤亡（每月，死亡按 10 计）")

    key = models.CharField(_("指标"), max_length=30, choices=Key.choices, unique=True)
    weight = models.PositiveSmallIntegerField(_("权重"))
    limit = models.FloatField(_("参考上限"), help_text=_("达到此值时分项得 0 分；比率按小数填写，如 0.10"))

    class Meta:
        verbose_name = _("质量安全水平指数指标")
        verbose_name_plural = _("质量安全水平指数指标")
        ordering = ["-weight", "key"]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.weight})"


DEFAULT_INDEX_INPUTS = {
    IndexInput.Key.RANDOM_NONCONFORMITY: (35, 0.10),
    IndexInput.Key.SAMPLE_FAILURE: (25, 0.10),
    IndexInput.Key.SERIOUS_WARNINGS: (20, 4.0),
    IndexInput.Key.HARM: (20, 20.0),
}


def ensure_index_inputs(model) -> None:
    """The shipped inputs, where missing (migration; flushed test databases)."""
    for key, (weight, limit) in DEFAULT_INDEX_INPUTS.items():
        model.objects.get_or_create(key=str(key), defaults={"weight": weight, "limit": limit})
