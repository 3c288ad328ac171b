"""Fill the zh-hant catalogue from the zh-hans one with OpenCC (s2hk: Hong Kong usage).

Run by `make messages` after makemessages. An entry whose translator comment says "manual"
is kept as written by hand; every other zh_Hant msgstr is regenerated from zh_Hans.
"""

from pathlib import Path

import polib
from opencc import OpenCC

LOCALE = Path(__file__).resolve().parent.parent / "zhijia" / "locale"
convert = OpenCC("s2hk").convert


def main() -> None:
    hans = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    hant_path = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
    hant = polib.pofile(str(hant_path))
    source = {(e.msgctxt, e.msgid): e for e in hans}
    for entry in hant:
        src = source.get((entry.msgctxt, entry.msgid))
        if src is None or ("manual" in (entry.tcomment or "") and not entry.fuzzy):
            continue
        if entry.fuzzy:  # makemessages' guess may carry another entry's "manual" marker
            entry.tcomment = ""
        entry.msgstr = convert(src.msgstr)
        entry.msgstr_plural = {k: convert(v) for k, v in src.msgstr_plural.items()}
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    hant.save(str(hant_path))


if __name__ == "__main__":
    main()
