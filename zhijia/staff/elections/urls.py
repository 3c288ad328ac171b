"""Console URLs of congresses and elections (namespace `staff`, mounted at /console/elections/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.elections_home, name="elections_home"),
    path("congresses/<uuid:pk>/", views.congress_detail, name="elections_congress"),
    path("congresses/<uuid:pk>/step/", views.congress_step, name="elections_congress_step"),
    path("congresses/<uuid:pk>/delegates/", views.congress_delegate_add, name="elections_delegate_add"),
    path("congresses/<uuid:pk>/elections/", views.election_new, name="elections_election_new"),
    path("delegates/<uuid:pk>/presence/", views.delegate_presence, name="elections_presence"),
    path("<uuid:pk>/", views.election_detail, name="elections_election"),
    path("<uuid:pk>/step/", views.election_step, name="elections_election_step"),
    path("<uuid:pk>/paper/", views.election_paper, name="elections_paper"),
    path("<uuid:pk>/teller/", views.election_teller, name="elections_teller"),
    path("<uuid:pk>/decide/", views.election_decide, name="elections_decide"),
    path("<uuid:pk>/result.pdf", views.election_pdf, name="elections_pdf"),
]
