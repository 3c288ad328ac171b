"""Opening hours: a weekly schedule with dated exceptions, evaluated in Asia/Shanghai time.

Model (plain data, so models, API schemas and tests can build it without this module's classes):

- `WeeklyHours`: weekday (0 = Monday … 6 = Sunday) → intervals `(open, close)` of `datetime.time`,
  minute resolution. Each interval STARTS on its weekday and is half-open, [open, close).
- Overnight: an interval with `close <= open` ends on the next day, so `22:00–06:00` opened on
  Sunday runs until Monday 06:00. It follows that `open == close` means exactly 24 hours, and
  **24 hours is written `00:00–00:00`** (text: `00:00-24:00`); there is no separate flag. A close
  of 00:00 is shown as `24:00`. Intervals may touch or overlap; they are merged when evaluated.
- `Exceptions`: date → intervals that REPLACE the weekly intervals starting on that date. An empty
  list means CLOSED ALL DAY, and closed means the whole calendar day: an overnight interval from
  the previous evening is cut at 00:00 (a station closed for 春节 must not show "open" at 02:00
  that day). Special hours (a non-empty list) do not cut the previous night: that interval was
  staffed from the evening before and still runs until its close.

`is_open` / `next_change` / `open_status` take an aware datetime, convert it to Asia/Shanghai and
work on naive local wall-clock times. That is exact because China has used UTC+8 without daylight
saving since 1991 (earlier dates are not a use case).

Text form (what staff type; what `format_hours` writes): groups separated by `;` or new lines, each
group days then intervals — `Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00`, `Daily 00:00-24:00`,
`周一至周五 08:00-12:00、14:00-18:00；周六、周日 休息`. Input is NFKC-normalised first (full-width
digits, colons and semicolons), zero-width characters dropped. Days: Mon…Sun or full English
names, 周/週/星期/礼拜 + 一…日/天, ranges with `-`, `~`, `至`, `到` (wrapping: `Fri-Mon` is four days),
`Daily`/`每天`/`每日`, `工作日`/`weekdays` = Mon–Fri, `周末`/`weekend` = Sat+Sun; a group without
days means every day. Intervals: `H:MM-HH:MM`, several separated by `,`, `、` or spaces;
`24h`/`24小时`/`全天` = 00:00–24:00; `closed`/`休息`/`闭馆`/… states the days are closed.
Refusals raise `HoursError` with code `bad_hours_format`, `bad_time` or `conflicting_hours` (a
day both closed and given hours) and the offending piece of text as `part`.
"""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIDNIGHT = time(0, 0)
HORIZON = timedelta(days=8)


class Interval(NamedTuple):
    open: time
    close: time

    @property
    def overnight(self) -> bool:
        """Ends on the next day (includes 24 hours, open == close)."""
        return self.close <= self.open


WeeklyHours = Mapping[int, Sequence[tuple[time, time]]]
Exceptions = Mapping[date, Sequence[tuple[time, time]]]  # an empty sequence = closed all day
Schedule = dict[int, tuple[Interval, ...]]  # canonical form, see normalize_schedule

MESSAGES = {
    "bad_hours_format": _(
        "Could not read the opening hours at “%(part)s”. Write for example: "
        "Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00."
    ),
    "bad_time": _("“%(part)s” is not a valid time. Use HH:MM from 00:00 to 24:00."),
    "conflicting_hours": _("“%(part)s” says closed, but opening hours are given for the same day."),
}


class HoursError(ValueError):
    """Refused opening hours: `code` is a key of MESSAGES, `part` the offending text."""

    def __init__(self, code: str, part: str):
        self.code = code
        self.part = part
        super().__init__(f"{code}: {part}")

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code]) % {"part": self.part}


class OpenStatus(NamedTuple):
    is_open: bool
    next_change: datetime | None  # aware, Asia/Shanghai; None if no change within HORIZON


# ---------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------


def normalize_schedule(schedule: WeeklyHours) -> Schedule:
    """Canonical form: only days with intervals, each a sorted tuple of distinct `Interval`s.
    Raises HoursError(`bad_hours_format`) for a weekday key outside 0-6."""
    out: Schedule = {}
    for day, intervals in schedule.items():
        if not (isinstance(day, int) and 0 <= day <= 6):
            raise HoursError("bad_hours_format", str(day))
        if intervals:
            out[day] = tuple(sorted({Interval(*iv) for iv in intervals}))
    return dict(sorted(out.items()))


def _local(at: datetime) -> datetime:
    if at.utcoffset() is None:
        raise ValueError("opening hours need an aware datetime")
    return at.astimezone(SHANGHAI).replace(tzinfo=None)


def _closed_all_day(exceptions: Exceptions, day: date) -> bool:
    return day in exceptions and not exceptions[day]


def _starting_on(schedule: WeeklyHours, exceptions: Exceptions, day: date) -> list[tuple[datetime, datetime]]:
    """Local [start, end) spans of the intervals starting on `day`, after exceptions."""
    special = exceptions.get(day)
    intervals = special if special is not None else schedule.get(day.weekday(), ())
    next_day = day + timedelta(days=1)
    cut = datetime.combine(next_day, MIDNIGHT) if _closed_all_day(exceptions, next_day) else None
    spans = []
    for open_, close in intervals:
        start = datetime.combine(day, open_)
        end = datetime.combine(next_day if close <= open_ else day, close)
        if cut is not None:
            end = min(end, cut)
        if end > start:
            spans.append((start, end))
    return spans


def _timeline(
    schedule: WeeklyHours, exceptions: Exceptions, first: date, days: int
) -> list[tuple[datetime, datetime]]:
    """Merged local open spans of the intervals starting on `first` … `first + days - 1`."""
    spans = sorted(
        span for i in range(days) for span in _starting_on(schedule, exceptions, first + timedelta(days=i))
    )
    merged: list[tuple[datetime, datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:  # touching spans merge: 24/7 is one span, no change
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def open_status(schedule: WeeklyHours, exceptions: Exceptions, at: datetime) -> OpenStatus:
    """Whether the place is open at `at` (aware; any zone) and when that next changes (an aware
    Asia/Shanghai datetime after `at`, or None when nothing changes within 8 days: open around
    the clock, or closed for that long). Raises ValueError for a naive `at`."""
    local = _local(at)
    horizon = local + HORIZON
    # An interval lasts at most 24 h, so the previous day is the earliest that can reach `local`;
    # building to day +9 covers every change up to the horizon (< day +9, 00:00).
    for start, end in _timeline(schedule, exceptions, local.date() - timedelta(days=1), 11):
        if end <= local:
            continue
        if start <= local:
            return OpenStatus(True, end.replace(tzinfo=SHANGHAI) if end <= horizon else None)
        return OpenStatus(False, start.replace(tzinfo=SHANGHAI) if start <= horizon else None)
    return OpenStatus(False, None)


def is_open(schedule: WeeklyHours, exceptions: Exceptions, at: datetime) -> bool:
    return open_status(schedule, exceptions, at).is_open


def next_change(schedule: WeeklyHours, exceptions: Exceptions, at: datetime) -> datetime | None:
    """When it next opens (if closed) or closes (if open), within 8 days; see `open_status`."""
    return open_status(schedule, exceptions, at).next_change


# ---------------------------------------------------------------------------------------------
# Text form
# ---------------------------------------------------------------------------------------------

_EN_DAY_NAMES = ("mon monday", "tue tues tuesday", "wed wednesday", "thu thur thurs thursday", "fri friday")
_EN_DAYS = {
    name: i
    for i, names in enumerate((*_EN_DAY_NAMES, "sat saturday", "sun sunday"))
    for name in names.split()
}
_ZH_DAY = re.compile(r"(?:周|週|星期|礼拜|禮拜)?([一二三四五六日天七])")
_ZH_NUMERALS = "一二三四五六日"
_DAY_SETS = {
    **dict.fromkeys(("daily", "everyday", "每天", "每日", "天天"), tuple(range(7))),
    **dict.fromkeys(("weekdays", "工作日"), (0, 1, 2, 3, 4)),
    **dict.fromkeys(("weekend", "weekends", "周末", "週末"), (5, 6)),
}
_CLOSED_WORDS = ("closed", "休息", "闭馆", "閉館", "休馆", "休館", "关闭", "關閉", "歇业", "歇業", "不开放")
_ALL_DAY_WORDS = ("24h", "24hours", "24小时", "24小時", "全天")
_GROUP = re.compile(
    r"(?P<days>.*?)(?P<times>(?:\d|" + "|".join(_CLOSED_WORDS + _ALL_DAY_WORDS[2:]) + r").*)", re.S | re.I
)
_INTERVAL = re.compile(r"(\d{1,2}:\d{2})-(\d{1,2}:\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_DASHES = re.compile("[\u2010-\u2015\u2212~至到]")


def _normalize_text(text: str) -> str:
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text or ""))
    text = _DASHES.sub("-", text).replace("、", ",")  # NFKC leaves 、 and the typographic dashes
    return re.sub(r"[ \t]*-[ \t]*", "-", text)


def _parse_time(token: str, *, is_close: bool) -> time:
    match = _TIME.fullmatch(token)
    if not match:
        raise HoursError("bad_time", token)
    hour, minute = int(match[1]), int(match[2])
    if hour == 24 and minute == 0 and is_close:
        return MIDNIGHT
    if hour > 23 or minute > 59:
        raise HoursError("bad_time", token)
    return time(hour, minute)


def _parse_day(token: str, item: str) -> int:
    if token.lower() in _EN_DAYS:
        return _EN_DAYS[token.lower()]
    match = _ZH_DAY.fullmatch(token)
    if not match:
        raise HoursError("bad_hours_format", item)
    return _ZH_NUMERALS.index(match[1]) if match[1] in _ZH_NUMERALS else 6


def _parse_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for item in re.split(r"[,\s:]+", text):
        if not item:
            continue
        if item.lower() in _DAY_SETS:
            days.extend(_DAY_SETS[item.lower()])
        elif "-" in item:
            first, _sep, last = item.partition("-")
            start, stop = _parse_day(first, item), _parse_day(last, item)
            days.extend((start + i) % 7 for i in range((stop - start) % 7 + 1))
        else:
            days.append(_parse_day(item, item))
    return tuple(days) or tuple(range(7))


def _parse_intervals(text: str) -> list[Interval] | None:
    """Intervals of one group; None when the group says "closed"."""
    compact = re.sub(r"\s+", "", text).lower()
    if compact in _CLOSED_WORDS:
        return None
    if compact in _ALL_DAY_WORDS:
        return [Interval(MIDNIGHT, MIDNIGHT)]
    intervals = []
    for item in filter(None, re.split(r"[,\s]+", text)):
        match = _INTERVAL.fullmatch(item)
        if not match:
            raise HoursError("bad_hours_format", item)
        intervals.append(
            Interval(_parse_time(match[1], is_close=False), _parse_time(match[2], is_close=True))
        )
    return intervals


def parse_hours(text: str) -> Schedule:
    """Weekly hours from the text form (see the module docstring); canonical (normalize_schedule).
    Empty text or "closed" alone is an empty schedule (never open). Raises HoursError."""
    schedule: dict[int, list[Interval]] = {}
    closed: dict[int, str] = {}
    for group in re.split(r"[;\n]", _normalize_text(text)):
        group = group.strip()
        if not group:
            continue
        match = _GROUP.fullmatch(group)
        if not match:
            raise HoursError("bad_hours_format", group)
        days, intervals = _parse_days(match["days"]), _parse_intervals(match["times"])
        for day in days:
            if intervals is None:
                closed[day] = group
            else:
                schedule.setdefault(day, []).extend(intervals)
    for day, group in closed.items():
        if day in schedule:
            raise HoursError("conflicting_hours", group)
    return normalize_schedule(schedule)


_NAMES = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh-hans": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "zh-hant": ("週一", "週二", "週三", "週四", "週五", "週六", "週日"),
}
# language → (every day, closed, day range, day list, interval list, group separator)
_WORDS = {
    "en": ("Daily", "Closed", "-", ",", ", ", "; "),
    "zh-hans": ("每天", "休息", "至", "、", "、", "；"),
    "zh-hant": ("每天", "休息", "至", "、", "、", "；"),
}


def _language(lang: str | None) -> str:
    lang = (lang or get_language() or "zh-hans").lower().replace("_", "-")
    if lang.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "zh-hant"
    return "zh-hans" if lang.startswith("zh") else "en"


def _format_time(value: time, *, is_close: bool) -> str:
    return "24:00" if is_close and value == MIDNIGHT else value.strftime("%H:%M")


def _format_days(days: list[int], names: tuple[str, ...], words: tuple[str, ...]) -> str:
    if len(days) == 7:
        return words[0]
    runs: list[list[int]] = []
    for day in days:  # sorted; runs of consecutive weekdays, Monday first (no wrap)
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}{words[2]}{names[run[-1]]}")
        else:
            parts.extend(names[day] for day in run)
    return words[3].join(parts)


def format_hours(schedule: WeeklyHours, lang: str | None = None) -> str:
    """The text form in `lang` (`en`, `zh-hans`, `zh-hant`; default: the active language).
    `parse_hours(format_hours(s, lang)) == normalize_schedule(s)` for every language, at minute
    resolution (seconds are not shown)."""
    lang = _language(lang)
    names, words = _NAMES[lang], _WORDS[lang]
    canonical = normalize_schedule(schedule)
    if not canonical:
        return words[1]
    by_hours: dict[tuple[Interval, ...], list[int]] = {}
    for day, intervals in canonical.items():
        by_hours.setdefault(intervals, []).append(day)
    groups = []
    for intervals, days in by_hours.items():  # in order of each group's first day
        times = words[4].join(
            f"{_format_time(iv.open, is_close=False)}-{_format_time(iv.close, is_close=True)}"
            for iv in intervals
        )
        groups.append(f"{_format_days(days, names, words)} {times}")
    return words[5].join(groups)


# ---------------------------------------------------------------------------------------------
# JSON form (API): {"mon": [["08:00", "20:00"]], …, "sun": []}; exceptions keyed by ISO date
# ---------------------------------------------------------------------------------------------

_JSON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _intervals_to_json(intervals: Sequence[tuple[time, time]]) -> list[list[str]]:
    return [[_format_time(o, is_close=False), _format_time(c, is_close=True)] for o, c in sorted(intervals)]


def _intervals_from_json(value: Any, where: str) -> list[Interval]:
    if not isinstance(value, list):
        raise HoursError("bad_hours_format", where)
    intervals = []
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(t, str) for t in pair)):
            raise HoursError("bad_hours_format", f"{where}: {pair!r}")
        open_, close = (unicodedata.normalize("NFKC", t).strip() for t in pair)
        intervals.append(Interval(_parse_time(open_, is_close=False), _parse_time(close, is_close=True)))
    return intervals


def hours_to_json(schedule: WeeklyHours) -> dict[str, list[list[str]]]:
    """All seven days, closed days as []; close 00:00 written "24:00"."""
    canonical = normalize_schedule(schedule)
    return {key: _intervals_to_json(canonical.get(day, ())) for day, key in enumerate(_JSON_DAYS)}


def hours_from_json(data: Any) -> Schedule:
    """Weekly hours from the JSON form; missing days are closed. Raises HoursError naming the day
    key or the time at fault."""
    if not isinstance(data, dict):
        raise HoursError("bad_hours_format", type(data).__name__)
    schedule: dict[int, list[Interval]] = {}
    for key, value in data.items():
        if key not in _JSON_DAYS:
            raise HoursError("bad_hours_format", str(key))
        schedule[_JSON_DAYS.index(key)] = _intervals_from_json(value, key)
    return normalize_schedule(schedule)


def exceptions_to_json(exceptions: Exceptions) -> dict[str, list[list[str]]]:
    """{"2026-10-01": [] (closed all day), "2026-10-02": [["09:00", "12:00"]]}, sorted by date."""
    return {day.isoformat(): _intervals_to_json(exceptions[day]) for day in sorted(exceptions)}


def exceptions_from_json(data: Any) -> dict[date, tuple[Interval, ...]]:
    if not isinstance(data, dict):
        raise HoursError("bad_hours_format", type(data).__name__)
    out = {}
    for key, value in data.items():
        try:
            day = date.fromisoformat(str(key))
        except ValueError:
            raise HoursError("bad_hours_format", str(key)) from None
        out[day] = tuple(sorted(set(_intervals_from_json(value, str(key)))))
    return dict(sorted(out.items()))
