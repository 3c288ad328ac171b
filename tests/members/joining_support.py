"""Fixtures and helpers for the joining and transfer tests (no tests here)."""

from zhijia.accounts.services import worker_for_phone
from zhijia.members.services.joining import application_approve, join_apply

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
NOTICE = "2026-11"


def cn_id(seq: int, birth: str = "19900307", region: str = "440304") -> str:
    """A valid 居民身份证 number (odd sequence: male)."""
    body = f"{region}{birth}{seq % 1000:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def phone_of(seq: int = 1) -> str:
    return f"1390000{seq % 10000:04d}"


def person(seq: int = 1, **extra) -> dict:
    """Person data as a worker types it (the phone comes from the worker's account)."""
    return {
        "name": "李骑手",
        "id_type": "cn_resident",
        "id_number": cn_id(seq),
        "occupation": "delivery_rider",
        **extra,
    }


def apply_to(org, seq: int = 1, *, actor=None, routed: bool = False, **extra):
    """Person `seq` applies to `org`, logged in as `actor` (default: the worker account of
    phone_of(seq), so the person's phone is that number)."""
    actor = actor or worker_for_phone(phone=phone_of(seq))
    kwargs = {"work_org_id": org.pk} if routed else {"workplace_org_id": org.pk}
    return join_apply(actor=actor, data=person(seq, **extra), consent_version=NOTICE, **kwargs)


def member_of(org, seq: int = 1, *, actor=None, reviewer=None):
    """A person who applied to `org` (a grassroots union) and was approved: the membership."""
    app = apply_to(org, seq, actor=actor)
    return application_approve(actor=reviewer, application=app).membership
