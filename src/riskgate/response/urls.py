from django.urls import path

from . import views

app_name = "response"
urlpatterns = [
    path("measures/", views.measure_list, name="list"),
    path("measures/new/", views.measure_create, name="create"),
    path("measures/<int:pk>/", views.measure_detail, name="detail"),
    path("measures/<int:pk>/evidence/<int:note_id>/", views.evidence_download, name="evidence"),
    path("measures/<int:pk>/<slug:action>/", views.measure_act, name="act"),
]
