"""Permission-matrix entries for the workers' voice (merged into tests/matrix/table.ROUTES).

Published consultations are public. Managing one needs voice.manage on the consulting union; a
union's own opinion voice.opine on that union; replying to the box opinions.reply on the box's
unit (404 outside scope, 403 inside without it). Any logged-in account may give an opinion
on an open consultation, write to a box and read its own ("own")."""

from datetime import timedelta

from django.utils import timezone

from zhijia.orgs.capabilities import Cap

from .reference import scoped
from .table import Check

CID = "/api/v1/consultations/<consultation_id>"
OID = "/api/v1/opinions/<opinion_id>"
MANAGE, OPINE, REPLY = Cap.VOICE_MANAGE, Cap.VOICE_OPINE, Cap.OPINIONS_REPLY


def _on(cap, method="get", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _new(org, objs):
    return {
        "org_id": str(org.pk),
        "title": "矩阵征集",
        "draft_title": "矩阵条例",
        "closes_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
        "articles": [{"number": "第一条", "text": "矩阵"}],
    }


ROUTES: dict = {
    "/api/v1/consultations": [Check("public")],
    "/api/v1/consultations/manage": [Check("staff", api=True), _on(MANAGE, "post", body=_new)],
    CID: [Check("public")],
    CID + "/status": [_on(MANAGE, "post", body=lambda org, o: {"status": "closed"})],
    CID + "/sent": [
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {"sent_to": "矩阵联系点", "sent_on": timezone.localdate().isoformat()},
        )
    ],
    CID + "/opinions": [
        _on(MANAGE),
        Check("own", "post", api=True, body=lambda org, o: {"text": "矩阵意见"}),
    ],
    CID + "/report.xlsx": [_on(MANAGE)],
    CID + "/union-opinions": [
        _on(OPINE, "post", body=lambda org, o: {"org_id": str(org.pk), "text": "矩阵工会意见"}),
    ],
    OID + "/tags": [_on(MANAGE, "post", body=lambda org, o: {"tags": ["矩阵"]})],
    OID + "/merge": [_on(MANAGE, "post", body=lambda org, o: {"into_id": str(o["vo_other"].pk)})],
    OID + "/outcome": [_on(MANAGE, "post", body=lambda org, o: {"outcome": "adopted", "reason": "矩阵"})],
    "/api/v1/me/opinions": [Check("own", api=True)],
    "/api/v1/opinions/box": [
        Check("staff", api=True),
        Check(
            "own",
            "post",
            api=True,
            body=lambda org, o: {"org_id": str(org.pk), "subject": "矩阵", "text": "x"},
        ),
    ],
    "/api/v1/opinions/box/overdue": [Check("staff", api=True)],
    "/api/v1/opinions/box/<message_id>/reply": [
        _on(REPLY, "post", body=lambda org, o: {"reply": "矩阵回复"})
    ],
    "/api/v1/me/box": [Check("own", api=True)],
}


def extend(unit: dict, demo) -> None:
    """An open consultation of the unit with two opinions, and a message to its box."""
    from zhijia.accounts.models import User, UserKind
    from zhijia.voice.services import box, consultations, opinions

    org = unit["org"]
    c = consultations.consultation_create(
        actor=None,
        org=org,
        title=f"矩阵征集 {org.short_name}",
        draft_title="矩阵条例",
        closes_on=timezone.localdate() + timedelta(days=9),
        articles=[("第一条", "矩阵")],
    )
    c = consultations.consultation_step(actor=None, consultation=c, to="open")
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    first = opinions.opinion_submit(actor=worker, consultation=c, article=None, body="矩阵意见一")
    other = opinions.opinion_submit(actor=worker, consultation=c, article=None, body="矩阵意见二")
    message = box.box_submit(actor=worker, org=org, subject="矩阵", body="矩阵留言")
    unit.update(vo_consultation=c, vo_other=other, vo_opinion=first, vo_message=message)
    unit["url_values"].update(consultation_id=c.pk, opinion_id=first.pk, message_id=message.pk)


def snapshot() -> list:
    from zhijia.voice.models import BoxMessage, Consultation, Opinion

    return [
        list(Consultation.objects.order_by("pk").values_list("pk", "status", "sent_on", "updated_at")),
        list(Opinion.objects.order_by("pk").values_list("pk", "tags", "merged_into_id", "outcome")),
        list(BoxMessage.objects.order_by("pk").values_list("pk", "status", "reply")),
    ]
