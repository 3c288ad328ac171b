"""Auditor console: browse and filter the audit trail, inspect one entry, verify the chain.

Every view needs Cap.AUDIT_READ (403 otherwise, e.g. for a system administrator: 三员分立);
entries come from core.selectors, already limited to the auditor's scope.
"""

import json

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from zhijia.core.audit import audit_chain_check
from zhijia.core.errors import ValidationFailed
from zhijia.core.models import AuditOutcome
from zhijia.core.selectors import AuditFilters, audit_get, audit_list, parse_audit_filters
from zhijia.orgs.access import require_cap
from zhijia.orgs.capabilities import Cap
from zhijia.staff.decorators import staff_required

PER_PAGE = 50
FILTERS = ("action", "outcome", "actor", "since", "until", "q")
SHOWN_PROBLEMS = 20


@staff_required
@require_GET
def audit_list_view(request):
    require_cap(request.user, Cap.AUDIT_READ)
    errors: dict[str, list[str]] = {}
    try:
        filters = parse_audit_filters(request.GET)
    except ValidationFailed as exc:
        filters, errors = AuditFilters(), {k: [str(m) for m in v] for k, v in exc.fields.items()}
    entries = audit_list(actor=request.user, filters=filters)
    values = {name: request.GET.get(name, "") for name in FILTERS}
    context = {
        "page": Paginator(entries, PER_PAGE).get_page(request.GET.get("page")),
        "errors": errors,
        "values": values,
        "filtered": any(values.values()),
        "outcomes": AuditOutcome.choices,
    }
    return render(request, "staff/audit/list.html", context)


@staff_required
@require_GET
def audit_detail_view(request, key: str):
    entry = audit_get(actor=request.user, key=key)  # 404 outside scope, 403 inside without audit.read
    data = json.dumps(entry.data, ensure_ascii=False, indent=2, sort_keys=True)
    return render(request, "staff/audit/detail.html", {"entry": entry, "data": data})


@staff_required
@require_POST
def audit_verify_view(request):
    """Recompute the whole chain and show the result; the check itself is audited."""
    require_cap(request.user, Cap.AUDIT_READ)
    result = audit_chain_check(actor=request.user)
    context = {"result": result, "problems": result.problems[:SHOWN_PROBLEMS]}
    return render(request, "staff/audit/verify.html", context)
