"""Public service-list and activity-plan pages, under /h5/services/ (namespace `h5`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.service_lists, name="service_lists"),
    path("plans/<uuid:pk>/", views.plan, name="plan"),
    path("<uuid:pk>/", views.service_list, name="service_list"),
    path("<uuid:pk>/print/", views.service_list_print, name="service_list_print"),
    path("items/<uuid:pk>/apply/", views.service_apply, name="service_apply"),
    path("applications/", views.service_applications, name="service_applications"),
    path(
        "applications/<uuid:pk>/withdraw/",
        views.service_application_withdraw,
        name="service_application_withdraw",
    ),
]
