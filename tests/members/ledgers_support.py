"""Helpers for the ledger tests: sheets in the template's columns, valid ID numbers, users."""

import io

import openpyxl
import pytest

from zhijia.accounts.services import user_create
from zhijia.core.imports import hint_text
from zhijia.core.models import ImportJob
from zhijia.demo.members import cn_id
from zhijia.members.ledgers.columns import COLUMNS
from zhijia.members.tasks import member_import
from zhijia.orgs.models import Role
from zhijia.orgs.services import role_grant

KEYS = [c.key for c in COLUMNS]


def person_id(seq: int, region: str = "440304", birth=None) -> str:
    from datetime import date

    return cn_id(region, birth or date(1990, 5, 17), seq)


def row(**values) -> dict:
    base = {"name": "张三", "id_type": "居民身份证", "ethnicity": "汉族", "phone": "13912345678"}
    return {**base, **values}


def ledger(rows: list[dict], *, hint: bool = False) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append([c.header for c in COLUMNS])
    if hint:
        wb.active.append([hint_text(c) for c in COLUMNS])  # as the template writes it
    for r in rows:
        wb.active.append([r.get(k, "") for k in KEYS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_import(actor, unit, data: bytes) -> ImportJob:
    job = ImportJob.objects.create(kind="members", org=unit, created_by=actor, filename="t.xlsx", source=data)
    member_import(str(job.pk))  # eager: the Celery task body runs here
    job.refresh_from_db()
    return job


def sheet_cells(data: bytes) -> list[list]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [[c.value for c in r] for r in wb.worksheets[0].iter_rows()]


@pytest.fixture
def viewer_in_futian(demo):
    user = user_create(
        actor=None, username="futian_viewer", password="Zx-test-pass-1", org=demo.org("福田区总")
    )
    role_grant(
        actor=None,
        user=user,
        org=demo.org("福田区总"),
        role=Role.objects.get(code="viewer"),
        include_subtree=True,
    )
    return user
