"""The console and phone pages of honours: a campaign made, a quota given, a nomination made
and submitted by the enterprise union, approved by the street and the district, the public
notice on the phone (names masked) with an objection, the objection dismissed, the award in the
register and on the worker's phone; refusals and bad input never a 500."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.honours.support import member
from tests.support import leaks
from zhijia.accounts.models import User, UserKind
from zhijia.honours.models import Campaign, Nomination, Objection

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    if status == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert not leaks(response.content.decode())
    return response


def _page(client, url):
    return _ok(client.get(url)).content.decode()


def test_honours_console_and_phone(demo, staff_client, client):
    futian = staff_client("futian_staff")
    _page(futian, "/console/honours/")
    closes = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    form = {
        "title": "福田区劳动模范评选",
        "kind": "model_worker",
        "year": "2026",
        "closes_on": closes,
        "frontline_min_pct": "50",
        "managers_max_pct": "20",
    }
    _ok(futian.post("/console/honours/", form), 302)
    c = Campaign.objects.get(title="福田区劳动模范评选")
    hetao = demo.org("河套科创工会")
    assert "河套" in _page(futian, f"/console/honours/{c.pk}/")
    _ok(futian.post(f"/console/honours/{c.pk}/quota/", {"org": str(hetao.pk), "quota": "2"}), 302)
    _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "open"}), 302)
    unit = staff_client("enterprise_staff")
    m = member(hetao, "陈")
    form_page = _page(unit, f"/console/honours/{c.pk}/nominate/")
    assert str(m.pk) in form_page and m.person.name not in form_page
    body = {"unit": str(hetao.pk), "membership": str(m.pk), "category": "frontline", "deeds": "十年一线"}
    _ok(unit.post(f"/console/honours/{c.pk}/nominate/", body), 302)
    _ok(unit.post(f"/console/honours/{c.pk}/submit/", {"unit": str(hetao.pk)}), 302)
    n = Nomination.objects.get(campaign=c)
    assert n.status == "submitted"
    street = staff_client("fubao_staff")
    assert 'data-testid="review-queue"' in _page(street, "/console/honours/")
    _ok(street.post(f"/console/honours/nominations/{n.pk}/review/", {"decision": "approve"}), 302)
    _ok(futian.post(f"/console/honours/nominations/{n.pk}/review/", {"decision": "approve"}), 302)
    _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "reviewing"}), 302)
    _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "publicity"}), 302)
    page = _page(client, "/h5/honours/")  # public, anonymous
    assert "福田区劳动模范评选" in page and m.person.name not in page
    assert "objection-form" in page
    r = client.post(f"/h5/honours/{n.pk}/object/", {"text": "x"})
    assert r.status_code == 302 and "/login" in r["Location"]
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    m.person.user = worker
    m.person.save(update_fields=["user"])
    client.force_login(worker)
    _ok(client.post(f"/h5/honours/{n.pk}/object/", {"text": "请核实其事迹"}), 302)
    o = Objection.objects.get()
    detail = _page(futian, f"/console/honours/{c.pk}/")
    assert "请核实其事迹" in detail and m.person.name not in detail
    c.refresh_from_db()
    with time_machine.travel(dt.datetime.combine(c.publicity_until + dt.timedelta(days=1), dt.time(10))):
        futian = staff_client("futian_staff")
        _ok(
            futian.post(
                f"/console/honours/objections/{o.pk}/decide/", {"upheld": "no", "resolution": "不属实"}
            ),
            302,
        )
        _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "closed"}), 302)
        register = _page(futian, "/console/honours/register/")
        assert "福田区劳动模范评选" in register and m.person.name not in register
        client.force_login(worker)
        assert "福田区劳动模范评选" in _page(client, "/h5/honours/mine/")


def test_refusals_and_bad_input_never_500(demo, staff_client):
    futian = staff_client("futian_staff")
    baoan = staff_client("baoan_staff")
    closes = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    form = {"title": "t", "kind": "craftsman", "year": "2026", "closes_on": closes}
    for change in (
        {"year": "9" * 40},
        {"year": "-1"},
        {"closes_on": "2026-02-30"},
        {"kind": "emperor"},
        {"frontline_min_pct": "101", "managers_max_pct": "0"},
        {"title": "x" * 5000},
    ):
        r = futian.post(
            "/console/honours/", {**form, "frontline_min_pct": "0", "managers_max_pct": "100", **change}
        )
        assert r.status_code == 200, change  # the form again with its message
    assert not Campaign.objects.exists()
    _ok(futian.post("/console/honours/", {**form, "frontline_min_pct": "0", "managers_max_pct": "100"}), 302)
    c = Campaign.objects.get()
    assert baoan.get(f"/console/honours/{c.pk}/").status_code == 404
    assert baoan.post(f"/console/honours/{c.pk}/step/", {"to": "open"}).status_code == 404
    assert staff_client("auditor").get("/console/honours/").status_code == 403
    r = futian.post(f"/console/honours/{c.pk}/quota/", {"org": "x", "quota": "1"})
    assert r.status_code == 404
    hetao = demo.org("河套科创工会")
    for quota in ("9" * 30, "-3", "many"):
        _ok(futian.post(f"/console/honours/{c.pk}/quota/", {"org": str(hetao.pk), "quota": quota}), 302)
    assert not c.quotas.exists()
    _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "crowned"}), 302)
    _ok(futian.post(f"/console/honours/{c.pk}/step/", {"to": "closed"}), 302)  # a message, no change
    c.refresh_from_db()
    assert c.status == "draft"
    assert futian.get(f"/console/honours/{c.pk}/nominate/").status_code == 403  # no quota in scope
    assert (
        futian.post("/console/honours/nominations/00000000-0000-0000-0000-000000000000/review/").status_code
        == 404
    )
