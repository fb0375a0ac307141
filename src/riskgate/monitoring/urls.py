from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("monitoring/signals/", views.signal_list, name="signals"),
    path("monitoring/signals/<int:pk>/", views.signal_detail, name="signal"),
    path("monitoring/signals/<int:pk>/<slug:action>/", views.signal_act, name="signal_act"),
]
