"""Sending in-app notifications (and their e-mail copies) once per event, from the job queue."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import Notification


def notify_organisation(*, organisation, kind: str, title: str, link: str = "", object_key: str = "") -> bool:
    """Notify every user of an organisation; a second call for the same event does nothing. True if sent."""

    try:
        with transaction.atomic():
            Notification.objects.create(
                organisation=organisation, kind=kind, title=title, link=link, object_key=object_key
            )
    except IntegrityError:
        return False
    recipients = list(
        get_user_model()
        .objects.filter(organisation=organisation, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        base = getattr(settings, "RISKGATE_BASE_URL", "")
        send_mail(f"[RiskGate] {title}", f"{title}\n\n{base}{link}", None, recipients, fail_silently=False)
    return True
