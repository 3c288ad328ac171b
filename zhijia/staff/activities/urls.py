"""Console URLs of activities (namespace `staff`, mounted at /console/activities/)."""

from django.urls import path

from . import checkin, questions, roster, views

urlpatterns = [
    path("", views.activity_calendar, name="activity_calendar"),
    path("list/", views.activity_list_view, name="activity_list"),
    path("new/", views.activity_new, name="activity_new"),
    path("<uuid:pk>/", views.activity_detail, name="activity_detail"),
    path("<uuid:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<uuid:pk>/publish/", views.activity_publish, name="activity_publish"),
    path("<uuid:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("<uuid:pk>/duplicate/", views.activity_duplicate, name="activity_duplicate"),
    path("<uuid:pk>/questions/", questions.activity_questions, name="activity_questions"),
    path("<uuid:pk>/roster/", roster.activity_roster, name="activity_roster"),
    path("<uuid:pk>/roster.xlsx", roster.activity_roster_xlsx, name="activity_roster_xlsx"),
    path("<uuid:pk>/sign-in-sheet/", roster.activity_signin_sheet, name="activity_signin_sheet"),
    path("<uuid:pk>/enrol/", roster.activity_enrol, name="activity_enrol"),
    path("<uuid:pk>/enrol/bulk/", roster.activity_enrol_bulk, name="activity_enrol_bulk"),
    path("enrolments/<uuid:pk>/decide/", roster.enrolment_decide, name="enrolment_decide"),
    path("sessions/<uuid:pk>/checkin/", checkin.session_checkin, name="session_checkin"),
    path("sessions/<uuid:pk>/checkin/code/", checkin.session_checkin_code, name="session_checkin_code"),
    path("sessions/<uuid:pk>/walk-in/", checkin.session_walk_in, name="session_walk_in"),
    path("sessions/<uuid:pk>/mark/", roster.session_mark, name="session_mark"),
]
