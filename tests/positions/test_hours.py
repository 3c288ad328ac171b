"""Opening hours (zhijia.positions.hours): evaluation in Asia/Shanghai, exceptions, text and JSON."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zhijia.positions.hours import (
    SHANGHAI,
    HoursError,
    Interval,
    exceptions_from_json,
    exceptions_to_json,
    format_hours,
    hours_from_json,
    hours_to_json,
    is_open,
    next_change,
    normalize_schedule,
    open_status,
    parse_hours,
)

MON = date(2026, 3, 2)  # a Monday; the week runs to Sunday 2026-03-08
NIGHTS = parse_hours("Mon-Sun 22:00-06:00")
OFFICE = parse_hours("Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00")
NO_EXCEPTIONS: dict[date, list[Interval]] = {}


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """Local wall-clock time in Shanghai on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def test_calendar_assumption():
    assert MON.weekday() == 0


minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))
interval_lists = st.lists(st.tuples(minute_times, minute_times), min_size=0, max_size=3)
schedules = st.dictionaries(st.integers(0, 6), interval_lists, max_size=7)
exception_sets = st.dictionaries(st.integers(-2, 16).map(day), interval_lists, max_size=5)


# --- weekly hours ----------------------------------------------------------------------------


def test_plain_day_interval_is_half_open():
    assert not is_open(OFFICE, NO_EXCEPTIONS, at(MON, 7, 59))
    assert is_open(OFFICE, NO_EXCEPTIONS, at(MON, 8, 0))
    assert is_open(OFFICE, NO_EXCEPTIONS, at(MON, 19, 59))
    assert not is_open(OFFICE, NO_EXCEPTIONS, at(MON, 20, 0))
    assert is_open(OFFICE, NO_EXCEPTIONS, at(day(5), 9, 30))  # Saturday hours
    assert not is_open(OFFICE, NO_EXCEPTIONS, at(day(5), 18, 0))


def test_overnight_runs_across_midnight():
    assert is_open(NIGHTS, NO_EXCEPTIONS, at(day(1), 23, 0))
    assert is_open(NIGHTS, NO_EXCEPTIONS, at(day(2), 0, 0))
    assert is_open(NIGHTS, NO_EXCEPTIONS, at(day(2), 5, 59))
    assert not is_open(NIGHTS, NO_EXCEPTIONS, at(day(2), 6, 0))
    assert not is_open(NIGHTS, NO_EXCEPTIONS, at(day(2), 21, 59))
    assert next_change(NIGHTS, NO_EXCEPTIONS, at(day(1), 23, 0)) == at(day(2), 6, 0)
    assert next_change(NIGHTS, NO_EXCEPTIONS, at(day(2), 12, 0)) == at(day(2), 22, 0)


def test_overnight_from_sunday_runs_into_monday():
    sunday_night = {6: [(time(22), time(2))]}
    assert is_open(sunday_night, NO_EXCEPTIONS, at(day(7), 1, 0))  # the next Monday, 01:00
    assert not is_open(sunday_night, NO_EXCEPTIONS, at(day(7), 2, 0))
    assert not is_open(sunday_night, NO_EXCEPTIONS, at(day(6), 21, 0))
    assert next_change(sunday_night, NO_EXCEPTIONS, at(day(6), 21, 0)) == at(day(6), 22, 0)
    assert next_change(sunday_night, NO_EXCEPTIONS, at(day(6), 23, 0)) == at(day(7), 2, 0)
    # from Monday morning it is six days to the next opening
    assert next_change(sunday_night, NO_EXCEPTIONS, at(day(7), 3, 0)) == at(day(13), 22, 0)


def test_24_hours_is_00_00_to_00_00_and_never_changes():
    for text in ("Daily 00:00-24:00", "Mon-Sun 00:00-00:00", "每天 24小时", "全天"):
        schedule = parse_hours(text)
        assert schedule == {d: (Interval(time(0), time(0)),) for d in range(7)}
        assert open_status(schedule, NO_EXCEPTIONS, at(day(3), 3, 33)) == (True, None)


def test_open_equal_close_is_24_hours_from_that_time():
    schedule = {2: [(time(8), time(8))]}  # Wednesday 08:00 to Thursday 08:00
    assert is_open(schedule, NO_EXCEPTIONS, at(day(3), 7, 59))
    assert not is_open(schedule, NO_EXCEPTIONS, at(day(3), 8, 0))


def test_touching_and_overlapping_intervals_merge():
    schedule = {0: [(time(8), time(12)), (time(12), time(14)), (time(13), time(18))]}
    assert next_change(schedule, NO_EXCEPTIONS, at(MON, 9)) == at(MON, 18)


def test_never_open_and_far_opening():
    assert open_status({}, NO_EXCEPTIONS, at(MON, 12)) == (False, None)
    closed_for_a_while = {day(i): [] for i in range(1, 12)}
    assert open_status(OFFICE, closed_for_a_while, at(MON, 21)) == (False, None)


# --- exceptions ------------------------------------------------------------------------------


def test_closed_exception_day():
    holiday = {day(2): []}  # Wednesday
    assert not is_open(OFFICE, holiday, at(day(2), 10))
    assert is_open(OFFICE, holiday, at(day(1), 10))
    assert next_change(OFFICE, holiday, at(day(1), 21)) == at(day(3), 8)


def test_special_hours_replace_the_weekly_intervals():
    special = {day(2): [(time(10), time(14))]}
    assert not is_open(OFFICE, special, at(day(2), 9))
    assert is_open(OFFICE, special, at(day(2), 13, 59))
    assert not is_open(OFFICE, special, at(day(2), 14))
    assert next_change(OFFICE, special, at(day(1), 21)) == at(day(2), 10)


def test_overnight_into_a_closed_exception_day_is_cut_at_midnight():
    closed_wednesday = {day(2): []}
    assert is_open(NIGHTS, closed_wednesday, at(day(1), 23))
    assert next_change(NIGHTS, closed_wednesday, at(day(1), 23)) == at(day(2), 0)
    assert not is_open(NIGHTS, closed_wednesday, at(day(2), 1))
    assert not is_open(NIGHTS, closed_wednesday, at(day(2), 23))  # no interval starts that day
    assert not is_open(NIGHTS, closed_wednesday, at(day(3), 1))  # nor does it spill into Thursday
    assert next_change(NIGHTS, closed_wednesday, at(day(2), 1)) == at(day(3), 22)


def test_overnight_into_a_special_hours_day_still_runs():
    special_wednesday = {day(2): [(time(10), time(12))]}
    assert is_open(NIGHTS, special_wednesday, at(day(2), 5))
    assert next_change(NIGHTS, special_wednesday, at(day(2), 5)) == at(day(2), 6)
    assert is_open(NIGHTS, special_wednesday, at(day(2), 11))
    assert not is_open(NIGHTS, special_wednesday, at(day(2), 23))  # Wednesday's night replaced
    assert not is_open(NIGHTS, special_wednesday, at(day(3), 1))


def test_an_overnight_exception_spills_into_the_next_day():
    eve = {day(2): [(time(18), time(2))]}
    assert is_open(OFFICE, eve, at(day(3), 1, 30))
    assert not is_open(OFFICE, eve, at(day(3), 2))
    # unless that next day is itself closed
    assert not is_open(OFFICE, {**eve, day(3): []}, at(day(3), 1, 30))


def test_24_hours_with_a_closed_day_changes_at_midnight():
    always = parse_hours("Daily 00:00-24:00")
    closed_friday = {day(4): []}
    assert next_change(always, closed_friday, at(MON, 12)) == at(day(4), 0)
    assert next_change(always, closed_friday, at(day(4), 12)) == at(day(5), 0)


def _oracle(schedule, exceptions, when: datetime) -> bool:
    """is_open by the written rules, one candidate interval at a time (no merging)."""
    local = when.astimezone(SHANGHAI).replace(tzinfo=None)
    today = local.date()
    for start_day in (today - timedelta(days=1), today):
        intervals = (
            exceptions[start_day] if start_day in exceptions else schedule.get(start_day.weekday(), [])
        )
        for open_, close in intervals:
            start = datetime.combine(start_day, open_)
            end = datetime.combine(start_day + timedelta(days=1 if close <= open_ else 0), close)
            spilled = start_day != today
            if start <= local < end and not (spilled and today in exceptions and not exceptions[today]):
                return True
    return False


@given(schedules, exception_sets, st.integers(0, 7 * 24 * 60 - 1), st.integers(0, 59))
def test_open_status_agrees_with_the_rules_and_flips_at_next_change(schedule, exceptions, minute, second):
    when = at(MON, 0) + timedelta(minutes=minute, seconds=second)
    status = open_status(schedule, exceptions, when)
    assert status.is_open == _oracle(schedule, exceptions, when)
    if status.next_change is None:
        for hours in (1, 13, 30, 100, 191):
            assert _oracle(schedule, exceptions, when + timedelta(hours=hours)) == status.is_open
    else:
        change = status.next_change
        assert when < change <= when + timedelta(days=8)
        assert _oracle(schedule, exceptions, change) != status.is_open
        assert _oracle(schedule, exceptions, when + (change - when) / 2) == status.is_open
        assert _oracle(schedule, exceptions, change - timedelta(microseconds=1)) == status.is_open


# --- time zones ------------------------------------------------------------------------------


def test_utc_instant_on_a_different_local_date():
    monday_small_hours = {0: [(time(0), time(2))]}
    sunday_evening_utc = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)  # Monday 01:00 in Shanghai
    assert sunday_evening_utc.weekday() == 6
    assert is_open(monday_small_hours, NO_EXCEPTIONS, sunday_evening_utc)
    change = next_change(monday_small_hours, NO_EXCEPTIONS, sunday_evening_utc)
    assert change == datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    assert change is not None and change.tzinfo is SHANGHAI and (change.hour, change.minute) == (2, 0)


def test_exceptions_are_keyed_by_the_local_date():
    utc_afternoon = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # Wednesday 01:00 in Shanghai
    early = parse_hours("Daily 00:00-06:00")
    assert is_open(early, NO_EXCEPTIONS, utc_afternoon)
    assert not is_open(early, {day(2): []}, utc_afternoon)
    assert is_open(early, {day(1): []}, utc_afternoon)  # Tuesday (the UTC date) closed: irrelevant


def test_other_zones_are_converted():
    new_york = timezone(timedelta(hours=-5))
    assert is_open(OFFICE, NO_EXCEPTIONS, datetime(2026, 3, 1, 20, 30, tzinfo=new_york))  # Mon 09:30


def test_shanghai_has_no_daylight_saving():
    for month in range(1, 13):
        local = datetime(2026, month, 15, 12, tzinfo=SHANGHAI)
        assert local.utcoffset() == timedelta(hours=8)
        assert local.dst() in (None, timedelta(0))
    # an interval across the dates other zones switch on keeps its length
    change = next_change(NIGHTS, NO_EXCEPTIONS, datetime(2026, 3, 28, 23, tzinfo=SHANGHAI))
    assert change == datetime(2026, 3, 29, 6, tzinfo=SHANGHAI)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        is_open(OFFICE, NO_EXCEPTIONS, datetime(2026, 3, 2, 12))


# --- text form -------------------------------------------------------------------------------

WEEKDAYS_8_20 = {d: (Interval(time(8), time(20)),) for d in range(5)}
OFFICE_EXPECTED = {**WEEKDAYS_8_20, 5: (Interval(time(9), time(17)),), 6: (Interval(time(9), time(17)),)}


@pytest.mark.parametrize(
    "text",
    [
        "Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00",
        "mon-fri 8:00-20:00\nSaturday, Sunday 09:00 - 17:00",
        "周一至周五 08:00-20:00；周六、周日 09:00-17:00",
        "周一到周五 08:00至20:00;星期六、星期天 09:00~17:00",
        "週一至週五 08:00-20:00；週六、週日 09:00-17:00",
        "周一至五 ０８：００－２０：００；周末 ０９：００～１７：００",
        "工作日 08:00\u200b-20:00；周六至周日：09:00—17:00",
    ],
)
def test_parse_examples(text):
    assert parse_hours(text) == OFFICE_EXPECTED


def test_parse_overnight_and_several_intervals():
    assert parse_hours("Mon-Sun 22:00-06:00") == {d: (Interval(time(22), time(6)),) for d in range(7)}
    assert parse_hours("Sat 14:00-18:00, 08:00-12:00") == {
        5: (Interval(time(8), time(12)), Interval(time(14), time(18)))
    }
    assert parse_hours("周六 08:00-12:00、14:00-18:00") == parse_hours("Sat 08:00-12:00 14:00-18:00")
    assert parse_hours("Fri-Mon 10:00-11:00").keys() == {4, 5, 6, 0}  # ranges wrap


def test_closed_days_and_empty_input():
    assert parse_hours("周一至周五 08:00-20:00；周六、周日 休息") == WEEKDAYS_8_20
    assert parse_hours("Mon-Fri 08:00-20:00; Sat-Sun closed") == WEEKDAYS_8_20
    assert parse_hours("") == {} == parse_hours("  ；; ") == parse_hours("Closed")
    assert parse_hours("08:00-20:00") == {d: (Interval(time(8), time(20)),) for d in range(7)}


@pytest.mark.parametrize(
    ("text", "code", "part"),
    [
        ("Mon-Fri 25:00-26:00", "bad_time", "25:00"),
        ("Mon 08:60-09:00", "bad_time", "08:60"),
        ("Mon 24:00-08:00", "bad_time", "24:00"),  # 24:00 only closes
        ("Funday 08:00-10:00", "bad_hours_format", "Funday"),
        ("Mon-Fri 08:00", "bad_hours_format", "08:00"),
        ("Mon-Fri 0800-2000", "bad_hours_format", "0800-2000"),
        ("周八 08:00-10:00", "bad_hours_format", "周八"),
        ("Mon-Fri 08:00-20:00; Sat", "bad_hours_format", "Sat"),
        ("Mon-Fri 08:00-20:00; 周五 休息", "conflicting_hours", "周五 休息"),
    ],
)
def test_parse_errors_name_the_offending_part(text, code, part):
    with pytest.raises(HoursError) as info:
        parse_hours(text)
    assert (info.value.code, info.value.part) == (code, part)
    with translation.override("en"):
        assert part in info.value.message


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Mon-Fri 08:00-20:00; Sat,Sun 09:00-17:00"),
        ("zh-hans", "周一至周五 08:00-20:00；周六、周日 09:00-17:00"),
        ("zh-hant", "週一至週五 08:00-20:00；週六、週日 09:00-17:00"),
        ("zh_Hant", "週一至週五 08:00-20:00；週六、週日 09:00-17:00"),
    ],
)
def test_format_examples(lang, expected):
    assert format_hours(OFFICE, lang) == expected


def test_format_special_cases():
    assert format_hours(parse_hours("Daily 00:00-24:00"), "en") == "Daily 00:00-24:00"
    assert format_hours(NIGHTS, "zh-hans") == "每天 22:00-06:00"
    assert format_hours({}, "en") == "Closed"
    assert format_hours(
        {0: [(time(8), time(12)), (time(14), time(18))], 2: [(time(8), time(12)), (time(14), time(18))]}, "en"
    ) == ("Mon,Wed 08:00-12:00, 14:00-18:00")
    with translation.override("zh-hans"):
        assert format_hours(OFFICE) == "周一至周五 08:00-20:00；周六、周日 09:00-17:00"


@given(schedules, st.sampled_from(["en", "zh-hans", "zh-hant"]))
def test_text_round_trip(schedule, lang):
    assert parse_hours(format_hours(schedule, lang)) == normalize_schedule(schedule)


@given(schedules)
def test_json_round_trip(schedule):
    data = hours_to_json(schedule)
    assert list(data) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert hours_from_json(data) == normalize_schedule(schedule)


@given(schedules)
def test_full_width_input_parses_the_same(schedule):
    text = format_hours(schedule, "zh-hans")
    full_width = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789:-"})
    assert parse_hours(full_width) == normalize_schedule(schedule)


# --- JSON form -------------------------------------------------------------------------------


def test_json_form():
    assert hours_to_json(NIGHTS)["sun"] == [["22:00", "06:00"]]
    assert hours_to_json(parse_hours("Mon 20:00-24:00"))["mon"] == [["20:00", "24:00"]]
    assert hours_to_json({})["wed"] == []
    assert hours_from_json({"sat": [["09:00", "17:00"]], "sun": []}) == {5: (Interval(time(9), time(17)),)}
    assert hours_from_json({"mon": [["０８：００", "24:00"]]}) == {0: (Interval(time(8), time(0)),)}


@pytest.mark.parametrize(
    ("data", "code", "part"),
    [
        ([], "bad_hours_format", "list"),
        ({"monday": []}, "bad_hours_format", "monday"),
        ({"mon": "08:00-20:00"}, "bad_hours_format", "mon"),
        ({"mon": [["08:00"]]}, "bad_hours_format", "mon: ['08:00']"),
        ({"mon": [["08:00", "25:00"]]}, "bad_time", "25:00"),
        ({"mon": [[8, 20]]}, "bad_hours_format", "mon: [8, 20]"),
    ],
)
def test_json_errors(data, code, part):
    with pytest.raises(HoursError) as info:
        hours_from_json(data)
    assert (info.value.code, info.value.part) == (code, part)


def test_exceptions_json_round_trip():
    exceptions = {date(2026, 10, 1): (), date(2026, 10, 2): (Interval(time(9), time(12)),)}
    data = exceptions_to_json(exceptions)
    assert data == {"2026-10-01": [], "2026-10-02": [["09:00", "12:00"]]}
    assert exceptions_from_json(data) == exceptions
    with pytest.raises(HoursError) as info:
        exceptions_from_json({"2026-02-30": []})
    assert (info.value.code, info.value.part) == ("bad_hours_format", "2026-02-30")


def test_normalize_refuses_bad_weekday():
    with pytest.raises(HoursError):
        normalize_schedule({7: [(time(8), time(9))]})
