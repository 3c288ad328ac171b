"""Worker H5 pages of activities, mounted at /h5/activities/ (namespace h5)."""

from django.urls import path

from . import views, worker

urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("mine/", worker.my_enrolments_page, name="my_enrolments"),
    path("checkin/<str:code>/", worker.activity_checkin, name="activity_checkin"),
    path("enrolments/<uuid:pk>/cancel/", worker.enrolment_cancel_view, name="enrolment_cancel"),
    path("enrolments/<uuid:pk>/offer/", worker.offer_respond, name="offer_respond"),
    path("enrolments/<uuid:pk>/rate/", worker.enrolment_rate_view, name="enrolment_rate"),
    path("<uuid:pk>/", views.activity_detail, name="activity_detail"),
    path("<uuid:pk>/enrol/", worker.activity_enrol, name="activity_enrol"),
    path("<uuid:pk>/calendar.ics", views.activity_ics, name="activity_ics"),
]
