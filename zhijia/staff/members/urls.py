"""Console URLs of the members domain; each use-case family keeps its own module."""

from django.urls import include, path

urlpatterns = [
    path("", include("zhijia.staff.members.urls_registry")),
    path("", include("zhijia.staff.members.urls_joining")),
    path("", include("zhijia.staff.members.urls_ledgers")),
]
