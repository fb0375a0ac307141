from django.urls import path

from . import views

app_name = "tbt"
urlpatterns = [
    path("tbt/", views.notification_list, name="list"),
    path("tbt/new/", views.notification_create, name="create"),
    path("tbt/import/", views.notification_import, name="import"),
    path("tbt/<int:pk>/", views.notification_detail, name="detail"),
    path("tbt/<int:pk>/<slug:action>/", views.notification_act, name="act"),
    path("tbt/comments/<int:pk>/<slug:action>/", views.comment_act, name="comment_act"),
]
