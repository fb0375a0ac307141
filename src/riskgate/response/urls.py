from django.urls import path

from .views import emergency, lifting
from .views import measures as views
from .views import obligations as obligation_views
from .views import recalls as recall_views

app_name = "response"
urlpatterns = [
    path("measures/", views.measure_list, name="list"),
    path("measures/new/", views.measure_create, name="create"),
    path("measures/<int:pk>/", views.measure_detail, name="detail"),
    path("measures/<int:pk>/evidence/<int:note_id>/", views.evidence_download, name="evidence"),
    path("measures/<int:pk>/read/", views.measure_read, name="read"),
    path("measures/<int:pk>/<slug:action>/", views.measure_act, name="act"),
    path("warnings/<int:pk>/lift/", lifting.lift_warning, name="lift_warning"),
    path("recalls/", recall_views.public_list, name="public_recalls"),
    path("recalls/<int:pk>/", recall_views.public_detail, name="public_recall"),
    path("recalls/manage/", recall_views.recall_list, name="recalls"),
    path("recalls/manage/new/", recall_views.recall_create, name="recall_create"),
    path("recalls/manage/<int:pk>/", recall_views.recall_detail, name="recall"),
    path("recalls/manage/<int:pk>/<slug:action>/", recall_views.recall_act, name="recall_act"),
    path("enterprise/concerns/", recall_views.concerns, name="concerns"),
    path("emergency/", emergency.overview, name="emergency"),
    path("emergency/plans/new/", emergency.plan_create, name="emergency_plan_create"),
    path("emergency/plans/<int:pk>/", emergency.plan_detail, name="emergency_plan"),
    path("emergency/activations/<int:pk>/", emergency.activation_detail, name="emergency_activation"),
    path("obligations/", obligation_views.obligation_list, name="obligations"),
    path("obligations/new/", obligation_views.obligation_create, name="obligation_create"),
    path("obligations/<int:pk>/", obligation_views.obligation_detail, name="obligation"),
    path("obligations/<int:pk>/proof/", obligation_views.consumers_proof, name="consumers_proof"),
    path("obligations/<int:pk>/file/<int:report_id>/", obligation_views.obligation_file, name="obligation_file"),
    path("obligations/<int:pk>/<slug:action>/", obligation_views.obligation_act, name="obligation_act"),
]
