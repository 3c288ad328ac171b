"""Shared factories of the activities tests (no tests here). E1, E2, F1, F2 import them.

Everything is created directly through the ORM (fast enough for hundreds of people in the
concurrency tests); services are not involved, so nothing is audited here.

    from tests.activities.support import activity, member, worker, child, members

    act = activity(demo.org("福田区总"), capacity=2, waitlist_enabled=True)
    person = member(demo.org("福田区总"))               # active membership there
    user, person = worker(demo.org("福田区总"))          # + a worker account linked to it
    kid = child(person, age=8, at=act.starts_at)       # a FamilyMember child aged 8 at the start
"""

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from zhijia.accounts.models import User, UserKind
from zhijia.accounts.phones import phone_index
from zhijia.activities.enums import ActivityKind, ActivityStatus
from zhijia.activities.models import Activity, Session
from zhijia.members.enums import MemberStatus, Relation
from zhijia.members.models import FamilyMember, Membership, Person

_seq = itertools.count(1)


def activity(
    org,
    *,
    sessions: int = 1,
    capacity: int = 10,
    status: str = ActivityStatus.PUBLISHED,
    starts_at: dt.datetime | None = None,
    session_capacity: int | None = None,
    **fields,
) -> Activity:
    """A published activity of `org` with `sessions` daily sessions (2 hours each), starting
    `starts_at` (default: 40 days from now, 09:00), registration open from yesterday until the
    day before the start, members only, waitlist on. Any Activity field can be overridden
    (`per_session=True` gives every session `session_capacity`, default `capacity`)."""
    now = timezone.now()
    start = starts_at or (now + dt.timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)
    values = {
        "org": org,
        "kind": ActivityKind.COURSE if sessions > 1 else ActivityKind.EVENT,
        "title": f"测试活动 {next(_seq)}",
        "capacity": capacity,
        "status": status,
        "published_at": now if status == ActivityStatus.PUBLISHED else None,
        "registration_opens_at": now - dt.timedelta(days=1),
        "registration_closes_at": start - dt.timedelta(days=1),
        "starts_at": start,
        "ends_at": start + dt.timedelta(days=max(sessions, 1) - 1, hours=2),
    }
    values.update(fields)
    act = Activity.objects.create(**values)
    per_session_capacity = session_capacity if session_capacity is not None else capacity
    for i in range(sessions):
        begin = start + dt.timedelta(days=i)
        Session.objects.create(
            activity=act,
            title=f"第{i + 1}讲",
            starts_at=begin,
            ends_at=begin + dt.timedelta(hours=2),
            capacity=per_session_capacity if act.per_session else 0,
        )
    return act


def _fake_id_number() -> str:
    # Not a valid GB 11643 number (the check digit is "Z"): the response scanner never flags it.
    return f"4403041990{next(_seq):07d}Z"


def member(
    org,
    *,
    name: str = "",
    occupation: str = "",
    status: str = MemberStatus.MEMBER,
    user: User | None = None,
    birth_date: dt.date | None = None,
) -> Person:
    """A person with a membership of `org` (status member by default: active)."""
    n = next(_seq)
    person = Person.objects.create(
        name=name or f"会员{n}",
        id_type="cn_resident",
        id_number=_fake_id_number(),
        id_index=uuid.uuid4().hex,
        occupation=occupation,
        birth_date=birth_date or dt.date(1990, 1, 1),
        user=user,
    )
    Membership.objects.create(person=person, org=org, status=status, joined_on=dt.date(2020, 1, 1))
    return person


def members(org, count: int, **kwargs) -> list[Person]:
    """`count` members of `org` (see member)."""
    return [member(org, **kwargs) for _ in range(count)]


def worker_user(phone: str = "") -> User:
    """A worker account (phone login); a fresh 11-digit phone when none is given."""
    phone = phone or f"137{next(_seq) % 10**8:08d}"
    return User.objects.create(
        username=f"w-{uuid.uuid4().hex[:16]}",
        kind=UserKind.WORKER,
        phone=phone,
        phone_index=phone_index(phone),
    )


def worker(org, *, phone: str = "", **kwargs) -> tuple[User, Person]:
    """A worker account linked to a member of `org`: (user, person)."""
    user = worker_user(phone)
    return user, member(org, user=user, **kwargs)


def child(
    person: Person,
    *,
    age: int | None = None,
    at: dt.datetime | dt.date | None = None,
    birth_date: dt.date | None = None,
    name: str = "",
    relation: str = Relation.CHILD,
) -> FamilyMember:
    """A FamilyMember of `person` (a child by default). `age` years old on `at` (a date or the
    activity's starts_at; default today) unless `birth_date` is given."""
    if birth_date is None:
        ref = at or timezone.localdate()
        if isinstance(ref, dt.datetime):
            ref = timezone.localtime(ref).date()
        years = 8 if age is None else age
        birth_date = ref.replace(year=ref.year - years) - dt.timedelta(days=1)
    return FamilyMember.objects.create(
        person=person, relation=relation, name=name or f"孩子{next(_seq)}", birth_date=birth_date
    )
