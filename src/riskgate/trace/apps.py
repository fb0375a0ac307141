from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "riskgate.trace"
    label = "trace"
    verbose_name = _("产品追溯")
