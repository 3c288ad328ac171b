"""Periodic jobs of the benefits domain (Celery; inline without a broker)."""

from celery import shared_task


@shared_task(name="zhijia.benefits.tasks.benefits_tick", ignore_result=True)
def benefits_tick() -> dict[str, int]:
    """Start and end campaigns, carry over unclaimed stock, expire vouchers, promote lottery
    reserves (beat entry `benefits-tick`, every minute). Safe to retry and to run concurrently:
    every step re-checks under its lock (benefits.services.expiry)."""
    from .services.expiry import campaigns_tick

    return campaigns_tick()
