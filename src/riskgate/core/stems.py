"""A data migration's step: the Snowball stems of English words added to a table's stored search tokens
(core.search.with_stems), for rows stored before stems were. Idempotent: a row whose tokens already hold their
stems is written unchanged."""

from riskgate.core.search import with_stems

BATCH = 2000


def add_stems(app_label: str, model_name: str):
    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        changed = []
        for pk, stored in model.objects.order_by("pk").values_list("pk", "search_tokens").iterator(chunk_size=BATCH):
            text = " ".join(with_stems((stored or "").split()))
            if text != (stored or ""):
                changed.append(model(pk=pk, search_tokens=text))
            if len(changed) >= BATCH:
                model.objects.bulk_update(changed, ["search_tokens"])
                changed = []
        if changed:
            model.objects.bulk_update(changed, ["search_tokens"])

    return forwards
