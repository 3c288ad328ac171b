"""Voucher codes and QR payloads; the cache helpers with the cache up and down."""

import pytest
from django.core import signing
from django.utils import timezone

from zhijia.benefits import cache, codes
from zhijia.core.errors import ValidationFailed


class V:
    code = "ABCD2345WXYZ"


def test_codes_are_random_and_unambiguous():
    many = {codes.new_code() for _ in range(2000)}
    assert len(many) == 2000
    assert all(len(c) == 12 and set(c) <= set(codes.ALPHABET) for c in many)
    assert not set("01IO") & set(codes.ALPHABET)


def test_qr_round_trip_and_tampering():
    qr = codes.voucher_qr(V)
    assert qr.startswith("ABCD2345WXYZ:") and codes.parse(qr) == V.code
    assert codes.parse(" abcd-2345 wxyz ") == V.code
    forged = signing.Signer(salt="something.else").sign(V.code)
    for bad in (forged, "ABCD2345WXYA:" + qr.split(":", 1)[1], qr + "x", "ABCD2345WXY0", "x" * 300):
        with pytest.raises(ValidationFailed) as info:
            codes.parse(bad)
        assert info.value.code == "bad_code"


def test_mask_code():
    assert codes.mask_code("ABCD2345WXYZ") == "ABCD****WXYZ"


def test_gate_with_redis_down_answers_none_and_never_raises(redis_down):
    assert redis_down.gate("c", "u", "k") is None
    redis_down.mark_sold_out("c", next_opens_at=None, now=timezone.now())
    assert redis_down.throttle("claim", "u", limit=0) is False  # cannot count: never limits
    assert redis_down.remaining(type("C", (), {"pk": "c"})(), compute=lambda c: 7) == 7


def test_throttle_counts_per_window():
    assert [cache.throttle("t", "me", limit=2) for _ in range(4)] == [False, False, True, True]
    assert cache.throttle("t", "someone-else", limit=2) is False


def test_remaining_is_cached_briefly():
    calls = []

    class C:
        pk = "camp"

    def compute(c):
        calls.append(1)
        return 5

    assert cache.remaining(C, compute=compute) == 5
    assert cache.remaining(C, compute=compute) == 5
    assert len(calls) == 1
