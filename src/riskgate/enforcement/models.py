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
    campaign = models.ForeignKey(
        "Campaign",
        verbose_name=_("所属专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )

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


# --- Interviews (约谈) -----------------------------------------------------------------------------------------


class InterviewSubject(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    GOVERNMENT = "government", _("地方政府")


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已通知，待约谈")
    HELD = "held", _("已约谈，整改跟踪中")
    CLOSED = "closed", _("已办结")


class Interview(Numbered, Scoped, Created):
    """An interview (约谈) of an enterprise or a local government by an authority: why, when and where; the minutes
    once held; the follow-up commitments with their deadlines; closed when they are settled. Read by the
    authority's jurisdiction and by the enterprise interviewed."""

    REFERENCE_PREFIX = "IV"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("约谈单位"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("约谈对象类别"), max_length=12, choices=InterviewSubject.choices)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("被约谈企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    government = models.CharField(_("被约谈地方政府"), max_length=200, blank=True)
    reason = models.TextField(_("约谈事由"))
    scheduled_at = models.DateTimeField(_("约谈时间"))
    place = models.CharField(_("约谈地点"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField(_("实际约谈时间"), null=True, blank=True)
    attendees = models.TextField(_("参加人员"), blank=True)
    minutes = models.TextField(_("约谈纪要"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    conclusion = models.TextField(_("办结意见"), blank=True)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                name="interview_names_its_subject",
                condition=(models.Q(subject="enterprise") & models.Q(enterprise__isnull=False))
                | (models.Q(subject="government") & ~models.Q(government="")),
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def interviewee(self) -> str:
        return self.government if self.subject == InterviewSubject.GOVERNMENT else str(self.enterprise)


class Commitment(models.Model):
    """One follow-up the interview settled: what is to be done, by when; fulfilled with what was seen."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="commitments")
    action = models.CharField(_("整改事项"), max_length=500)
    due = models.DateField(_("完成期限"))
    fulfilled_at = models.DateTimeField(_("完成确认时间"), null=True, blank=True)
    fulfilment = models.TextField(_("完成情况"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_at = models.DateTimeField(_("逾期督促时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("约谈整改事项")
        verbose_name_plural = _("约谈整改事项")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.action

    @property
    def overdue(self) -> bool:
        return self.fulfilled_at is None and self.due < timezone.localdate()


# --- Joint supervision of major cases (挂牌督办) --------------------------------------------------------------------


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已结案销号")


class SupervisionKind(models.TextChoices):
    CASE = "case", _("重大案件")
    TASK = "task", _("工作任务")  # a task of the plans: a lead unit, cooperating units, a deadline


class SupervisedCase(Numbered, Scoped, Created):
    """A major case, or a work task of the plans, the supervising authority lists for supervision (督办) by a unit
    under it (the lead unit), with cooperating units and a deadline: the units report their progress, the
    supervisor closes it (销号); past the deadline it is escalated. Read by the supervisor's jurisdiction, the lead
    unit and the cooperating units."""

    REFERENCE_PREFIX = "SV"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("督办类别"), max_length=8, choices=SupervisionKind.choices, default=SupervisionKind.CASE)
    supervised = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+"
    )
    cooperating = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("协办单位"), blank=True, related_name="supervision_cooperating"
    )
    basis = models.CharField(_("督办依据"), max_length=300, blank=True)
    partners = models.CharField(_("联合督办部门"), max_length=300, blank=True)
    enterprise = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("涉案企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("督办事项"), max_length=300)
    facts = models.TextField(_("情况与督办要求"))
    deadline = models.DateField(_("办结期限"))
    status = models.CharField(
        _("状态"), max_length=8, choices=SupervisionStatus.choices, default=SupervisionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    conclusion = models.TextField(_("结案意见"), blank=True)
    escalated_at = models.DateTimeField(_("逾期上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("挂牌督办案件")
        verbose_name_plural = _("挂牌督办案件")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def overdue(self) -> bool:
        return self.status == SupervisionStatus.OPEN and self.deadline < timezone.localdate()


class _Report(models.Model):
    """A dated report by an officer on a case or campaign, kept in the order it came in."""

    at = models.DateTimeField(_("报告时间"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["id"]


class ProgressReport(_Report):
    case = models.ForeignKey(SupervisedCase, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报告单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("办理进展"))

    class Meta(_Report.Meta):
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


# --- Anti-counterfeiting campaigns (专项打假) ---------------------------------------------------------------------


class KeyCommodity(models.TextChoices):
    """The key commodities of R-ENF-1."""

    VEHICLES = "vehicles", _("汽车及零部件")
    ELECTRICAL = "electrical", _("电子电器产品")
    CLOTHING = "clothing", _("功能性及婴幼儿服装")
    CHILDREN = "children", _("儿童用品")
    FOOD = "food", _("食品及食品接触材料")
    AGRICULTURAL = "agricultural", _("农产品")


class KeyField(models.TextChoices):
    MARKETS = "markets", _("商品交易市场")
    CROSS_BORDER = "cross_border", _("跨境电商")
    BORDER_TRADE = "border_trade", _("边境贸易")


class Campaign(Numbered, Scoped, Created):
    """A special anti-counterfeiting campaign (专项打假行动) on key commodities and fields, for a period, with its
    targets; its results are the penalty cases and transfers linked to it and the inspections and seizures its
    units report."""

    REFERENCE_PREFIX = "CA"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("行动名称"), max_length=200)
    commodities = models.JSONField(_("重点商品"), default=list)
    fields = models.JSONField(_("重点领域"), default=list, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("工作要求"), blank=True)
    target_inspections = models.PositiveIntegerField(_("目标：检查批次"), null=True, blank=True)
    target_cases = models.PositiveIntegerField(_("目标：查办案件"), null=True, blank=True)
    target_transfers = models.PositiveIntegerField(_("目标：移送案件"), null=True, blank=True)
    target_seized_yuan = models.PositiveBigIntegerField(_("目标：查扣货值（元）"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("总结时间"), null=True, blank=True)
    summary = models.TextField(_("行动总结"), blank=True)

    class Meta:
        verbose_name = _("专项打假行动")
        verbose_name_plural = _("专项打假行动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="campaign_ends_after_it_starts", condition=models.Q(ends_on__gte=models.F("starts_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"

    def commodity_labels(self) -> list[str]:
        return [str(KeyCommodity(c).label) for c in self.commodities if c in KeyCommodity.values]

    def field_labels(self) -> list[str]:
        return [str(KeyField(c).label) for c in self.fields if c in KeyField.values]


class CampaignReport(_Report):
    """What a unit did for the campaign in a period: batches inspected, goods seized (appended, never changed)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报告单位"), on_delete=models.PROTECT, related_name="+"
    )
    inspections = models.PositiveIntegerField(_("检查批次"))
    seized_yuan = models.PositiveBigIntegerField(_("查扣货值（元）"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta(_Report.Meta):
        verbose_name = _("专项行动进展报告")
        verbose_name_plural = _("专项行动进展报告")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.at:%Y-%m-%d}"


# --- Administrative penalty cases (行政处罚) and compulsory market exit ---------------------------------------------


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、非法财物")
    SUSPENSION = "suspension", _("责令停产停业")
    REVOCATION = "revocation", _("吊销许可证件、取消备案")
    BAN = "ban", _("限制从业、禁止进出口经营")


# The penalties that put the enterprise out of the market (compulsory market exit, R-ENF-1).
MARKET_EXIT = {PenaltyKind.REVOCATION, PenaltyKind.BAN}


class PenaltyCase(Numbered, Scoped, Created):
    """An administrative penalty decided by an authority against an enterprise: the decision's number, the facts,
    the basis, the penalties. The decision enters the enterprise's credit record (serious: dishonest); it is
    published on the portal (行政处罚公示) and may be exposed as a typical case."""

    REFERENCE_PREFIX = "PN"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("处罚机关"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("当事企业"), on_delete=models.PROTECT, related_name="+"
    )
    document_number = models.CharField(_("处罚决定书文号"), max_length=100, unique=True)
    decided_on = models.DateField(_("处罚决定日期"))
    facts = models.TextField(_("违法事实"))
    legal_basis = models.TextField(_("处罚依据"))
    penalties = models.JSONField(_("处罚种类"), default=list)
    fine_yuan = models.PositiveBigIntegerField(_("罚没金额（元）"), default=0)
    serious = models.BooleanField(_("严重违法"), default=False)
    market_exit = models.BooleanField(_("强制退出市场"), default=False)  # a revocation or a ban among the penalties
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("所属专项行动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    public_summary = models.TextField(_("公示内容"), blank=True)
    exposed_at = models.DateTimeField(_("曝光时间"), null=True, blank=True)
    exposure_title = models.CharField(_("典型案例标题"), max_length=200, blank=True)
    exposure_text = models.TextField(_("典型案例说明"), blank=True)

    class Meta:
        verbose_name = _("行政处罚案件")
        verbose_name_plural = _("行政处罚案件")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="penalty_exposed_only_when_published",
                condition=models.Q(exposed_at__isnull=True) | models.Q(published_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.document_number}"

    def penalty_labels(self) -> list[str]:
        return [str(PenaltyKind(p).label) for p in self.penalties if p in PenaltyKind.values]


# --- Quality benchmarks (示范标杆) and publicity events (质量月, 3·15) — R-USE-6 -------------------------------------


class Benchmark(Numbered, Scoped, Created):
    """An enterprise named a quality benchmark (示范标杆) by an authority, published on the portal and entered in
    its credit record; withdrawn (with its credit event) if it no longer deserves it."""

    REFERENCE_PREFIX = "QB"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("评定单位"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("标杆名称"), max_length=200)
    citation = models.TextField(_("评定事迹"))
    awarded_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(_("有效期至"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤销理由"), blank=True)

    class Meta:
        verbose_name = _("质量示范标杆")
        verbose_name_plural = _("质量示范标杆")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="benchmark_valid_after_award", condition=models.Q(valid_until__gte=models.F("awarded_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class PublicityKind(models.TextChoices):
    QUALITY_MONTH = "quality_month", _("质量月")
    CONSUMER_DAY = "consumer_day", _("3·15 国际消费者权益日")
    OPEN_DAY = "open_day", _("开放日、进企业进社区")
    OTHER = "other", _("其他宣传活动")


class PublicityEvent(Numbered, Scoped, Created):
    """A publicity event (质量月, 3·15, open days): what was done, where, with whom, what it reached; published
    on the portal."""

    REFERENCE_PREFIX = "PE"
    scope_organisation_field = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("活动类别"), max_length=14, choices=PublicityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=200)
    activities = models.TextField(_("活动内容"))
    participants = models.PositiveIntegerField(_("参与人数"))
    materials = models.PositiveIntegerField(_("发放宣传材料（份）"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("质量宣传活动")
        verbose_name_plural = _("质量宣传活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"
