"""URL configuration: the API under /api/v1, the home page, each room's pages, the admin for reference data."""

from django.urls import include, path
from django.views.i18n import set_language

from riskgate.core.admin import admin_site

from . import rooms, views
from .api import api

urlpatterns = [
    # The API first: Django tries patterns in order, and the single window's requests (hundreds a second) would
    # otherwise be matched against every page's pattern first (0.2–0.35 ms a request, bench/screening/api_load.py).
    path("api/v1/", api.urls),
    path(
        "",
        include(
            (
                [
                    path("", views.home, name="home"),
                    path("chain/<slug:kind>/<int:pk>/", views.chain, name="chain"),
                ],
                "site",
            )
        ),
    ),
    *(path("", include(room.urls)) for room in rooms.ROOMS if room.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
]
