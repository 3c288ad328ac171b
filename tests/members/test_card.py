"""The e-member card: token round trip, tampering, expiry, who may verify, the H5 page."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from zhijia.core.errors import PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.members.services import card
from zhijia.members.services.registry import member_withdraw

from . import registry_support as support
from .registry_support import cn_id

register = support.register  # a shared fixture
worker_member = support.worker_member  # a shared fixture


def test_round_trip_any_union_staff_may_identify_a_member(demo, register):
    m = register("西乡工联会")  # a 宝安 member checked at a 福田 station
    issued = card.card_token_issue(membership=m)
    assert str(m.pk) in issued.token and issued.expires_at > timezone.now()
    result = card.card_verify(actor=demo.user("futian_staff"), token=issued.token)
    assert result.valid and result.masked_name == "张*" and result.member_no == m.member_no
    assert result.org_name == m.org.name and result.status == "member"
    entry = AuditEntry.objects.get(action="member.card_verify")
    assert entry.outcome == "success" and entry.object_id == str(m.pk)


def test_tampered_and_foreign_tokens_are_invalid(demo, register):
    m = register()
    other = register("西乡工联会", name="王五", id_number=cn_id(seq="789"), phone="13933334444")
    token = card.card_token_issue(membership=m).token
    forged = token.replace(str(m.pk), str(other.pk))
    for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "", "hello"):
        with pytest.raises(ValidationFailed) as exc:
            card.card_verify(actor=demo.user("futian_staff"), token=bad)
        assert exc.value.code == "card_invalid"
    assert AuditEntry.objects.filter(action="member.card_verify", outcome="failure").count() == 4


def test_token_expires_after_five_minutes(demo, register):
    m = register()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = card.card_token_issue(membership=m).token
        traveller.shift(timedelta(minutes=4, seconds=50))
        assert card.card_verify(actor=demo.user("futian_staff"), token=token).valid
        traveller.shift(timedelta(seconds=20))
        with pytest.raises(ValidationFailed) as exc:
            card.card_verify(actor=demo.user("futian_staff"), token=token)
    assert exc.value.code == "card_expired"


def test_verify_needs_members_view_somewhere(demo, register):
    token = card.card_token_issue(membership=register()).token
    with pytest.raises(PermissionDenied):
        card.card_verify(actor=demo.user("auditor"), token=token)


def test_a_withdrawn_members_card_is_not_valid(demo, register):
    m = register()
    token = card.card_token_issue(membership=m).token
    member_withdraw(actor=None, membership=m)
    assert not card.card_verify(actor=demo.user("futian_staff"), token=token).valid


def test_api_card_and_verify(demo, worker_member, api_client):
    worker, m = worker_member()
    api = api_client.login(worker.username)
    body = api.get("/api/v1/me/member-card").json()
    assert body["member_no"] == m.member_no and body["org_name"] == m.org.name and body["status"] == "member"
    staff = api_client.__class__().login("baoan_staff")
    checked = staff.post("/api/v1/member-cards/verify", {"token": body["token"]})
    assert checked.status_code == 200 and checked.json()["name"] == "张*" and checked.json()["valid"]
    bad = staff.post("/api/v1/member-cards/verify", {"token": body["token"] + "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "card_invalid"
    assert api.post("/api/v1/member-cards/verify", {"token": body["token"]}).status_code == 403
    assert api_client.__class__().login("futian_staff").get("/api/v1/me/member-card").status_code == 404


def test_h5_card_shows_a_qr_and_no_full_identity(demo, worker_member, client):
    worker, m = worker_member()
    client.force_login(worker)
    response = client.get(reverse("h5:member_card"))
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and "张三" in html and m.member_no in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    code = client.get(reverse("h5:member_card_code"), headers={"HX-Request": "true"})
    assert (
        code.status_code == 200 and "<svg" in code.content.decode() and "<html" not in code.content.decode()
    )


def test_h5_card_without_membership_and_staff_page(demo, worker_member, client, staff_client):
    from zhijia.accounts.services import worker_for_phone

    client.force_login(worker_for_phone(phone="13600000009"))
    assert 'data-testid="card-none"' in client.get(reverse("h5:member_card")).content.decode()
    _worker, m = worker_member()
    token = card.card_token_issue(membership=m).token
    staff = staff_client("baoan_staff")
    assert staff.get(reverse("staff:card_verify")).status_code == 200
    result = staff.post(reverse("staff:card_verify"), {"token": token}, headers={"HX-Request": "true"})
    html = result.content.decode()
    assert 'data-valid="true"' in html and "张*" in html and m.member_no in html
    bad = staff.post(reverse("staff:card_verify"), {"token": "nope"}).content.decode()
    assert 'data-error-code="card_invalid"' in bad
