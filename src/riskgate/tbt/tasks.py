from celery import shared_task


@shared_task(name="riskgate.tbt.tasks.notify_alert", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_alert(alert_id: int) -> bool:
    """Tell the exporter's users of a notification that concerns them (once per alert)."""
    from django.utils.translation import gettext as _

    from riskgate.core.notifications import in_both, notify_organisation
    from riskgate.core.permissions import Permission

    from .models import Alert

    alert = Alert.objects.select_related("notification", "enterprise").filter(pk=alert_id).first()
    if alert is None:
        return False
    notification = alert.notification
    return notify_organisation(
        organisation=alert.enterprise,
        permission=Permission.TBT_NOTIFICATION_VIEW,
        kind="tbt.alert",
        title=in_both(
            lambda: _("技术性贸易措施通报 %(symbol)s 涉及贵企业出口的产品") % {"symbol": notification.symbol}
        ),
        link=notification.get_absolute_url(),
        object_key=f"tbt.alert:{alert.pk}",
        about=alert,
    )
