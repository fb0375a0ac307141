from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "riskgate.archive"
    label = "archive"
    verbose_name = _("档案与备份")
