"""Issue 16 §4: one idempotency mechanism (core.idempotency) for every keyed write — the same
Idempotency-Key replays the first answer; with another body it is 422 `idempotency_mismatch`,
for enrolments (the review's case: another session_id), voucher claims (another campaign),
expert orders and redemptions."""

import pytest

from tests.activities.support import activity, worker
from tests.benefits.support import campaign, claimer
from zhijia.activities.models import Enrolment
from zhijia.benefits.models import Voucher
from zhijia.benefits.services.claim import voucher_claim
from zhijia.core.errors import ApplicationError
from zhijia.core.idempotency import IdempotencyMismatch, key_from, normalise_key, replay

pytestmark = pytest.mark.django_db


def as_worker(api_client, user):
    from zhijia.accounts.tokens import token_issue

    api_client.token, _ = token_issue(user=user)
    return api_client


def test_enrolment_same_key_other_session_is_422(demo, api_client):
    futian = demo.org("福田区总")
    act = activity(futian, sessions=2, per_session=True, session_capacity=5)
    first_session, second_session = act.sessions.order_by("starts_at")
    user, _person = worker(futian)
    client = as_worker(api_client, user)
    url = f"/api/v1/activities/{act.pk}/enrolments"
    key = {"Idempotency-Key": "tap-1"}
    first = client.post(url, {"session_id": str(first_session.pk)}, headers=key)
    assert first.status_code == 201
    again = client.post(url, {"session_id": str(first_session.pk)}, headers=key)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = client.post(url, {"session_id": str(second_session.pk)}, headers=key)
    assert other.status_code == 422, other.content
    assert other.json()["code"] == "idempotency_mismatch"
    assert Enrolment.objects.filter(person__user=user).count() == 1


def test_enrolment_same_key_other_activity_is_422(demo, api_client):
    futian = demo.org("福田区总")
    one, two = activity(futian), activity(futian)
    user, _person = worker(futian)
    client = as_worker(api_client, user)
    key = {"Idempotency-Key": "tap-2"}
    assert client.post(f"/api/v1/activities/{one.pk}/enrolments", headers=key).status_code == 201
    response = client.post(f"/api/v1/activities/{two.pk}/enrolments", headers=key)
    assert response.status_code == 422 and response.json()["code"] == "idempotency_mismatch"


def test_claim_same_key_other_campaign_is_422(demo):
    org = demo.org("福田区总")
    one, two = campaign(org, total=5), campaign(org, total=5)
    user, _person = claimer(org)
    first = voucher_claim(user=user, campaign_id=one.pk, idempotency_key="k")
    assert voucher_claim(user=user, campaign_id=one.pk, idempotency_key="k").voucher.pk == first.voucher.pk
    with pytest.raises(ApplicationError) as caught:
        voucher_claim(user=user, campaign_id=two.pk, idempotency_key="k")
    assert caught.value.code == "idempotency_mismatch" and caught.value.status == 422
    assert Voucher.objects.filter(user=user).count() == 1


def test_the_rule():
    class Row:
        pk = 7

    row = Row()
    assert replay(None, asked={"a": 1}, stored={"a": 2}) is None
    assert replay(row, asked={"a": 1, "b": None}, stored={"a": "1", "b": ""}) is row
    with pytest.raises(IdempotencyMismatch):
        replay(row, asked={"a": 1}, stored={"a": 2})
    assert normalise_key("  k  ") == "k" and len(normalise_key("x" * 500)) == 100
    assert key_from({"Idempotency-Key": " abc "}) == "abc" and key_from({}) == ""


def test_every_keyed_write_uses_the_one_mechanism():
    """No service or interface reads or compares keys its own way any more."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "zhijia"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text()
        if path.name == "idempotency.py" or "migrations" in path.parts:
            continue
        if re.search(r"headers\.get\(\s*\"Idempotency-Key\"", text):
            offenders.append(f"{path}: reads the header itself (use core.idempotency.key_from)")
        if re.search(r"def _replay\(", text) and "idempotency.replay(" not in text:
            offenders.append(f"{path}: a _replay that does not compare through core.idempotency.replay")
    assert offenders == []
