"""Reads of the member registry and of personal-data requests, already limited to the actor's
scope. Everything here returns model rows; interfaces mask what they show (core.masking)."""

import re
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Exists, Func, OuterRef, Prefetch, Q, QuerySet, When

from zhijia.accounts.phones import is_mobile, normalize_phone, phone_index
from zhijia.core.errors import NotFound, PermissionDenied
from zhijia.core.validators.identity import IdentityError, validate_identity
from zhijia.core.validators.text import normalize
from zhijia.orgs.access import check, scope_for
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org
from zhijia.orgs.tree import subtree_q

from ..enums import ACTIVE_STATUSES, DataRequestStatus, IdType, MemberStatus
from ..models import DataRequest, JoinApplication, Membership, MembershipEvent, Person
from ..permissions import _uuid_or_404
from ..validation import id_index
from .letters import letters_q

_LETTERS = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"\d+")


def member_list(
    *, actor: Any, q: str | None = None, org: Org | None = None, status: str | None = None
) -> QuerySet[Membership]:
    """Memberships in the actor's members.view scope, person and union fetched, ordered by
    pinyin. `org`: only that union's subtree (the caller has checked it). `status`: one
    MemberStatus. `q`: see member_search."""
    scope = scope_for(actor, Cap.MEMBERS_VIEW)
    qs = Membership.objects.select_related("person", "org")
    qs = qs.order_by("person__name_pinyin", "person__name", "id")
    if status:
        qs = qs.filter(status=status) if status in MemberStatus.values else qs.none()
    found = member_search(q) if q and q.strip() else None
    if isinstance(found, list):  # a few memberships found: keep those whose union is in scope
        return qs.filter(pk__in=_within(found, scope.q(""), org))
    qs = qs.filter(scope.q("org"))
    if org is not None:
        qs = qs.filter(subtree_q(org.path, "org__path"))
    return qs if found is None else qs.filter(found)


def _within(rows: list[tuple[Any, Any]], in_scope: Q, org: Org | None) -> list[Any]:
    """The ids of those memberships (a short list of (id, union id)) whose union is in scope and
    under `org`. The unions are checked on their own (a few rows), not joined: joined, PostgreSQL
    misjudges a district's unions as one row and scans each union's memberships instead
    (bench/member_search.py)."""
    unions = Org.objects.filter(in_scope, pk__in={union for _, union in rows})
    if org is not None:
        unions = unions.filter(subtree_q(org.path))
    allowed = set(unions.values_list("pk", flat=True))
    return [pk for pk, union in rows if union in allowed]


class Doubled(Func):
    """`regexp_replace(lower(x), '(.)', '\\1\\1', 'g')`: every character doubled, the expression of the
    PostgreSQL trigram index person_name_trgm (migration members 0004). A two-character name has
    no trigram, its doubled form has two; s contains t exactly when doubled(s) contains doubled(t)."""

    template = r"regexp_replace(lower(%(expressions)s), '(.)', '\1\1', 'g')"
    output_field = CharField()


SEARCH_PEOPLE_LIMIT = 20000


def doubled(text: str) -> str:
    return "".join(c + c for c in text.lower())


def member_search(text: str) -> list[Any] | Q:
    """Name contains; full pinyin contains or initials prefix (张三 by `zs`); the last four
    digits of the phone, or a whole mobile number; the exact member number; the exact identity
    number of any document type (normalised, validated, then looked up by blind index only).

    The matching memberships as (id, union id) when there are at most SEARCH_PEOPLE_LIMIT people
    (the usual case), else a Q on the membership's person.

    Shape (for city and province scale): first the matching people, `SELECT id FROM person WHERE
    <an OR of indexed person conditions> LIMIT 20001` — PostgreSQL answers it with a bitmap OR over
    the trigram GIN indexes (members 0004) and the btree indexes — then their memberships by the
    person_id index, whose unions member_list checks for scope and district. Past
    SEARCH_PEOPLE_LIMIT people the condition stays a subquery. A member number is looked up
    first (unique index) and folded in as its person's id: the search then lists that person's memberships."""
    text = text.strip()[:100]
    compact = normalize(text, upper=False).lower()
    people = Person.objects.all()
    if connection.vendor == "postgresql":
        people = people.annotate(_doubled=Doubled("name"))
        cond = Q(_doubled__contains=doubled(text))
    else:
        cond = Q(name__icontains=text)
    if _LETTERS.fullmatch(compact):
        cond |= letters_q(compact)
    numbers = {text}
    if _DIGITS.fullmatch(compact):
        numbers.add(compact)
        if len(compact) == 4:
            cond |= Q(phone_last4=compact)
        phone = normalize_phone(compact)
        if is_mobile(phone):
            cond |= Q(phone_index=phone_index(phone))
    indexes = _identity_indexes(text)
    if indexes:
        cond |= Q(id_index__in=indexes)
    by_number = list(
        Membership.objects.filter(member_no__in=numbers).values_list("person_id", flat=True)[:20]
    )
    if by_number:
        cond |= Q(pk__in=by_number)
    matched = people.filter(cond).values("pk")
    found = _memberships_of(matched, SEARCH_PEOPLE_LIMIT)
    # the usual case: a few people, and their memberships as (id, union id), so the scope and
    # district filters only look at these rows; past the limit ("张") the database joins
    return Q(person__in=matched) if found is None else found


def _memberships_of(matched: QuerySet[Any], limit: int) -> list[tuple[Any, Any]] | None:
    """The memberships of the people `matched` as (id, union id), or None when there are more than
    `limit` people. On PostgreSQL one round trip, the people planned without the LIMIT (`OFFSET 0`
    fence: with a LIMIT the planner may bet on a sequential scan that finds `limit` rows early,
    which for a selective search means reading every person) and no list of ids sent back."""
    if connection.vendor != "postgresql":
        ids = list(matched.values_list("pk", flat=True)[: limit + 1])
        if len(ids) > limit:
            return None
        return list(Membership.objects.filter(person_id__in=ids).values_list("pk", "org_id"))
    sql, params = matched.query.sql_with_params()
    table = Membership._meta.db_table
    query = (  # Django-built SQL and a model's table name
        f"WITH people AS MATERIALIZED (SELECT * FROM ({sql} OFFSET 0) AS matched LIMIT %s)"  # noqa: S608
        f" SELECT (SELECT count(*) FROM people), m.id, m.org_id FROM people"
        f" LEFT JOIN {table} m ON m.person_id = people.pk"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, limit + 1])
        rows = cursor.fetchall()
    if rows and rows[0][0] > limit:
        return None
    return [(pk, union) for _count, pk, union in rows if pk is not None]


def _identity_indexes(text: str) -> list[str]:
    found = []
    for id_type in IdType.values:
        try:
            result = validate_identity(id_type, text)
        except IdentityError:
            continue
        found.append(id_index(result.id_type, result.normalized))
    return found


def member_get(*, actor: Any, id: Any) -> Membership:
    """One membership with person, union, family and history (events with their unions and
    actors) fetched. 404 when missing or outside scope, 403 inside without members.view."""
    membership = (
        Membership.objects.select_related("person", "org")
        .prefetch_related(
            Prefetch(
                "events", queryset=MembershipEvent.objects.select_related("from_org", "to_org", "actor")
            ),
            "person__family",
        )
        .filter(pk=_uuid_or_404(id))
        .first()
    )
    if membership is None:
        raise NotFound(code="not_found")
    check(actor, Cap.MEMBERS_VIEW, membership.org)
    return membership


def member_register_targets(*, actor: Any, within: Org | None = None) -> QuerySet[Org]:
    """Active unions the actor may register members in (members.manage), inside `within`."""
    qs = Org.objects.filter(scope_for(actor, Cap.MEMBERS_MANAGE).q(""), status=OrgStatus.ACTIVE)
    if within is not None:
        qs = qs.filter(subtree_q(within.path))
    return qs.order_by("path")


def member_org(*, actor: Any, id: Any) -> Org:
    """The union `id` for a members filter: 404 outside scope, 403 without members.view."""
    org = Org.objects.filter(pk=_uuid_or_404(id)).first()
    if org is None:
        raise NotFound(code="not_found")
    check(actor, Cap.MEMBERS_VIEW, org)
    return org


def _person_orgs(person: Person) -> list[Org]:
    orgs = [m.org for m in person.memberships.select_related("org")]
    return orgs + [a.org for a in person.applications.select_related("org")]


def data_request_list(*, actor: Any, status: str | None = None) -> QuerySet[DataRequest]:
    """Requests of people with a membership or join application in the actor's members.manage
    scope, open ones first, oldest first."""
    scope = scope_for(actor, Cap.MEMBERS_MANAGE)
    in_scope = Exists(Membership.objects.filter(scope.q("org"), person=OuterRef("person"))) | Exists(
        JoinApplication.objects.filter(scope.q("org"), person=OuterRef("person"))
    )
    qs = DataRequest.objects.filter(in_scope).select_related("person", "handled_by")
    qs = qs.order_by(Case(When(status=DataRequestStatus.OPEN, then=0), default=1), "created_at")
    return qs.filter(status=status) if status else qs


def data_request_get(*, actor: Any, id: Any) -> DataRequest:
    """One request, placed at every union the person has a membership or application in:
    404 when none is in the actor's scope, 403 when none is in their members.manage scope."""
    request = DataRequest.objects.select_related("person", "handled_by").filter(pk=_uuid_or_404(id)).first()
    if request is None:
        raise NotFound(code="not_found")
    orgs = _person_orgs(request.person)
    if not any(scope_for(actor).contains(org) for org in orgs):
        raise NotFound(code="not_found")
    if not any(scope_for(actor, Cap.MEMBERS_MANAGE).contains(org) for org in orgs):
        raise PermissionDenied(code="permission_denied")
    return request


def members_numbered(*, actor: Any, member_no: str, limit: int = 2) -> list[Membership]:
    """Active memberships in the actor's scope with this member number (with `person`); the
    caller asks for 2 to tell "exactly one" from "several"."""
    return list(
        Membership.objects.filter(scope_for(actor).q("org"), member_no=member_no, status__in=ACTIVE_STATUSES)
        .select_related("person")
        .order_by("pk")[:limit]
    )


def active_members_of(union: Org, *, limit: int = 1000) -> list[Membership]:
    """The union's active memberships (with `person`), at most `limit`, oldest first."""
    return list(
        Membership.objects.filter(org=union, status__in=ACTIVE_STATUSES)
        .select_related("person")
        .order_by("pk")[:limit]
    )


def active_member_by_index(index: str, within: Org) -> Person | None:
    """The person with this identity blind index who is an active member of `within` or a unit
    under it; None otherwise (whether they exist elsewhere is not said)."""
    if not index:
        return None
    return Person.objects.filter(
        subtree_q(within.path, "memberships__org__path"),
        id_index=index,
        memberships__status__in=ACTIVE_STATUSES,
    ).first()
