"""Marks to totals, ranks and awards: pure functions.

- A measurement aspect gives the one judge's points (0..max).
- A judgement aspect gives max × (mean of the three judges' 0–3 marks) / 3 (WorldSkills style).
- Ties on the total are broken by the judgement points, then by the measurement points; entries
  still equal share the rank (1, 2, 2, 4) and the prize.
- Prizes go down the ranks: `first` first prizes, `second` second, `third` third; every other
  ranked entry gets 优胜奖. Entries sharing a rank share the prize of its best place.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

JUDGES_PER_JUDGEMENT = 3
THREE = Decimal(3)


@dataclass(frozen=True)
class Mark:
    entry: str
    aspect: str
    kind: str  # measurement | judgement
    max_points: Decimal
    value: Decimal


def totals(marks: Iterable[Mark]) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """{entry: (total, judgement points, measurement points)}, rounded to 3 places."""
    judged: dict[tuple[str, str], list[Mark]] = {}
    out: dict[str, list[Decimal]] = {}
    for m in marks:
        out.setdefault(m.entry, [Decimal(0), Decimal(0)])
        if m.kind == "measurement":
            out[m.entry][1] += min(m.value, m.max_points)
        else:
            judged.setdefault((m.entry, m.aspect), []).append(m)
    for (entry, _aspect), group in judged.items():
        mean = sum((min(g.value, THREE) for g in group), Decimal(0)) / len(group)
        out[entry][0] += group[0].max_points * mean / THREE
    q = Decimal("0.001")
    return {e: ((j + m).quantize(q), j.quantize(q), m.quantize(q)) for e, (j, m) in out.items()}


def ranks(scores: dict[str, tuple[Decimal, Decimal, Decimal]]) -> dict[str, int]:
    """Standard competition ranking on (total, judgement, measurement), all descending."""
    order = sorted(scores, key=lambda e: tuple(-v for v in scores[e]))
    out: dict[str, int] = {}
    for place, entry in enumerate(order, start=1):
        prev = order[place - 2] if place > 1 else None
        out[entry] = out[prev] if prev is not None and scores[prev] == scores[entry] else place
    return out


def awards(ranked: dict[str, int], *, first: int, second: int, third: int) -> dict[str, str]:
    limits = [("first", first), ("second", first + second), ("third", first + second + third)]
    out = {}
    for entry, rank in ranked.items():
        out[entry] = next((name for name, upto in limits if rank <= upto), "merit")
    return out
