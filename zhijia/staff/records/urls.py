"""Console URLs of the service ledger, under /console/records/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.record_list_view, name="record_list"),
    path("export.xlsx", views.record_export, name="record_export"),
]
