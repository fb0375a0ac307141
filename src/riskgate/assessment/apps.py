from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "riskgate.assessment"
    verbose_name = _("风险研判")
