import io

import openpyxl

from zhijia.core.imports import hint_text
from zhijia.orgs.xlsx import COLUMNS


def org_sheet(rows, *, hint: bool = False) -> bytes:
    """An import file in the template's columns (rows: tuples in COLUMNS order)."""
    wb = openpyxl.Workbook()
    wb.active.append([c.header for c in COLUMNS])
    if hint:
        wb.active.append([hint_text(c) for c in COLUMNS])  # as the template writes it
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active
