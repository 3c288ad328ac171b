"""The project's URLs plus a page and an API route that fail, for tests/security/test_error_pages.py."""

from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as project
from zhijia.api import errors


def boom(request):
    raise RuntimeError("secret detail at /srv/zhijia/settings")


boom_api = NinjaAPI(urls_namespace="boom_api")
errors.install(boom_api)


@boom_api.get("/boom")
def api_boom(request):
    raise RuntimeError("secret detail in the API")


urlpatterns = [path("boom/", boom), path("api/v9/", boom_api.urls), *project]
