"""The console and phone pages of elections: a congress elects a committee from a 差额 list
(seats, delegates, presence, the list, phone and paper ballots, the tellers, the count) and the
upper union approves it; the delegate's phone ballot."""

import re

import pytest

from tests.matrix.world import member_of
from tests.support import leaks
from zhijia.accounts.models import User, UserKind
from zhijia.elections.models import Candidate, Congress, Delegate, Election

from .support import members

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    if status == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert not leaks(response.content.decode())
    return response


def test_console_and_phone_journey(demo, staff_client, client):
    org = demo.org("河套科创工会")
    staff = staff_client("enterprise_staff")
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    mine = member_of(org, 6543, "王代表", user=worker).person
    others = members(org, 3, "代表")
    _ok(staff.get("/console/elections/"))
    _ok(
        staff.post(
            "/console/elections/", {"title": "第三届会员代表大会", "held_on": "2026-12-28", "seats": "4"}
        ),
        302,
    )
    congress = Congress.objects.get(title="第三届会员代表大会")
    base = f"/console/elections/congresses/{congress.pk}/"
    _ok(staff.post(base + "step/", {"action": "allot"}), 302)
    for p in [mine, *others]:
        _ok(staff.post(base + "delegates/", {"unit": str(org.pk), "person": str(p.pk)}), 302)
    page = _ok(staff.get(base)).content.decode()
    assert "王*表" in page and "王代表" not in page
    for d in Delegate.objects.filter(congress=congress):
        _ok(staff.post(f"/console/elections/delegates/{d.pk}/presence/", {"present": "1"}), 302)
    _ok(staff.post(base + "step/", {"action": "in_session"}), 302)
    cands = members(org, 3, "候选")
    _ok(
        staff.post(
            base + "elections/",
            {
                "title": "工会委员会委员",
                "kind": "committee",
                "seats": "2",
                "margin": "0.2",
                "candidates": [str(c.pk) for c in cands],
            },
        ),
        302,
    )
    election = Election.objects.get(title="工会委员会委员")
    epage = f"/console/elections/{election.pk}/"
    _ok(staff.post(epage + "step/", {"action": "open"}), 302)
    # the delegate votes on the phone
    client.force_login(worker)
    votes = _ok(client.get("/h5/elections/")).content.decode()
    assert str(election.pk) in votes
    keys = [str(c.pk) for c in Candidate.objects.filter(election=election).order_by("order")]
    _ok(client.post(f"/h5/elections/{election.pk}/", {"choice": keys[:2]}), 302)
    assert "already-voted" in _ok(client.get(f"/h5/elections/{election.pk}/")).content.decode()
    # three paper ballots, entered by two tellers
    for d in Delegate.objects.filter(congress=congress).exclude(person=mine):
        _ok(staff.post(epage + "paper/", {"delegate": str(d.pk)}), 302)
    _ok(staff.post(epage + "teller/", {"ballots": "1 2\n1,2\n3"}), 302)
    second = staff_client("fubao_staff")
    _ok(second.post(epage + "teller/", {"ballots": "3\n1 2\n2 1"}), 302)
    _ok(staff.post(epage + "step/", {"action": "close"}), 302)
    page = _ok(staff.get(epage)).content.decode()
    assert len(re.findall('data-testid="elected"', page)) == 2
    assert _ok(staff.get(epage + "result.pdf")).content.startswith(b"%PDF")
    _ok(staff.post(epage + "step/", {"action": "submit"}), 302)
    pending = _ok(second.get("/console/elections/")).content.decode()
    assert str(election.pk) in pending
    _ok(second.post(epage + "decide/", {"decision": "approve", "note": "同意"}), 302)
    election.refresh_from_db()
    assert election.status == "approved" and election.committee is not None
