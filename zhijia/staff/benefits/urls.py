"""Console URLs of benefits (namespace `staff`, mounted at /console/benefits/)."""

urlpatterns: list = []
