"""Console URLs of the member registry, the card check and personal-data requests."""

from django.urls import path

from . import registry as views

urlpatterns = [
    path("", views.member_list_view, name="member_list"),
    path("new/", views.member_create, name="member_create"),
    path("card/verify/", views.card_verify, name="card_verify"),
    path("data-requests/", views.data_request_list_view, name="data_request_list"),
    path("data-requests/<uuid:pk>/", views.data_request_detail, name="data_request_detail"),
    path("<uuid:pk>/", views.member_detail, name="member_detail"),
    path("<uuid:pk>/edit/", views.member_edit, name="member_edit"),
    path("<uuid:pk>/status/", views.member_status, name="member_status"),
    path("<uuid:pk>/reveal/<str:field>/", views.member_reveal, name="member_reveal"),
    path("<uuid:pk>/family/new/", views.family_add, name="member_family_add"),
    path("<uuid:pk>/family/<uuid:family_pk>/remove/", views.family_remove, name="member_family_remove"),
]
