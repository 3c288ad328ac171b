"""Bench-only URLs for bench/voucher_flash_sale.py: everything the product serves, plus

- `GET /bench/floor`: constant JSON through the same middleware stack — the HTTP floor (the
  trivial view of bench/urls_storm.py, reused);
- `POST /bench/ninja/<campaign id>/claims`: the same constant 409 `sold_out` body as the real
  endpoint's cached answer, through django-ninja (an API of its own, one route, the product's
  error schema) and nothing else — what the framework costs before any cache call;
- `POST /bench/naive/<campaign id>/claims`: the naive baseline — the same bearer-token look-up,
  the worker's person and an active-membership check, then "does the person hold one? is the
  round's voucher count below its stock? insert", in one READ COMMITTED transaction, without
  the guarded UPDATE of the round's counter or any lock. Concurrent requests read the same
  count, so it oversells at the end of the stock. (The claim key stays unique per campaign — a
  database constraint the naive code cannot switch off — so a person still gets at most one.)

Never mounted by the product (config.urls does not import this)."""

import datetime as dt
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Status

from bench.urls_storm import _user, floor
from config.urls import urlpatterns as product_urlpatterns
from zhijia.api.benefits import ErrorOut
from zhijia.benefits.models import Campaign, Voucher
from zhijia.members.enums import ACTIVE_STATUSES
from zhijia.members.models import Membership
from zhijia.members.services.card import person_of

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _answer(code: str, status: int = 409) -> JsonResponse:
    return JsonResponse({"code": code}, status=status)


@csrf_exempt
def naive_claim(request: HttpRequest, campaign_id: uuid.UUID) -> JsonResponse:
    """Check-then-insert, the way it is usually first written. Do not copy."""
    user = _user(request)
    if user is None or request.method != "POST":
        return _answer("unauthorized", 401)
    person = person_of(user)
    if person is None or not Membership.objects.filter(person=person, status__in=ACTIVE_STATUSES).exists():
        return _answer("not_eligible", 403)
    now = timezone.now()
    try:
        with transaction.atomic():
            campaign = Campaign.objects.get(pk=campaign_id)
            rnd = campaign.rounds.filter(opens_at__lte=now, closes_at__gt=now).first()
            if rnd is None:
                return _answer("not_open")
            if Voucher.objects.filter(campaign=campaign, person=person).exists():
                return _answer("already_claimed")
            if Voucher.objects.filter(round=rnd).count() >= rnd.stock:
                return _answer("sold_out")
            voucher = Voucher.objects.create(
                campaign=campaign,
                round=rnd,
                person=person,
                user=user,
                claim_key=f"{person.pk}:1",
                code="".join(secrets.choice(CODE_ALPHABET) for _ in range(12)),
                face_value=campaign.face_value,
                threshold=campaign.threshold,
                claimed_at=now,
                valid_from=campaign.valid_from,
                expires_at=min(campaign.valid_until, now + dt.timedelta(days=campaign.valid_days or 36500)),
                idempotency_key=request.headers.get("Idempotency-Key", "")[:100],
            )
    except IntegrityError:
        return _answer("already_claimed")
    return JsonResponse(
        {"voucher_id": str(voucher.pk), "code": voucher.code, "expires_at": voucher.expires_at.isoformat()},
        status=201,
    )


ninja_floor = NinjaAPI(urls_namespace="bench_ninja", docs_url=None, openapi_url=None)


@ninja_floor.post("/{campaign_id}/claims", response={409: ErrorOut}, auth=None)
def ninja_shed(request: HttpRequest, campaign_id: str) -> Status:
    return Status(
        409, {"code": "sold_out", "message": "All vouchers of this round have been claimed.", "fields": {}}
    )


urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/ninja/", ninja_floor.urls),
    path("bench/naive/<uuid:campaign_id>/claims", naive_claim, name="bench_naive_claim"),
    *product_urlpatterns,
]
