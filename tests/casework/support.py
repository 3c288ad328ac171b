"""Factories for casework tests."""

import itertools
from decimal import Decimal

from tests.dispatch.support import expert_login, staff  # noqa: F401  (re-exported)
from tests.matrix.world import cn_id
from zhijia.accounts.models import User, UserKind
from zhijia.casework.models import Case, CaseSettings, HelpFund
from zhijia.casework.services.cases import case_create, case_step

_seq = itertools.count(1000)


def worker(phone: str = "") -> User:
    n = next(_seq)
    return User.objects.create(
        username=f"w-{n}", kind=UserKind.WORKER, phone=phone or f"139{n:08d}", display_name="工人"
    )


def hardship(org, *, actor=None, n: int | None = None, members=(), **data) -> Case:
    n = n if n is not None else next(_seq)
    payload = {"name": "李困难", "id_number": cn_id(n), "own_income": "800", "household_size": 3, **data}
    if members:
        payload["members"] = list(members)
    return case_create(actor=actor, kind="hardship", org=org, data=payload)


def legal(org, *, actor=None, **data) -> Case:
    return case_create(
        actor=actor,
        kind="legal",
        org=org,
        data={"name": "张骑手", "employer": "某配送站", "wage_arrears": True, **data},
    )


def counselling(org, *, actor=None, **data) -> Case:
    return case_create(actor=actor, kind="counselling", org=org, data={"name": "王师傅", **data})


def step(case: Case, name: str, actor=None, **data) -> Case:
    return case_step(actor=actor, case=case, step=name, data=data)


def fund(org, amount="10000", year=None, name="送温暖资金") -> HelpFund:
    from django.utils import timezone

    return HelpFund.objects.create(
        org=org, year=year or timezone.localdate().year, name=name, amount=Decimal(amount)
    )


def settings(org, **values) -> CaseSettings:
    return CaseSettings.objects.update_or_create(org=org, defaults=values)[0]


def png(size=(4, 4), tail: bytes = b"") -> bytes:
    """A real PNG (what the upload re-encoding accepts), with `tail` appended."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue() + tail
