from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/login/totp/", views.login_totp, name="login_totp"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/totp/", views.totp_setup, name="totp_setup"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("users/", views.user_list, name="user_list"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
