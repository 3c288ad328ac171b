from django.urls import path

from . import views

urlpatterns = [
    path("", views.notices, name="honours_notices"),
    path("mine/", views.my_honours, name="honours_mine"),
    path("<uuid:pk>/object/", views.objection, name="honours_object"),
]
