from django.urls import path

from . import views

urlpatterns = [
    path("survey/", views.labour_survey, name="labour_survey"),
    path("jobs/", views.labour_my_jobs, name="labour_my_jobs"),
]
