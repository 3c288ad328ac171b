"""URLs; the views live beside this module."""

urlpatterns: list = []
