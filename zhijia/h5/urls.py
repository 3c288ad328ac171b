"""Worker mobile pages (H5). Domain modules add their pages here."""

from django.urls import include, path

app_name = "h5"
urlpatterns = [
    path("", include("zhijia.h5.accounts.urls")),
]
