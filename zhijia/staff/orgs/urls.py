"""Console URLs of the organisation tree (names are fixed: the nav and other domains use them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.org_list_view, name="org_list"),
    path("new/", views.org_create, name="org_create"),
    path("import/", views.org_import, name="org_import"),
    path("import/<uuid:pk>/", views.org_import_status, name="org_import_status"),
    path("import/<uuid:pk>/errors.xlsx", views.org_import_report, name="org_import_report"),
    path("export.xlsx", views.org_export, name="org_export"),
    path("template.xlsx", views.org_template, name="org_template"),
    path("<uuid:pk>/", views.org_detail, name="org_detail"),
    path("<uuid:pk>/children/", views.org_children, name="org_children"),
    path("<uuid:pk>/edit/", views.org_edit, name="org_edit"),
    path("<uuid:pk>/move/", views.org_move, name="org_move"),
    path("<uuid:pk>/dissolve/", views.org_dissolve, name="org_dissolve"),
]
