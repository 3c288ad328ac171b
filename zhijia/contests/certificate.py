"""Certificates: an A4 PDF (reportlab, STSong-Light) with a QR code (segno) carrying a signed
token; the public verify endpoint answers the award, the event and the masked name."""

import io
from typing import Any

import segno
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from zhijia.core.audit import audit_log
from zhijia.core.errors import NotFound, field_error
from zhijia.core.masking import mask_name

from .models import Entry

SALT = "zhijia.contests.certificate"
FONT = "STSong-Light"


def token_for(entry: Entry, person: Any) -> str:
    return signing.dumps({"e": str(entry.pk), "p": str(person.pk)}, salt=SALT, compress=True)


def verify(token: str) -> dict[str, str]:
    """The certificate the token names, or 400 bad_certificate."""
    try:
        data = signing.loads(str(token)[:500], salt=SALT)
        entry = Entry.objects.select_related("event__contest__org").get(pk=data["e"], award__gt="")
        person = entry.people.get(pk=data["p"])
    except (signing.BadSignature, ObjectDoesNotExist, ValidationError, KeyError, ValueError, TypeError):
        raise field_error("token", _("This certificate could not be verified."), "bad_certificate") from None
    return {
        "name": mask_name(person.name),
        "award": str(entry.get_award_display()),
        "event": entry.event.title,
        "contest": entry.event.contest.title,
        "organiser": entry.event.contest.org.name,
        "rank": str(entry.rank or ""),
    }


def certificate_pdf(entry: Entry, person: Any, verify_url: str) -> bytes:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    page.setFont(FONT, 28)
    page.drawCentredString(width / 2, height - 60 * mm, _("Certificate of award"))
    page.setFont(FONT, 16)
    contest = entry.event.contest
    lines = [
        person.name,
        f"{contest.title} · {entry.event.title}",
        str(entry.get_award_display()),
        contest.org.name,
    ]
    for i, line in enumerate(lines):
        page.drawCentredString(width / 2, height - (90 + 14 * i) * mm, line)
    qr = io.BytesIO()
    segno.make(f"{verify_url}?token={token_for(entry, person)}", error="m").save(qr, kind="png", scale=4)
    qr.seek(0)
    page.drawImage(ImageReader(qr), width / 2 - 20 * mm, 40 * mm, 40 * mm, 40 * mm)
    page.showPage()
    page.save()
    return buf.getvalue()


def certificate_print(*, actor: Any, entry: Entry, person: Any, verify_url: str) -> bytes:
    """The organiser prints a winner's certificate (contests.manage on the organiser, checked by
    the caller's access function): the event locked, the entry awarded and `person` one of its
    contestants, else 404. The full name is on the page, so the read is audited."""
    if not entry.event.locked or not entry.award or not entry.people.filter(pk=person.pk).exists():
        raise NotFound(code="not_found")
    audit_log(
        actor=actor,
        action="contests.certificate_print",
        obj=entry,
        org=entry.event.contest.org,
        data={"person": str(person.pk)},
    )
    return certificate_pdf(entry, person, verify_url)
