from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "riskgate.core"
    label = "core"
    verbose_name = _("Core 基础")

    def ready(self) -> None:
        # The Celery application, so that every @shared_task binds to it (riskgate/__init__.py loads it lazily).
        from riskgate.celery import app  # noqa: F401
