"""Helpers for honours tests: a 劳动模范 campaign of 福田区总 with a quota for 河套科创工会."""

import datetime as dt

from django.utils import timezone

from tests.matrix.world import member_of
from zhijia.honours import services as svc

_n = [5000]


def member(org, name="提名"):
    _n[0] += 1
    return member_of(org, _n[0], f"{name}{_n[0]}")


def campaign(demo, *, quota=3, frontline=50, managers=20, kind="model_worker", open_it=True, org=None):
    org = org or demo.org("福田区总")
    c = svc.campaign_create(
        actor=None,
        org=org,
        title="2026年福田区劳动模范评选",
        kind=kind,
        year=2026,
        closes_on=timezone.localdate() + dt.timedelta(days=20),
        frontline_min_pct=frontline,
        managers_max_pct=managers,
    )
    svc.quota_set(actor=None, campaign=c, org=demo.org("河套科创工会"), quota=quota)
    if open_it:
        c = svc.campaign_step(actor=None, campaign=c, to="open")
    return c


def nominate(demo, c, category="frontline", unit=None):
    unit = unit or demo.org("河套科创工会")
    return svc.nomination_create(
        actor=None,
        campaign=c,
        org=unit,
        membership=member(unit),
        category=category,
        job_title="电工班长",
        deeds="十年扎根一线，完成技术革新12项。",
    )
