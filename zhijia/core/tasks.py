from celery import shared_task

from .audit_chain import seal_pending


@shared_task(name="zhijia.core.tasks.audit_seal", ignore_result=True)
def audit_seal() -> int:
    """Seal pending audit entries. Idempotent and safe to run concurrently (one sealer wins)."""
    return seal_pending()
