"""Console pages and API of the registry: masking in HTML and JSON (the response scanner fails
any leak), reveal fragments, forms, status actions and scope."""

from django.urls import reverse

from zhijia.core.models import AuditEntry
from zhijia.members.models import Membership

from . import registry_support as support
from .registry_support import cn_id, person_data

grant_user = support.grant_user  # a shared fixture
register = support.register  # a shared fixture


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


def test_list_is_masked_scoped_and_searchable(demo, register, staff_client):
    register()
    register("西乡工联会", name="王五", id_number=cn_id(seq="789"), phone="13933334444")
    client = staff_client("futian_staff")
    html = client.get(url("member_list")).content.decode()
    assert "张*" in html and "张三" not in html and "4403**********" in html and "139****5678" in html
    assert "王*" not in html and 'data-testid="member-create"' in html
    number = person_data()["id_number"].lower()
    response = client.post(
        url("member_list"), {"q": number}, headers={"HX-Request": "true", "HX-Target": "member-results"}
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert response.content.decode().count('data-testid="member-row"') == 1
    page = client.post(url("member_list"), {"q": number}).content.decode()
    assert 'data-testid="member-row"' in page  # echoed masked only (the scanner fails any leak)
    assert client.get(url("member_list"), {"q": number}).status_code == 302  # never in a URL
    by_initials = client.get(url("member_list"), {"q": "zs", "status": "member"}).content.decode()
    assert by_initials.count('data-testid="member-row"') == 1


def test_detail_404_outside_scope_and_403_without_manage(demo, register, staff_client, grant_user):
    m = register("西乡工联会")
    client = staff_client("futian_staff")
    for name in ("member_detail", "member_edit", "member_family_add"):
        assert client.get(url(name, m.pk)).status_code == 404
    assert client.post(url("member_status", m.pk), {"action": "withdraw"}).status_code == 404
    grant_user("baoan_viewer", role="viewer", org="宝安区总")
    viewer = staff_client("baoan_viewer")
    assert viewer.get(url("member_detail", m.pk)).status_code == 200
    assert viewer.get(url("member_edit", m.pk)).status_code == 403
    assert viewer.post(url("member_status", m.pk), {"action": "withdraw"}).status_code == 403
    assert Membership.objects.get(pk=m.pk).status == "member"


def test_reveal_buttons_and_fragment(demo, register, staff_client):
    m = register()
    clerk = staff_client("futian_staff")
    html = clerk.get(url("member_detail", m.pk)).content.decode()
    assert 'data-testid="reveal-id-number"' not in html
    assert "/console/members/transfers/new/?membership=" in html
    assert clerk.post(url("member_reveal", m.pk, "id_number")).status_code == 403
    admin = staff_client("shenzhen_admin")
    assert 'data-testid="reveal-id-number"' in admin.get(url("member_detail", m.pk)).content.decode()
    response = admin.post(url("member_reveal", m.pk, "phone"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["X-Zhijia-Reveal"] == "1" and "no-store" in response["Cache-Control"]
    assert "13912345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="member.reveal", outcome="success").count() == 1
    assert admin.get(url("member_reveal", m.pk, "phone")).status_code == 405


def test_register_edit_status_and_family_through_the_console(demo, staff_client):
    client = staff_client("futian_staff")
    org = demo.org("河套科创工会")
    page = client.get(url("member_create"))
    assert page.status_code == 200 and "宝安" not in page.content.decode()
    bad = client.post(url("member_create"), {**person_data(id_number="440304199003071230"), "org": org.pk})
    assert bad.status_code == 200 and 'data-testid="error-id_number"' in bad.content.decode()
    response = client.post(url("member_create"), {**person_data(), "org": org.pk})
    m = Membership.objects.get()
    assert response.status_code == 302 and response["Location"] == url("member_detail", m.pk)
    edit = client.get(url("member_edit", m.pk)).content.decode()
    assert "139****5678" in edit  # masked help text; the field itself is empty
    client.post(url("member_edit", m.pk), {**person_data(id_number="", phone=""), "employer": "河套科创"})
    m.person.refresh_from_db()
    assert m.person.employer == "河套科创" and m.person.phone == "13912345678"
    client.post(
        url("member_family_add", m.pk), {"relation": "child", "name": "张小", "birth_date": "2018-05-01"}
    )
    assert m.person.family.count() == 1
    client.post(url("member_status", m.pk), {"action": "retain", "reason": "lay_off"})
    assert Membership.objects.get(pk=m.pk).status == "retained"
    client.post(url("member_status", m.pk), {"action": "retain", "reason": "lay_off"})  # invalid now
    detail = client.get(url("member_detail", m.pk)).content.decode()
    assert 'data-kind="retained"' in detail and 'data-testid="member-reinstate"' in detail


def test_api_list_is_masked_and_scoped(demo, register, api_client):
    zs = register()
    register("西乡工联会", name="王五", id_number=cn_id(seq="789"), phone="13933334444")
    api = api_client.login("futian_staff")
    body = api.get("/api/v1/members").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "张*" and item["id_number"].startswith("4403**") and item["phone"] == "139****5678"
    assert api.get("/api/v1/members", {"q": "zs"}).json()["count"] == 1
    assert api.get("/api/v1/members", {"q": "ww"}).json()["count"] == 0
    assert api.get("/api/v1/members", {"org": str(demo.org("宝安区总").pk)}).status_code == 404
    detail = api.get(f"/api/v1/members/{zs.pk}").json()
    assert detail["history"][0]["kind"] == "joined" and detail["member_no"] == zs.member_no
    ww = Membership.objects.get(person__name="王五")
    assert api.get(f"/api/v1/members/{ww.pk}").status_code == 404
    assert api_client.login("auditor").get("/api/v1/members").status_code == 403


def test_history_speaks_words_not_codes_or_ids(demo, staff_client):
    """Issue 16: the history showed "joined → 福保街道" and "join application <uuid>"."""
    import re

    from tests.members.joining_support import apply_to
    from zhijia.members.services import joining

    app = apply_to(demo.org("河套科创工会"), 9)
    membership = joining.application_approve(actor=None, application=app).membership
    html = staff_client("futian_staff").get(url("member_detail", membership.pk)).content.decode()
    history = html.split('data-testid="member-history"')[1].split("</ol>")[0]
    assert ">joined<" not in history and f"join application {app.pk}" not in history
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", history)
    assert "Approved from an online join application" in history or "网上入会申请" in history
