"""Shared helpers of the "my children" tests (no tests here)."""

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(birth: str, seq: str = "123") -> str:
    """A valid 居民身份证 number born `birth` (YYYYMMDD); odd `seq` = male."""
    body = f"440304{birth}{seq}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def child_data(**extra) -> dict:
    return {"name": "张小明", "birth_date": "2018-05-01", "gender": "male", "guardian_consent": True, **extra}
