"""Voucher flash sale: 10,000 vouchers in one round, 200,000 eligible members (worker account,
real-name person, active membership, bearer token each), claimed over HTTP with
`POST /api/v1/voucher-campaigns/<id>/claims` (an `Idempotency-Key` per request) against a real
multi-process server (gunicorn, 4 sync workers) on PostgreSQL, with Redis (a database of the
bench's own) shedding the losers. Open-loop arrivals (bench/storm_client.py's scheduler): each
request is sent at its Poisson-scheduled time whatever the server is doing.

In the same run:
- in-process profile (bench/voucher_profile.py): each path through Django's test client with
  its SQL statements, cache calls and time per step counted, and the pieces of a cached answer;
- raw floor: pgbench claims 10,000 vouchers with the claim's two writes only (voucher INSERT
  with the unique claim key, then the guarded `UPDATE … SET claimed = claimed + 1 WHERE … AND
  claimed < stock`), at the server's concurrency (bench/voucher_floor.py);
- ours, success path: several offered rates until the round is sold out;
- ours, loser paths: sold out (that campaign afterwards), not open (a campaign opening
  tomorrow), already claimed (members holding one: first answered by the database, then by the
  cache) — at several rates, taking turns with
- the trivial view (constant JSON through the same middleware, bench/urls_storm.py's floor
  view) and the ninja floor (the same 409 body through django-ninja and nothing else);
- naive: a check-then-insert claim view (bench/urls_voucher.py) selling the last 1,000 of a
  10,000 stock at the top rate, on the same server and again on a 16-worker one — it oversells;
- Redis down: a server whose cache refuses connections; a smaller sale and the loser paths must
  stay correct (answered by the database).

Checks from the database: vouchers issued = stock, round.claimed = count(vouchers), no person
twice, no more 201 answers than stock and each names a stored voucher, the holders got nothing
new, nothing was issued before opening — with Redis and without.

    uv run --frozen python bench/voucher_flash_sale.py            # ~5–6 min on 2 cores
    uv run --frozen python bench/voucher_flash_sale.py --quick    # ~1.5 min smoke run
    uv run --frozen python bench/voucher_flash_sale.py --profile  # set-up and profile only
    CPROFILE="success,sold out (cache)" …                         # with cProfile's top 25

PostgreSQL only (SQLite is refused); DATABASE_URL defaults to
postgres://postgres@127.0.0.1:5432/zhijia_bench_voucher, REDIS_URL to redis://127.0.0.1:6379/5.
Creates and drops its own database, flushes its Redis database, starts and stops its own
servers on 127.0.0.1; stops by itself (every request times out after STORM_TIMEOUT, default
300 s). Knobs: MEMBERS, STOCK, WORKERS, SUCCESS_RATES ("rate:seconds,…"; the last phase runs
until sold out), LOSER_RATES ("r1,r2,…"), LOSER_SECONDS (arrivals per loser phase),
TOP_REPEATS, LOSER_N (members holding a voucher), NAIVE_WORKERS (0: no wide naive run),
PROFILE_N (requests per profiled path).
"""

import datetime as dt
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.voucher_env import DOWN_REDIS, VoucherEnv

QUICK = "--quick" in sys.argv
PROFILE_ONLY = "--profile" in sys.argv
ENV = VoucherEnv()  # refuses SQLite; creates the PostgreSQL database; empties Redis db 5

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
# Django logs every 4xx answer as a warning: the servers do (into their log in the temporary
# directory), and so does the in-process profile (into /dev/null, bench/voucher_profile.py).
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import voucher_data as data  # noqa: E402
from bench.voucher_client import Request, fire, rate_schedule  # noqa: E402
from bench.voucher_floor import pgbench_claims  # noqa: E402
from bench.voucher_profile import micro_costs, print_profile, profile_paths  # noqa: E402
from bench.voucher_stats import answers, fmt_counts, late_p99, path_stats, ratio, row  # noqa: E402
from zhijia.accounts.models import User  # noqa: E402
from zhijia.benefits.models import Campaign, Voucher  # noqa: E402
from zhijia.demo.seed import seed  # noqa: E402
from zhijia.orgs.models import Org  # noqa: E402


def _env_int(name: str, full: int, quick: int) -> int:
    return int(os.environ.get(name, quick if QUICK else full))


MEMBERS = _env_int("MEMBERS", 200_000, 40_000)
STOCK = _env_int("STOCK", 10_000, 1_000)
WORKERS = _env_int("WORKERS", 4, 4)
# Offered claims/s and seconds per phase; the last phase (seconds ignored) sends what is left of
# the stock plus 10% more, so the round sells out while it runs.
SUCCESS_RATES = [
    (float(r), float(s))
    for r, s in (
        p.split(":")
        for p in os.environ.get(
            "SUCCESS_RATES", "50:4,100:4,400:0" if QUICK else "100:10,200:10,400:0"
        ).split(",")
    )
]
LOSER_RATES = [float(r) for r in os.environ.get("LOSER_RATES", "300,1000,2500").split(",")]
TOP_REPEATS = _env_int("TOP_REPEATS", 2, 2)  # the loser phases at the top rate, taking turns
LOSER_SECONDS = float(os.environ.get("LOSER_SECONDS", 1 if QUICK else 2.5))  # arrivals per loser phase
LOSER_N = _env_int("LOSER_N", 1_500, 500)  # members holding a voucher (the "already claimed")
NAIVE_LEFT = _env_int("NAIVE_LEFT", 1_000, 200)  # the naive campaign's stock still open
DOWN_STOCK = _env_int("DOWN_STOCK", 1_000, 200)  # the Redis-down sale
NAIVE_WORKERS = _env_int("NAIVE_WORKERS", 16, 16)  # the naive once more on a wider server (0: not)
PROFILE_N = _env_int("PROFILE_N", 200, 50)  # in-process requests per path in the profile
CLAIMS_PATH = "/api/v1/voucher-campaigns/{}/claims"

FUNDING = "深圳市福田区总工会"
MEMBER_UNION = "深圳福保精密电子有限公司工会委员会"


# -- the run ----------------------------------------------------------------------------------


class Members:
    """The members in a shuffled order, handed out in blocks that never overlap."""

    def __init__(self, members: list) -> None:
        self.members = members
        self.next = 0

    def take(self, n: int) -> list:
        if self.next + n > len(self.members):
            raise SystemExit(f"MEMBERS={len(self.members)} is too few for this run")
        block = self.members[self.next : self.next + n]
        self.next += n
        return block


def claims(campaign: Campaign, members: list, path: str = CLAIMS_PATH) -> list[Request]:
    """One claim per member, each with its own Idempotency-Key."""
    target = path.format(campaign.pk)
    return [
        Request("POST", target, token, None, tag=i, headers={"Idempotency-Key": uuid.uuid4().hex})
        for i, (token, _user, _person) in enumerate(members)
    ]


def endpoint_ready() -> bool:
    """The real claim endpoint is mounted (it is written by another helper)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(CLAIMS_PATH.format(uuid.uuid4()))
    except Resolver404:
        return False
    return True


def setup() -> dict:
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    seed(password="Bench-pass-2026")
    org = Org.objects.get(name=MEMBER_UNION)
    funding = Org.objects.get(name=FUNDING)
    actor = User.objects.get(username="futian_staff")
    print(f"migrate + demo tree: {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    members = data.build_members(org, MEMBERS)
    print(
        f"{MEMBERS:,} members (account, real-name person, membership, token) by COPY: "
        f"{time.perf_counter() - began:.1f} s"
    )
    random.Random(7).shuffle(members)
    pool = Members(members)

    def campaign(title: str, stock: int, **kw):
        return data.first_come(actor=actor, org=funding, title=title, stock=stock, **kw)

    c = {
        "floor": campaign("压测 pgbench", STOCK),
        "ours": campaign("压测 抢券", STOCK),
        "naive": campaign("压测 naive", STOCK),
        "naive_wide": campaign("压测 naive 16", STOCK),
        "held": campaign("压测 已领", LOSER_N * 4),
        "later": campaign("压测 明日开抢", STOCK, opens_in=dt.timedelta(days=1)),
        "down": campaign("压测 Redis 停", DOWN_STOCK),
        "profile": campaign("压测 剖析", 2 * PROFILE_N),
        "sold": campaign("压测 已抢完", 1),
    }
    groups = {
        "floor": members[:STOCK],  # pgbench's members (its own campaign; they are used again below)
        "held": pool.take(LOSER_N),
        "naive_held": pool.take(STOCK - NAIVE_LEFT),
        "naive_wide_held": pool.take(STOCK - NAIVE_LEFT) if NAIVE_WORKERS else [],
        "profile_held": pool.take(PROFILE_N),
    }
    data.floor_people(groups["floor"])
    data.hold(*c["held"], groups["held"])
    data.hold(*c["naive"], groups["naive_held"])
    data.hold(*c["naive_wide"], groups["naive_wide_held"])
    data.hold(*c["profile"], groups["profile_held"])
    data.hold(*c["sold"], pool.take(1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE benefits_voucher")
        cursor.execute("ANALYZE benefits_round")
    return {"campaigns": c, "groups": groups, "pool": pool, "actor": actor}


def phase(port: int, requests: list[Request], rate: float) -> list:
    return fire(port, requests, rate_schedule(rate, len(requests)))


def show(name: str, offered: str, results: list, keep=lambda r: True) -> dict:
    stats = path_stats(results, keep)
    counts = answers(results)
    print(
        f"  {name:<26} {offered:>12}  {stats['count']:>6,} × {stats['per_s']:7.1f}/s  "
        f"p50 {stats['p50']:8.1f} ms  p99 {stats['p99']:8.1f} ms  "
        f"(late p99 {late_p99(results):.0f} ms)  [{fmt_counts(counts)}]"
    )
    return {"name": name, "offered": offered, **stats, "counts": counts}


def success_storm(port: int, campaign: Campaign, pool: Members, label: str = "ours") -> tuple[list, list]:
    """SUCCESS_RATES phases on `campaign` until its round is sold out; one member per request."""
    rows, everything = [], []
    rnd = campaign.rounds.get()
    for k, (rate, seconds) in enumerate(SUCCESS_RATES):
        last = k == len(SUCCESS_RATES) - 1
        rnd.refresh_from_db()
        left = rnd.stock - rnd.claimed
        n = int(left * 1.1) + 1 if last else min(int(rate * seconds), left)
        if n <= 0:
            break
        results = phase(port, claims(campaign, pool.take(n)), rate)
        everything += results
        rows.append(show(f"{label}: success", f"{rate:,.0f}/s", results, lambda r: r.status == 201))
        if last and any(r.status == 409 for r in results):
            rows.append(show(f"{label}: sold out in the sale", "", results, lambda r: r.status != 201))
    return rows, everything


def cycle(members: list, n: int) -> list:
    """`n` members, going round `members` again when there are fewer (a holder asking again is
    answered by the cache, before the per-user rate limit)."""
    return [members[i % len(members)] for i in range(n)]


def trivial(n: int) -> list[Request]:
    return [Request("GET", "/bench/floor", tag=i) for i in range(n)]


def check_round(campaign: Campaign, results: list | None = None) -> dict:
    """issued, round.claimed, persons twice, 201 answers (≤ stock), stock."""
    rnd = campaign.rounds.get()
    vouchers = Voucher.objects.filter(campaign=campaign)
    issued = vouchers.count()
    persons = vouchers.values("person_id").distinct().count()
    wins = sum(1 for r in results or [] if r.status == 201)
    known = {str(pk) for pk in vouchers.values_list("pk", flat=True)} if results else set()
    unknown = sum(1 for r in results or [] if r.status == 201 and r.body.get("voucher_id") not in known)
    return {
        "stock": rnd.stock,
        "issued": issued,
        "claimed": rnd.claimed,
        "twice": issued - persons,
        "wins": wins,
        "unknown_wins": unknown,
    }


def in_process_profile(ctx: dict) -> list[dict]:
    """Each path of ours PROFILE_N times through the test client (profile_paths: the paths take
    turns in rounds): the trivial view for reference; success (fresh members; campaign "profile",
    half its stock held); already claimed from the cache (those winners again, new keys);
    already claimed from the database (the members who held one before: no flag yet); sold out
    (campaign "sold", its one voucher held: the first loser is answered by the database and
    sets the flag, the rest by the cache); not open (campaign "later", opens tomorrow)."""
    c, groups, pool = ctx["campaigns"], ctx["groups"], ctx["pool"]

    def posts(campaign: Campaign, members: list) -> list[tuple[str, str, dict]]:
        return [
            (
                r.method,
                r.path,
                {
                    "HTTP_AUTHORIZATION": f"Bearer {r.token}",
                    "HTTP_IDEMPOTENCY_KEY": r.headers["Idempotency-Key"],
                },
            )
            for r in claims(campaign, members)
        ]

    profile, later, sold = c["profile"][0], c["later"][0], c["sold"][0]
    winners = pool.take(PROFILE_N)
    warm = [("GET", "/bench/floor", {})] * 5 + posts(later, pool.take(6)) + posts(sold, pool.take(1))
    profile_paths({"warm-up": warm}, rounds=1)
    ninja = [("POST", f"/bench/ninja/{sold.pk}/claims", {})] * PROFILE_N
    paths = {
        "trivial view": [("GET", "/bench/floor", {})] * PROFILE_N,
        "ninja floor (409)": ninja,
        "success": posts(profile, winners),
        "already claimed (cache)": posts(profile, winners),
        "already claimed (database)": posts(profile, groups["profile_held"]),
        "sold out (cache)": posts(sold, pool.take(PROFILE_N)),
        "sold out (cache), no log line": posts(sold, pool.take(PROFILE_N)),
        "not open (cache)": posts(later, pool.take(PROFILE_N)),
    }
    results = profile_paths(paths, quiet=frozenset({"sold out (cache), no log line"}))
    ctx["checks"]["profile"] = check_round(profile)
    ctx["costs"] = micro_costs(sold.pk)
    return results


def main() -> None:
    print(
        f"voucher flash sale{' (--quick)' if QUICK else ''}: {MEMBERS:,} members, {STOCK:,} vouchers, "
        f"gunicorn -w {WORKERS} (sync), PostgreSQL, Redis {ENV.redis_url}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ctx = setup()
    c, groups, pool = ctx["campaigns"], ctx["groups"], ctx["pool"]
    report: dict = {"rows": [], "checks": {}}
    ctx["checks"] = report["checks"]
    if endpoint_ready():
        report["profile"] = in_process_profile(ctx)
        print_profile(report["profile"])
        print("  pieces (µs per call): " + "; ".join(f"{k} {v:.0f}" for k, v in ctx["costs"].items()))
        print(f"  profile campaign: {report['checks']['profile']}")
    if PROFILE_ONLY:
        return

    # 1. the raw database floor, same concurrency as the server (and 16 for reference)
    floor_c, floor_r = c["floor"]
    raw = pgbench_claims(
        ENV.database_url, campaign=str(floor_c.pk), round_id=str(floor_r.pk), stock=STOCK, clients=WORKERS
    )
    report["raw"] = raw
    label = f"raw floor (pgbench -c {WORKERS})"
    print(
        f"  {label:<26} {'closed loop':>12}  {raw['transactions']:>6,} × "
        f"{raw['per_s']:7.1f}/s  p50 {raw['p50']:8.2f} ms  p99 {raw['p99']:8.2f} ms"
    )
    report["checks"]["raw"] = check_round(floor_c)

    # 2. the server, Redis up
    port = ENV.start_server(WORKERS, name="redis-up")
    fire(port, trivial(50), [0.02 * i for i in range(50)])  # warm every worker
    rows = report["rows"]
    ready = endpoint_ready()
    if not ready:
        print(f"  (the claim endpoint {CLAIMS_PATH} is not mounted yet: ours skipped)")
    else:
        fire(port, claims(c["later"][0], pool.take(20)), [0.02 * i for i in range(20)])  # warm the API
        success, results = success_storm(port, c["ours"][0], pool)
        rows += success
        report["checks"]["ours"] = check_round(c["ours"][0], results)
        held = claims(c["held"][0], groups["held"])
        rows.append(
            show("ours: already claimed (db)", f"{LOSER_RATES[0]:,.0f}/s", phase(port, held, LOSER_RATES[0]))
        )
    # The loser paths and the floors take turns at each rate (a machine that gets busier or
    # quieter meanwhile affects them alike); the top rate, which measures capacity, TOP_REPEATS
    # times.
    for rate in LOSER_RATES + [LOSER_RATES[-1]] * (TOP_REPEATS - 1):
        offered, n = f"{rate:,.0f}/s", int(rate * LOSER_SECONDS)
        rows.append(show("trivial view", offered, phase(port, trivial(n), rate)))
        ninja = [Request("POST", f"/bench/ninja/{c['sold'][0].pk}/claims", tag=i) for i in range(n)]
        rows.append(show("ninja floor (409)", offered, phase(port, ninja, rate)))
        if ready:
            for name, campaign, who in (
                ("sold out", c["ours"][0], pool.take(n)),
                ("not open", c["later"][0], pool.take(n)),
                ("already claimed", c["held"][0], cycle(groups["held"], n)),
            ):
                rows.append(show(f"ours: {name}", offered, phase(port, claims(campaign, who), rate)))
    if ready:
        report["checks"]["held"] = check_round(c["held"][0])
        report["checks"]["later"] = check_round(c["later"][0])

    # 3. naive check-then-insert: the last NAIVE_LEFT of its stock at the top success rate
    top = SUCCESS_RATES[-1][0]
    naive_results = phase(
        port, claims(c["naive"][0], pool.take(int(NAIVE_LEFT * 1.5)), "/bench/naive/{}/claims"), top
    )
    rows.append(show("naive: success", f"{top:,.0f}/s", naive_results, lambda r: r.status == 201))
    report["checks"]["naive"] = check_round(c["naive"][0], naive_results)

    # 4. Redis down: the same code, every cache call refused — a smaller sale at the top rate,
    # then each loser path answered by the database
    if ready:
        port = ENV.start_server(WORKERS, redis_url=DOWN_REDIS, name="redis-down")
        fire(port, trivial(50), [0.02 * i for i in range(50)])
        down = c["down"][0]
        results = phase(port, claims(down, pool.take(int(DOWN_STOCK * 1.1) + 1)), top)
        rows.append(show("no redis: success", f"{top:,.0f}/s", results, lambda r: r.status == 201))
        report["checks"]["down"] = check_round(down, results)
        rate, n = LOSER_RATES[-1], max(LOSER_N // 3, 50)
        for name, campaign, who in (
            ("sold out", down, pool.take(n)),
            ("not open", c["later"][0], pool.take(n)),
            ("already claimed", c["held"][0], groups["held"][:n]),
        ):
            rows.append(show(f"no redis: {name}", f"{rate:,.0f}/s", phase(port, claims(campaign, who), rate)))
        report["checks"]["held_after_down"] = check_round(c["held"][0])
        report["checks"]["later_after_down"] = check_round(c["later"][0])

    # 5. naive again with NAIVE_WORKERS workers: more requests between its count and its insert
    if NAIVE_WORKERS:
        port = ENV.start_server(NAIVE_WORKERS, name="naive-wide")
        fire(port, trivial(50), [0.02 * i for i in range(50)])
        naive = c["naive_wide"][0]
        results = phase(port, claims(naive, pool.take(int(NAIVE_LEFT * 1.5)), "/bench/naive/{}/claims"), top)
        rows.append(
            show(f"naive -w {NAIVE_WORKERS}: success", f"{top:,.0f}/s", results, lambda r: r.status == 201)
        )
        report["checks"]["naive_wide"] = check_round(naive, results)
    ENV.stop_servers()
    summarise(report, ready)


def summarise(report: dict, ready: bool) -> None:
    rows, raw, checks = report["rows"], report["raw"], report["checks"]
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["name"], []).append(r)
    top_rate = f"{LOSER_RATES[-1]:,.0f}/s"

    def capacity(name: str) -> float:
        """The best answers/s of `name` at the top rate (noise from elsewhere only lowers it)."""
        return max((r["per_s"] for r in by.get(name, []) if r["offered"] == top_rate), default=0.0)

    trivial_cap, trivial_low = capacity("trivial view"), by["trivial view"][0]
    print(
        "\nratios — rates: the best answers/s at the top offered rate (the server saturated: its "
        "capacity); latency: p50 at the lowest rate"
    )
    print(f"  trivial view / raw floor = {ratio(trivial_cap, raw['per_s']):.2f} (HTTP's ceiling)")
    print(f"  ninja floor (409) / trivial view = {ratio(capacity('ninja floor (409)'), trivial_cap):.2f}")
    if ready:
        ours = max(r["per_s"] for r in by["ours: success"])
        naive = max(r["per_s"] for r in by["naive: success"])
        print(f"  ours success / raw floor = {ratio(ours, raw['per_s']):.2f} (target ≥ 0.5)")
        print(f"  ours success / trivial view = {ratio(ours, trivial_cap):.2f}")
        print(f"  ours success / naive = {ratio(ours, naive):.2f}")
        for name in ("sold out", "not open", "already claimed"):
            low = by[f"ours: {name}"][0]
            print(
                f"  {name:<15} / trivial view = {ratio(capacity(f'ours: {name}'), trivial_cap):.2f} "
                f"(target ≥ 0.7); p50 {low['p50']:.1f} ms against {trivial_low['p50']:.1f} ms"
            )
    print("\nchecks (issued = vouchers in the database, claimed = round.claimed, twice = persons twice,")
    print("wins = 201 answers, unknown_wins = 201 answers whose voucher is not in the database):")
    failed = []
    for name, ck in checks.items():
        print(f"  {name:<17} {ck}")
    for name, ck in checks.items():
        if name in ("raw", "ours", "down", "profile"):
            if not (
                ck["issued"] == ck["stock"] == ck["claimed"]
                and ck["twice"] == 0
                and ck["wins"] <= ck["stock"]
            ):
                failed.append(name)
            if ck["unknown_wins"]:
                failed.append(f"{name}: 201 without a voucher")
    failed += [n for n in ("held", "held_after_down") if n in checks and checks[n]["issued"] != LOSER_N]
    failed += [n for n in ("later", "later_after_down") if n in checks and checks[n]["issued"] != 0]
    for name, label in (("naive", f"-w {WORKERS}"), ("naive_wide", f"-w {NAIVE_WORKERS}")):
        if name in checks:
            naive = checks[name]
            print(
                f"  naive check-then-insert ({label}): {naive['issued']:,} vouchers for a stock of "
                f"{naive['stock']:,} → oversold by {naive['issued'] - naive['stock']} "
                "(it never moves round.claimed)"
            )
    print("\nmarkdown rows: | variant | offered | answers counted | per s | p50 ms | p99 ms | answers |")
    print(
        f"| raw floor (pgbench -c {raw['clients']}) | closed loop | {raw['transactions']:,} "
        f"| {raw['per_s']:,.0f} | {raw['p50']:.2f} | {raw['p99']:.2f} | |"
    )
    for r in rows:
        print(row(r["name"], r["offered"], r, r["counts"]))
    if failed:
        raise SystemExit(f"CHECKS FAILED: {', '.join(failed)}")


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
