"""Honours on the phone: the public notice (公示) of nominees — open to anyone, names masked —
with an objection form for a logged-in worker while the notice runs; the worker's own honours."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from zhijia.accounts.models import UserKind
from zhijia.core.errors import ApplicationError, NotFound
from zhijia.honours import selectors as sel
from zhijia.honours.permissions import public_nomination
from zhijia.honours.services import objection_submit, publicity_running

from ..accounts.decorators import worker_required

T = "h5/honours/"


@never_cache
@require_GET
def notices(request):
    items = sel.public_notices()
    for item in items:
        item["running"] = publicity_running(item["campaign"])
    return render(request, T + "notices.html", {"items": items})


@never_cache
@require_POST
def objection(request, pk):
    user = request.user
    if not user.is_authenticated or user.kind != UserKind.WORKER:
        return redirect_to_login(request.build_absolute_uri("/h5/honours/"), "h5:login")
    nomination = public_nomination(id=pk)
    try:
        objection_submit(actor=user, nomination=nomination, body=request.POST.get("text", ""))
    except NotFound:
        raise
    except ApplicationError as exc:
        detail = [str(m) for v in exc.fields.values() for m in v]
        messages.error(request, " ".join(dict.fromkeys([str(exc.message), *detail])))
    else:
        messages.success(request, _("Your objection is recorded. It is looked into; your name is not shown."))
    return redirect("h5:honours_notices")


@never_cache
@worker_required
@require_GET
def my_honours(request):
    return render(request, T + "mine.html", {"awards": list(sel.my_honours(user=request.user))})
