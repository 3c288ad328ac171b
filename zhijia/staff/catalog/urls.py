"""Console URLs of service lists and activity plans, under /console/catalog/ (namespace `staff`)."""

from django.urls import path

from . import applications, lists, plans

urlpatterns = [
    path("", lists.service_list_list, name="service_list_list"),
    path("new/", lists.service_list_new, name="service_list_new"),
    path("<uuid:pk>/", lists.service_list_detail, name="service_list_detail"),
    path("<uuid:pk>/draft/", lists.service_list_draft, name="service_list_draft"),
    path("<uuid:pk>/settings/", lists.service_list_settings, name="service_list_settings"),
    path("<uuid:pk>/publish/", lists.service_list_publish, name="service_list_publish"),
    path("<uuid:pk>/export.xlsx", lists.service_list_export, name="service_list_export"),
    path("<uuid:pk>/categories/", lists.category_add, name="service_category_add"),
    path("categories/<uuid:pk>/", lists.category_edit, name="service_category_edit"),
    path("categories/<uuid:pk>/delete/", lists.category_delete, name="service_category_delete"),
    path("categories/<uuid:pk>/move/", lists.category_move, name="service_category_move"),
    path("categories/<uuid:pk>/items/new/", lists.item_new, name="service_item_new"),
    path("items/<uuid:pk>/", lists.item_edit, name="service_item_edit"),
    path("items/<uuid:pk>/delete/", lists.item_delete, name="service_item_delete"),
    path("items/<uuid:pk>/move/", lists.item_move, name="service_item_move"),
    path("applications/", applications.application_index, name="service_applications"),
    path("applications/<uuid:pk>/", applications.application_detail, name="service_application"),
    path("plans/", plans.plan_list_view, name="plan_list"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/template.xlsx", plans.plan_template, name="plan_template"),
    path("plans/<uuid:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<uuid:pk>/publish/", plans.plan_publish, name="plan_publish"),
    path("plans/<uuid:pk>/export.xlsx", plans.plan_export, name="plan_export"),
    path("plans/<uuid:pk>/import/", plans.plan_import, name="plan_import"),
    path("plans/<uuid:pk>/entries/new/", plans.plan_entry_new, name="plan_entry_new"),
    path("plans/entries/<uuid:pk>/", plans.plan_entry_edit, name="plan_entry_edit"),
    path("plans/entries/<uuid:pk>/delete/", plans.plan_entry_delete, name="plan_entry_delete"),
    path("plans/entries/<uuid:pk>/cancel/", plans.plan_entry_cancel, name="plan_entry_cancel"),
    path("plans/entries/<uuid:pk>/outcome/", plans.plan_entry_outcome, name="plan_entry_outcome"),
    path("plans/import/<uuid:pk>/", plans.plan_import_status, name="plan_import_status"),
    path("plans/import/<uuid:pk>/errors.xlsx", plans.plan_import_report, name="plan_import_report"),
]
