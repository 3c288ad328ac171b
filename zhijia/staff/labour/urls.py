"""Console URLs of the labour registry (namespace `staff`, mounted at /console/labour/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.labour_people, name="labour_people"),
    path("people/<uuid:pk>/", views.labour_person, name="labour_person"),
    path("ledgers/", views.labour_ledgers, name="labour_ledgers"),
    path("crosscheck/", views.labour_crosscheck, name="labour_crosscheck"),
    path("ledgers/export.xlsx", views.labour_ledger_export, name="labour_ledger_export"),
    path("import/", views.labour_import, name="labour_import"),
    path("import/template.xlsx", views.labour_template, name="labour_template"),
    path("import/<uuid:pk>/", views.labour_import_status, name="labour_import_status"),
    path("import/<uuid:pk>/errors.xlsx", views.labour_import_report, name="labour_import_report"),
    path("jobs/", views.labour_jobs, name="labour_jobs"),
    path("jobs/<uuid:pk>/", views.labour_job, name="labour_job"),
    path("jobs/<uuid:pk>/refer/", views.labour_refer, name="labour_refer"),
    path(
        "referrals/<uuid:pk>/<slug:referral_step>/", views.labour_referral_step, name="labour_referral_step"
    ),
    path("teams/", views.labour_teams, name="labour_teams"),
    path("teams/<uuid:pk>/", views.labour_team, name="labour_team"),
    path("teams/<uuid:pk>/assignments/", views.labour_assignment_new, name="labour_assignment_new"),
    path("assignments/<uuid:pk>/attendance/", views.labour_attendance, name="labour_attendance"),
]
