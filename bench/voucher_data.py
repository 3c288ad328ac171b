"""Data for bench/voucher_flash_sale.py (imported after django.setup()).

- `build_members`: N eligible members — a worker account, a real-name person (blind index set),
  an active membership of one grassroots union and an API bearer token each — written with
  PostgreSQL COPY (`copy_rows`). The values are the ORM's own: the model's defaults, uuid7 ids,
  and each given value (the encrypted ID number too) prepared by its field's `get_db_prep_save`,
  so only the statement differs from `bulk_create`.
- `first_come`: a running first-come campaign with one open round (or one that opens later).
- `hold`: vouchers already held by some members (for the "already claimed" loser path).
- `floor_people`: a numbered copy of (person, user) for the pgbench script of the raw floor."""

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from uuid6 import uuid7

from zhijia.accounts.models import ApiToken, User, UserKind
from zhijia.benefits.enums import Allocation, CampaignStatus, VoucherKind, VoucherStatus
from zhijia.benefits.models import Campaign, Round, Voucher
from zhijia.members.enums import MemberStatus
from zhijia.members.models import Membership, Person
from zhijia.orgs.models import Org

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def copy_rows(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
    """COPY rows given as {attname: value} for the columns that differ per row; every other
    column takes the model's default (one unsaved instance, prepared once; auto_now fields: now).
    Each given value goes through its field's `get_db_prep_save`, as in `save()` — the fast
    path for hundreds of thousands of rows, where building a model instance per row is most of
    the time."""
    fields = model._meta.concrete_fields
    conn = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per use
    template = model()
    base = [f.get_db_prep_save(f.pre_save(template, True), conn) for f in fields]
    prep = {f.attname: (i, f.get_db_prep_save) for i, f in enumerate(fields)}

    def prepared() -> Iterator[list[Any]]:
        for values in rows:
            out = list(base)
            for name, value in values.items():
                i, get = prep[name]
                out[i] = get(value, conn)
            yield out

    _copy(model, prepared())


def _copy(model: type[models.Model], rows: Iterable[list[Any]]) -> None:
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(f.column) for f in meta.concrete_fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def build_members(org: Org, count: int, *, prefix: str = "flash") -> list[tuple[str, uuid.UUID, uuid.UUID]]:
    """`count` eligible members of `org`; returns [(bearer token, user id, person id)] in creation
    order. ID numbers are not valid (check digit 'Z'), so never a real person's."""
    expires = timezone.now() + dt.timedelta(days=2)
    out = [(secrets.token_urlsafe(24), uuid7(), uuid7()) for _i in range(count)]
    copy_rows(
        User,
        (
            {
                "id": user,
                "username": f"{prefix}-{i:06d}",
                "kind": UserKind.WORKER,
                "password": "!",
                "org_id": org.pk,
            }
            for i, (_t, user, _p) in enumerate(out)
        ),
    )
    copy_rows(
        Person,
        (
            {
                "id": person,
                "name": f"抢券会员{i}",
                "id_type": "cn_resident",
                "id_number": f"4420001990{i:07d}Z",
                "id_index": hashlib.sha256(f"{prefix}-{i}".encode()).hexdigest(),
                "birth_date": dt.date(1990, 1, 1),
                "user_id": user,
            }
            for i, (_t, user, person) in enumerate(out)
        ),
    )
    copy_rows(
        Membership,
        (
            {
                "id": uuid7(),
                "person_id": person,
                "org_id": org.pk,
                "status": MemberStatus.MEMBER,
                "joined_on": dt.date(2020, 1, 1),
            }
            for _t, _u, person in out
        ),
    )
    copy_rows(
        ApiToken,
        (
            {
                "id": uuid7(),
                "user_id": user,
                "key_hash": hashlib.sha256(token.encode()).hexdigest(),
                "expires_at": expires,
            }
            for token, user, _p in out
        ),
    )
    with connection.cursor() as cursor:
        for table in ("accounts_user", "members_person", "members_membership", "accounts_apitoken"):
            cursor.execute(f"ANALYZE {table}")
    return out


def first_come(
    *,
    actor: User,
    org: Org,
    title: str,
    stock: int,
    opens_in: dt.timedelta = dt.timedelta(minutes=-1),
) -> tuple[Campaign, Round]:
    """A first-come 满50减20 campaign with one round of `stock` vouchers, one per person, open
    from now + `opens_in` for a day — the rows as campaign_create + campaign_publish +
    campaigns_tick leave them (running, or published
    when it opens later), written directly so that the bench measures the claim
    and nothing else of the domain."""
    now = timezone.now()
    opens = now + opens_in
    fields = {
        "title": title,
        "kind": VoucherKind.DISCOUNT,
        "face_value": Decimal("20.00"),
        "threshold": Decimal("50.00"),
        "total": stock,
        "allocation": Allocation.FIRST_COME,
        "carry_over": False,
        "valid_from": now - dt.timedelta(hours=1),
        "valid_until": now + dt.timedelta(days=30),
        "per_person": 1,
    }
    status = CampaignStatus.RUNNING if opens <= now else CampaignStatus.PUBLISHED
    campaign = Campaign.objects.create(org=org, status=status, published_at=now, created_by=actor, **fields)
    Round.objects.create(
        campaign=campaign, number=1, opens_at=opens, closes_at=opens + dt.timedelta(days=1), stock=stock
    )
    return campaign, campaign.rounds.get()


def hold(campaign: Campaign, rnd: Round, holders: Sequence[tuple[str, uuid.UUID, uuid.UUID]]) -> int:
    """Vouchers (claim key "<person>:1") for `holders` in `rnd`, and the round's counter moved
    on by as many — the state after these members claimed. Returns the count."""
    now = timezone.now()
    common = {
        "campaign_id": campaign.pk,
        "round_id": rnd.pk,
        "face_value": campaign.face_value,
        "threshold": campaign.threshold,
        "claimed_at": now,
        "valid_from": campaign.valid_from,
        "expires_at": campaign.valid_until,
        "status": VoucherStatus.CLAIMED,
    }
    copy_rows(
        Voucher,
        (
            {
                **common,
                "id": uuid7(),
                "person_id": person,
                "user_id": user,
                "claim_key": f"{person}:1",
                "code": code,
            }
            for (_token, user, person), code in zip(holders, unique_codes(len(holders)), strict=True)
        ),
    )
    Round.objects.filter(pk=rnd.pk).update(claimed=models.F("claimed") + len(holders))
    return len(holders)


def unique_codes(n: int) -> list[str]:
    """`n` distinct random 12-character voucher codes."""
    rng = secrets.SystemRandom()
    codes: set[str] = set()
    while len(codes) < n:
        codes.add("".join(rng.choice(CODE_ALPHABET) for _ in range(12)))
    return list(codes)


def floor_people(members: Sequence[tuple[str, uuid.UUID, uuid.UUID]]) -> None:
    """Table bench_people(n, person_id, user_id), n = 1… — the members the pgbench script of the
    raw floor claims for (one lookup by primary key, as cheap as it gets)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_people"
            " (n integer PRIMARY KEY, person_id uuid NOT NULL, user_id uuid NOT NULL)"
        )
        with cursor.copy("COPY bench_people (n, person_id, user_id) FROM STDIN") as copy:
            for n, (_token, user, person) in enumerate(members, start=1):
                copy.write_row((n, person, user))
        cursor.execute("ANALYZE bench_people")
