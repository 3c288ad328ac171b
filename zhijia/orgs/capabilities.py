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
    MEMBERS_VIEW = "members.view", _("View members (masked)")
    MEMBERS_MANAGE = "members.manage", _("Register members and change their records")
    MEMBERS_REVIEW = "members.review", _("Review join applications and transfers")
    MEMBERS_REVEAL = "members.reveal", _("Reveal full identity numbers and phones (audited)")
    MEMBERS_IMPORT = "members.import", _("Import member ledgers")
    MEMBERS_EXPORT = "members.export", _("Export member lists (masked) and request full exports")
    MEMBERS_EXPORT_APPROVE = "members.export_approve", _("Approve full exports of personal data")
    POSITIONS_MANAGE = "positions.manage", _("Manage service positions, hours and facilities")
    POSITIONS_VISITS = "positions.visits", _("Check visitors in at a station")
    CATALOG_MANAGE = "catalog.manage", _("Edit and publish service lists and activity plans")
    ACTIVITIES_MANAGE = "activities.manage", _("Create, publish and cancel activities")
    ACTIVITIES_ENROL = "activities.enrol", _("Enrol workers and decide enrolments")
    ACTIVITIES_CHECKIN = "activities.checkin", _("Check attendees in")
    RECORDS_VIEW = "records.view", _("View the service ledger and its statistics")
    DISPATCH_ORDER = "dispatch.order", _("Order expert services from a menu, confirm and rate them")
    DISPATCH_MENUS = "dispatch.menus", _("Manage service menus, the expert pool and needs surveys")
    DISPATCH_ASSIGN = "dispatch.assign", _("Dispatch, cancel and settle expert orders")
    DISPATCH_BUDGET = "dispatch.budget", _("Set expert-service budgets and dispatch over them")
    EXPERT_WORK = "expert.work", _("Work on dispatched expert orders")
    BENEFITS_MANAGE = "benefits.manage", _("Run voucher campaigns and lotteries, manage merchants")
    BENEFITS_VIEW = "benefits.view", _("View voucher dashboards and reconciliations")
    BENEFITS_REDEEM = "benefits.redeem", _("Redeem vouchers at the till")
    CASES_VIEW = "cases.view", _("See help and rights cases exist, with their status and dates")
    CASES_HANDLE = "cases.handle", _("Take in and handle help and rights cases")
    CASES_APPROVE = "cases.approve", _("Approve hardship files and manage the help funds")
