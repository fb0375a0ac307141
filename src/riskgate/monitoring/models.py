"""Risk monitoring (监测, Art.6–7): the statistical detection of unusual counts of risk information.

A `DetectionProfile` is a family of series and how they are judged — which dimensions split the incoming risk
information into weekly series (product category × hazard type × origin country…), which detector with which
parameters (`detection.METHODS`, the reference's names), and who works the signals. Every day the scheduler
judges the last complete week of every series of every active profile (`DetectionRun`); a week above its bound is a
`Signal` in the analyst queue, which the analyst confirms (an assessment request on its records) or dismisses
with a reason."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Scoped, TimeStamped

from .detection import METHODS, ParameterError
from .detection.registry import parameters as method_parameters


class Dimension(models.TextChoices):
    """What splits risk information into series."""

    PRODUCT_CATEGORY = "product_category", _("产品类别")
    HAZARD_TYPE = "hazard_type", _("危害类型")
    ORIGIN_COUNTRY = "origin_country", _("原产国")
    HS_CHAPTER = "hs_chapter", _("HS 章")
    HS_HEADING = "hs_heading", _("HS 品目")
    REGION = "region", _("地区（省级）")
    SOURCE_SYSTEM = "source_system", _("来源系统")


class DetectionProfile(TimeStamped):
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    dimensions = models.JSONField(
        _("序列维度"),
        default=list,
        help_text=_("产品类别、危害类型、原产国、HS 章、HS 品目、地区（负责机构所在省级行政区）、来源系统"),
    )
    source_systems = models.JSONField(
        _("来源系统"), default=list, blank=True, help_text=_("只统计这些外部系统的信息（如 RASFF）；留空统计全部")
    )
    method = models.CharField(_("检测方法"), max_length=40, default="farringtonFlexible")
    parameters = models.JSONField(_("方法参数"), default=dict, blank=True, help_text=_("参数名沿用参考实现"))
    min_cases = models.PositiveIntegerField(_("最少信息数"), default=10, help_text=_("历史上累计少于此数的序列不检测"))
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("研判单位"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("信号交由此单位的分析人员研判"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("信号检测方案")
        verbose_name_plural = _("信号检测方案")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        dimensions = self.dimensions if isinstance(self.dimensions, list) else None
        unknown = [d for d in dimensions or [] if d not in Dimension.values]
        if not dimensions or unknown or len(set(map(str, dimensions))) != len(dimensions):
            errors["dimensions"] = _("请从以下维度中选择，不重复：%s") % "、".join(Dimension.values)
        if not isinstance(self.source_systems, list) or not all(isinstance(v, str) for v in self.source_systems):
            errors["source_systems"] = _("请填写外部系统名称的列表（如 RASFF）；留空统计全部")
        if self.method not in METHODS:
            errors["method"] = _("未知的检测方法：%s") % self.method
        if not isinstance(self.parameters, dict):
            errors["parameters"] = _("请填写参数名到取值的对象（如 alpha: 0.005）")
        elif self.method in METHODS:
            try:
                method_parameters(METHODS[self.method], self.given())
            except ParameterError as exc:
                errors["parameters"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def given(self) -> dict[str, str]:
        """The parameters as the detectors read them (text under the reference's names)."""
        return {str(k): str(v) for k, v in (self.parameters or {}).items()}


class DetectionRun(models.Model):
    """One judged week of one profile: how many series were judged and how many signals were raised."""

    profile = models.ForeignKey(DetectionProfile, on_delete=models.CASCADE, related_name="runs")
    week = models.DateField(_("周（周一）"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True)
    series_judged = models.PositiveIntegerField(_("检测序列数"), default=0)
    series_skipped = models.PositiveIntegerField(_("历史不足未检测的序列数"), default=0)
    signals_raised = models.PositiveIntegerField(_("产生信号数"), default=0)

    class Meta:
        verbose_name = _("信号检测记录")
        constraints = [models.UniqueConstraint(fields=["profile", "week"], name="monitoring_run_once_a_week")]

    def __str__(self) -> str:
        return f"{self.profile.code} {self.week}"


class SignalStatus(models.TextChoices):
    OPEN = "open", _("待研判")
    CONFIRMED = "confirmed", _("已确认，已提请研判")
    DISMISSED = "dismissed", _("已排除")


class Signal(Scoped, TimeStamped):
    """A week whose count of risk information in one series is above what the series' history leads one to
    expect: the evidence (the series around it, the expected value, the bound) and the analyst's decision."""

    REFERENCE_PREFIX = "SG"

    profile = models.ForeignKey(DetectionProfile, verbose_name=_("检测方案"), on_delete=models.PROTECT)
    series_key = models.CharField(_("序列"), max_length=400, db_index=True)
    series = models.JSONField(_("序列维度取值"), default=dict)
    week = models.DateField(_("周（周一）"), db_index=True)
    observed = models.PositiveIntegerField(_("本周信息数"))
    expected = models.FloatField(_("预期数"), null=True)
    upperbound = models.FloatField(_("阈值"), null=True)
    method = models.CharField(_("检测方法"), max_length=40)
    parameters = models.JSONField(_("方法参数"), default=dict)
    history = models.JSONField(_("序列历史"), default=dict)  # weeks, observed, expected, upperbound for the chart
    information_ids = models.JSONField(_("本周风险信息"), default=list)
    status = models.CharField(
        _("状态"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("研判人"), null=True, blank=True, on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(_("研判时间"), null=True, blank=True)
    reason = models.TextField(_("研判意见"), blank=True)
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("提请的研判"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signals",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("研判单位"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("监测信号")
        verbose_name_plural = _("监测信号")
        constraints = [models.UniqueConstraint(fields=["profile", "series_key", "week"], name="monitoring_signal_once")]

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}{self.pk or 0:08d}"

    def __str__(self) -> str:
        return self.reference
