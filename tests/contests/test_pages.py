"""The console pages of competitions: the district makes a contest with an event and its
marking sheet, confirms the unions' registrations, adds judges (one declaring a conflict),
starts; the judges mark on their sheets (a conflicted entry shows no form), the chief judge
locks; the results show ranks and prizes with masked names and the organiser prints a
certificate (audited). Refusals (other unions' ids 404, no capability 403, no judge seat 404)
and fuzzed input answered with a message, never a 500, and changing nothing."""

import pytest

from tests.elections.support import members
from tests.support import leaks
from zhijia.accounts.services import user_create
from zhijia.contests import services as svc
from zhijia.contests.models import Contest, Entry, Event, Judge, Score
from zhijia.core.models import AuditEntry

pytestmark = pytest.mark.django_db
C = "/console/contests/"


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:800])
    if status == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert not leaks(response.content.decode())
    return response


def _page(client, url):
    return _ok(client.get(url)).content.decode()


def _event_form(**change):
    form = {
        "title": "电工",
        "team_size": "1",
        "first": "1",
        "second": "1",
        "third": "0",
        "skill_level": "level3",
        "aspect_title_0": "接线正确",
        "aspect_kind_0": "measurement",
        "aspect_points_0": "60",
        "aspect_title_1": "工艺规范",
        "aspect_kind_1": "judgement",
        "aspect_points_1": "40",
    }
    form.update(change)
    return form


def _contest(demo, client):
    _ok(client.post(C, {"title": "福田区职工技能竞赛", "year": "2026"}), 302)
    contest = Contest.objects.get(title="福田区职工技能竞赛")
    _ok(client.post(f"{C}{contest.pk}/events/", _event_form()), 302)
    return contest, Event.objects.get(contest=contest)


def test_contest_console_journey(demo, staff_client, client):
    futian_user = demo.user("futian_staff")
    futian = staff_client("futian_staff")
    assert "contest-form" in _page(futian, C)
    contest, event = _contest(demo, futian)
    assert [a.kind for a in event.aspects.order_by("order")] == ["measurement", "judgement"]
    hetao, jm = demo.org("河套科创工会"), demo.org("福保精密工会")
    entries = []
    for unit in (hetao, jm):
        person = members(unit, 1, "选手")[0]
        entries.append(svc.entry_register(actor=futian_user, event=event, unit=unit, people=[person]))
    page = _page(futian, f"{C}{contest.pk}/")
    names = [p.name for e in entries for p in e.people.all()]
    assert 'data-testid="confirm"' in page and not any(n in page for n in names)
    for e in entries:
        _ok(futian.post(f"{C}entries/{e.pk}/confirm/", {"decision": "confirm"}), 302)
    assert set(Entry.objects.values_list("status", flat=True)) == {"confirmed"}
    user_create(actor=None, username="chief-j", password=demo.password, org=demo.org("福田区总"))
    user_create(actor=None, username="judge-b", password=demo.password, org=jm)
    futian_org = demo.org("福田区总")
    judges = f"{C}events/{event.pk}/judges/"
    _ok(futian.post(judges, {"username": "chief-j", "unit": str(futian_org.pk), "chief": "yes"}), 302)
    _ok(futian.post(judges, {"username": "judge-b", "unit": str(jm.pk), "conflicts": [str(hetao.pk)]}), 302)
    assert Judge.objects.filter(event=event).count() == 2
    _ok(futian.post(f"{C}{contest.pk}/start/"), 302)
    contest.refresh_from_db()
    assert contest.status == "running"
    measure, judgement = list(event.aspects.order_by("order"))
    # judge-b is of 福保精密 and declared 河套: both entries are conflicted
    b = staff_client("judge-b")
    sheet = _page(b, f"{C}events/{event.pk}/marks/")
    assert sheet.count('data-testid="conflicted"') == 2 and 'data-testid="mark-form"' not in sheet
    r = b.post(f"{C}events/{event.pk}/marks/", {"entry": str(entries[0].pk), f"mark_{measure.pk}": "5"})
    _ok(r, 302)
    assert not Score.objects.exists()
    chief = staff_client("chief-j")
    assert 'data-testid="judge-seat"' in _page(chief, C)
    for entry, marks in ((entries[0], ("55", "3")), (entries[1], ("50", "2"))):
        body = {"entry": str(entry.pk), f"mark_{measure.pk}": marks[0], f"mark_{judgement.pk}": marks[1]}
        _ok(chief.post(f"{C}events/{event.pk}/marks/", body), 302)
    assert Score.objects.count() == 4
    assert "55" in _page(chief, f"{C}events/{event.pk}/marks/")
    # judge-b cannot lock; the chief can
    assert b.post(f"{C}events/{event.pk}/lock/").status_code in (302, 403)
    event.refresh_from_db()
    assert not event.locked
    _ok(chief.post(f"{C}events/{event.pk}/lock/"), 302)
    event.refresh_from_db()
    assert event.locked
    results = _page(futian, f"{C}events/{event.pk}/results/")
    assert not any(n in results for n in names)
    first = Entry.objects.get(pk=entries[0].pk)
    assert (first.rank, first.award) == (1, "first")
    person = first.people.get()
    url = f"{C}entries/{first.pk}/certificate/{person.pk}/"
    assert url in results
    pdf = _ok(futian.get(url))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="contests.certificate_print").count() == 1
    assert 'data-testid="results-link"' in _page(futian, f"{C}{contest.pk}/")


def test_refusals_and_fuzzed_input_never_500(demo, staff_client):
    futian = staff_client("futian_staff")
    baoan = staff_client("baoan_staff")
    for year in ("9" * 40, "-1", "1999", "二〇二六", ""):
        r = futian.post(C, {"title": "t", "year": year})
        assert r.status_code == 200 and 'class="alert' in r.content.decode(), year
    r = futian.post(C, {"title": "x" * 5000, "year": "2026"})
    assert r.status_code == 200
    assert not Contest.objects.exists()
    contest, event = _contest(demo, futian)
    for change in (
        {"team_size": "9" * 30},
        {"team_size": "0"},
        {"team_size": "abc"},
        {"first": "101"},
        {"second": "-1"},
        {"skill_level": "emperor"},
        {"skill_level": "none"},
        {"aspect_kind_0": "vibes"},
        {"aspect_points_0": "9" * 50},
        {"aspect_points_0": "NaN"},
        {"aspect_points_0": "0"},
        {"aspect_points_0": "1e9999"},
        {"aspect_title_0": "", "aspect_points_0": "", "aspect_title_1": "", "aspect_points_1": ""},
        {"title": ""},
    ):
        _ok(futian.post(f"{C}{contest.pk}/events/", _event_form(**change)), 302)
    assert Event.objects.filter(contest=contest).count() == 1
    # other unions' contests and ids: 404; no capability: 403
    assert baoan.get(f"{C}{contest.pk}/").status_code == 404
    assert baoan.post(f"{C}{contest.pk}/start/").status_code == 404
    assert baoan.post(f"{C}{contest.pk}/events/", _event_form()).status_code == 404
    assert baoan.post(f"{C}events/{event.pk}/judges/", {"username": "auditor"}).status_code == 404
    assert baoan.get(f"{C}events/{event.pk}/results/").status_code == 404
    assert staff_client("auditor").get(C).status_code == 403
    assert futian.get(f"{C}00000000-0000-0000-0000-000000000000/").status_code == 404
    # judges: unknown account, bad units
    judges = f"{C}events/{event.pk}/judges/"
    _ok(futian.post(judges, {"username": "nobody-here", "unit": str(contest.org_id)}), 302)
    assert futian.post(judges, {"username": "auditor", "unit": "x"}).status_code == 404
    assert (
        futian.post(
            judges, {"username": "auditor", "unit": str(contest.org_id), "conflicts": ["1"]}
        ).status_code
        == 404
    )
    assert not Judge.objects.exists()
    # no judge seat: 404 on the sheet and the lock
    assert futian.get(f"{C}events/{event.pk}/marks/").status_code == 404
    assert futian.post(f"{C}events/{event.pk}/lock/").status_code == 404
    hetao = demo.org("河套科创工会")
    entry = svc.entry_register(actor=None, event=event, unit=hetao, people=[members(hetao, 1, "选手")[0]])
    assert baoan.post(f"{C}entries/{entry.pk}/confirm/", {"decision": "confirm"}).status_code == 404
    _ok(futian.post(f"{C}entries/{entry.pk}/confirm/", {"decision": "crown"}), 302)
    _ok(futian.post(f"{C}entries/{entry.pk}/confirm/", {"decision": "confirm"}), 302)
    _ok(futian.post(f"{C}entries/{entry.pk}/confirm/", {"decision": "withdraw"}), 302)  # decided: a message
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    # marks out of range or of the wrong type: a message, nothing saved
    user_create(actor=None, username="chief-k", password=demo.password, org=demo.org("宝安区总"))
    _ok(futian.post(judges, {"username": "chief-k", "unit": str(contest.org_id), "chief": "yes"}), 302)
    chief = staff_client("chief-k")
    measure, judgement = list(event.aspects.order_by("order"))
    marks = f"{C}events/{event.pk}/marks/"
    _ok(chief.post(marks, {"entry": str(entry.pk), f"mark_{measure.pk}": "5"}), 302)  # not started yet
    _ok(futian.post(f"{C}{contest.pk}/start/"), 302)
    for body in (
        {f"mark_{measure.pk}": "61"},
        {f"mark_{measure.pk}": "9" * 40},
        {f"mark_{measure.pk}": "-1"},
        {f"mark_{measure.pk}": "five"},
        {f"mark_{judgement.pk}": "4"},
        {f"mark_{measure.pk}": "50", f"mark_{judgement.pk}": "NaN"},  # all or nothing
    ):
        _ok(chief.post(marks, {"entry": str(entry.pk), **body}), 302)
    assert not Score.objects.exists()
    assert chief.post(marks, {"entry": "nope", f"mark_{measure.pk}": "5"}).status_code == 404
    other = Contest.objects.create(org=demo.org("宝安区总"), title="宝安竞赛", year=2026)
    assert futian.get(f"{C}{other.pk}/").status_code == 404
    # a certificate before the lock, or of someone not in the entry: 404
    person = entry.people.get()
    assert futian.get(f"{C}entries/{entry.pk}/certificate/{person.pk}/").status_code == 404
    assert baoan.get(f"{C}entries/{entry.pk}/certificate/{person.pk}/").status_code == 404


def test_a_union_registers_its_members(demo, staff_client):
    futian = staff_client("futian_staff")
    contest, event = _contest(demo, futian)
    hetao, jm = demo.org("河套科创工会"), demo.org("福保精密工会")
    mine, theirs = members(hetao, 2, "报名"), members(jm, 1, "别家")
    unit = staff_client("enterprise_staff")
    page = _page(unit, f"{C}register/")
    assert contest.title in page and str(mine[0].pk) in page and mine[0].name not in page
    assert str(theirs[0].pk) not in page  # only the union's own members are offered
    url = f"{C}events/{event.pk}/register/"
    for people in ([], ["x"], [str(theirs[0].pk)], [str(mine[0].pk), str(mine[1].pk)], ["9" * 40]):
        _ok(unit.post(url, {"unit": str(hetao.pk), "people": people}), 302)  # a message
    assert not Entry.objects.exists()
    assert unit.post(url, {"unit": str(jm.pk), "people": [str(theirs[0].pk)]}).status_code == 404
    assert unit.post(url, {"unit": "x", "people": [str(mine[0].pk)]}).status_code == 404
    assert unit.post(f"{C}events/nope/register/", {"unit": str(hetao.pk)}).status_code == 404
    _ok(unit.post(url, {"unit": str(hetao.pk), "people": [str(mine[0].pk)]}), 302)
    entry = Entry.objects.get()
    assert (entry.unit, entry.status, list(entry.people.all())) == (hetao, "submitted", [mine[0]])
    assert 'data-testid="my-entry"' in _page(unit, f"{C}register/")
    assert staff_client("auditor").get(f"{C}register/").status_code == 403
    assert staff_client("baoan_staff").post(url, {"unit": str(hetao.pk), "people": []}).status_code == 404


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        _ok(client.get(url))
    return len(ctx.captured_queries)


def test_contest_pages_read_in_a_fixed_number_of_queries(demo, staff_client):
    """The contest list and a contest's page cost the same with one entry or four."""
    futian = staff_client("futian_staff")
    contest, event = _contest(demo, futian)
    hetao = demo.org("河套科创工会")

    def register():
        entry = svc.entry_register(actor=None, event=event, unit=hetao, people=members(hetao, 1, "选手"))
        svc.entry_confirm(actor=None, entry=entry)

    register()
    few = (_queries(futian, C), _queries(futian, f"{C}{contest.pk}/"))
    for _ in range(3):
        register()
    assert (_queries(futian, C), _queries(futian, f"{C}{contest.pk}/")) == few
