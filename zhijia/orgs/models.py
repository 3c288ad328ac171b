from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhijia.core.fields import EncryptedTextField
from zhijia.core.models import BaseModel
from zhijia.core.pii import Category

from .enums import OrgLevel, OrgStatus, Separation

SEGMENT_WIDTH = 4  # base-36 digits per tree level: up to 1,679,616 children under one parent
SEGMENT_SEP = "."


class Org(BaseModel):
    """A union organisation. `path` is the materialised path: the parent's path plus a fixed-width
    segment, so "everything under X" is one indexed prefix query (see orgs.tree.subtree_q)."""

    name = models.CharField(_("full name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True)
    name_pinyin = models.CharField(max_length=600, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=OrgLevel.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    division_code = models.CharField(_("administrative division code"), max_length=6, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(default=0)
    child_seq = models.PositiveIntegerField(default=0)  # last segment number handed to a child

    PERSONAL_DATA = {"contact_name": Category.CONTACT, "contact_phone": Category.CONTACT}
    NOT_PERSONAL = ("name", "short_name", "name_initials", "name_pinyin", "child_seq")

    class Meta:
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="org_uscc_unique"),
        ]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Role(BaseModel):
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    capabilities = models.JSONField(default=list)
    separation = models.CharField(max_length=16, choices=Separation.choices, blank=True)
    builtin = models.BooleanField(default=False)

    NOT_PERSONAL = ("name",)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RoleGrant(BaseModel):
    """Gives `user` the capabilities of `role` on `org` (and, usually, its whole subtree)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="grants")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants")
    include_subtree = models.BooleanField(default=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.org}"
