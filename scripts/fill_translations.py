"""Fill the zh-hans catalogue from JSON files of translations ({"msgid": "译文"}, a msgctxt as
"context\\u0004msgid", plurals as a list), e.g. those a change brings in zhijia/locale/pending/.
Only empty or fuzzy entries are filled; entries already translated stay as they are.

    uv run python scripts/fill_translations.py zhijia/locale/pending/*.json

Run between makemessages and hant_from_hans (as `make messages` does); prints what is still
untranslated."""

import json
import re
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "zhijia" / "locale"


TEMPLATE_VAR = re.compile(r"\{\{\s*(\w+)\s*\}\}")  # a template's {{ n }} is %(n)s in the catalogue
FORMAT = re.compile(r"%\((\w+)\)[sd]")


def _plain(text: str) -> str:
    return FORMAT.sub(r"%(\1)s", TEMPLATE_VAR.sub(r"%(\1)s", text))


def _value(value: object, msgid: str) -> object:
    """The translation with its placeholders in the catalogue's form (%(n)d where msgid has it)."""
    kinds = dict(re.findall(r"%\((\w+)\)([sd])", msgid))

    def fix(text: str) -> str:
        return FORMAT.sub(lambda m: f"%({m.group(1)}){kinds.get(m.group(1), 's')}", _plain(text))

    return [fix(v) for v in value] if isinstance(value, list) else fix(str(value))


def main(files: list[str]) -> int:
    table: dict[tuple[str | None, str], object] = {}
    for name in files:
        for key, value in json.loads(Path(name).read_text(encoding="utf-8")).items():
            ctx, _sep, msgid = key.rpartition("\u0004")
            table[(ctx or None, _plain(msgid))] = value
    path = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.obsolete or ((entry.msgstr or entry.msgstr_plural.get(0)) and not entry.fuzzy):
            continue
        value = table.get((entry.msgctxt, _plain(entry.msgid)))
        if value is None:
            missing.append(entry.msgid)
            continue
        value = _value(value, entry.msgid)
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value, value]
            entry.msgstr_plural = {0: forms[-1]}  # Chinese has one plural form
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    po.save(str(path))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
