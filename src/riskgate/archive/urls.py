from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("archive/", views.record_list, name="records"),
    path("archive/<int:pk>/", views.record_detail, name="record"),
    path("archive/<int:pk>/package/", views.record_package, name="package"),
    path("archive/<int:pk>/<slug:action>/", views.record_act, name="record_act"),
    path("archive/reviews/", views.review_list, name="reviews"),
    path("archive/reviews/<int:pk>/", views.review_detail, name="review"),
    path("archive/reviews/<int:pk>/<slug:action>/", views.review_act, name="review_act"),
]
