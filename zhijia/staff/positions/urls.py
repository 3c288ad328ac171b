"""Console URLs of the service network, under /console/positions/ (names in the `staff`
namespace are fixed: the nav, other domains and the browser tests use them)."""

from django.urls import path

from . import hours, parts, today, transfer, views, visits

urlpatterns = [
    path("", views.position_list_view, name="position_list"),
    path("new/", views.position_new, name="position_new"),
    path("import/", transfer.position_import, name="position_import"),
    path("import/<uuid:pk>/", transfer.position_import_status, name="position_import_status"),
    path("import/<uuid:pk>/errors.xlsx", transfer.position_import_report, name="position_import_report"),
    path("export.xlsx", transfer.position_export, name="position_export"),
    path("template.xlsx", transfer.position_template, name="position_template"),
    path("poi/", transfer.position_poi, name="position_poi"),
    path("today/", today.station_today, name="station_today"),
    path("visits/new/", visits.visit_new, name="visit_new"),
    path("visits/stats/", visits.visit_stats_view, name="visit_stats"),
    path("<uuid:pk>/", views.position_detail, name="position_detail"),
    path("<uuid:pk>/edit/", views.position_edit, name="position_edit"),
    path("<uuid:pk>/hours/", hours.position_hours, name="position_hours"),
    path("<uuid:pk>/delete/", views.position_delete, name="position_delete"),
    path("<uuid:pk>/rooms/new/", parts.room_add, name="position_room_add"),
    path("<uuid:pk>/rooms/<uuid:room_id>/delete/", parts.room_delete, name="position_room_delete"),
    path("<uuid:pk>/photos/new/", parts.photo_add, name="position_photo_add"),
    path("<uuid:pk>/photos/<uuid:photo_id>/delete/", parts.photo_delete, name="position_photo_delete"),
]
