"""Worker H5: joining the union and "my transfer". Mounted at /h5/join/ (namespace h5)."""

from django.urls import path

from . import joining

urlpatterns = [
    path("", joining.join_apply, name="join"),
    path("unions/", joining.join_unions, name="join_unions"),
    path("status/", joining.join_status, name="join_status"),
    path("status/<uuid:pk>/withdraw/", joining.join_withdraw, name="join_withdraw"),
    path("transfer/", joining.join_transfer, name="join_transfer"),
]
