"""Spreadsheet import jobs and xlsx writing, shared by every domain that imports (orgs, members).

Flow: the interface calls `import_job_start`, which stores the upload on a core ImportJob and
enqueues the domain's Celery task when the transaction commits. The task calls
`import_job_run`, which reads the first sheet with python-calamine, hands each row to the
domain's handler in its own transaction (a bad row never undoes a good one), records counts and
per-row errors on the job and writes one audit entry. Large imports (member ledgers) use
`import_job_run_batched` instead: the rows stream from the sheet in batches to a batch handler,
which validates each row on its own but writes the good ones of a batch together, reporting
bad rows with the same per-row errors; progress is saved after every batch.
`error_report` is the downloadable list of bad rows. `workbook_bytes` writes templates and
exports with openpyxl; every string cell that a spreadsheet would run as a formula (= + - @,
tab, CR) is escaped with a leading apostrophe, and `cell_text` removes that escape again, so
our own exports re-import unchanged.
"""

import io
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook

from .audit import audit_log
from .errors import ApplicationError, ValidationFailed
from .models import AuditOutcome, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
PROGRESS_EVERY = 50  # rows between progress writes: often enough for the status page to move
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAGIC = b"PK\x03\x04"  # xlsx is a zip archive
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RowResult(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: `key` is the field name handlers and errors use, `header` the
    (Chinese) heading in row 1, `hint` what the column wants (a translatable text: its format,
    an example, what empty means), `required` whether a value must be given, `choices` a
    drop-down. A template's hint row is `hint_text` of each column, in the reader's language."""

    key: str
    header: str
    hint: Any = ""  # str, or a lazily translated text
    required: bool = False
    choices: tuple[str, ...] = ()


LISTED_CHOICES = 8  # up to this many allowed values are spelt out in the hint row


def hint_text(column: Column) -> str:
    """The hint row's cell of `column` in the active language: required or optional, what it
    wants, and its allowed values (spelt out when few, else a pointer to the drop-down)."""
    parts = [
        pgettext("import template", "Required")
        if column.required
        else pgettext("import template", "Optional")
    ]
    if column.hint:
        parts.append(str(column.hint))
    if column.choices and len(column.choices) <= LISTED_CHOICES:
        parts.append(_("one of: %(values)s") % {"values": " / ".join(column.choices)})
    elif column.choices:
        parts.append(_("pick from the drop-down list"))
    return " · ".join(parts)


def _hint_rows(columns: Sequence[Column], keys: Iterable[str]) -> list[dict[str, str]]:
    """What a template's hint row may hold for the columns `keys`, in every language the site
    offers (a template downloaded in one language is imported by someone using another), and
    the bare hints of rows written before hint rows were composed."""
    keys = set(keys)
    wanted = [c for c in columns if c.key in keys]
    rows = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            rows.append({c.key: hint_text(c) for c in wanted})
            bare = {c.key: str(c.hint) for c in wanted if c.hint}
            if bare:
                rows.append(bare)
    return rows


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, missing columns, too many rows)."""


# A handler gets the importing user and one row ({column key: text}), validates and writes it
# through the domain's services, and returns a RowResult; it raises ApplicationError for a bad row.
RowHandler = Callable[..., RowResult]


@dataclass
class BatchResult:
    """What a batch handler did with its rows: counts per RowResult value (and "errors"), and
    the per-row error entries ({"row", "field", "message"})."""

    counts: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: RowResult) -> None:
        self.counts[RowResult(result).value] += 1

    def reject(self, number: int, exc: ApplicationError) -> None:
        self.errors.extend(row_errors(number, exc))
        self.counts["errors"] += 1


# A batch handler gets the importing user, the unit imported into and a list of
# (row number, row) pairs, and returns a BatchResult; it must report every bad row itself.
BatchHandler = Callable[..., BatchResult]


def escape_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A calamine cell as text: integral numbers without ".0" (division codes typed as numbers),
    dates in ISO form, edges stripped, our own formula escape removed."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


SHEET_FORBIDDEN = re.compile(r"[\\/*?:\[\]\x00-\x1f\x7f]")
SHEET_MAX = 31  # Excel's limit on sheet names


def sheet_title(text: Any, fallback: str = "Sheet") -> str:
    """A sheet name Excel accepts, from any text (an activity's or a unit's name): without
    / \\ * ? : [ ] and control characters, not starting or ending with an apostrophe, not the
    reserved "History", at most 31 characters; `fallback` when nothing is left."""
    title = SHEET_FORBIDDEN.sub(" ", str(text or ""))
    title = " ".join(title.split())[:SHEET_MAX].strip().strip("'").strip()
    if not title or title.lower() == "history":
        return fallback
    return title


def workbook_bytes(
    *, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], hint_row: bool = False
) -> bytes:
    """An xlsx with a bold header row, an optional hint row, the rows (formulas escaped) and a
    drop-down list on every column that has choices."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if hint_row:
        ws.append([hint_text(c) for c in columns])
        for cell in ws[2]:
            cell.font = Font(italic=True, color="808080")
    for row in rows:
        ws.append([escape_formula(v) for v in row])
    first_data = 3 if hint_row else 2
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(14, 2 * len(column.header) + 6)
        if column.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            dv.add(f"{letter}{first_data}:{letter}{MAX_ROWS + first_data}")
            ws.add_data_validation(dv)
    ws.freeze_panes = f"A{first_data}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # default of settings.IMPORT_MAX_UNPACKED_BYTES
MAX_ARCHIVE_MEMBERS = 2_000
_CHUNK = 1024 * 1024


def check_archive(source: bytes, max_unpacked: int | None = None) -> None:
    """Refuse an xlsx whose archive would unpack to more than `max_unpacked` bytes (settings
    IMPORT_MAX_UNPACKED_BYTES), before anything decompresses it into memory: the declared sizes
    first, then each member streamed through in 1 MB chunks, so a forged size fails its CRC."""
    from django.conf import settings

    cap: int = max_unpacked or int(getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", MAX_UNPACKED_BYTES))
    too_big = ImportFileError(_("The file unpacks to more than %(mb)d MB; split it.") % {"mb": cap // 2**20})
    try:
        with zipfile.ZipFile(io.BytesIO(source)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise ImportFileError(_("The file is not a readable xlsx workbook."))
            if sum(m.file_size for m in members) > cap:
                raise too_big
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > cap:
                            raise too_big
    except ImportFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
        ValueError,
    ) as exc:
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc


def _open_sheet(source: bytes) -> CalamineSheet:
    check_archive(source)  # the one door to calamine: a zip bomb stops here
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(source)).get_sheet_by_index(0)
    except (CalamineError, ValueError, IndexError) as exc:
        raise ImportFileError(_("The file is not a readable xlsx workbook.")) from exc


def _lines(sheet: CalamineSheet) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cell texts) of each non-blank row, converted one at a time."""
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        texts = [cell_text(v) for v in cells]
        if any(texts):
            yield number, texts


def _data_rows(
    lines: Iterator[tuple[int, list[str]]], header: list[str], columns: Sequence[Column]
) -> Iterator[tuple[int, dict[str, str]]]:
    index = _match_headers(header, columns)
    hint_rows = _hint_rows(columns, index)
    for number, cells in lines:
        row = {
            c.key: (cells[index[c.key]] if c.key in index and index[c.key] < len(cells) else "")
            for c in columns
        }
        is_hint_row = any(hints and all(row[k] == v for k, v in hints.items()) for hints in hint_rows)
        if not is_hint_row:
            yield number, row


def read_rows(
    source: bytes, columns: Sequence[Column], *, max_rows: int = MAX_ROWS
) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, {column key: text}) for each data row of the first sheet.

    Row 1 (the first non-blank row) holds the headers, matched to columns by header or key, in
    any order; blank rows and a template's hint row are skipped. Raises ImportFileError."""
    _estimate, rows = iter_rows(source, columns, max_rows=max_rows)
    found = list(rows)
    if len(found) > max_rows:
        raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": max_rows})
    return found


def iter_rows(
    source: bytes, columns: Sequence[Column], *, max_rows: int = MAX_ROWS
) -> tuple[int, Iterator[tuple[int, dict[str, str]]]]:
    """Like read_rows, streaming: (an estimate of the number of data rows, an iterator of rows).
    Rows become Python objects one at a time, so memory does not grow with the file's length.
    A sheet taller than max_rows + 2 (header, hint row) is refused before any row is read."""
    sheet = _open_sheet(source)
    if sheet.height > max_rows + 2:
        raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": max_rows})
    lines = _lines(sheet)
    first = next(lines, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    return max(sheet.height - 1, 0), _data_rows(lines, first[1], columns)


def _match_headers(header: list[str], columns: Sequence[Column]) -> dict[str, int]:
    wanted = {}
    for column in columns:
        wanted[column.header.lower()] = column.key
        wanted[column.key.lower()] = column.key
    index: dict[str, int] = {}
    for position, text in enumerate(header):
        key = wanted.get(text.strip().rstrip("*").strip().lower())
        if key and key not in index:
            index[key] = position
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return index


@transaction.atomic
def import_job_start(
    *, actor: Any, kind: str, org: Any, filename: str, source: bytes, task: Any, max_bytes: int = MAX_BYTES
) -> ImportJob:
    """Store an upload as a pending ImportJob and enqueue `task.delay(job_id)` on commit (inline
    when Celery runs eagerly). The caller has checked the actor's right to import into `org`.
    Raises ValidationFailed on the field "file" for an oversized or non-xlsx upload."""
    if len(source) > max_bytes or not source.startswith(XLSX_MAGIC):
        msg = _("Upload an .xlsx file of at most %(mb)d MB.") % {"mb": max_bytes // (1024 * 1024)}
        raise ValidationFailed(msg, code="bad_file", fields={"file": [msg]})
    job = ImportJob.objects.create(
        kind=kind, org=org, created_by=actor, filename=filename[:255], source=source
    )
    job_id = str(job.pk)
    transaction.on_commit(lambda: task.delay(job_id))
    return job


def import_job_run(
    job_id: Any, *, columns: Sequence[Column], handle_row: RowHandler, audit_action: str
) -> ImportJob:
    """Run an import job row by row, each row in its own savepoint (see import_job_run_batched).
    Handlers must be idempotent: re-importing a row updates the row it created."""
    return import_job_run_batched(
        job_id,
        columns=columns,
        handle_batch=row_by_row(handle_row),
        audit_action=audit_action,
        batch_size=PROGRESS_EVERY,
    )


def row_by_row(handle_row: RowHandler) -> BatchHandler:
    """A batch handler calling `handle_row(actor=, row=)` for each row in its own transaction."""

    def handle(*, actor: Any, unit: Any, rows: list[tuple[int, dict[str, str]]]) -> BatchResult:
        result = BatchResult()
        for number, row in rows:
            try:
                with transaction.atomic():
                    result.add(handle_row(actor=actor, row=row))
            except ApplicationError as exc:
                result.reject(number, exc)
        return result

    return handle


def _batches(
    rows: Iterator[tuple[int, dict[str, str]]], size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_job_run_batched(
    job_id: Any,
    *,
    columns: Sequence[Column],
    handle_batch: BatchHandler,
    audit_action: str,
    batch_size: int = 500,
    max_rows: int = MAX_ROWS,
) -> ImportJob:
    """Run an import job: stream the rows in batches to `handle_batch(actor=, unit=, rows=)`,
    save counts and errors after each batch, and write one audit entry with the totals.

    Safe to retry: a finished job is left alone, an interrupted one starts over, which is
    harmless because handlers must be idempotent. The actor is the job's creator and the unit
    the job's org, so rows re-enter the creator's scope. An unexpected exception ends the job
    as failed (rows of earlier batches stay imported)."""
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return job
    job.status, job.processed_rows, job.errors, job.message = ImportStatus.RUNNING, 0, [], ""
    job.save(update_fields=["status", "processed_rows", "errors", "message", "updated_at"])
    try:
        job.total_rows, rows = iter_rows(bytes(job.source), columns, max_rows=max_rows)
    except ImportFileError as exc:
        return _finish(job, ImportStatus.FAILED, Counter(), str(exc), audit_action)
    counts: Counter[str] = Counter()
    done = first = 0
    try:
        for batch in _batches(rows, batch_size):
            first = batch[0][0]
            result = handle_batch(actor=job.created_by, unit=job.org, rows=batch)
            counts.update(result.counts)
            job.errors.extend(result.errors)
            done += len(batch)
            _save_progress(job, done, counts)
    except Exception:  # a bug must end the job visibly as failed, not leave it "running"
        logger.exception("import job %s failed in the batch starting at row %s", job.pk, first)
        msg = _("Internal error at row %(row)d.") % {"row": first}
        return _finish(job, ImportStatus.FAILED, counts, msg, audit_action)
    job.total_rows = job.processed_rows = done
    return _finish(job, ImportStatus.DONE, counts, "", audit_action)


def row_errors(number: int, exc: ApplicationError) -> list[dict[str, Any]]:
    """The error entries of one bad row: one per field message (or one for the row)."""
    if not exc.fields:
        return [{"row": number, "field": "", "message": str(exc.message)}]
    return [
        {"row": number, "field": f, "message": str(m)} for f, messages in exc.fields.items() for m in messages
    ]


def _save_progress(job: ImportJob, done: int, counts: Counter[str]) -> None:
    job.processed_rows = done
    job.total_rows = max(job.total_rows, done)
    job.created_count, job.updated_count, job.error_count = (
        counts["created"],
        counts["updated"],
        counts["errors"],
    )
    job.save(
        update_fields=[
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "error_count",
            "errors",
            "updated_at",
        ]
    )


@transaction.atomic
def _finish(job: ImportJob, status: str, counts: Counter[str], message: str, audit_action: str) -> ImportJob:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    job.created_count, job.updated_count, job.error_count = (
        counts["created"],
        counts["updated"],
        counts["errors"],
    )
    job.save()
    outcome = AuditOutcome.SUCCESS if status == ImportStatus.DONE else AuditOutcome.FAILURE
    data = {
        "job": str(job.pk),
        "file": job.filename,
        "rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": counts["unchanged"],
        "errors": job.error_count,
    }
    audit_log(actor=job.created_by, action=audit_action, obj=job, org=job.org, outcome=outcome, data=data)
    return job


def error_report(job: ImportJob, columns: Sequence[Column]) -> bytes:
    """The job's bad rows as xlsx: row number, column heading, message (formulas escaped)."""
    headers = {c.key: c.header for c in columns}
    report_columns = [Column("row", _("Row")), Column("field", _("Column")), Column("message", _("Error"))]
    rows = [(e["row"], headers.get(e["field"], e["field"]), e["message"]) for e in job.errors]
    return workbook_bytes(title=_("Errors"), columns=report_columns, rows=rows)
