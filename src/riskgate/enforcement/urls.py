from django.urls import path

from . import views

app_name = "enforcement"

urlpatterns = [
    path("enforcement/transfers/", views.transfer_list, name="transfers"),
    path("enforcement/transfers/new/", views.transfer_new, name="transfer_new"),
    path("enforcement/transfers/<int:pk>/", views.transfer_detail, name="transfer"),
    path("enforcement/transfers/<int:pk>/<slug:action>/", views.transfer_act, name="transfer_act"),
    path("enforcement/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("enforcement/interviews/", views.interview_list, name="interviews"),
    path("enforcement/interviews/new/", views.interview_new, name="interview_new"),
    path("enforcement/interviews/<int:pk>/", views.interview_detail, name="interview"),
    path("enforcement/interviews/<int:pk>/<slug:action>/", views.interview_act, name="interview_act"),
    path("enforcement/supervision/", views.supervision_list, name="supervision"),
    path("enforcement/supervision/new/", views.supervision_new, name="supervision_new"),
    path("enforcement/supervision/<int:pk>/", views.supervised_detail, name="supervised"),
    path("enforcement/supervision/<int:pk>/<slug:action>/", views.supervised_act, name="supervised_act"),
    path("enforcement/penalties/", views.penalty_list, name="penalties"),
    path("enforcement/penalties/new/", views.penalty_new, name="penalty_new"),
    path("enforcement/penalties/<int:pk>/", views.penalty_detail, name="penalty"),
    path("enforcement/penalties/<int:pk>/<slug:action>/", views.penalty_act, name="penalty_act"),
    path("enforcement/campaigns/", views.campaign_list, name="campaigns"),
    path("enforcement/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("enforcement/campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("enforcement/campaigns/<int:pk>/<slug:action>/", views.campaign_act, name="campaign_act"),
    path("enforcement/benchmarks/", views.benchmark_list, name="benchmarks"),
    path("enforcement/benchmarks/new/", views.benchmark_new, name="benchmark_new"),
    path("enforcement/benchmarks/<int:pk>/", views.benchmark_detail, name="benchmark"),
    path("enforcement/benchmarks/<int:pk>/<slug:action>/", views.benchmark_act, name="benchmark_act"),
    path("enforcement/publicity/new/", views.publicity_new, name="publicity_new"),
    path("penalties/", views.portal_penalties, name="portal_penalties"),
    path("quality/", views.portal_quality, name="portal_quality"),
]
