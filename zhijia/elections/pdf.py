"""The result of an election as an A4 PDF (reportlab, the built-in CID font STSong-Light: no
font file to ship)."""

import io
from typing import Any

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


def _font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def result_pdf(*, result: dict[str, Any], union: str, congress: str) -> bytes:
    _font()
    title = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("b", fontName=FONT, fontSize=10.5, leading=16)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=result["title"])
    facts = (
        _(
            "Delegates %(delegates)d, present %(present)d; ballots cast %(cast)d, valid %(valid)d; "
            "seats %(seats)d; votes needed to be elected (more than half of all delegates) %(needed)d."
        )
        % result
    )
    rows = [[_("Candidate"), _("Votes"), _("Outcome")]]
    for c in result["candidates"]:
        outcome = _("Elected") if c["elected"] else (_("To a run-off") if c["runoff"] else _("Not elected"))
        rows.append([c["name"], str(c["votes"]), outcome])
    table = Table(rows, colWidths=[70 * mm, 30 * mm, 60 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    story = [
        Paragraph(union, title),
        Paragraph(congress, body),
        Paragraph(result["title"], title),
        Spacer(1, 6 * mm),
        Paragraph(facts, body),
        Spacer(1, 4 * mm),
        table,
    ]
    if result["vacant"]:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(_("Seats left vacant: %(n)d.") % {"n": result["vacant"]}, body),
        ]
    if result["runoff_seats"]:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(_("Seats to a run-off: %(n)d.") % {"n": result["runoff_seats"]}, body),
        ]
    doc.build(story)
    return buf.getvalue()
