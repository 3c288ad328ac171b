from .audit import AuditEntry, AuditOutcome, AuditSeal
from .base import BaseModel
from .imports import ImportJob, ImportStatus

__all__ = ["AuditEntry", "AuditOutcome", "AuditSeal", "BaseModel", "ImportJob", "ImportStatus"]
