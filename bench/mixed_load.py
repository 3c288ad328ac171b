"""A mixed, bounded, loopback-only workload against the province topology (deploy/topology.sh:
gunicorn workers, primary + streaming replica with read routing, Redis, Celery) and against a
single-process server on the same primary (one gunicorn worker, one thread, no replica, no
Redis), with the throughput ratio and the correctness checks.

    deploy/topology.sh up
    source $TOPO_DIR/env && .venv/bin/python bench/mixed_load.py [--seconds 12] [--clients 6]

The mix, per client thread (keep-alive connection, bearer tokens): the public station finder
page and its API, activity lists (page and API), a staff dashboard (the statistics summary and
breakdown and the org tree through the API, with a bearer token), enrolments into one activity
with few places, first-come voucher claims against a small stock (each member tries once, so
stock and places can run out during the run and "sold out" / "full" answers join the mix), and
station check-ins by staff (anonymous visitor groups: each one a row in the service ledger).
After each run it checks against the database (always the primary): no more vouchers than
stock and the round's counter equal to the rows, nobody holding two vouchers or two places, no
more holders than places and the activity's `taken` equal to them, every 201 answered backed
by a row, and the read-your-writes path: a member who just enrolled sees the enrolment on their
next read; every 201 check-in is one ledger row; and after the statistics fold has caught up,
the province's figures (服务人次 this year, all service sources) equal the sum over its ledger rows.

Throughput figures from this machine are from a shared, busy 2-core box: compare the ratio, not
the absolute numbers. Bounded: the seconds given per target, plus the setup (COPY of members).
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIX = [  # (kind, weight)
    ("finder_page", 15),
    ("finder_api", 15),
    ("lists", 15),
    ("dashboard", 10),
    ("enrol", 15),
    ("claim", 20),
    ("checkin", 10),
]
VISITOR_GROUPS = ["delivery_rider", "courier", "sanitation", "ride_hailing", "truck_driver"]


# What a staff member's console home asks for: the statistics (from the replica) and the tree.
_YEAR = f"from={dt.date.today().year}-01-01&to={dt.date.today().isoformat()}"
DASHBOARD = [
    "/api/v1/stats/summary?org={org}&" + _YEAR,
    "/api/v1/stats/breakdown?by=child&org={org}&" + _YEAR,
    "/api/v1/orgs",
]


def loopback_only(url: str) -> tuple[str, int]:
    parts = urlparse(url)
    host = parts.hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        sys.exit(f"mixed_load drives loopback servers only, not {host}")
    return host, parts.port or 80


class Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def call(self, method: str, path: str, token: str = "", body: dict | None = None, headers=None):
        head = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if token:
            head["Authorization"] = f"Bearer {token}"
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            head["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=head)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    return 0, {}
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        try:
            parsed = json.loads(raw) if raw[:1] in (b"{", b"[") else {}
        except ValueError:
            parsed = {}
        return response.status, parsed


def setup_target(label: str, members_count: int, places: int, stock: int):
    """Members with tokens, an activity with `places` places and a first-come campaign with
    `stock` vouchers, all in 中山's subtree (the demo's campaign unit), fresh for this target."""
    from bench.voucher_data import build_members, first_come
    from zhijia.accounts.models import User
    from zhijia.accounts.tokens import token_issue
    from zhijia.activities.enums import ActivityKind
    from zhijia.activities.services.activities import activity_create, activity_publish
    from zhijia.benefits.models import Campaign
    from zhijia.orgs.models import Org
    from zhijia.positions.models import Position

    org = Org.objects.filter(name="中山市总工会").first() or Org.objects.order_by("depth").first()
    admin = User.objects.get(username="province_admin")
    members = build_members(org, members_count, prefix=f"mix-{label}-{uuid.uuid4().hex[:6]}")
    from django.db import transaction
    from django.utils import timezone

    now = timezone.now()
    data = {
        "kind": ActivityKind.EVENT,
        "title": f"混合负载活动 {label}",
        "capacity": places,
        "waitlist_enabled": False,
        "members_only": True,
        "registration_opens_at": now - dt.timedelta(hours=1),
        "registration_closes_at": now + dt.timedelta(days=2),
        "sessions": [
            {
                "title": "第1场",
                "starts_at": now + dt.timedelta(days=3),
                "ends_at": now + dt.timedelta(days=3, hours=2),
            }
        ],
    }
    activity = activity_publish(actor=admin, activity=activity_create(actor=admin, org=org, data=data))
    campaign, rnd = first_come(actor=admin, org=org, title=f"混合负载券 {label}", stock=stock)
    with transaction.atomic():
        staff_token = token_issue(user=admin)[0]
    assert Campaign.objects.filter(pk=campaign.pk).exists()
    station = Position.objects.filter(deleted_at__isnull=True).order_by("created_at", "pk").first()
    assert station is not None, "the demo has stations"
    return {
        "members": members,
        "activity": activity,
        "campaign": campaign,
        "round": rnd,
        "staff": staff_token,
        "stats_org": admin.org_id,
        "station": station,
    }


def drive(url: str, data: dict, seconds: float, clients: int) -> dict:
    host, port = loopback_only(url)
    members = list(data["members"])
    random.Random(7).shuffle(members)
    lock = threading.Lock()
    counts: Counter = Counter()
    statuses: dict[str, Counter] = defaultdict(Counter)
    created: dict[str, list] = {"enrol": [], "claim": [], "checkin": []}
    ryw_misses = []
    activity_id, campaign_id, station_id = data["activity"].pk, data["campaign"].pk, data["station"].pk
    kinds = [k for k, w in MIX for _ in range(w)]

    def next_member():
        with lock:
            return members.pop() if members else None

    # Warm-up, not measured: every worker process has loaded its views and opened its pools.
    warm = Client(host, port)
    for path in ("/h5/stations/", "/api/v1/activities", "/h5/activities/", "/healthz") * (clients * 2):
        warm.call("GET", path)
    warm.conn.close()

    stop_at = time.monotonic() + seconds
    samples: dict[str, object] = {}

    def worker(n: int):
        rng = random.Random(n)
        client = Client(host, port)  # a phone browsing (keeps its cookies)
        staff = Client(host, port)  # an API client with a bearer token (no cookies)
        while time.monotonic() < stop_at:
            kind = rng.choice(kinds)
            body: object = None
            if kind == "finder_page":
                status, _ = client.call(
                    "GET", f"/h5/stations/?lat=22.{rng.randint(50, 56)}&lng=114.0{rng.randint(1, 9)}"
                )
            elif kind == "finder_api":
                where = f"lat=22.{rng.randint(50, 56)}&lng=114.0{rng.randint(1, 9)}"
                status, _ = client.call("GET", f"/api/v1/positions/nearby?{where}&radius_m=3000")
            elif kind == "lists":
                status, _ = client.call("GET", rng.choice(["/h5/activities/", "/api/v1/activities"]))
            elif kind == "dashboard":
                status, body = staff.call(
                    "GET", rng.choice(DASHBOARD).format(org=data["stats_org"]), data["staff"]
                )
                staff.cookies.clear()
            elif kind == "checkin":
                visit = {"visitor_group": rng.choice(VISITOR_GROUPS), "services": ["rest", "water"]}
                status, body = staff.call(
                    "POST", f"/api/v1/positions/{station_id}/visits", data["staff"], visit
                )
                staff.cookies.clear()
                if status == 201:
                    with lock:
                        created["checkin"].append(body.get("id"))
            else:
                member = next_member()
                if member is None:
                    kind = "idle"
                    status = 0
                else:
                    token, _user, person = member
                    member_client = Client(host, port)
                    if kind == "enrol":
                        status, body = member_client.call(
                            "POST", f"/api/v1/activities/{activity_id}/enrolments", token, {}
                        )
                        if status == 201:
                            with lock:
                                created["enrol"].append(body.get("id"))
                            # Read-your-writes: the member's next read shows the enrolment.
                            s2, mine = member_client.call("GET", "/api/v1/me/enrolments", token)
                            ids = {
                                str(e.get("id"))
                                for e in (mine if isinstance(mine, list) else mine.get("items", []))
                            }
                            if s2 != 200 or str(body.get("id")) not in ids:
                                with lock:
                                    ryw_misses.append(body.get("id"))
                    else:
                        status, body = member_client.call(
                            "POST",
                            f"/api/v1/voucher-campaigns/{campaign_id}/claims",
                            token,
                            None,
                            {"Idempotency-Key": uuid.uuid4().hex},
                        )
                        if status == 201:
                            with lock:
                                created["claim"].append(person)
                    member_client.conn.close()
            with lock:
                counts[kind] += 1
                statuses[kind][status] += 1
                if status >= 400 and f"{kind} {status}" not in samples:
                    samples[f"{kind} {status}"] = (
                        body if kind in {"enrol", "claim", "dashboard", "checkin"} else status
                    )
        client.conn.close()
        staff.conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    total = sum(v for k, v in counts.items() if k != "idle")
    return {
        "elapsed": elapsed,
        "requests": total,
        "rps": total / elapsed,
        "by_kind": {k: dict(statuses[k]) for k in counts},
        "created": created,
        "ryw_misses": ryw_misses,
        "samples": samples,
        "errors_5xx": sum(
            n for k in statuses if k != "idle" for s, n in statuses[k].items() if s >= 500 or s == 0
        ),
    }


def ledger_equals_figures(org_id) -> bool:
    """Once the fold has caught up (beat folds every 30 s on the topology; this process folds
    too, and waits at most a minute for a fold another process holds), the unit's 服务人次 this
    year from the statistics equal the sum over its ledger rows (service sources)."""
    from django.db.models import Sum

    from zhijia.orgs.models import Org
    from zhijia.records.enums import SERVICE_SOURCES
    from zhijia.records.models import ServiceRecord, Unfolded
    from zhijia.stats import figures
    from zhijia.stats.fold import fold_all

    deadline = time.monotonic() + 60
    while True:
        fold_all()
        if not Unfolded.objects.exists() or time.monotonic() > deadline:
            break
        time.sleep(1)
    org = Org.objects.get(pk=org_id)
    today = dt.datetime.now(SHANGHAI).date()
    first = today.replace(month=1, day=1)
    shown = figures.total(org, first, today)["service_visits"]
    lo = dt.datetime.combine(first, dt.time.min, SHANGHAI)
    hi = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, SHANGHAI)
    rows = ServiceRecord.objects.filter(
        **{f"l{org.depth}": org.pk}, source__in=SERVICE_SOURCES, occurred_at__gte=lo, occurred_at__lt=hi
    )
    counted = rows.aggregate(n=Sum("qty"))["n"] or 0
    print(f"   figures {shown} 人次 / ledger {counted} 人次 ({org.name}, {first}–{today})")
    return shown == counted


def check(data: dict, run: dict, *, places: int, stock: int) -> dict:
    from django.db.models import Count

    from zhijia.activities.enums import HOLDING
    from zhijia.activities.models import Enrolment
    from zhijia.benefits.models import Round, Voucher
    from zhijia.records.models import ServiceRecord

    vouchers = Voucher.objects.filter(campaign=data["campaign"])
    rnd = Round.objects.get(pk=data["round"].pk)
    held = Enrolment.objects.filter(activity=data["activity"], status__in=HOLDING)
    activity = type(data["activity"]).objects.get(pk=data["activity"].pk)
    checks = {
        "vouchers <= stock": vouchers.count() <= stock,
        "round counter == vouchers": rnd.claimed == vouchers.count(),
        "nobody holds two vouchers": not vouchers.values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists(),
        "201 claims == voucher rows": len(run["created"]["claim"]) == vouchers.count(),
        "holders <= places": held.count() <= places,
        "activity.taken == holders": activity.taken == held.count(),
        "nobody enrolled twice": not held.values("person_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists(),
        "201 enrolments == rows": len(run["created"]["enrol"]) == held.count(),
        "read-your-writes (enrolled, then listed)": not run["ryw_misses"],
        "201 check-ins == ledger rows": ServiceRecord.objects.filter(
            source="visit", source_id__in=run["created"]["checkin"]
        ).count()
        == len(run["created"]["checkin"]),
        "statistics == ledger (after the fold)": ledger_equals_figures(data["stats_org"]),
        "no 5xx / connection errors": run["errors_5xx"] == 0,
    }
    return checks


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_single(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    for name in ("DATABASE_REPLICA_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.update(
        WEB_CONCURRENCY="1", ZHIJIA_THREADS="1", ZHIJIA_BIND=f"127.0.0.1:{port}", ZHIJIA_ACCESS_LOG="0"
    )
    env["AUDIT_SEAL_INLINE"] = "false"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    sys.exit("the single-process server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topology", default=f"http://{os.environ.get('ZHIJIA_BIND', '127.0.0.1:8000')}")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("MIXED_SECONDS", "12")))
    parser.add_argument("--clients", type=int, default=int(os.environ.get("MIXED_CLIENTS", "6")))
    parser.add_argument("--members", type=int, default=600)
    parser.add_argument("--places", type=int, default=40)
    parser.add_argument("--stock", type=int, default=60)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("mixed_load runs against the topology on PostgreSQL: source $TOPO_DIR/env first")
    if options.seconds > 120 or options.clients > 16:
        sys.exit("bounded: at most 120 seconds and 16 clients per target")
    loopback_only(options.topology)

    import django

    django.setup()

    results, failed = {}, False
    single_port = free_port()
    single = start_single(single_port)
    try:
        for label, url in (("topology", options.topology), ("single", f"http://127.0.0.1:{single_port}")):
            data = setup_target(label, options.members, options.places, options.stock)
            run = drive(url, data, options.seconds, options.clients)
            checks = check(data, run, places=options.places, stock=options.stock)
            results[label] = run
            print(
                f"\n== {label} ({url}): {run['requests']} requests in {run['elapsed']:.1f} s"
                f" = {run['rps']:.1f}/s"
            )
            for kind, statuses in sorted(run["by_kind"].items()):
                print(f"   {kind:<12} {dict(sorted(statuses.items()))}")
            for what, sample in sorted(run["samples"].items()):
                print(f"   first {what}: {str(sample)[:160]}")
            for name, ok in checks.items():
                print(f"   [{'ok' if ok else 'FAIL'}] {name}")
                failed |= not ok
    finally:
        single.terminate()
        try:
            single.wait(timeout=30)
        except subprocess.TimeoutExpired:
            single.kill()
    ratio = results["topology"]["rps"] / max(results["single"]["rps"], 1e-9)
    print(f"\nthroughput ratio topology / single process: {ratio:.2f}x (busy shared 2-core machine)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
