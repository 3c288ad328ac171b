from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhijia.core.pii import Category


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILURE = "failure", _("Failure")


AUDIT_KEY_PURPOSE = "audit-entry"


class AuditEntry(models.Model):
    """One append-only audit record: when, who, from where, which org, action, object, outcome,
    masked data. Written only through core.audit.audit_log; never updated or deleted (on
    PostgreSQL a trigger from core migration 0002 refuses it, whoever asks).

    `org_path` is the org's path when the entry was written; audit scoping uses it, so history
    stays with the subtree it happened in. Sealing into the hash chain happens later, in order,
    in AuditSeal (core.audit_chain), so writing an entry never waits on other writers.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    data = models.JSONField(default=dict, blank=True)

    PERSONAL_DATA = {"ip": Category.CONTACT}
    NOT_PERSONAL = ("actor_label",)  # a username, masked where it is a phone

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.outcome}"

    @property
    def key(self) -> str:
        """The entry's opaque key, the one used in URLs (never the sequential id)."""
        from zhijia.core.ids import opaque_key

        return opaque_key(self.id, AUDIT_KEY_PURPOSE)

    @property
    def seal_seq(self) -> int | None:
        """The entry's seal number, or None while it waits for the sealer."""
        try:
            return self.seal.seq
        except AuditSeal.DoesNotExist:
            return None


class AuditSeal(models.Model):
    """The hash chain: seal `seq` covers one entry; hash = HMAC(prev hash | seq | entry).
    Append-only like AuditEntry; written only by core.audit_chain.seal_pending."""

    seq = models.BigIntegerField(primary_key=True)
    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="seal")
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"seal #{self.seq} entry #{self.entry_id}"
