from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    """Port control (口岸布控). The package's __init__ stays free of Django: its engine runs without it."""

    name = "riskgate.targeting"
    label = "targeting"
    verbose_name = _("口岸布控")
