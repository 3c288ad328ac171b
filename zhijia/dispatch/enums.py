from django.db import models
from django.utils.translation import gettext_lazy as _


class MenuStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class Payer(models.TextChoices):
    DISPATCHING = "dispatching", _("The dispatching union pays")
    ORDERING = "ordering", _("The ordering union pays")


class ItemFormat(models.TextChoices):
    LECTURE = "lecture", _("Lecture")  # 讲座
    GROUP = "group", _("Group session")  # 团体辅导 / 沙龙
    ONE_TO_ONE = "one_to_one", _("One-to-one")  # 个案 / 危机干预
    TRAINING = "training", _("Training")  # 培训 / 送教上门
    CLINIC = "clinic", _("Clinic")  # 义诊 / 法律咨询


class ExpertKind(models.TextChoices):
    PERSON = "person", _("Expert")
    TEAM = "team", _("Team")  # 讲师团, 劳模工匠服务队


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Ordered")  # 已点单
    DISPATCHED = "dispatched", _("Dispatched")  # 已派单
    ACCEPTED = "accepted", _("Accepted")  # 已接单
    DELIVERED = "delivered", _("Delivered")  # 已服务
    CONFIRMED = "confirmed", _("Confirmed")  # 已确认
    SETTLED = "settled", _("Settled")  # 已结算
    DECLINED = "declined", _("Declined")  # 已拒单 (back with the dispatcher)
    TIMED_OUT = "timed_out", _("Not accepted in time")  # 超时 (back with the dispatcher)
    DISPUTED = "disputed", _("Disputed")  # the ordering union disputes the report
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


S = OrderStatus
# Waiting for the dispatcher to (re-)dispatch.
TO_DISPATCH = (S.SUBMITTED, S.DECLINED, S.TIMED_OUT)
# The expert's time is booked (the no-overlap rule applies; the budget is committed).
BOOKED = (S.ACCEPTED, S.DELIVERED, S.CONFIRMED, S.DISPUTED, S.SETTLED)
# The legal transitions; services enforce them and answer invalid_transition otherwise.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.SUBMITTED, S.CANCELLED),
    S.SUBMITTED: (S.DISPATCHED, S.CANCELLED),
    S.DISPATCHED: (S.ACCEPTED, S.DECLINED, S.TIMED_OUT, S.DISPATCHED, S.CANCELLED),  # re-dispatch
    S.DECLINED: (S.DISPATCHED, S.CANCELLED),
    S.TIMED_OUT: (S.DISPATCHED, S.CANCELLED),
    S.ACCEPTED: (S.DELIVERED, S.CANCELLED),
    S.DELIVERED: (S.CONFIRMED, S.DISPUTED),
    S.DISPUTED: (S.DELIVERED, S.CONFIRMED, S.CANCELLED),  # the expert re-reports, or it is settled
    S.CONFIRMED: (S.SETTLED,),
    S.SETTLED: (),
    S.CANCELLED: (),
}


class NeedSource(models.TextChoices):
    WORKER = "worker", _("A worker")
    UNION = "union", _("A grassroots union")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ORDERED = "ordered", _("Turned into an order")
    CLOSED = "closed", _("Closed")


class SurveyStatus(models.TextChoices):
    OPEN = "open", _("Collecting")
    CLOSED = "closed", _("Closed")
