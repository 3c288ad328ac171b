"""The icons of the pages: one SVG sprite (zhijia/static/zhijia/icons.svg) holding exactly the
Bootstrap Icons that the templates and the code name, instead of the 134 KB icon font.

A page shows one with `{% icon "geo-alt" %}` (zhijia.core.templatetags.icons); the names come from
the templates (`{% icon "name" %}`) and, for the icons that views choose, from the code's icon
tables (a module-level name with ICON, REFUSAL or NAV in it, a `.get()` on one, and any
`{"icon": "name"}` dict). `scripts/icons.py build` rebuilds the sprite from that list;
tests/core/test_icons.py fails when a name is missing from it."""

import ast
import functools
import re
from pathlib import Path

ZHIJIA = Path(__file__).resolve().parent.parent
SPRITE = ZHIJIA / "static" / "zhijia" / "icons.svg"
SPRITE_STATIC = "zhijia/icons.svg"

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEMPLATE_ICON = re.compile(r"""\{%\s*icon\s+["']([a-z0-9-]+)["']""")
TABLE = re.compile(r"ICON|REFUSAL|NAV")


@functools.cache
def sprite_ids() -> frozenset[str]:
    """The ids of the symbols in the committed sprite."""
    if not SPRITE.exists():
        return frozenset()
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', SPRITE.read_text(encoding="utf-8")))


def template_files() -> list[Path]:
    return sorted(p for p in ZHIJIA.rglob("*.html") if "static" not in p.parts)


def python_files() -> list[Path]:
    return sorted(p for p in ZHIJIA.rglob("*.py") if "migrations" not in p.parts)


def icons_in_template(text: str) -> set[str]:
    return set(TEMPLATE_ICON.findall(text))


def _names_in(node: ast.AST) -> set[str]:
    """The strings shaped like icon names in `node`, leaving out dict keys (codes, not icons)."""
    keys = {id(k) for d in ast.walk(node) if isinstance(d, ast.Dict) for k in d.keys}
    return {
        c.value
        for c in ast.walk(node)
        if isinstance(c, ast.Constant)
        and isinstance(c.value, str)
        and NAME.match(c.value)
        and id(c) not in keys
    }


def icons_in_python(text: str) -> set[str]:
    """Icon names in a module's icon tables (see the module docstring)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and TABLE.search(t.id) for t in targets):
                found |= _names_in(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if TABLE.search(ast.unparse(node.func.value)):
                for arg in node.args[1:]:
                    found |= _names_in(arg)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "icon" and isinstance(value, ast.Constant):
                    found |= _names_in(value)
    return found


def used_icons() -> dict[str, set[str]]:
    """{icon name: the files (relative to zhijia/) that name it}."""
    used: dict[str, set[str]] = {}
    for path in template_files():
        for name in icons_in_template(path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(ZHIJIA)))
    for path in python_files():
        for name in icons_in_python(path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(ZHIJIA)))
    return used
