"""The standing opinion box (意见建议箱) of every unit: a worker writes, the unit replies within
`REPLY_DAYS` working days; the overdue ones are listed for the upper union."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhijia.core.audit import audit_log
from zhijia.core.errors import Conflict, field_error
from zhijia.core.workdays import add_working_days
from zhijia.members.notices import notify
from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import Org

from ..enums import BoxStatus
from ..models import BoxMessage
from .common import require, text, user_or_none

REPLY_DAYS = 10  # working days


@transaction.atomic
def box_submit(*, actor: Any, org: Org, subject: str, body: str) -> BoxMessage:
    user = user_or_none(actor)
    if user is None:
        raise field_error("author", _("Please log in."))
    message = BoxMessage.objects.create(
        org=org,
        author=user,
        subject=text("subject", subject, 200),
        text=text("text", body, 5000),
        due_on=add_working_days(timezone.localdate(), REPLY_DAYS),
    )
    audit_log(actor=actor, action="voice.box_submit", obj=message)
    return message


@transaction.atomic
def box_reply(*, actor: Any, message: BoxMessage, reply: str) -> BoxMessage:
    require(actor, Cap.OPINIONS_REPLY, message.org)
    message = BoxMessage.objects.select_for_update(of=("self",)).select_related("author").get(pk=message.pk)
    if message.status == BoxStatus.REPLIED:
        raise Conflict(_("This message has its reply."), code="already_replied")
    message.reply = text("reply", reply, 5000)
    message.status = BoxStatus.REPLIED
    message.replied_at = timezone.now()
    message.replied_by = user_or_none(actor)
    message.save(update_fields=["reply", "status", "replied_at", "replied_by", "updated_at"])
    audit_log(actor=actor, action="voice.box_reply", obj=message)
    notify(str(getattr(message.author, "phone", "") or ""), "box_replied", {"subject": message.subject})
    return message
