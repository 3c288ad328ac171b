from django.urls import path

from . import views

urlpatterns = [
    path("", views.contests, name="contests_list"),
    path("mine/", views.my_certificates, name="contests_mine"),
    path("events/<uuid:pk>/", views.event_results, name="contests_event"),
]
