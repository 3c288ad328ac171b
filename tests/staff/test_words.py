"""Words users read instead of internal or mistranslated text (issue 16, "Daily use")."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2] / "zhijia"


@pytest.mark.parametrize("lang", ["zh-hans", "zh-hant", "en"])
def test_the_language_menu_names_each_language_in_itself(db, lang):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    html = client.get("/h5/", follow=True).content.decode()
    menu = html.split('data-testid="language"')[1].split("</select>")[0]
    names = re.findall(r">([^<]+)</option>", menu)
    assert names == ["简体中文", "繁體中文", "English"]


def test_pagination_says_next_page_not_next_step():
    """ "Next" alone is the login button's 下一步; a pager's is msgctxt "pagination" (下一页)."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.html")
        if "page_number" in (text := p.read_text(encoding="utf-8")) and '{% translate "Next" %}' in text
    ]
    assert offenders == []
    with translation.override("zh-hans"):
        assert translation.pgettext("pagination", "Next") == "下一页"


def test_the_dispatch_board_closed_column_is_not_opening_hours_wording():
    from zhijia.staff.dispatch.orders import BOARD_GROUPS

    with translation.override("zh-hans"):
        assert str(BOARD_GROUPS[-1][0]) != "不开放"
