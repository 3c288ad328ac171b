"""Console pages of the workers' voice: consultations of the current unit's subtree (and a form
for a new one, one article a line), a consultation with its opinions per article (real names
masked; tags, merging, outcomes with reasons), the report as xlsx, the date it was sent to the
基层立法联系点; the opinion box of the unit's subtree with the overdue ones per unit."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import PermissionDenied
from zhijia.core.ids import parse_uuid
from zhijia.core.masking import mask_name
from zhijia.orgs.access import capabilities_of, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.tree import is_within, subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import current_unit, unit_with
from zhijia.voice import selectors as sel
from zhijia.voice.enums import Outcome
from zhijia.voice.permissions import access_box_message, access_consultation, access_opinion
from zhijia.voice.report import report_xlsx
from zhijia.voice.services import box as box_svc
from zhijia.voice.services import consultations as csvc
from zhijia.voice.services import opinions as osvc
from zhijia.web.responses import run_step

T = "staff/voice/"


def _require(user: Any, cap: str) -> None:
    if cap not in capabilities_of(user):
        raise PermissionDenied(code="permission_denied")


def _unit(request) -> Any:
    return unit_with(request)


_run = run_step  # one console step runner (zhijia.web.responses)


def parse_articles(text: str) -> list[tuple[str, str]]:
    """One article a line: its number (第一条), a space, its text."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            number, _sep, body = line.replace("\u3000", " ").partition(" ")
            out.append((number, body.strip() or number))
    return out


@staff_required
@require_http_methods(["GET", "POST"])
def voice_home(request):
    _require(request.user, Cap.VOICE_MANAGE)
    unit = _unit(request)
    if request.method == "POST":
        org = access_org(actor=request.user, id=unit.pk, cap=Cap.VOICE_MANAGE)
        try:
            closes_on = dt.date.fromisoformat(request.POST.get("closes_on", ""))
        except ValueError:
            messages.error(request, _("Enter a valid date."))
        else:
            made = _run(
                request,
                csvc.consultation_create,
                _("The consultation is saved as a draft: publish it to collect opinions."),
                org=org,
                title=request.POST.get("title", ""),
                draft_title=request.POST.get("draft_title", ""),
                intro=request.POST.get("intro", ""),
                closes_on=closes_on,
                articles=parse_articles(request.POST.get("articles", "")[:200000]),
            )
            if made:
                return redirect("staff:voice_detail", pk=made.pk)
    items = sel.consultation_list(actor=request.user).filter(subtree_q(unit.path, "org__path"))
    return render(request, T + "home.html", {"unit": unit, "consultations": items})


@staff_required
@require_GET
def voice_detail(request, pk):
    c = access_consultation(actor=request.user, id=pk)
    opinions = list(sel.opinions(c))
    for o in opinions:
        o.who = sel.author_label(o)
    groups = [(None, [o for o in opinions if not o.article_id])]
    groups += [(a, [o for o in opinions if o.article_id == a.pk]) for a in sel.articles(c)]
    unit = current_unit(request)
    context = {
        "c": c,
        "groups": groups,
        "opinions": opinions,
        "outcomes": [(v, label) for v, label in Outcome.choices if v != Outcome.PENDING],
        "may_opine": unit is not None and scope_for(request.user, Cap.VOICE_OPINE).contains(unit),
        "unit": unit,
        "today": dt.date.today().isoformat(),
    }
    return render(request, T + "detail.html", context)


@staff_required
@require_POST
def voice_step(request, pk):
    c = access_consultation(actor=request.user, id=pk)
    to = request.POST.get("to", "")
    if to not in ("open", "closed"):
        messages.error(request, _("Choose a valid action."))
    else:
        _run(
            request, csvc.consultation_step, _("The consultation's state is changed."), consultation=c, to=to
        )
    return redirect("staff:voice_detail", pk=c.pk)


@staff_required
@require_POST
def voice_sent(request, pk):
    c = access_consultation(actor=request.user, id=pk)
    try:
        sent_on = dt.date.fromisoformat(request.POST.get("sent_on", ""))
    except ValueError:
        messages.error(request, _("Enter a valid date."))
    else:
        _run(
            request,
            csvc.consultation_sent,
            _("Recorded: the report was sent."),
            consultation=c,
            sent_to=request.POST.get("sent_to", ""),
            sent_on=sent_on,
        )
    return redirect("staff:voice_detail", pk=c.pk)


@staff_required
@require_POST
def voice_union_opinion(request, pk):
    """The current unit's opinion when it lies in the consultation's subtree and the user holds
    voice.opine on it; otherwise the consulting union's own (voice.opine checked there first)."""
    c = access_consultation(actor=request.user, id=pk, cap=Cap.VOICE_OPINE)
    unit = current_unit(request)
    union = c.org
    if (
        unit is not None
        and is_within(unit.path, c.org.path)
        and scope_for(request.user, Cap.VOICE_OPINE).contains(unit)
    ):
        union = unit
    wanted = parse_uuid(request.POST.get("article"))
    article = next((a for a in sel.articles(c) if a.pk == wanted), None)
    _run(
        request,
        osvc.union_opinion_submit,
        _("The union's opinion is recorded."),
        consultation=c,
        union=union,
        article=article,
        body=request.POST.get("text", ""),
    )
    return redirect("staff:voice_detail", pk=c.pk)


@staff_required
@require_GET
def voice_report(request, pk):
    c = access_consultation(actor=request.user, id=pk)
    response = HttpResponse(
        report_xlsx(c), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="consultation-{c.pk}.xlsx"'
    return response


@staff_required
@require_POST
def opinion_edit(request, pk):
    opinion = access_opinion(actor=request.user, id=pk)
    action = request.POST.get("action", "")
    if action == "tags":
        tags = [t for t in request.POST.get("tags", "").replace("，", ",").split(",") if t.strip()]
        _run(request, osvc.opinion_tag, _("Tags saved."), opinion=opinion, tags=tags)
    elif action == "merge":
        wanted = parse_uuid(request.POST.get("into"))
        into = next((o for o in sel.opinions(opinion.consultation) if o.pk == wanted), None)
        if into is None:
            messages.error(request, _("Choose the opinion to merge into."))
        else:
            _run(request, osvc.opinion_merge, _("Merged."), opinion=opinion, into=into)
    elif action == "outcome":
        _run(
            request,
            osvc.opinion_outcome,
            _("The outcome is given; its author is told."),
            opinion=opinion,
            outcome=request.POST.get("outcome", ""),
            reason=request.POST.get("reason", ""),
        )
    else:
        messages.error(request, _("Choose a valid action."))
    return redirect("staff:voice_detail", pk=opinion.consultation_id)


@staff_required
@require_GET
def voice_box(request):
    _require(request.user, Cap.OPINIONS_REPLY)
    unit = _unit(request)
    overdue = request.GET.get("overdue") == "1"
    items = list(
        sel.box_messages(actor=request.user, overdue=overdue).filter(subtree_q(unit.path, "org__path"))
    )
    for m in items:
        m.who = mask_name(getattr(m.author, "display_name", "") or "") or "—"
    context = {
        "unit": unit,
        "items": items,
        "overdue": overdue,
        "by_unit": sel.box_overdue_by_unit(actor=request.user),
        "today": dt.date.today(),
    }
    return render(request, T + "box.html", context)


@staff_required
@require_POST
def box_reply(request, pk):
    message = access_box_message(actor=request.user, id=pk)
    _run(
        request,
        box_svc.box_reply,
        _("Replied; the writer is told."),
        message=message,
        reply=request.POST.get("reply", ""),
    )
    return redirect("staff:voice_box")
