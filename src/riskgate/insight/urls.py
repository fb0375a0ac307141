from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/<slug:key>.csv", views.chart_csv, name="csv"),
    path("insight/<slug:key>/records/", views.drill, name="drill"),
]
