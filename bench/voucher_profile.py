"""In-process profile for bench/voucher_flash_sale.py (imported after django.setup()): each path
of the claim endpoint through Django's test client — no network, no gunicorn, one request at a
time — with every SQL statement recorded (count and time, by kind), every cache call counted,
and, for the success path, the time per step (middleware and routing, authentication, the
rate-limit and gate cache calls, eligibility, the voucher INSERT, the audit entry, the guarded
UPDATE, the commit, the cache flags).

It wraps functions of this process only (the server's workers are untouched), for the length of
`profile_paths()`."""

import cProfile
import logging
import os
import pstats
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import caches
from django.db import connections
from django.test import Client

# CPROFILE="success,sold out (cache)": also run those paths under cProfile and print the top.
CPROFILE = {p.strip() for p in os.environ.get("CPROFILE", "").split(",") if p.strip()}

SQL_KINDS = (
    ("accounts_apitoken", "token look-up"),
    ("benefits_round", "round"),
    ("benefits_voucher", "voucher"),
    ("benefits_campaign", "campaign"),
    ("core_auditentry", "audit entry"),
    ("audit", "audit entry"),
    ("members_membership", "membership"),
    ("members_person", "person"),
)


def sql_kind(sql: str) -> str:
    """ "INSERT voucher", "SELECT membership", "UPDATE round", "SAVEPOINT" … for a statement."""
    text = sql.lstrip().upper()
    verb = text.split(None, 1)[0] if text else "?"
    if verb in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return verb
    lowered = sql.lower()
    if verb == "INSERT":
        target = lowered.split("into", 1)[1] if "into" in lowered else lowered
    elif verb == "UPDATE":
        target = lowered.split("update", 1)[1]
    else:
        target = lowered.split(" from ", 1)[1] if " from " in lowered else lowered
    head = target.strip().split(None, 1)[0].strip('"') if target.strip() else ""
    for table, name in SQL_KINDS:
        if head.startswith(table):
            return f"{verb} {name}"
    return f"{verb} {head or '?'}"


class Recorder:
    """SQL statements (kind → [count, seconds]), cache calls and timed steps."""

    def __init__(self) -> None:
        self.sql: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.steps: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self.cache_calls = 0

    def query(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = self.sql[sql_kind(sql)]
            entry[0] += 1
            entry[1] += time.perf_counter() - began

    def timed(self, name: str, func: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                step = self.steps[name]
                step[0] += 1
                step[1] += time.perf_counter() - began

        return wrapper

    def counted(self, func: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.cache_calls += 1
            return func(*args, **kwargs)

        return wrapper


_missing: set[tuple[int, str]] = set()


@contextmanager
def patched(targets: list[tuple[Any, str, Callable[[Callable], Callable]]]) -> Iterator[None]:
    """Replace obj.name by wrap(obj.name) for each target; restore (or delete the instance or
    subclass attribute, so the inherited one shows again) afterwards. A target that does not
    exist (the code under test was changed) is skipped, with a note once."""
    saved = []
    for obj, name, wrap in targets:
        if not hasattr(obj, name):
            if (id(obj), name) not in _missing:
                _missing.add((id(obj), name))
                print(
                    f"  (profile: {getattr(obj, '__name__', type(obj).__name__)}.{name} is gone; not timed)"
                )
            continue
        own = vars(obj)
        saved.append((obj, name, name in own, own.get(name)))
        setattr(obj, name, wrap(getattr(obj, name)))
    try:
        yield
    finally:
        for obj, name, had, original in reversed(saved):
            if had:
                setattr(obj, name, original)
            else:
                delattr(obj, name)


def _targets(rec: Recorder) -> list:
    from zhijia.api import benefits as api
    from zhijia.benefits import eligibility
    from zhijia.benefits.services import claim

    targets: list = [
        (api._bearer, "authenticate", lambda f: rec.timed("authentication (token look-up)", f)),
        (claim.cache, "gate", lambda f: rec.timed("gate (cache)", f)),
        (claim.cache, "throttle", lambda f: rec.timed("rate limit (cache)", f)),
        (claim, "snapshot", lambda f: rec.timed("campaign snapshot", f)),
        (eligibility, "member_of", lambda f: rec.timed("membership + person", f)),
        (eligibility, "check", lambda f: rec.timed("eligibility rules", f)),
        (claim, "audit_log", lambda f: rec.timed("audit entry", f)),
        (claim, "_take", lambda f: rec.timed("guarded UPDATE", f)),
        (claim.cache, "mark_claimed", lambda f: rec.timed("flags after success (cache)", f)),
        (claim, "voucher_claim", lambda f: rec.timed("voucher_claim (all of it)", f)),
        (connections["default"], "commit", lambda f: rec.timed("commit", f)),
    ]
    backend = caches["default"]  # the object behind benefits.cache's and the API's proxy
    for name in ("get", "get_many", "set", "set_many", "add", "incr", "count", "delete", "delete_many"):
        targets.append((backend, name, rec.counted))
    return targets


def _voucher_save(rec: Recorder) -> list:
    from zhijia.benefits.models import Voucher

    return [(Voucher, "save", lambda f: rec.timed("voucher INSERT", f))]


@contextmanager
def server_logging(level: int) -> Iterator[None]:
    """Logging as on the servers — django.request at `level` (WARNING: a line per 4xx answer,
    as configured; ERROR: none) — with the lines written to /dev/null instead of this
    process's output."""
    root, request_logger = logging.getLogger(), logging.getLogger("django.request")
    streams = [h for h in root.handlers if isinstance(h, logging.StreamHandler)]
    saved_level = request_logger.level
    with open(os.devnull, "w") as sink:
        saved = [h.setStream(sink) for h in streams]
        request_logger.setLevel(level)
        try:
            yield
        finally:
            request_logger.setLevel(saved_level)
            for handler, stream in zip(streams, saved, strict=True):
                handler.setStream(stream)


def profile_paths(
    paths: dict[str, list[tuple[str, str, dict]]], rounds: int = 4, quiet: frozenset[str] = frozenset()
) -> list[dict]:
    """`paths`: name → requests (method, url, headers), each sent once through the test client.
    The paths take turns in `rounds` rounds (a slice of each path per round, in the given order),
    so a machine that gets busier or quieter meanwhile affects them alike. Logging as on the
    servers (a line per 4xx answer), except for the paths in `quiet`. Returns per path:
    requests, ms per request (mean), statements per request by kind, cache calls per request,
    the timed steps (ms per request)."""
    client = Client(HTTP_HOST="127.0.0.1")
    recs = {name: Recorder() for name in paths}
    totals = dict.fromkeys(paths, 0.0)
    statuses: dict[str, dict[int, int]] = {name: defaultdict(int) for name in paths}
    profilers = {name: cProfile.Profile() for name in paths if name in CPROFILE}
    for k in range(rounds):
        for name, requests in paths.items():
            size = -(-len(requests) // rounds)
            chunk = requests[k * size : (k + 1) * size]
            rec, profiler = recs[name], profilers.get(name)
            with (
                patched(_targets(rec) + _voucher_save(rec)),
                connections["default"].execute_wrapper(rec.query),
            ):
                if profiler:
                    profiler.enable()
                began = time.perf_counter()
                for method, url, headers in chunk:
                    response = getattr(client, method.lower())(url, **headers)
                    statuses[name][response.status_code] += 1
                totals[name] += time.perf_counter() - began
                if profiler:
                    profiler.disable()
    for name, profiler in profilers.items():
        print(f"\ncProfile of {name!r} ({len(paths[name])} requests):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    out = []
    for name, requests in paths.items():
        rec, n = recs[name], max(len(requests), 1)
        out.append(
            {
                "path": name,
                "requests": len(requests),
                "statuses": dict(statuses[name]),
                "ms": 1000 * totals[name] / n,
                "queries": sum(c for c, _s in rec.sql.values()) / n,
                "sql": {k: (c / n, 1000 * s / n) for k, (c, s) in sorted(rec.sql.items())},
                "sql_ms": 1000 * sum(s for _c, s in rec.sql.values()) / n,
                "cache_calls": rec.cache_calls / n,
                "steps": {k: 1000 * s / n for k, (_c, s) in rec.steps.items()},
            }
        )
    caches["default"].close()
    return out


def print_profile(results: list[dict]) -> None:
    print("\nin-process profile (Django test client, one request at a time, no network):")
    for r in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in r["statuses"].items())
        print(
            f"  {r['path']:<28} {r['ms']:6.2f} ms/request  {r['queries']:4.1f} SQL statements "
            f"({r['sql_ms']:.2f} ms)  {r['cache_calls']:.1f} cache calls  [{statuses}]"
        )
        if r["queries"]:
            print("      SQL: " + "; ".join(f"{k} {c:.1f}× {ms:.2f} ms" for k, (c, ms) in r["sql"].items()))
        if r["steps"]:
            print("      steps: " + "; ".join(f"{k} {ms:.2f} ms" for k, ms in r["steps"].items()))


def micro_costs(campaign_id: Any, n: int = 2000) -> dict[str, float]:
    """µs per call, one at a time, of the pieces of a cached loser answer: resolving the claim's
    URL against the bench floor's, Django's Redis cache building its client object (it does so
    for every call), one `get_many` round trip, `benefits.cache.gate`, and one django.request
    warning line (to /dev/null)."""
    from django.urls import resolve

    from zhijia.benefits import cache as gate_cache

    backend = caches["default"]
    client_factory = getattr(getattr(backend, "_cache", None), "get_client", None)
    keys = [f"benefits:gate:{campaign_id}", f"benefits:replay:{campaign_id}:x"]
    pieces: dict[str, Callable[[], Any]] = {
        "resolve /bench/floor": lambda: resolve("/bench/floor"),
        "resolve the claim URL": lambda: resolve(f"/api/v1/voucher-campaigns/{campaign_id}/claims"),
        "cache.get_many (2 keys)": lambda: backend.get_many(keys),
        "benefits.cache.gate": lambda: gate_cache.gate(campaign_id, idempotency_key="x"),
    }
    if client_factory is not None:
        pieces["Redis client object (per call)"] = client_factory
    out = {}
    for name, call in pieces.items():
        call()
        began = time.perf_counter()
        for _i in range(n):
            call()
        out[name] = 1e6 * (time.perf_counter() - began) / n
    with server_logging(logging.WARNING):
        log = logging.getLogger("django.request")
        began = time.perf_counter()
        for _i in range(n):
            log.warning("Conflict: %s", "/api/v1/voucher-campaigns/x/claims", extra={"status_code": 409})
        out["django.request warning line"] = 1e6 * (time.perf_counter() - began) / n
    return out
