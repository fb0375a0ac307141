"""Risk information (风险信息) from every source channel, with its workflow status and history."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.countries import is_valid_code
from riskgate.core.crypto import EncryptedTextField
from riskgate.core.dates import out_of_window
from riskgate.core.models import Created, Numbered, Scoped, TimeStamped
from riskgate.core.principal import Principal
from riskgate.core.scoping import ScopedQuerySet
from riskgate.core.vocabulary import HazardType, Urgency


class SourceType(models.TextChoices):
    """Where the information came from (R-COL-1)."""

    INSPECTION_NONCONFORMITY = "inspection_nonconformity", _("检验监管不合格")
    FOREIGN_RECALL = "foreign_recall", _("境外通报召回")
    EXPORT_RETURN = "export_return", _("出口退运")
    DOMESTIC_DEPARTMENT = "domestic_department", _("国内政府部门通报")
    FOREIGN_GOVERNMENT = "foreign_government", _("国外政府通报")
    HOSPITAL_INJURY = "hospital_injury", _("医院伤害报告")
    FIRE_ACCIDENT = "fire_accident", _("火灾事故")
    TRAFFIC_ACCIDENT = "traffic_accident", _("交通事故")
    FOODBORNE_DISEASE = "foodborne_disease", _("食源性疾病报告")
    TECHNICAL_REGULATION = "technical_regulation", _("技术法规、标准")
    MEDIA = "media", _("媒体与舆情")
    ENTERPRISE_REPORT = "enterprise_report", _("企业报告")
    CONSUMER_COMPLAINT = "consumer_complaint", _("消费者投诉")
    TEST_INSTITUTION = "test_institution", _("检测、认证机构报告")
    RISK_MONITORING = "risk_monitoring", _("风险监测")
    ACADEMIA = "academia", _("高校、科研院所、行业协会")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    PUBLIC_FORM = "public_form", _("公众网页/移动端")
    HOTLINE = "hotline", _("热线（12315/12345/12360/12365）")
    OFFICER_ENTRY = "officer_entry", _("工作人员录入")
    ENTERPRISE_PORTAL = "enterprise_portal", _("企业端")
    PARTNER_API = "partner_api", _("协作部门接口")
    BULK_IMPORT = "bulk_import", _("批量导入")
    FOREIGN_NOTIFICATION = "foreign_notification", _("境外通报系统")


class Hotline(models.TextChoices):
    """The public service hotline a call came through (R-COL-1)."""

    MARKET_REGULATION = "12315", _("12315 市场监管投诉举报")
    GOVERNMENT_SERVICE = "12345", _("12345 政务服务便民热线")
    CUSTOMS = "12360", _("12360 海关服务热线")
    QUALITY = "12365", _("12365 质量监督投诉")


class TradeDirection(models.TextChoices):
    IMPORT = "import", _("进口")
    EXPORT = "export", _("出口")
    UNKNOWN = "unknown", _("未知")


class Status(models.TextChoices):
    RECEIVED = "received", _("已接收")
    UNDER_VERIFICATION = "under_verification", _("核实中")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("不予采纳")
    MERGED = "merged", _("已合并")
    REPORTED = "reported", _("已上报预警办公室")
    ASSESSMENT_REQUESTED = "assessment_requested", _("已提请研判")
    CLOSED = "closed", _("已办结")


S = Status
# The workflow (Art.13): which status may follow which.
TRANSITIONS: dict[str, set[str]] = {
    S.RECEIVED: {S.UNDER_VERIFICATION, S.REJECTED, S.MERGED},
    S.UNDER_VERIFICATION: {S.VERIFIED, S.REJECTED, S.MERGED},
    S.VERIFIED: {S.REPORTED, S.ASSESSMENT_REQUESTED, S.CLOSED},
    S.REPORTED: {S.ASSESSMENT_REQUESTED, S.CLOSED},
    S.ASSESSMENT_REQUESTED: {S.CLOSED},
    S.REJECTED: set(),
    S.MERGED: set(),
    S.CLOSED: set(),
}
REASON_REQUIRED = {S.REJECTED, S.MERGED, S.CLOSED}
# Information an officer has verified, which may be assessed (Art.13–14).
ASSESSABLE_STATUSES = [S.VERIFIED, S.REPORTED, S.ASSESSMENT_REQUESTED]


class ReporterKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("匿名")
    PERSON = "person", _("个人")
    ORGANISATION = "organisation", _("单位")
    SYSTEM = "system", _("外部系统")


# The systems items come from, as people name them (the stored code is the importer's: intake/importers/sources).
EXTERNAL_SYSTEMS = {
    "RASFF": _("欧盟 RASFF"),
    "SAFETY_GATE": _("欧盟 Safety Gate"),
    "CPSC": _("美国 CPSC"),
    "FDA": _("美国 FDA"),
    "NHTSA": _("美国 NHTSA"),
    "PARTNER": _("协作部门系统"),
    "targeting": _("口岸查验"),
}


class InformationQuerySet(ScopedQuerySet):
    def visible_to(self, principal: Principal, *, shared: bool = True) -> models.QuerySet:
        """The principal's jurisdiction, and for a partner agency also what its sharing scope grants
        (shared=False: the jurisdiction only — evidence files and workflow actions are never shared)."""
        own = super().visible_to(principal)
        if not shared:
            return own
        granted = SharingScope.granted_to(principal)
        return own if granted is None else own | self.filter(granted)


class RiskInformation(Numbered, TimeStamped):
    """One report of a possible quality-safety risk, from any source."""

    REFERENCE_PREFIX = "RI"

    source_type = models.CharField(_("信息来源"), max_length=40, choices=SourceType.choices, db_index=True)
    channel = models.CharField(_("渠道"), max_length=30, choices=Channel.choices)
    hotline = models.CharField(_("热线号码"), max_length=5, choices=Hotline.choices, blank=True)
    external_system = models.CharField(_("外部系统"), max_length=40, blank=True)
    external_id = models.CharField(_("外部编号"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=500)
    description = models.TextField(_("描述"), blank=True)
    # An officer's Chinese version of a foreign (English) title and description; the original stays as received.
    title_zh = models.CharField(_("中文标题"), max_length=500, blank=True)
    description_zh = models.TextField(_("中文描述"), blank=True)
    product_name = models.CharField(_("产品名称"), max_length=300, blank=True)
    brand = models.CharField(_("品牌"), max_length=200, blank=True)
    model = models.CharField(_("型号"), max_length=300, blank=True)
    batch = models.CharField(_("批次/批号"), max_length=200, blank=True)
    gtin = models.CharField(_("商品条码 (GTIN)"), max_length=14, blank=True)
    hs_code = models.ForeignKey(
        "core.HSCode", verbose_name=_("HS 编码"), null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    declared_hs_code = models.CharField(
        _("申报商品编码"), max_length=13, blank=True, help_text=_("10 位税则号列（可带 3 位检验检疫附加码）")
    )
    product_category = models.CharField(_("产品类别"), max_length=200, blank=True, db_index=True)
    trade_direction = models.CharField(
        _("贸易方向"), max_length=10, choices=TradeDirection.choices, default=TradeDirection.UNKNOWN
    )
    origin_countries = models.JSONField(_("原产国"), default=list, blank=True)
    origin_text = models.CharField(_("原产国（原文）"), max_length=500, blank=True)
    notifying_country = models.CharField(_("通报国"), max_length=2, blank=True)
    destination_country = models.CharField(_("目的国"), max_length=2, blank=True)
    hazard_types = models.JSONField(_("危害类型"), default=list, blank=True)
    hazard_detail = models.TextField(_("危害详情"), blank=True)
    injured = models.PositiveIntegerField(_("受伤人数"), default=0)
    dead = models.PositiveIntegerField(_("死亡人数"), default=0)
    fire = models.BooleanField(_("引发火灾"), default=False)
    property_loss = models.DecimalField(_("财产损失（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    occurred_on = models.DateField(_("发生日期"), null=True, blank=True)
    notified_on = models.DateField(_("通报日期"), null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("负责机构（辖区）"), on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    reporter_kind = models.CharField(
        _("报告人类型"), max_length=20, choices=ReporterKind.choices, default=ReporterKind.SYSTEM
    )
    reporter_name = EncryptedTextField(_("报告人姓名"), blank=True, default="")
    reporter_phone = EncryptedTextField(_("报告人电话"), blank=True, default="")
    reporter_email = EncryptedTextField(_("报告人电子邮箱"), blank=True, default="")
    reporter_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("报告单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reward_eligible = models.BooleanField(_("符合举报奖励条件"), default=False)
    control_measures = models.TextField(_("已采取的控制措施"), blank=True)
    receipt = models.CharField(_("回执编号"), max_length=20, unique=True, null=True, blank=True)
    receipt_secret_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_data = models.JSONField(_("来源数据"), default=dict, blank=True)
    search_tokens = models.TextField(blank=True, editable=False)
    similarity_signature = models.BinaryField(null=True, editable=False)  # MinHash of the text (similarity.py)
    triage = models.JSONField(_("分诊建议"), default=dict, blank=True, editable=False)
    case = models.ForeignKey(
        "RiskCase",
        verbose_name=_("风险案件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    status_since = models.DateTimeField(_("进入当前状态的时间"), default=timezone.now, db_index=True)
    escalated_status = models.CharField(_("已督办的状态"), max_length=30, blank=True)

    objects = InformationQuerySet.as_manager()
    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("风险信息")
        verbose_name_plural = _("风险信息")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_system", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_external_reference",
            )
        ]
        indexes = [
            # My pending work (queries.pending_work): the oldest of each status and urgency.
            models.Index(fields=["status", "urgency", "status_since"], name="information_waiting"),
            # The reports of harm (the quality-safety index's casualties): few among a million.
            models.Index(
                fields=["received_at"],
                condition=models.Q(injured__gt=0) | models.Q(dead__gt=0),
                name="information_harm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"

    @property
    def system_label(self) -> str:
        """Where it came from, by name: the external system, else the channel."""
        if self.external_system:
            return str(EXTERNAL_SYSTEMS.get(self.external_system, self.external_system))
        return self.get_channel_display()

    def clean(self) -> None:

        errors: dict[str, list] = {}
        bad = [h for h in self.hazard_types or [] if h not in HazardType.values]
        if bad:
            errors["hazard_types"] = [_("未知的危害类型：%s") % ", ".join(bad)]
        bad = [c for c in self.origin_countries or [] if not is_valid_code(c)]
        if bad:
            errors["origin_countries"] = [_("未知的国家或地区代码：%s") % ", ".join(bad)]
        for field in ("notifying_country", "destination_country"):
            value = getattr(self, field)
            if value and not is_valid_code(value):
                errors[field] = [_("未知的国家或地区代码：%s") % value]
        for field in ("notified_on", "occurred_on"):
            if why := out_of_window(getattr(self, field)):
                errors[field] = [why]
        if self.gtin and not valid_gtin(self.gtin):
            errors["gtin"] = [_("商品条码应为8、12、13或14位数字，且校验位正确。")]
        if errors:
            raise ValidationError(errors)


# The fields that describe the risk itself: what imports update and what an entry's audit event records.
CONTENT_FIELDS = [
    "source_type",
    "channel",
    "hotline",
    "title",
    "description",
    "product_name",
    "brand",
    "model",
    "batch",
    "gtin",
    "hs_code",
    "declared_hs_code",
    "product_category",
    "trade_direction",
    "origin_countries",
    "origin_text",
    "notifying_country",
    "destination_country",
    "hazard_types",
    "hazard_detail",
    "injured",
    "dead",
    "fire",
    "property_loss",
    "occurred_on",
    "notified_on",
    "urgency",
]


def valid_gtin(value: str) -> bool:
    """GS1 check digit of GTIN-8/12/13/14."""
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        return False
    digits = [int(d) for d in value]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == digits[-1]


class SharingScope(models.Model):
    """What one partner agency may read of the risk information beyond its own submissions (R-COL-5/6).

    Set by the system administrator per agency: the jurisdictions whose items are shared (with their
    subordinate organisations), optionally narrowed to some sources and hazard types, by default only items an
    officer has verified. Reporters' personal data, evidence files and workflow actions are never shared.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("协作部门"),
        on_delete=models.CASCADE,
        related_name="sharing_scope",
        limit_choices_to={"kind": "partner_agency"},
    )
    jurisdictions = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("共享的辖区"), related_name="+", blank=True
    )
    source_types = models.JSONField(_("共享的信息来源（空：全部）"), default=list, blank=True)
    hazard_types = models.JSONField(_("共享的危害类型（空：全部）"), default=list, blank=True)
    verified_only = models.BooleanField(_("仅共享已核实的信息"), default=True)
    active = models.BooleanField(_("启用"), default=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("共享范围")
        verbose_name_plural = _("共享范围")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        errors = {}
        bad = [s for s in self.source_types or [] if s not in SourceType.values]
        if bad:
            errors["source_types"] = [_("未知的信息来源：%s") % ", ".join(bad)]
        bad = [h for h in self.hazard_types or [] if h not in HazardType.values]
        if bad:
            errors["hazard_types"] = [_("未知的危害类型：%s") % ", ".join(bad)]
        if self.organisation_id and self.organisation.kind != "partner_agency":
            errors["organisation"] = [_("共享范围只能设给协作部门。")]
        if errors:
            raise ValidationError(errors)

    @classmethod
    def granted_to(cls, principal: Principal) -> models.Q | None:
        """The items shared with the principal's agency, as a filter; None when nothing is shared."""
        if principal is None or not getattr(principal, "is_authenticated", False):
            return None
        organisation = getattr(principal, "organisation", None)
        if organisation is None or organisation.kind != "partner_agency":
            return None
        scope = cls.objects.filter(organisation=organisation, active=True).first()
        if scope is None or (scope.valid_until and scope.valid_until < timezone.localdate()):
            return None
        paths = list(scope.jurisdictions.values_list("path", flat=True))
        if not paths:
            return None
        granted = models.Q()
        for path in paths:
            granted |= models.Q(organisation__path__startswith=path)
        if scope.source_types:
            granted &= models.Q(source_type__in=scope.source_types)
        if scope.hazard_types:
            hazards = models.Q()
            for hazard in scope.hazard_types:
                hazards |= models.Q(hazard_types__icontains=f'"{hazard}"')
            granted &= hazards
        if scope.verified_only:
            granted &= models.Q(status__in=SHARED_STATUSES)
        return granted


# Statuses an officer has verified the information in: what "verified only" shares.
SHARED_STATUSES = [Status.VERIFIED, Status.REPORTED, Status.ASSESSMENT_REQUESTED, Status.CLOSED]


class RiskCase(Numbered, Created):
    """One risk, as several linked reports of it from one or more sources (confirmed by an officer)."""

    REFERENCE_PREFIX = "RC"

    title = models.CharField(_("标题"), max_length=500)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("负责机构（辖区）"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("风险案件")
        verbose_name_plural = _("风险案件")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认关联")
    DISMISSED = "dismissed", _("已排除")


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("同一风险")
    RELATED = "related", _("同一产品的其他缺陷")


class LinkPending(models.Model):
    """An item stored or changed whose link proposals are not made yet: written in the transaction that stores the
    item, deleted in the one that stores its proposals, so an import killed between the two is finished later
    (linking.py). A narrow table of its own rather than a flag on the item: clearing 100,000 flags rewrote
    100,000 wide rows and every index on them (PostgreSQL: 2.7 s of a 50,000-row import's 4.8 s of detection)."""

    information = models.OneToOneField(RiskInformation, on_delete=models.CASCADE, primary_key=True, related_name="+")

    class Meta:
        verbose_name = _("待关联检测")
        verbose_name_plural = _("待关联检测")

    def __str__(self) -> str:
        return str(self.information_id)


class LinkProposal(models.Model):
    """The system's proposal that two items report the same risk (a duplicate) or the same product with another
    defect (related); an officer confirms or dismisses it."""

    first = models.ForeignKey(RiskInformation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(RiskInformation, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("相似度"))
    kind = models.CharField(
        _("类型"), max_length=10, choices=LinkKind.choices, default=LinkKind.DUPLICATE, db_index=True
    )
    reasons = models.JSONField(_("依据"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED, db_index=True
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("关联建议")
        verbose_name_plural = _("关联建议")
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["status", "-score", "id"], name="proposal_queue")]  # the queue's order
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_proposal_per_pair"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="proposal_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.score:.2f})"

    def other(self, info_id: int) -> RiskInformation:
        return self.second if info_id == self.first_id else self.first

    def why(self) -> list[tuple[str, str]]:
        """Why the pair was proposed, as an officer reads it: (text, "for" / "against" / "") for each fact the
        detector weighed (similarity.py stores them in `reasons`)."""
        r = self.reasons or {}
        out = []
        if r.get("same_product"):
            out.append((str(_("同一产品（品牌与型号、批次或条码）")), "for"))
        if r.get("other_product"):
            out.append((str(_("另一产品（品牌、型号或条码不同）")), "against"))
        if r.get("text") is not None:
            out.append((str(_("文本重合 %(p)d%%") % {"p": round(r["text"] * 100)}), "for" if r["text"] >= 0.85 else ""))
        if r.get("days_apart") is not None:
            days = r["days_apart"]
            out.append(
                (
                    str(_("通报日期相同") if days == 0 else _("通报相隔 %(n)d 天") % {"n": days}),
                    "for" if days <= 3 else "",
                )
            )
        for key, yes, no in (
            ("same_notifier", _("同一通报国"), _("通报国不同")),
            ("same_origin", _("同一原产国"), _("原产国不同")),
            ("same_category", _("同类产品"), _("产品类别不同")),
        ):
            if r.get(key) is not None:
                out.append((str(yes if r[key] else no), "for" if r[key] else "against"))
        return out


class StatusChange(models.Model):
    """One step of an item's workflow: who moved it from which status to which, when and why."""

    information = models.ForeignKey(RiskInformation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, choices=Status.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)  # the dashboards read by period
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_repr = models.CharField(_("操作人"), max_length=200, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    merged_into = models.ForeignKey(
        RiskInformation, verbose_name=_("合并至"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.information_id}: {self.from_status} → {self.to_status}"


class TimeLimit(models.Model):
    """How long an item may stay in a status, by urgency (configurable data); past it the item is overdue."""

    status = models.CharField(_("状态"), max_length=30, choices=Status.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    hours = models.PositiveIntegerField(_("时限（小时）"))

    class Meta:
        verbose_name = _("处理时限")
        verbose_name_plural = _("处理时限")
        ordering = ["status", "urgency"]
        constraints = [models.UniqueConstraint(fields=["status", "urgency"], name="one_time_limit_per_status_urgency")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} / {self.get_urgency_display()}: {self.hours} h"


# Defaults loaded by migration; an administrator changes them in the admin.
DEFAULT_TIME_LIMITS = {
    (Status.RECEIVED, Urgency.URGENT): 2,
    (Status.RECEIVED, Urgency.NORMAL): 72,
    (Status.UNDER_VERIFICATION, Urgency.URGENT): 24,
    (Status.UNDER_VERIFICATION, Urgency.NORMAL): 240,
    (Status.VERIFIED, Urgency.URGENT): 12,
    (Status.VERIFIED, Urgency.NORMAL): 72,
    (Status.REPORTED, Urgency.URGENT): 24,
    (Status.REPORTED, Urgency.NORMAL): 168,
}


class Evidence(models.Model):
    """A file that supports an item (photo, test report, video); served only through a scoped, audited view."""

    information = models.ForeignKey(RiskInformation, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(Scoped):
    """A file imported from the UI by a background job, with its progress and final report."""

    source = models.CharField(_("数据来源"), max_length=30)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("负责机构（辖区）"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker running the job holds a lease it renews (heartbeat); a lease that ran out means the worker died.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rejections = models.FileField(upload_to="imports/%Y/%m/", blank=True)  # all rejected rows, when many

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.original_name}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == ImportStatus.DONE else 0)


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", _("已提议，待审批")
    APPROVED = "approved", _("已批准，待发放")
    REFUSED = "refused", _("不予奖励")
    PAID = "paid", _("已发放")


class Reward(Scoped, TimeStamped):
    """A whistleblower reward for a report (R-COL-2): eligibility and the amount proposed by one officer, decided
    by a second officer (never the proposer), and the payment record. The reporter sees the decision through the
    report's receipt code; nobody sees the reporter's identity here — it stays on the report, shown only to those
    holding intake:reporter:view."""

    information = models.OneToOneField(
        RiskInformation, verbose_name=_("举报信息"), on_delete=models.PROTECT, related_name="reward"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("负责机构"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=RewardStatus.choices, default=RewardStatus.PROPOSED)
    eligibility = models.TextField(_("奖励依据（举报属实的情况）"))
    amount = models.DecimalField(_("奖励金额（元）"), max_digits=10, decimal_places=2)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提议人"), on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("审批意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    payment_reference = models.CharField(_("发放凭证号"), max_length=100, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发放登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("举报奖励")
        verbose_name_plural = _("举报奖励")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.information.reference}: {self.get_status_display()} {self.amount}"
