"""The occupation code list: 职业分类大典 (2022) major categories ("6") and medium categories
("6-29"), shipped as data/occupations_2022.csv. Finer titles are kept as text beside a code."""

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "occupations_2022.csv"


@cache
def occupations() -> dict[str, str]:
    """{code: Chinese name} in the file's order, major and medium categories."""
    with DATA.open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return {row["code"]: row["name"] for row in csv.DictReader(lines)}


def is_medium(code: str) -> bool:
    return "-" in code and code in occupations()


def major_of(code: str) -> str:
    return code.split("-", 1)[0]


def occupation_name(code: str) -> str:
    return occupations().get(code, code)


def medium_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in occupations().items() if "-" in code]
