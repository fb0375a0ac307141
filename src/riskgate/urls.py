"""URL configuration: the UI by domain, the API under /api/v1, the admin for reference data."""

from django.urls import include, path
from django.views.i18n import set_language

from .accounts.admin import admin_site
from .api import api

urlpatterns = [
    # The API first: Django tries patterns in order, and the single window's requests (hundreds a second) would
    # otherwise be matched against every page's pattern first (0.2–0.35 ms a request, bench/screening/api_load.py).
    path("api/v1/", api.urls),
    path("", include("riskgate.core.urls")),
    path("", include("riskgate.accounts.urls")),
    path("", include("riskgate.intake.urls")),
    path("", include("riskgate.assessment.urls")),
    path("", include("riskgate.warnings.urls")),
    path("", include("riskgate.targeting.urls")),
    path("", include("riskgate.response.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
]
