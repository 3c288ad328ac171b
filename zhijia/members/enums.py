from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdType(models.TextChoices):
    CN_RESIDENT = "cn_resident", _("Resident identity card")  # 居民身份证
    HK_ID = "hk_id", _("Hong Kong identity card")  # 香港身份证
    HK_MACAU_PERMIT = "hk_macau_permit", _("Mainland travel permit for Hong Kong and Macao residents")
    TW_PERMIT = "tw_permit", _("Mainland travel permit for Taiwan residents")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit for Hong Kong, Macao and Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent resident ID card")
    PASSPORT = "passport", _("Passport")


# GB 3304-1991 codes of the 56 ethnic groups (names are kept in Chinese in every language,
# as on identity cards), plus 97 其他 and 98 外国血统中国籍人士.
_ETHNIC_NAMES = (  # noqa: SIM905 - a list literal of 56 names would be 56 lines
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 "
    "纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 "
    "锡伯族 阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 "
    "裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
ETHNICITIES = [(f"{i:02d}", name) for i, name in enumerate(_ETHNIC_NAMES, start=1)] + [
    ("97", "其他"),
    ("98", "外国血统中国籍人士"),
]


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("Junior college")
    VOCATIONAL = "vocational", _("Secondary vocational school")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR_OR_BELOW = "junior_or_below", _("Junior middle school or below")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    LEAGUE_MEMBER = "league_member", _("Communist Youth League member")
    DEMOCRATIC_PARTY = "democratic_party", _("Member of a democratic party")
    MASSES = "masses", _("Ordinary citizen")  # 群众


class Occupation(models.TextChoices):
    EMPLOYEE = "employee", _("Enterprise employee")
    SANITATION = "sanitation", _("Sanitation worker")  # 环卫工人
    DELIVERY_RIDER = "delivery_rider", _("Food delivery rider")  # 外卖配送员
    COURIER = "courier", _("Courier")  # 快递员
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")  # 网约车司机
    TRUCK_DRIVER = "truck_driver", _("Truck driver")  # 货车司机
    STREAMER = "streamer", _("Online streamer")  # 网络主播
    DOMESTIC = "domestic", _("Domestic worker")  # 家政服务员
    FLEXIBLE_OTHER = "flexible_other", _("Other flexible employment")  # 其他灵活就业
    OTHER = "other", pgettext_lazy("occupation", "Other")


# New-employment-form workers (新就业形态劳动者): routed to the street/park union where they work.
NEW_EMPLOYMENT_FORMS = {
    Occupation.DELIVERY_RIDER, Occupation.COURIER, Occupation.RIDE_HAILING, Occupation.TRUCK_DRIVER,
    Occupation.STREAMER, Occupation.DOMESTIC, Occupation.FLEXIBLE_OTHER,
}  # fmt: skip


class SkillLevel(models.TextChoices):
    NONE = "none", _("None")
    LEVEL5 = "level5", _("Level 5 / junior worker")  # 五级/初级工
    LEVEL4 = "level4", _("Level 4 / intermediate worker")  # 四级/中级工
    LEVEL3 = "level3", _("Level 3 / senior worker")  # 三级/高级工
    LEVEL2 = "level2", _("Level 2 / technician")  # 二级/技师
    LEVEL1 = "level1", _("Level 1 / senior technician")  # 一级/高级技师


class MemberStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")  # 申请中
    MEMBER = "member", _("Member")  # 会员
    RETAINED = "retained", _("Membership retained")  # 保留会籍 (retirement, lay-off)
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")  # 已转出
    WITHDRAWN = "withdrawn", _("Withdrawn")  # 已退会


ACTIVE_STATUSES = (MemberStatus.MEMBER, MemberStatus.RETAINED)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")


class ApplicationSource(models.TextChoices):
    H5 = "h5", _("Online (H5)")
    QR = "qr", _("Scan-to-join QR")
    STAFF = "staff", _("Entered by staff")
    API = "api", _("Mini-program / API")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class Relation(models.TextChoices):
    CHILD = "child", _("Child")
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")


class ConsentPurpose(models.TextChoices):
    """What a consent covers. Every processing that rests on one asks
    `zhijia.members.consent.consent_given(person, purpose)` at the point of use."""

    SENSITIVE = "sensitive", _("Processing of sensitive personal information for union membership")
    MINOR = "minor", _("Processing of my children's information")
    JOB_MATCHING = "job_matching", _("Matching me with job openings (employment services)")
    SCREENING = "screening", _("Psychological screening questionnaires (counselling)")
    MARKETING_SMS = "marketing_sms", _("Text messages about union activities and benefits")
    MERCHANT_SHARING = "merchant_sharing", _("Showing my masked name to merchants when I use a voucher")


# Purposes a member opts in to themselves (in "My data"); never declared by an importing union.
OPT_IN_PURPOSES = (
    ConsentPurpose.JOB_MATCHING,
    ConsentPurpose.SCREENING,
    ConsentPurpose.MARKETING_SMS,
    ConsentPurpose.MERCHANT_SHARING,
)


class ConsentBasis(models.TextChoices):
    """How a consent was obtained: by the person online, or declared by the union that imported
    them (with the notice version the person was shown on paper)."""

    ONLINE = "online", _("Given by the member online")
    PAPER_FORM = "paper_form", _("Signed on the paper membership application form")
    UNION_RECORD = "union_record", _("Held on record by the union in another system")


DECLARED_BASES = (ConsentBasis.PAPER_FORM, ConsentBasis.UNION_RECORD)


class DataRequestKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    DELETION = "deletion", _("Deletion")


class DataRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")
