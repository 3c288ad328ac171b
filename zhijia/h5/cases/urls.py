"""Worker pages of help and rights (namespace `h5`, mounted at /h5/cases/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.cases_home, name="cases_home"),
    path("apply/<str:kind>/", views.case_apply, name="case_apply"),
    path("notices/", views.notices, name="case_notices"),
    path("notices/<uuid:pk>/", views.notice_detail, name="case_notice"),
    path("<uuid:pk>/", views.case_detail, name="case_mine"),
    path("<uuid:pk>/screening/", views.case_screening, name="case_screening"),
    path("<uuid:pk>/cancel/", views.case_cancel, name="case_cancel"),
    path("<uuid:pk>/evidence/", views.case_evidence_add, name="case_evidence_add"),
    path("<uuid:pk>/evidence/<uuid:evidence_id>/", views.case_evidence, name="case_evidence"),
]
