"""Capabilities: the only vocabulary permission checks use. A role is a named set of them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cap(models.TextChoices):
    ORGS_VIEW = "orgs.view", _("View organisations")
    ORGS_MANAGE = "orgs.manage", _("Create, edit, move and dissolve organisations")
    USERS_VIEW = "users.view", _("View staff accounts")
    USERS_MANAGE = "users.manage", _("Create and disable staff accounts")
    USERS_SECURITY = "users.security", _("Unlock accounts and reset two-factor devices")
    ROLES_GRANT = "roles.grant", _("Grant and revoke roles")
    AUDIT_READ = "audit.read", _("Read the audit trail")
    EXPERT_WORK = "expert.work", _("Work on dispatched expert orders")
    BENEFITS_REDEEM = "benefits.redeem", _("Redeem vouchers at the till")
