"""The paragraph for a work report (工作报告): the unit's figures for a period in plain Chinese,
with numbers rounded the way the union newspapers write them — "开展活动300余场，服务职工超6400人次，
逾14万人" — ready to paste. Always Chinese: it is text for a Chinese report, whatever the page's
language."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone


def _floor_sig(n: int, digits: int) -> int:
    scale = 10 ** max(len(str(n)) - digits, 0)
    return n // scale * scale


def approx(n: int | Decimal, unit: str = "") -> str:
    """Newspaper rounding: exact below 100 and when already round; "近" within 3% under a round
    figure (近2000, 近1万); else "300余" under a thousand, "超6400" above, "逾14万" from 100,000."""
    n = int(n)
    if n < 100:
        return f"{n}{unit}"
    one = 10 ** (len(str(n)) - 1)
    upper = _floor_sig(n, 1) + one
    if n < upper and n >= upper * 0.97:
        return f"近{_wan(upper)}{unit}"
    rounded = _floor_sig(n, 1 if n < 1000 else 2)
    if n == rounded:
        return f"{_wan(n)}{unit}"
    if n < 1000:
        return f"{rounded}余{unit}"
    return f"{'逾' if n >= 100_000 else '超'}{_wan(rounded)}{unit}"


def _wan(n: int) -> str:
    if n >= 10_000 and n % 1000 == 0:
        value = Decimal(n) / 10_000
        return f"{value.normalize():f}万"
    return f"{n:,}".replace(",", "") if n < 10_000 else f"{n:,}"


def period_phrase(first: date, last: date, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if first == date(first.year, 1, 1) and first.year == today.year and last >= today:
        return "今年以来"
    if first == date(first.year, 1, 1) and last == date(first.year, 12, 31):
        return f"{first.year}年"
    if first.day == 1 and first.month == last.month and first.year == last.year:
        return f"{first.year}年{first.month}月"
    return f"{first:%Y年%-m月%-d日}至{last:%Y年%-m月%-d日}"


def work_paragraph(
    org: Any, first: date, last: date, figures: dict[str, Any], new_form_visits: int = 0
) -> str:
    """One paragraph from the summary figures (stats.figures.summary) of `org` for [first, last];
    clauses with nothing to say are left out."""
    parts = []
    if figures["activities_held"]:
        parts.append(f"开展活动{approx(figures['activities_held'], '场')}")
    if figures["service_visits"]:
        clause = f"服务职工{approx(figures['service_visits'], '人次')}"
        if figures["people_served"]:
            clause += f"（{approx(figures['people_served'], '人')}）"
        parts.append(clause)
        if new_form_visits:
            parts.append(f"其中服务新就业形态劳动者{approx(new_form_visits, '人次')}")
    if figures["members_joined"]:
        parts.append(f"新发展会员{approx(figures['members_joined'], '名')}")
    if figures["vouchers_redeemed"]:
        clause = f"核销普惠消费券{approx(figures['vouchers_redeemed'], '张')}"
        driven = int(Decimal(str(figures["consumption_driven"] or 0)))
        if driven >= 10_000:
            clause += f"，拉动消费{approx(driven, '元')}"
        parts.append(clause)
    if figures["orders_delivered"]:
        parts.append(f"送服务上门{approx(figures['orders_delivered'], '场')}")
    if not parts:
        return f"{period_phrase(first, last)}，{org.name}暂无服务记录。"
    return f"{period_phrase(first, last)}，{org.name}" + "，".join(parts) + "。"
