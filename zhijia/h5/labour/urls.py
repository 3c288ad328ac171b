from django.urls import path

from . import views

urlpatterns = [path("survey/", views.labour_survey, name="labour_survey")]
