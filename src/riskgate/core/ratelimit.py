"""Rate limits for public actions, counted in the database so every web worker shares them."""

import datetime as dt
import hashlib

from django.conf import settings
from django.utils import timezone

from .models import RateEvent


def _key(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def hit(bucket: str, value: str | None, *, limit: int, window_seconds: int) -> bool:
    """Count one request; False when the limit for this value within the window is already used up."""
    key = _key(value or "unknown")
    now = timezone.now()
    recent = RateEvent.objects.filter(
        bucket=bucket, key=key, at__gte=now - dt.timedelta(seconds=window_seconds)
    ).count()
    if recent >= limit:
        return False
    RateEvent.objects.create(bucket=bucket, key=key, at=now)
    return True


def purge(older_than_seconds: int = 24 * 60 * 60) -> int:
    deleted, _ = RateEvent.objects.filter(at__lt=timezone.now() - dt.timedelta(seconds=older_than_seconds)).delete()
    return deleted
