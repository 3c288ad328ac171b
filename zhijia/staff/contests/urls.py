"""Console URLs of competitions (namespace `staff`, mounted at /console/contests/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.contests_home, name="contests_home"),
    path("register/", views.contests_register, name="contests_register"),
    path("<uuid:pk>/", views.contest_detail, name="contest_detail"),
    path("<uuid:pk>/events/", views.contest_event_new, name="contest_event_new"),
    path("<uuid:pk>/start/", views.contest_start, name="contest_start"),
    path("entries/<uuid:pk>/confirm/", views.contest_entry_confirm, name="contest_entry_confirm"),
    path(
        "entries/<uuid:pk>/certificate/<uuid:contestant_pk>/",
        views.contest_certificate,
        name="contest_certificate",
    ),
    path("events/<uuid:pk>/register/", views.contest_register, name="contest_register"),
    path("events/<uuid:pk>/judges/", views.contest_judge_add, name="contest_judge_add"),
    path("events/<uuid:pk>/marks/", views.contest_marks, name="contest_marks"),
    path("events/<uuid:pk>/lock/", views.contest_lock, name="contest_lock"),
    path("events/<uuid:pk>/results/", views.contest_results, name="contest_results"),
]
