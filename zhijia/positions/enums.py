from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PositionKind(models.TextChoices):
    SERVICE_CENTER = "service_center", _("Workers' service centre")  # 职工服务中心
    CULTURE_PALACE = "culture_palace", _("Workers' cultural palace")  # 工人文化宫
    OUTDOOR_STATION = "outdoor_station", _("Union station for outdoor workers")  # 工会驿站 / 户外劳动者服务站
    DRIVERS_HOME = "drivers_home", _("Drivers' home")  # 司机之家
    READING_ROOM = "reading_room", _("Workers' reading room")  # 职工书屋
    MOTHERS_ROOM = "mothers_room", _("Caring mothers' room")  # 爱心妈妈小屋
    WELLBEING_ROOM = "wellbeing_room", _("Wellbeing room")  # 心灵驿站
    CANTEEN = "canteen", _("Union canteen")  # 工会大食堂
    TALENT_STATION = "talent_station", _("Talent station")  # 人才驿站
    LEGAL_ROOM = "legal_room", _("Legal service room")  # 法律服务室
    RECUPERATION_BASE = "recuperation_base", _("Recuperation base")  # 疗休养基地
    EXCHANGE_BASE = "exchange_base", _("Workers' exchange base")  # 职工交流基地
    OTHER = "other", _("Other")


class PositionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("position status", "Open")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    MAINTENANCE = "maintenance", _("Under maintenance")


class Facility(models.TextChoices):
    """Order matters: a facility's bit in Position.facility_bits is its index here. Add new
    facilities at the end only."""

    DRINKING_WATER = "drinking_water", _("Drinking water")
    HOT_WATER = "hot_water", _("Hot water")
    MICROWAVE = "microwave", _("Microwave")
    FRIDGE = "fridge", _("Fridge")
    CHARGING = "charging", _("Phone charging")
    POWER_BANK = "power_bank", _("Power-bank lending")
    TOILET = "toilet", _("Toilet")
    AIR_CONDITIONING = "air_conditioning", _("Air-conditioning")
    SEATS = "seats", _("Seats")
    FIRST_AID = "first_aid", _("First-aid kit")
    WIFI = "wifi", _("Wi-Fi")
    BOOKS = "books", _("Books")
    UMBRELLAS = "umbrellas", _("Umbrella lending")
    REPAIR_TOOLS = "repair_tools", _("Repair tools")
    EBIKE_CHARGING = "ebike_charging", _("E-bike charging")
    NURSING_ROOM = "nursing_room", _("Nursing room")
    LOCKERS = "lockers", _("Lockers")
    SHOWER = "shower", _("Shower")


FACILITY_BITS = {code: 1 << i for i, code in enumerate(Facility.values)}


def facility_bits(codes) -> int:
    """The bit mask of a list of facility codes (unknown codes are the caller's to refuse)."""
    mask = 0
    for code in codes:
        mask |= FACILITY_BITS.get(code, 0)
    return mask


class VisitorGroup(models.TextChoices):
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")  # 外卖员
    COURIER = "courier", _("Courier")  # 快递员
    SANITATION = "sanitation", _("Sanitation worker")  # 环卫工人
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")  # 网约车司机
    TRAFFIC_POLICE = "traffic_police", _("Traffic police")  # 交警
    TRUCK_DRIVER = "truck_driver", _("Truck driver")  # 货车司机
    OTHER = "other", _("Other")


class VisitService(models.TextChoices):
    REST = "rest", _("Rest")
    WATER = "water", _("Water")
    CHARGING = "charging", _("Charging")
    HEATING_FOOD = "heating_food", _("Heating food")
    TOILET = "toilet", _("Toilet")
    CONSULTATION = "consultation", _("Consultation")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    READING = "reading", _("Reading")
    FIRST_AID = "first_aid", _("First aid")
    OTHER = "other", _("Other")
