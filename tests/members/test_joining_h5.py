"""Worker H5: the join form (logged-in workers only, QR pre-selection surviving the login), the
status page, the union search fragment and "my transfer"."""

from django.test import Client
from django.urls import reverse

from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.members.models import JoinApplication, Transfer

from .joining_support import cn_id, member_of

WORKER_PHONE = "13900001212"


def form(**extra):
    data = {
        "name": "王快递",
        "id_type": "cn_resident",
        "id_number": cn_id(11),
        "occupation": "courier",
        "has_union": "no",
        "consent": "on",
    }
    return {**data, **extra}


def logged_in(phone: str = WORKER_PHONE) -> Client:
    client = Client()
    client.force_login(worker_for_phone(phone=phone))
    return client


def test_join_page_offers_everything_and_new_forms_of_work_first(demo):
    html = logged_in().get(reverse("h5:join")).content.decode()
    for testid in (
        "join-id-number",
        "union-search-workplace",
        "union-search-area",
        "join-consent",
        "privacy-notice",
    ):
        assert f'data-testid="{testid}"' in html
    assert (
        'data-testid="join-notify-employer"' in html
        and "Joining never requires telling your employer" in html
    )
    assert 'name="notify_employer"' in html and 'name="notify_employer" checked' not in html
    assert html.index('value="delivery_rider"') < html.index('value="employee"')
    assert "/api/v1/identity/validate" in html
    assert 'name="phone"' not in html and "139****1212" in html  # the verified phone, masked


def test_anonymous_visitors_are_sent_to_the_login_and_nothing_is_stored(demo):
    union = demo.org("河套科创工会")
    response = Client().get(reverse("h5:join"), {"org": str(union.pk)})
    assert response.status_code == 302
    assert response.url == f"/h5/login/?next=/h5/join/%3Forg%3D{union.pk}"
    posted = Client().post(reverse("h5:join"), form(work_org_id=str(demo.org("福保街道").pk)))
    assert posted.status_code == 302 and posted.url.startswith("/h5/login/?next=")
    assert Client().get(reverse("h5:join_status")).status_code == 302
    assert not JoinApplication.objects.exists()
    assert Client().get(reverse("h5:join_unions"), {"kind": "area", "q": "西乡"}).status_code == 200  # public


def test_a_scanned_qr_survives_the_sms_login(demo, django_capture_on_commit_callbacks):
    union = demo.org("河套科创工会")
    client = Client()
    login_url = client.get(reverse("h5:join"), {"org": str(union.pk)}).url
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            login_url, {"action": "send", "phone": WORKER_PHONE, "next": f"/h5/join/?org={union.pk}"}
        )
    assert sent.status_code == 302 and sent.url == login_url
    page = client.get(login_url).content.decode()
    assert f'name="next" value="/h5/join/?org={union.pk}"' in page
    done = client.post(
        login_url, {"action": "login", "code": sms.outbox[-1]["code"], "next": f"/h5/join/?org={union.pk}"}
    )
    sms.outbox.clear()
    assert done.status_code == 302 and done.url == f"/h5/join/?org={union.pk}"
    assert 'data-testid="join-preselected"' in client.get(done.url).content.decode()


def test_rider_is_routed_and_sees_the_status(demo):
    client = logged_in()
    response = client.post(reverse("h5:join"), form(work_org_id=str(demo.org("福保街道").pk)))
    assert response.status_code == 302 and response.url == reverse("h5:join_status")
    app = JoinApplication.objects.select_related("person").get()
    assert app.routed and app.org == demo.org("福保街道") and app.source == "h5" and not app.notify_employer
    assert app.person.phone == WORKER_PHONE
    status = client.get(reverse("h5:join_status")).content.decode()
    assert "福田区福保街道总工会" in status and app.due_on.isoformat() in status
    assert 'data-status="submitted"' in status and 'data-testid="join-withdraw"' in status
    other = logged_in("13900001313").get(reverse("h5:join_status")).content.decode()
    assert 'data-testid="join-status"' not in other and 'data-testid="join-status-none"' in other


def test_consent_missing_keeps_the_form_and_stores_nothing(demo):
    response = logged_in().post(
        reverse("h5:join"), form(consent="", work_org_id=str(demo.org("福保街道").pk))
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="error-consent"' in html
    assert not JoinApplication.objects.exists()
    assert cn_id(11) not in html  # the scanner checks this too: the number is never echoed whole
    assert "福田区福保街道总工会" in html  # the union picked is shown again


def test_qr_preselects_the_union(demo):
    union = demo.org("河套科创工会")
    client = logged_in()
    page = client.get(reverse("h5:join"), {"org": str(union.pk)}).content.decode()
    assert 'data-testid="join-preselected"' in page and union.name in page
    response = client.post(reverse("h5:join") + f"?org={union.pk}", form(has_union=""))
    assert response.status_code == 302
    app = JoinApplication.objects.get()
    assert (app.org, app.workplace_org, app.source) == (union, union, "qr")


def test_union_search_fragment(demo):
    html = Client().get(reverse("h5:join_unions"), {"kind": "area", "q": "西乡"}).content.decode()
    assert "<html" not in html and html.count('data-testid="union-option"') == 2  # street and 工联会
    assert 'name="work_org_id"' in html


def test_worker_applies_as_themself_and_can_withdraw(demo):
    worker = worker_for_phone(phone="13900003434")
    client = Client()
    client.force_login(worker)
    data = form(has_union="yes", workplace_org_id=str(demo.org("河套科创工会").pk), notify_employer="on")
    data["phone"] = "13800000000"  # a posted phone is ignored: the verified one is used
    assert client.post(reverse("h5:join"), data).status_code == 302
    app = JoinApplication.objects.select_related("person").get()
    assert app.person.user == worker and app.person.phone == "13900003434" and app.notify_employer
    assert client.post(reverse("h5:join_withdraw", args=[app.pk])).status_code == 302
    assert JoinApplication.objects.get().status == "withdrawn"


def test_my_transfer(demo):
    worker = worker_for_phone(phone="13900005656")
    client = Client()
    client.force_login(worker)
    assert 'data-testid="transfer-no-membership"' in client.get(reverse("h5:join_transfer")).content.decode()
    member_of(demo.org("河套科创工会"), actor=worker)
    page = client.get(reverse("h5:join_transfer"), {"q": "臣田"}).content.decode()
    assert 'data-testid="transfer-candidate"' in page
    assert (
        client.post(reverse("h5:join_transfer"), {"to_org": str(demo.org("臣田园区").pk)}).status_code == 302
    )
    tr = Transfer.objects.get()
    assert tr.requested_by == worker and tr.to_org == demo.org("臣田园区")
    assert 'data-testid="transfer-open"' in client.get(reverse("h5:join_transfer")).content.decode()
    assert client.post(reverse("h5:join_transfer"), {"action": "cancel"}).status_code == 302
    assert Transfer.objects.get().status == "cancelled"
    assert Client().get(reverse("h5:join_transfer")).status_code == 302  # anonymous: to the login page
