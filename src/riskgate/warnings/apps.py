from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "riskgate.warnings"
    label = "riskwarnings"  # "warnings" would shadow nothing in Python, but reads as the standard library's module
    verbose_name = _("风险预警")
