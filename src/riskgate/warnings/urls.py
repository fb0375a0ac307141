from django.urls import path

from .views import manage, subscriptions
from .views import portal as views

app_name = "warnings"
urlpatterns = [
    path("warnings/", views.portal, name="portal"),
    path("warnings/feed.atom", views.atom_feed, name="atom"),
    path("warnings/language/", views.language, name="language"),
    path("warnings/cap.atom", views.cap_feed, name="cap_feed"),
    path("warnings/<int:lineage>/", views.public_detail, name="public_detail"),
    path("warnings/<int:lineage>/v<int:version>/", views.public_detail, name="public_version"),
    path("warnings/<int:lineage>/v<int:version>/cap.xml", views.cap_message, name="cap"),
    path("warnings/subscribe/", subscriptions.subscribe, name="subscribe"),
    path("warnings/subscriptions/<str:token>/", subscriptions.subscription, name="subscription"),
    path("warnings/subscriptions/<str:token>/confirm/", subscriptions.confirm, name="confirm_subscription"),
    path("warnings/subscriptions/<str:token>/unsubscribe/", subscriptions.unsubscribe, name="unsubscribe"),
    path("warnings/inbox/", manage.inbox_list, name="inbox"),
    path("warnings/inbox/<int:pk>/", manage.inbox_item, name="inbox_item"),
    path("warnings/inbox/<int:pk>/read/", manage.inbox_read, name="inbox_read"),
    path("warnings/inbox/<int:pk>/respond/", manage.inbox_respond, name="inbox_respond"),
    path("warnings/inbox/<int:pk>/reassessment/", manage.inbox_reassessment, name="inbox_reassessment"),
    path("warnings/manage/", manage.manage_list, name="manage_list"),
    path("warnings/manage/new/", manage.manage_create, name="create"),
    path("warnings/manage/<int:pk>/", manage.manage_detail, name="manage"),
    path("warnings/manage/<int:pk>/edit/", manage.manage_edit, name="edit"),
    path("warnings/manage/<int:pk>/preview/", manage.manage_preview, name="preview"),
    path("warnings/manage/<int:pk>/adjustment/", manage.manage_adjustment, name="adjustment"),
    path(
        "warnings/manage/<int:pk>/reassessment/<int:request_id>/",
        manage.reassessment_decide,
        name="reassessment_decide",
    ),
    path("warnings/manage/<int:pk>/<slug:action>/", manage.manage_act, name="act"),
]
