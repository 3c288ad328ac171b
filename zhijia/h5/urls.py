"""Worker mobile pages (H5). Domain modules add their pages here."""

from django.urls import include, path

app_name = "h5"
urlpatterns = [
    path("", include("zhijia.h5.accounts.urls")),
    path("join/", include("zhijia.h5.members.urls_joining")),
    path("card/", include("zhijia.h5.members.urls_card")),
    path("children/", include("zhijia.h5.members.urls_children")),
    path("stations/", include("zhijia.h5.positions.urls")),
    path("services/", include("zhijia.h5.catalog.urls")),
    path("activities/", include("zhijia.h5.activities.urls")),
    path("expert/", include("zhijia.h5.expert.urls")),
    path("vouchers/", include("zhijia.h5.benefits.urls")),
    path("merchant/", include("zhijia.h5.merchant.urls")),
    path("elections/", include("zhijia.h5.elections.urls")),
    path("voice/", include("zhijia.h5.voice.urls")),
    path("honours/", include("zhijia.h5.honours.urls")),
    path("contests/", include("zhijia.h5.contests.urls")),
    path("labour/", include("zhijia.h5.labour.urls")),
    path("cases/", include("zhijia.h5.cases.urls")),
]
