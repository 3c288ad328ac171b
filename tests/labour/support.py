"""Shared helpers of the labour tests: the 平利县 subtree, staff logins, ID numbers, people."""

import datetime as dt
import itertools

from zhijia.accounts.services import user_create
from zhijia.demo.labour_tree import pingli_tree
from zhijia.labour.services.registry import person_register
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_seq = itertools.count(1)


def cn_id(n: int, born: dt.date = dt.date(1985, 3, 1)) -> str:
    body = f"610926{born:%Y%m%d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def units():
    return pingli_tree()


def login(org, role="clerk", name=None):
    user = user_create(
        actor=None, username=name or f"labour-{next(_seq)}", password="Demo-pass-2026", org=org
    )
    role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role))
    return user


def register(org, n, *, actor=None, born=dt.date(1985, 3, 1), **data):
    data.setdefault("name", f"测试{n}")
    data.setdefault("id_number", cn_id(n, born))
    entry, _result = person_register(actor=actor, org=org, data=data)
    return entry
