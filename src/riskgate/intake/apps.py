from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "riskgate.intake"
    label = "intake"
    verbose_name = _("风险信息采集")

    def ready(self) -> None:
        from . import exports  # noqa: F401 - registers the list's export (core.exports)
