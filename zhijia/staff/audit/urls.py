from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_list_view, name="audit_list"),
    path("<int:pk>/", views.audit_detail_view, name="audit_detail"),
    path("verify/", views.audit_verify_view, name="audit_verify"),
]
