"""Periodic jobs of help and rights (Celery; inline without a broker)."""

from celery import shared_task

from .services.tick import cases_tick as _cases_tick


@shared_task(name="zhijia.casework.tasks.cases_tick", ignore_result=True)
def cases_tick() -> dict[str, int]:
    """Remind handlers of case clocks falling due (beat entry `casework-cases-tick`, hourly).
    Safe to retry and to run concurrently: each clock is re-checked under its row lock."""
    return _cases_tick()
