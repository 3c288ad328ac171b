"""The raw database floor of bench/voucher_flash_sale.py: pgbench (C, prepared statements) runs
the claim's two writes with nothing around them — the voucher INSERT with its unique claim key,
then the guarded `UPDATE benefits_round SET claimed = claimed + 1 WHERE id = … AND claimed <
stock` last, ROLLBACK when it matched no row (sold out) — against the real tables and indexes,
one distinct member per transaction (from bench_people, see voucher_data.floor_people).

Nothing here imports Django."""

import math
import statistics
import subprocess
import tempfile
from pathlib import Path

SCRIPT = """\\set i :i + 1
\\set p :client_id * {per_client} + :i
\\set ok 0
BEGIN;
INSERT INTO benefits_voucher (id, created_at, updated_at, campaign_id, round_id, person_id, user_id,
  claim_key, code, status, face_value, threshold, claimed_at, valid_from, expires_at,
  idempotency_key, reason)
SELECT gen_random_uuid(), now(), now(), '{campaign}', '{round}', person_id, user_id,
  concat(person_id, chr(58), '1'), concat('P', lpad(CAST(:p AS text), 11, '0')), 'claimed', 20.00, 50.00,
  now(), now() - interval '1 hour', now() + interval '30 days', '', ''
FROM bench_people WHERE n = :p;
UPDATE benefits_round SET claimed = claimed + 1 WHERE id = '{round}' AND claimed < stock
  RETURNING 1 AS ok \\aset
\\if :ok
COMMIT;
\\else
ROLLBACK;
\\endif
"""


def pgbench_claims(database_url: str, *, campaign: str, round_id: str, stock: int, clients: int) -> dict:
    """Claims `stock` vouchers of `round_id` with `clients` pgbench connections (each
    ceil(stock / clients) transactions; the few beyond the stock roll back as sold out).
    Returns {"clients", "tps", "per_s" (committed claims/s over pgbench's run time), "p50",
    "p99" (ms, per transaction, from pgbench's log), "transactions", "seconds"}."""
    per_client = math.ceil(stock / clients)
    with tempfile.TemporaryDirectory(prefix="zhijia-pgbench-") as tmp:
        script = Path(tmp) / "claim.sql"
        script.write_text(SCRIPT.format(per_client=per_client, campaign=campaign, round=round_id))
        command = [
            "pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)),
            "-t", str(per_client), "-D", "i=0", "-f", str(script),
            "-l", "--log-prefix", str(Path(tmp) / "log"), database_url,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed: {done.stderr[-2000:]}")
        latencies = [
            int(line.split()[2]) / 1000
            for log in Path(tmp).glob("log.*")
            for line in log.read_text().splitlines()
            if line.strip()
        ]
    out = parse_pgbench(done.stdout)
    q = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else [0.0] * 99
    return {
        "clients": clients,
        "transactions": len(latencies),
        "tps": out["tps"],
        "seconds": len(latencies) / out["tps"] if out["tps"] else 0.0,
        "per_s": stock / (len(latencies) / out["tps"]) if out["tps"] and latencies else 0.0,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p99": q[98],
    }


def parse_pgbench(stdout: str) -> dict:
    """{"tps": …, "latency_avg": … ms} from pgbench's summary (PostgreSQL 14+ wording)."""
    tps = latency = 0.0
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("tps = ") and "without initial connection time" in line:
            tps = float(line.split()[2])
        elif line.startswith("latency average = "):
            latency = float(line.split()[3])
    return {"tps": tps, "latency_avg": latency}
