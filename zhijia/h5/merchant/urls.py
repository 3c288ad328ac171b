"""Merchant till H5 pages, mounted at /h5/merchant/ (namespace h5)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="merchant_home"),
    path("<uuid:pk>/", views.redeem, name="merchant_redeem"),
    path("<uuid:pk>/today/", views.today, name="merchant_today"),
    path("redemptions/<uuid:pk>/reverse/", views.reverse, name="merchant_reverse"),
]
