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
from django.utils.translation import pgettext_lazy

from riskgate.accounts.models import OrganisationKind
from riskgate.assessment.models import LimitKind
from riskgate.core.models import Numbered, Scoped, TimeStamped, Versioned

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


class Signal(Numbered, Scoped, TimeStamped):
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

    def __str__(self) -> str:
        return self.reference


# ---- Monitoring plans, points, sampling (R-MON-1 … R-MON-3) --------------------------------------------------------


class PlanScope(models.TextChoices):
    IMPORT = "import", _("进口：口岸 → 市场")
    EXPORT = "export", _("出口：生产基地 → 口岸")


class MonitoringPlan(Versioned, TimeStamped):
    """A monitoring plan (风险监测计划) for a period: what is watched (trading countries, commodities by HS code or
    product category, hazard types, the import or export chain), who leads, and how many samples each unit takes.
    An adjustment during the period is a new version with its reason; progress counts the whole lineage."""

    REFERENCE_PREFIX = "MP"
    scope_organisation_field = "organisation"

    title = models.CharField(_("计划名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    period_start = models.DateField(_("监测期自"))
    period_end = models.DateField(_("监测期至"))
    scope = models.CharField(_("监测范围"), max_length=10, choices=PlanScope.choices)
    countries = models.JSONField(_("重点贸易国家/地区"), default=list, blank=True)
    hs_codes = models.JSONField(_("重点商品 HS 编码"), default=list, blank=True)
    product_categories = models.JSONField(_("重点产品类别"), default=list, blank=True)
    hazard_types = models.JSONField(_("危害类型"), default=list, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    change_reason = models.TextField(pgettext_lazy("plan", "调整理由"), blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("风险监测计划")
        verbose_name_plural = _("风险监测计划")
        ordering = ["-period_start", "-id"]
        constraints = [models.UniqueConstraint(fields=["lineage", "version"], name="monitoring_plan_version_once")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("监测期的结束日期不能早于开始日期。")})


class PlanQuota(models.Model):
    """How many samples a unit takes under a plan version (the lead unit and the cooperating units)."""

    plan = models.ForeignKey(MonitoringPlan, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey("accounts.Organisation", verbose_name=_("承担单位"), on_delete=models.PROTECT)
    samples = models.PositiveIntegerField(_("抽样配额（批次）"))

    class Meta:
        verbose_name = _("抽样配额")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="monitoring_quota_once")]

    def __str__(self) -> str:
        return f"{self.unit}: {self.samples}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("待决定")
    ACCEPTED = "accepted", _("已采纳，计划已调整")
    REJECTED = "rejected", _("未采纳")


class PlanProposal(TimeStamped):
    """A change to a plan proposed from a confirmed assessment (R-ASM-6: what is found feeds what is watched)."""

    plan = models.ForeignKey(MonitoringPlan, verbose_name=_("风险监测计划"), on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(
        "assessment.Assessment", verbose_name=_("研判"), on_delete=models.PROTECT, related_name="+"
    )
    hs_codes = models.JSONField(_("增列 HS 编码"), default=list, blank=True)
    countries = models.JSONField(_("增列国家/地区"), default=list, blank=True)
    hazard_types = models.JSONField(_("增列危害类型"), default=list, blank=True)
    reason = models.TextField(_("建议理由"))
    status = models.CharField(_("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定意见"), blank=True)
    result_plan = models.ForeignKey(
        MonitoringPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("调整后版本")
    )

    class Meta:
        verbose_name = _("监测计划调整建议")
        ordering = ["-created_at", "-id"]


class PointLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")


class MonitoringPoint(Scoped, TimeStamped):
    """A monitoring point (风险监测点): an organisation of the kind "monitoring point", what it watches and where."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("监测点机构"), on_delete=models.PROTECT, related_name="monitoring_point"
    )
    level = models.CharField(_("级别"), max_length=12, choices=PointLevel.choices)
    hs_codes = models.JSONField(_("监测商品 HS 编码"), default=list, blank=True)
    countries = models.JSONField(_("监测国家/地区"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("运行中"), default=True)

    class Meta:
        verbose_name = _("风险监测点")
        verbose_name_plural = _("风险监测点")
        ordering = ["level", "organisation__code"]

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self):
        if self.organisation_id and self.organisation.kind != OrganisationKind.MONITORING_POINT:
            raise ValidationError({"organisation": _("监测点必须是“风险监测点”类型的机构。")})


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已下达")
    DONE = "done", _("已完成")


class SamplingTask(Numbered, Scoped, TimeStamped):
    """A sampling task drawn from a plan's quota: a unit takes samples, an accepted laboratory tests them."""

    REFERENCE_PREFIX = "ST"

    plan = models.ForeignKey(
        MonitoringPlan, verbose_name=_("风险监测计划"), on_delete=models.PROTECT, related_name="tasks"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("抽样单位"), on_delete=models.PROTECT, related_name="+"
    )
    laboratory = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("检测实验室"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.CharField(_("产品"), max_length=200)
    hs_code = models.CharField(_("HS 编码"), max_length=10, blank=True)
    samples = models.PositiveIntegerField(_("抽样批次"))
    test_items = models.TextField(_("检测项目"))
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("抽样任务")
        verbose_name_plural = _("抽样任务")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.product}"


class SampleStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已审核")


class Sample(Numbered, Scoped, TimeStamped):
    """One monitoring record: one sample, where it was taken, from whom, and its test results against limits.
    `organisation` is the sampling unit (a point, or the unit of a task); `laboratory` tested it. The submitting
    unit's own sample number makes a submission idempotent."""

    REFERENCE_PREFIX = "MS"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("抽样单位"), on_delete=models.PROTECT, related_name="+"
    )
    laboratory = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("检测实验室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitter = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报送单位"), on_delete=models.PROTECT, related_name="+"
    )
    sample_number = models.CharField(_("样品编号"), max_length=60)
    plan = models.ForeignKey(
        MonitoringPlan,
        verbose_name=_("风险监测计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task = models.ForeignKey(
        SamplingTask,
        verbose_name=_("抽样任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sample_records",
    )
    product_name = models.CharField(_("产品名称"), max_length=300)
    hs_code = models.CharField(_("HS 编码"), max_length=10, blank=True)
    product_category = models.CharField(_("产品类别"), max_length=200, blank=True)
    origin_country = models.CharField(_("原产国/地区"), max_length=2, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("相关企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=200, blank=True)
    sampled_on = models.DateField(_("抽样日期"))
    place = models.CharField(_("抽样地点"), max_length=200, blank=True)
    passed = models.BooleanField(_("合格"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SampleStatus.choices, default=SampleStatus.SUBMITTED, db_index=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    information = models.ForeignKey(
        "intake.RiskInformation",
        verbose_name=_("转为风险信息"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fingerprint = models.CharField(max_length=64, editable=False)  # SHA-256 of the submission: a resubmission matches
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")
        ordering = ["-sampled_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["submitter", "sample_number"], name="monitoring_sample_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.product_name}"


class SampleResult(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="results")
    item = models.CharField(_("检测项目"), max_length=200)
    value = models.DecimalField(_("结果"), max_digits=20, decimal_places=6)
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=30, blank=True)
    limit = models.DecimalField(_("限量"), max_digits=20, decimal_places=6)
    limit_kind = models.CharField(_("限量类型"), max_length=3, choices=LimitKind.choices, default=LimitKind.MAXIMUM)
    passed = models.BooleanField(_("合格"))

    class Meta:
        verbose_name = _("检测结果")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} {self.value_text} {self.unit}"

    @property
    def value_text(self) -> str:
        return number_text(self.value)

    @property
    def limit_text(self) -> str:
        return number_text(self.limit)


def number_text(value) -> str:
    """A decimal as written, without the trailing zeros of its stored precision (0.150000 → 0.15, 100 → 100)."""
    return format(value.normalize(), "f") if value is not None else ""


# ---- Double-random spot checks (R-MON-4, 双随机、一公开) ------------------------------------------------------------


class TieKind(models.TextChoices):
    DECLARED = "declared", _("申报的利害关系")
    POSTING = "posting", _("曾派驻/曾负责监管")


class InspectorTie(TimeStamped):
    """An inspector who must never be drawn to check an enterprise: a declared interest or a past posting."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执法检查人员"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=TieKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [models.UniqueConstraint(fields=["inspector", "enterprise", "kind"], name="monitoring_tie_once")]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.enterprise}"


class DrawKind(models.TextChoices):
    ROUTINE = "routine", _("日常双随机抽查")
    SPECIAL = "special", _("重点商品专项抽查")


class DrawStatus(models.TextChoices):
    DRAWN = "drawn", _("已抽取")
    PUBLISHED = "published", _("已公开")


class SpotCheckDraw(Numbered, Scoped, TimeStamped):
    """One double-random draw: the pool's snapshot (enterprises, inspectors, ties), the seed and the selection.
    Anyone re-runs `draw.draw(snapshot, seed)` and gets the selection (the portal publishes all three)."""

    REFERENCE_PREFIX = "DR"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("抽查名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=10, choices=DrawKind.choices, default=DrawKind.ROUTINE)
    period_start = models.DateField(_("抽查期自"))
    period_end = models.DateField(_("抽查期至"))
    criteria = models.JSONField(_("抽取条件"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("抽取企业数"))
    per_check = models.PositiveIntegerField(_("每户检查人员数"), default=2)
    seed = models.CharField(_("随机种子"), max_length=128)
    snapshot = models.JSONField(_("名录快照"))
    snapshot_sha256 = models.CharField(_("快照 SHA-256"), max_length=64)
    selection = models.JSONField(_("抽取结果"))
    status = models.CharField(_("状态"), max_length=10, choices=DrawStatus.choices, default=DrawStatus.DRAWN)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CheckOutcome(models.TextChoices):
    CONFORMING = "conforming", _("未发现问题")
    NONCONFORMING = "nonconforming", _("发现问题，已责令整改")
    NOT_FOUND = "not_found", _("通过登记的住所（经营场所）无法联系")


class SpotCheck(models.Model):
    """One enterprise drawn, the inspectors drawn for it, and what the check found."""

    draw = models.ForeignKey(SpotCheckDraw, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveIntegerField(_("序号"))
    enterprise = models.ForeignKey("accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="+")
    outcome = models.CharField(_("检查结果"), max_length=16, choices=CheckOutcome.choices, blank=True)
    findings = models.TextField(_("检查情况"), blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("抽查对象")
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "enterprise"], name="monitoring_check_once_per_draw")]

    def __str__(self) -> str:
        return f"{self.draw.reference} #{self.position} {self.enterprise}"


class ExternalCheck(Scoped, TimeStamped):
    """A check of an enterprise by another agency (市场监管、农业…), recorded so that the enterprise is not checked
    twice in one period: a draw leaves out the enterprises checked in its period."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("检查部门"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("检查日期"))
    outcome = models.CharField(_("检查结果"), max_length=16, choices=CheckOutcome.choices)
    summary = models.TextField(_("检查情况"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("其他部门检查结果")
        ordering = ["-checked_on", "-id"]
