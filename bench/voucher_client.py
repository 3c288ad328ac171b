"""Open-loop HTTP load for bench/voucher_flash_sale.py: bench/storm_client.py's scheduler and
wire format (one connection per request, `Connection: close`, Poisson send times, a result per
request), plus extra request headers — the claim sends `Idempotency-Key` as a real client does.

`storm_client.Request` has no header field, so the request bytes are storm_client's own with the
extra lines inserted after the request line; the rest (`Result`, `schedule`, parsing, the
timeout) is storm_client's."""

import asyncio
import time
from dataclasses import dataclass, field

from bench import storm_client
from bench.storm_client import Request, Result, schedule

__all__ = ["Claim", "Request", "Result", "fire", "schedule"]


@dataclass
class Claim(Request):
    headers: dict[str, str] = field(default_factory=dict)


def raw(port: int, req: Request) -> bytes:
    """storm_client's request bytes, with `req.headers` (if any) after the request line."""
    data = storm_client._raw(port, req)
    headers = getattr(req, "headers", None)
    if not headers:
        return data
    first, rest = data.split(b"\r\n", 1)
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items()).encode()
    return first + b"\r\n" + extra + rest


async def _one(port: int, req: Request, scheduled: float, t0: float) -> Result:
    sent = time.perf_counter() - t0
    try:

        async def exchange() -> bytes:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(raw(port, req))
            await writer.drain()
            data = await reader.read()
            writer.close()
            return data

        status, body = storm_client._parse(await asyncio.wait_for(exchange(), storm_client.TIMEOUT))
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


def rate_schedule(rate: float, count: int, seed: int = 5) -> list[float]:
    """`count` Poisson send times at `rate` requests/s on average (ends near count / rate)."""
    return schedule(count, count / rate, seed)
