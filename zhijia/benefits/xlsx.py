"""Spreadsheets that leave the system: the merchant's daily reconciliation and a voucher list.
Names are masked, codes shortened, no identity number or phone; cells that look like formulas
are escaped (core.imports.workbook_bytes). Access is checked by the selectors used here."""

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.imports import Column, workbook_bytes
from zhijia.core.masking import mask_name

from .codes import mask_code
from .models import Merchant
from .selectors.reports import reconciliation_rows, reconciliation_totals
from .selectors.vouchers import voucher_list

RECONCILIATION_COLUMNS = (
    Column("no", "序号"),
    Column("at", "核销时间"),
    Column("outlet", "门店"),
    Column("campaign", "活动"),
    Column("funding_union", "出资工会"),
    Column("code", "券码"),
    Column("holder", "持券人"),
    Column("face_value", "面额(元)"),
    Column("bill", "消费金额(元)"),
    Column("to_pay", "顾客实付(元)"),
    Column("cashier", "核销员"),
    Column("status", "状态"),
)

VOUCHER_COLUMNS = (
    Column("no", "序号"),
    Column("campaign", "活动"),
    Column("round", "轮次"),
    Column("code", "券码"),
    Column("holder", "持券人"),
    Column("status", "状态"),
    Column("face_value", "面额(元)"),
    Column("threshold", "使用门槛(元)"),
    Column("claimed_at", "领取时间"),
    Column("expires_at", "有效期至"),
    Column("redeemed_at", "核销时间"),
)

MAX_EXPORT_ROWS = 100_000
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")  # not allowed in sheet names


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


def reconciliation_xlsx(*, actor: Any, merchant: Merchant, day: dt.date) -> bytes:
    """The merchant's redemptions on local `day` (reversed ones marked 已撤销 and left out of the
    totals row). benefits.view on the merchant's union (404/403 otherwise)."""
    rows = reconciliation_rows(actor=actor, merchant=merchant, day=day)
    body: list[list[Any]] = [
        [
            i,
            r["at"].strftime("%Y-%m-%d %H:%M:%S"),
            r["outlet"],
            r["campaign"],
            r["funding_union"],
            r["code"],
            r["holder"],
            r["face_value"],
            r["bill"],
            r["to_pay"],
            r["cashier"],
            "已撤销" if r["reversed"] else "已核销",
        ]
        for i, r in enumerate(rows, start=1)
    ]
    totals = reconciliation_totals(rows)
    body.append(
        [
            "合计",
            "",
            "",
            "",
            "",
            "",
            f"{totals['count']} 笔",
            totals["face_value"],
            totals["bill"],
            totals["to_pay"],
            "",
            "",
        ]
    )
    title = f"{day.isoformat()} {_SHEET_BAD.sub('', merchant.name)}"
    return workbook_bytes(title=title, columns=RECONCILIATION_COLUMNS, rows=body)


def vouchers_xlsx(*, actor: Any, filters: dict | None = None) -> bytes:
    """The staff voucher list (benefits.selectors.vouchers.voucher_list with `filters`), at most
    MAX_EXPORT_ROWS rows, names masked and codes shortened."""
    rows = voucher_list(actor=actor, filters=filters)[:MAX_EXPORT_ROWS]
    body = [
        [
            i,
            v.campaign.title,
            v.round.number if v.round else "",
            mask_code(v.code),
            mask_name(v.person.name),
            str(v.get_status_display()),
            v.face_value,
            v.threshold,
            _when(v.claimed_at),
            _when(v.expires_at),
            _when(v.redeemed_at),
        ]
        for i, v in enumerate(rows.iterator(chunk_size=2000), start=1)
    ]
    return workbook_bytes(title=str(_("Vouchers")), columns=VOUCHER_COLUMNS, rows=body)
