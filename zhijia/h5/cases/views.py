"""Worker pages of help and rights: my cases with the dates that matter in plain language;
applying for hardship help, asking for legal help, booking counselling (with the optional
PHQ-9 / GAD-7 screening under its own consent and the crisis hotline when the self-harm item is
above 0); the public 公示 of hardship files (names masked) with objections."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.casework import selectors as sel
from zhijia.casework.enums import CaseKind, Cause, HardshipCategory, WorkStatus
from zhijia.casework.permissions import access_attachments, find_case, is_owner
from zhijia.casework.services import cases as svc
from zhijia.casework.services.attachments import attachment_add, attachment_download
from zhijia.casework.services.hardship import objection_add
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_name
from zhijia.h5.accounts.decorators import worker_required
from zhijia.orgs.selectors import orgs_choice

T = "h5/cases/"
PHQ9 = [
    gettext_lazy("Little interest or pleasure in doing things"),
    gettext_lazy("Feeling down, depressed or hopeless"),
    gettext_lazy("Trouble falling or staying asleep, or sleeping too much"),
    gettext_lazy("Feeling tired or having little energy"),
    gettext_lazy("Poor appetite or overeating"),
    gettext_lazy(
        "Feeling bad about yourself, or that you are a failure or have let yourself or your family down"
    ),
    gettext_lazy("Trouble concentrating on things, such as reading or watching television"),
    gettext_lazy(
        "Moving or speaking so slowly that others notice, or being so restless "
        "that you move around a lot more than usual"
    ),
    gettext_lazy("Thoughts that you would be better off dead, or of hurting yourself"),
]
GAD7 = [
    gettext_lazy("Feeling nervous, anxious or on edge"),
    gettext_lazy("Not being able to stop or control worrying"),
    gettext_lazy("Worrying too much about different things"),
    gettext_lazy("Trouble relaxing"),
    gettext_lazy("Being so restless that it is hard to sit still"),
    gettext_lazy("Becoming easily annoyed or irritable"),
    gettext_lazy("Feeling afraid, as if something awful might happen"),
]
ANSWERS = [
    (0, gettext_lazy("Not at all")),
    (1, gettext_lazy("Several days")),
    (2, gettext_lazy("More than half the days")),
    (3, gettext_lazy("Nearly every day")),
]
FIELDS = {
    CaseKind.HARDSHIP: [
        "name",
        "id_number",
        "summary",
        "category",
        "work_status",
        "own_income",
        "other_income",
        "household_size",
        "cause_main",
        "address",
    ],
    CaseKind.LEGAL: [
        "name",
        "summary",
        "employer",
        "claim_amount",
        "knew_on",
        "employment_ended_on",
        "wage_arrears",
        "still_employed",
        "mediation",
    ],
    CaseKind.COUNSELLING: ["name", "summary", "anonymous"],
}


def _units(request):
    """The units a worker may apply to: their own union first, then every active unit."""
    person = getattr(request.user, "person", None)
    own = []
    if person is not None:
        own = [
            m.org for m in person.memberships.select_related("org").filter(status__in=["member", "retained"])
        ]
    rest = orgs_choice(q=Q(status="active"))[:400]
    return own + [o for o in rest if o not in own]


@worker_required
@require_GET
def cases_home(request):
    mine = [
        {"c": c, "dates": sel.worker_dates(c)}
        for c in sel.my_cases(user=request.user).prefetch_related("deadlines")[:50]
    ]
    return render(request, T + "home.html", {"mine": mine})


@worker_required
@require_http_methods(["GET", "POST"])
def case_apply(request, kind):
    if kind not in CaseKind.values:
        raise NotFound()
    units = _units(request)
    errors: dict = {}
    v = request.POST if request.method == "POST" else {}
    wanted = request.GET.get("org") or v.get("org_id") or ""
    if request.method == "POST":
        org = next((u for u in units if str(u.pk) == request.POST.get("org_id")), None)
        if org is None:
            errors = {"org_id": [_("Choose a unit.")]}
        else:
            data = {k: request.POST.get(k, "") for k in FIELDS[kind]}
            try:
                case = svc.case_create(actor=request.user, kind=kind, org=org, data=data)
            except NotFound:
                raise
            except ApplicationError as exc:
                errors = {k: [str(m) for m in m_] for k, m_ in exc.fields.items()} or {"": [str(exc.message)]}
            else:
                messages.success(
                    request, _("Received. Your case number is %(number)s.") % {"number": case.number}
                )
                return redirect("h5:case_mine", pk=case.pk)
    return render(
        request,
        T + "apply.html",
        {
            "kind": kind,
            "kind_label": CaseKind(kind).label,
            "units": units,
            "wanted": wanted,
            "fields": FIELDS[kind],
            "v": v,
            "errors": errors,
            "causes": Cause.choices,
            "categories": HardshipCategory.choices,
            "work_statuses": WorkStatus.choices,
        },
    )


def _mine(request, pk):
    case = find_case(pk)
    if not is_owner(request.user, case):
        raise NotFound()
    return case


@worker_required
@require_GET
def case_detail(request, pk):
    case = _mine(request, pk)
    flagged = case.kind == CaseKind.COUNSELLING and case.screenings.filter(self_harm=True).exists()
    return render(
        request,
        T + "detail.html",
        {
            "c": case,
            "dates": sel.worker_dates(case),
            "events": list(case.events.all()),
            "flagged": flagged,
            "hotline": sel.settings_for(case.org).crisis_hotline if flagged else "",
            "may_screen": case.kind == CaseKind.COUNSELLING
            and case.status in ("booked", "assigned", "in_progress")
            and not case.screenings.exists(),
            "may_cancel": case.kind == CaseKind.COUNSELLING and case.status in ("booked", "assigned"),
            "may_attach": case.kind != CaseKind.COUNSELLING,
            "evidence": list(sel.attachments_of(actor=request.user, case=case, everything=False))
            if case.kind != CaseKind.COUNSELLING
            else [],
            "phq9": PHQ9,
            "gad7": GAD7,
            "answers": ANSWERS,
        },
    )


@worker_required
@require_POST
def case_screening(request, pk):
    case = _mine(request, pk)
    data = {"consent": request.POST.get("consent")}
    for name, items in (("phq9", PHQ9), ("gad7", GAD7)):
        values = [request.POST.get(f"{name}_{i}", "") for i in range(len(items))]
        if any(values):
            data[name] = values
    try:
        svc.case_step(actor=request.user, case=case, step="screening", data=data)
    except NotFound:
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(request, _("Thank you. Only your counsellor will see your answers."))
    return redirect("h5:case_mine", pk=pk)


@worker_required
@require_POST
def case_cancel(request, pk):
    case = _mine(request, pk)
    try:
        svc.case_step(actor=request.user, case=case, step="cancel", data={})
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect("h5:case_mine", pk=pk)


def _evidence_case(request, pk):
    """The worker's own hardship or legal case (404 otherwise, a counselling booking included)."""
    case, everything = access_attachments(actor=request.user, id=pk)
    if everything:  # a worker's login reaches cases only as their owner
        raise NotFound()
    return case


@worker_required
@require_POST
def case_evidence_add(request, pk):
    """A photo or PDF of evidence from the phone (photos re-encoded by the shared upload check)."""
    case = _evidence_case(request, pk)
    try:
        attachment_add(
            actor=request.user,
            case=case,
            upload=request.FILES.get("file"),
            kind="evidence",
            caption=request.POST.get("caption"),
        )
    except ApplicationError as exc:
        if isinstance(exc, NotFound):
            raise
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(request, _("Your file has been added to the case."))
    return redirect("h5:case_mine", pk=pk)


@worker_required
@require_GET
def case_evidence(request, pk, evidence_id):
    """One of the worker's own uploads, as a download."""
    case = _evidence_case(request, pk)
    mine = sel.attachments_of(actor=request.user, case=case, everything=False)
    attachment = mine.filter(pk=evidence_id).first()
    if attachment is None:
        raise NotFound()
    return attachment_download(actor=request.user, case=case, attachment=attachment)


@require_GET
def notices(request):
    """The public 公示: hardship files on notice today, names masked."""
    rows = [{"c": c, "name": sel.masked_name(c)} for c in sel.public_notices()[:200]]
    return render(request, T + "notices.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def notice_detail(request, pk):
    case = sel.public_notice(pk) if parse_uuid(pk) else None
    if case is None:
        raise NotFound()
    done = False
    if request.method == "POST":
        try:
            objection_add(case=case, text=request.POST.get("text"))
        except ApplicationError as exc:
            messages.error(
                request, " ".join([str(exc.message), *[str(m) for v in exc.fields.values() for m in v]])
            )
        else:
            done = True
    return render(request, T + "notice.html", {"c": case, "name": mask_name(case.subject_name), "done": done})
