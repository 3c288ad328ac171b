"""Choices and state machines of the labour registry (一库三台账), jobs, referrals and teams."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmploymentStatus(models.TextChoices):
    LOCAL = "local", _("Employed locally")  # 在本地就业
    MIGRANT = "migrant", _("Working away from home")  # 转移外出就业 (with destination)
    FLEXIBLE = "flexible", _("Flexibly employed")  # 灵活就业
    UNEMPLOYED = "unemployed", _("Not employed")  # 未就业
    INCAPABLE = "incapable", _("Unable to work")  # 丧失劳动能力


class Ledger(models.TextChoices):
    """The three ledgers (三台账) drawn from the registry."""

    TRANSFER = "transfer", _("Rural labour transfer employment ledger")  # 农村劳动力转移就业台账
    UNEMPLOYED = "unemployed", _("Unemployed people ledger")  # 未就业人员台账
    ASSISTANCE = "assistance", _("Priority assistance ledger")  # 重点对象帮扶台账


# Who is in the status-based ledgers: transferred into work (locally, away or flexibly) and not employed.
LEDGER_STATUSES = {
    Ledger.TRANSFER: frozenset({EmploymentStatus.LOCAL, EmploymentStatus.MIGRANT, EmploymentStatus.FLEXIBLE}),
    Ledger.UNEMPLOYED: frozenset({EmploymentStatus.UNEMPLOYED}),
}


class AssistanceKind(models.TextChoices):
    LIFTED_OUT_OF_POVERTY = "poverty", _("Household lifted out of poverty")  # 脱贫户
    DIBAO = "dibao", _("Minimum living allowance")  # 低保
    DISABILITY = "disability", _("Disability")  # 残疾
    ZERO_EMPLOYMENT = "zero_employment", _("Zero-employment family")  # 零就业家庭
    HARDSHIP_WORKER = "hardship", _("Worker in hardship")  # 困难职工


class StatusSource(models.TextChoices):
    SURVEY = "survey", _("Door-to-door survey")
    IMPORT = "import", _("Spreadsheet import")
    STAFF = "staff", _("Entered by staff")
    PLACEMENT = "placement", _("Job placement")


class PlaceRange(models.TextChoices):
    """How far a person is willing to go for work (a wish)."""

    VILLAGE = "village", _("In or near my village")
    TOWN = "town", _("Within my town")
    COUNTY = "county", _("Within my county")
    ANYWHERE = "anywhere", _("Anywhere, away from home too")


PLACE_RANK = {PlaceRange.VILLAGE: 0, PlaceRange.TOWN: 1, PlaceRange.COUNTY: 2, PlaceRange.ANYWHERE: 9}


class JobStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("job", "Open")
    CLOSED = "closed", pgettext_lazy("job", "Closed")


class ReferralStep(models.TextChoices):
    REFERRED = "referred", _("Referred")
    INTERVIEWED = "interviewed", _("Interviewed")
    HIRED = "hired", _("Hired")
    RETAINED_30 = "retained_30", _("Still in the job after 30 days")
    RETAINED_90 = "retained_90", _("Still in the job after 90 days")
    DECLINED = "declined", _("Not taken on")  # rejected at interview or declined by the person
    LEFT = "left", _("Left the job")


TRANSITIONS = {
    ReferralStep.REFERRED: {ReferralStep.INTERVIEWED, ReferralStep.HIRED, ReferralStep.DECLINED},
    ReferralStep.INTERVIEWED: {ReferralStep.HIRED, ReferralStep.DECLINED},
    ReferralStep.HIRED: {ReferralStep.RETAINED_30, ReferralStep.LEFT},
    ReferralStep.RETAINED_30: {ReferralStep.RETAINED_90, ReferralStep.LEFT},
    ReferralStep.RETAINED_90: {ReferralStep.LEFT},
    ReferralStep.DECLINED: set(),
    ReferralStep.LEFT: set(),
}
# The funnel's stages in order: a referral at a later stage has passed the earlier ones.
FUNNEL = [
    ReferralStep.REFERRED,
    ReferralStep.INTERVIEWED,
    ReferralStep.HIRED,
    ReferralStep.RETAINED_30,
    ReferralStep.RETAINED_90,
]
# Steps the API accepts in POST /referrals/<id>/<step> (its URL words).
STEP_WORDS = {
    "interview": ReferralStep.INTERVIEWED,
    "hire": ReferralStep.HIRED,
    "retain30": ReferralStep.RETAINED_30,
    "retain90": ReferralStep.RETAINED_90,
    "decline": ReferralStep.DECLINED,
    "leave": ReferralStep.LEFT,
}
# Days after hiring before a retention step may be recorded.
RETENTION_DAYS = {ReferralStep.RETAINED_30: 30, ReferralStep.RETAINED_90: 90}


class ReferralChannel(models.TextChoices):
    STAFF = "staff", _("Referred by staff")
    LIVE = "live", _("Applied during a live job fair")  # 直播带岗
    SELF = "self", _("Applied themselves")


class TeamType(models.TextChoices):
    INDUSTRY = "industry", _("Industry technical service team")  # 产业技术服务队
    CONSTRUCTION = "construction", _("Rural construction team")  # 乡村基建工程队
    FARM_MACHINERY = "farm_machinery", _("Farm machinery service team")  # 农机服务队
    DOMESTIC = "domestic", _("Domestic service team")  # 家政服务队
