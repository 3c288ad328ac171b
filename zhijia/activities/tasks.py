"""Periodic jobs of the activities domain (Celery; inline without a broker)."""

from celery import shared_task

from .services.enrolment import offers_expire as _offers_expire


@shared_task(name="zhijia.activities.tasks.offers_expire", ignore_result=True)
def offers_expire() -> int:
    """Expire offered places past their hold time and pass them on (beat entry
    `activities-offers-expire`, every minute). Safe to retry and to run concurrently: each
    offer is re-checked under its slot lock."""
    return _offers_expire()


@shared_task(name="zhijia.activities.tasks.finish_due", ignore_result=True)
def finish_due() -> int:
    """Finish activities whose last session has ended, so their plan entries count them (beat
    entry `activities-finish-due`, hourly). Safe to re-run: finished activities are skipped."""
    from .services.activities import activities_finish_due

    return activities_finish_due()
