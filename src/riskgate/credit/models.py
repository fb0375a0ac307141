"""An enterprise's credit grade with its history, and the credit events its record is made of."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created, Scoped


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
