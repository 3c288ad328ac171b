from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.TextChoices):
    NATIONAL = "national", _("National federation")  # 全国总工会
    PROVINCE = "province", _("Province")  # 省总工会
    CITY = "city", _("City")  # 市总工会
    DISTRICT = "district", _("District / county")  # 区/县总工会
    STREET = "street", _("Street / town")  # 街道/镇总工会
    FEDERATION = "federation", _("Park / industry federation")  # 园区/行业联合会, 工联会
    GRASSROOTS = "grassroots", _("Grassroots union")  # 基层工会


# A child's level must come after its parent's in this order. Federations (工联会, park and
# industry federations) sit under a district or a street, and may nest in one another.
LEVEL_RANK = {
    OrgLevel.NATIONAL: 0,
    OrgLevel.PROVINCE: 10,
    OrgLevel.CITY: 20,
    OrgLevel.DISTRICT: 30,
    OrgLevel.STREET: 40,
    OrgLevel.FEDERATION: 45,
    OrgLevel.GRASSROOTS: 50,
}


def level_allowed(parent_level: str, child_level: str) -> bool:
    if parent_level == child_level == OrgLevel.FEDERATION:
        return True
    return LEVEL_RANK[OrgLevel(child_level)] > LEVEL_RANK[OrgLevel(parent_level)]


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISSOLVED = "dissolved", _("Dissolved")


class Separation(models.TextChoices):
    """三员分立: no account may hold roles of two different classes."""

    SYSTEM = "system", _("System administrator")
    SECURITY = "security", _("Security administrator")
    AUDIT = "audit", _("Auditor")
