"""Staff console URLs. Each domain keeps its own module; all names live in the `staff` namespace."""

from django.urls import include, path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/", views.switch_unit, name="switch_unit"),
    path("", include("zhijia.staff.accounts.urls")),
    path("orgs/", include("zhijia.staff.orgs.urls")),
    path("members/", include("zhijia.staff.members.urls")),
    path("audit/", include("zhijia.staff.audit.urls")),
    path("positions/", include("zhijia.staff.positions.urls")),
    path("catalog/", include("zhijia.staff.catalog.urls")),
    path("records/", include("zhijia.staff.records.urls")),
    path("stats/", include("zhijia.staff.stats.urls")),
    path("activities/", include("zhijia.staff.activities.urls")),
    path("dispatch/", include("zhijia.staff.dispatch.urls")),
    path("benefits/", include("zhijia.staff.benefits.urls")),
    path("elections/", include("zhijia.staff.elections.urls")),
    path("voice/", include("zhijia.staff.voice.urls")),
    path("honours/", include("zhijia.staff.honours.urls")),
    path("contests/", include("zhijia.staff.contests.urls")),
    path("labour/", include("zhijia.staff.labour.urls")),
    path("cases/", include("zhijia.staff.casework.urls")),
]
