"""A report as xlsx and as an A4 PDF (reportlab, with its built-in CJK CID font: no font file
to ship), with the reviewer's name and date."""

from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhijia.core.imports import Column, workbook_bytes

from ..models import Report
from .forms import get_form
from .selectors import report_rows

FONT = "STSong-Light"


def _signature(report: Report) -> list[tuple[str, str]]:
    def who(user: Any) -> str:
        return (getattr(user, "display_name", "") or str(user)) if user else ""

    def when(at: Any) -> str:
        return timezone.localtime(at).strftime("%Y-%m-%d") if at else ""

    return [
        (str(_("Status")), str(report.get_status_display())),
        (str(_("Submitted by")), f"{who(report.submitted_by)} {when(report.submitted_at)}".strip()),
        (str(_("Reviewed by")), f"{who(report.reviewed_by)} {when(report.reviewed_at)}".strip()),
    ]


def report_xlsx(report: Report) -> bytes:
    columns = [Column("label", _("Figure")), Column("value", _("Value")), Column("note", _("Note"))]
    rows = [[str(r["label"]), r["value"], r["note"]] for r in report_rows(report)]
    rows += [["", "", ""], *[[k, v, ""] for k, v in _signature(report)]]
    return workbook_bytes(title=str(_("Report")), columns=columns, rows=rows)


def report_pdf(report: Report) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    spec = get_form(report.form)
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm)
    title = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=FONT, fontSize=10, leading=14)
    head = f"{report.org.name} · {report.period} · {_('version')} {report.version}"
    table = [[str(_("Figure")), str(_("Value")), str(_("Note"))]] + [
        [
            Paragraph(str(r["label"]), body),
            str(r["value"] if r["value"] is not None else ""),
            Paragraph(r["note"], body),
        ]
        for r in report_rows(report)
    ]
    grid = Table(table, colWidths=[85 * mm, 35 * mm, 54 * mm], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    sign = Table([[k, v] for k, v in _signature(report)], colWidths=[40 * mm, 134 * mm])
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10)]))
    doc.build(
        [
            Paragraph(str(spec.title), title),
            Paragraph(head, body),
            Spacer(1, 6 * mm),
            grid,
            Spacer(1, 8 * mm),
            sign,
        ]
    )
    return out.getvalue()
