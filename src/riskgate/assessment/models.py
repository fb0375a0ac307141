"""Risk assessment (风险研判, Art.14–17): requests, panels, deadlines, verification, the report, confirmation.

An `Assessment` is one version of the assessment of one risk: the requesting authority asks a designated technical
institution or a named working group; the assignee seats experts who declared no conflict of interest, investigates,
has laboratories verify, estimates the risk (RAPEX scenarios or the qualitative scale), proposes a warning level,
writes the report; each panel member approves or dissents; the authority confirms, amends or returns it. A confirmed
version is immutable; a re-assessment is a new version that supersedes it when confirmed, and both stay readable.
Assessors and experts see only the assessments they take part in (`participants`, ScopeMode.ASSIGNED).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riskgate.core.models import Created, TimeStamped, Versioned
from riskgate.core.vocabulary import HazardType, Urgency, WarningLevel

from .grading import DEFAULT_POLICY, PolicyError, validate
from .risk import Impact, Likelihood, NonInjuryRisk, RiskLevel, Severity, VulnerableGroup


class ExpertiseField(models.TextChoices):
    """Fields of expertise of experts and registered bodies."""

    FOOD = "food", _("食品")
    FEED = "feed", _("饲料")
    FOOD_CONTACT = "food_contact", _("食品接触材料")
    TOYS = "toys", _("玩具与儿童用品")
    ELECTRICAL = "electrical", _("电子电器")
    TEXTILES = "textiles", _("纺织服装")
    CHEMICALS = "chemicals", _("化学品与化妆品")
    MACHINERY = "machinery", _("机械与车辆")
    MATERIALS = "materials", _("建材与家具")
    MICROBIOLOGY = "microbiology", _("微生物")
    EPIDEMIOLOGY = "epidemiology", _("流行病学与伤害监测")
    STATISTICS = "statistics", _("统计与风险建模")
    TRADE = "trade", _("贸易与法规")


def field_labels(codes) -> list[str]:
    return [str(ExpertiseField(c).label) if c in ExpertiseField.values else c for c in codes or []]


class BodyKind(models.TextChoices):
    TECHNICAL_INSTITUTION = "technical_institution", _("风险评估技术机构")
    VERIFICATION_LABORATORY = "verification_laboratory", _("验证实验室")
    SOCIAL_ASSESSMENT_BODY = "social_assessment_body", _("社会评估机构")


class RegisteredBody(models.Model):
    """A registered technical institution, verification laboratory or social assessment body (R-ASM-6)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="assessment_body"
    )
    kind = models.CharField(_("类别"), max_length=30, choices=BodyKind.choices)
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    accreditation = models.CharField(_("资质（如 CNAS 编号）"), max_length=100, blank=True)
    third_party = models.BooleanField(_("第三方机构"), default=False)
    accepted = models.BooleanField(_("已认可（可采信其结果）"), default=True)
    valid_until = models.DateField(_("认可有效期至"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # Market exit (退出) after violations (R-USE-4): results are no longer accepted from this day on.
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.TextField(_("退出原因"), blank=True)

    class Meta:
        verbose_name = _("登记的评估机构")
        verbose_name_plural = _("登记的评估机构")
        ordering = ["kind", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"

    @property
    def field_labels(self) -> list[str]:
        return field_labels(self.fields)

    @property
    def usable(self) -> bool:
        return (
            self.accepted
            and self.exited_on is None
            and (self.valid_until is None or self.valid_until >= timezone.localdate())
        )


class AcceptanceScope(TimeStamped):
    """What a third-party institution's results are accepted for (采信范围, R-USE-4): a commodity category (an HS
    prefix) and its test items; suspended (暂停) or narrowed when the risk calls for it, with the reason."""

    body = models.ForeignKey(RegisteredBody, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="scopes")
    hs_prefix = models.CharField(_("HS 编码（前缀）"), max_length=10)
    category = models.CharField(_("商品类别"), max_length=200)
    test_items = models.JSONField(_("检测项目"), default=list)
    suspended = models.BooleanField(_("暂停采信"), default=False)
    reason = models.TextField(_("调整理由"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("采信范围")
        verbose_name_plural = _("采信范围")
        ordering = ["body", "hs_prefix", "id"]

    def __str__(self) -> str:
        return f"{self.body.organisation} · {self.hs_prefix} {self.category}"


class ViolationConsequence(models.TextChoices):
    WARNING = "warning", _("警告")
    SUSPENSION = "suspension", _("暂停全部采信范围")
    EXIT = "exit", _("退出采信名录")


class BodyViolation(Created):
    """A violation by an accepted institution and what followed (警告、暂停、退出), published with the registry."""

    body = models.ForeignKey(
        RegisteredBody, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="violations"
    )
    occurred_on = models.DateField(_("发生日期"))
    description = models.TextField(_("违规情形"))
    consequence = models.CharField(_("处理"), max_length=12, choices=ViolationConsequence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("采信机构违规记录")
        verbose_name_plural = _("采信机构违规记录")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body.organisation} {self.occurred_on}"


class AppraisalResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Expert(models.Model):
    """A member of the expert pool (专家库)."""

    name = models.CharField(_("姓名"), max_length=100)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("系统账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    employer = models.CharField(_("所在单位（未登记时）"), max_length=200, blank=True)
    title = models.CharField(_("职称"), max_length=100, blank=True)
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    active = models.BooleanField(_("在库"), default=True)
    # The result of the latest decided yearly appraisal (Appraisal); a failed one keeps the expert off new panels.
    appraisal = models.CharField(
        _("最近一次年度考核"), max_length=10, choices=AppraisalResult.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家库")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def field_labels(self) -> list[str]:
        return field_labels(self.fields)

    @property
    def affiliation(self) -> str:
        return self.organisation.name if self.organisation_id else self.employer


class DueDateRule(models.Model):
    """The default time limit of an assessment by urgency and hazard type (empty hazard type: any)."""

    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    hazard_type = models.CharField(_("危害类型（空：任意）"), max_length=20, choices=HazardType.choices, blank=True)
    hours = models.PositiveIntegerField(_("时限（小时）"))
    remind_hours = models.PositiveIntegerField(_("到期前提醒（小时）"), default=24)

    class Meta:
        verbose_name = _("研判时限")
        verbose_name_plural = _("研判时限")
        ordering = ["urgency", "hazard_type"]
        constraints = [models.UniqueConstraint(fields=["urgency", "hazard_type"], name="one_due_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} / {self.hazard_type or '*'}: {self.hours} h"


# Loaded by migration; an administrator changes them in the admin (docs/decisions/0009).
DEFAULT_DUE_RULES = [
    ("urgent", "", 72, 12),
    ("normal", "", 15 * 24, 48),
    ("normal", "chemical", 30 * 24, 72),  # laboratory verification of residues and contaminants takes longer
    ("normal", "biological", 30 * 24, 72),
]


def ensure_defaults(DueDateRule, GradingPolicy) -> None:
    """The default time limits and grading policy, where missing (migration; tests that flush the database)."""

    for urgency, hazard, hours, remind in DEFAULT_DUE_RULES:
        DueDateRule.objects.get_or_create(
            urgency=urgency, hazard_type=hazard, defaults={"hours": hours, "remind_hours": remind}
        )
    GradingPolicy.objects.get_or_create(version=DEFAULT_POLICY["version"], defaults={"body": DEFAULT_POLICY})


class GradingPolicy(Created):
    """A version of the grading policy (grading.py) as stored data; the newest active one is used."""

    version = models.CharField(_("版本"), max_length=40, unique=True)
    body = models.JSONField(_("规则"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警分级规则")
        verbose_name_plural = _("预警分级规则")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.version

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        try:
            validate(self.body)
        except PolicyError as exc:
            raise ValidationError({"body": [str(exc)]}) from exc
        if self.body.get("version") != self.version:
            raise ValidationError({"version": [_("版本号须与规则中的 version 一致。")]})


class Status(models.TextChoices):
    REQUESTED = "requested", _("已提请，待受理")
    IN_PROGRESS = "in_progress", _("研判中")
    PANEL_REVIEW = "panel_review", _("专家组审议")
    SUBMITTED = "submitted", _("报告已提交，待确认")
    CONFIRMED = "confirmed", _("已确认")
    SUPERSEDED = "superseded", _("已被新版本取代")


OPEN_STATUSES = [Status.REQUESTED, Status.IN_PROGRESS, Status.PANEL_REVIEW]  # the due date runs
CLOSED_STATUSES = [Status.CONFIRMED, Status.SUPERSEDED]


class ImmutableError(Exception):
    """An attempt to change a confirmed assessment."""


class AssigneeKind(models.TextChoices):
    INSTITUTION = "institution", _("指定技术机构")
    WORKING_GROUP = "working_group", _("专门工作组")


class RiskMethod(models.TextChoices):
    RAPEX = "rapex", _("伤害情景法（欧盟 RAPEX 风险矩阵）")
    QUALITATIVE = "qualitative", _("定性分级（非伤害类风险）")


class Assessment(Versioned, TimeStamped):
    REFERENCE_PREFIX = "RA"

    """One version of the assessment of one risk, with its report and confirmation."""

    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("取代的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    reassessment_reason = models.TextField(_("重新研判的原因"), blank=True)
    title = models.CharField(_("研判事项"), max_length=500)
    question = models.TextField(_("研判要求"), blank=True)
    information = models.ManyToManyField(
        "intake.RiskInformation", verbose_name=_("风险信息"), related_name="assessments", blank=True
    )
    case = models.ForeignKey(
        "intake.RiskCase", verbose_name=_("风险案件"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提请机构"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("提请时间"), default=timezone.now)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    hazard_type = models.CharField(_("危害类型"), max_length=20, choices=HazardType.choices)
    assignee_kind = models.CharField(_("承担方式"), max_length=20, choices=AssigneeKind.choices)
    institution = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("技术机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    group_name = models.CharField(_("工作组名称"), max_length=200, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("牵头评估人"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("工作组成员"), related_name="+", blank=True
    )
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    due_at = models.DateTimeField(_("完成时限"))
    reminded_at = models.DateTimeField(_("已提醒"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("已督办"), null=True, blank=True)
    # The report (Art.15).
    method = models.CharField(_("评估方法"), max_length=20, choices=RiskMethod.choices, blank=True)
    method_note = models.TextField(_("方法说明"), blank=True)
    findings = models.TextField(_("调查核实结论"), blank=True)
    hazard = models.TextField(_("危害"), blank=True)
    non_injury_kind = models.CharField(_("非伤害风险类型"), max_length=20, choices=NonInjuryRisk.choices, blank=True)
    likelihood = models.PositiveSmallIntegerField(_("可能性"), choices=Likelihood.choices, null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("影响程度"), choices=Impact.choices, null=True, blank=True)
    risk_level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, blank=True)
    units = models.PositiveBigIntegerField(_("市场上的数量（件）"), null=True, blank=True)
    regions = models.PositiveIntegerField(_("涉及地区数"), null=True, blank=True)
    consumers = models.PositiveBigIntegerField(_("涉及消费者人数"), null=True, blank=True)
    cross_border = models.BooleanField(_("跨境"), default=False)
    scope_note = models.TextField(_("影响范围说明"), blank=True)
    residual_risk = models.TextField(_("剩余风险"), blank=True)
    recommended_measures = models.TextField(_("建议措施"), blank=True)
    uncertainty = models.TextField(_("不确定性说明"), blank=True)
    sensitivity = models.TextField(_("敏感性分析"), blank=True)
    proposed_level = models.CharField(
        _("建议预警等级（规则计算）"), max_length=3, choices=WarningLevel.choices, blank=True
    )
    proposal = models.JSONField(_("分级依据"), default=dict, blank=True)
    override_level = models.CharField(_("评估人调整后的等级"), max_length=3, choices=WarningLevel.choices, blank=True)
    override_reason = models.TextField(_("调整理由"), blank=True)
    submitted_at = models.DateTimeField(_("报告提交时间"), null=True, blank=True)
    # Confirmation (Art.16).
    confirmed_level = models.CharField(_("确认的预警等级"), max_length=3, choices=WarningLevel.choices, blank=True)
    amended = models.BooleanField(_("确认时修改了等级"), default=False)
    confirmation_note = models.TextField(_("确认意见"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    meeting_on = models.DateField(_("专家会商日期"), null=True, blank=True)
    meeting_attendees = models.TextField(_("会商出席人员"), blank=True)
    meeting_conclusion = models.TextField(_("会商结论"), blank=True)

    scope_organisation_field = "organisation"
    scope_assignee_field = "participants"

    class Meta:
        verbose_name = _("风险研判")
        verbose_name_plural = _("风险研判")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="one_assessment_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"

    def save(self, *args, **kwargs):
        """A confirmed version is immutable: only its move to "superseded" is stored (Art.16)."""
        if self.pk:
            stored = Assessment.objects.filter(pk=self.pk).first()
            if stored is not None and stored.status in CLOSED_STATUSES:
                changed = [
                    f.name
                    for f in self._meta.concrete_fields
                    if f.name not in ("status", "updated_at") and getattr(self, f.attname) != getattr(stored, f.attname)
                ]
                allowed_move = self.status == stored.status or (
                    stored.status == Status.CONFIRMED and self.status == Status.SUPERSEDED
                )
                if changed or not allowed_move:
                    raise ImmutableError(f"{self.reference} is confirmed and cannot change: {changed or self.status}")
        super().save(*args, **kwargs)

    @property
    def level(self) -> str:
        """The level the assessor stands behind: their override, else the policy's proposal."""
        return self.override_level or self.proposed_level

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


# Report fields an assessor edits, and the ones the confirmation fixes forever.
REPORT_FIELDS = [
    "method",
    "method_note",
    "findings",
    "hazard",
    "non_injury_kind",
    "likelihood",
    "impact",
    "units",
    "regions",
    "consumers",
    "cross_border",
    "scope_note",
    "residual_risk",
    "recommended_measures",
    "uncertainty",
    "sensitivity",
]
COMPUTED_FIELDS = ["risk_level", "proposed_level", "proposal", "override_level", "override_reason"]


class Scenario(models.Model):
    """An injury scenario (RAPEX): steps with probabilities, the injury's severity, who is hurt."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scenarios")
    description = models.TextField(_("情景描述"))
    severity = models.PositiveSmallIntegerField(_("伤害严重程度"), choices=Severity.choices)
    vulnerable_group = models.CharField(
        _("消费者群体"), max_length=20, choices=VulnerableGroup.choices, default=VulnerableGroup.GENERAL
    )
    steps = models.JSONField(_("步骤"), default=list)  # [{"description": str, "probability": "1/50"}]
    probability = models.CharField(_("总概率"), max_length=60, editable=False)
    level = models.CharField(_("风险等级"), max_length=10, choices=RiskLevel.choices, editable=False)

    class Meta:
        verbose_name = _("伤害情景")
        verbose_name_plural = _("伤害情景")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description[:80]


class ConflictDeclaration(models.Model):
    """An expert's conflict-of-interest declaration for one assessment; with a conflict they cannot be seated."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="declarations")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="declarations")
    has_conflict = models.BooleanField(_("存在利益冲突"))
    details = models.TextField(_("说明"), blank=True)
    declared_at = models.DateTimeField(_("声明时间"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        constraints = [models.UniqueConstraint(fields=["assessment", "expert"], name="one_declaration_per_expert")]

    def __str__(self) -> str:
        return f"{self.expert}: {self.has_conflict}"


class Vote(models.TextChoices):
    PENDING = "pending", _("待表态")
    APPROVE = "approve", _("同意")
    DISSENT = "dissent", _("不同意（保留意见）")


class PanelSeat(models.Model):
    """An expert seated on the assessment's panel, and their vote on the report."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="seats")
    chair = models.BooleanField(_("组长"), default=False)
    seated_at = models.DateTimeField(_("入组时间"), default=timezone.now)
    vote = models.CharField(_("表态"), max_length=10, choices=Vote.choices, default=Vote.PENDING)
    vote_note = models.TextField(_("意见"), blank=True)
    voted_at = models.DateTimeField(_("表态时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家组成员")
        verbose_name_plural = _("专家组")
        ordering = ["-chair", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "expert"], name="one_seat_per_expert")]

    def __str__(self) -> str:
        return str(self.expert)


class FindingKind(models.TextChoices):
    FINDING = "finding", _("调查发现")
    EVIDENCE = "evidence", _("证据")
    SITE_VISIT = "site_visit", _("现场核查")


class Finding(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="finding_entries")
    kind = models.CharField(_("类别"), max_length=20, choices=FindingKind.choices)
    summary = models.TextField(_("内容"))
    occurred_on = models.DateField(_("日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    file = models.FileField(_("附件"), upload_to="assessment-evidence/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调查核实记录")
        verbose_name_plural = _("调查核实记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.summary[:80]


class LabTask(models.Model):
    """A laboratory verification task: which laboratory tests which samples for which items by which method."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lab_tasks")
    laboratory = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("实验室"), on_delete=models.PROTECT, related_name="+"
    )
    samples = models.TextField(_("样品"))
    hs_code = models.CharField(_("样品的 HS 编码"), max_length=10, blank=True)  # the category acceptance is checked for
    test_items = models.TextField(_("检测项目"))
    method = models.CharField(_("检测方法/标准"), max_length=300)
    requested_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    report_number = models.CharField(_("检测报告编号"), max_length=100, blank=True)
    report_file = models.FileField(_("检测报告"), upload_to="lab-reports/%Y/%m/", blank=True)
    report_name = models.CharField(_("文件名"), max_length=200, blank=True)
    report_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("实验室验证任务")
        verbose_name_plural = _("实验室验证任务")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.laboratory}: {self.test_items[:60]}"

    @property
    def passed(self) -> bool | None:
        results = list(self.results.all())
        return None if not results else all(r.passed for r in results)


class LimitKind(models.TextChoices):
    MAXIMUM = "max", _("不得高于")
    MINIMUM = "min", _("不得低于")


class LabResult(models.Model):
    task = models.ForeignKey(LabTask, on_delete=models.CASCADE, related_name="results")
    item = models.CharField(_("项目"), max_length=200)
    value = models.DecimalField(_("结果"), max_digits=20, decimal_places=6)
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=30, blank=True)
    limit = models.DecimalField(_("限量"), max_digits=20, decimal_places=6)
    limit_kind = models.CharField(_("限量类型"), max_length=3, choices=LimitKind.choices, default=LimitKind.MAXIMUM)
    passed = models.BooleanField(_("合格"), editable=False)

    class Meta:
        verbose_name = _("检测结果")
        verbose_name_plural = _("检测结果")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item} {self.value} {self.unit}"


class DueDateChange(models.Model):
    """The history of an assessment's due date: the first one, extensions asked for and the authority's decision."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("初始时限")
        EXTENSION_REQUESTED = "requested", _("申请延期")
        GRANTED = "granted", _("准予延期")
        REFUSED = "refused", _("不准延期")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="due_dates")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField(_("时限"))
    requested_due_at = models.DateTimeField(_("申请延至"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    decided = models.BooleanField(default=False)  # for requests: the authority has decided

    class Meta:
        verbose_name = _("时限变更")
        verbose_name_plural = _("时限变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"


STEP_LABELS = {
    "requested": _("已提请研判"),
    "reassessment_requested": _("提请重新研判"),
    "started": _("受理"),
    "sent_to_panel": _("送专家组审议"),
    "withdrawn_from_panel": _("撤回报告以修改"),
    "submitted": _("报告已提交"),
    "returned": _("被退回"),
    "confirmed": _("已确认"),
    "amended": _("修改等级后确认通过"),
    "superseded": _("被新版本取代"),
}


class Step(models.Model):
    """The workflow history: who moved the assessment, when, why (returns and amendments included)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("研判流程记录")
        verbose_name_plural = _("研判流程记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        return str(STEP_LABELS.get(self.action, self.action))


# -- training and appraisal of assessors and experts (Art.28) -----------------------------------------------------


class CourseKind(models.TextChoices):
    TRAINING = "training", _("培训")
    EXAMINATION = "examination", _("考试")


class Course(models.Model):
    """A training course or an examination the national authority holds for assessors and experts (Art.28)."""

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=CourseKind.choices)
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    held_on = models.DateField(_("举办日期"))
    hours = models.PositiveSmallIntegerField(_("学时"))
    pass_mark = models.PositiveSmallIntegerField(_("合格分数"), null=True, blank=True)  # examinations only
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("举办单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训与考试")
        verbose_name_plural = _("培训与考试")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def field_labels(self) -> list[str]:
        return field_labels(self.fields)


class TrainingRecord(models.Model):
    """An expert's attendance of a course and, for an examination, the score."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="records")
    expert = models.ForeignKey(Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="training")
    attended = models.BooleanField(_("参加"), default=True)
    score = models.PositiveSmallIntegerField(_("成绩"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["expert__name", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "expert"], name="one_record_per_course_expert")]

    def __str__(self) -> str:
        return f"{self.expert} {self.course}"

    @property
    def passed(self) -> bool | None:
        """An examination's result (None for a training course or an absence)."""
        if self.course.pass_mark is None or not self.attended:
            return None
        return self.score is not None and self.score >= self.course.pass_mark


class Appraisal(models.Model):
    """The yearly appraisal of an expert or a registered body (Art.28): the inputs read from the registry's
    figures and the training record, the score and result the documented rule proposes (assessment/appraisal.py),
    and the result an officer decided (with a reason when it differs)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), null=True, blank=True, on_delete=models.PROTECT, related_name="appraisals"
    )
    body = models.ForeignKey(
        RegisteredBody,
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals",
    )
    inputs = models.JSONField(_("考核依据"), default=dict)
    score = models.PositiveSmallIntegerField(_("得分"))
    proposed = models.CharField(_("按规则评定"), max_length=10, choices=AppraisalResult.choices)
    result = models.CharField(_("考核结果"), max_length=10, choices=AppraisalResult.choices, blank=True)
    reason = models.TextField(_("调整理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("确定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["-year", "body", "expert__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "expert"], name="one_appraisal_per_expert_year"),
            models.UniqueConstraint(fields=["year", "body"], name="one_appraisal_per_body_year"),
            models.CheckConstraint(
                condition=models.Q(expert__isnull=True, body__isnull=False)
                | models.Q(expert__isnull=False, body__isnull=True),
                name="appraisal_of_an_expert_or_a_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.expert or self.body}"

    @property
    def subject(self):
        return self.expert or self.body
