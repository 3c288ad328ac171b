"""The iCalendar export: one VEVENT per session, stable UIDs, Asia/Shanghai times."""

import pytest
from icalendar import Calendar

from tests.activities.support import activity
from zhijia.activities.ical import activity_ical

pytestmark = pytest.mark.django_db


def test_one_event_per_session_with_stable_uids(demo):
    act = activity(demo.org("福田区总"), sessions=3, place_note="福田职工书院")
    body = activity_ical([act])
    cal = Calendar.from_ical(body)
    events = [c for c in cal.walk("VEVENT")]
    sessions = list(act.sessions.all())
    assert [str(e["UID"]) for e in events] == [f"{s.pk}@zhijia" for s in sessions]
    assert events[0]["DTSTART"].dt == sessions[0].starts_at
    assert events[0]["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert "福田职工书院" in str(events[0]["LOCATION"])
    assert str(events[0]["URL"]).endswith(f"/h5/activities/{act.pk}/")
    assert b"BEGIN:VTIMEZONE" in body
    assert activity_ical([act]).count(b"UID:") == 3  # the same UIDs on a second export
    assert [str(e["UID"]) for e in Calendar.from_ical(activity_ical([act])).walk("VEVENT")] == [
        str(e["UID"]) for e in events
    ]
