"""Worker H5 pages of benefits (vouchers), mounted at /h5/vouchers/ (namespace h5)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list, name="vouchers_list"),
    path("mine/", views.mine, name="vouchers_mine"),
    path("v/<uuid:pk>/", views.voucher_page, name="vouchers_voucher"),
    path("<uuid:pk>/", views.campaign_page, name="vouchers_campaign"),
    path("<uuid:pk>/claim/", views.claim, name="vouchers_claim"),
    path("<uuid:pk>/register/", views.register, name="vouchers_register"),
    path("<uuid:pk>/draw/", views.draw, name="vouchers_draw"),
]
