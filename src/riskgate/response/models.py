"""Rapid-response measures (快速反应措施, Reg. Art.22, 24): a catalogue of measure kinds as data, and measure orders
linked to a warning or an assessment — target, lead and cooperating units, deadline, optional set period,
progress notes, quantities with units, and the control rules that act at the border."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from riskgate.accounts.models import OrganisationKind
from riskgate.core.models import Numbered, Scoped

# Who may lead or cooperate in carrying out a measure.
EXECUTING_KINDS = {
    OrganisationKind.NATIONAL_AUTHORITY,
    OrganisationKind.WARNING_OFFICE,
    OrganisationKind.DIRECT_BUREAU,
    OrganisationKind.INSPECTION_BODY,
    OrganisationKind.PORT,
    OrganisationKind.PARTNER_AGENCY,
    OrganisationKind.TECHNICAL_INSTITUTION,
}


class Binds(models.TextChoices):
    GOODS = "goods", _("涉事产品")
    ENTERPRISE = "enterprise", _("生产经营企业")
    AGENCIES = "agencies", _("有关部门和机构")
    REGION = "region", _("行业或区域")


class MeasureKind(models.Model):
    """One kind of measure the authority may take (R-RR-1). Data: kept in the admin, seeded by migration."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    mandatory = models.BooleanField(_("强制性措施"), default=True)
    binds = models.CharField(_("约束对象"), max_length=12, choices=Binds.choices)
    closing_evidence = models.TextField(_("办结所需证据"), blank=True)
    # The lead unit reports such a measure implemented only with an evidence file, and it is lifted only then.
    evidence_required = models.BooleanField(_("落实完毕须附证据文件"), default=False)
    creates_control_rules = models.BooleanField(_("生成布控规则"), default=False)
    rule_action = models.CharField(_("布控处置"), max_length=16, blank=True)  # an exchange-format action
    quantity_kinds = models.JSONField(_("登记的数量"), default=list, blank=True)  # e.g. ["seized", "destroyed"]
    active = models.BooleanField(_("可用"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("快速反应措施种类")
        verbose_name_plural = _("快速反应措施种类")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class QuantityKind(models.TextChoices):
    SEIZED = "seized", _("查封扣押")
    RETURNED = "returned", _("退运")
    DESTROYED = "destroyed", _("监督销毁")
    STOPPED = "stopped", _("停止销售和使用")
    RECALLED = "recalled", _("召回")
    RESTRICTED = "restricted", _("限制进出口")


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PRODUCT = "product", _("产品")
    BATCH = "batch", _("批次")
    SHIPMENT = "shipment", _("货物（报关单）")


class Status(models.TextChoices):
    ORDERED = "ordered", _("已下达")
    IN_PROGRESS = "in_progress", _("实施中")
    LIFTED = "lifted", _("已解除")


class LiftMode(models.TextChoices):
    EXPIRY = "expiry", _("实施期满自动解除")
    CONFIRMATION = "confirmation", _("确认风险消除或降低后解除")
    WARNING = "warning", _("随依据预警解除")


class MeasureOrder(Numbered, Scoped):
    """One measure ordered by an authority (`RMnnnnnnnn`), executed by a lead unit with cooperating units."""

    REFERENCE_PREFIX = "RM"

    kind = models.ForeignKey(MeasureKind, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="orders")
    warning = models.ForeignKey(
        "riskwarnings.WarningNotice",
        verbose_name=_("依据预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measure_orders",
    )
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("依据研判"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measure_orders",
    )
    target_kind = models.CharField(_("对象类型"), max_length=12, choices=TargetKind.choices)
    target_enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("涉事企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures_against",
    )
    target = models.CharField(_("对象说明"), max_length=500, help_text=_("产品名称、型号、批次、报关单号等"))
    hs_codes = models.JSONField(_("HS 编码"), default=list, blank=True)
    instructions = models.TextField(_("措施要求"))
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("决定机构"), on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="measures_led"
    )
    cooperating_units = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("配合单位"), blank=True, related_name="measures_cooperating"
    )
    deadline = models.DateTimeField(_("完成时限"))
    implemented_at = models.DateTimeField(_("落实完毕时间"), null=True, blank=True)  # reported by the lead unit
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("逾期记录时间"), null=True, blank=True)
    period_ends_at = models.DateTimeField(
        _("实施期至"), null=True, blank=True, help_text=_("有规定实施期的，期满后自动解除")
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ORDERED, db_index=True)
    control_rules = models.ManyToManyField(
        "targeting.ControlRule", verbose_name=_("布控规则"), blank=True, related_name="measures"
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+"
    )
    ordered_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    lift_mode = models.CharField(_("解除方式"), max_length=12, choices=LiftMode.choices, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField(_("解除理由"), blank=True)
    lift_evaluation = models.TextField(_("风险消除或降低的确认意见"), blank=True)
    # The past period an investigation of the same products, industry or region covers (Art.22).
    investigation_from = models.DateField(_("调查期间自"), null=True, blank=True)
    investigation_to = models.DateField(_("调查期间至"), null=True, blank=True)
    # Lifting the warning it rests on does not end a measure continued explicitly, with this reason (Art.24).
    continued_reason = models.TextField(_("预警解除后继续实施的理由"), blank=True)

    class Meta:
        verbose_name = _("快速反应措施")
        verbose_name_plural = _("快速反应措施")
        ordering = ["-ordered_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != Status.LIFTED

    @property
    def is_overdue(self) -> bool:
        """Open, not reported implemented, and past its deadline (whether or not the job has recorded it yet)."""
        return self.is_open and self.implemented_at is None and self.deadline <= timezone.now()


class MeasureDelivery(models.Model):
    """A "notify departments" measure delivered to a named agency (Art.22): its delivery and read receipt. The
    agency's officers find it among their measures; opening it leaves the receipt (the first reader, once)."""

    order = models.ForeignKey(MeasureOrder, on_delete=models.CASCADE, related_name="deliveries")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("接收机构"), on_delete=models.PROTECT, related_name="+"
    )
    delivered_at = models.DateTimeField(_("送达时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("措施通报送达")
        verbose_name_plural = _("措施通报送达")
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "organisation"], name="one_measure_delivery_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.organisation_id}"


class ProgressNote(models.Model):
    """What an executing unit reports of the measure's implementation (Art.26)."""

    order = models.ForeignKey(MeasureOrder, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("证据材料"), upload_to="measures/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("措施进展")
        verbose_name_plural = _("措施进展")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order.reference} {self.created_at:%Y-%m-%d}"


class Quantity(models.Model):
    """A quantity handled under a measure: seized, returned, destroyed… with its unit."""

    order = models.ForeignKey(MeasureOrder, on_delete=models.CASCADE, related_name="quantities")
    kind = models.CharField(_("类别"), max_length=12, choices=QuantityKind.choices)
    amount = models.DecimalField(_("数量"), max_digits=14, decimal_places=3)
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=20)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("登记单位"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处置数量")
        verbose_name_plural = _("处置数量")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.unit}"


class ObligationStatus(models.TextChoices):
    AWAITING_REPORT = "awaiting_report", _("待提交消减报告")
    UNDER_EVALUATION = "under_evaluation", _("报告评估中")
    IMPLEMENTING = "implementing", _("消减措施实施中")
    LIFTING_APPLIED = "lifting_applied", _("已申请解除")
    LIFTED = "lifted", _("已解除")


class Obligation(Numbered, Scoped):
    """The responsible party's duty to eliminate or reduce a risk (风险责任者义务, Art.23): submit a risk analysis and
    mitigation report by its deadline, tell consumers and users, report progress, apply for lifting with a
    defect-elimination evaluation report. A technical institution evaluates its reports (Art.25)."""

    REFERENCE_PREFIX = "OB"

    warning = models.ForeignKey(
        "riskwarnings.WarningNotice", verbose_name=_("依据预警"), on_delete=models.PROTECT, related_name="obligations"
    )
    measure = models.ForeignKey(
        MeasureOrder,
        verbose_name=_("相关措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("风险责任者"), on_delete=models.PROTECT, related_name="obligations"
    )
    institution = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("评估技术机构"),
        on_delete=models.PROTECT,
        related_name="obligations_evaluated",
    )
    requirements = models.TextField(_("要求"))
    report_due = models.DateTimeField(_("消减报告提交时限"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ObligationStatus.choices,
        default=ObligationStatus.AWAITING_REPORT,
        db_index=True,
    )
    consumers_notified = models.TextField(_("向消费者和使用者通报的情况"), blank=True)
    consumers_notified_at = models.DateTimeField(_("通报时间"), null=True, blank=True)
    consumers_proof = models.FileField(_("通报证明"), upload_to="obligations/%Y/%m/", blank=True)
    consumers_proof_name = models.CharField(max_length=255, blank=True)
    consumers_proof_sha256 = models.CharField(max_length=64, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("逾期记录时间"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("决定机构"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("风险责任者义务")
        verbose_name_plural = _("风险责任者义务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:obligation", kwargs={"pk": self.pk})


class Verdict(models.TextChoices):
    ADEQUATE = "adequate", _("措施可行、有效、充分")
    INADEQUATE = "inadequate", _("措施不充分，须补充后重新提交")


class MitigationReport(models.Model):
    """风险分析和消减报告 (Art.23(1)): the five required parts; each resubmission is a new version."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField(default=1)
    defect_analysis = models.TextField(_("产品缺陷分析"))
    quantity_distribution = models.TextField(_("涉及产品的数量和流向"))
    measures = models.TextField(_("消减风险的措施"))
    plan = models.TextField(_("计划"))
    expected_effect = models.TextField(_("预期效果评价"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # Art.25: the technical institution's evaluation.
    verdict = models.CharField(_("评估结论"), max_length=12, choices=Verdict.choices, blank=True)
    feasibility = models.TextField(_("可行性"), blank=True)
    effectiveness = models.TextField(_("有效性"), blank=True)
    adequacy = models.TextField(_("充分性"), blank=True)
    truthful = models.BooleanField(_("报告真实、符合"), null=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("风险分析和消减报告")
        verbose_name_plural = _("风险分析和消减报告")
        ordering = ["obligation", "version"]
        constraints = [models.UniqueConstraint(fields=["obligation", "version"], name="one_report_per_version")]

    def __str__(self) -> str:
        return f"{self.obligation.reference} v{self.version}"


class EliminationVerdict(models.TextChoices):
    CONFIRMED = "confirmed", _("确认缺陷已消除")
    NOT_CONFIRMED = "not_confirmed", _("不予确认")


class PartyReport(models.Model):
    """What the responsible party reports afterwards: progress of its measures (Art.23(3)), or its application
    for lifting with the defect-elimination evaluation report (Art.23(4))."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("进展报告")
        LIFTING = "lifting", _("解除申请")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="party_reports")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("内容"))
    evaluation_report = models.FileField(_("产品缺陷消除评价报告"), upload_to="obligations/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # Art.25: the technical institution confirms (or does not) the defect-elimination evaluation report of a
    # lifting application before the authority may grant it.
    confirmation = models.CharField(_("技术机构确认"), max_length=14, choices=EliminationVerdict.choices, blank=True)
    confirmation_note = models.TextField(_("技术机构意见"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("责任者报告")
        verbose_name_plural = _("责任者报告")
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.obligation.reference} {self.kind}"


class RecallKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("主动召回")
    ORDERED = "ordered", _("责令召回")


class RecallType(models.TextChoices):
    DEFECT = "defect", _("缺陷产品召回")
    ENVIRONMENTAL = "environmental", _("进口机动车和非道路移动机械环保召回")


class Remedy(models.TextChoices):
    REPAIR = "repair", _("修理")
    REPLACE = "replace", _("更换")
    REFUND = "refund", _("退货退款")


class RecallStatus(models.TextChoices):
    AWAITING_PLAN = "awaiting_plan", _("已责令召回，待报召回计划")
    IN_PROGRESS = "in_progress", _("召回实施中")
    COMPLETED = "completed", _("召回完成")


class Recall(Numbered, Scoped):
    """A defective-product recall case (缺陷产品召回, R-RCL-1): voluntary or ordered; the environmental-protection
    recall of imported motor vehicles and non-road mobile machinery as its own type."""

    REFERENCE_PREFIX = "RL"

    kind = models.CharField(_("召回方式"), max_length=10, choices=RecallKind.choices)
    recall_type = models.CharField(_("召回类型"), max_length=14, choices=RecallType.choices, default=RecallType.DEFECT)
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("召回实施者"), on_delete=models.PROTECT, related_name="recalls"
    )
    warning = models.ForeignKey(
        "riskwarnings.WarningNotice",
        verbose_name=_("相关预警"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalls",
    )
    measure = models.ForeignKey(
        MeasureOrder,
        verbose_name=_("责令召回措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalls",
    )
    product = models.CharField(_("产品"), max_length=300)
    brand = models.CharField(_("品牌"), max_length=200, blank=True)
    model = models.CharField(_("型号"), max_length=300, blank=True)
    hs_code = models.CharField(_("HS 编码"), max_length=10, blank=True)
    defect = models.TextField(_("缺陷"))
    defect_en = models.TextField(_("英文缺陷描述"), blank=True)
    # Unknown until the plan of a recall opened by a "ordered recall" measure is entered (status awaiting_plan).
    affected_units = models.PositiveIntegerField(_("涉及数量"), null=True, blank=True)
    affected_range = models.TextField(_("涉及范围（批次、序列号或车辆识别代号范围）"), blank=True)
    distribution = models.TextField(_("流向"), blank=True)
    distribution_en = models.TextField(_("英文流向"), blank=True)
    remedies = models.JSONField(_("补救措施"), default=list)
    communication_plan = models.TextField(_("通报和宣传计划"), blank=True)
    source = models.CharField(_("来源编号"), max_length=100, blank=True, help_text=_("如境外通报编号"))
    status = models.CharField(
        _("状态"), max_length=14, choices=RecallStatus.choices, default=RecallStatus.IN_PROGRESS, db_index=True
    )
    public = models.BooleanField(_("公开召回公告"), default=False, db_index=True)
    published_at = models.DateTimeField(_("公告时间"), null=True, blank=True)
    started_on = models.DateField(_("召回开始日期"))
    # Supervision: the rate the recall must reach by its target date; below it then, the recall is stalled and
    # escalated once (the scheduled job watch_recalls).
    target_rate = models.PositiveSmallIntegerField(_("目标召回率（%）"), null=True, blank=True)
    target_date = models.DateField(_("目标日期"), null=True, blank=True)
    stalled_at = models.DateTimeField(_("未达目标已督办"), null=True, blank=True)
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("缺陷调查的研判"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recalls",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("监督机构"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("缺陷产品召回")
        verbose_name_plural = _("缺陷产品召回")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source"], condition=~models.Q(source=""), name="one_recall_per_source")
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:recall", kwargs={"pk": self.pk})

    @property
    def remedy_labels(self) -> list[str]:
        return [str(Remedy(r).label) for r in self.remedies if r in Remedy.values]


class RecallProgress(models.Model):
    """A periodic progress report: units corrected so far (cumulative), as of a date."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="progress")
    as_of = models.DateField(_("截至日期"))
    units_corrected = models.PositiveIntegerField(_("累计完成补救数量"))
    note = models.TextField(_("说明"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("召回进度")
        verbose_name_plural = _("召回进度")
        ordering = ["recall", "as_of", "id"]
        constraints = [models.UniqueConstraint(fields=["recall", "as_of"], name="one_progress_per_day")]

    def __str__(self) -> str:
        return f"{self.recall.reference} {self.as_of}"


class EnforcementKind(models.TextChoices):
    CONCEALED = "concealed", _("隐瞒缺陷")
    REFUSED = "refused", _("拒不召回")
    INADEQUATE = "inadequate", _("召回不力")


class RecallEnforcement(models.Model):
    """An enforcement record opened when a defect was concealed or a recall refused (R-RCL-1: pursued)."""

    recall = models.ForeignKey(Recall, on_delete=models.PROTECT, related_name="enforcements")
    kind = models.CharField(_("违法情形"), max_length=12, choices=EnforcementKind.choices)
    facts = models.TextField(_("事实"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("立案时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("召回执法记录")
        verbose_name_plural = _("召回执法记录")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"{self.recall.reference} {self.kind}"


class CheckResult(models.TextChoices):
    SATISFACTORY = "satisfactory", _("落实到位")
    UNSATISFACTORY = "unsatisfactory", _("落实不到位")


class ImplementationCheck(models.Model):
    """An inspection of how a measure order or a responsible party's obligation is implemented (Art.26), its
    result notified to the parties concerned. Exactly one of the two is set."""

    obligation = models.ForeignKey(Obligation, null=True, blank=True, on_delete=models.CASCADE, related_name="checks")
    order = models.ForeignKey(MeasureOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("检查日期"))
    result = models.CharField(_("检查结果"), max_length=16, choices=CheckResult.choices)
    findings = models.TextField(_("检查情况"))
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("检查单位"), on_delete=models.PROTECT, related_name="+"
    )
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("实施情况检查")
        verbose_name_plural = _("实施情况检查")
        ordering = ["checked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(obligation__isnull=False, order__isnull=True)
                | models.Q(obligation__isnull=True, order__isnull=False),
                name="check_of_one_obligation_or_order",
            )
        ]

    def __str__(self) -> str:
        return f"{(self.obligation or self.order).reference} {self.checked_on}"


class LimitKind(models.TextChoices):
    MEASURE_REMINDER = "measure_reminder", _("措施完成时限前提醒")
    OBLIGATION_REMINDER = "obligation_reminder", _("消减报告提交时限前提醒")
    OBLIGATION_RESUBMISSION = "obligation_resubmission", _("消减报告不合格后的重新提交期限")


class ResponseLimit(models.Model):
    """A time window of rapid response (configurable data, like the other time limits); an administrator
    changes it in the admin."""

    kind = models.CharField(_("时限类别"), max_length=30, choices=LimitKind.choices, unique=True)
    hours = models.PositiveIntegerField(_("时长（小时）"))

    class Meta:
        verbose_name = _("快速反应时限")
        verbose_name_plural = _("快速反应时限")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.hours} h"


# Loaded by migration; a kind without a row uses its default.
DEFAULT_RESPONSE_LIMITS = {
    LimitKind.MEASURE_REMINDER: 48,
    LimitKind.OBLIGATION_REMINDER: 48,
    LimitKind.OBLIGATION_RESUBMISSION: 240,
}


def response_window(kind: str) -> dt.timedelta:
    """The window of `kind` as a timedelta: its row, or the default."""
    hours = ResponseLimit.objects.filter(kind=kind).values_list("hours", flat=True).first()
    return dt.timedelta(hours=DEFAULT_RESPONSE_LIMITS[kind] if hours is None else hours)


# ---- Port emergency response (R-RR-6, decision 0030) ------------------------------------------------------------


class CommodityClass(models.TextChoices):
    BULK_RESOURCES = "bulk_resources", _("大宗资源性商品")
    DANGEROUS_GOODS = "dangerous_goods", _("危险品")
    SOLID_WASTE = "solid_waste", _("固体废物")
    OTHER = "other", _("其他商品")


class EmergencyPlan(Numbered, Scoped):
    """A port's emergency plan (口岸应急预案) for a class of commodities: what is done, by whom, within how long,
    once a plan is activated; drills test it."""

    REFERENCE_PREFIX = "EP"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("口岸"), on_delete=models.PROTECT, related_name="+"
    )
    commodity_class = models.CharField(_("商品类别"), max_length=16, choices=CommodityClass.choices)
    title = models.CharField(_("预案名称"), max_length=300)
    scope = models.TextField(_("适用范围"))
    procedures = models.TextField(_("处置程序"))
    contacts = models.TextField(_("联络方式"), blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("口岸应急预案")
        verbose_name_plural = _("口岸应急预案")
        ordering = ["organisation__code", "commodity_class", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:emergency_plan", kwargs={"pk": self.pk})


class PlanStep(models.Model):
    """One task of a plan's joint response: which unit does it within how many hours of the activation."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("任务"), max_length=300)
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.PositiveIntegerField(_("时限（小时）"))

    class Meta:
        verbose_name = _("预案任务")
        verbose_name_plural = _("预案任务")
        ordering = ["hours", "id"]

    def __str__(self) -> str:
        return self.title


class DrillRating(models.TextChoices):
    GOOD = "good", _("良好")
    ADEQUATE = "adequate", _("基本有效")
    POOR = "poor", _("需改进")


class Drill(models.Model):
    """A drill of a plan (应急演练) and its evaluation."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="drills")
    held_on = models.DateField(_("演练日期"))
    scenario = models.TextField(_("演练情景"))
    participants = models.TextField(_("参演单位"))
    rating = models.CharField(_("评估结论"), max_length=10, choices=DrillRating.choices)
    evaluation = models.TextField(_("评估意见"))
    improvements = models.TextField(_("改进措施"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.plan} {self.held_on}"


class EmergencyMaterial(Scoped):
    """One line of a port's emergency materials inventory (应急物资)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("口岸"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("物资名称"), max_length=200)
    quantity = models.PositiveIntegerField(_("数量"))
    unit = models.CharField(pgettext_lazy("measure", "单位"), max_length=20)
    location = models.CharField(_("存放地点"), max_length=200)
    checked_on = models.DateField(_("最近盘点日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急物资")
        verbose_name_plural = _("应急物资")
        ordering = ["organisation__code", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name", "location"], name="one_material_line")]

    def __str__(self) -> str:
        return self.name

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class ActivationStatus(models.TextChoices):
    ACTIVE = "active", _("应急响应中")
    CLOSED = "closed", _("已结束")


class Activation(Numbered, Scoped):
    """A plan activated (启动应急预案) on an urgent warning: the plan's tasks given to their units with deadlines."""

    REFERENCE_PREFIX = "EA"

    plan = models.ForeignKey(
        EmergencyPlan, verbose_name=_("预案"), on_delete=models.PROTECT, related_name="activations"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("口岸"), on_delete=models.PROTECT, related_name="+"
    )
    warning = models.ForeignKey(
        "riskwarnings.WarningNotice", verbose_name=_("依据的预警"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("启动理由"))
    status = models.CharField(
        _("状态"), max_length=8, choices=ActivationStatus.choices, default=ActivationStatus.ACTIVE
    )
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activated_at = models.DateTimeField(_("启动时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.TextField(_("总结"), blank=True)

    class Meta:
        verbose_name = _("应急响应")
        verbose_name_plural = _("应急响应")
        ordering = ["-activated_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("response:emergency_activation", kwargs={"pk": self.pk})


class ActivationTask(models.Model):
    """A task of an activation: the plan's step, its unit and deadline, and its progress."""

    activation = models.ForeignKey(Activation, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("任务"), max_length=300)
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("时限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.TextField(_("进展"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("应急任务")
        verbose_name_plural = _("应急任务")
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def overdue(self) -> bool:
        return self.done_at is None and self.due_at < timezone.now()
