"""The icon sprite (zhijia/static/zhijia/icons.svg) and the templates' icon markup.

    python scripts/icons.py convert   # <i class="bi bi-NAME …"></i> → {% icon "NAME" … %} in every template
    python scripts/icons.py build     # the sprite: exactly the icons named (zhijia.core.icons.used_icons)

`build` reads the SVGs of the npm package bootstrap-icons (MIT), the version the font came from:
from --source DIR (its icons/ folder), else it fetches the package once with `npm pack` into
var/bootstrap-icons-<version>/. Re-run both after merging a branch that adds icons: `convert`
is idempotent and leaves any markup it does not understand as it was (and says where)."""

import argparse
import re
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhijia.core.icons import SPRITE, template_files, used_icons  # noqa: E402

VERSION = "1.13.1"
NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*"
EXPR = r"\{\{\s*([^}]+?)\s*\}\}"
FONT_ICON = re.compile(
    r'<i class="bi bi-(?:(?P<name>'
    + NAME
    + r")|"
    + EXPR
    + r')(?P<extra>(?: [^"{}]+)?)"(?P<attrs>(?: [a-z-]+="[^"]*")*)></i>'
)
CHOICE = re.compile(
    r'<i class="bi (?:bi-)?\{% if ([^%]+?) %\}(?:bi-)?('
    + NAME
    + r")\{% else %\}(?:bi-)?("
    + NAME
    + r')\{% endif %\}"></i>'
)
ATTR = re.compile(r' ([a-z-]+)="([^"]*)"')
TRANSLATED = re.compile(r"^\{% translate '([^']*)' %\}$")
OPTION = {"style": "style", "data-testid": "testid", "aria-label": "label", "title": "title"}


def _value(raw: str) -> str | None:
    if found := TRANSLATED.match(raw):
        return f'_("{found.group(1)}")'
    if found := re.fullmatch(EXPR, raw):
        return found.group(1)
    if "{" in raw or '"' in raw:
        return None
    return f'"{raw}"'


def _tag(match: re.Match) -> str:
    name = f'"{match.group("name")}"' if match.group("name") else match.group(2)
    parts = [name]
    extra = match.group("extra").strip()
    if extra:
        parts.append(f'class="{extra}"')
    for key, raw in ATTR.findall(match.group("attrs")):
        if key == "aria-hidden":
            continue
        value = _value(raw)
        if key not in OPTION or value is None:
            return match.group(0)
        parts.append(f"{OPTION[key]}={value}")
    return "{% icon " + " ".join(parts) + " %}"


def convert_text(text: str) -> str:
    text = CHOICE.sub(
        lambda m: f'{{% if {m[1]} %}}{{% icon "{m[2]}" %}}{{% else %}}{{% icon "{m[3]}" %}}{{% endif %}}',
        text,
    )
    return FONT_ICON.sub(_tag, text)


def convert() -> int:
    changed = 0
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        new = convert_text(text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
        for line_no, line in enumerate(new.splitlines(), 1):
            if '<i class="bi' in line:
                print(f"left as it was: {path.relative_to(ROOT)}:{line_no}", file=sys.stderr)
    print(f"{changed} templates changed")
    return 0


def _source(given: str | None) -> Path:
    if given:
        return Path(given)
    cache = ROOT / "var" / f"bootstrap-icons-{VERSION}"
    icons = cache / "package" / "icons"
    if not icons.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", f"bootstrap-icons@{VERSION}"], cwd=cache, check=True)  # noqa: S603, S607 (npm, fixed arguments)
        with tarfile.open(cache / f"bootstrap-icons-{VERSION}.tgz") as tar:
            tar.extractall(cache, filter="data")
    return icons


def symbol(name: str, svg: str) -> str:
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    inner = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S)
    if not view_box or not inner:
        raise ValueError(f"{name}.svg: not an icon")
    body = re.sub(r">\s+<", "><", inner.group(1).strip())
    return f'<symbol id="{name}" viewBox="{view_box.group(1)}">{body}</symbol>'


def build(source: str | None) -> int:
    icons = _source(source)
    used = used_icons()
    missing = sorted(n for n in used if not (icons / f"{n}.svg").exists())
    if missing:
        for name in missing:
            print(
                f"no such icon in bootstrap-icons {VERSION}: {name} ({', '.join(sorted(used[name]))})",
                file=sys.stderr,
            )
        return 1
    symbols = [symbol(n, (icons / f"{n}.svg").read_text(encoding="utf-8")) for n in sorted(used)]
    SPRITE.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n'
        f"<!-- Bootstrap Icons {VERSION} (MIT, vendor/bootstrap-icons/LICENSE), the {len(symbols)} this "
        "project uses: scripts/icons.py build -->\n" + "\n".join(symbols) + "\n</svg>\n",
        encoding="utf-8",
    )
    print(f"{SPRITE.relative_to(ROOT)}: {len(symbols)} icons, {SPRITE.stat().st_size} bytes")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("convert", help="replace the icon-font markup in the templates with {% icon %}")
    builder = sub.add_parser("build", help="rebuild the sprite from the icons the project names")
    builder.add_argument("--source", help="the icons/ folder of the bootstrap-icons package")
    options = parser.parse_args()
    return convert() if options.command == "convert" else build(options.source)


if __name__ == "__main__":
    sys.exit(main())
