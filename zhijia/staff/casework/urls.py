"""Console URLs of help and rights (namespace `staff`, mounted at /console/cases/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.cases_list, name="cases_list"),
    path("mine/", views.cases_list, name="cases_mine"),
    path("funds/", views.funds, name="case_funds"),
    path("settings/", views.settings_home, name="case_settings"),
    path("settings/<uuid:settings_org>/", views.settings_edit, name="case_settings_edit"),
    path("reviews/", views.reviews, name="case_reviews"),
    path("reviews/<uuid:review_case>/", views.review_decide, name="case_review_decide"),
    path("new/<str:kind>/", views.case_new, name="case_new"),
    path("<uuid:pk>/", views.case_detail, name="case_detail"),
    path("<uuid:pk>/notes/", views.case_notes, name="case_notes"),
    path("<uuid:pk>/attachments/", views.case_attachment_add, name="case_attachment_add"),
    path("<uuid:pk>/attachments/<uuid:att>/", views.case_attachment, name="case_attachment"),
    path("<uuid:pk>/agreement.pdf", views.case_agreement, name="case_agreement"),
    path("<uuid:pk>/step/<str:step>/", views.case_step, name="case_step"),
]
