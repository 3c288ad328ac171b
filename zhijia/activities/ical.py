"""iCalendar export (RFC 5545, through the `icalendar` library): one VEVENT per session, with a
UID stable across exports (`<session id>@zhijia`), times in Asia/Shanghai (TZID), the place and
the activity's URL. Only pass activities the reader may see (the public ones)."""

from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Activity

ZONE = ZoneInfo("Asia/Shanghai")


def _location(activity: Activity) -> str:
    parts = []
    if activity.position_id and activity.position:
        parts += [activity.position.name, activity.position.address]
    if activity.room_id and activity.room:
        parts.append(activity.room.name)
    if activity.place_note:
        parts.append(activity.place_note)
    return " ".join(p for p in parts if p) or activity.online_url


def activity_ical(activities: Iterable[Activity], *, url_for: Any = None) -> bytes:
    """The calendar bytes (text/calendar). `url_for(activity)` gives each event's URL (default
    the H5 detail path)."""
    cal = Calendar()
    cal.add("prodid", "-//Zhijia//Activities//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = timezone.now()
    for activity in activities:
        url = url_for(activity) if url_for else f"/h5/activities/{activity.pk}/"
        sessions = list(activity.sessions.all())
        for session in sessions:
            event = Event()
            event.add("uid", f"{session.pk}@zhijia")
            event.add("dtstamp", stamp)
            title = (
                activity.title
                if len(sessions) == 1 or not session.title
                else f"{activity.title} · {session.title}"
            )
            event.add("summary", title)
            event.add("dtstart", session.starts_at.astimezone(ZONE))
            event.add("dtend", session.ends_at.astimezone(ZONE))
            location = _location(activity)
            if location:
                event.add("location", location)
            event.add("url", url)
            if activity.summary:
                event.add("description", activity.summary[:1000])
            if activity.status == "cancelled":
                event.add("status", "CANCELLED")
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
