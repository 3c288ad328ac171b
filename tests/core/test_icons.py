"""Issue 16: the icons come from one SVG sprite of exactly the icons the project names
(zhijia.core.icons, scripts/icons.py), drawn by the {% icon %} tag; the icon font is gone."""

import importlib.util
import re
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError

from zhijia.core.icons import SPRITE, ZHIJIA, icons_in_python, sprite_ids, template_files, used_icons

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("zhijia_icons_script", ROOT / "scripts" / "icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sprite_holds_every_icon_the_templates_and_the_code_name():
    used = used_icons()
    missing = {name: sorted(files) for name, files in used.items() if name not in sprite_ids()}
    assert not missing, f"icons missing from {SPRITE.name} (run scripts/icons.py build): {missing}"


def test_the_sprite_holds_nothing_else():
    unused = sprite_ids() - set(used_icons())
    assert not unused, f"icons no page names (run scripts/icons.py build): {sorted(unused)}"


def test_no_template_uses_the_icon_font():
    font = re.compile(r"""class=["'][^"']*\bbi-[a-z0-9{]""")
    found = [
        f"{path.relative_to(ZHIJIA)}:{n}"
        for path in template_files()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if font.search(line)
    ]
    scripts = [p for p in (ZHIJIA / "static").rglob("*.js") if "vendor" not in p.parts]
    found += [
        str(p.relative_to(ZHIJIA)) for p in scripts if re.search(r"\bbi-[a-z]", p.read_text(encoding="utf-8"))
    ]
    assert not found, f"icon-font markup (run scripts/icons.py convert): {found}"


def test_the_tag_draws_a_symbol_of_the_sprite_hidden_from_screen_readers():
    html = Template('{% icon "geo-alt" %}').render(Context())
    assert re.fullmatch(
        r'<svg class="bi" aria-hidden="true"><use href="/static/zhijia/icons\.svg#geo-alt"></use></svg>', html
    )


def test_the_tag_takes_classes_a_test_id_a_tooltip_and_a_label():
    html = Template(
        '{% icon name class="fs-2 text-danger" style="font-size:3rem" testid="tick" '
        'title=_("Verified") label="present" %}'
    ).render(Context({"name": "check-lg"}))
    assert 'class="bi fs-2 text-danger"' in html
    assert 'style="font-size:3rem"' in html and 'data-testid="tick"' in html
    assert 'role="img" aria-label="present"' in html and "aria-hidden" not in html
    assert "<title>Verified</title>" in html and "#check-lg" in html


def test_an_icon_missing_from_the_sprite_fails_in_tests():
    with pytest.raises(TemplateSyntaxError, match="not in the sprite"):
        Template('{% icon "no-such-icon" %}').render(Context())
    with pytest.raises(TemplateSyntaxError, match="unknown option"):
        Template('{% icon "geo-alt" colour="red" %}')


def test_icons_chosen_by_the_code_are_found_in_its_icon_tables():
    code = """
FACILITY_ICONS = {"toilet": "badge-wc", "wifi": "wifi"}
REFUSALS = {codes.FULL: ("x-octagon", lambda: _("No places left"))}
NAV = [("staff:home", _("Home"), "house", None)]
icon = FACILITY_ICONS.get(c, "check2")
refusal = {"code": "invalid", "icon": "person-vcard", "title": _("Not now")}
OTHER = {"key": "not-an-icon"}
"""
    assert icons_in_python(code) == {"badge-wc", "wifi", "x-octagon", "house", "check2", "person-vcard"}


def test_convert_rewrites_the_font_markup_and_leaves_what_it_does_not_understand():
    convert = _script().convert_text
    assert convert('<i class="bi bi-geo-alt"></i> x') == '{% icon "geo-alt" %} x'
    assert (
        convert('<i class="bi bi-{{ f.icon }} fs-2 d-block"></i>') == '{% icon f.icon class="fs-2 d-block" %}'
    )
    assert (
        convert(
            '<i class="bi bi-check text-success" data-testid="tick" '
            "aria-label=\"{% translate 'present' %}\"></i>"
        )
        == '{% icon "check" class="text-success" testid="tick" label=_("present") %}'
    )
    assert (
        convert('<i class="bi {% if ok %}bi-check-circle{% else %}bi-x-circle{% endif %}"></i>')
        == '{% if ok %}{% icon "check-circle" %}{% else %}{% icon "x-circle" %}{% endif %}'
    )
    odd = '<i class="bi bi-x" onclick="go()"></i>'
    assert convert(odd) == odd
    done = '{% icon "geo-alt" %}'
    assert convert(done) == done
