"""Console URLs of the statistics, under /console/stats/ (the dashboard itself is the home page)."""

from django.urls import path

from . import reports, views

urlpatterns = [
    path("table.xlsx", views.table_xlsx, name="stats_table"),
    path("reports/", reports.board, name="stats_reports"),
    path("reports/open/", reports.open_report, name="stats_report_open"),
    path("reports/exempt/", reports.exempt, name="stats_report_exempt"),
    path("reports/<uuid:pk>/", reports.detail, name="stats_report"),
    path("reports/<uuid:pk>/report.<str:report_format>", reports.download, name="stats_report_download"),
    path("reports/<uuid:pk>/<str:report_step>/", reports.step, name="stats_report_step"),
]
