"""Periodic jobs of the expert-services domain (Celery; inline without a broker)."""

from celery import shared_task

from .services.orders import orders_tick as _orders_tick


@shared_task(name="zhijia.dispatch.tasks.orders_tick", ignore_result=True)
def orders_tick() -> dict[str, int]:
    """Time out orders not accepted by their deadline and remind experts of services starting
    within 24 hours (beat entry `dispatch-orders-tick`, every 5 minutes). Safe to retry and to
    run concurrently: each order is re-checked under its row lock."""
    return _orders_tick()
