from django.urls import path

from .views import plans, samples, signals, spotchecks

app_name = "monitoring"

urlpatterns = [
    path("monitoring/signals/", signals.signal_list, name="signals"),
    path("monitoring/signals/<int:pk>/", signals.signal_detail, name="signal"),
    path("monitoring/signals/<int:pk>/<slug:action>/", signals.signal_act, name="signal_act"),
    path("monitoring/plans/", plans.plan_list, name="plans"),
    path("monitoring/plans/new/", plans.plan_new, name="plan_new"),
    path("monitoring/plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("monitoring/plans/<int:pk>/adjust/", plans.plan_adjust, name="plan_adjust"),
    path("monitoring/plans/<int:pk>/<slug:action>/", plans.plan_act, name="plan_act"),
    path("monitoring/proposals/<int:assessment_pk>/", plans.propose, name="propose"),
    path("monitoring/points/", plans.point_list, name="points"),
    path("monitoring/samples/", samples.sample_list, name="samples"),
    path("monitoring/samples/new/", samples.sample_new, name="sample_new"),
    path("monitoring/samples/<int:pk>/", samples.sample_detail, name="sample"),
    path("monitoring/samples/<int:pk>/<slug:action>/", samples.sample_act, name="sample_act"),
    path("monitoring/spot-checks/", spotchecks.draw_list, name="draws"),
    path("monitoring/spot-checks/new/", spotchecks.draw_new, name="draw_new"),
    path("monitoring/spot-checks/mine/", spotchecks.my_checks, name="my_checks"),
    path("monitoring/spot-checks/others/", spotchecks.external_checks, name="external_checks"),
    path("monitoring/spot-checks/<int:pk>/", spotchecks.draw_detail, name="draw"),
    path("monitoring/spot-checks/<int:pk>/<slug:action>/", spotchecks.draw_act, name="draw_act"),
    path("monitoring/checks/<int:pk>/", spotchecks.check_record, name="check_record"),
    path("spot-checks/", spotchecks.portal_draws, name="portal_draws"),
    path("spot-checks/<int:pk>/", spotchecks.portal_draw, name="portal_draw"),
    path("spot-checks/<int:pk>/snapshot.json", spotchecks.portal_snapshot, name="portal_snapshot"),
    path("monitoring-results/", spotchecks.portal_results, name="portal_results"),
]
