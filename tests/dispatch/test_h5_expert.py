"""The expert workspace (H5, /h5/expert/): who gets in, my orders by status with the new
dispatches first, the order page (what the union asked, its contact masked and revealable to
call), accept proposing a day and time with a note (nothing pre-filled the union did not ask for),
decline with a required reason (the order leaves the expert at once), the check-in screen
(rotating QR, member card scan, count), the delivery report with photos, and rating the union."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.activities.support import member
from tests.dispatch.support import budget, expert, expert_login, menu, order, staff
from zhijia.accounts import sms
from zhijia.core.models import AuditEntry
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import OrderAttendance, OrderPhoto, ServiceOrder
from zhijia.dispatch.services.checkin import order_checkin_code
from zhijia.members.models import Membership
from zhijia.members.services.card import card_token_issue
from zhijia.records.models import ServiceRecord

S = OrderStatus
HOME = "/h5/expert/"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(demo):
    """新丰县总's menu (a lecture needing 心理咨询师 and a group session), the county budget,
    expert A and expert B (each with a login)."""
    county = demo.org("新丰县总")
    m = menu(
        county,
        items=[
            {"title": "《职场压力与情绪管理》", "qualification": "心理咨询师", "cost": 1800},
            {"title": "OH卡牌团体心理辅导", "format": "group", "audience_max": 30, "cost": 2500},
        ],
    )
    budget(county, amount=50000)
    user_a, a = expert_login(county, name="陈静怡", specialties=["C1", "C2"], qualifications=["心理咨询师"])
    user_b, b = expert_login(county, name="刘思远", specialties=["C1"], qualifications=["心理咨询师"])
    return {
        "county": county,
        "menu": m,
        "lecture": m.items.get(code="C1"),
        "group": m.items.get(code="C2"),
        "a": a,
        "user_a": user_a,
        "b": b,
        "user_b": user_b,
    }


def test_anonymous_goes_to_the_console_login(world):
    response = Client().get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    assert "next=/h5/expert/" in response["Location"]


def test_an_account_without_expert_gets_a_friendly_page(world, demo):
    for user in (demo.user("futian_staff"), staff(world["county"], role="expert")):
        response = logged_in(user).get(HOME)
        assert response.status_code == 200
        assert b'data-testid="no-expert"' in response.content


def test_worker_account_gets_the_friendly_page_too(world):
    from tests.activities.support import worker_user

    response = logged_in(worker_user()).get(HOME)
    assert response.status_code == 200 and b'data-testid="no-expert"' in response.content


def _ids(response, testid="expert-order") -> list[str]:
    return re.findall(
        rf'data-testid="{testid}" data-status="\w+" data-id="([0-9a-f-]+)"', response.content.decode()
    )


def test_my_orders_new_dispatches_first_with_deadline_and_only_mine(world):
    a, lecture, group = world["a"], world["lecture"], world["group"]
    later = order(lecture, status=S.DISPATCHED, expert=a, accept_by=timezone.now() + dt.timedelta(hours=40))
    sooner = order(group, status=S.DISPATCHED, expert=a, accept_by=timezone.now() + dt.timedelta(hours=5))
    booked = order(lecture, status=S.ACCEPTED, expert=a)
    done = order(group, status=S.SETTLED, expert=a, wanted_from=timezone.localdate() + dt.timedelta(days=12))
    someone_elses = order(lecture, status=S.DISPATCHED, expert=world["b"])
    client = logged_in(world["user_a"])

    response = client.get(HOME)  # opens on "to accept" while there are new dispatches
    assert response.status_code == 200
    assert _ids(response) == [str(sooner.pk), str(later.pk)]
    html = response.content.decode()
    assert html.count('data-testid="accept-by"') == 2
    assert timezone.localtime(sooner.accept_by).strftime("%-m/%-d %H:%M") in html
    assert 'data-testid="tab-count-new">2<' in html

    assert _ids(client.get(HOME, {"tab": "todo"})) == [str(booked.pk)]
    assert _ids(client.get(HOME, {"tab": "done"})) == [str(done.pk)]
    everything = _ids(client.get(HOME, {"tab": "all"}))
    assert everything[:2] == [str(sooner.pk), str(later.pk)]
    assert set(everything) == {str(o.pk) for o in (later, sooner, booked, done)}
    assert str(someone_elses.pk) not in everything


def test_my_orders_query_count_does_not_grow(world, django_assert_max_num_queries):
    a = world["a"]
    for n in range(6):
        order(world["lecture"], status=S.DISPATCHED, expert=a)
        order(
            world["group"],
            status=S.ACCEPTED,
            expert=a,
            wanted_from=timezone.localdate() + dt.timedelta(days=30 + n),
        )
    client = logged_in(world["user_a"])
    client.get(HOME)
    with django_assert_max_num_queries(12):
        response = client.get(HOME, {"tab": "all"})
    assert len(_ids(response)) == 12


def test_order_page_shows_what_was_asked_and_the_contact_before_accepting(world):
    o = order(
        world["lecture"],
        status=S.DISPATCHED,
        expert=world["a"],
        contact_name="钟海燕",
        contact_phone="13800002101",
    )
    ServiceOrder.objects.filter(pk=o.pk).update(note="请带投影转接头", place="新丰县总工会三楼报告厅")
    client = logged_in(world["user_a"])
    html = client.get(reverse("h5:expert_order", args=[o.pk])).content.decode()
    assert "钟*燕" in html and "138****2101" in html
    assert "钟海燕" not in html and "13800002101" not in html
    assert "请带投影转接头" in html and "新丰县总工会三楼报告厅" in html and world["lecture"].title in html
    assert 'data-testid="order-wanted"' in html and 'data-testid="accept-deadline"' in html
    assert 'data-testid="accept-form"' in html and 'data-testid="decline-form"' in html
    # the expert may call the union before accepting, to agree on the time: an audited reveal
    assert 'data-testid="contact-reveal"' in html
    reveal = reverse("h5:expert_order_contact", args=[o.pk])
    response = client.post(reveal, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["X-Zhijia-Reveal"] == "1"
    assert "no-store" in response["Cache-Control"]
    assert "钟海燕" in response.content.decode() and 'href="tel:13800002101"' in response.content.decode()
    entry = AuditEntry.objects.get(action="order.contact_reveal")
    assert entry.actor == world["user_a"]

    later = timezone.now() + dt.timedelta(days=10)
    ServiceOrder.objects.filter(pk=o.pk).update(
        status=S.ACCEPTED, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    html = client.get(reverse("h5:expert_order", args=[o.pk])).content.decode()
    assert "钟*燕" in html and 'data-testid="contact-reveal"' in html
    assert 'data-testid="accept-form"' not in html
    assert 'data-testid="open-checkin"' in html and 'data-testid="deliver-form"' in html


def _value(html: str, testid: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*data-testid="{testid}"[^>]*>', html)
    assert tag, testid
    found = re.search(r'\svalue="([^"]*)"', tag.group(0))
    return found.group(1) if found else None


def test_accept_form_prefills_nothing_the_union_did_not_ask_for(world):
    today = timezone.localdate()
    window = order(
        world["lecture"],
        status=S.DISPATCHED,
        expert=world["a"],
        wanted_from=today + dt.timedelta(days=5),
        wanted_to=today + dt.timedelta(days=9),
    )
    client = logged_in(world["user_a"])
    html = client.get(reverse("h5:expert_order", args=[window.pk])).content.decode()
    assert _value(html, "accept-date") is None and _value(html, "accept-time") is None
    date_input = re.search(r'<input[^>]*data-testid="accept-date"[^>]*>', html).group(0)
    assert f'min="{window.wanted_from.isoformat()}"' in date_input
    assert f'max="{window.wanted_to.isoformat()}"' in date_input
    assert 'data-testid="accept-note"' in html

    one_day = order(
        world["group"],
        status=S.DISPATCHED,
        expert=world["a"],
        wanted_from=today + dt.timedelta(days=6),
        wanted_to=today + dt.timedelta(days=6),
    )
    html = client.get(reverse("h5:expert_order", args=[one_day.pk])).content.decode()
    assert _value(html, "accept-date") == one_day.wanted_from.isoformat()  # the day the union asked for
    assert _value(html, "accept-time") is None


def test_no_reveal_once_confirmed(world):
    o = order(world["lecture"], status=S.SETTLED, expert=world["a"], contact_phone="13800002101")
    client = logged_in(world["user_a"])
    assert b'data-testid="contact-reveal"' not in client.get(reverse("h5:expert_order", args=[o.pk])).content
    assert client.post(reverse("h5:expert_order_contact", args=[o.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="order.contact_reveal").exists()


def test_other_experts_order_is_404_everywhere(world):
    o = order(world["lecture"], status=S.ACCEPTED, expert=world["b"])
    client = logged_in(world["user_a"])
    for name in ("expert_order", "expert_order_checkin", "expert_order_code"):
        assert client.get(reverse(f"h5:{name}", args=[o.pk])).status_code == 404
    for name, data in (
        ("expert_order_contact", {}),
        ("expert_order_accept", {"date": "2026-12-01", "time": "09:00"}),
        ("expert_order_decline", {"reason": "x"}),
        ("expert_order_deliver", {"attendees": "3", "summary": "x"}),
        ("expert_order_rate", {"rating": "5"}),
    ):
        assert client.post(reverse(f"h5:{name}", args=[o.pk]), data).status_code == 404
    o.refresh_from_db()
    assert o.status == S.ACCEPTED and o.attendees is None


def test_accept_with_date_and_time(world):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    day = o.wanted_from + dt.timedelta(days=1)
    response = client.post(
        reverse("h5:expert_order_accept", args=[o.pk]), {"date": day.isoformat(), "time": "14:30"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("h5:expert_order", args=[o.pk])
    o.refresh_from_db()
    assert o.status == S.ACCEPTED and o.expert_note == ""
    start = timezone.localtime(o.starts_at)
    assert (start.date(), start.hour, start.minute) == (day, 14, 30)
    assert o.ends_at - o.starts_at == dt.timedelta(minutes=world["lecture"].duration_minutes)
    assert o.budget.committed == o.cost
    page = client.get(response["Location"]).content.decode()
    assert "已接单" in page or "Accepted" in page


def test_accept_proposes_a_time_with_a_note_the_union_sees(world, demo):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    day = o.wanted_to
    response = client.post(
        reverse("h5:expert_order_accept", args=[o.pk]),
        {"date": day.isoformat(), "time": "15:00", "note": "下午三点开始，需要投影仪和麦克风"},
    )
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.status == S.ACCEPTED and o.expert_note == "下午三点开始，需要投影仪和麦克风"
    assert "下午三点开始" in o.events.get(status=S.ACCEPTED).note
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="order-expert-note"' in page
    # the ordering union's order page and list show the proposed time and the note
    union = staff(o.org)
    console = logged_in(union)
    detail = console.get(reverse("staff:dispatch_order_detail", args=[o.pk])).content.decode()
    assert 'data-testid="order-expert-note"' in detail and "需要投影仪和麦克风" in detail
    assert timezone.localtime(o.starts_at).strftime("%Y-%m-%d 15:00") in detail
    listing = console.get(reverse("staff:dispatch_orders")).content.decode()
    assert 'data-testid="list-expert-note"' in listing
    # and the dispatcher's board card
    board = logged_in(staff(world["county"])).get(reverse("staff:dispatch_board")).content.decode()
    assert 'data-testid="card-expert-note"' in board


def test_accept_note_too_long_is_a_field_error(world):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    response = logged_in(world["user_a"]).post(
        reverse("h5:expert_order_accept", args=[o.pk]),
        {"date": o.wanted_from.isoformat(), "time": "09:00", "note": "长" * 301},
    )
    assert response.status_code == 200 and b'data-testid="error-note"' in response.content
    o.refresh_from_db()
    assert o.status == S.DISPATCHED


def test_accept_outside_the_wanted_days_shows_the_field_error(world):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    outside = (o.wanted_to + dt.timedelta(days=3)).isoformat()
    response = client.post(reverse("h5:expert_order_accept", args=[o.pk]), {"date": outside, "time": "09:00"})
    assert response.status_code == 200
    assert 'data-testid="accept-form"' in response.content.decode()
    assert 'data-error-code="invalid"' in response.content.decode()
    o.refresh_from_db()
    assert o.status == S.DISPATCHED
    missing = client.post(reverse("h5:expert_order_accept", args=[o.pk]), {"date": "", "time": "09:00"})
    assert b'data-testid="error-date"' in missing.content


def test_accept_overlapping_another_booking_is_refused(world):
    a = world["a"]
    first = order(world["lecture"], status=S.ACCEPTED, expert=a)
    second = order(world["group"], status=S.DISPATCHED, expert=a, wanted_from=first.wanted_from)
    start = timezone.localtime(first.starts_at)
    response = logged_in(world["user_a"]).post(
        reverse("h5:expert_order_accept", args=[second.pk]),
        {"date": start.date().isoformat(), "time": start.strftime("%H:%M")},
    )
    assert response.status_code == 200
    assert b'data-error-code="expert_unavailable"' in response.content
    second.refresh_from_db()
    assert second.status == S.DISPATCHED


def test_decline_needs_a_reason_then_the_order_is_gone(world):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    url = reverse("h5:expert_order_decline", args=[o.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200 and b'data-testid="error-reason"' in response.content
    o.refresh_from_db()
    assert o.status == S.DISPATCHED

    response = client.post(url, {"reason": "那几天在外地培训"})
    assert response.status_code == 302 and response["Location"] == HOME
    o.refresh_from_db()
    assert (o.status, o.expert, o.decline_reason) == (S.DECLINED, None, "那几天在外地培训")
    assert client.get(reverse("h5:expert_order", args=[o.pk])).status_code == 404
    assert str(o.pk) not in client.get(HOME, {"tab": "all"}).content.decode()


def test_redispatch_takes_the_order_away_at_once(world):
    from zhijia.dispatch.services.orders import order_dispatch

    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    assert client.get(reverse("h5:expert_order", args=[o.pk])).status_code == 200
    order_dispatch(actor=None, order=o, expert=world["b"])
    assert client.get(reverse("h5:expert_order", args=[o.pk])).status_code == 404
    assert logged_in(world["user_b"]).get(reverse("h5:expert_order", args=[o.pk])).status_code == 200


# --- check-in ---------------------------------------------------------------------------------


@pytest.fixture
def accepted(world):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    return order(
        world["lecture"],
        status=S.ACCEPTED,
        expert=world["a"],
        org=world["county"],
        wanted_from=timezone.localdate(start),
        starts_at=start,
    )


def _card(person) -> str:
    return card_token_issue(membership=Membership.objects.get(person=person)).token


def test_checkin_screen_shows_the_rotating_code_and_count(world, accepted):
    client = logged_in(world["user_a"])
    response = client.get(reverse("h5:expert_order_checkin", args=[accepted.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="checkin-qr"' in html and "<svg" in html
    url = re.search(r'data-testid="checkin-qr" data-url="([^"]+)"', html).group(1)
    code = order_checkin_code(accepted)
    assert url.endswith(reverse("h5:expert_checkin", args=[code]))
    assert 'hx-trigger="every 25s"' in html
    partial = client.get(reverse("h5:expert_order_code", args=[accepted.pk]))
    assert partial.status_code == 200 and b'id="present-count">0<' in partial.content


def test_scan_member_card_checks_in_once_with_a_service_record(world, accepted):
    person = member(world["county"], name="王小红")
    client = logged_in(world["user_a"])
    url = reverse("h5:expert_order_checkin", args=[accepted.pk])
    token = _card(person)
    response = client.post(url, {"token": token}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-ok="1"' in html and "王*红" in html and "王小红" not in html
    assert 'hx-swap-oob="innerHTML:#present-count">1<' in html
    client.post(url, {"token": token}, headers={"HX-Request": "true"})  # scanned twice: still one
    assert OrderAttendance.objects.filter(order=accepted).count() == 1
    assert ServiceRecord.objects.filter(source="expert", person=person).count() == 1
    page = client.get(reverse("h5:expert_order", args=[accepted.pk])).content.decode()
    assert 'data-testid="present-count">1<' in page


def test_scan_a_bad_card_says_why(world, accepted):
    client = logged_in(world["user_a"])
    url = reverse("h5:expert_order_checkin", args=[accepted.pk])
    response = client.post(url, {"token": "not-a-card"}, headers={"HX-Request": "true"})
    assert b'data-ok="0"' in response.content and b'data-error-code="card_invalid"' in response.content
    response = client.post(url, {"token": "not-a-card"})  # without htmx: the whole screen
    assert b'data-testid="checkin-qr"' in response.content and b'data-ok="0"' in response.content
    assert OrderAttendance.objects.count() == 0


def test_checkin_screen_closed_before_accepting(world):
    o = order(world["lecture"], status=S.DISPATCHED, expert=world["a"])
    client = logged_in(world["user_a"])
    response = client.get(reverse("h5:expert_order_checkin", args=[o.pk]))
    assert b'data-testid="checkin-closed"' in response.content
    assert b"checkin-qr" not in response.content
    assert client.get(reverse("h5:expert_order_code", args=[o.pk])).status_code == 404


# --- deliver and rate -------------------------------------------------------------------------


def _png() -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make("photo").save(buffer, kind="png")
    return buffer.getvalue()


def test_delivery_report_with_photos(world, accepted):
    client = logged_in(world["user_a"])
    photo = SimpleUploadedFile("scene.png", _png(), content_type="image/png")
    response = client.post(
        reverse("h5:expert_order_deliver", args=[accepted.pk]),
        {"attendees": "30", "summary": "讲座顺利，互动热烈。", "photos": [photo]},
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert (accepted.status, accepted.attendees, accepted.summary) == (
        S.DELIVERED,
        30,
        "讲座顺利，互动热烈。",
    )
    assert OrderPhoto.objects.filter(order=accepted).count() == 1
    page = client.get(reverse("h5:expert_order", args=[accepted.pk])).content.decode()
    assert 'data-testid="report"' in page and 'data-testid="report-photos"' in page
    assert 'data-testid="rate-form"' in page and 'data-testid="deliver-form"' not in page


def test_delivery_report_needs_a_summary(world, accepted):
    client = logged_in(world["user_a"])
    response = client.post(
        reverse("h5:expert_order_deliver", args=[accepted.pk]), {"attendees": "30", "summary": ""}
    )
    assert response.status_code == 200 and b'data-testid="error-summary"' in response.content
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED


def test_delivery_report_refuses_a_file_that_is_not_a_photo(world, accepted):
    client = logged_in(world["user_a"])
    page = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        reverse("h5:expert_order_deliver", args=[accepted.pk]),
        {"attendees": "3", "summary": "ok", "photos": [page]},
    )
    assert response.status_code == 200 and b'data-testid="form-error"' in response.content
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED and OrderPhoto.objects.count() == 0


def test_rate_the_union_once_delivered(world):
    o = order(world["lecture"], status=S.DELIVERED, expert=world["a"])
    client = logged_in(world["user_a"])
    response = client.post(
        reverse("h5:expert_order_rate", args=[o.pk]), {"rating": "4", "comment": "场地准备充分"}
    )
    assert response.status_code == 302
    o.refresh_from_db()
    assert (o.expert_rating, o.expert_comment) == (4, "场地准备充分")
    page = client.get(reverse("h5:expert_order", args=[o.pk])).content.decode()
    assert 'data-testid="my-rating"' in page and 'data-testid="rate-form"' not in page
    bad = client.post(reverse("h5:expert_order_rate", args=[o.pk]), {"rating": "9"})
    assert bad.status_code == 200
    o.refresh_from_db()
    assert o.expert_rating == 4


def test_rate_before_delivery_is_refused(world):
    o = order(world["lecture"], status=S.ACCEPTED, expert=world["a"])
    response = logged_in(world["user_a"]).post(reverse("h5:expert_order_rate", args=[o.pk]), {"rating": "5"})
    assert response.status_code == 200 and b'data-error-code="invalid_transition"' in response.content
    o.refresh_from_db()
    assert o.expert_rating is None


def test_other_expert_account_cannot_act_on_unlinked_expert(world):
    unlinked = expert(world["county"], specialties=["C1"], qualifications=["心理咨询师"])
    o = order(world["lecture"], status=S.DISPATCHED, expert=unlinked)
    assert logged_in(world["user_a"]).get(reverse("h5:expert_order", args=[o.pk])).status_code == 404
