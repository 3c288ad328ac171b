"""The vocabulary of help-and-rights cases (帮扶与维权). The kinds and their state machines are
declared in casework.kinds; the national 困难职工档案表 codes are here."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseKind(models.TextChoices):
    HARDSHIP = "hardship", _("Hardship file")  # 困难职工档案
    LEGAL = "legal", _("Legal help and mediation")  # 法律咨询、劳动争议调解
    COUNSELLING = "counselling", _("Counselling")  # 心理咨询


class CaseStatus(models.TextChoices):
    """Every state any kind uses; each kind's TRANSITIONS name the ones it has."""

    # hardship
    APPLIED = "applied", _("Applied")  # 已申请
    SCREENED = "screened", _("First check passed")  # 初审通过
    VISITED = "visited", _("Home visit done")  # 已入户核查
    PUBLICISED = "publicised", _("Public notice")  # 公示中
    FILED = "filed", _("On file")  # 已建档
    EXITED = "exited", _("Left the files")  # 已退档
    REJECTED = "rejected", _("Not accepted")  # 不予建档
    # legal and counselling
    RECEIVED = "received", _("Received")  # 已受理
    BOOKED = "booked", _("Booked")  # 已预约
    ASSIGNED = "assigned", _("Assigned")  # 已分派
    IN_PROGRESS = "in_progress", _("In progress")  # 处理中
    AGREED = "agreed", _("Agreement reached")  # 调解成功
    FAILED = "failed", _("Mediation failed")  # 调解不成
    REFERRED = "referred", _("Referred")  # 已转介
    CLOSED = "closed", _("Closed")  # 已结案
    CANCELLED = "cancelled", _("Cancelled")  # 已取消


class NoteLevel(models.TextChoices):
    INTERNAL = "internal", _("Case handlers")  # 经办人员可见
    RESTRICTED = "restricted", _("Assigned handler only")  # 仅承办人可见


class AttachmentKind(models.TextChoices):
    """What an attachment is (CaseAttachment.kind); the worker's own uploads are evidence."""

    VISIT_PHOTO = "visit_photo", _("Home visit photo")  # 入户核查照片
    AUTHORISATION = "authorisation", _("Signed authorisation")  # 收入核查授权书
    EVIDENCE = "evidence", _("Evidence")
    OTHER = "other", _("Other")


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Refused")


class ReferralTo(models.TextChoices):
    LEGAL_AID = "legal_aid", _("Legal aid centre")  # 法律援助
    ARBITRATION = "arbitration", _("Labour arbitration")  # 劳动争议仲裁
    COURT = "court", _("People's court")  # 人民法院
    HOSPITAL = "hospital", _("Hospital")  # 医院 / 精神卫生中心
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")  # 民政 (低保, 临时救助)
    OTHER = "other", _("Other")


# --- hardship (全国困难职工档案表) ---------------------------------------------------------


class HardshipCategory(models.TextChoices):  # 困难类别
    LOW_INCOME = "low_income", _("Household income below the local line")  # 低收入
    ILLNESS = "illness", _("Serious illness")  # 因病
    DISABILITY = "disability", _("Disability")  # 因残
    ACCIDENT = "accident", _("Accident or disaster")  # 因灾 / 意外
    EDUCATION = "education", _("Children's schooling")  # 因学
    OTHER = "other", _("Other")


class Health(models.TextChoices):  # 健康状况 (coded)
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class Disability(models.TextChoices):  # 残疾类别
    NONE = "", _("None")
    PHYSICAL = "physical", _("Physical")
    VISUAL = "visual", _("Visual")
    HEARING = "hearing", _("Hearing or speech")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class WorkStatus(models.TextChoices):  # 工作状态
    EMPLOYED = "employed", _("In work")  # 在岗
    LAID_OFF = "laid_off", _("Laid off")  # 下岗
    UNEMPLOYED = "unemployed", _("Unemployed")  # 失业
    RETIRED = "retired", _("Retired")  # 退休
    SICK_LEAVE = "sick_leave", _("On sick leave")  # 病休
    EARLY_RETIRED = "early_retired", _("Internally retired")  # 内退
    MIGRANT = "migrant", _("Migrant worker")  # 农民工


class ModelWorker(models.TextChoices):  # 劳模类型
    NONE = "", _("None")
    NATIONAL = "national", _("National model worker")
    PROVINCIAL = "provincial", _("Provincial model worker")
    CITY = "city", _("City model worker")


class Housing(models.TextChoices):  # 住房类型
    OWN = "own", _("Own home")
    RENTED = "rented", _("Rented")
    PUBLIC = "public", _("Public rental")
    DORMITORY = "dormitory", _("Dormitory")
    NONE = "none", _("No fixed home")


class AreaBand(models.TextChoices):  # 人均住房面积
    UNDER_15 = "lt15", _("Under 15 m² per person")
    FROM_15 = "15_30", _("15–30 m² per person")
    OVER_30 = "gt30", _("Over 30 m² per person")


class Marital(models.TextChoices):
    SINGLE = "single", _("Single")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Hukou(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")


class Cause(models.TextChoices):  # 致困原因 (the ten national codes)
    NO_WORK_CAPACITY = "01", _("Unable to work")  # 无劳动能力
    NOT_EMPLOYED = "02", _("Able to work but not employed")  # 有劳动能力而未就业
    LAID_OFF = "03", _("Laid off or unemployed")  # 下岗失业
    NO_INSURANCE = "04", _("Not in social insurance")  # 未参加社会保险
    INSURANCE_UNPAID = "05", _("Social insurance benefits not paid in full")  # 社会保险待遇落实不到位
    SERIOUS_ILLNESS = "06", _("Serious or major illness")  # 患重特大疾病
    DISASTER = "07", _("Natural disaster")  # 遭受自然灾害
    ACCIDENT = "08", _("Accident")  # 遭受意外事故
    SCHOOLING = "09", _("Children at school")  # 子女上学
    OTHER = "10", _("Other")  # 其他


class Grade(models.TextChoices):  # 困难程度
    DEEP = "deep", _("In deep hardship")  # 深度困难
    RELATIVE = "relative", _("In relative hardship")  # 相对困难
    SUDDEN = "sudden", _("In hardship by accident")  # 意外致困


class HelpKind(models.TextChoices):
    WARMTH = "warmth", _("Winter warmth visit")  # 送温暖
    SCHOOLING = "schooling", _("Golden autumn school aid")  # 金秋助学
    MEDICAL = "medical", _("Medical aid")  # 医疗救助
    EMPLOYMENT = "employment", _("Help into work")  # 就业帮扶
    LIVING = "living", _("Living allowance")  # 生活救助
    OTHER = "other", _("Other help")


class ExitReason(models.TextChoices):  # 退档原因
    RECOVERED = "recovered", _("Out of hardship")  # 脱困
    RETIRED = "retired", _("Retired")  # 退休
    MOVED = "moved", _("Moved away")  # 调离
    DIED = "died", _("Died")  # 死亡
    OTHER = "other", _("Other")


class FamilyRelation(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", pgettext_lazy("relation", "Other")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


# --- legal ---------------------------------------------------------------------------------


class IntakeChannel(models.TextChoices):
    PHONE = "phone", _("From the worker's phone")
    DESK = "desk", _("At a legal service room")  # 法律服务室
    COURT = "court", _("Referred by a court")  # 诉调对接


# --- counselling ---------------------------------------------------------------------------


class Instrument(models.TextChoices):
    PHQ9 = "phq9", "PHQ-9"
    GAD7 = "gad7", "GAD-7"


INSTRUMENT_ITEMS = {Instrument.PHQ9: 9, Instrument.GAD7: 7}
