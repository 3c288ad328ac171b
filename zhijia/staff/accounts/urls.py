from django.urls import path

from . import security, users, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp, name="login_otp"),
    path("login/enrol/", views.login_enrol, name="login_enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", security.security, name="security"),
    path("security/otp/", security.otp_setup, name="otp_setup"),
    path("password/", security.password_change, name="password_change"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<uuid:pk>/", users.user_detail, name="user_detail"),
    path("users/<uuid:pk>/active/", users.user_set_active, name="user_set_active"),
    path("users/<uuid:pk>/unlock/", users.user_unlock, name="user_unlock"),
    path("users/<uuid:pk>/reset-otp/", users.user_reset_otp, name="user_reset_otp"),
    path("users/<uuid:pk>/reset-password/", users.user_reset_password, name="user_reset_password"),
    path("users/<uuid:pk>/grants/", users.grant_create, name="grant_create"),
    path("users/<uuid:pk>/grants/<uuid:grant_id>/revoke/", users.grant_revoke, name="grant_revoke"),
]
