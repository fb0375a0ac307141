from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    """Rapid response (快速反应): measures, their execution and lifting (Reg. Art.22–26)."""

    name = "riskgate.response"
    label = "response"
    verbose_name = _("快速反应")
