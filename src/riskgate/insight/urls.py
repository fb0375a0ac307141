from django.urls import path

from . import views

app_name = "insight"

urlpatterns = [
    path("insight/", views.dashboard, name="dashboard"),
    path("insight/performance/", views.performance_page, name="performance"),
    path("insight/reports/", views.report_list, name="reports"),
    path("insight/reports/<int:pk>/publish/", views.report_publish, name="report_publish"),
    path("reports/", views.portal_reports, name="portal_reports"),
    path("reports/<int:pk>.<str:fmt>", views.report_file, name="report_file"),
    path("insight/<slug:key>.csv", views.chart_csv, name="csv"),
    path("insight/<slug:key>/records/", views.drill, name="drill"),
]
