from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("enforcement/transfers/", views.transfer_list, name="transfers"),
    path("enforcement/transfers/new/", views.transfer_new, name="transfer_new"),
    path("enforcement/transfers/<int:pk>/", views.transfer_detail, name="transfer"),
    path("enforcement/transfers/<int:pk>/<slug:action>/", views.transfer_act, name="transfer_act"),
    path("enforcement/evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
