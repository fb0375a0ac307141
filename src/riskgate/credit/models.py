"""An enterprise's credit grade with its history, and the credit events its record is made of."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created, Numbered, Scoped


class CreditGrade(models.TextChoices):
    """The customs credit grade of an enterprise (海关企业信用等级); it drives differential supervision
    (targeting: the supervision policy gives each grade its inspection factor)."""

    ADVANCED = "advanced", _("高级认证企业")
    REGULAR = "regular", _("一般信用企业")
    DISHONEST = "dishonest", _("失信企业")


# Grades from the lowest to the highest: a ceiling or a comparison reads this order.
GRADE_ORDER = [CreditGrade.DISHONEST, CreditGrade.REGULAR, CreditGrade.ADVANCED]


class EventType(models.Model):
    """A kind of credit event and its effect on the grade (data: docs/decisions/0020-credit-grade.md). `points`
    move the internal score (favourable > 0, unfavourable < 0) and fade with `half_life_days` (never, when
    empty); after `lasts_days` the event no longer counts at all. `ceiling` caps the grade while the event counts
    (a serious violation keeps an enterprise dishonest whatever else it did); `certifies` marks the customs
    certification the advanced grade needs; `cap` bounds what the events of the type move together."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100)
    points = models.SmallIntegerField(_("分值"))
    half_life_days = models.PositiveIntegerField(_("半衰期（天）"), null=True, blank=True)
    lasts_days = models.PositiveIntegerField(_("有效期（天）"), null=True, blank=True)
    ceiling = models.CharField(_("等级上限"), max_length=12, choices=CreditGrade.choices, blank=True)
    certifies = models.BooleanField(_("属海关认证"), default=False)
    cap = models.PositiveSmallIntegerField(
        _("累计上限"), null=True, blank=True, help_text=_("同类事件合计最多计入的分值（绝对值）；留空不设上限。")
    )
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("信用事件类型")
        verbose_name_plural = _("信用事件类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def favourable(self) -> bool:
        return self.points > 0

    def clean(self) -> None:
        # What keeps the model monotone: an event either helps (points > 0, no ceiling) or hurts (points <= 0,
        # never certifies); an unfavourable event can then never raise a grade.
        if self.points > 0 and self.ceiling:
            raise ValidationError({"ceiling": _("加分事件不能设置等级上限。")})
        if self.certifies and self.points <= 0:
            raise ValidationError({"certifies": _("认证事件须为加分事件。")})
        if self.half_life_days == 0:
            raise ValidationError({"half_life_days": _("半衰期须大于零（留空表示不衰减）。")})


class CreditRecord(Scoped):
    """An enterprise's current credit grade (an enterprise without a record has the regular grade): the grade
    computed from its events (`computed_grade`, `score`), unless an approved override is in force. Written only
    by the credit services, which keep the history."""

    scope_organisation_field = "enterprise"

    enterprise = models.OneToOneField(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="credit_record"
    )
    grade = models.CharField(_("信用等级"), max_length=12, choices=CreditGrade.choices, default=CreditGrade.REGULAR)
    graded_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    score = models.FloatField(_("内部评分"), null=True, blank=True)
    computed_grade = models.CharField(
        _("计算等级"), max_length=12, choices=CreditGrade.choices, default=CreditGrade.REGULAR
    )
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    override = models.ForeignKey(
        "GradeOverride", verbose_name=_("人工调整"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("信用档案")
        verbose_name_plural = _("信用档案")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_grade_display()}"


class GradeChange(Scoped, Created):
    """One change of an enterprise's grade, with who changed it and why (the grade's history)."""

    scope_organisation_field = "enterprise"

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="grade_changes"
    )
    before = models.CharField(_("原等级"), max_length=12, choices=CreditGrade.choices)
    after = models.CharField(_("新等级"), max_length=12, choices=CreditGrade.choices)
    reason = models.TextField(_("理由"))
    score = models.FloatField(_("内部评分"), null=True, blank=True)
    override = models.ForeignKey(
        "GradeOverride", verbose_name=_("人工调整"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


class OverrideStatus(models.TextChoices):
    PROPOSED = "proposed", _("待复核")
    IN_FORCE = "in_force", _("生效中")
    REJECTED = "rejected", _("未通过复核")
    ENDED = "ended", _("已结束")


class GradeOverride(Scoped, Created):
    """A grade set by hand instead of the computed one: proposed with a reason by one officer, in force only once
    a second officer approves it, ended by an officer or at `until`."""

    scope_organisation_field = "enterprise"

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="grade_overrides"
    )
    grade = models.CharField(_("调整为"), max_length=12, choices=CreditGrade.choices)
    reason = models.TextField(_("理由"))
    until = models.DateField(_("有效至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=OverrideStatus.choices, default=OverrideStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    decision_note = models.TextField(_("复核意见"), blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用等级人工调整")
        verbose_name_plural = _("信用等级人工调整")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.enterprise} → {self.get_grade_display()}"


class CreditEvent(Scoped):
    """A fact for the enterprise's quality-credit record (R-CRD-1), with its source; grades are computed from
    these. `kind` is an EventType's code. One per (enterprise, kind, source): a job that runs twice records nothing
    more."""

    scope_organisation_field = "enterprise"

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="credit_events"
    )
    kind = models.CharField(_("类别"), max_length=40)
    source = models.CharField(_("来源"), max_length=60)  # e.g. "obligation:OB00000012"
    detail = models.TextField(_("说明"), blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True, default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("质量信用事件")
        verbose_name_plural = _("质量信用事件")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "source"], name="one_credit_event_per_source")
        ]
        indexes = [models.Index(fields=["enterprise", "occurred_at"], name="credit_event_enterprise")]

    def __str__(self) -> str:
        return f"{self.kind} {self.source}"


class ListKind(models.TextChoices):
    """The two credit lists (plans §三 12): the red list of exemplary enterprises (诚信典型) and the black list of
    seriously dishonest ones (严重失信 / 质量安全违法黑名单)."""

    RED = "red", _("红名单（诚信典型）")
    BLACK = "black", _("黑名单（严重失信）")


class ListCriterion(models.Model):
    """An entry criterion of a list, as data: an enterprise meets it when it has at least `min_count` events of
    `event_kinds` within the last `within_days` days (when kinds are given), the `grade` (when given), and no
    unfavourable event within `clean_days` (when given). An entry made under it stays listed `duration_days`."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    kind = models.CharField(_("名单"), max_length=8, choices=ListKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200)
    event_kinds = models.JSONField(_("信用事件类型"), default=list, blank=True)
    min_count = models.PositiveSmallIntegerField(_("至少次数"), default=1)
    within_days = models.PositiveIntegerField(_("统计期（天）"), default=365)
    grade = models.CharField(_("须为信用等级"), max_length=12, choices=CreditGrade.choices, blank=True)
    clean_days = models.PositiveIntegerField(_("无不利事件期（天）"), null=True, blank=True)
    duration_days = models.PositiveIntegerField(_("公布期限（天）"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("名单认定标准")
        verbose_name_plural = _("名单认定标准")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.event_kinds and not self.grade:
            raise ValidationError(_("标准须包含信用事件类型或信用等级。"))
        unknown = set(self.event_kinds) - set(EventType.objects.values_list("code", flat=True))
        if unknown:
            raise ValidationError({"event_kinds": _("未知的信用事件类型：%s") % "、".join(sorted(unknown))})


class EntryStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    PUBLISHED = "published", _("已公布")
    REJECTED = "rejected", _("未通过审核")
    REMOVED = "removed", _("已移出")


class RemovalKind(models.TextChoices):
    EXPIRED = "expired", _("公布期满")
    REPAIRED = "repaired", _("信用修复")
    REVOKED = "revoked", _("撤销")


OPEN_ENTRY = [EntryStatus.PROPOSED, EntryStatus.PUBLISHED]


class ListEntry(Numbered, Scoped, Created):
    """An enterprise on a list: proposed by one officer under a criterion it meets (the facts that met it kept),
    published on the portal once a second officer approves, removed at expiry, after credit repair, or revoked."""

    REFERENCE_PREFIX = "CL"
    scope_organisation_field = "enterprise"

    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="list_entries"
    )
    kind = models.CharField(_("名单"), max_length=8, choices=ListKind.choices)
    criterion = models.ForeignKey(ListCriterion, verbose_name=_("认定标准"), on_delete=models.PROTECT)
    facts = models.JSONField(_("认定依据"), default=list, blank=True)  # the events that met the criterion
    reason = models.TextField(_("认定理由"))
    public_summary = models.TextField(_("公布内容"))
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    expires_on = models.DateField(_("公布截止"), null=True, blank=True)
    removed_at = models.DateTimeField(_("移出时间"), null=True, blank=True)
    removal_kind = models.CharField(_("移出原因"), max_length=10, choices=RemovalKind.choices, blank=True)
    removal_reason = models.TextField(_("移出说明"), blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("名单记录")
        verbose_name_plural = _("名单记录")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "kind"],
                condition=models.Q(status__in=["proposed", "published"]),
                name="credit_one_open_entry_per_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.enterprise}"


class RepairStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已修复")
    REJECTED = "rejected", _("未通过")


class RepairApplication(Numbered, Scoped, Created):
    """Credit repair (信用修复): the enterprise on the black list applies, with evidence that it has corrected what
    put it there; an officer decides. Approved, the entry leaves the list; every application stays."""

    REFERENCE_PREFIX = "RP"
    scope_organisation_field = "enterprise"

    entry = models.ForeignKey(ListEntry, verbose_name=_("名单记录"), on_delete=models.PROTECT, related_name="repairs")
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    statement = models.TextField(_("整改情况"))
    evidence = models.FileField(_("证明材料"), upload_to="credit/repair/%Y/%m/")
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RepairStatus.choices, default=RepairStatus.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-id"]


class ShareKind(models.TextChoices):
    GRADE = "grade", _("信用等级变更")
    LIST = "list", _("名单变更")


class ShareLog(models.Model):
    """What partner platforms receive, in order (the id is the cursor they pull after): every change of a grade in
    force and every publication or removal of a list entry, with what may be shared at that moment. Appended by
    the credit services in the same transaction as the change; never changed."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("类别"), max_length=8, choices=ShareKind.choices)
    enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    record = models.JSONField(_("共享内容"))

    class Meta:
        verbose_name = _("信用共享记录")
        verbose_name_plural = _("信用共享记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.kind}"


class ShareScope(models.Model):
    """What one partner agency pulls for joint punishment (the credit-sharing platforms, the tax authority):
    grade changes and/or the lists it names, while active and valid. Set by the system administrator."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("协作部门"),
        on_delete=models.CASCADE,
        related_name="credit_share_scope",
        limit_choices_to={"kind": "partner_agency"},
    )
    grades = models.BooleanField(_("共享信用等级变更"), default=True)
    lists = models.JSONField(_("共享的名单"), default=list, blank=True)  # ListKind values
    active = models.BooleanField(_("启用"), default=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("信用共享范围")
        verbose_name_plural = _("信用共享范围")

    def __str__(self) -> str:
        return str(self.organisation)

    def clean(self) -> None:
        if bad := set(self.lists) - set(ListKind.values):
            raise ValidationError({"lists": _("未知的名单：%s") % "、".join(sorted(bad))})
