"""Rapid-response measures (快速反应措施, Reg. Art.22, 24): a catalogue of measure kinds as data, and measure orders
linked to a warning or an assessment — target, lead and cooperating units, deadline, optional set period,
progress notes, quantities with units, and the control rules that act at the border."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.scoping import ScopedQuerySet


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


class MeasureOrder(models.Model):
    """One measure ordered by an authority (`RMnnnnnnnn`), executed by a lead unit with cooperating units."""

    kind = models.ForeignKey(MeasureKind, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="orders")
    warning = models.ForeignKey("riskwarnings.WarningNotice", verbose_name=_("依据预警"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="measure_orders")  # fmt: skip
    assessment = models.ForeignKey("assessment.Assessment", verbose_name=_("依据研判"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="measure_orders")  # fmt: skip
    target_kind = models.CharField(_("对象类型"), max_length=12, choices=TargetKind.choices)
    target_enterprise = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("涉事企业"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="measures_against",
    )  # fmt: skip
    target = models.CharField(_("对象说明"), max_length=500, help_text=_("产品名称、型号、批次、报关单号等"))
    hs_codes = models.JSONField(_("HS 编码"), default=list, blank=True)
    instructions = models.TextField(_("措施要求"))
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("决定机构"), on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    lead_unit = models.ForeignKey("accounts.Organisation", verbose_name=_("牵头单位"), on_delete=models.PROTECT,
                                  related_name="measures_led")  # fmt: skip
    cooperating_units = models.ManyToManyField("accounts.Organisation", verbose_name=_("配合单位"), blank=True,
                                               related_name="measures_cooperating")  # fmt: skip
    deadline = models.DateTimeField(_("完成时限"))
    period_ends_at = models.DateTimeField(_("实施期至"), null=True, blank=True,
                                          help_text=_("有规定实施期的，期满后自动解除"))  # fmt: skip
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ORDERED, db_index=True)
    control_rules = models.ManyToManyField("targeting.ControlRule", verbose_name=_("布控规则"), blank=True,
                                           related_name="measures")  # fmt: skip
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    ordered_at = models.DateTimeField(_("下达时间"), auto_now_add=True)
    lift_mode = models.CharField(_("解除方式"), max_length=12, choices=LiftMode.choices, blank=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("解除人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")  # fmt: skip
    lift_reason = models.TextField(_("解除理由"), blank=True)
    lift_evaluation = models.TextField(_("风险消除或降低的确认意见"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organisation_field = "organisation"

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
    def reference(self) -> str:
        return f"RM{self.pk:08d}" if self.pk else "RM—"

    @property
    def is_open(self) -> bool:
        return self.status != Status.LIFTED


class ProgressNote(models.Model):
    """What an executing unit reports of the measure's implementation (Art.26)."""

    order = models.ForeignKey(MeasureOrder, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("报告单位"), on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
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
    unit = models.CharField(_("单位"), max_length=20)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("登记单位"), on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处置数量")
        verbose_name_plural = _("处置数量")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.unit}"
