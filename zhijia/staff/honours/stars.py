"""Console pages of star-rated unions (星级工会): the star home of the current unit (the criteria
sets it issues with a form for a new one, the published sets above it to self-assess under,
its own assessments and the stars held in its tree today), a criteria set with its items, its
publish step, the units below to start assessments for and every assessment under it with the
stars awarded and when they lapse, and an assessment with the evidence Zhijia pulled in, the
union's self-assessment form and the issuing union's scoring form.

Every write is a service of zhijia.honours.stars, reached through the same access functions
as /api/v1/star-ratings."""

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import NotFound
from zhijia.core.ids import parse_uuid
from zhijia.honours import files
from zhijia.honours import selectors as sel
from zhijia.honours import stars as svc
from zhijia.honours.permissions import access_assessment, access_criteria, public_criteria
from zhijia.orgs.access import scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit
from zhijia.web.responses import run_step

from .files import file_rows, upload_step
from .views import _require_any

T = "staff/honours/"
ITEM_ROWS = 8  # blank rows of the criteria form; rows left empty are ignored
STAR_ROWS = svc.MAX_STARS


def _whole(request, name: str, label: str) -> int | None:
    raw = request.POST.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 6:
        messages.error(request, _("%(field)s: enter a whole number.") % {"field": label})
        return None
    return int(raw)


def _stars(n: Any) -> str:
    return "★" * int(n or 0)


def _form_rows(post: Any) -> tuple[list[dict], list[str]]:
    """The criteria form's rows as typed (for showing them again) and its thresholds."""
    rows = [
        {
            "title": post.get(f"item_title_{i}", ""),
            "points": post.get(f"item_points_{i}", ""),
            "pass_line": post.get(f"item_pass_{i}", ""),
            "evidence": post.get(f"item_evidence_{i}", ""),
        }
        for i in range(ITEM_ROWS)
    ]
    thresholds = [post.get(f"threshold_{i}", "") for i in range(STAR_ROWS)]
    return rows, thresholds


def _create_criteria(request, unit) -> Any:
    org = access_org(actor=request.user, id=unit.pk, cap=Cap.HONOURS_MANAGE)
    rows, thresholds = _form_rows(request.POST)
    year = _whole(request, "year", _("Year"))
    valid_days = _whole(request, "valid_days", _("Stars valid for (days)"))
    if year is None or valid_days is None:
        return None
    items = [
        (r["title"], r["points"], r["pass_line"].strip() or "0", r["evidence"])
        for r in rows
        if r["title"].strip() or r["points"].strip()
    ]
    return run_step(
        request,
        svc.criteria_create,
        _("The criteria are saved as a draft: check them, then publish."),
        org=org,
        title=request.POST.get("title", ""),
        year=year,
        thresholds=[t.strip() for t in thresholds if t.strip()],
        items=items,
        valid_days=valid_days,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def stars_home(request):
    _require_any(request.user, Cap.HONOURS_MANAGE, Cap.HONOURS_NOMINATE)
    unit = current_unit(request)
    if unit is None:
        raise NotFound()
    may_issue = scope_for(request.user, Cap.HONOURS_MANAGE).contains(unit)
    may_assess = scope_for(request.user, Cap.HONOURS_NOMINATE).contains(unit)
    if request.method == "POST":
        made = _create_criteria(request, unit)
        if made:
            return redirect("staff:stars_criteria", pk=made.pk)
    rows, thresholds = _form_rows(request.POST)
    own = sel.assessments_of(unit) if may_assess else []
    assessed = {a.criteria_id for a in own}
    for a in own:
        a.star_text = _stars(a.stars)  # type: ignore[attr-defined]
    above = list(sel.criteria_above(unit)[:50]) if may_assess else []
    for c in above:
        c.mine = c.pk in assessed  # type: ignore[attr-defined]
    held = svc.public_star_unions(unit)
    for h in held:
        h["star_text"] = _stars(h["stars"])
    context = {
        "unit": unit,
        "may_issue": may_issue,
        "issued": list(sel.criteria_issued(actor=request.user, org=unit)[:100]),
        "above": above,
        "own": own,
        "held": held,
        "rows": rows,
        "thresholds": [(t, f"{i}★") for i, t in enumerate(thresholds, start=1)],
        "evidence": list(svc.EVIDENCE_LABELS.items()),
        "form": request.POST,
        "year": timezone.localdate().year,
    }
    return render(request, T + "stars_home.html", context)


@staff_required
@require_GET
def stars_criteria(request, pk):
    criteria = access_criteria(actor=request.user, id=pk)
    assessments = sel.assessments_under(criteria)
    for a in assessments:
        a.star_text = _stars(a.stars)  # type: ignore[attr-defined]
    taken = {a.org_id for a in assessments}
    context = {
        "c": criteria,
        "items": sel.criteria_items(criteria),
        "labels": svc.EVIDENCE_LABELS,
        "thresholds": [(i, t, _stars(i)) for i, t in enumerate(criteria.thresholds, start=1)],
        "assessments": assessments,
        "below_units": [u for u in sel.units_below(criteria.org) if u.pk not in taken]
        if criteria.published
        else [],
    }
    return render(request, T + "stars_criteria.html", context)


@staff_required
@require_POST
def stars_publish(request, pk):
    criteria = access_criteria(actor=request.user, id=pk)
    run_step(
        request,
        svc.criteria_publish,
        _("The criteria are published: the unions below may assess themselves."),
        criteria=criteria,
    )
    return redirect("staff:stars_criteria", pk=criteria.pk)


@staff_required
@require_POST
def stars_assess(request):
    """Start a union's assessment under a published set: the issuing union for a unit below, or
    the union itself (honours.nominate on the assessed union, as the API)."""
    criteria = public_criteria(id=request.POST.get("criteria", ""))
    org = access_org(actor=request.user, id=request.POST.get("org", ""), cap=Cap.HONOURS_NOMINATE)
    made = run_step(
        request,
        svc.assessment_start,
        _("The assessment is started with the figures Zhijia holds."),
        criteria=criteria,
        org=org,
    )
    if made:
        return redirect("staff:stars_assessment", pk=made.pk)
    if scope_for(request.user, Cap.HONOURS_MANAGE).contains(criteria.org):
        return redirect("staff:stars_criteria", pk=criteria.pk)
    return redirect("staff:stars_home")


@staff_required
@require_GET
def stars_assessment(request, pk):
    return assessment_page(request, access_assessment(actor=request.user, id=pk))


def assessment_page(request, a: Any, upload: dict | None = None, status: int = 200):
    """The assessment page; `upload` carries a refused evidence file's field errors."""
    lines = sel.assessment_lines(a)
    for line in lines:
        key = line.criterion.evidence
        line.evidence_label = svc.EVIDENCE_LABELS.get(key, "")  # type: ignore[attr-defined]
        line.evidence_value = a.evidence.get(key) if key else None  # type: ignore[attr-defined]
    award = sel.star_award_of(a) if a.status == "scored" else None
    context = {
        "a": a,
        "lines": lines,
        "evidence": [(svc.EVIDENCE_LABELS.get(k, k), v) for k, v in sorted(a.evidence.items())],
        "award": award,
        "star_text": _stars(a.stars),
        "thresholds": [(i, t) for i, t in enumerate(a.criteria.thresholds, start=1)],
        "may_self": a.status == "draft" and scope_for(request.user, Cap.HONOURS_NOMINATE).contains(a.org),
        "may_score": a.status == "submitted"
        and scope_for(request.user, Cap.HONOURS_MANAGE).contains(a.criteria.org),
        "today": timezone.localdate(),
        "files": file_rows(
            sel.evidence_of(a),
            lambda f: reverse("staff:stars_evidence", kwargs={"pk": a.pk, "evidence": f.pk}),
        ),
        "upload_items": [line for line in lines if not line.criterion.evidence],
        "upload": upload or {},
    }
    return render(request, T + "stars_assessment.html", context, status=status)


def _points(request, lines_of: Any) -> dict[str, str]:
    return {str(line.criterion_id): request.POST.get(f"points_{line.criterion_id}", "") for line in lines_of}


@staff_required
@require_POST
def stars_self(request, pk):
    a = access_assessment(actor=request.user, id=pk, cap=Cap.HONOURS_NOMINATE)
    lines = sel.assessment_lines(a)
    run_step(
        request,
        svc.assessment_self,
        _("The self-assessment is sent to the issuing union."),
        assessment=a,
        points=_points(request, lines),
        notes={str(line.criterion_id): request.POST.get(f"note_{line.criterion_id}", "") for line in lines},
    )
    return redirect("staff:stars_assessment", pk=a.pk)


@staff_required
@require_POST
def stars_score(request, pk):
    a = access_assessment(actor=request.user, id=pk)
    run_step(
        request,
        svc.assessment_score,
        _("The assessment is scored."),
        assessment=a,
        points=_points(request, sel.assessment_lines(a)),
    )
    return redirect("staff:stars_assessment", pk=a.pk)


@staff_required
@require_POST
def stars_evidence_add(request, pk):
    """The assessed union uploads a file for an item Zhijia cannot compute (honours.files)."""
    a = access_assessment(actor=request.user, id=pk, cap=Cap.HONOURS_NOMINATE)
    return upload_step(
        request,
        lambda: files.evidence_add(
            actor=request.user,
            assessment=a,
            item=request.POST.get("item", ""),
            upload=request.FILES.get("file"),
            caption=request.POST.get("caption", ""),
        ),
        back=reverse("staff:stars_assessment", kwargs={"pk": pk}) + "#uploaded",
        page=lambda upload: assessment_page(request, a, upload=upload, status=400),
        done=_("The evidence file is added."),
    )


@staff_required
@require_GET
def stars_evidence(request, pk, evidence):
    """An evidence file, only ever as a download, audited: the assessed and the scoring union."""
    a = access_assessment(actor=request.user, id=pk)
    found = sel.evidence_of(a).filter(pk=parse_uuid(evidence)).first()
    if found is None:
        raise NotFound(code="not_found")
    return files.evidence_download(actor=request.user, assessment=a, evidence=found)
