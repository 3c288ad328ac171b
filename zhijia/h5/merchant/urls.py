"""Merchant till H5 pages, mounted at /h5/merchant/ (namespace h5)."""

urlpatterns: list = []
