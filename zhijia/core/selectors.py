"""Reading the audit trail: what an auditor (Cap.AUDIT_READ) may see, and the shared filters.

Scope rule (三员分立: only audit.read holders read the trail):
- an entry with an org is visible when its `org_path` (the path when it was written) lies in
  one of the actor's audit.read grants;
- an entry with no org (a login, a denial, a chain check) follows the person who caused it:
  visible when that person's home unit (`actor.org`) is in the auditor's scope, and visible to
  every auditor when there is no such person (a failed login for an unknown username) or the
  person has no home unit (a worker logging in by SMS).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from zhijia.orgs.access import Scope, check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q

from . import dates
from .errors import NotFound, ValidationFailed
from .ids import opaque_number
from .models import AuditEntry, AuditOutcome
from .models.audit import AUDIT_KEY_PURPOSE


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""  # "role.grant" exact; "role" every "role.*" action
    outcome: str = ""
    actor: str = ""  # username (or the label recorded for an unknown one)
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    object_id: str = ""  # substring


def parse_audit_filters(params: Any) -> AuditFilters:
    """Filters from query parameters (console form or API), all optional. Dates are local
    (Asia/Shanghai) days, `until` inclusive; ISO datetimes are taken as given.
    Raises ValidationFailed naming each bad field."""

    def get(name: str) -> str:
        return str(params.get(name) or "").strip()

    errors: dict[str, list[str]] = {}
    outcome = get("outcome")
    if outcome and outcome not in AuditOutcome.values:
        errors["outcome"] = [_("Choose a valid outcome.")]
    since, until = _when(get("since"), "since", errors), _when(get("until"), "until", errors, end=True)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), fields=errors)
    return AuditFilters(
        action=get("action")[:64],
        outcome=outcome,
        actor=get("actor")[:150],
        since=since,
        until=until,
        object_id=get("q")[:64],
    )


def _when(raw: str, name: str, errors: dict[str, list[str]], end: bool = False) -> datetime | None:
    """A date (the whole local day; `end`: up to the next midnight) or a datetime (`end`: that
    instant included), through the one date parser; a bad value is recorded in `errors`."""
    if not raw:
        return None
    try:
        moment = dates.parse_moment(raw, name, allow_date=True, end=end)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return None
    if moment is not None and end and parse_date_only(raw) is None:
        moment += timedelta(microseconds=1)  # an explicit instant is included
    return moment


def parse_date_only(raw: str) -> Any:
    try:
        return parse_date(raw) if parse_datetime(raw) is None else None
    except ValueError:
        return None


def audit_scope_q(actor: Any) -> Q:
    """Q for the entries `actor` may read; matches nothing without Cap.AUDIT_READ."""
    scope = scope_for(actor, Cap.AUDIT_READ)
    if scope.empty:
        return Q(pk__in=[])
    unscoped = Q(actor__isnull=True) | Q(actor__org__isnull=True)  # nothing to scope it by
    return _path_in(scope, "org_path") | (Q(org_path="") & (unscoped | scope.q("actor__org")))


def _path_in(scope: Scope, path_field: str) -> Q:
    # Scope.q() wants an FK to Org; entries keep the path itself (as it was when written).
    cond = Q(**{f"{path_field}__in": scope.exact_paths}) if scope.exact_paths else Q(pk__in=[])
    for path in scope.subtree_paths:
        cond |= subtree_q(path, path_field)
    return cond


def audit_list(*, actor: Any, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Entries `actor` may read, newest first, with actor, org and seal fetched."""
    f = filters or AuditFilters()
    qs = AuditEntry.objects.filter(audit_scope_q(actor))
    if f.action:
        qs = qs.filter(action=f.action) if "." in f.action else qs.filter(action__startswith=f.action + ".")
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.actor:
        qs = qs.filter(Q(actor__username=f.actor) | Q(actor_label=f.actor))
    if f.since:
        qs = qs.filter(at__gte=f.since)
    if f.until:
        qs = qs.filter(at__lt=f.until)
    if f.object_id:
        qs = qs.filter(object_id__icontains=f.object_id)
    return qs.select_related("actor", "org", "seal").order_by("-id")


def audit_get(*, actor: Any, key: str) -> AuditEntry:
    """One entry by its opaque key (AuditEntry.key). Like every object: 404 when missing or
    outside every grant of the actor, 403 when inside a grant without Cap.AUDIT_READ, 404 when
    the entry is outside the actor's audit scope."""
    number = opaque_number(key, AUDIT_KEY_PURPOSE)
    entry = audit_list(actor=actor).filter(pk=number).first() if number is not None else None
    if entry is not None:
        return entry
    raw = AuditEntry.objects.select_related("org").filter(pk=number).first() if number is not None else None
    if raw is not None and raw.org is not None:
        check(actor, Cap.AUDIT_READ, raw.org)  # 404 outside every grant, 403 inside without the capability
    raise NotFound(code="not_found")
