"""Warning notices (风险预警, Art.18–21, 24, 30): one version of one warning, its kinds, scope and lifecycle.

A `WarningNotice` version is drafted from a confirmed assessment (or, in an urgent case, before the report:
the emergency path of Art.18, confirmed afterwards), reviewed and approved by a second officer (four eyes), and
published. A level or scope change is a new version that supersedes the published one; lifting is the end of the
lineage. Each published version is a CAP message (Alert, Update or Cancel) referencing the version before it.
Who may issue which kind and level for which region is data (`AuthorityRule`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from riskgate.core.countries import is_valid_code
from riskgate.core.models import Created, Scoped, TimeStamped, Versioned
from riskgate.core.search import token_text
from riskgate.core.vocabulary import WarningLevel


class WarningKind(models.TextChoices):
    AGENCY_NOTICE = "agency_notice", _("风险警示通报")  # to inspection agencies: port control, re-assessment
    BUSINESS_NOTICE = "business_notice", _("风险警示通告")  # to producers/businesses and institutions: mitigate
    PUBLIC_ANNOUNCEMENT = "public_announcement", _("风险警示公告")  # to the public: mandatory measures


# A warning that includes one of these kinds is public (portal, feeds, public API, CAP scope Public); a circular
# to inspection agencies alone is restricted to agencies (docs/decisions/0010).
PUBLIC_KINDS = {WarningKind.PUBLIC_ANNOUNCEMENT, WarningKind.BUSINESS_NOTICE}


def region_prefix(area: str) -> str:
    """The code prefix of everything inside a GB/T 2260 area: 610000 → 61, 610100 → 6101, 610102 → 610102."""
    prefix = area.rstrip("0")
    return prefix + "0" * (len(prefix) % 2)  # keep whole two-digit levels


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("审核中")
    APPROVED = "approved", _("已批准，待发布")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已调整（被新版本取代）")
    LIFTED = "lifted", _("已解除")


EDITABLE = [Status.DRAFT]
PENDING_STATUSES = [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED]
LIVE = [Status.PUBLISHED]


class Change(models.TextChoices):
    """What a version is, relative to the one before it (drives CAP msgType)."""

    NEW = "new", _("新发布")
    ADJUSTED = "adjusted", _("调整")
    CONFIRMED = "confirmed", _("事后确认")
    LIFTED = "lifted", _("解除")


class Path(models.TextChoices):
    STANDARD = "standard", _("研判确认后发布")
    EMERGENCY = "emergency", _("紧急情况先行发布（事后确认）")


class WarningNotice(Versioned, TimeStamped):
    REFERENCE_PREFIX = "RW"

    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("取代的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    change = models.CharField(_("变更类型"), max_length=10, choices=Change.choices, default=Change.NEW)
    change_reason = models.TextField(_("变更理由"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    path = models.CharField(_("发布途径"), max_length=10, choices=Path.choices, default=Path.STANDARD)
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("依据（已确认的研判）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
    )
    emergency_reason = models.TextField(_("先行发布的理由"), blank=True)
    # An emergency warning is pending confirmation until a version citing its confirmed assessment is published
    # (confirmed, adjusted or lifted, Art.19); later versions carry the time over.
    confirmed_at = models.DateTimeField(_("事后确认时间"), null=True, blank=True)
    level = models.CharField(_("预警等级"), max_length=3, choices=WarningLevel.choices)
    kinds = models.JSONField(_("预警类型"), default=list)
    hazard_type = models.CharField(_("危害类型"), max_length=20)
    title = models.CharField(_("标题"), max_length=300)
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True)
    summary = models.TextField(_("预警内容"))
    summary_en = models.TextField(_("英文内容"), blank=True)
    items = models.TextField(_("警示事项"))
    items_en = models.TextField(_("英文警示事项"), blank=True)
    measures = models.TextField(_("措施"))
    measures_en = models.TextField(_("英文措施"), blank=True)
    audience = models.TextField(_("对象"), blank=True)
    audience_en = models.TextField(_("英文对象"), blank=True)
    # Scope (影响范围) of the products and places concerned.
    hs_codes = models.JSONField(_("HS 编码"), default=list, blank=True)
    product_category = models.CharField(_("产品类别"), max_length=200, blank=True)
    product_category_en = models.CharField(_("英文产品类别"), max_length=200, blank=True)
    brands = models.JSONField(_("品牌"), default=list, blank=True)
    product_models = models.JSONField(_("型号"), default=list, blank=True)
    batches = models.JSONField(_("批次"), default=list, blank=True)
    gtins = models.JSONField(_("商品条码"), default=list, blank=True)
    origin_countries = models.JSONField(_("原产国"), default=list, blank=True)
    regions = models.JSONField(_("地区（空：全国）"), default=list, blank=True)
    ports = models.ManyToManyField("accounts.Organisation", verbose_name=_("口岸"), related_name="+", blank=True)
    enterprises = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("企业"), related_name="warnings_concerning", blank=True
    )
    starts_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期至（空：直至解除）"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    ended_at = models.DateTimeField(_("终止时间"), null=True, blank=True)  # superseded or lifted
    # The version that stands for the warning now: the published one, or the lifting version once lifted.
    current = models.BooleanField(default=False, db_index=True, editable=False)
    public = models.BooleanField(default=False, db_index=True, editable=False)  # on the public channels (cap.py)
    search_tokens = models.TextField(blank=True, editable=False)

    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("风险预警")
        verbose_name_plural = _("风险预警")
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["lineage", "version"], name="one_warning_per_version")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:80]}"

    def kind_labels(self) -> list[str]:
        return [str(WarningKind(k).label) for k in self.kinds if k in WarningKind.values]

    def clean(self) -> None:

        errors: dict[str, list] = {}
        if not self.kinds or any(k not in WarningKind.values for k in self.kinds):
            errors["kinds"] = [_("请选择一种或多种预警类型。")]
        elif len(set(self.kinds)) != len(self.kinds):
            errors["kinds"] = [_("预警类型重复。")]
        bad = [c for c in self.origin_countries or [] if not is_valid_code(c)]
        if bad:
            errors["origin_countries"] = [_("未知的国家或地区代码：%s") % ", ".join(bad)]
        bad = [h for h in self.hs_codes or [] if not (isinstance(h, str) and h.isdigit() and 2 <= len(h) <= 10)]
        if bad:
            errors["hs_codes"] = [_("HS 编码应为 2–10 位数字：%s") % ", ".join(map(str, bad))]
        if self.starts_at and self.valid_until and self.valid_until <= self.starts_at:
            errors["valid_until"] = [_("有效期须晚于开始时间。")]
        if errors:
            raise ValidationError(errors)

    def index(self) -> None:
        """Derived columns: whether the warning is public, and its search tokens (jieba, Chinese and English)."""

        self.public = bool(PUBLIC_KINDS & set(self.kinds or []))
        self.search_tokens = token_text(
            self.title,
            self.title_en,
            self.summary,
            self.summary_en,
            self.items,
            self.items_en,
            self.measures,
            self.measures_en,
            self.product_category,
            self.product_category_en,
            " ".join(self.brands or []),
            " ".join(self.product_models or []),
            " ".join(self.hs_codes or []),
        )

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def pending_confirmation(self) -> bool:
        """Issued by the emergency path and not yet confirmed by an assessment (Art.18–19). A superseded or lifted
        version is history and carries no flag."""
        return self.path == Path.EMERGENCY and self.confirmed_at is None and self.status in PENDING_STATUSES


CHANGE_WORDS = {
    Change.NEW: _("发布"),
    Change.ADJUSTED: _("调整"),
    Change.CONFIRMED: pgettext_lazy("warning change", "确认"),
    Change.LIFTED: _("解除"),
}


def change_tag(notice: WarningNotice) -> str:
    """What a feed entry or an e-mail subject says of a version: "[发布]", "[调整]", … and "[待确认]" while an
    emergency warning awaits its confirmation (in the active language)."""
    tag = f"[{CHANGE_WORDS[notice.change]}]"
    if not notice.pending_confirmation:
        return tag
    pending = pgettext("warning change", "待确认")
    return f"{tag} [{pending}]"


# The fields that make up a warning's content: what a draft edits, an adjustment copies and the audit records.
CONTENT_FIELDS = [
    "level",
    "kinds",
    "hazard_type",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "items",
    "items_en",
    "measures",
    "measures_en",
    "audience",
    "audience_en",
    "hs_codes",
    "product_category",
    "product_category_en",
    "brands",
    "product_models",
    "batches",
    "gtins",
    "origin_countries",
    "regions",
    "starts_at",
    "valid_until",
]


class StepRecord(models.Model):
    """The history of a version: drafted, submitted, approved, sent back, published, superseded, lifted."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("预警流程记录")
        verbose_name_plural = _("预警流程记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class AuthorityRule(models.Model):
    """Who may issue which kinds up to which level, and where (R-WRN-3, Art.30). Data, kept in the admin.

    A rule applies to an organisation kind (the national authority, the warning office, a direct bureau);
    `own_region_only` limits the warning's regions to the issuing organisation's own region (and the regions
    below it). An organisation may issue a warning when one rule of its kind allows every kind at that level."""

    organisation_kind = models.CharField(_("机构类型"), max_length=30)
    kinds = models.JSONField(_("可发布的预警类型"), default=list)
    highest_level = models.CharField(_("可发布的最高等级"), max_length=3, choices=WarningLevel.choices)
    own_region_only = models.BooleanField(_("仅限本辖区"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警发布权限规则")
        verbose_name_plural = _("预警发布权限规则")
        ordering = ["organisation_kind", "id"]

    def __str__(self) -> str:
        return f"{self.organisation_kind}: ≤{self.highest_level} {','.join(self.kinds)}"


# The shipped rules (docs/decisions/0010): level I only nationally; bureaus up to II, and only for their region.
DEFAULT_AUTHORITY_RULES = [
    ("national_authority", list(WarningKind.values), WarningLevel.I, False),
    ("warning_office", list(WarningKind.values), WarningLevel.I, False),
    ("direct_bureau", [WarningKind.AGENCY_NOTICE, WarningKind.BUSINESS_NOTICE], WarningLevel.II, True),
]


ANSWER_HOURS = 72  # the answer window of a level without its PublicationLimit row


class PublicationLimit(models.Model):
    """The time limits of a warning level (data, changed in the admin): how long after the assessment's
    confirmation it must be published, and how long an addressed agency or enterprise has to answer it (report
    its action or acknowledge) before the issuer is told."""

    level = models.CharField(_("预警等级"), max_length=3, choices=WarningLevel.choices, unique=True)
    hours = models.PositiveIntegerField(_("时限（小时）"))
    answer_hours = models.PositiveIntegerField(_("接收方反馈时限（小时）"), default=72)
    # Art.18–19: an emergency warning's assessment must be requested within this time of publication (0: at
    # once), and the warning confirmed, adjusted or lifted on the confirmed assessment within the second.
    emergency_request_hours = models.PositiveIntegerField(_("紧急预警提请研判时限（小时，0：立即）"), default=24)
    emergency_confirm_hours = models.PositiveIntegerField(_("紧急预警事后确认时限（小时）"), default=240)

    class Meta:
        verbose_name = _("发布时限")
        verbose_name_plural = _("发布时限")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}: {self.hours} h"


class FollowUp(Scoped, TimeStamped):
    """The follow-up an emergency warning carries (Art.18–19): its assessment requested by `request_due_at`, the
    warning confirmed on the confirmed assessment by `confirm_due_at`. The deadline job reminds the issuer before
    the request is due and escalates to the issuer's superior once when the request is missing and once when the
    confirmation is late; it stops when the warning is confirmed or lifted."""

    warning = models.OneToOneField(
        WarningNotice, verbose_name=_("紧急预警"), on_delete=models.CASCADE, related_name="follow_up"
    )  # the lineage's first published emergency version
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="+"
    )
    request_due_at = models.DateTimeField(_("提请研判时限"))
    confirm_due_at = models.DateTimeField(_("事后确认时限"))
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("提请的研判"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emergency_follow_ups",
    )
    requested_at = models.DateTimeField(_("提请研判时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    request_escalated_at = models.DateTimeField(_("未提请研判已督办"), null=True, blank=True)
    confirm_escalated_at = models.DateTimeField(_("逾期未确认已督办"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)  # confirmed or lifted
    closed_by = models.ForeignKey(
        WarningNotice, verbose_name=_("办结的版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_organisation_field = "organisation"

    class Meta:
        verbose_name = _("紧急预警事后确认")
        verbose_name_plural = _("紧急预警事后确认")
        ordering = ["confirm_due_at", "id"]

    def __str__(self) -> str:
        return f"{self.warning.reference}: {self.confirm_due_at:%Y-%m-%d %H:%M}"


DEFAULT_PUBLICATION_LIMITS = {WarningLevel.I: 24, WarningLevel.II: 48, WarningLevel.III: 72, WarningLevel.IV: 120}


def ensure_defaults(AuthorityRule, PublicationLimit) -> None:
    """The shipped authority rules and publication limits, where missing (migration; flushed test databases)."""
    if not AuthorityRule.objects.exists():
        for kind, kinds, highest, own in DEFAULT_AUTHORITY_RULES:
            AuthorityRule.objects.create(
                organisation_kind=kind, kinds=[str(k) for k in kinds], highest_level=str(highest), own_region_only=own
            )
    for level, hours in DEFAULT_PUBLICATION_LIMITS.items():
        PublicationLimit.objects.get_or_create(level=str(level), defaults={"hours": hours})


class Subscription(Created):
    """Anyone's subscription to public warnings (R-WRN-4): by e-mail and, optionally, a signed webhook, filtered
    by level, product category, origin country and region. Nothing is sent before the e-mail address is confirmed;
    the token in every message manages and ends the subscription (one click)."""

    email = models.EmailField(_("电子邮箱"))
    webhook_url = models.URLField(_("Webhook 地址"), blank=True, max_length=500)
    secret = models.CharField(max_length=64, editable=False)  # HMAC-SHA256 key of the webhook signatures
    token = models.CharField(max_length=43, unique=True, editable=False)
    levels = models.JSONField(_("预警等级（空：全部）"), default=list, blank=True)
    categories = models.JSONField(_("产品类别（空：全部）"), default=list, blank=True)
    countries = models.JSONField(_("原产国（空：全部）"), default=list, blank=True)
    regions = models.JSONField(_("地区（空：全部）"), default=list, blank=True)
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警订阅")
        verbose_name_plural = _("预警订阅")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def matches(self, notice: "WarningNotice") -> bool:
        """The warning version concerns what the subscriber asked for (every filter set must hold)."""
        if self.levels and notice.level not in self.levels:
            return False
        if self.categories and not any(c.casefold() in notice.product_category.casefold() for c in self.categories):
            return False
        if self.countries and not set(self.countries) & set(notice.origin_countries):
            return False
        if self.regions and notice.regions:
            provinces = {r[:2] for r in self.regions}
            if not any(r[:2] in provinces for r in notice.regions):
                return False
        return True


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DIGEST = "digest", _("待汇总发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败，将重试")
    GAVE_UP = "gave_up", _("多次失败，已放弃")


class Delivery(models.Model):
    """One warning version to one subscriber on one channel: sent once, retried with back-off, logged."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=10)  # email / webhook
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(_("最后错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "notice", "channel"], name="one_delivery_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.notice_id} → {self.subscription_id}: {self.status}"


class Recommendation(models.TextChoices):
    KEEP = "keep", _("维持")
    ADJUST = "adjust", _("调整")
    LIFT = "lift", _("解除")


class Evaluation(models.Model):
    """The evaluation of a warning's effect (R-RR-4): measures done, new incidents since publication, and the
    recommendation to keep, adjust or lift it."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="evaluations")
    measures_done = models.TextField(_("措施落实情况"))
    new_incidents = models.PositiveIntegerField(_("发布以来的新发情况（起）"))
    related_information = models.PositiveIntegerField(_("系统检索到的相关风险信息（条）"), default=0, editable=False)
    recommendation = models.CharField(_("建议"), max_length=10, choices=Recommendation.choices)
    note = models.TextField(_("说明"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evaluated_at = models.DateTimeField(_("评估时间"), default=timezone.now)

    class Meta:
        verbose_name = _("预警效果评估")
        verbose_name_plural = _("预警效果评估")
        ordering = ["-evaluated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.recommendation}"


class RecipientKind(models.TextChoices):
    AGENCY = "agency", _("检验机构/协作部门（通报）")
    ENTERPRISE = "enterprise", _("企业（通告）")


class Recipient(Scoped):
    """A warning version delivered to an organisation's inbox (Art.20–21): circulars to the inspection bodies,
    ports and partner agencies concerned; notices to the enterprises named. The inbox keeps the read receipt,
    the agency's report of the action it took, and the enterprise's acknowledgement."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("接收机构"), on_delete=models.PROTECT, related_name="warning_inbox"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=RecipientKind.choices)
    delivered_at = models.DateTimeField(_("送达时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(_("采取的措施"), blank=True)
    action_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    action_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    escalated_at = models.DateTimeField(_("已督办"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警接收")
        verbose_name_plural = _("预警接收")
        ordering = ["-delivered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["notice", "organisation"], name="one_receipt_per_organisation")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.organisation_id}"

    @property
    def answered(self) -> bool:
        return self.action_at is not None


class ReassessmentStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已接受，重新研判")
    DECLINED = "declined", _("不予重新研判")


class ReassessmentRequest(Scoped, TimeStamped):
    """Art.20: an agency that received a circular answers "the risk has changed", with its evidence; the issuing
    office accepts it (the warning's assessment is re-assessed) or declines it, with a reason either way."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="reassessment_requests")
    notice = models.ForeignKey(
        WarningNotice, verbose_name=_("预警"), on_delete=models.PROTECT, related_name="reassessment_requests"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提出机构"), on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("发布机构"), on_delete=models.PROTECT, related_name="+"
    )
    change = models.TextField(_("风险变化情况"))
    evidence = models.TextField(_("依据（检测、伤害、通报等）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReassessmentStatus.choices, default=ReassessmentStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("处理理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    assessment = models.ForeignKey(
        "assessment.Assessment",
        verbose_name=_("重新研判"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_organisation_field = "issuer"

    class Meta:
        verbose_name = _("重新研判请求")
        verbose_name_plural = _("重新研判请求")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notice_id} ← {self.organisation_id}: {self.status}"
