"""The expert workspace (专家接单), on the expert's phone: my orders by status (new dispatches
first, with their accept deadline), one order (what the union asked: the wanted days, place,
service, attendance and note, and its contact, masked, which the expert may reveal to call
from the dispatch on), accept proposing a day and time with a note, decline with a reason, the check-in
screen on the day (the order's rotating QR that workers scan, plus a box for a member card code,
and the count), the delivery report with photos, and rating the union.

Only the expert the order is dispatched to sees it (dispatch.permissions.expert_order: 404 for
anyone else, including an expert it was taken away from by a re-dispatch). Every change goes
through dispatch.services; refusals come back as a message on the order page."""

from typing import Any

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.core.errors import ApplicationError, NotFound
from zhijia.core.masking import mask_name
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.permissions import expert_order
from zhijia.dispatch.selectors.orders import my_expert_orders
from zhijia.dispatch.services import checkin as checkin_services
from zhijia.dispatch.services import orders as order_services
from zhijia.web.responses import apply_errors, is_htmx

from . import display
from .decorators import expert_login_required, expert_of
from .forms import AcceptForm, DeclineForm, DeliverForm, RateForm, ScanForm, photo_kind
from .people import check_in

T = "h5/expert/"
S = OrderStatus
REFRESH_SECONDS = 25  # the order's check-in code changes every 30 s
MAX_PHOTOS = 9
CHECKIN_OPEN = checkin_services.OPEN  # accepted or delivered


def _no_expert(request):
    """A login without an expert record: say what this place is and whom to ask."""
    return render(request, T + "no_expert.html", {})


@never_cache
@expert_login_required
@require_GET
def expert_orders(request):
    """My orders, in tabs: to accept (dispatched to me; the earliest deadline first), to deliver,
    delivered, all."""
    expert = expert_of(request.user)
    if expert is None:
        return _no_expert(request)
    tab = request.GET.get("tab") or ""
    orders = list(my_expert_orders(user=request.user))
    counts = {key: 0 for key, _label, _statuses in display.TABS}
    for o in orders:
        counts[display.tab_of(o.status)] += 1
    counts["all"] = len(orders)
    if tab not in counts:
        tab = "new" if counts["new"] else ("todo" if counts["todo"] else "all")
    statuses = dict((key, st) for key, _label, st in display.TABS)[tab]
    shown = [o for o in orders if not statuses or o.status in statuses]
    shown.sort(key=_sort_key)
    now = timezone.now()
    context = {
        "expert": expert,
        "nav": tab,
        "tab": tab,
        "tabs": [{"key": k, "label": label, "count": counts[k]} for k, label, _st in display.TABS],
        "cards": [_card(o, now) for o in shown],
    }
    return render(request, T + "orders.html", context)


def _sort_key(order) -> tuple:
    """New dispatches first (earliest deadline first), then upcoming services by start, then the
    rest newest first."""
    if order.status == S.DISPATCHED:
        return (0, order.accept_by.timestamp() if order.accept_by else 0)
    if order.status in (S.ACCEPTED, S.DISPUTED):
        return (1, order.starts_at.timestamp() if order.starts_at else 0)
    return (2, -order.created_at.timestamp())


def _card(order, now) -> dict[str, Any]:
    return {
        "o": order,
        "style": display.STATUS_STYLE.get(order.status, "secondary"),
        "overdue": bool(order.status == S.DISPATCHED and order.accept_by and order.accept_by < now),
        "today": bool(order.starts_at and timezone.localdate(order.starts_at) == timezone.localdate(now)),
    }


def _order_page(request, order, *, status: int = 200, **forms: Any):
    """The order page, with any bound (failed) form in place of the blank one."""
    now = timezone.now()
    attendances = list(order.attendances.select_related("person"))
    item = order.item
    context = {
        "expert": order.expert,
        "nav": display.tab_of(order.status),
        "o": order,
        "item": item,
        "style": display.STATUS_STYLE.get(order.status, "secondary"),
        "contact": display.contact(order),
        "overdue": bool(order.status == S.DISPATCHED and order.accept_by and order.accept_by < now),
        "can_respond": order.status == S.DISPATCHED,
        "can_checkin": order.status in CHECKIN_OPEN,
        "can_deliver": order.status in (S.ACCEPTED, S.DISPUTED),
        "can_rate": order.status in (S.DELIVERED, S.CONFIRMED, S.SETTLED) and order.expert_rating is None,
        "accept_form": forms.get("accept_form") or AcceptForm(order=order),
        "decline_form": forms.get("decline_form") or DeclineForm(),
        "deliver_form": forms.get("deliver_form")
        or DeliverForm(initial={"attendees": len(attendances) or order.audience}),
        "rate_form": forms.get("rate_form") or RateForm(),
        "present": len(attendances),
        "attendees": [mask_name(a.person.name) for a in attendances],
        "photos": list(order.photos.all()),
        "max_photos": MAX_PHOTOS,
        "open": forms.get("open", ""),
        "refusal": forms.get("refusal"),
    }
    return render(request, T + "order.html", context, status=status)


@never_cache
@expert_login_required
@require_GET
def expert_order_view(request, pk):
    """One order dispatched to me, with what I can do with it now."""
    if expert_of(request.user) is None:
        return _no_expert(request)
    return _order_page(request, expert_order(user=request.user, id=pk))


def _refused(request, order, exc: ApplicationError, form, name: str):
    """A service refusal: 404 stays 404; anything else goes onto the form and the page."""
    if isinstance(exc, NotFound):
        raise exc
    apply_errors(form, exc)
    return _order_page(request, order, **{name: form, "open": name, "refusal": display.refusal(exc)})


@never_cache
@expert_login_required
@require_POST
def expert_order_contact(request, pk):
    """Reveal the ordering union's contact (name and phone in clear) to the expert who accepted
    the order, so they can call: audited as order.contact_reveal, never cached, marked as a
    reveal. Before acceptance (or once cancelled): 404, the expert never learns it."""
    order = expert_order(user=request.user, id=pk)
    name, phone = order_services.order_contact_reveal(actor=request.user, order=order)
    context = {"o": order, "name": name, "phone": phone, "expert": order.expert}
    response = render(request, T + ("_contact.html" if is_htmx(request) else "contact.html"), context)
    response["X-Zhijia-Reveal"] = "1"
    response["Cache-Control"] = "no-store"
    return response


@expert_login_required
@require_POST
def expert_order_accept(request, pk):
    """Accept, proposing the day and start time and a note for the union (order_accept); back
    to the order."""
    order = expert_order(user=request.user, id=pk)
    form = AcceptForm(request.POST, order=order)
    if not form.is_valid():
        return _order_page(request, order, accept_form=form, open="accept_form")
    try:
        order_services.order_accept(
            actor=request.user, order=order, starts_at=form.starts_at(), note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        return _refused(request, order, exc, form, "accept_form")
    messages.success(request, _("You accepted the order. The union has been told the date."))
    return redirect("h5:expert_order", pk=order.pk)


@expert_login_required
@require_POST
def expert_order_decline(request, pk):
    """Decline with a reason (order_decline): the order goes back to the dispatcher and leaves
    my list."""
    order = expert_order(user=request.user, id=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, decline_form=form, open="decline_form")
    try:
        order_services.order_decline(actor=request.user, order=order, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        return _refused(request, order, exc, form, "decline_form")
    messages.info(
        request, _("You declined order %(number)s. It went back to the union.") % {"number": order.number}
    )
    return redirect("h5:expert_orders")


@expert_login_required
@require_POST
def expert_order_deliver(request, pk):
    """The delivery report: attendees, summary, photos (order_deliver)."""
    order = expert_order(user=request.user, id=pk)
    form = DeliverForm(request.POST)
    photos = request.FILES.getlist("photos")
    valid = form.is_valid()
    if len(photos) > MAX_PHOTOS:
        form.add_error(None, _("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    elif any(photo_kind(p) is None for p in photos):
        form.add_error(None, _("Photos must be JPEG, PNG or WebP images of at most 5 MB each."))
    if not valid or form.errors:
        return _order_page(request, order, deliver_form=form, open="deliver_form")
    try:
        order_services.order_deliver(
            actor=request.user,
            order=order,
            attendees=form.cleaned_data["attendees"],
            summary=form.cleaned_data["summary"],
            photos=photos,
        )
    except ApplicationError as exc:
        return _refused(request, order, exc, form, "deliver_form")
    messages.success(request, _("Thank you! The union will confirm the service."))
    return redirect("h5:expert_order", pk=order.pk)


@expert_login_required
@require_POST
def expert_order_rate(request, pk):
    """Rate the ordering union 1–5 (order_rate_union)."""
    order = expert_order(user=request.user, id=pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, rate_form=form, open="rate_form")
    try:
        order_services.order_rate_union(actor=request.user, order=order, **form.cleaned_data)
    except ApplicationError as exc:
        return _refused(request, order, exc, form, "rate_form")
    messages.success(request, _("Thank you for your rating."))
    return redirect("h5:expert_order", pk=order.pk)


# The check-in screen -------------------------------------------------------------------------


def _code_context(request, order) -> dict[str, Any]:
    code = order_services.order_checkin_code(order)
    url = request.build_absolute_uri(reverse("h5:expert_checkin", args=[code]))
    svg = segno.make(url, error="m").svg_inline(scale=5, border=2, omitsize=True)
    return {
        "expert": order.expert,
        "nav": "todo",
        "o": order,
        "qr": mark_safe(svg),  # noqa: S308 - segno's own SVG
        "qr_url": url,
        "refresh": REFRESH_SECONDS,
        "present": order.attendances.count(),
    }


@never_cache
@expert_login_required
@require_http_methods(["GET", "POST"])
def expert_order_checkin(request, pk):
    """GET: the check-in screen (the QR workers scan with their phones, refreshed every 25 s; a
    box for a member card code; the count and the names, masked). POST
    token=…: check that member in (order_checkin, idempotent)."""
    order = expert_order(user=request.user, id=pk)
    if order.status not in CHECKIN_OPEN:
        context = {"o": order, "closed": True, "expert": order.expert, "nav": display.tab_of(order.status)}
        return render(request, T + "checkin.html", context)
    form = ScanForm(request.POST or None)
    result: dict[str, Any] = {}
    if request.method == "POST":
        if not form.is_valid():
            result = {"ok": False, "message": _("Scan a member card code or type a member number.")}
        else:
            try:
                attendance = check_in(actor=request.user, order=order, value=form.cleaned_data["token"])
                person = attendance.person
            except ApplicationError as exc:
                if isinstance(exc, NotFound):
                    raise
                refusal = display.refusal(exc)
                message = (refusal["reasons"] or [refusal["title"]])[0]
                result = {"ok": False, "message": message, "code": exc.code}
            else:
                result = {"ok": True, "message": _("Checked in: %(name)s") % {"name": mask_name(person.name)}}
        form = ScanForm()
    context = {**_code_context(request, order), "form": form, **result}
    if is_htmx(request) and request.method == "POST":
        return render(request, T + "_scan_result.html", context | {"oob": True})
    context["attendees"] = [mask_name(a.person.name) for a in order.attendances.select_related("person")]
    return render(request, T + "checkin.html", context)


@never_cache
@expert_login_required
@require_GET
def expert_order_code(request, pk):
    """htmx, every 25 s: a fresh QR and the live count."""
    order = expert_order(user=request.user, id=pk)
    if order.status not in CHECKIN_OPEN:
        raise NotFound()
    return render(request, T + "_code.html", _code_context(request, order))
