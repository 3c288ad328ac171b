from django.urls import path

from . import views

urlpatterns = [
    path("", views.consultations, name="voice_list"),
    path("mine/", views.my_opinions, name="voice_mine"),
    path("box/", views.box, name="voice_box"),
    path("<uuid:pk>/", views.consultation, name="voice_consultation"),
]
