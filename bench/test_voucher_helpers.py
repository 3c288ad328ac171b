"""Smoke test of the pure helpers of bench/voucher_flash_sale.py (no database, no server):

uv run --frozen pytest -p no:randomly -q bench/test_voucher_helpers.py
"""

from types import SimpleNamespace

import pytest

from bench.storm_client import _raw as raw
from bench.voucher_client import Request, rate_schedule
from bench.voucher_floor import SCRIPT, parse_pgbench
from bench.voucher_profile import sql_kind
from bench.voucher_stats import answer, answers, path_stats, quantile, ratio


def result(sent: float, done: float, status: int, body=None, scheduled: float | None = None):
    return SimpleNamespace(
        sent=sent,
        done=done,
        status=status,
        body=body or {},
        scheduled=sent if scheduled is None else scheduled,
    )


def test_answers_name_the_error_code():
    results = [
        result(0, 1, 201, {"voucher_id": "x"}),
        result(0, 1, 409, {"code": "sold_out"}),
        result(0, 1, 409, {"code": "sold_out"}),
        result(0, 1, 0, "ConnectionResetError"),
        result(0, 1, 500, "<html>"),
    ]
    assert [answer(r) for r in results] == ["201", "409 sold_out", "409 sold_out", "0", "500"]
    assert answers(results) == {"409 sold_out": 2, "201": 1, "0": 1, "500": 1}


def test_path_stats_rate_ends_at_the_last_kept_answer():
    # 4 successes answered by t=2 s, then losers until t=10 s: the success rate is 4 / 2 s.
    results = [result(0.0, 0.5 * (i + 1), 201) for i in range(4)] + [result(1.0, 10.0, 409)]
    stats = path_stats(results, lambda r: r.status == 201)
    assert stats["count"] == 4
    assert stats["per_s"] == pytest.approx(2.0)
    assert stats["p50"] == pytest.approx(1250.0)
    assert path_stats([], lambda r: True)["count"] == 0


def test_quantile():
    values = [float(v) for v in range(1, 101)]
    assert quantile(values, 0.5) == pytest.approx(50.5, abs=0.1)
    assert quantile(values, 0.99) == pytest.approx(99.0, abs=0.1)
    assert quantile([3.0], 0.99) == 3.0
    assert quantile([], 0.5) == 0.0
    assert ratio(1.0, 0.0) == 0.0


def test_rate_schedule_is_poisson_at_the_rate():
    times = rate_schedule(200.0, 2000)
    assert len(times) == 2000
    assert times == sorted(times)
    assert times[-1] == pytest.approx(10.0)


def test_claim_request_carries_the_idempotency_key():
    data = raw(8000, Request("POST", "/api/v1/x/claims", "tok", None, headers={"Idempotency-Key": "k1"}))
    head = data.decode().split("\r\n\r\n")[0].split("\r\n")
    assert head[0] == "POST /api/v1/x/claims HTTP/1.1"
    assert "Idempotency-Key: k1" in head
    assert "Authorization: Bearer tok" in head


def test_pgbench_parse_and_script():
    out = """pgbench (15.20)
number of transactions actually processed: 1000/1000
latency average = 1.617 ms
initial connection time = 6.381 ms
tps = 2473.101232 (without initial connection time)
"""
    assert parse_pgbench(out) == {"tps": pytest.approx(2473.101232), "latency_avg": pytest.approx(1.617)}
    script = SCRIPT.format(per_client=250, campaign="c", round="r")
    assert "claimed < stock" in script and "\\if :ok" in script


def test_sql_kind():
    assert sql_kind('INSERT INTO "benefits_voucher" ("id") VALUES (%s)') == "INSERT voucher"
    assert sql_kind('UPDATE "benefits_round" SET claimed = claimed + 1') == "UPDATE round"
    assert sql_kind('SELECT 1 FROM "accounts_apitoken" INNER JOIN x') == "SELECT token look-up"
    assert sql_kind("SAVEPOINT s1") == "SAVEPOINT"
