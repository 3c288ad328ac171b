"""The periodic jobs without a broker: a loop over CELERY_BEAT_SCHEDULE that calls each task
inline when it is due (`manage.py scheduler`, started by `make run` beside gunicorn).

With a broker, `celery beat` reads the same schedule and the worker runs the tasks; nothing here
is used then. Every job in the schedule is safe to retry and to run concurrently (each re-checks
under its lock), so a scheduler that overlaps a cron run or a second scheduler does no harm.

One process, one job at a time. A job that raises is logged and tried again at its next turn;
the loop never dies of it. SIGTERM / SIGINT end the loop after the job in hand. After every job
the state is written to var/scheduler.json (last run, outcome, seconds per job) for health
checks, and one JSON log line says the same.
"""

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("zhijia.scheduler")


@dataclass
class Job:
    name: str
    task: str
    every: float | None  # seconds; None for a celery schedule object (crontab)
    schedule: Any = None
    next_at: float = 0.0  # time.monotonic() when due; 0: at once
    state: dict[str, Any] = field(default_factory=dict)

    def due_in(self, now: float) -> float:
        if self.every is not None:
            return self.next_at - now
        last = self.state.get("_last_dt")
        if last is None:
            return 0.0
        is_due, next_in = self.schedule.is_due(last)
        return 0.0 if is_due else float(next_in)


def jobs_from_schedule(schedule: dict[str, dict[str, Any]], only: Iterable[str] = ()) -> list[Job]:
    wanted = set(only)
    jobs = []
    for name, entry in schedule.items():
        if wanted and name not in wanted:
            continue
        every = entry["schedule"]
        if isinstance(every, timedelta):
            jobs.append(Job(name=name, task=entry["task"], every=every.total_seconds()))
        elif isinstance(every, int | float):
            jobs.append(Job(name=name, task=entry["task"], every=float(every)))
        else:  # celery.schedules.crontab and friends
            jobs.append(Job(name=name, task=entry["task"], every=None, schedule=every))
    return jobs


def run_job(job: Job, *, resolve: Callable[[str], Any] = import_string) -> bool:
    """Run one job inline; record and log the outcome. True when it succeeded."""
    close_old_connections()
    started = time.monotonic()
    when = timezone.now()
    ok, result = True, None
    try:
        result = resolve(job.task)()
    except Exception:
        ok = False
        logger.exception("scheduler job %s failed", job.name, extra={"job": job.name})
    seconds = round(time.monotonic() - started, 3)
    job.state = {
        "_last_dt": when,
        "last_run": when.isoformat(),
        "ok": ok,
        "seconds": seconds,
        "result": json.loads(json.dumps(result, default=str)),
        "runs": job.state.get("runs", 0) + 1,
        "failures": job.state.get("failures", 0) + (0 if ok else 1),
    }
    if ok:
        logger.info(
            "scheduler job %s done in %.3f s: %s",
            job.name,
            seconds,
            json.dumps(result, default=str, ensure_ascii=False),
            extra={"job": job.name, "seconds": seconds},
        )
    # A long sleep must not hold a connection the database may drop meanwhile.
    connections.close_all()
    return ok


def write_state(path: Path, jobs: list[Job], *, started: str) -> None:
    data = {
        "pid": os.getpid(),
        "started": started,
        "heartbeat": timezone.now().isoformat(),
        "jobs": {j.name: {k: v for k, v in j.state.items() if not k.startswith("_")} for j in jobs},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def run_loop(
    jobs: list[Job],
    *,
    stop: threading.Event,
    state_path: Path | None = None,
    once: bool = False,
    resolve: Callable[[str], Any] = import_string,
) -> None:
    """Run each job when due until `stop` is set (or, with `once`, every job once)."""
    started = timezone.now().isoformat()
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
    logger.info("scheduler started: %s", ", ".join(f"{j.name}" for j in jobs))
    while not stop.is_set():
        now = time.monotonic()
        for job in jobs:
            if stop.is_set():
                break
            if job.due_in(now) <= 0:
                run_job(job, resolve=resolve)
                if job.every is not None:
                    job.next_at = time.monotonic() + job.every
                if state_path is not None:
                    write_state(state_path, jobs, started=started)
                now = time.monotonic()
        if once:
            break
        wait = min((job.due_in(time.monotonic()) for job in jobs), default=60.0)
        stop.wait(max(0.2, min(wait, 60.0)))
    logger.info("scheduler stopped")


def default_state_path() -> Path:
    return Path(settings.VAR_DIR) / "scheduler.json"
