"""The screening API for the single window: one declaration (all its items) or a batch, answered per item with
the matched rule versions and the action (docs/screening-format.md). Callers hold targeting:declaration:screen."""

from ninja import Field, Router, Schema

from . import screening

router = Router(tags=["port control"])

ITEMS = "declaration items in the exchange format (docs/screening-format.md); checked strictly, never coerced"


class DeclarationIn(Schema):
    items: list[dict] = Field(..., min_length=1, max_length=screening.MAX_DECLARATION_ITEMS, description=ITEMS)


class BatchIn(Schema):
    items: list[dict] = Field(..., min_length=1, max_length=screening.MAX_BATCH_ITEMS, description=ITEMS)


class ResultOut(Schema):
    declaration_id: str
    item_no: int
    matched_rules: list[str | int] = Field(..., description="references of the matched rule versions, sorted")
    action: str = Field(..., description="reject, hold, inspect, sample, document_check or release")


class ScreeningOut(Schema):
    rule_set_version: int = Field(..., description="the version of the active rules that decided")
    results: list[ResultOut]


@router.post("/screening/declarations", response=ScreeningOut, summary="Screen one declaration")
def screen_declaration(request, payload: DeclarationIn):
    results, version = screening.screen(request.auth, payload.items, one_declaration=True)
    return {"rule_set_version": version, "results": results}


@router.post("/screening/batches", response=ScreeningOut, summary="Screen many declarations' items")
def screen_batch(request, payload: BatchIn):
    results, version = screening.screen(request.auth, payload.items, one_declaration=False)
    return {"rule_set_version": version, "results": results}
