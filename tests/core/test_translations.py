"""The three languages stay complete and the compiled catalogues match their sources."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "zhijia" / "locale"


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_every_message_is_translated(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    missing = [
        e.msgid for e in po if not e.obsolete and (e.fuzzy or not (e.msgstr or e.msgstr_plural.get(0)))
    ]
    assert not missing, f"{lang}: untranslated or fuzzy: {missing[:10]}"


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_compiled_catalogue_is_up_to_date(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()}) for e in mo}
    for e in po.translated_entries():
        source = (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        assert compiled.get((e.msgctxt, e.msgid)) == source, (
            f"{lang}: {e.msgid!r} differs in django.mo — run `make messages`"
        )


def test_languages_render():
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"
    with translation.override("zh-hant"):
        assert translation.gettext("Log out") == "登出"
        assert translation.gettext("Audit log") == "審計日誌"
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"


def test_the_product_speaks_simplified_chinese_by_default(client, settings):
    from config.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = base.LANGUAGE_CODE
    page = client.get("/console/login/").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
    hant = client.get("/console/login/", headers={"Accept-Language": "zh-HK"}).content.decode()
    assert 'lang="zh-hant"' in hant and "登入" in hant
