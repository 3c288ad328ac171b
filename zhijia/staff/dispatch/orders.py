"""Console pages of service orders: the dispatcher's board, the order list, ordering from a
menu item, and the order page with its timeline, the dispatch suggestions and every step the
viewer may take (dispatch, cancel, settle for the dispatcher; submit, confirm with a rating,
dispute, cancel for the ordering union). parse → access check → service/selector → render;
the services decide and audit."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhijia.accounts.selectors import orgs_where
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.masking import mask_name, mask_phone
from zhijia.dispatch.enums import TO_DISPATCH, TRANSITIONS, OrderStatus
from zhijia.dispatch.permissions import access_order
from zhijia.dispatch.selectors.orders import BOARD, board, order_get, order_list
from zhijia.dispatch.selectors.suggestions import expert_suggestions
from zhijia.dispatch.services import orders as svc
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.permissions import access_org
from zhijia.orgs.tree import subtree_q
from zhijia.staff.decorators import staff_required
from zhijia.staff.units import unit_with
from zhijia.web.responses import apply_errors

from .common import PAGE_SIZE, T, may, public_item, require_any, run
from .forms import ConfirmForm, DispatchForm, OrderForm, ReasonForm

S = OrderStatus
SIDES = [
    ("", gettext_lazy("Every side")),
    ("dispatch", gettext_lazy("We dispatch")),
    ("order", gettext_lazy("We ordered")),
    ("expert", gettext_lazy("Dispatched to me")),
]
# Board columns: waiting for the dispatcher, with the expert, delivered, closed.
BOARD_GROUPS = [
    (gettext_lazy("To dispatch"), (S.SUBMITTED, S.DECLINED, S.TIMED_OUT)),
    (gettext_lazy("With the expert"), (S.DISPATCHED, S.ACCEPTED)),
    (gettext_lazy("Delivered"), (S.DELIVERED, S.DISPUTED, S.CONFIRMED)),
    (pgettext_lazy("order board column", "Closed"), (S.SETTLED, S.CANCELLED)),
]


@staff_required
@require_GET
def dispatch_board(request):
    """Columns by state (overdue orders first in each), from the orders the user dispatches."""
    require_any(request.user, Cap.DISPATCH_ASSIGN)
    columns = board(actor=request.user)
    groups = [
        {
            "label": label,
            "columns": [
                {"status": s, "label": S(s).label, "orders": columns.get(s, [])}
                for s in statuses
                if s in BOARD
            ],
        }
        for label, statuses in BOARD_GROUPS
    ]
    overdue = sum(1 for orders in columns.values() for o in orders if getattr(o, "overdue", False))
    return render(request, T + "board.html", {"groups": groups, "overdue": overdue})


@staff_required
@require_GET
def dispatch_orders(request):
    """Orders the user sees, filtered by status and side (grassroots unions: their own)."""
    require_any(request.user, Cap.DISPATCH_ORDER, Cap.DISPATCH_ASSIGN, Cap.EXPERT_WORK)
    status = request.GET.get("status") if request.GET.get("status") in S.values else None
    side = request.GET.get("side") if request.GET.get("side") in {"dispatch", "order", "expert"} else None
    page = Paginator(order_list(actor=request.user, status=status, side=side), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "f": {"status": status or "", "side": side or ""},
        "statuses": S.choices,
        "sides": SIDES,
    }
    return render(request, T + "orders.html", context)


def ordering_orgs(request, unit):
    """The unions the user may order for, within the current unit's subtree."""
    return orgs_where(actor=request.user, cap=Cap.DISPATCH_ORDER).filter(subtree_q(unit.path))


@staff_required
@require_http_methods(["GET", "POST"])
def dispatch_order_new(request):
    """Order the menu item ?item=<id> for one of the user's unions ("Save draft" keeps it)."""
    require_any(request.user, Cap.DISPATCH_ORDER)
    if request.method == "POST" and request.POST.get("org"):  # dispatch.order there (404 / 403)
        access_org(actor=request.user, id=request.POST.get("org"), cap=Cap.DISPATCH_ORDER)
    unit = unit_with(request)
    wanted = request.GET.get("item") or request.POST.get("item")
    if not wanted:  # pick the service first
        return redirect("staff:dispatch_menu_browse")
    item = public_item(wanted)
    orgs = ordering_orgs(request, unit)
    initial = {"org": unit.pk if orgs.filter(pk=unit.pk).exists() else None}
    form = OrderForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = svc.order_create(
                actor=request.user, item=item, submit="draft" not in request.POST, **form.cleaned_data
            )
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            done = (
                _("Draft saved.")
                if order.status == S.DRAFT
                else _("Ordered: the dispatching union will assign an expert.")
            )
            messages.success(request, done)
            return redirect("staff:dispatch_order_detail", pk=order.pk)
    return render(request, T + "order_form.html", {"form": form, "item": item})


def _detail_context(request, order, **forms) -> dict:
    """What the order page shows the viewer, and the forms of the steps they may take."""
    user = request.user
    nexts = TRANSITIONS.get(order.status, ())
    can_assign = may(user, Cap.DISPATCH_ASSIGN, order.dispatcher)
    can_order = may(user, Cap.DISPATCH_ORDER, order.org)
    may_override = may(user, Cap.DISPATCH_BUDGET, order.dispatcher)
    dispatchable = can_assign and S.DISPATCHED in nexts
    suggestions = expert_suggestions(order=order) if dispatchable else []
    context = {
        "o": order,
        "timeline": list(order.events.all()),
        "photos": list(order.photos.all()),
        "contact_name": mask_name(order.contact_name),
        "contact_phone": mask_phone(order.contact_phone),
        "stars": range(order.rating or 0),
        "can_assign": can_assign,
        "can_order": can_order,
        "may_override": may_override,
        "dispatchable": dispatchable,
        "redispatch": order.status == S.DISPATCHED,
        "to_dispatch": order.status in TO_DISPATCH,
        "suggestions": suggestions,
        "can_submit": can_order and S.SUBMITTED in nexts,
        "can_confirm": can_order and S.CONFIRMED in nexts,
        "can_dispute": can_order and S.DISPUTED in nexts,
        "can_settle": can_assign and S.SETTLED in nexts,
        "can_cancel": S.CANCELLED in nexts and (can_assign or can_order),
        "dispatch_form": forms.get("dispatch_form")
        or DispatchForm(suggestions=suggestions, may_override=may_override),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "dispute_form": forms.get("dispute_form") or ReasonForm(prefix="dispute"),
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "open_form": next((k for k, v in forms.items() if v is not None), ""),
    }
    return context


@staff_required
@require_GET
def dispatch_order_detail(request, pk):
    order = order_get(actor=request.user, id=pk)
    return render(request, T + "order_detail.html", _detail_context(request, order))


def _back(order):
    return redirect("staff:dispatch_order_detail", pk=order.pk)


def _form_step(request, order, name: str, form, call):
    """A step with a form on the order page: valid and accepted → back to the page with a
    message; otherwise the page again with the errors on the form."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except (NotFound, PermissionDenied):
            raise
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            return None
    fresh = order_get(actor=request.user, id=order.pk)
    return render(request, T + "order_detail.html", _detail_context(request, fresh, **{name: form}))


@staff_required
@require_POST
def dispatch_order_dispatch(request, pk):
    """Dispatch or re-dispatch to one of the suggested experts (dispatch.assign; over the budget
    only for dispatch.budget holders)."""
    order = access_order(actor=request.user, id=pk, cap=Cap.DISPATCH_ASSIGN)
    may_override = may(request.user, Cap.DISPATCH_BUDGET, order.dispatcher)
    form = DispatchForm(
        request.POST, suggestions=expert_suggestions(order=order, limit=100), may_override=may_override
    )

    def call(data):
        svc.order_dispatch(
            actor=request.user,
            order=order,
            expert=data["expert_id"],
            override_budget=bool(data.get("override_budget")),
        )

    page = _form_step(request, order, "dispatch_form", form, call)
    if page is not None:
        return page
    messages.success(request, _("Dispatched: the expert has been told."))
    return _back(order)


@staff_required
@require_POST
def dispatch_order_cancel(request, pk):
    """Cancel with a reason: the dispatcher (dispatch.assign) until delivery, the ordering
    union (dispatch.order) before acceptance."""
    order = either_side(request, pk)
    form = ReasonForm(request.POST, prefix="cancel")
    page = _form_step(
        request,
        order,
        "cancel_form",
        form,
        lambda data: svc.order_cancel(actor=request.user, order=order, reason=data["reason"]),
    )
    if page is not None:
        return page
    messages.success(request, _("The order is cancelled."))
    return _back(order)


def either_side(request, pk):
    """The order for its dispatcher or its ordering union; 404 when neither sees it, 403 when
    one of them sees it without the capability."""
    denial = None
    for cap in (Cap.DISPATCH_ASSIGN, Cap.DISPATCH_ORDER):
        try:
            return access_order(actor=request.user, id=pk, cap=cap)
        except (NotFound, PermissionDenied) as exc:
            if denial is None or isinstance(exc, PermissionDenied):
                denial = exc
    raise denial  # type: ignore[misc]


@staff_required
@require_POST
def dispatch_order_settle(request, pk):
    order = access_order(actor=request.user, id=pk, cap=Cap.DISPATCH_ASSIGN)
    run(request, svc.order_settle, _("Settled against the budget."), order=order)
    return _back(order)


@staff_required
@require_POST
def dispatch_order_submit(request, pk):
    order = access_order(actor=request.user, id=pk, cap=Cap.DISPATCH_ORDER)
    run(request, svc.order_submit, _("Ordered: the dispatching union will assign an expert."), order=order)
    return _back(order)


@staff_required
@require_POST
def dispatch_order_confirm(request, pk):
    """The ordering union confirms the delivery and rates the expert."""
    order = access_order(actor=request.user, id=pk, cap=Cap.DISPATCH_ORDER)
    form = ConfirmForm(request.POST)
    page = _form_step(
        request,
        order,
        "confirm_form",
        form,
        lambda data: svc.order_confirm(
            actor=request.user, order=order, rating=data["rating"], comment=data["comment"]
        ),
    )
    if page is not None:
        return page
    messages.success(request, _("Confirmed. Thank you for the rating."))
    return _back(order)


@staff_required
@require_POST
def dispatch_order_dispute(request, pk):
    order = access_order(actor=request.user, id=pk, cap=Cap.DISPATCH_ORDER)
    form = ReasonForm(request.POST, prefix="dispute")
    page = _form_step(
        request,
        order,
        "dispute_form",
        form,
        lambda data: svc.order_dispute(actor=request.user, order=order, reason=data["reason"]),
    )
    if page is not None:
        return page
    messages.success(request, _("Disputed: the expert and the dispatching union will see your reason."))
    return _back(order)
