"""The 调解协议书 (mediation agreement) as an A4 PDF, in Chinese through reportlab's built-in CID
font STSong-Light (no font file to ship). Names appear in full: the document is for the parties
to sign, served only to the handler and cases.handle holders, as an attachment."""

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from .models import Case

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def agreement_pdf(case: Case) -> bytes:
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=11.5, leading=19, wordWrap="CJK")
    detail = case.legal
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=22 * mm, rightMargin=22 * mm, topMargin=20 * mm, bottomMargin=20 * mm,
        title=f"调解协议书 {case.number}",
    )  # fmt: skip

    def p(text: str) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), body)

    claim = f"{detail.claim_amount} 元" if detail.claim_amount is not None else "（未列明）"
    story = [
        Paragraph("劳动争议调解协议书", title),
        Spacer(1, 6 * mm),
        p(f"编号：{case.number}"),
        p(f"调解组织：{case.org.name}"),
        p(f"申请人（劳动者）：{case.subject_name}"),
        p(f"被申请人（用人单位）：{detail.employer or '（未列明）'}"),
        Spacer(1, 3 * mm),
        p(f"争议事项及请求：{case.summary or '（见调解记录）'}；请求金额：{claim}"),
        p(f"调解申请受理日期：{detail.mediation_applied_on or case.opened_on}"),
        Spacer(1, 3 * mm),
        p("经调解，双方自愿达成如下协议："),
        p(detail.agreement_terms),
        Spacer(1, 3 * mm),
        p(
            "本协议自双方当事人签名或者盖章、调解员签名并加盖调解组织印章之日起生效，对双方当事人具有约束力，"
            "当事人应当履行（《中华人民共和国劳动争议调解仲裁法》第十四条）。因支付拖欠劳动报酬、工伤医疗费、"
            "经济补偿或者赔偿金事项达成调解协议，用人单位在协议约定期限内不履行的，劳动者可以持调解协议书"
            "依法向人民法院申请支付令（第十六条）。"
        ),
        p(f"达成协议日期：{detail.agreed_on}"),
        Spacer(1, 12 * mm),
    ]
    signatures = Table(
        [
            [p("申请人（签名）："), p("被申请人（盖章）：")],
            [p("调解员（签名）："), p("调解组织（盖章）：")],
            [p("日期："), p("日期：")],
        ],
        colWidths=[83 * mm, 83 * mm],
        rowHeights=[16 * mm, 16 * mm, 10 * mm],
    )
    story.append(signatures)
    doc.build(story)
    return buffer.getvalue()
