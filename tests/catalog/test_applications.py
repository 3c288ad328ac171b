"""Online applications (在线申请) for listed services: the worker applies on the phone or through
the API for an item marked "online"; the list's union accepts with a reply or declines with a
reason in the console or the API; the service given writes one ledger row; the worker follows
the answer and may withdraw. One set of services behind the three interfaces."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.activities.support import worker, worker_user
from tests.catalog.conftest import make_list
from tests.dispatch.support import staff
from zhijia.accounts import sms
from zhijia.catalog import applications as svc
from zhijia.catalog import services
from zhijia.catalog.enums import ApplicationStatus
from zhijia.catalog.models import ServiceApplication, ServiceItem
from zhijia.catalog.permissions import access_application
from zhijia.catalog.selectors import applicable_item
from zhijia.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from zhijia.core.models import AuditEntry
from zhijia.records.models import ServiceRecord
from zhijia.staff.todo import todo_items

pytestmark = pytest.mark.django_db
S = ApplicationStatus
API = "/api/v1"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def w(demo):
    """福保街道's published list: 法律咨询预约 (online and phone) and 职工书屋 (walk in only); a
    worker who is a member there, and a clerk of 福保街道."""
    fubao = demo.org("福保街道")
    clerk = staff(fubao)
    service_list = make_list(fubao, clerk, publish=False, categories=(("维权服务", ()),))
    version = service_list.versions.get()
    category = version.categories.get()
    online = services.item_add(
        actor=clerk,
        category=category,
        name="法律咨询预约",
        access_modes=["online", "phone"],
        audience="辖区职工",
        contact="0755-83000000",
    )
    walk_in = services.item_add(actor=clerk, category=category, name="职工书屋", access_modes=["walk_in"])
    services.service_list_publish(actor=clerk, service_list=service_list)
    user, person = worker(fubao, phone="13700001111", name="林小梅")
    return type(
        "W",
        (),
        {"fubao": fubao, "clerk": clerk, "list": service_list, "online": online, "walk_in": walk_in,
         "user": user, "person": person},
    )  # fmt: skip


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(w, **kwargs) -> ServiceApplication:
    return svc.application_submit(actor=w.user, item=w.online, **{"name": "林小梅", "note": "", **kwargs})


# --- services ------------------------------------------------------------------------------------


def test_submit_accept_deliver_writes_one_ledger_row_and_tells_the_worker(w):
    app = submit(w, note="工资被拖欠三个月，想咨询如何维权")
    assert (app.status, app.org, app.person, app.service_list) == (S.SUBMITTED, w.fubao, w.person, w.list)
    app = svc.application_accept(actor=w.clerk, application=app, reply="请周三上午带劳动合同到服务站")
    assert app.status == S.ACCEPTED and app.decided_by == w.clerk and app.reply.startswith("请周三")
    assert sms.outbox == [] or all(m["phone"] == "13700001111" for m in sms.outbox)
    app = svc.application_deliver(actor=w.clerk, application=app)
    assert app.status == S.DELIVERED and app.delivered_at is not None
    row = ServiceRecord.objects.get(source="listed", source_id=app.pk)
    assert (row.org_id, row.person_id, row.title, row.qty) == (w.fubao.pk, w.person.pk, "法律咨询预约", 1)
    with pytest.raises(Conflict) as exc:
        svc.application_deliver(actor=w.clerk, application=app)
    assert exc.value.code == "invalid_transition"
    assert ServiceRecord.objects.filter(source="listed").count() == 1
    actions = list(
        AuditEntry.objects.filter(action__startswith="catalog.application").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["catalog.application.submit", "catalog.application.accept", "catalog.application.deliver"]
    )
    assert all(
        "13700001111" not in str(e.data) and "林小梅" not in str(e.data) for e in AuditEntry.objects.all()
    )


def test_the_worker_is_told_by_sms_on_commit(w, django_capture_on_commit_callbacks):
    app = submit(w)
    with django_capture_on_commit_callbacks(execute=True):
        svc.application_decline(actor=w.clerk, application=app, reason="本服务仅限本街道企业职工")
    assert [(m["phone"], m["template"]) for m in sms.outbox] == [
        ("13700001111", "catalog_application_declined")
    ]
    assert sms.outbox[0]["params"]["title"] == "法律咨询预约"


def test_decline_needs_a_reason_and_ends_the_application(w):
    app = submit(w)
    with pytest.raises(ValidationFailed) as exc:
        svc.application_decline(actor=w.clerk, application=app, reason="  ")
    assert "reason" in exc.value.fields
    app = svc.application_decline(actor=w.clerk, application=app, reason="名额已满")
    for step in (
        lambda: svc.application_accept(actor=w.clerk, application=app),
        lambda: svc.application_withdraw(actor=w.user, application=app),
    ):
        with pytest.raises(Conflict):
            step()
    assert not ServiceRecord.objects.filter(source="listed").exists()


def test_submit_refusals(w):
    with pytest.raises(PermissionDenied):
        svc.application_submit(actor=w.clerk, item=w.online, name="干事")
    with pytest.raises(Conflict) as exc:
        svc.application_submit(actor=w.user, item=w.walk_in, name="林小梅")
    assert exc.value.code == "not_online"
    for name, note, field in (
        ("", "", "name"),
        ("名" * 51, "", "name"),
        ("林\x00", "", "name"),
        ("林", "x" * 1001, "note"),
    ):
        with pytest.raises(ValidationFailed) as bad:
            svc.application_submit(actor=w.user, item=w.online, name=name, note=note)
        assert field in bad.value.fields
    submit(w)
    with pytest.raises(Conflict) as exc:
        submit(w)
    assert exc.value.code == "already_applied"
    assert ServiceApplication.objects.count() == 1


def test_a_worker_has_at_most_five_open_applications(w):
    version = w.list.versions.get(status="published")
    category = version.categories.get()
    for n in range(svc.MAX_OPEN):
        item = ServiceItem.objects.create(category=category, name=f"在线服务{n}", access_modes=["online"])
        svc.application_submit(actor=w.user, item=item, name="林小梅")
    with pytest.raises(Conflict) as exc:
        submit(w)
    assert exc.value.code == "too_many_applications"
    first = ServiceApplication.objects.order_by("created_at", "pk").first()
    svc.application_withdraw(actor=w.user, application=first)
    assert submit(w).status == S.SUBMITTED


def test_a_worker_outside_the_register_may_apply_and_counts_anonymously(w):
    stranger = worker_user("13700002222")
    app = svc.application_submit(actor=stranger, item=w.online, name="陈先生")
    assert app.person is None
    svc.application_accept(actor=w.clerk, application=app)
    svc.application_deliver(actor=w.clerk, application=app)
    assert ServiceRecord.objects.get(source="listed").person_id is None


def test_the_applications_are_in_the_persons_export_and_cleared_by_anonymisation(w):
    """What the worker typed into an application is their personal data: it is in their own
    export, and their anonymisation clears it and withdraws what is still open."""
    from zhijia.members.services.rights import ANONYMISED_NAME, person_anonymise, self_export

    delivered = submit(w, note="工资被拖欠三个月")
    svc.application_accept(actor=w.clerk, application=delivered)
    svc.application_deliver(actor=w.clerk, application=delivered)
    exported = self_export(actor=w.user, person=w.person)["service_applications"]
    assert [(a["service"], a["name"], a["note"], a["status"]) for a in exported] == [
        ("法律咨询预约", "林小梅", "工资被拖欠三个月", S.DELIVERED)
    ]
    person_anonymise(actor=w.clerk, person=w.person)
    delivered.refresh_from_db()
    assert (delivered.name, delivered.note, delivered.status) == (ANONYMISED_NAME, "", S.DELIVERED)
    assert ServiceRecord.objects.filter(source="listed", source_id=delivered.pk).count() == 1


def test_anonymisation_withdraws_an_open_application(w):
    from zhijia.members.services.rights import ANONYMISED_NAME, person_anonymise

    app = submit(w, note="想咨询劳动合同")
    person_anonymise(actor=w.clerk, person=w.person)
    app.refresh_from_db()
    assert (app.name, app.note, app.status) == (ANONYMISED_NAME, "", S.WITHDRAWN)


def test_only_items_of_the_published_version_marked_online_are_applicable(w):
    assert applicable_item(id=w.online.pk) == w.online
    for bad in (w.walk_in.pk, "not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            applicable_item(id=bad)
    draft = services.service_list_draft(actor=w.clerk, service_list=w.list)
    copy = ServiceItem.objects.get(category__version=draft, name="法律咨询预约")
    with pytest.raises(NotFound):  # a draft's copy is not applicable yet
        applicable_item(id=copy.pk)
    services.service_list_publish(actor=w.clerk, service_list=w.list)
    with pytest.raises(NotFound):  # the superseded version's item no longer is
        applicable_item(id=w.online.pk)
    assert applicable_item(id=copy.pk) == copy


def test_staff_scope_404_outside_403_without_the_capability(w, demo):
    app = submit(w)
    assert access_application(actor=demo.user("futian_staff"), id=app.pk) == app  # 福田 is above 福保
    with pytest.raises(NotFound):
        access_application(actor=demo.user("baoan_staff"), id=app.pk)
    with pytest.raises(PermissionDenied):
        access_application(actor=staff(w.fubao, role="viewer"), id=app.pk)
    with pytest.raises(NotFound):
        access_application(actor=w.user, id=app.pk)


def test_the_console_to_do_counts_waiting_applications(w, demo):
    submit(w)
    items = {i["key"]: i for i in todo_items(w.clerk)}
    assert items["service_applications"]["count"] == 1
    assert "service_applications" not in {i["key"] for i in todo_items(demo.user("baoan_staff"))}


# --- phone pages ---------------------------------------------------------------------------------


def test_the_list_page_offers_apply_online_only_where_marked(w):
    html = Client().get(reverse("h5:service_list", args=[w.list.pk])).content.decode()
    assert html.count('data-testid="apply-online"') == 1
    assert reverse("h5:service_apply", args=[w.online.pk]) in html


def test_apply_on_the_phone_then_follow_the_answer_and_withdraw(w):
    url = reverse("h5:service_apply", args=[w.online.pk])
    assert Client().get(url).status_code == 302  # to the phone login
    client = logged_in(w.user)
    page = client.get(url).content.decode()
    assert "法律咨询预约" in page and 'value="林小梅"' in page and "0755-83000000" in page
    response = client.post(url, {"name": "林小梅", "note": "想咨询加班费"})
    assert response.status_code == 302 and response["Location"] == reverse("h5:service_applications")
    app = ServiceApplication.objects.get()
    assert (app.applicant, app.note, app.status) == (w.user, "想咨询加班费", S.SUBMITTED)
    again = client.post(url, {"name": "林小梅"})
    assert again.status_code == 409 and b'data-error-code="already_applied"' in again.content
    svc.application_accept(actor=w.clerk, application=app, reply="请周三上午到服务站")
    mine = client.get(reverse("h5:service_applications")).content.decode()
    assert 'data-status="accepted"' in mine and "请周三上午到服务站" in mine
    withdraw = reverse("h5:service_application_withdraw", args=[app.pk])
    assert logged_in(worker_user()).post(withdraw).status_code == 404
    assert client.post(withdraw).status_code == 302
    app.refresh_from_db()
    assert app.status == S.WITHDRAWN


def test_apply_page_field_errors_and_404s(w):
    client = logged_in(w.user)
    url = reverse("h5:service_apply", args=[w.online.pk])
    bad = client.post(url, {"name": "", "note": "x"})
    assert bad.status_code == 400 and b'data-testid="error-name"' in bad.content
    long = client.post(url, {"name": "林", "note": "x" * 1001})
    assert long.status_code == 400 and b'data-testid="error-note"' in long.content
    assert client.get(reverse("h5:service_apply", args=[w.walk_in.pk])).status_code == 404
    assert client.get("/h5/services/items/00000000-0000-0000-0000-000000000000/apply/").status_code == 404
    assert not ServiceApplication.objects.exists()


def test_declined_shows_the_reason_on_the_phone(w):
    app = submit(w)
    svc.application_decline(actor=w.clerk, application=app, reason="本服务仅限本街道企业职工")
    mine = logged_in(w.user).get(reverse("h5:service_applications")).content.decode()
    assert 'data-testid="application-reason"' in mine and "仅限本街道企业职工" in mine
    assert 'data-testid="application-withdraw"' not in mine


# --- console -------------------------------------------------------------------------------------


def test_console_list_and_answers(w, demo):
    app = submit(w, note="想咨询加班费")
    console = logged_in(w.clerk)
    listing = console.get(reverse("staff:service_applications")).content.decode()
    assert (
        'data-testid="application-row"' in listing and "法律咨询预约" in listing and "想咨询加班费" in listing
    )
    url = reverse("staff:service_application", args=[app.pk])
    page = console.get(url).content.decode()
    assert "林小梅" in page and "137****1111" in page and "13700001111" not in page
    empty = console.post(url, {"step": "decline", "reason": ""})
    assert empty.status_code == 400 and b'data-testid="answer-error"' in empty.content
    assert console.post(url, {"step": "nonsense"}).status_code == 400
    assert console.post(url, {"step": "accept", "reply": "请周三上午到服务站"}).status_code == 302
    assert console.post(url, {"step": "accept"}).status_code == 409
    assert console.post(url, {"step": "deliver"}).status_code == 302
    app.refresh_from_db()
    assert app.status == S.DELIVERED and ServiceRecord.objects.filter(source="listed").count() == 1
    done = console.get(reverse("staff:service_applications"), {"status": "delivered"}).content.decode()
    assert 'data-status="delivered"' in done
    assert logged_in(demo.user("baoan_staff")).get(url).status_code == 404
    assert logged_in(staff(w.fubao, role="viewer")).get(url).status_code == 403
    assert (
        logged_in(staff(w.fubao, role="viewer")).get(reverse("staff:service_applications")).status_code == 403
    )


# --- API -----------------------------------------------------------------------------------------


def api(user):
    from tests.conftest import ApiClient

    return ApiClient().login(user.username)


def test_api_apply_answer_and_withdraw(w, demo):
    worker_api = api(w.user)
    url = f"{API}/service-items/{w.online.pk}/applications"
    created = worker_api.post(url, {"name": "林小梅", "note": "想咨询加班费"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["name"] == "林*梅" and body["phone"] == "137****1111"
    assert body["item"]["name"] == "法律咨询预约" and body["org"]["id"] == str(w.fubao.pk)
    assert worker_api.post(url, {"name": "林小梅"}).status_code == 409
    assert [a["id"] for a in worker_api.get(f"{API}/me/service-applications").json()] == [body["id"]]

    clerk = api(w.clerk)
    assert clerk.post(url, {"name": "干事"}).status_code == 403
    listed = clerk.get(f"{API}/service-applications", {"status": "submitted"}).json()
    assert [a["id"] for a in listed["items"]] == [body["id"]] and "13700001111" not in str(listed)
    assert clerk.get(f"{API}/service-applications/{body['id']}").status_code == 200
    assert api(demo.user("baoan_staff")).get(f"{API}/service-applications/{body['id']}").status_code == 404
    assert api(demo.user("baoan_staff")).get(f"{API}/service-applications").json()["count"] == 0
    declined = clerk.post(f"{API}/service-applications/{body['id']}/decline", {"reason": ""})
    assert declined.status_code == 400 and "reason" in declined.json()["fields"]
    accepted = clerk.post(f"{API}/service-applications/{body['id']}/accept", {"reply": "请周三上午来"})
    assert accepted.status_code == 200 and accepted.json()["reply"] == "请周三上午来"
    assert worker_api.post(f"{API}/service-applications/{body['id']}/deliver").status_code == 404
    withdrawn = worker_api.post(f"{API}/me/service-applications/{body['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert clerk.post(f"{API}/service-applications/{body['id']}/deliver").status_code == 409
    assert clerk.post(f"{API}/me/service-applications/{body['id']}/withdraw").status_code == 404


def test_api_bad_input_is_400_or_404_never_500(w, demo):
    worker_api = api(w.user)
    url = f"{API}/service-items/{w.online.pk}/applications"
    for body in (
        {"name": "林" * 10_000},
        {"name": ["林"]},
        {"name": 10**30},
        {"name": "林", "note": "x" * 100_000},
        {"name": "林", "note": {"a": 1}},
        {},
    ):
        response = worker_api.post(url, body)
        assert response.status_code in (400, 422), (body, response.status_code)
    for item_id in ("nope", "00000000-0000-0000-0000-000000000000", str(w.walk_in.pk), "9" * 400):
        assert (
            worker_api.post(f"{API}/service-items/{item_id}/applications", {"name": "林"}).status_code == 404
        )
    clerk = api(w.clerk)
    for query in ({"status": "nonsense"}, {"offset": 2**70}, {"limit": -1}):
        assert clerk.get(f"{API}/service-applications", query).status_code == 400, query
    for app_id in ("nope", "00000000-0000-0000-0000-000000000000"):
        assert clerk.post(f"{API}/service-applications/{app_id}/accept", {}).status_code == 404
    assert not ServiceApplication.objects.exists()
