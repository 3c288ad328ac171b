"""Open-loop HTTP load for bench/enrolment_storm.py, standard library only (asyncio streams;
no httpx in the lock). A scheduler fires every request at its scheduled time whatever the
earlier ones are doing — no connection pool, no concurrency cap — so a slow server shows up as
latency (queueing in its listen backlog), not as a lower arrival rate. Each request opens its own
connection (`Connection: close`)."""

import asyncio
import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field

TIMEOUT = float(os.environ.get("STORM_TIMEOUT", "300"))


@dataclass
class Request:
    method: str
    path: str
    token: str = ""
    body: dict | None = None
    tag: int = 0  # the caller's index (which member)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Idempotency-Key


@dataclass
class Result:
    tag: int
    scheduled: float  # seconds from the start of the phase
    sent: float  # when the connection was opened (same clock)
    done: float  # when the whole response was read
    status: int  # 0 = connection error / timeout
    body: dict | str

    @property
    def latency(self) -> float:
        return self.done - self.sent


def schedule(count: int, seconds: float, seed: int = 5) -> list[float]:
    """Poisson arrivals: `count` send times with exponential gaps, scaled to end at `seconds`."""
    rng = random.Random(seed)
    times, t = [], 0.0
    for _ in range(count):
        t += rng.expovariate(1.0)
        times.append(t)
    return [x * seconds / times[-1] for x in times]


def _raw(port: int, req: Request) -> bytes:
    body = json.dumps(req.body).encode() if req.body is not None else b""
    head = [f"{req.method} {req.path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if req.token:
        head.append(f"Authorization: Bearer {req.token}")
    head += [f"{name}: {value}" for name, value in req.headers.items()]
    if req.body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _parse(data: bytes) -> tuple[int, dict | str]:
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body[:300].decode(errors="replace")


async def _one(port: int, req: Request, scheduled: float, t0: float) -> Result:
    sent = time.perf_counter() - t0
    try:

        async def exchange() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(_raw(port, req))
            await writer.drain()
            data = await reader.read()
            writer.close()
            return data

        status, body = _parse(await asyncio.wait_for(exchange(), TIMEOUT))
    except (OSError, TimeoutError, ValueError, IndexError) as exc:
        status, body = 0, f"{type(exc).__name__}: {exc}"
    return Result(req.tag, scheduled, sent, time.perf_counter() - t0, status, body)


async def _fire(port: int, requests: list[Request], times: list[float]) -> list[Result]:
    t0 = time.perf_counter()
    tasks = []
    for req, at in zip(requests, times, strict=True):
        delay = at - (time.perf_counter() - t0)
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(port, req, at, t0)))
    return list(await asyncio.gather(*tasks))


def fire(port: int, requests: list[Request], times: list[float]) -> list[Result]:
    """Send `requests[i]` at `times[i]` seconds from now; every result, in request order."""
    return asyncio.run(_fire(port, requests, times))


def summary(results: list[Result], ok: tuple[int, ...] = (200, 201)) -> dict:
    """successes/s (2xx answers over first send → last answer), p50/p99 latency (ms, all
    answers), counts by status, and how late the scheduler sent (p99 ms)."""
    lat = sorted(r.latency for r in results if r.status)
    span = max(r.done for r in results) - min(r.sent for r in results)
    counts: dict[int, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    late = sorted(r.sent - r.scheduled for r in results)
    q = (
        statistics.quantiles(lat, n=100, method="inclusive")
        if len(lat) > 1
        else [lat[0] if lat else 0.0] * 99
    )
    return {
        "requests": len(results),
        "successes": sum(counts.get(s, 0) for s in ok),
        "per_s": sum(counts.get(s, 0) for s in ok) / span,
        "span": span,
        "p50": statistics.median(lat) * 1000 if lat else 0.0,
        "p99": q[98] * 1000,
        "counts": dict(sorted(counts.items())),
        "late_p99": late[int(len(late) * 0.99) - 1] * 1000 if late else 0.0,
    }
