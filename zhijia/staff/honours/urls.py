"""Console URLs of honours (namespace `staff`, mounted at /console/honours/)."""

from django.urls import path

from . import files, stars, views

urlpatterns = [
    path("", views.honours_home, name="honours_home"),
    path("register/", views.honours_register, name="honours_register"),
    path("<uuid:pk>/", views.honours_detail, name="honours_detail"),
    path("<uuid:pk>/step/", views.honours_step, name="honours_step"),
    path("<uuid:pk>/quota/", views.honours_quota, name="honours_quota"),
    path("<uuid:pk>/nominate/", views.honours_nominate, name="honours_nominate"),
    path("<uuid:pk>/submit/", views.honours_submit, name="honours_submit"),
    path("nominations/<uuid:pk>/", files.nomination_page, name="honours_nomination"),
    path("nominations/<uuid:pk>/materials/", files.nomination_material_add, name="honours_material_add"),
    path(
        "nominations/<uuid:pk>/materials/<uuid:material>/", files.nomination_material, name="honours_material"
    ),
    path("nominations/<uuid:pk>/review/", views.nomination_review, name="honours_review"),
    path("nominations/<uuid:pk>/withdraw/", views.nomination_withdraw, name="honours_withdraw"),
    path("objections/<uuid:pk>/decide/", views.objection_decide, name="honours_decide"),
    # star-rated unions (星级工会)
    path("stars/", stars.stars_home, name="stars_home"),
    path("stars/assess/", stars.stars_assess, name="stars_assess"),
    path("stars/criteria/<uuid:pk>/", stars.stars_criteria, name="stars_criteria"),
    path("stars/criteria/<uuid:pk>/publish/", stars.stars_publish, name="stars_publish"),
    path("stars/assessments/<uuid:pk>/", stars.stars_assessment, name="stars_assessment"),
    path("stars/assessments/<uuid:pk>/self/", stars.stars_self, name="stars_self"),
    path("stars/assessments/<uuid:pk>/score/", stars.stars_score, name="stars_score"),
    path("stars/assessments/<uuid:pk>/evidence/", stars.stars_evidence_add, name="stars_evidence_add"),
    path(
        "stars/assessments/<uuid:pk>/evidence/<uuid:evidence>/", stars.stars_evidence, name="stars_evidence"
    ),
]
