from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_votes, name="election_votes"),
    path("<uuid:pk>/", views.ballot, name="election_ballot"),
]
