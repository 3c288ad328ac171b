"""Bench-only URLs: everything the product serves, plus `/bench/floor`, a trivial view returning a
constant JSON through the same middleware stack — the floor for the HTTP finder's figures."""

from django.http import JsonResponse
from django.urls import path

from config.urls import urlpatterns as product_urlpatterns


def floor(request):
    return JsonResponse({"items": [], "count": 0})


urlpatterns = [path("bench/floor", floor, name="bench_floor"), *product_urlpatterns]
