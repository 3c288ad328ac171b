"""`{% icon "name" %}`: one Bootstrap icon from the sprite (zhijia.core.icons), as

    <svg class="bi" aria-hidden="true"><use href="/static/zhijia/icons.<hash>.svg#name"></use></svg>

A builtin (settings TEMPLATES), so no `{% load %}` is needed. Options, each a variable or a
literal: class="fs-2 text-danger", style="font-size:3rem", testid="tick" (data-testid),
title=_("Verified") (a tooltip) and label=_("present") (an icon that says something on its own:
role="img" with that aria-label instead of aria-hidden). With ZHIJIA_ICONS_STRICT (development
and tests) a name missing from the sprite is an error, so a test that renders it fails."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from zhijia.core.icons import SPRITE_STATIC, sprite_ids

register = template.Library()
OPTIONS = {"class", "style", "testid", "title", "label"}


class IconNode(template.Node):
    def __init__(self, name, options):
        self.name = name
        self.options = options

    def render(self, context):
        name = str(self.name.resolve(context) or "")
        values = {key: value.resolve(context) for key, value in self.options.items()}
        return icon_html(name, **values)


def icon_html(name: str, **options) -> str:
    if getattr(settings, "ZHIJIA_ICONS_STRICT", False) and name not in sprite_ids():
        raise template.TemplateSyntaxError(f"icon {name!r} is not in the sprite: run scripts/icons.py build")
    classes = f"bi {options['class']}" if options.get("class") else "bi"
    attrs = format_html(' class="{}"', classes)
    if options.get("style"):
        attrs += format_html(' style="{}"', options["style"])
    if options.get("testid"):
        attrs += format_html(' data-testid="{}"', options["testid"])
    if options.get("label"):
        attrs += format_html(' role="img" aria-label="{}"', options["label"])
    else:
        attrs += mark_safe(' aria-hidden="true"')
    title = format_html("<title>{}</title>", options["title"]) if options.get("title") else ""
    return format_html('<svg{}>{}<use href="{}#{}"></use></svg>', attrs, title, static(SPRITE_STATIC), name)


@register.tag
def icon(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            '{% icon "name" [class="…"] [style=…] [testid=…] [title=…] [label=…] %}'
        )
    options = {}
    for bit in bits[2:]:
        key, eq, value = bit.partition("=")
        if not eq or key not in OPTIONS:
            raise template.TemplateSyntaxError(f"icon: unknown option {bit!r} (one of {sorted(OPTIONS)})")
        options[key] = parser.compile_filter(value)
    return IconNode(parser.compile_filter(bits[1]), options)
