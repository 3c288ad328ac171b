"""Console URLs of honours (namespace `staff`, mounted at /console/honours/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.honours_home, name="honours_home"),
    path("register/", views.honours_register, name="honours_register"),
    path("<uuid:pk>/", views.honours_detail, name="honours_detail"),
    path("<uuid:pk>/step/", views.honours_step, name="honours_step"),
    path("<uuid:pk>/quota/", views.honours_quota, name="honours_quota"),
    path("<uuid:pk>/nominate/", views.honours_nominate, name="honours_nominate"),
    path("<uuid:pk>/submit/", views.honours_submit, name="honours_submit"),
    path("nominations/<uuid:pk>/review/", views.nomination_review, name="honours_review"),
    path("nominations/<uuid:pk>/withdraw/", views.nomination_withdraw, name="honours_withdraw"),
    path("objections/<uuid:pk>/decide/", views.objection_decide, name="honours_decide"),
]
