"""WSGI entry point (gunicorn riskgate.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskgate.settings")
application = get_wsgi_application()
