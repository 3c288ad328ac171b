"""Expert workspace H5 pages, mounted at /h5/expert/ (namespace h5)."""

urlpatterns: list = []
