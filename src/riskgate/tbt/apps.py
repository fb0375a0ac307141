from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TbtConfig(AppConfig):
    name = "riskgate.tbt"
    label = "tbt"
    verbose_name = _("技术性贸易措施")
