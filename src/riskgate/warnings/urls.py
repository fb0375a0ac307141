from django.urls import path

from . import views

app_name = "warnings"
urlpatterns = [
    path("warnings/", views.portal, name="portal"),
    path("warnings/feed.atom", views.atom_feed, name="atom"),
    path("warnings/cap.atom", views.cap_feed, name="cap_feed"),
    path("warnings/<int:lineage>/", views.public_detail, name="public_detail"),
    path("warnings/<int:lineage>/v<int:version>/", views.public_detail, name="public_version"),
    path("warnings/<int:lineage>/v<int:version>/cap.xml", views.cap_message, name="cap"),
]
