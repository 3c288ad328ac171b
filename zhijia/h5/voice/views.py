"""Workers' voice on the phone: the published consultations, a draft's articles with the
opinions given so far (anonymous) and a form per article and for the whole; the worker's own
opinions with their outcomes and reasons; the opinion box of their union."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.ids import parse_uuid
from zhijia.orgs.selectors import org_by_id
from zhijia.voice import selectors as sel
from zhijia.voice.enums import ConsultationStatus
from zhijia.voice.permissions import public_consultation
from zhijia.voice.services.box import box_submit
from zhijia.voice.services.opinions import opinion_submit

from ..accounts.decorators import worker_required

T = "h5/voice/"


@never_cache
@worker_required
@require_GET
def consultations(request):
    return render(request, T + "list.html", {"items": list(sel.public_consultations()[:100])})


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def consultation(request, pk):
    c = public_consultation(id=pk)
    articles = sel.articles(c)
    error, error_for = "", None
    if request.method == "POST":
        wanted = parse_uuid(request.POST.get("article"))
        article = next((a for a in articles if a.pk == wanted), None)
        try:
            opinion_submit(
                actor=request.user, consultation=c, article=article, body=request.POST.get("text", "")
            )
        except NotFound:
            raise
        except ApplicationError as exc:
            detail = [str(m) for v in exc.fields.values() for m in v]
            error, error_for = " ".join(dict.fromkeys([str(exc.message), *detail])), wanted
        else:
            messages.success(
                request, _("Thank you: your opinion is recorded. You will be told what became of it.")
            )
            return redirect("h5:voice_consultation", pk=c.pk)
    public = list(sel.opinions(c))
    groups = [(None, [o for o in public if not o.article_id])]
    groups += [(a, [o for o in public if o.article_id == a.pk]) for a in articles]
    context = {
        "c": c,
        "groups": groups,
        "open": c.status == ConsultationStatus.OPEN,
        "error": error,
        "error_for": error_for,
    }
    return render(request, T + "consultation.html", context)


@never_cache
@worker_required
@require_GET
def my_opinions(request):
    return render(request, T + "mine.html", {"items": list(sel.my_opinions(user=request.user))})


@never_cache
@worker_required
@require_http_methods(["GET", "POST"])
def box(request):
    """Write to the box of the worker's union (their active membership's union)."""
    membership = sel.box_membership(user=request.user)
    error = ""
    if request.method == "POST" and membership is not None:
        try:
            box_submit(
                actor=request.user,
                org=org_by_id(membership.org_id),
                subject=request.POST.get("subject", ""),
                body=request.POST.get("text", ""),
            )
        except NotFound:
            raise
        except ApplicationError as exc:
            detail = [str(m) for v in exc.fields.values() for m in v]
            error = " ".join(dict.fromkeys([str(exc.message), *detail]))
        else:
            messages.success(request, _("Sent. The union replies within ten working days."))
            return redirect("h5:voice_box")
    context = {
        "membership": membership,
        "items": list(sel.my_box_messages(user=request.user)),
        "error": error,
    }
    return render(request, T + "box.html", context)
