from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "riskgate.accounts"
    label = "accounts"
    verbose_name = _("组织机构与用户")
