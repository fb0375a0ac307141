"""The public shape of a warning version, shared by the public API and the webhook deliveries."""

import datetime as dt

from ninja import Field, Schema

from riskgate.core.vocabulary import LEVEL_COLOURS, WarningLevel


class PublicWarningOut(Schema):
    """What the public may read of a warning version; nothing internal (drafters, approvers, the assessment,
    reasons for an emergency issue) is ever part of it."""

    id: int = Field(..., alias="lineage_id", description="the warning's number (its first version's id)")
    reference: str
    version: int
    change: str = Field(..., description="new, adjusted, confirmed (an emergency warning confirmed) or lifted")
    status: str = Field(..., description="published, superseded or lifted")
    level: str
    colour: str
    kinds: list[str]
    title: str
    title_en: str
    summary: str
    summary_en: str
    items: str
    measures: str
    audience: str
    change_reason: str
    hazard_type: str
    product_category: str
    hs_codes: list[str]
    brands: list[str]
    product_models: list[str]
    batches: list[str]
    gtins: list[str]
    origin_countries: list[str]
    regions: list[str]
    issuer: str = Field(..., alias="organisation.name")
    published_at: dt.datetime
    starts_at: dt.datetime | None
    valid_until: dt.datetime | None
    cap_url: str
    pending_confirmation: bool = Field(
        ..., description="issued in an emergency before its risk assessment, not yet confirmed (Art.18–19)"
    )

    @staticmethod
    def resolve_colour(notice):
        return LEVEL_COLOURS[WarningLevel(notice.level)]

    @staticmethod
    def resolve_cap_url(notice):
        return f"/warnings/{notice.lineage_id}/v{notice.version}/cap.xml"
