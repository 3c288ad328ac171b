"""The shipped code list (职业分类大典 2022): its published shape — 8 major categories and 79
medium categories — and well-formed codes, each medium under an existing major."""

import re

from zhijia.labour.occupations import is_medium, major_of, occupations


def test_code_list_has_the_2022_shape():
    codes = occupations()
    majors = [c for c in codes if "-" not in c]
    mediums = [c for c in codes if "-" in c]
    assert majors == [str(n) for n in range(1, 9)]
    assert len(mediums) == 79
    assert all(re.fullmatch(r"[1-8]-\d\d", c) for c in mediums)
    assert all(major_of(c) in codes for c in mediums)
    assert all(name.strip() == name and name for name in codes.values())
    assert len(set(codes.values())) == len(codes) - 1  # only 8 and 8-00 share their name
    counts = {m: sum(major_of(c) == m for c in mediums) for m in majors}
    assert counts == {"1": 6, "2": 11, "3": 4, "4": 15, "5": 6, "6": 32, "7": 4, "8": 1}
    assert is_medium("6-29") and is_medium("4-10") and not is_medium("6") and not is_medium("9-99")
