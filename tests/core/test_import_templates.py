"""Every xlsx import template the product offers (organisations, members, positions, service
menus, the expert pool, the labour survey, activity plans) has a hint row in the reader's
language that says for each column whether it is required, what it wants and its allowed
values; a template downloaded in one language imports in another, its hint row skipped."""

import io

import openpyxl
import pytest
from django.utils import translation

from zhijia.catalog.xlsx import PLAN_COLUMNS, plan_template_xlsx
from zhijia.core.imports import LISTED_CHOICES, hint_text, read_rows
from zhijia.dispatch.xlsx import EXPERT_COLUMNS, MENU_COLUMNS, expert_template, menu_template
from zhijia.labour.xlsx import COLUMNS as LABOUR_COLUMNS
from zhijia.labour.xlsx import template_xlsx as labour_template
from zhijia.members.ledgers.columns import COLUMNS as MEMBER_COLUMNS
from zhijia.members.ledgers.columns import template_xlsx as member_template
from zhijia.orgs.xlsx import COLUMNS as ORG_COLUMNS
from zhijia.orgs.xlsx import template_xlsx as org_template
from zhijia.positions.xlsx import COLUMNS as POSITION_COLUMNS
from zhijia.positions.xlsx import positions_template

TEMPLATES = {
    "orgs": (org_template, ORG_COLUMNS),
    "members": (member_template, MEMBER_COLUMNS),
    "positions": (positions_template, POSITION_COLUMNS),
    "menus": (menu_template, MENU_COLUMNS),
    "experts": (expert_template, EXPERT_COLUMNS),
    "labour": (labour_template, LABOUR_COLUMNS),
    "plans": (plan_template_xlsx, PLAN_COLUMNS),
}
# What each language says for required / optional (the integrator's catalogue fills zh-hans,
# zh-hant is made from it).
WORDS = {"en": ("Required", "Optional"), "zh-hans": ("必填", "选填"), "zh-hant": ("必填", "選填")}


def _rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows(max_row=2)]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_every_column_of_every_template_has_a_hint_saying_what_it_wants(name):
    build, columns = TEMPLATES[name]
    with translation.override("en"):
        header, hints = _rows(build())
    assert header == [c.header for c in columns]
    for column, hint in zip(columns, hints, strict=True):
        assert column.hint, (name, column.key, "no description")
        assert hint.startswith("Required" if column.required else "Optional"), (name, column.key, hint)
        assert str(column.hint) in hint
        if column.choices and len(column.choices) <= LISTED_CHOICES:
            assert all(choice in hint for choice in column.choices), (name, column.key, hint)
        elif column.choices:
            assert "drop-down" in hint, (name, column.key, hint)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_the_hint_row_is_in_the_readers_language(name, language):
    """Passes once the integrator has filled the catalogues (zhijia/locale/pending/w-daily.json)."""
    build, columns = TEMPLATES[name]
    required, optional = WORDS[language]
    with translation.override(language):
        _header, hints = _rows(build())
    for column, hint in zip(columns, hints, strict=True):
        assert hint.startswith(required if column.required else optional), (name, language, hint)
        assert "Required" not in hint and "Optional" not in hint and "drop-down" not in hint


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_a_template_in_one_language_imports_in_another(name):
    """The hint row of a template downloaded in zh-hant (or en) is skipped when someone using
    another language imports it; the rows under it are read."""
    build, columns = TEMPLATES[name]
    for written, reading in (("zh-hant", "en"), ("en", "zh-hans"), ("zh-hans", "zh-hant")):
        with translation.override(written):
            workbook = openpyxl.load_workbook(io.BytesIO(build()))
        sheet = workbook.worksheets[0]
        sheet.append([f"值{i}" for i, _c in enumerate(columns)])
        out = io.BytesIO()
        workbook.save(out)
        with translation.override(reading):
            rows = read_rows(out.getvalue(), columns)
        assert [number for number, _row in rows] == [3], (name, written, reading)


def test_hint_text_follows_the_language():
    column = ORG_COLUMNS[0]
    with translation.override("en"):
        english = hint_text(column)
    assert english.startswith("Required · the unit above")
