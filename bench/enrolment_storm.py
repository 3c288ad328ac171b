"""Enrolment storm: 5,000 distinct members request the 55 places of one camp-like activity
(children's camp, waiting list on, one per child in its limit group) within a few seconds, over
HTTP, against a real multi-process server (gunicorn, 4 sync workers), on PostgreSQL. Open-loop
arrivals (bench/storm_client.py): a scheduler fires each request at its Poisson-scheduled time
whatever the server is doing. Then 10 confirmed members cancel (DELETE, all at once) and the
freed places must go to the 10 earliest waitlisted arrivals, in order.

In the same run, on the same server and with the same arrival schedule:
- naive: a check-then-insert view (bench/urls_storm.py: count the confirmed in Python, insert
  confirmed when below capacity) on a fresh activity — it overbooks;
- floor: a trivial Django view (constant JSON, same middleware) — the HTTP limit.

Checks from the database: exactly 55 places held, nobody enrolled twice, fairness violations 0
(every holder's arrival number below every waitlisted one), promotions in arrival order. Also
the client's view: how often a waitlisted request was *sent* (or *answered*) before a confirmed
one — requests in flight at the same time race for the slot lock, so the client cannot see the
server's order.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhijia_bench_storm
    uv run --frozen python bench/enrolment_storm.py
    MEMBERS=1000 SECONDS=2 uv run --frozen python bench/enrolment_storm.py   # a smaller run

PostgreSQL only (SQLite is refused). Creates and drops its own database, starts and stops its
own server on 127.0.0.1; stops by itself (every request times out after STORM_TIMEOUT, default 300 s).
"""

import bisect
import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.storm_env import StormEnv

ENV = StormEnv()  # refuses SQLite; creates the PostgreSQL database

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.storm_client import Request, fire, schedule, summary  # noqa: E402
from zhijia.accounts.models import User, UserKind  # noqa: E402
from zhijia.accounts.tokens import token_issue  # noqa: E402
from zhijia.activities.enums import HOLDING, ActivityKind, EnrolmentStatus  # noqa: E402
from zhijia.activities.models import Activity, Enrolment  # noqa: E402
from zhijia.activities.services.activities import activity_create, activity_publish  # noqa: E402
from zhijia.demo.seed import seed  # noqa: E402
from zhijia.members.enums import MemberStatus, Relation  # noqa: E402
from zhijia.members.models import FamilyMember, Membership, Person  # noqa: E402
from zhijia.orgs.models import Org  # noqa: E402

MEMBERS = int(os.environ.get("MEMBERS", "5000"))
SECONDS = float(os.environ.get("SECONDS", "5"))
WORKERS = int(os.environ.get("WORKERS", "4"))
CAPACITY = 55
CANCELS = 10
S = EnrolmentStatus


# -- data -------------------------------------------------------------------------------------


def build_members(org: Org, start: dt.datetime) -> list[tuple[str, uuid.UUID, uuid.UUID]]:
    """MEMBERS worker accounts, each linked to a person with an active membership of `org` and
    one child aged 8; a bearer token each (accounts.tokens.token_issue). Returns
    [(token, person id, child id)]."""
    birth = (start - dt.timedelta(days=8 * 365 + 100)).date()
    users = [User(username=f"storm-{i:05d}", kind=UserKind.WORKER, password="!") for i in range(MEMBERS)]
    User.objects.bulk_create(users, batch_size=1000)
    people = [
        Person(
            name=f"压测会员{i}",
            id_type="cn_resident",
            id_number=f"4403041990{i:07d}Z",  # not a valid check digit: never a real number
            id_index=uuid.uuid4().hex,
            birth_date=dt.date(1990, 1, 1),
            user=user,
        )
        for i, user in enumerate(users)
    ]
    Person.objects.bulk_create(people, batch_size=1000)
    Membership.objects.bulk_create(
        [
            Membership(person=p, org=org, status=MemberStatus.MEMBER, joined_on=dt.date(2020, 1, 1))
            for p in people
        ],
        batch_size=1000,
    )
    children = [
        FamilyMember(person=p, relation=Relation.CHILD, name=f"压测孩子{i}", birth_date=birth)
        for i, p in enumerate(people)
    ]
    FamilyMember.objects.bulk_create(children, batch_size=1000)
    with transaction.atomic():
        tokens = [token_issue(user=user)[0] for user in users]
    return [(t, p.pk, c.pk) for t, p, c in zip(tokens, people, children, strict=True)]


def camp(actor: User, org: Org, title: str, group: str, start: dt.datetime) -> Activity:
    """A published 10-day children's camp with CAPACITY places, waiting list on, registration
    open now, one per child in `group` — through the activities services."""
    now = timezone.now()
    sessions = [
        {
            "title": f"第{d + 1}天",
            "starts_at": start + dt.timedelta(days=d),
            "ends_at": start + dt.timedelta(days=d, hours=8),
        }
        for d in range(10)
    ]
    data = {
        "kind": ActivityKind.CAMP,
        "title": title,
        "capacity": CAPACITY,
        "waitlist_enabled": True,
        "offer_hold_minutes": 24 * 60,
        "members_only": True,
        "for_children": True,
        "child_age_min": 6,
        "child_age_max": 12,
        "limit_group": group,
        "limit_count": 1,
        "registration_opens_at": now - dt.timedelta(hours=1),
        "registration_closes_at": now + dt.timedelta(days=7),
        "sessions": sessions,
    }
    return activity_publish(actor=actor, activity=activity_create(actor=actor, org=org, data=data))


# -- checks -----------------------------------------------------------------------------------


def pair_inversions(early: list[float], late: list[float]) -> int:
    """How many pairs (e in early, l in late) have l < e."""
    ordered = sorted(late)
    return sum(bisect.bisect_left(ordered, e) for e in early)


def check_storm(activity: Activity, results) -> dict:
    """Database checks after the storm, plus the client-side view of the order."""
    rows = list(
        Enrolment.objects.filter(activity=activity).values("id", "person_id", "holder", "status", "arrival")
    )
    activity.refresh_from_db()
    holders = [r for r in rows if r["status"] in HOLDING]
    waiting = [r for r in rows if r["status"] == S.WAITLISTED]
    active = holders + waiting
    by_id = {str(r["id"]): r for r in rows}
    answered = {}
    for res in results:
        if res.status == 201 and isinstance(res.body, dict) and res.body.get("id") in by_id:
            answered[res.body["id"]] = res
    held_ids = [str(r["id"]) for r in holders if str(r["id"]) in answered]
    wait_ids = [str(r["id"]) for r in waiting if str(r["id"]) in answered]
    return {
        "held": len(holders),
        "taken": activity.taken,
        "waitlisted": len(waiting),
        "twice": (len(active) - len({r["holder"] for r in active}))
        + (len(active) - len({r["person_id"] for r in active})),
        "arrivals_distinct": len({r["arrival"] for r in rows}) == len(rows),
        "fairness_violations": pair_inversions(
            [r["arrival"] for r in holders], [r["arrival"] for r in waiting]
        ),
        "pairs": len(holders) * len(waiting),
        "sent_inversions": pair_inversions(
            [answered[i].sent for i in held_ids], [answered[i].sent for i in wait_ids]
        ),
        "answer_inversions": pair_inversions(
            [answered[i].done for i in held_ids], [answered[i].done for i in wait_ids]
        ),
        "last_confirmed_sent": max((answered[i].sent for i in held_ids), default=0.0),
        "first_waitlisted_sent": min((answered[i].sent for i in wait_ids), default=0.0),
    }


def cancel_and_check(port: int, activity: Activity, members) -> dict:
    """CANCELS random confirmed members cancel at once over HTTP; the freed places must be
    offered to the CANCELS earliest waitlisted arrivals, in arrival order."""
    token_of = {person: token for token, person, _child in members}
    confirmed = list(
        Enrolment.objects.filter(activity=activity, status=S.CONFIRMED).values_list("id", "person_id")
    )
    chosen = random.Random(11).sample(confirmed, CANCELS)
    heads = list(
        Enrolment.objects.filter(activity=activity, status=S.WAITLISTED)
        .order_by("arrival")
        .values_list("id", flat=True)[:CANCELS]
    )
    requests = [
        Request("DELETE", f"/api/v1/enrolments/{eid}", token_of[pid], tag=i)
        for i, (eid, pid) in enumerate(chosen)
    ]
    results = fire(port, requests, [0.01 * i for i in range(CANCELS)])
    offered = list(
        Enrolment.objects.filter(activity=activity, status=S.OFFERED)
        .order_by("offer_expires_at", "arrival")
        .values_list("id", "arrival")
    )
    activity.refresh_from_db()
    holding = Enrolment.objects.filter(activity=activity, status__in=HOLDING)
    waiting = Enrolment.objects.filter(activity=activity, status=S.WAITLISTED)
    max_held = max(holding.values_list("arrival", flat=True))
    min_wait = min(waiting.values_list("arrival", flat=True), default=max_held + 1)
    return {
        "statuses": sorted({r.status for r in results}),
        "offered": len(offered),
        "to_heads": {pk for pk, _a in offered} == set(heads),
        "in_order": [a for _pk, a in offered] == sorted(a for _pk, a in offered),
        "held_after": holding.count(),
        "taken_after": activity.taken,
        "fair_after": max_held < min_wait,
    }


def check_naive(activity: Activity) -> dict:
    rows = list(Enrolment.objects.filter(activity=activity).values_list("status", "arrival"))
    confirmed = sum(1 for status, _a in rows if status == S.CONFIRMED)
    return {
        "confirmed": confirmed,
        "overbooked": confirmed - CAPACITY,
        "duplicate_arrivals": len(rows) - len({a for _s, a in rows}),
    }


# -- the run ----------------------------------------------------------------------------------


def storm_requests(members, path: str) -> list[Request]:
    """One request per member, in a shuffled order (arrival order unrelated to creation)."""
    order = list(range(len(members)))
    random.Random(3).shuffle(order)
    return [Request("POST", path, members[i][0], {"child_id": str(members[i][2])}, tag=i) for i in order]


def line(name: str, stats: dict) -> str:
    counts = ", ".join(f"{k or 'error'}: {v}" for k, v in stats["counts"].items())
    return (
        f"  {name:<6} {stats['requests']:>6} req  {stats['per_s']:8.1f} successes/s  "
        f"p50 {stats['p50']:8.1f} ms  p99 {stats['p99']:8.1f} ms  over {stats['span']:.1f} s  "
        f"(scheduler late p99 {stats['late_p99']:.0f} ms)  [{counts}]"
    )


def setup() -> tuple[list, Activity, Activity]:
    call_command("migrate", verbosity=0)
    seed(password="Bench-pass-2026")
    org = Org.objects.get(name="深圳福保精密电子有限公司工会委员会")
    organiser = Org.objects.get(name="深圳市福田区总工会")
    actor = User.objects.get(username="futian_staff")
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    began = time.perf_counter()
    members = build_members(org, start)
    ours = camp(actor, organiser, "压测寒假托管营", "压测寒假", start)
    naive = camp(actor, organiser, "压测寒假托管营（naive）", "压测寒假-naive", start)
    print(
        f"postgresql: {MEMBERS:,} members (+ child, membership, account, token) "
        f"in {time.perf_counter() - began:.1f}s"
    )
    return members, ours, naive


def main() -> None:
    members, ours, naive = setup()
    port = ENV.start_server(WORKERS)
    warm = [Request("GET", "/bench/floor") for _ in range(40)] + [
        Request("GET", f"/api/v1/activities/{ours.pk}")
    ] * 20
    fire(port, warm, [0.02 * i for i in range(len(warm))])
    times = schedule(MEMBERS, SECONDS)
    print(
        f"open loop: {MEMBERS:,} requests, Poisson arrivals over {SECONDS:g} s "
        f"({MEMBERS / SECONDS:,.0f}/s offered), "
        f"gunicorn -w {WORKERS} (sync), load average {os.getloadavg()[0]:.1f}"
    )
    floor = summary(fire(port, [Request("GET", "/bench/floor", tag=i) for i in range(MEMBERS)], times))
    results = fire(port, storm_requests(members, f"/api/v1/activities/{ours.pk}/enrolments"), times)
    ours_stats, storm = summary(results, ok=(201,)), check_storm(ours, results)
    promoted = cancel_and_check(port, ours, [(t, p, c) for t, p, c in members])
    naive_results = fire(port, storm_requests(members, f"/bench/naive/{naive.pk}/enrolments"), times)
    naive_stats, naive_check = summary(naive_results, ok=(201,)), check_naive(naive)
    report({"floor": floor, "ours": ours_stats, "naive": naive_stats}, storm, promoted, naive_check)
    failed = [
        name
        for name, good in (
            ("55 held", storm["held"] == storm["taken"] == CAPACITY),
            ("nobody twice", storm["twice"] == 0),
            ("fairness", storm["fairness_violations"] == 0),
            ("promotions", promoted["to_heads"] and promoted["in_order"] and promoted["offered"] == CANCELS),
            ("after cancellations", promoted["held_after"] == CAPACITY and promoted["fair_after"]),
        )
        if not good
    ]
    if failed:
        raise SystemExit(f"CHECKS FAILED: {', '.join(failed)}")


def report(stats: dict, storm: dict, promoted: dict, naive: dict) -> None:
    for name, values in stats.items():
        print(line(name, values))
    ours, floor, base = stats["ours"], stats["floor"], stats["naive"]
    print(
        f"ratios: ours/floor successes/s = {ours['per_s'] / floor['per_s']:.2f}, "
        f"p50 = {ours['p50'] / floor['p50']:.2f}; "
        f"ours/naive successes/s = {ours['per_s'] / base['per_s']:.2f}, p50 = {ours['p50'] / base['p50']:.2f}"
    )
    pairs = max(storm["pairs"], 1)
    print(
        f"ours, database: {storm['held']} places held (slot.taken {storm['taken']}), "
        f"{storm['waitlisted']} waitlisted, "
        f"enrolled twice {storm['twice']}, arrival numbers distinct {storm['arrivals_distinct']}, "
        f"fairness violations {storm['fairness_violations']} of {storm['pairs']:,} (holder, waitlisted) pairs"
    )
    print(
        f"ours, client view: {storm['sent_inversions']:,} pairs "
        f"({100 * storm['sent_inversions'] / pairs:.2f}%) had the "
        f"waitlisted request sent before the holder's, {storm['answer_inversions']:,} "
        f"({100 * storm['answer_inversions'] / pairs:.2f}%) answered before it; last holder sent at "
        f"{storm['last_confirmed_sent']:.3f} s, "
        f"first waitlisted sent at {storm['first_waitlisted_sent']:.3f} s"
    )
    print(
        f"cancellations: {CANCELS} DELETE → {promoted['statuses']}; "
        f"{promoted['offered']} offered, to the {CANCELS} "
        f"earliest waitlisted: {promoted['to_heads']}, in arrival order: {promoted['in_order']}; "
        f"held after {promoted['held_after']} (taken {promoted['taken_after']}), "
        f"holders before waitlisted: {promoted['fair_after']}"
    )
    print(
        f"naive check-then-insert: {naive['confirmed']} confirmed for {CAPACITY} places → overbooked by "
        f"{naive['overbooked']}; {naive['duplicate_arrivals']} duplicate arrival numbers"
    )
    print("\nmarkdown rows:")
    for name, v in stats.items():
        counts = ", ".join(f"{k or 'error'}: {n}" for k, n in v["counts"].items())
        print(
            f"| {name} | {v['requests']:,} | {v['per_s']:,.0f} | {v['p50']:,.0f} "
            f"| {v['p99']:,.0f} | {counts} |"
        )


if __name__ == "__main__":
    try:
        main()
    except Exception:
        tail = ENV.server_log_tail()
        if tail:
            print("--- server log (tail) ---\n" + tail, file=sys.stderr)
        raise
    finally:
        ENV.cleanup()
