"""In-app notifications (and their e-mail copies), sent once per event from the job queue.

A notification goes to the holders of one permission in one organisation (the people who may act on it), and
names the object it is about; each user is shown, and e-mailed, only those whose object they may open
(`Model.objects.visible_to(user)`), so an expert never reads the title of an assessment they are not assigned to.
"""

from collections import defaultdict
from collections.abc import Callable, Sequence

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import translation

from .models import Notification
from .permissions import Permission


def in_both(make: Callable[[], str]) -> list[str]:
    """A notification's title in Chinese and in English (issue 26.3): `make` builds it with gettext, and is called
    once in each language. A list, so that it travels through the job queue as it is."""
    titles = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            titles.append(str(make())[:300])
    return titles


def notify_organisation(
    *,
    organisation,
    permission: Permission,
    kind: str,
    title: str | Sequence[str],
    link: str = "",
    object_key: str = "",
    about: Model | None = None,
) -> bool:
    """Notify the users of `organisation` who hold `permission` and may open `about`; a second call for the same
    event does nothing. True if sent. `title` is one text, or [Chinese, English] (`in_both`)."""
    title, title_en = (title, "") if isinstance(title, str) else (title[0], title[1])
    note = Notification(
        organisation=organisation,
        permission=str(permission),
        kind=kind,
        title=title,
        title_en=title_en,
        link=link,
        object_key=object_key,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    try:
        with transaction.atomic():
            note.save()
    except IntegrityError:
        return False
    users = (
        get_user_model()
        .objects.filter(organisation=organisation, is_active=True)
        .exclude(email="")
        .select_related("role", "organisation")
    )
    recipients = [user.email for user in users if user.has_permission(permission) and readable(user, [note])]
    if recipients:
        base = getattr(settings, "RISKGATE_BASE_URL", "")
        both = f"{title}\n{title_en}" if title_en and title_en != title else title
        send_mail(f"[RiskGate] {title}", f"{both}\n\n{base}{link}", None, recipients, fail_silently=False)
    return True


def readable(user, notes) -> list[Notification]:
    """The notifications among `notes` whose object the user may open (those naming none stand on their
    permission alone), in their order."""
    notes = list(notes)
    wanted: dict[str, set[str]] = defaultdict(set)
    for note in notes:
        if note.object_type:
            wanted[note.object_type].add(note.object_id)
    visible: dict[str, set[str]] = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        rows = model.objects.visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True)
        visible[label] = {str(pk) for pk in rows}
    return [n for n in notes if not n.object_type or n.object_id in visible.get(n.object_type, ())]


def for_user(user, limit: int) -> list[Notification]:
    """The user's latest notifications that they may open."""
    shown: list[Notification] = []
    candidates = Notification.objects.for_user(user)
    offset, page = 0, limit * 3
    while len(shown) < limit:
        batch = list(candidates[offset : offset + page])
        if not batch:
            break
        shown += readable(user, batch)
        offset += page
    return shown[:limit]
