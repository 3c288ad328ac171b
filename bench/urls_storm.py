"""Bench-only URLs for bench/enrolment_storm.py: everything the product serves, plus

- `GET /bench/floor`: a constant JSON through the same middleware stack — the HTTP floor;
- `POST /bench/naive/<activity id>/enrolments`: the naive baseline — the same bearer token
  look-up and eligibility check as the real endpoint, then "count the confirmed enrolments in
  Python, insert confirmed if the count is below capacity, else waitlisted", in one transaction
  under READ COMMITTED, without the guarded UPDATE or any lock. Concurrent requests all read the
  same count, so it overbooks. Never mounted by the product (config.urls does not import this)."""

import json
import uuid

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as product_urlpatterns
from zhijia.activities.eligibility import eligibility_check
from zhijia.activities.enums import EnrolmentStatus
from zhijia.activities.models import Activity, Enrolment
from zhijia.activities.services.enrolment import holder_key
from zhijia.api.security import BearerAuth
from zhijia.members.models import FamilyMember
from zhijia.members.services.card import person_of


def floor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _user(request: HttpRequest):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return BearerAuth().authenticate(request, header.removeprefix("Bearer ").strip())


@csrf_exempt
def naive_enrol(request: HttpRequest, activity_id: uuid.UUID) -> JsonResponse:
    """Check-then-insert, the way it is usually first written. Do not copy."""
    user = _user(request)
    if user is None or request.method != "POST":
        return JsonResponse({"code": "unauthorized"}, status=401)
    person = person_of(user)
    payload = json.loads(request.body or b"{}")
    child = FamilyMember.objects.filter(pk=payload["child_id"]).first() if payload.get("child_id") else None
    try:
        with transaction.atomic():
            activity = Activity.objects.get(pk=activity_id)
            eligibility_check(activity=activity, person=person, child=child)
            confirmed = Enrolment.objects.filter(activity=activity, status=EnrolmentStatus.CONFIRMED).count()
            status = (
                EnrolmentStatus.CONFIRMED if confirmed < activity.capacity else EnrolmentStatus.WAITLISTED
            )
            arrival = Enrolment.objects.filter(activity=activity).count() + 1
            enrolment = Enrolment.objects.create(
                activity=activity,
                person=person,
                child=child,
                holder=holder_key(person.pk, child.pk if child else None),
                status=status,
                arrival=arrival,
                created_by=user,
            )
    except IntegrityError:
        return JsonResponse({"code": "already_enrolled"}, status=409)
    return JsonResponse({"id": str(enrolment.pk), "status": enrolment.status}, status=201)


urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/naive/<uuid:activity_id>/enrolments", naive_enrol, name="bench_naive_enrol"),
    *product_urlpatterns,
]
