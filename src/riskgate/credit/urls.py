from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("credit/", views.enterprise_list, name="list"),
    path("credit/enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("credit/enterprises/<int:pk>/<slug:action>/", views.enterprise_act, name="enterprise_act"),
    path("credit/lists/", views.list_page, name="lists"),
    path("credit/lists/propose/", views.propose_entry, name="propose_entry"),
    path("credit/lists/<int:pk>/", views.entry_detail, name="entry"),
    path("credit/lists/<int:pk>/repair/", views.apply_repair, name="apply_repair"),
    path("credit/lists/<int:pk>/<slug:action>/", views.entry_act, name="entry_act"),
    path("credit/repairs/<int:pk>/evidence/", views.repair_evidence, name="repair_evidence"),
    path("credit-lists/", views.portal_lists, name="portal_lists"),
]
