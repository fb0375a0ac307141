from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("intake/", views.information_list, name="list"),
    path("intake/new/", views.information_create, name="create"),
    path("intake/<int:pk>/", views.information_detail, name="detail"),
    path("intake/<int:pk>/transition/", views.information_transition, name="transition"),
    path("intake/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("intake/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("intake/<int:pk>/unlink/", views.information_unlink, name="unlink"),
    path("intake/<int:pk>/translation/", views.information_translate, name="translate"),
    path("intake/<int:pk>/reward/<slug:action>/", views.reward_act, name="reward_act"),
    path("intake/links/", views.link_list, name="links"),
    path("intake/links/bulk/", views.link_bulk, name="link_bulk"),
    path("intake/links/<int:pk>/confirm/", views.link_decide, {"decision": "confirm"}, name="link_confirm"),
    path("intake/links/<int:pk>/dismiss/", views.link_decide, {"decision": "dismiss"}, name="link_dismiss"),
    path("intake/cases/", views.case_list, name="cases"),
    path("intake/cases/<int:pk>/", views.case_detail, name="case"),
    path("intake/cases/<int:pk>/add/", views.case_add, name="case_add"),
    path("intake/imports/", views.import_list, name="imports"),
    path("intake/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("intake/imports/<int:pk>/rejections.csv", views.import_rejections, name="import_rejections"),
    path("report/", views.public_report, name="public_report"),
    path("report/status/", views.receipt_status, name="receipt_status"),
    path("enterprise/reports/", views.enterprise_reports, name="enterprise_reports"),
    path("enterprise/reports/new/", views.enterprise_report_create, name="enterprise_report_create"),
]
