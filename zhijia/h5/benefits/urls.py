"""Worker H5 pages of benefits (vouchers), mounted at /h5/vouchers/ (namespace h5)."""

urlpatterns: list = []
