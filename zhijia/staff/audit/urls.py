from django.urls import path

from . import views

urlpatterns = [
    path("", views.audit_list_view, name="audit_list"),
    path("verify/", views.audit_verify_view, name="audit_verify"),
    path("<str:key>/", views.audit_detail_view, name="audit_detail"),  # the opaque AuditEntry.key
]
