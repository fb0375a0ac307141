"""Traceability (R-USE-5): GS1 EPCIS 2.0 events captured by the enterprises that produce, move, inspect, sell and
service a product, kept as received, with an index of the trade items they name (GTIN + lot or serial) so a
product's or batch's life-cycle chain is one indexed read (decision 0027)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from riskgate.core.models import Created, Numbered, Scoped


class Stage(models.TextChoices):
    """The life-cycle stage an event belongs to, read from its CBV business step."""

    PRODUCTION = "production", _("生产")
    INSPECTION = "inspection", _("检验")
    LOGISTICS = "logistics", _("物流")
    DECLARATION = "declaration", _("进出口申报")
    SALE = "sale", _("销售")
    USE = "use", _("使用")
    MAINTENANCE = "maintenance", _("维修")
    OTHER = "other", _("其他")


STAGE_OF_STEP = {
    **dict.fromkeys(
        ["commissioning", "creating_class_instance", "assembling", "encoding", "packing", "repackaging"],
        Stage.PRODUCTION,
    ),
    **dict.fromkeys(["inspecting", "sampling", "accepting"], Stage.INSPECTION),
    **dict.fromkeys(
        [
            "shipping", "departing", "arriving", "receiving", "loading", "unloading", "transporting", "storing",
            "stocking", "picking", "staging_outbound", "unpacking", "cycle_counting", "stock_taking", "consigning",
            "holding", "reserving", "void_shipping", "collecting", "sensor_reporting",
        ],
        Stage.LOGISTICS,
    ),
    "entering_exiting": Stage.DECLARATION,
    **dict.fromkeys(["retail_selling", "dispensing"], Stage.SALE),
    **dict.fromkeys(["installing", "decommissioning", "destroying", "killing"], Stage.USE),
    **dict.fromkeys(["repairing", "replacing", "removing", "disassembling"], Stage.MAINTENANCE),
}  # fmt: skip


class Role(models.TextChoices):
    """The part an identifier plays in an event."""

    EPC = "epc", _("对象")
    PARENT = "parent", _("上级包装")
    CHILD = "child", _("内装物")
    INPUT = "input", _("投入")
    OUTPUT = "output", _("产出")


class Capture(Numbered, Created, Scoped):
    """One captured EPCIS document (or single event), stored whole or not at all."""

    REFERENCE_PREFIX = "TC"

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报送企业"), on_delete=models.PROTECT, related_name="+"
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    token = models.ForeignKey(
        "accounts.ApiToken", verbose_name=_("接口令牌"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    document_id = models.CharField(_("文档标识"), max_length=300, blank=True)
    events = models.PositiveIntegerField(_("事件数"))
    skipped = models.PositiveIntegerField(_("重复提交的事件数"), default=0)
    digest = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("追溯数据报送")
        verbose_name_plural = _("追溯数据报送")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class TraceEvent(Scoped):
    """One EPCIS event as received (`body`), with the fields queries filter on read out of it."""

    capture = models.ForeignKey(Capture, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("报送企业"), on_delete=models.PROTECT, related_name="+"
    )
    event_id = models.CharField(_("事件标识"), max_length=300, unique=True)
    event_type = models.CharField(_("事件类型"), max_length=24)
    action = models.CharField(_("动作"), max_length=8, blank=True)
    event_time = models.DateTimeField(_("发生时间"), db_index=True)
    time_zone_offset = models.CharField(_("时区"), max_length=6, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    biz_step = models.CharField(_("业务步骤"), max_length=200, blank=True)
    disposition = models.CharField(_("状态"), max_length=200, blank=True)
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices, default=Stage.OTHER)
    read_point = models.CharField(_("读取点"), max_length=400, blank=True)
    biz_location = models.CharField(_("业务地点"), max_length=400, blank=True)
    # The customs declarations (报关单号) the event's business transactions name (decision 0027), "|a|b|".
    declarations = models.CharField(_("报关单号"), max_length=1000, blank=True)
    body = models.JSONField(_("事件"))

    class Meta:
        verbose_name = _("追溯事件")
        verbose_name_plural = _("追溯事件")
        ordering = ["event_time", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_time:%Y-%m-%d %H:%M}"


class TraceIdentifier(models.Model):
    """An identifier an event names: the index a chain query reads (GTIN + lot or serial, or the EPC)."""

    event = models.ForeignKey(TraceEvent, on_delete=models.CASCADE, related_name="identifiers")
    role = models.CharField(_("角色"), max_length=8, choices=Role.choices)
    epc = models.CharField(_("标识"), max_length=400, db_index=True)
    gtin = models.CharField(_("商品条码"), max_length=14, blank=True)
    item = models.CharField(_("批号或序列号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("追溯标识")
        verbose_name_plural = _("追溯标识")
        indexes = [models.Index(fields=["gtin", "item"], name="trace_identifier_item")]

    def __str__(self) -> str:
        return self.epc
