"""The letters part of a person search: `zs` finds 张三 by the initials' start, `zhangs` by the
pinyin. Shared by the member registry, the joining queue and the labour registry."""

from django.db.models import Q

PINYIN_CONTAINS_FROM = 3  # letters


def letters_q(compact: str, prefix: str = "") -> Q:
    """Initials starting with `compact`; the full pinyin containing it from three letters on,
    starting with it below. Two letters "inside" a pinyin (`an`, `ws` across 吴盛's syllables)
    match nearly anyone, and no trigram index can serve a contains shorter than three
    characters: at city scale it was a scan of every person (bench/member_search.py)."""
    pinyin = "contains" if len(compact) >= PINYIN_CONTAINS_FROM else "startswith"
    return Q(**{f"{prefix}name_initials__startswith": compact}) | Q(
        **{f"{prefix}name_pinyin__{pinyin}": compact}
    )
