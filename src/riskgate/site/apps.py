from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The composition of the apps (home, navigation, URLs, API, demo); it holds no data."""

    name = "riskgate.site"
    label = "site"
    verbose_name = _("站点")
