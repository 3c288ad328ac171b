"""Personal-data rights: self export, consent withdrawal, requests, anonymisation."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from zhijia.core.errors import Conflict
from zhijia.core.models import AuditEntry
from zhijia.members.models import Consent, DataRequest, Membership, Person
from zhijia.members.services import registry, rights

from . import registry_support as support
from .registry_support import cn_id, person_data

register = support.register  # a shared fixture
worker_member = support.worker_member  # a shared fixture


def _raw(table: str, columns: str, pk) -> tuple:
    with connection.cursor() as cursor:
        for value in (pk.hex, str(pk)):
            cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [value])
            row = cursor.fetchone()
            if row:
                return row
    raise AssertionError("row not found")


def test_h5_export_contains_own_data_in_clear_and_is_audited(demo, worker_member, client):
    worker, m = worker_member()
    registry.family_add(
        actor=None, membership=m, data={"relation": "child", "name": "张小", "birth_date": "2018-05-01"}
    )
    client.force_login(worker)
    response = client.get(reverse("h5:my_data_export"))
    assert response.status_code == 200 and response["X-Zhijia-Reveal"] == "1"
    data = json.loads(response.content)
    assert data["person"]["id_number"] == person_data()["id_number"]
    assert data["person"]["phone"] == "13700000002" and data["family"][0]["name"] == "张小"
    assert data["memberships"][0]["member_no"] == m.member_no
    assert data["memberships"][0]["history"][0]["kind"] == "joined"
    assert "id_index" not in data["person"]
    assert AuditEntry.objects.filter(action="member.self_export", object_id=str(m.person_id)).count() == 1
    page = client.get(reverse("h5:my_data"))
    assert page.status_code == 200 and 'data-testid="my-data-export"' in page.content.decode()


def test_api_export_and_requests(demo, worker_member, api_client):
    worker, _m = worker_member()
    api = api_client.login(worker.username)
    response = api.get("/api/v1/me/data")
    assert response.status_code == 200 and response["X-Zhijia-Reveal"] == "1"
    assert response.json()["person"]["name"] == "张三"
    bad = api.post("/api/v1/me/data-requests", {"kind": "correction", "detail": ""})
    assert bad.status_code == 400 and "detail" in bad.json()["fields"]
    created = api.post("/api/v1/me/data-requests", {"kind": "correction", "detail": "住址写错了"})
    assert created.status_code == 201 and created.json()["status"] == "open"
    again = api.post("/api/v1/me/data-requests", {"kind": "correction", "detail": "再说一次"})
    assert again.status_code == 409 and again.json()["code"] == "request_open"
    staff = api_client.__class__().login("futian_staff")
    assert staff.get("/api/v1/me/data").status_code == 404


def test_consent_withdrawal_is_recorded_and_audited(demo, worker_member, client):
    worker, m = worker_member()
    consent = Consent.objects.create(
        person=m.person, purpose="sensitive", notice_version="2026-01", given_at=timezone.now()
    )
    _other_worker, other = worker_member(
        phone="13700000003", name="李四", id_number=cn_id(seq="456"), org="西乡工联会"
    )
    foreign = Consent.objects.create(
        person=other.person, purpose="sensitive", notice_version="2026-01", given_at=timezone.now()
    )
    client.force_login(worker)
    assert client.post(reverse("h5:consent_withdraw", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("h5:consent_withdraw", args=[consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None
    entry = AuditEntry.objects.get(action="consent.withdraw")
    assert entry.data["purpose"] == "sensitive" and entry.org_id == m.org_id
    with pytest.raises(Conflict):
        rights.consent_withdraw(actor=worker, person=m.person, consent_id=consent.pk)
    page = client.get(reverse("h5:my_data")).content.decode()
    assert 'data-testid="consent-withdrawn"' in page


def test_anonymisation_clears_raw_columns_and_keeps_counts(demo, worker_member, staff_client):
    worker, m = worker_member()
    registry.family_add(
        actor=None,
        membership=m,
        data={
            "relation": "child",
            "name": "张小",
            "birth_date": "2018-05-01",
            "id_number": cn_id("20180501", "222"),
        },
    )
    request = rights.data_request_create(actor=worker, person=m.person, kind="deletion", detail="请删除")
    members_before = Membership.objects.filter(org=m.org).count()
    client = staff_client("futian_staff")
    listing = client.get(reverse("staff:data_request_list")).content.decode()
    assert 'data-testid="request-row"' in listing
    assert (
        staff_client("baoan_staff").get(reverse("staff:data_request_detail", args=[request.pk])).status_code
        == 404
    )
    response = client.post(reverse("staff:data_request_detail", args=[request.pk]), {"action": "anonymise"})
    assert response.status_code == 302
    name, id_number, id_index, phone, phone_index, last4, user_id, when = _raw(
        "members_person",
        "name, id_number, id_index, phone, phone_index, phone_last4, user_id, anonymised_at",
        m.person_id,
    )
    assert name == "已注销" and id_number == "" and id_index is None
    assert phone == "" and phone_index == "" and last4 == "" and user_id is None and when is not None
    assert not m.person.family.exists()
    assert Membership.objects.filter(org=m.org).count() == members_before
    assert Membership.objects.get(pk=m.pk).status == "withdrawn"
    request.refresh_from_db()
    assert request.status == "done" and request.detail == ""
    assert AuditEntry.objects.filter(action="person.anonymise").count() == 1
    with pytest.raises(Conflict):
        rights.person_anonymise(actor=None, person=Person.objects.get(pk=m.person_id))


def test_handle_a_correction_request(demo, worker_member, staff_client):
    worker, m = worker_member()
    request = rights.data_request_create(
        actor=worker, person=m.person, kind="correction", detail="电话 13700000002 改"
    )
    client = staff_client("futian_staff")
    page = client.get(reverse("staff:data_request_detail", args=[request.pk])).content.decode()
    assert "137****0002" in page and 'data-testid="request-anonymise"' not in page
    refused = client.post(
        reverse("staff:data_request_detail", args=[request.pk]), {"action": "handle", "status": "refused"}
    )
    assert refused.status_code == 200 and 'data-testid="error-answer"' in refused.content.decode()
    client.post(
        reverse("staff:data_request_detail", args=[request.pk]),
        {"action": "handle", "status": "done", "answer": "已改"},
    )
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by.username == "futian_staff"
    assert DataRequest.objects.filter(status="open").count() == 0
