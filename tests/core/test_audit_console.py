"""Who reads the trail (三员分立), the auditor console pages and the /api/v1/audit endpoints."""

import pytest
from django.urls import reverse

from zhijia.accounts.services import user_create, worker_for_phone
from zhijia.core.audit import audit_log
from zhijia.core.audit_chain import seal_pending
from zhijia.core.models import AuditEntry
from zhijia.core.selectors import AuditFilters, audit_list
from zhijia.orgs.access import forget_grants


@pytest.fixture
def national_user(demo):
    return user_create(actor=None, username="national_clerk", password=demo.password, org=demo.org("全总"))


# --- scope -----------------------------------------------------------------------------------


def test_auditor_sees_guangdong_entries_only(demo):
    auditor = demo.user("auditor")
    seen = audit_list(actor=auditor)
    guangdong = demo.org("广东省总").path
    assert seen.filter(action="org.create").exists()
    assert all(e.org_path.startswith(guangdong) for e in seen if e.org_path)
    national = demo.org("全总")
    assert AuditEntry.objects.filter(org=national).exists()
    assert not seen.filter(org=national).exists()


def test_entries_without_org_follow_the_actor_home_unit(demo, national_user):
    auditor = demo.user("auditor")
    mine = audit_log(actor=demo.user("futian_staff"), action="auth.login")
    foreign = audit_log(actor=national_user, action="auth.login")
    unknown = audit_log(actor=None, actor_label="nobody", action="auth.login_failed")
    worker = audit_log(actor=worker_for_phone(phone="13900000002"), action="auth.login")
    visible = set(audit_list(actor=auditor).values_list("id", flat=True))
    assert {mine.id, unknown.id, worker.id} <= visible
    assert foreign.id not in visible


def test_a_narrower_auditor_sees_less(demo):
    from zhijia.orgs.models import Role
    from zhijia.orgs.services import role_grant

    auditor = user_create(actor=None, username="sz_auditor", password=demo.password, org=demo.org("深圳市总"))
    role_grant(actor=None, user=auditor, org=demo.org("深圳市总"), role=Role.objects.get(code="auditor"))
    forget_grants(auditor)
    shenzhen = demo.org("深圳市总").path
    seen = list(audit_list(actor=auditor).exclude(org_path=""))
    assert seen and all(e.org_path.startswith(shenzhen) for e in seen)
    assert not audit_list(actor=auditor).filter(org=demo.org("东莞市总")).exists()


def test_system_admin_reads_nothing(demo):
    assert not audit_list(actor=demo.user("province_admin")).exists()


def test_filters(demo):
    auditor = demo.user("auditor")
    orgs = audit_list(actor=auditor, filters=AuditFilters(action="org"))
    assert set(orgs.values_list("action", flat=True)) == {"org.create"}
    grants = audit_list(actor=auditor, filters=AuditFilters(action="role.grant"))
    assert grants.exists() and set(grants.values_list("action", flat=True)) == {"role.grant"}
    assert not audit_list(actor=auditor, filters=AuditFilters(outcome="denied")).exists()


# --- console ---------------------------------------------------------------------------------


def test_console_list_for_the_auditor(demo, staff_client):
    audit_log(actor=demo.user("futian_staff"), action="test.mask", data={"phone": "13812345678"})
    response = staff_client("auditor").get(reverse("staff:audit_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ('data-testid="audit-filters"', 'data-testid="audit-row"', 'data-testid="audit-verify"'):
        assert testid in html
    assert "138****5678" in html and "13812345678" not in html
    assert "table-responsive" in html


def test_console_filters_and_bad_input(demo, staff_client):
    client = staff_client("auditor")
    response = client.get(reverse("staff:audit_list"), {"action": "role", "since": "2000-01-01"})
    assert response.status_code == 200
    rows = [e for e in response.context["page"]]
    assert rows and {e.action for e in rows} == {"role.grant"}
    response = client.get(reverse("staff:audit_list"), {"since": "not-a-date", "outcome": "bogus"})
    assert response.status_code == 200
    assert set(response.context["errors"]) == {"since", "outcome"}


def test_console_pages_newest_first(demo, staff_client):
    response = staff_client("auditor").get(reverse("staff:audit_list"))
    ids = [e.id for e in response.context["page"]]
    assert ids == sorted(ids, reverse=True)
    assert response.context["page"].paginator.count == audit_list(actor=demo.user("auditor")).count()


def test_console_detail_shows_seal_status(demo, staff_client):
    entry = audit_log(actor=demo.user("futian_staff"), action="test.detail")
    client = staff_client("auditor")
    response = client.get(reverse("staff:audit_detail", args=[entry.key]))
    assert response.status_code == 200 and 'data-seq=""' in response.content.decode()
    seal_pending()
    seq = AuditEntry.objects.get(pk=entry.pk).seal_seq
    assert f'data-seq="{seq}"' in client.get(reverse("staff:audit_detail", args=[entry.key])).content.decode()


def test_console_detail_outside_scope_is_404(demo, staff_client):
    outside = AuditEntry.objects.filter(org=demo.org("全总")).first()
    before = AuditEntry.objects.count()
    response = staff_client("auditor").get(reverse("staff:audit_detail", args=[outside.key]))
    assert response.status_code == 404
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-id").first().action == "access.denied"


def test_console_verify_button(demo, staff_client):
    seal_pending()
    response = staff_client("auditor").post(reverse("staff:audit_verify"))
    assert response.status_code == 200
    assert response.context["result"].ok
    assert 'data-ok="true"' in response.content.decode()
    check = AuditEntry.objects.get(action="audit.verify")
    assert check.actor == demo.user("auditor") and check.outcome == "success"


def test_console_refuses_the_system_admin(demo, staff_client):
    client = staff_client("province_admin")
    assert client.get(reverse("staff:audit_list")).status_code == 403
    # issue 16 §7: an entry inside the admin's grants is 403, one outside them 404, a made-up key 404
    inside = AuditEntry.objects.filter(org=demo.org("福田区总")).first() or audit_log(
        actor=None, action="test.inside", org=demo.org("福田区总")
    )
    outside = AuditEntry.objects.filter(org=demo.org("全总")).first()
    assert client.get(reverse("staff:audit_detail", args=[inside.key])).status_code == 403
    assert client.get(reverse("staff:audit_detail", args=[outside.key])).status_code == 404
    assert client.get(reverse("staff:audit_detail", args=["1"])).status_code == 404


def test_console_needs_login(demo, client):
    assert client.get(reverse("staff:audit_list")).status_code == 302


# --- API -------------------------------------------------------------------------------------


def test_api_list(demo, api_client):
    api = api_client.login("auditor")
    response = api.get("/api/v1/audit", {"action": "org", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == audit_list(actor=demo.user("auditor"), filters=AuditFilters(action="org")).count()
    assert len(body["items"]) == 5 and {i["action"] for i in body["items"]} == {"org.create"}
    moments = [i["at"] for i in body["items"]]
    assert moments == sorted(moments, reverse=True)
    assert all(len(i["id"]) == 32 and not i["id"].isdigit() for i in body["items"])  # opaque keys


def test_api_bad_filter_is_400(demo, api_client):
    response = api_client.login("auditor").get("/api/v1/audit", {"until": "2026-13-45"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"until": [response.json()["fields"]["until"][0]]}


def test_api_refuses_the_system_admin(demo, api_client):
    api = api_client.login("province_admin")
    assert api.get("/api/v1/audit").status_code == 403
    inside = AuditEntry.objects.filter(org=demo.org("福田区总")).first() or audit_log(
        actor=None, action="test.inside", org=demo.org("福田区总")
    )
    assert api.get(f"/api/v1/audit/{inside.key}").status_code == 403
    outside = AuditEntry.objects.filter(org=demo.org("全总")).first()
    assert api.get(f"/api/v1/audit/{outside.key}").status_code == 404


def test_api_detail_outside_scope_is_404(demo, api_client):
    outside = AuditEntry.objects.filter(org=demo.org("全总")).first()
    api = api_client.login("auditor")
    assert api.get(f"/api/v1/audit/{outside.key}").status_code == 404
    inside = audit_list(actor=demo.user("auditor")).first()
    body = api.get(f"/api/v1/audit/{inside.key}").json()
    assert body["id"] == inside.key and "seal_seq" in body
    # sequential numbers are not accepted in URLs, and a changed key is unknown
    assert api.get(f"/api/v1/audit/{inside.pk}").status_code == 404
    changed = ("1" if inside.key[0] != "1" else "2") + inside.key[1:]
    assert api.get(f"/api/v1/audit/{changed}").status_code == 404


def test_opaque_keys_round_trip_and_refuse_anything_else():
    from zhijia.core.ids import opaque_key, opaque_number

    for number in (1, 2, 3, 2**40, 2**63 - 1):
        key = opaque_key(number, "audit-entry")
        assert len(key) == 32 and opaque_number(key, "audit-entry") == number
        assert opaque_number(key, "another-purpose") is None
    assert opaque_key(1, "audit-entry")[:8] != opaque_key(2, "audit-entry")[:8]  # no visible order
    for junk in ("", "1", "zz" * 16, "0" * 32, "0" * 33, None):
        assert opaque_number(junk, "audit-entry") is None


def test_api_list_query_count_does_not_grow(demo, api_client, django_assert_max_num_queries):
    api = api_client.login("auditor")
    for i in range(30):
        audit_log(actor=demo.user("futian_staff"), action="test.many", data={"i": i})
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/audit", {"limit": 50})
    assert len(response.json()["items"]) == 50
