"""Public H5 pages of the service network, mounted at /h5/stations/ (namespace `h5`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.nearby, name="nearby"),
    path("<uuid:pk>/", views.station, name="station"),
    path("<uuid:pk>/feedback/", views.station_feedback, name="station_feedback"),
]
