from celery import shared_task

from .audit_chain import seal_pending


@shared_task(name="zhijia.core.tasks.audit_seal", ignore_result=True)
def audit_seal() -> int:
    """Seal pending audit entries (beat entry `audit-seal`, every 10 s, when a broker runs).

    Idempotent and safe to run concurrently: sealers take turns on one lock and each seals
    whatever is pending. A failed run changes nothing; the next one picks the work up.
    """
    return seal_pending()
