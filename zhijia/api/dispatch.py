"""/api/v1 expert services (基层点单、工会派单、专家接单): menus and service orders (full paths).

Public: `GET /menus` (published menus with their items; `org`: menus of that union,
`orderable_by`: menus that union may order from). Everything else needs a login:

- `POST /service-orders` — a grassroots union orders an item (dispatch.order on `org_id`;
  optional `Idempotency-Key` header: a replay returns the first order).
- `GET /service-orders?status=&side=` — the orders the caller sees: as dispatcher
  (dispatch.assign), as the ordering union (dispatch.order) or as the expert they were
  dispatched to; `side` = dispatch | order | expert narrows. Paginated (`limit`, `offset`).
- `GET /service-orders/<id>` (with the timeline), `GET .../suggestions` (dispatcher).
- Transitions: `dispatch`, `settle` (dispatch.assign on the dispatcher), `accept` (with the
  proposed time and a note), `decline`, `deliver` (the expert the order is dispatched to;
  anyone else gets 404), `confirm`, `dispute` (dispatch.order on the ordering union), `cancel`
  (either side). `POST .../contact`: the ordering union's contact in clear for that expert
  (audited).

Errors are `{"code","message","fields"}`: 409 `invalid_transition`, `expert_unavailable`,
`over_budget`, `certificate_expired`, `item_unavailable`, `busy`; 404 `not_found` (missing or
outside the caller's scope); 403 `permission_denied` (inside it without the capability); 400
`invalid` with the field named. Contact names and phones are masked (but in `.../contact`)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhijia.api.pagination import Pagination
from zhijia.api.schemas import ERRORS, Ref
from zhijia.core import idempotency
from zhijia.core.errors import ApplicationError, NotFound, PermissionDenied
from zhijia.core.masking import mask_name, mask_phone
from zhijia.dispatch.enums import OrderStatus
from zhijia.dispatch.models import Menu, MenuItem, OrderEvent, ServiceOrder
from zhijia.dispatch.permissions import access_order, expert_order
from zhijia.dispatch.selectors import menus as menu_sel
from zhijia.dispatch.selectors import orders as order_sel
from zhijia.dispatch.selectors.experts import expert_pool
from zhijia.dispatch.selectors.orders import order_timeline
from zhijia.dispatch.selectors.suggestions import expert_suggestions
from zhijia.dispatch.services import orders as svc
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.selectors import org_by_id

router = Router(tags=["dispatch"])
MAX_PAGE = 200


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


# --- menus -------------------------------------------------------------------------------------


class MenuItemOut(Schema):
    id: UUID
    code: str
    category: str
    title: str
    description: str
    format: str
    duration_minutes: int
    audience_min: int
    audience_max: int
    cost: Decimal
    qualification: str
    paused: bool


class MenuOut(Schema):
    id: UUID
    title: str
    intro: str
    org: Ref
    number: int = Field(description="The version number.")
    payer: str
    published_at: datetime | None
    items: list[MenuItemOut]

    @staticmethod
    def resolve_org(obj: Menu) -> dict | None:
        return _ref(obj.org)

    @staticmethod
    def resolve_items(obj: Menu) -> list[MenuItem]:
        return list(obj.items.all())


@router.get("/menus", response={200: list[MenuOut], **ERRORS}, auth=None)
def list_menus(request: HttpRequest, org: UUID | None = None, orderable_by: UUID | None = None):
    """Published menus with their items (paused items say so). `org`: the menus of that union;
    `orderable_by`: the menus a union may order from. 404 for an unknown union."""
    return list(
        menu_sel.menu_list(
            org=org_by_id(org) if org else None,
            orderable_by=org_by_id(orderable_by) if orderable_by else None,
        )
    )


# --- orders ------------------------------------------------------------------------------------


class ItemRef(Schema):
    id: UUID
    code: str
    title: str
    category: str


class OrderOut(Schema):
    id: UUID
    number: str
    status: OrderStatus
    status_label: str
    item: ItemRef
    org: Ref = Field(description="The ordering union.")
    dispatcher: Ref = Field(description="The union that dispatches it (the menu's union).")
    expert: Ref | None
    wanted_from: date
    wanted_to: date
    place: str
    audience: int
    note: str
    contact_name: str = Field(description="Masked (张*).")
    contact_phone: str = Field(description="Masked (138****1234).")
    cost: Decimal
    budget_override: bool
    dispatched_at: datetime | None
    accept_by: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    decline_reason: str
    expert_note: str = Field(description="What the expert said when accepting and proposing the time.")
    delivered_at: datetime | None
    attendees: int | None
    summary: str
    dispute_reason: str
    rating: int | None
    comment: str
    confirmed_at: datetime | None
    settled_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_status_label(obj: ServiceOrder) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_item(obj: ServiceOrder) -> dict:
        item = obj.item
        return {"id": item.pk, "code": item.code, "title": item.title, "category": item.category}

    @staticmethod
    def resolve_org(obj: ServiceOrder) -> dict | None:
        return _ref(obj.org)

    @staticmethod
    def resolve_dispatcher(obj: ServiceOrder) -> dict | None:
        return _ref(obj.dispatcher)

    @staticmethod
    def resolve_expert(obj: ServiceOrder) -> dict | None:
        return _ref(obj.expert) if obj.expert_id else None

    @staticmethod
    def resolve_contact_name(obj: ServiceOrder) -> str:
        return mask_name(obj.contact_name)

    @staticmethod
    def resolve_contact_phone(obj: ServiceOrder) -> str:
        return mask_phone(obj.contact_phone)


class EventOut(Schema):
    status: OrderStatus
    status_label: str
    expert: Ref | None
    note: str
    at: datetime

    @staticmethod
    def resolve_status_label(obj: OrderEvent) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_expert(obj: OrderEvent) -> dict | None:
        return _ref(obj.expert) if obj.expert_id else None


class OrderDetailOut(OrderOut):
    timeline: list[EventOut]

    @staticmethod
    def resolve_timeline(obj: ServiceOrder) -> list[OrderEvent]:
        if "events" in getattr(obj, "_prefetched_objects_cache", {}):  # order_get fetched it
            return list(obj.events.all())
        return order_timeline(obj)


def _public_item(item_id: UUID) -> MenuItem:
    """An item of a published menu (public, paused ones included), else 404; whether the
    union may order it is order_create's decision (409 item_unavailable)."""
    menu = menu_sel.menu_list().filter(items__pk=item_id).first()
    item = next((i for i in menu.items.all() if i.pk == item_id), None) if menu else None
    if item is None:
        raise NotFound(code="not_found")
    return item


def _answer(order: ServiceOrder) -> ServiceOrder:
    """The order a transition returned, as it is now. Not re-read through order_get: after a
    decline the expert no longer sees the order, yet the answer to their request is the order."""
    order.refresh_from_db()
    return order


class OrderIn(Schema):
    item_id: UUID
    org_id: UUID
    wanted_from: date
    wanted_to: date
    place: str = Field(..., max_length=200)
    audience: int = Field(..., ge=1)
    note: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)
    submit: bool = True


@router.post("/service-orders", response={201: OrderDetailOut, **ERRORS})
def create_order(request: HttpRequest, payload: OrderIn):
    """Order a menu item for `org_id` (dispatch.order there). `submit=false` keeps a draft.
    409 `item_unavailable` (paused, not published, or the union may not order it); 400 `audience`
    outside the item's range. Optional `Idempotency-Key` header: a replay returns the first order."""
    item = _public_item(payload.item_id)
    org = org_by_id(payload.org_id)
    order = svc.order_create(
        actor=request.user,
        item=item,
        org=org,
        wanted_from=payload.wanted_from,
        wanted_to=payload.wanted_to,
        place=payload.place,
        audience=payload.audience,
        note=payload.note,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        submit=payload.submit,
        idempotency_key=idempotency.key_from(request.headers),
    )
    return Status(201, _answer(order))


@router.get("/service-orders", response=list[OrderOut])
@paginate(Pagination, max_limit=MAX_PAGE)
def list_orders(
    request: HttpRequest,
    status: OrderStatus | None = None,
    side: Literal["dispatch", "order", "expert"] | None = None,
):
    """The orders the caller sees, newest first: `{"items": [...], "count": n}`."""
    return order_sel.order_list(actor=request.user, status=status, side=side)


@router.get("/service-orders/{order_id}", response={200: OrderDetailOut, **ERRORS})
def get_order(request: HttpRequest, order_id: str):
    """One order with its timeline; 404 unless the caller sees it from one of the sides."""
    return order_sel.order_get(actor=request.user, id=order_id)


class SuggestionOut(Schema):
    expert_id: UUID
    name: str
    score: float
    reasons: list[str]
    blocked: str = Field(description="Empty, or the code that blocks dispatching to this expert.")


@router.get("/service-orders/{order_id}/suggestions", response={200: list[SuggestionOut], **ERRORS})
def order_suggestions(request: HttpRequest, order_id: str):
    """Experts of the dispatcher's pool ranked for this order (dispatch.assign on the
    dispatcher), with the reasons; blocked ones last."""
    order = access_order(actor=request.user, id=order_id, cap=Cap.DISPATCH_ASSIGN)
    return [
        {
            "expert_id": s.expert.pk,
            "name": s.expert.name,
            "score": s.score,
            "reasons": [str(r) for r in s.reasons],
            "blocked": s.blocked or "",
        }
        for s in expert_suggestions(order=order)
    ]


class DispatchIn(Schema):
    expert_id: UUID
    override_budget: bool = False


@router.post("/service-orders/{order_id}/dispatch", response={200: OrderDetailOut, **ERRORS})
def dispatch_order(request: HttpRequest, order_id: str, payload: DispatchIn):
    """Dispatch (or re-dispatch) to an expert of the pool (dispatch.assign). 409
    `expert_unavailable`, `certificate_expired`, `over_budget` (`override_budget` needs
    dispatch.budget), `invalid_transition`."""
    order = access_order(actor=request.user, id=order_id, cap=Cap.DISPATCH_ASSIGN)
    expert = expert_pool(dispatcher=order.dispatcher, active=None).filter(pk=payload.expert_id).first()
    if expert is None:  # not in the pool the dispatcher may send from (or no such expert)
        raise NotFound(code="not_found")
    order = svc.order_dispatch(
        actor=request.user, order=order, expert=expert, override_budget=payload.override_budget
    )
    return _answer(order)


class AcceptIn(Schema):
    starts_at: datetime
    ends_at: datetime | None = None
    note: str = Field("", description="A note for the ordering union (at most 300 characters).")


@router.post("/service-orders/{order_id}/accept", response={200: OrderDetailOut, **ERRORS})
def accept_order(request: HttpRequest, order_id: str, payload: AcceptIn):
    """The expert accepts, proposing the time (on one of the wanted days; `ends_at` defaults to
    the item's duration) and a `note` the ordering union sees as `expert_note`. 409
    `expert_unavailable` (overlapping booking), `over_budget`; 400 naming `starts_at`,
    `ends_at` or `note`."""
    order = expert_order(user=request.user, id=order_id)
    order = svc.order_accept(
        actor=request.user,
        order=order,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        note=payload.note,
    )
    return _answer(order)


class ContactOut(Schema):
    name: str
    phone: str


@router.post("/service-orders/{order_id}/contact", response={200: ContactOut, **ERRORS})
def reveal_contact(request: HttpRequest, order_id: str):
    """The ordering union's contact in clear, for the expert the order is dispatched to, from
    the dispatch (to agree on the time before accepting) until the union confirms; 404
    otherwise. Audited as order.contact_reveal; marked `X-Zhijia-Reveal: 1`, never cached."""
    order = expert_order(user=request.user, id=order_id)
    name, phone = svc.order_contact_reveal(actor=request.user, order=order)
    response = JsonResponse({"name": name, "phone": phone}, json_dumps_params={"ensure_ascii": False})
    response["X-Zhijia-Reveal"] = "1"
    response["Cache-Control"] = "no-store"
    return response


class ReasonIn(Schema):
    reason: str = Field("", max_length=300)


@router.post("/service-orders/{order_id}/decline", response={200: OrderDetailOut, **ERRORS})
def decline_order(request: HttpRequest, order_id: str, payload: ReasonIn):
    """The expert declines with a reason; the order goes back to the dispatcher (and the
    answer is what the expert still sees: the order, without them)."""
    order = expert_order(user=request.user, id=order_id)
    return _answer(svc.order_decline(actor=request.user, order=order, reason=payload.reason))


class DeliverIn(Schema):
    attendees: int = Field(..., ge=0)
    summary: str = Field(..., max_length=5000)
    delivered_at: datetime | None = None


@router.post("/service-orders/{order_id}/deliver", response={200: OrderDetailOut, **ERRORS})
def deliver_order(request: HttpRequest, order_id: str, payload: DeliverIn):
    """The expert reports the delivery (accepted or disputed orders)."""
    order = expert_order(user=request.user, id=order_id)
    order = svc.order_deliver(
        actor=request.user,
        order=order,
        attendees=payload.attendees,
        summary=payload.summary,
        delivered_at=payload.delivered_at,
    )
    return _answer(order)


class ConfirmIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=500)


@router.post("/service-orders/{order_id}/confirm", response={200: OrderDetailOut, **ERRORS})
def confirm_order(request: HttpRequest, order_id: str, payload: ConfirmIn):
    """The ordering union confirms the delivery and rates the expert 1–5 (dispatch.order)."""
    order = access_order(actor=request.user, id=order_id, cap=Cap.DISPATCH_ORDER)
    order = svc.order_confirm(actor=request.user, order=order, rating=payload.rating, comment=payload.comment)
    return _answer(order)


@router.post("/service-orders/{order_id}/dispute", response={200: OrderDetailOut, **ERRORS})
def dispute_order(request: HttpRequest, order_id: str, payload: ReasonIn):
    """The ordering union disputes the delivery report (dispatch.order)."""
    order = access_order(actor=request.user, id=order_id, cap=Cap.DISPATCH_ORDER)
    order = svc.order_dispute(actor=request.user, order=order, reason=payload.reason)
    return _answer(order)


@router.post("/service-orders/{order_id}/settle", response={200: OrderDetailOut, **ERRORS})
def settle_order(request: HttpRequest, order_id: str):
    """Settle a confirmed order against the budget (dispatch.assign on the dispatcher)."""
    order = access_order(actor=request.user, id=order_id, cap=Cap.DISPATCH_ASSIGN)
    order = svc.order_settle(actor=request.user, order=order)
    return _answer(order)


def either_side(request: HttpRequest, order_id: str) -> ServiceOrder:
    """The order for its dispatcher (dispatch.assign) or its ordering union (dispatch.order):
    404 when neither side sees it, 403 when one sees it without the capability."""
    denial: ApplicationError | None = None
    for cap in (Cap.DISPATCH_ASSIGN, Cap.DISPATCH_ORDER):
        try:
            return access_order(actor=request.user, id=order_id, cap=cap)
        except (NotFound, PermissionDenied) as exc:
            if denial is None or isinstance(exc, PermissionDenied):
                denial = exc
    assert denial is not None
    raise denial


@router.post("/service-orders/{order_id}/cancel", response={200: OrderDetailOut, **ERRORS})
def cancel_order(request: HttpRequest, order_id: str, payload: ReasonIn):
    """Cancel with a reason: the ordering union before the order is accepted, the dispatcher
    any time before delivery; a committed budget is released."""
    order = either_side(request, order_id)
    order = svc.order_cancel(actor=request.user, order=order, reason=payload.reason)
    return _answer(order)
