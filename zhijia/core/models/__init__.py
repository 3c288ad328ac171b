from .audit import AuditEntry, AuditOutcome, AuditSeal
from .base import BaseModel
from .calendar import CalendarDay, CalendarDayKind, Counter
from .imports import ImportJob, ImportStatus

__all__ = [
    "AuditEntry",
    "AuditOutcome",
    "AuditSeal",
    "BaseModel",
    "CalendarDay",
    "CalendarDayKind",
    "Counter",
    "ImportJob",
    "ImportStatus",
]
