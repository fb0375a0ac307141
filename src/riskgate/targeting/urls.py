from django.urls import path

from . import views

app_name = "targeting"
urlpatterns = [
    path("targeting/rules/", views.rule_list, name="rules"),
    path("targeting/rules/new/", views.rule_create, name="rule_create"),
    path("targeting/rules/<int:pk>/", views.rule_detail, name="rule"),
    path("targeting/rules/<int:pk>/<slug:action>/", views.rule_act, name="rule_act"),
    path("targeting/tasks/", views.task_list, name="tasks"),
    path("targeting/tasks/<int:pk>/", views.task_detail, name="task"),
    path("targeting/supervision/", views.policy_page, name="policy"),
    path("targeting/catalogue/", views.catalogue_page, name="catalogue"),
]
