"""Console pages of help and rights: the case list (scoped), intake on a worker's behalf, the
case page (facts, live deadlines, timeline, the steps the viewer may take), notes (the
counsellor's alone on a counselling case), the agreement PDF, and the help funds.
parse → access check → service/selector → render; the services decide and audit."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.selectors import orgs_where
from zhijia.casework import selectors as sel
from zhijia.casework.enums import (
    AttachmentKind,
    CaseKind,
    CaseStatus,
    Cause,
    ExitReason,
    Grade,
    HardshipCategory,
    WorkStatus,
)
from zhijia.casework.kinds import KINDS, allowed
from zhijia.casework.pdf import agreement_pdf
from zhijia.casework.permissions import (
    access_attachments,
    access_case,
    access_notes,
    find_case,
    is_handler,
    require_step,
)
from zhijia.casework.services import cases as svc
from zhijia.casework.services import settings as settings_svc
from zhijia.casework.services.attachments import attachment_add, attachment_download
from zhijia.casework.services.hardship import fund_create
from zhijia.casework.services.tick import review_campaign
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied, field_error
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_cn_id, mask_name, mask_text
from zhijia.orgs.access import capabilities_of, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org
from zhijia.orgs.selectors import org_by_id
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit

from .steps import STEP_FORMS

T = "staff/casework/"
PAGE_SIZE = 50


def _require_cases(user) -> None:
    held = capabilities_of(user)
    if not ({Cap.CASES_VIEW, Cap.EXPERT_WORK} & held):
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")


@staff_required
@require_GET
def cases_list(request):
    """Cases the user sees (cases.view in scope, or assigned to them), filtered."""
    _require_cases(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in CaseKind.values else None
    status = request.GET.get("status") if request.GET.get("status") in CaseStatus.values else None
    mine = request.resolver_match.url_name == "cases_mine"
    qs = (
        sel.handler_cases(user=request.user)
        if mine
        else sel.case_list(actor=request.user, kind=kind, status=status)
    )
    if mine and kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.prefetch_related("deadlines"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"case": c, "name": mask_name(c.subject_name), "clock": _next_clock(c)} for c in page]
    return render(
        request,
        T + "list.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "f": {"kind": kind or "", "status": status or ""},
            "kinds": CaseKind.choices,
            "statuses": CaseStatus.choices,
            "may_open": bool(
                scope_for(request.user, Cap.CASES_HANDLE).subtree_paths
                or scope_for(request.user, Cap.CASES_HANDLE).exact_paths
            ),
            "counts": sel.counts(actor=request.user) if not mine else [],
        },
    )


def _next_clock(case) -> dict | None:
    today = date.today()
    open_clocks = [d for d in case.deadlines.all() if d.met_at is None]
    if not open_clocks:
        return None
    d = min(open_clocks, key=lambda x: x.due_on)
    return {"code": d.code, "due_on": d.due_on, "days": (d.due_on - today).days}


INTAKE_FIELDS = {
    CaseKind.HARDSHIP: [
        "name",
        "id_number",
        "phone",
        "summary",
        "category",
        "work_status",
        "own_income",
        "other_income",
        "household_size",
        "cause_main",
        "grade",
        "address",
    ],
    CaseKind.LEGAL: [
        "name",
        "phone",
        "id_number",
        "summary",
        "employer",
        "claim_amount",
        "channel",
        "court_case_no",
        "knew_on",
        "employment_ended_on",
        "wage_arrears",
        "still_employed",
        "mediation",
    ],
    CaseKind.COUNSELLING: ["name", "phone", "id_number", "summary"],
}


@staff_required
@require_http_methods(["GET", "POST"])
def case_new(request, kind):
    """Open a case on a worker's behalf (cases.handle on the chosen unit)."""
    if kind not in CaseKind.values:
        raise NotFound()
    units = list(orgs_where(actor=request.user, cap=Cap.CASES_HANDLE)[:500])
    if not units:
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")
    errors: dict = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        org = next((u for u in units if str(u.pk) == request.POST.get("org_id")), None)
        if org is None:
            errors = {"org_id": [_("Choose a unit.")]}
        else:
            data = {k: request.POST.get(k, "") for k in INTAKE_FIELDS[kind]}
            try:
                case = svc.case_create(actor=request.user, kind=kind, org=org, data=data)
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"": [str(exc.message)]}
            else:
                messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
                return redirect("staff:case_detail", pk=case.pk)
    current = current_unit(request)
    return render(
        request,
        T + "new.html",
        {
            "kind": kind,
            "kind_label": CaseKind(kind).label,
            "unit_choices": units,
            "selected": values.get("org_id") or (str(current.pk) if current else ""),
            "fields": INTAKE_FIELDS[kind],
            "v": values,
            "errors": errors,
            "causes": Cause.choices,
            "grades": Grade.choices,
            "categories": HardshipCategory.choices,
            "work_statuses": WorkStatus.choices,
        },
    )


def _steps_for(user, case) -> list[dict]:
    """The steps the user may take now (shown as forms; the service decides again)."""
    out = []
    for name, spec in KINDS[case.kind].steps.items():
        if spec.who == "owner" or not allowed(case.kind, name, case.status, case.handler_id is not None):
            continue
        try:
            require_step(user, case, spec.who)
        except (NotFound, PermissionDenied):
            continue
        label, style, fields = STEP_FORMS[name]
        if name == "close":  # a hardship file leaves with a coded reason; other kinds close with an outcome
            keep = "reason" if case.kind == CaseKind.HARDSHIP else "outcome"
            fields = [f for f in fields if f[0] == keep]
        out.append({"name": name, "label": label, "style": style, "fields": fields})
    return out


@staff_required
@require_GET
def case_detail(request, pk):
    return _detail(request, access_case(actor=request.user, id=pk))


def _detail(request, case, *, upload: dict | None = None, status: int = 200):
    """The case page; `upload` carries a refused attachment's field errors and values."""
    handler = is_handler(request.user, case)
    private = case.kind == CaseKind.COUNSELLING and not handler
    file = case.hardship if case.kind == CaseKind.HARDSHIP else None
    attach = _attachments(request.user, case)
    context = {
        "c": case,
        "name": mask_name(case.subject_name),
        "private": private,
        "handler": handler,
        "summary": None if private else mask_text(case.summary),
        "deadlines": [
            {"d": d, "days": (d.due_on - date.today()).days, "overdue": (date.today() - d.due_on).days}
            for d in case.deadlines.all()
        ],
        "events": list(case.events.select_related("actor")),
        "steps": _steps_for(request.user, case),
        "may_notes": _may_notes(request.user, case),
        "attach": attach,
        "upload": upload or {"errors": {}, "v": {}},
        "attachment_kinds": AttachmentKind.choices if attach and attach["everything"] else [],
        "file": file,
        "file_id": mask_cn_id(file.id_number) if file else "",
        "members": [
            {"m": m, "name": mask_name(m.name), "id": mask_cn_id(m.id_number)} for m in file.members.all()
        ]
        if file
        else [],
        "settings": sel.settings_for(case.org),
        "helps": list(case.help_records.select_related("fund")) if file else [],
        "objections": list(case.objections.all()) if file else [],
        "open_objections": [o for o in case.objections.all() if o.status == "open"] if file else [],
        "funds": list(sel.funds_for(case.org, date.today().year)) if file else [],
        "experts": _pool(case) if case.kind != CaseKind.HARDSHIP else [],
        "legal": case.legal if case.kind == CaseKind.LEGAL else None,
        "screenings": sel.screenings_for(actor=request.user, case=case),
        "approvals": list(case.approvals.select_related("requested_by", "decided_by")),
        "referrals": list(case.referrals.all()),
        "dates": sel.worker_dates(case),
    }
    return render(request, T + "detail.html", context, status=status)


def _attachments(user, case) -> dict | None:
    """The attachments `user` may see on this case and add to (permissions.access_attachments,
    the one rule of API, phone and console); None when they may not (a counselling case to
    anyone but its counsellor)."""
    try:
        case, everything = access_attachments(actor=user, id=case.pk)
    except (NotFound, PermissionDenied):
        return None
    rows = []
    for a in sel.attachments_of(actor=user, case=case, everything=everything):
        by = a.uploaded_by
        rows.append(
            {
                "a": a,
                "caption": mask_text(a.caption),
                "kind": AttachmentKind(a.kind).label if a.kind in AttachmentKind.values else a.kind,
                "by": "" if by is None else str(by) if by.is_staff_account else _("The worker"),
            }
        )
    return {"rows": rows, "everything": everything}


def _pool(case) -> list:
    return list(sel.handler_pool(case))


def _may_notes(user, case) -> bool:
    try:
        access_notes(actor=user, id=case.pk)
    except (NotFound, PermissionDenied):
        return False
    return True


@staff_required
@require_POST
def case_step(request, pk, step):
    case = find_case(pk)
    data = {k: request.POST.get(k) for k in request.POST if k != "csrfmiddlewaretoken"}
    try:
        svc.case_step(actor=request.user, case=case, step=step, data=data)
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(request, _("Done."))
    try:
        access_case(actor=request.user, id=pk)
    except NotFound:
        return redirect("staff:cases_list")
    return redirect("staff:case_detail", pk=pk)


@staff_required
@require_http_methods(["GET", "POST"])
def case_notes(request, pk):
    """Notes: a counselling case's counsellor alone (404 for anyone else); every read audited."""
    case = access_notes(actor=request.user, id=pk)
    if request.method == "POST":
        try:
            svc.note_add(
                actor=request.user, case=case, text=request.POST.get("text"), level=request.POST.get("level")
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Note added."))
        return redirect("staff:case_notes", pk=pk)
    notes = [{"n": n, "text": mask_text(n.text)} for n in svc.notes_read(actor=request.user, case=case)]
    return render(request, T + "notes.html", {"c": case, "notes": notes})


@staff_required
@require_POST
def case_attachment_add(request, pk):
    """Add a photo or PDF (permissions.access_attachments: on a counselling case its counsellor
    alone). A refused file shows the case page again with the error under the field (400)."""
    case, everything = access_attachments(actor=request.user, id=pk)
    try:
        attachment_add(
            actor=request.user,
            case=case,
            upload=request.FILES.get("file"),
            kind=request.POST.get("kind") if everything else AttachmentKind.EVIDENCE,
            caption=request.POST.get("caption"),
        )
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"": [str(exc.message)]}
        labels = {"file": _("File"), "kind": _("Kind"), "caption": _("Caption")}
        summary = [(labels.get(k, ""), m) for k, v in errors.items() for m in v]
        values = {"kind": request.POST.get("kind", ""), "caption": request.POST.get("caption", "")}
        upload = {"errors": errors, "summary": summary, "v": values}
        return _detail(request, case, upload=upload, status=400)
    messages.success(request, _("Attachment added."))
    return redirect(reverse("staff:case_detail", kwargs={"pk": pk}) + "#attachments")


@staff_required
@require_GET
def case_attachment(request, pk, att):
    """An attachment, only ever as a download (never inline), audited."""
    case, everything = access_attachments(actor=request.user, id=pk)
    seen = sel.attachments_of(actor=request.user, case=case, everything=everything)
    attachment = seen.filter(pk=att).first()
    if attachment is None:
        raise NotFound()
    return attachment_download(actor=request.user, case=case, attachment=attachment)


@staff_required
@require_GET
def case_agreement(request, pk):
    case = access_case(actor=request.user, id=pk, write=True)
    if case.kind != CaseKind.LEGAL or not case.legal.agreed_on:
        raise NotFound()
    response = HttpResponse(agreement_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def funds(request):
    """The yearly help funds of the units the user approves for, with their balances."""
    units = list(orgs_where(actor=request.user, cap=Cap.CASES_APPROVE)[:500])
    if not units:
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")
    if request.method == "POST":
        pk = parse_uuid(request.POST.get("org_id"))
        org = next((u for u in units if u.pk == pk), None)
        if org is None:
            messages.error(request, _("Choose a unit."))
        else:
            try:
                fund_create(
                    actor=request.user,
                    org=org,
                    year=request.POST.get("year"),
                    name=request.POST.get("name"),
                    amount=request.POST.get("amount"),
                )
            except ApplicationError as exc:
                detail = [str(m) for v in exc.fields.values() for m in v]
                messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
            else:
                messages.success(request, _("Fund created."))
        return redirect("staff:case_funds")
    rows = sel.funds_of(units)
    return render(
        request, T + "funds.html", {"funds": rows, "unit_choices": units, "year": date.today().year}
    )


# --- settings per unit (低保 line, crisis contact and hotline) -------------------------------


def _settings_units(user) -> list[Org]:
    units = {u.pk: u for cap in settings_svc.CAPS for u in orgs_where(actor=user, cap=cap)[:500]}
    return sorted(units.values(), key=lambda u: u.path)


@staff_required
@require_GET
def settings_home(request):
    """The units whose settings the user may set (cases.approve or orgs.manage); one → its page."""
    units = _settings_units(request.user)
    if not units:
        raise PermissionDenied(_("You do not have permission to do this."), code="permission_denied")
    current = current_unit(request)
    asked = parse_uuid(request.GET.get("unit"))
    chosen = next((u for u in units if u.pk == asked), None) or next(
        (u for u in units if current and u.pk == current.pk), None
    )
    if chosen is not None or len(units) == 1:
        return redirect("staff:case_settings_edit", settings_org=(chosen or units[0]).pk)
    return render(request, T + "settings_units.html", {"unit_choices": units})


SETTING_LABELS = {
    "dibao_line": _("Minimum living standard (低保 line, yuan per person per month)"),
    "crisis_contact_name": _("Crisis contact"),
    "crisis_contact_phone": _("Crisis contact mobile"),
    "crisis_hotline": _("Crisis hotline shown to workers"),
}


@staff_required
@require_http_methods(["GET", "POST"])
def settings_edit(request, settings_org):
    """One unit's own values; blank inherits from the unit above (shown with its source)."""
    org = org_by_id(settings_org)
    settings_svc.check_configure(request.user, org)
    errors: dict = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in settings_svc.FIELDS}
        if not data["crisis_contact_phone"] and not request.POST.get("clear_crisis_contact_phone"):
            data.pop("crisis_contact_phone")  # shown masked: blank keeps it unless cleared
        try:
            settings_svc.settings_update(actor=request.user, org=org, data=data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"": [str(exc.message)]}
        else:
            messages.success(request, _("Settings saved."))
            return redirect("staff:case_settings_edit", settings_org=org.pk)
    page = sel.settings_page(org)
    rows = [
        {
            "name": k,
            "label": SETTING_LABELS[k],
            "own": request.POST.get(k, "") if errors and k != "crisis_contact_phone" else page[k]["own"],
            **{key: page[k][key] for key in ("value", "from", "inherited")},
            "errors": errors.get(k, []),
        }
        for k in settings_svc.FIELDS
    ]
    return render(
        request,
        T + "settings.html",
        {
            "org": org,
            "rows": rows,
            "errors": errors.get("", []),
            "unit_choices": _settings_units(request.user),
        },
    )


# --- the yearly 复核 ------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def reviews(request):
    """The open review tasks the user sees (due and overdue first) and, for cases.approve
    holders, the form that starts a campaign over a unit's filed files."""
    _require_cases(request.user)
    units = list(orgs_where(actor=request.user, cap=Cap.CASES_APPROVE)[:500])
    errors: dict = {}
    if request.method == "POST":
        org = next((u for u in units if str(u.pk) == request.POST.get("org_id")), None)
        if org is None:
            errors = {"org_id": [_("Choose a unit.")]}
        else:
            try:
                count = review_campaign(actor=request.user, org=org, due_on=request.POST.get("due_on"))
            except (NotFound, PermissionDenied):
                raise
            except ApplicationError as exc:
                errors = {k: [str(m) for m in v] for k, v in exc.fields.items()} or {"": [str(exc.message)]}
            else:
                messages.success(request, _("Review campaign started: %(n)d files to review.") % {"n": count})
                return redirect("staff:case_reviews")
    everything = request.GET.get("all") == "1"
    tasks = sel.review_tasks(actor=request.user, within=None if everything else sel.REVIEW_WINDOW_DAYS)
    current = current_unit(request)
    return render(
        request,
        T + "reviews.html",
        {
            "tasks": tasks,
            "unit_choices": units,
            "errors": errors,
            "v": request.POST if errors else {},
            "selected": request.POST.get("org_id") or (str(current.pk) if current else ""),
            "reasons": ExitReason.choices,
            "overdue": sum(1 for t in tasks if t["overdue"]),
            "everything": everything,
            "window": sel.REVIEW_WINDOW_DAYS,
        },
    )


@staff_required
@require_POST
def review_decide(request, review_case):
    """Mark a file reviewed: kept (the 复核 step, next review in a year) or closed (脱困退档 with
    its reason). The case service decides: 409 invalid_transition shows as a message."""
    case = access_case(actor=request.user, id=review_case)
    if case.kind != CaseKind.HARDSHIP:
        raise NotFound()
    outcome = request.POST.get("outcome")
    try:
        if outcome == "kept":
            svc.case_step(actor=request.user, case=case, step="review", data={})
        elif outcome == "closed":
            svc.case_step(
                actor=request.user, case=case, step="close", data={"reason": request.POST.get("reason")}
            )
        else:
            raise field_error("outcome", _("Choose kept or closed."))
    except (NotFound, PermissionDenied):
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(request, _("File %(number)s reviewed.") % {"number": case.number})
    return redirect("staff:case_reviews")


__all__ = ["Org"]
