"""Periodic job of the statistics (Celery; inline without a broker)."""

from celery import shared_task

from .fold import fold_all


@shared_task(name="zhijia.stats.tasks.stats_fold", ignore_result=True)
def stats_fold() -> int:
    """Count new ledger rows into the rollups (beat entry `stats-fold`, every 30 seconds, so
    figures are at most a minute behind). Safe to retry and to run concurrently: folds take the
    FoldState row lock in turn and each row is folded once."""
    return fold_all()
