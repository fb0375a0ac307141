"""The audit chain becomes keyed (HMAC-SHA256 with settings.AUDIT_CHAIN_KEY): the events stored so far are
re-linked once, in order, with the key. The unkeyed chain is verified first; a broken one stops the migration,
so no tampering is laundered into a keyed chain."""

import hashlib

from django.db import migrations


def rekey(apps, schema_editor):
    from riskgate.core.audit import GENESIS_HASH, compute_hash, json_text, payload

    from django.db import connection as default

    connection = schema_editor.connection if schema_editor is not None else default
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditHead = apps.get_model("core", "AuditHead")

    def unkeyed(event):
        return hashlib.sha256(json_text(payload(event)).encode("utf-8")).hexdigest()

    previous_old, previous_new = GENESIS_HASH, GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.prev_hash != previous_old or unkeyed(event) != event.hash:
            raise RuntimeError(f"audit chain broken at seq {event.seq}: verify it before keying (verify_audit)")
        previous_old = event.hash
        event.prev_hash = previous_new
        event.hash = compute_hash(event)
        with connection.cursor() as cursor:  # the trail is append-only through the ORM: one sanctioned rewrite
            cursor.execute(
                f"UPDATE {AuditEvent._meta.db_table} SET prev_hash = %s, hash = %s WHERE id = %s",
                [event.prev_hash, event.hash, event.pk],
            )
        previous_new = event.hash
    AuditHead.objects.filter(pk=1).update(hash=previous_new)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notification_audience")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
