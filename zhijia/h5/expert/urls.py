"""Expert workspace H5 pages, mounted at /h5/expert/ (namespace h5): the expert's orders, and
the worker's side of expert services (the check-in landing page of an order's QR, needs
surveys)."""

from django.urls import path

from . import views, worker

urlpatterns = [
    path("", views.expert_orders, name="expert_orders"),
    path("orders/<uuid:pk>/", views.expert_order_view, name="expert_order"),
    path("orders/<uuid:pk>/contact/", views.expert_order_contact, name="expert_order_contact"),
    path("orders/<uuid:pk>/accept/", views.expert_order_accept, name="expert_order_accept"),
    path("orders/<uuid:pk>/decline/", views.expert_order_decline, name="expert_order_decline"),
    path("orders/<uuid:pk>/checkin/", views.expert_order_checkin, name="expert_order_checkin"),
    path("orders/<uuid:pk>/checkin/code/", views.expert_order_code, name="expert_order_code"),
    path("orders/<uuid:pk>/deliver/", views.expert_order_deliver, name="expert_order_deliver"),
    path("orders/<uuid:pk>/rate/", views.expert_order_rate, name="expert_order_rate"),
    path("checkin/<str:code>/", worker.expert_checkin, name="expert_checkin"),
    path("needs/", worker.need_surveys, name="need_surveys"),
    path("needs/<uuid:pk>/", worker.need_submit_view, name="need_submit"),
]
