"""Console URLs for joining (review queue, QR poster) and transfers, under /console/members/."""

from django.urls import path

from . import joining as views

urlpatterns = [
    path("applications/", views.application_list_view, name="application_list"),
    path("applications/<uuid:pk>/", views.application_detail, name="application_detail"),
    path("applications/<uuid:pk>/approve/", views.application_approve, name="application_approve"),
    path("applications/<uuid:pk>/reject/", views.application_reject, name="application_reject"),
    path("applications/<uuid:pk>/forward/", views.application_forward, name="application_forward"),
    path("transfers/", views.transfer_list_view, name="transfer_list"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<uuid:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<uuid:pk>/reject/", views.transfer_reject, name="transfer_reject"),
    path("transfers/<uuid:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("join-qr/<uuid:pk>/", views.join_qr, name="join_qr"),
]
