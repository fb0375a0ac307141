from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/new/", views.assessment_create, name="create"),
    path("assessments/registry/", views.registry_page, name="registry"),
    path("assessments/registry/bodies/<int:pk>/", views.body_page, name="body"),
    path("laboratories/accepted/", views.accepted_registry, name="accepted"),
    path("assessments/training/", views.training_list, name="training"),
    path("assessments/training/<int:pk>/", views.course_detail, name="course"),
    path("assessments/appraisals/", views.appraisal_list, name="appraisals"),
    path("assessments/appraisals/<int:pk>/decide/", views.appraisal_decide, name="appraisal_decide"),
    path("assessments/<int:pk>/", views.assessment_detail, name="detail"),
    path("assessments/<int:pk>/report.pdf", views.assessment_pdf, name="pdf"),
    path("assessments/<int:pk>/lab/<int:task_id>/report/", views.lab_report, name="lab_report"),
    path("assessments/<int:pk>/findings/<int:finding_id>/file/", views.finding_file, name="finding_file"),
    path("assessments/<int:pk>/<slug:action>/", views.assessment_act, name="act"),
]
