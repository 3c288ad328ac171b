"""Console URLs of the workers' voice (namespace `staff`, mounted at /console/voice/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.voice_home, name="voice_home"),
    path("<uuid:pk>/", views.voice_detail, name="voice_detail"),
    path("<uuid:pk>/step/", views.voice_step, name="voice_step"),
    path("<uuid:pk>/sent/", views.voice_sent, name="voice_sent"),
    path("<uuid:pk>/union-opinion/", views.voice_union_opinion, name="voice_union_opinion"),
    path("<uuid:pk>/report.xlsx", views.voice_report, name="voice_report"),
    path("opinions/<uuid:pk>/", views.opinion_edit, name="voice_opinion"),
    path("box/", views.voice_box, name="voice_box"),
    path("box/<uuid:pk>/reply/", views.box_reply, name="voice_box_reply"),
]
