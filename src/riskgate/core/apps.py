from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "riskgate.core"
    label = "core"
    verbose_name = _("Core 基础")

    def ready(self) -> None:
        # The Celery application, so that every @shared_task binds to it (riskgate/__init__.py loads it lazily).
        # Every text field of every form refuses control characters other than tab and line breaks (core.text),
        # with the field's own error: the one boundary check for forms, as the API's parser is for JSON.
        from django import forms

        from riskgate.celery import app  # noqa: F401

        from . import audit_exports  # noqa: F401 - registers the audit trail's export (core.exports)
        from .text import validate_text

        forms.CharField.default_validators = [*forms.CharField.default_validators, validate_text]
