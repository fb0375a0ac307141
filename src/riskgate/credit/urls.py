from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("credit/", views.enterprise_list, name="list"),
    path("credit/enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("credit/enterprises/<int:pk>/<slug:action>/", views.enterprise_act, name="enterprise_act"),
]
