"""Reads of competitions."""

from typing import Any

from django.db.models import QuerySet

from zhijia.accounts.models import User

from .enums import EntryStatus
from .models import Aspect, Contest, Entry, Event


def contest_list() -> QuerySet[Contest]:
    return Contest.objects.select_related("org").prefetch_related("events__aspects")


def judge_account(username: str) -> Any:
    return User.objects.filter(username=username, is_active=True).first()


def event_aspect(event: Event, id: Any) -> Aspect | None:
    return Aspect.objects.filter(event=event, pk=id).first()


def event_results(event: Event) -> list[Entry]:
    return list(
        Entry.objects.filter(event=event, status=EntryStatus.CONFIRMED)
        .select_related("unit")
        .prefetch_related("people")
    )
