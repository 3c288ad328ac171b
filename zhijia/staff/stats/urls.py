"""Console URLs of the statistics, under /console/stats/ (the dashboard itself is the home page)."""

from django.urls import path

from . import views

urlpatterns = [
    path("table.xlsx", views.table_xlsx, name="stats_table"),
]
