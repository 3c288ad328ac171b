"""Console URLs of benefits (namespace `staff`, mounted at /console/benefits/)."""

from django.urls import path

from . import campaigns, dashboard, merchants, vouchers

urlpatterns = [
    path("", campaigns.campaign_list, name="benefits_campaigns"),
    path("new/", campaigns.campaign_new, name="benefits_campaign_new"),
    path("<uuid:pk>/", campaigns.campaign_detail, name="benefits_campaign"),
    path("<uuid:pk>/edit/", campaigns.campaign_edit, name="benefits_campaign_edit"),
    path("<uuid:pk>/publish/", campaigns.campaign_publish, name="benefits_campaign_publish"),
    path("<uuid:pk>/end/", campaigns.campaign_end, name="benefits_campaign_end"),
    path("<uuid:pk>/lottery/", campaigns.campaign_lottery, name="benefits_lottery"),
    path("<uuid:pk>/lottery/draw/", campaigns.campaign_draw, name="benefits_lottery_draw"),
    path("<uuid:pk>/dashboard/", dashboard.campaign_dashboard, name="benefits_dashboard"),
    path("vouchers/", vouchers.voucher_search, name="benefits_vouchers"),
    path("vouchers/<uuid:pk>/revoke/", vouchers.voucher_revoke, name="benefits_voucher_revoke"),
    path("redemptions/<uuid:pk>/reverse/", vouchers.redemption_reverse, name="benefits_redemption_reverse"),
    path("merchants/", merchants.merchant_list_view, name="benefits_merchants"),
    path("merchants/new/", merchants.merchant_new, name="benefits_merchant_new"),
    path("merchants/<uuid:pk>/", merchants.merchant_detail, name="benefits_merchant_detail"),
    path("merchants/<uuid:pk>/edit/", merchants.merchant_edit, name="benefits_merchant_edit"),
    path("merchants/<uuid:pk>/outlets/new/", merchants.outlet_new, name="benefits_outlet_new"),
    path("merchants/<uuid:pk>/reconciliation/", merchants.reconciliation, name="benefits_reconciliation"),
    path(
        "merchants/<uuid:pk>/reconciliation.xlsx",
        merchants.reconciliation_xlsx,
        name="benefits_reconciliation_xlsx",
    ),
    path("outlets/<uuid:pk>/edit/", merchants.outlet_edit, name="benefits_outlet_edit"),
    path("outlets/<uuid:pk>/cashiers/", merchants.cashier_add, name="benefits_cashier_add"),
    path("cashiers/<uuid:pk>/remove/", merchants.cashier_remove, name="benefits_cashier_remove"),
]
