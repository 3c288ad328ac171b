"""Console URLs of member ledgers: template, import, masked export, full-export requests."""

from django.urls import path

from . import ledgers as views

urlpatterns = [
    path("template.xlsx", views.member_template, name="member_template"),
    path("import/", views.member_import, name="member_import"),
    path("import/<uuid:pk>/", views.member_import_status, name="member_import_status"),
    path("import/<uuid:pk>/errors.xlsx", views.member_import_report, name="member_import_report"),
    path("export.xlsx", views.member_export, name="member_export"),
    path("exports/", views.export_request_list_view, name="export_request_list"),
    path("exports/new/", views.export_request_create, name="export_request_create"),
    path("exports/<uuid:pk>/", views.export_request_detail, name="export_request_detail"),
    path("exports/<uuid:pk>/download/", views.export_request_download, name="export_request_download"),
]
