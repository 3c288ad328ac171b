"""Worker H5: "My children". Mounted at /h5/children/."""

from django.urls import path

from . import children

urlpatterns = [
    path("", children.children_page, name="my_children"),
    path("new/", children.child_new, name="child_new"),
    path("<uuid:pk>/edit/", children.child_edit, name="child_edit"),
    path("<uuid:pk>/remove/", children.child_remove_view, name="child_remove"),
]
