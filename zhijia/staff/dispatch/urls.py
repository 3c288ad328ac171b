"""Console URLs of dispatch (namespace `staff`, mounted at /console/dispatch/)."""

urlpatterns: list = []
