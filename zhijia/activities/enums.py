from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    EVENT = "event", _("Activity")  # 活动
    LECTURE = "lecture", _("Lecture")  # 讲座
    TRAINING = "training", _("Training")  # 培训 (certificate of completion)
    COURSE = "course", _("Course")  # 课程 (several sessions)
    CAMP = "camp", _("Childcare camp")  # 托管营 (for members' children)
    CONTEST = "contest", _("Contest")  # 竞赛


class Delivery(models.TextChoices):
    OFFLINE = "offline", _("On site")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("On site and online")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


class EnrolmentStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("Waiting for approval")  # holds a place
    CONFIRMED = "confirmed", _("Confirmed")  # holds a place
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Place offered")  # holds a place until offer_expires_at
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    OFFER_DECLINED = "offer_declined", _("Offer declined")


# Statuses that hold one of the capacity's places (counted in Slot.taken).
HOLDING = (EnrolmentStatus.PENDING_APPROVAL, EnrolmentStatus.CONFIRMED, EnrolmentStatus.OFFERED)
# Statuses that block enrolling the same person/child again.
ACTIVE = (*HOLDING, EnrolmentStatus.WAITLISTED)


class EnrolmentChannel(models.TextChoices):
    SELF = "self", _("By the worker")
    STAFF = "staff", _("By staff on their behalf")
    BULK = "bulk", _("In bulk by a union")


class CheckInMethod(models.TextChoices):
    SESSION_QR = "session_qr", _("Scanned the session code")
    MEMBER_CARD = "member_card", _("Member card scanned")
    STAFF = "staff", _("Marked by staff")
    WALK_IN = "walk_in", _("Walk-in")
