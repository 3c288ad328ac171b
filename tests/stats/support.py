"""Helpers for the statistics tests: write ledger rows, and count them by brute force."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zhijia.records.enums import SERVICE_SOURCES
from zhijia.records.models import ServiceRecord
from zhijia.records.services import record_add

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


def add(org, day: date, *, person=None, source="visit", **kw):
    sid = uuid.uuid4()
    record_add(org=org, source=source, source_id=sid, occurred_at=at(day), title="t", person=person, **kw)
    return sid


def brute_by(org_path: str, first: date, last: date, column: str):
    """{value of `column`: (人次, 人数)} as brute() counts them, for the rows of each value."""
    lo = datetime.combine(first, time.min, SHANGHAI)
    hi = datetime.combine(last + timedelta(days=1), time.min, SHANGHAI)
    rows = ServiceRecord.objects.filter(
        org_path__startswith=org_path, occurred_at__gte=lo, occurred_at__lt=hi, source__in=SERVICE_SOURCES
    )
    reversed_ = {(r.source, r.source_id) for r in rows if r.leg == "reversal"}
    out = {}
    for value in {getattr(r, column) for r in rows}:
        mine = [r for r in rows if getattr(r, column) == value]
        people = {
            r.person_key
            for r in mine
            if r.leg == "" and r.person_key and (r.source, r.source_id) not in reversed_
        }
        out[value] = (sum(r.qty for r in mine), len(people))
    return {k: v for k, v in out.items() if v != (0, 0)}


def brute(org_path: str, first: date, last: date):
    """(人次, 人数) of the service rows credited under `org_path` at service time in [first, last]:
    人次 the net qty; 人数 the distinct people with a service that was not reversed."""
    lo = datetime.combine(first, time.min, SHANGHAI)
    hi = datetime.combine(last + timedelta(days=1), time.min, SHANGHAI)
    rows = ServiceRecord.objects.filter(
        org_path__startswith=org_path, occurred_at__gte=lo, occurred_at__lt=hi, source__in=SERVICE_SOURCES
    )
    visits = sum(r.qty for r in rows)
    reversed_ = {(r.source, r.source_id) for r in rows if r.leg == "reversal"}
    people = {
        r.person_key
        for r in rows
        if r.leg == "" and r.person_key and (r.source, r.source_id) not in reversed_
    }
    return visits, len(people)
