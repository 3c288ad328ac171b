"""Fixed Chinese labels for spreadsheets and map-platform exports: files are read back (and
uploaded to 高德/百度) whatever language the console uses."""

from .enums import Facility, PositionKind, PositionStatus, VisitorGroup

KIND_LABELS = {
    PositionKind.SERVICE_CENTER: "职工服务中心",
    PositionKind.CULTURE_PALACE: "工人文化宫",
    PositionKind.OUTDOOR_STATION: "工会驿站",
    PositionKind.DRIVERS_HOME: "司机之家",
    PositionKind.READING_ROOM: "职工书屋",
    PositionKind.MOTHERS_ROOM: "爱心妈妈小屋",
    PositionKind.WELLBEING_ROOM: "心灵驿站",
    PositionKind.CANTEEN: "工会大食堂",
    PositionKind.TALENT_STATION: "人才驿站",
    PositionKind.LEGAL_ROOM: "法律服务室",
    PositionKind.RECUPERATION_BASE: "疗休养基地",
    PositionKind.EXCHANGE_BASE: "职工交流基地",
    PositionKind.OTHER: "其他",
}
STATUS_LABELS = {
    PositionStatus.OPEN: "开放",
    PositionStatus.TEMPORARILY_CLOSED: "暂停开放",
    PositionStatus.MAINTENANCE: "维护中",
}
FACILITY_LABELS = {
    Facility.DRINKING_WATER: "饮用水",
    Facility.HOT_WATER: "热水",
    Facility.MICROWAVE: "微波炉",
    Facility.FRIDGE: "冰箱",
    Facility.CHARGING: "手机充电",
    Facility.POWER_BANK: "充电宝借用",
    Facility.TOILET: "卫生间",
    Facility.AIR_CONDITIONING: "空调",
    Facility.SEATS: "座椅",
    Facility.FIRST_AID: "急救药箱",
    Facility.WIFI: "无线网络",
    Facility.BOOKS: "图书",
    Facility.UMBRELLAS: "爱心雨伞",
    Facility.REPAIR_TOOLS: "维修工具",
    Facility.EBIKE_CHARGING: "电动车充电",
    Facility.NURSING_ROOM: "母婴室",
    Facility.LOCKERS: "储物柜",
    Facility.SHOWER: "淋浴",
}
GROUP_LABELS = {
    VisitorGroup.DELIVERY_RIDER: "外卖员",
    VisitorGroup.COURIER: "快递员",
    VisitorGroup.SANITATION: "环卫工人",
    VisitorGroup.RIDE_HAILING: "网约车司机",
    VisitorGroup.TRAFFIC_POLICE: "交警",
    VisitorGroup.TRUCK_DRIVER: "货车司机",
    VisitorGroup.OTHER: "其他",
}


def to_code(text: str, labels: dict) -> str:
    """The code for a Chinese label, a code, or the label in the active language; unknown text
    comes back unchanged so the validation reports it."""
    wanted = text.strip().lower()
    for code, label in labels.items():
        if wanted in {code.value, label.lower(), str(code.label).lower()}:
            return code.value
    return text.strip()
