"""Staff lists, the public detail and incremental sync."""

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from zhijia.core.errors import NotFound, field_error
from zhijia.core.ids import parse_uuid
from zhijia.orgs.access import Scope, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.tree import subtree_q
from zhijia.records.selectors import org_filter_q

from .. import feed
from ..enums import FACILITY_BITS, Facility, PositionKind, PositionStatus
from ..models import Position, Room

SYNC_MAX_LIMIT = 1000


def positions_of_subtree(path: str) -> QuerySet[Position]:
    """The positions of the units under `path`, by name (a form's choices)."""
    return Position.objects.filter(subtree_q(path, "org__path")).order_by("name")


def rooms_of_subtree(path: str) -> QuerySet[Room]:
    """The rooms of the positions under `path` (a form's choices)."""
    return (
        Room.objects.filter(subtree_q(path, "position__org__path"))
        .select_related("position")
        .order_by("position__name", "name")
    )


def with_related(qs: QuerySet[Position]) -> QuerySet[Position]:
    """What position_to_dict reads: the union, rooms and photos (three queries for any count)."""
    return qs.select_related("org").prefetch_related("rooms", "photos")


def staff_scope(actor: Any) -> Q:
    """Where the actor manages positions or checks visitors in."""
    return scope_for(actor, Cap.POSITIONS_MANAGE).q() | scope_for(actor, Cap.POSITIONS_VISITS).q()


def _union_scope(actor: Any) -> Scope:
    manage, visits = scope_for(actor, Cap.POSITIONS_MANAGE), scope_for(actor, Cap.POSITIONS_VISITS)
    return Scope(manage.subtree_paths + visits.subtree_paths, manage.exact_paths + visits.exact_paths)


def position_list(*, actor: Any, filters: dict[str, Any]) -> QuerySet[Position]:
    """Non-deleted positions of the units where `actor` holds positions.manage or positions.visits,
    by name, with union, rooms and photos fetched. Filters (optional): q (name, address or code
    contains), kind, status, org (its subtree; outside scope → empty), facility (one code or a
    list: all of them)."""
    qs = with_related(Position.objects.filter(staff_scope(actor), deleted_at__isnull=True))
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(code__iexact=q))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"]) if filters["kind"] in PositionKind.values else qs.none()
    if filters.get("status"):
        qs = qs.filter(status=filters["status"]) if filters["status"] in PositionStatus.values else qs.none()
    if filters.get("org"):
        cond = org_filter_q(_union_scope(actor), filters["org"])
        if cond is None:
            return qs.none()
        qs = qs.filter(cond)
    wanted = filters.get("facility") or ()
    if isinstance(wanted, str):
        wanted = [wanted]
    if wanted:
        if any(code not in Facility.values for code in wanted):
            return qs.none()
        qs = facility_filter(qs, wanted)
    return qs.order_by("name", "id")


def facility_filter(qs: QuerySet[Position], codes: Any) -> QuerySet[Position]:
    """Positions having every facility in `codes` (one integer test on the bit mask)."""
    mask = 0
    for code in codes:
        mask |= FACILITY_BITS[code]
    if not mask:
        return qs
    return qs.annotate(_fac=F("facility_bits").bitand(mask)).filter(_fac=mask)


def position_public_get(*, id: Any) -> Position:
    """A non-deleted position in any status, with union, rooms and photos; 404 otherwise."""
    pk = parse_uuid(id)
    position = with_related(Position.objects.filter(pk=pk, deleted_at__isnull=True)).first() if pk else None
    if position is None:
        raise NotFound(code="not_found")
    return position


class SyncPage(NamedTuple):
    items: list[Position]
    tombstones: list[tuple[uuid.UUID, datetime]]
    next: datetime | None  # `since` of the next page; None when this page is the last
    until: datetime | None  # the newest change in this page (or `since`): the next sync's `since`


def positions_changed_since(
    *, since: datetime | None, limit: int = 500
) -> tuple[list[Position], list[tuple[uuid.UUID, datetime]], datetime | None]:
    """(items, tombstones, next cursor) of positions_sync."""
    page = positions_sync(since=since, limit=limit)
    return page.items, page.tombstones, page.next


def _page_rows(qs: QuerySet[Position], limit: int) -> tuple[list[tuple[Any, ...]], bool]:
    rows = list(qs.order_by("updated_at", "id").values_list("id", "updated_at", "deleted_at")[: limit + 1])
    if len(rows) <= limit:
        return rows, False
    last = rows[limit - 1][1]
    if rows[limit][1] != last:
        return rows[:limit], True
    before = [row for row in rows if row[1] < last]
    if before:
        return before, True
    # more than `limit` rows share one timestamp: take them all, or a strict `>` would skip some
    return list(qs.filter(updated_at=last).order_by("id").values_list("id", "updated_at", "deleted_at")), True


def positions_sync(*, since: datetime | None, limit: int = 500) -> SyncPage:
    """One page of incremental sync: positions changed after `since` (strictly), in
    (updated_at, id) order, split into live positions (union, rooms, photos fetched) and
    tombstones (id, deleted_at) of deleted ones. With `since` None (first sync) deleted positions
    are left out. A page never ends between two rows with the same updated_at (it ends before
    them, or takes all of them when they alone exceed `limit`), so a strict `>` skips none.
    `limit` is clamped to 1..SYNC_MAX_LIMIT."""
    limit = max(1, min(int(limit), SYNC_MAX_LIMIT))
    qs = Position.objects.all()
    qs = qs.filter(deleted_at__isnull=True) if since is None else qs.filter(updated_at__gt=since)
    rows, more = _page_rows(qs, limit)
    newest = rows[-1][1] if rows else since
    live_ids = [pk for pk, _updated, deleted in rows if deleted is None]
    found = {p.pk: p for p in with_related(Position.objects.filter(pk__in=live_ids))}
    return SyncPage(
        items=[found[pk] for pk in live_ids if pk in found],
        tombstones=[(pk, deleted) for pk, _updated, deleted in rows if deleted is not None],
        next=newest if more else None,
        until=newest,
    )


class FeedPage(NamedTuple):
    items: list[Position]
    tombstones: list[tuple[uuid.UUID, datetime]]
    cursor: str  # where the next request continues (keep it for the next sync)
    more: bool  # another page follows right away


def positions_feed(*, cursor: str, limit: int = 500) -> FeedPage:
    """One page of the commit-ordered change feed after `cursor` (positions.feed): each changed
    position once, in its current state (live → items, deleted → tombstones), in the order of
    its last change in the page. 400 (field "changes") for a cursor that is not ours."""
    after = feed.decode(cursor or "")
    if after is None:
        raise field_error("changes", _("This sync cursor is not valid; start again with a full sync."))
    limit = max(1, min(int(limit), SYNC_MAX_LIMIT))
    rows, more = feed.feed_read(after, limit)
    ids = list(dict.fromkeys(r.position_id for r in reversed(rows)))[::-1]  # last change wins
    found = {p.pk: p for p in with_related(Position.objects.filter(pk__in=ids))}
    items = [found[pk] for pk in ids if pk in found and found[pk].deleted_at is None]
    tombstones = [(pk, d) for pk in ids if pk in found and (d := found[pk].deleted_at) is not None]
    next_cursor = feed.encode(rows[-1].txid, rows[-1].seq) if rows else cursor
    return FeedPage(items=items, tombstones=tombstones, cursor=next_cursor, more=more)


def positions_feed_head() -> str:
    """The cursor a client keeps after a full listing (taken before the listing is read)."""
    return feed.feed_head()


def positions_by_ids(ids: Any) -> list[Position]:
    """The live positions among `ids` (unscoped: for figures the caller may already read), in
    name order; ids that are malformed, unknown or deleted are left out."""
    from zhijia.core.ids import parse_uuid

    pks = [pk for pk in (parse_uuid(i) for i in ids) if pk is not None]
    return list(Position.objects.filter(pk__in=pks, deleted_at__isnull=True).order_by("name", "pk"))
