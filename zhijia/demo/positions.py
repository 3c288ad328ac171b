"""Demo service positions (阵地) named in the seed articles, at plausible WGS-84 coordinates, and a
few weeks of anonymous station visits so the statistics pages have data.

- 河套深港职工服务中心 (福田, 河套深港科技创新合作区) is a hub: the stations, 工会大食堂 and 人才驿站
  around it name it as their hub (the article's "立体化、网络化职工服务矩阵").
- 大朗镇工人文化宫 with its 24 function rooms in four categories; 西乡中心工联会 with the 暖蜂驿站 on
  its ground floor and the nine modules of its first floor (as rooms and in the description);
  坦头村职工书屋, 沙塘镇职工服务中心, the five provincial recuperation bases of 东莞 (龙凤山庄 is named;
  the other four sites are illustrative), and outdoor-worker stations in 福田 and 宝安 with
  realistic facilities and hours (24 h, office hours, one overnight), two temporarily closed.

Everything goes through the positions services with actor=None (the seed acts as the system):
position_create, room_save, visit_record — so audit entries and service records exist as they
would in use. Idempotent: positions are matched by their station code (`DEMO-…`), rooms by name,
and visits are only seeded when the visit stations have none. Call after the org tree exists
(zhijia.demo.seed.seed).
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.orgs.models import Org
from zhijia.positions.hours import SHANGHAI
from zhijia.positions.models import Position, Room, Visit
from zhijia.positions.services import position_create, room_save, visit_record

H24 = "Daily 00:00-24:00"
OFFICE = "Mon-Fri 09:00-18:00"
NIGHT = "Daily 18:00-06:00"
STATION_FACILITIES = [
    "drinking_water",
    "hot_water",
    "microwave",
    "charging",
    "toilet",
    "air_conditioning",
    "seats",
]
RIDERS = ["delivery_rider", "courier", "sanitation", "ride_hailing", "traffic_police"]
XIXIANG_MODULES = (
    "窗口服务",
    "法律咨询",
    "劳动争议调解",
    "培训教室",
    "职工书屋",
    "心灵驿站",
    "爱心妈妈小屋",
    "活动室",
    "临展区",
)
# 大朗镇工人文化宫: 四大类24个功能室 (category: rooms as "name:capacity")
DALANG_ROOMS = {
    "职工服务": "职工服务窗口:10 职工书屋:40 亲子课堂:30 爱心托管室:25 朗工·心聆心理咨询室:6 法律咨询室:8",
    "技能培训": "技能培训室一:50 技能培训室二:50 技能培训室三:40 电商直播实训室:20 "
    "无人机实训场:30 中式面点实训室:24 电脑室:40",
    "文体健身": "健身区:40 瑜伽室:25 舞蹈室:30 声乐室:20 乒乓球室:16",
    "文化艺术": "茶艺室:16 美术室:24 书法室:24 多功能厅:200 展厅:80 职工之家活动室:40",
}


def _s(code, org, kind, name, lat, lng, address, division, hours, facilities, groups, **extra) -> dict:
    return {
        "code": code,
        "org": org,
        "kind": kind,
        "name": name,
        "lat": lat,
        "lng": lng,
        "address": address,
        "division_code": division[0],
        "division_name": division[1],
        "hours": hours,
        "facilities": facilities,
        "visitor_groups": groups,
        **extra,
    }


FT = ("440304", "广东省深圳市福田区")
BA = ("440306", "广东省深圳市宝安区")
DG = ("441900", "广东省东莞市")
HUB = "DEMO-FT-HT-HUB"
XIXIANG = "DEMO-BA-XX-GLH"
# fmt: off
STATIONS: list[dict[str, Any]] = [
    # --- 河套: the hub and its network (福田区福保街道) ---
    _s(HUB, "河套联合工会", "service_center", "河套深港职工服务中心", 22.52120, 114.06680,
       "深圳市福田区福保街道河套深港科技创新合作区深圳园区", FT,
       "Mon-Fri 09:00-21:00; Sat,Sun 10:00-18:00",
       ["drinking_water", "hot_water", "toilet", "air_conditioning", "seats", "wifi", "books",
        "first_aid", "nursing_room", "charging"], ["other", "delivery_rider", "courier"],
       phone="0755-83912026", verified=True,
       hours_exceptions={"2027-02-05": [["09:00", "12:00"]], "2027-02-06": [], "2027-02-07": []},
       hours_note="春节期间调整开放时间",
       description="1+4+3特色服务模式:开放共享、技能提升、权益保障、强企兴商四大基础服务,深港融合、湾区联动、"
       "国际链接三大创新服务。功能区:深港启航站、职工成长厅(福工学堂AI技能提升工作坊、法律服务室、心灵茶舍)、"
       "湾区梦工坊、悦享活力园。七大类23项服务清单。"),
    _s("DEMO-FT-HT-YZ1", "河套联合工会", "outdoor_station", "河套工会驿站(福保路)", 22.52360, 114.06110,
       "深圳市福田区福保街道福保路口", FT, H24, [*STATION_FACILITIES, "power_bank", "umbrellas"], RIDERS,
       hub=HUB, verified=True),
    _s("DEMO-FT-HT-YZ2", "福保街道", "outdoor_station", "皇岗口岸户外劳动者服务站", 22.52700, 114.07200,
       "深圳市福田区福保街道皇岗口岸旁", FT, "Daily 07:00-23:00",
       ["drinking_water", "charging", "toilet", "seats", "ebike_charging", "first_aid"], RIDERS, hub=HUB),
    _s("DEMO-FT-HT-ST1", "福保街道", "canteen", "福保街道工会大食堂", 22.52580, 114.05890,
       "深圳市福田区福保街道益田路福保段", FT, "Mon-Fri 07:00-09:00, 11:30-13:30, 17:30-19:30",
       ["drinking_water", "hot_water", "microwave", "toilet", "air_conditioning", "seats"],
       ["other", "delivery_rider", "courier", "sanitation"], hub=HUB, verified=True),
    _s("DEMO-FT-HT-ST2", "河套科创工会", "canteen", "河套园区工会大食堂", 22.51980, 114.06950,
       "深圳市福田区河套深港科技创新合作区园区内", FT, "Mon-Sat 11:00-14:00, 17:00-20:00",
       ["drinking_water", "microwave", "toilet", "air_conditioning", "seats"], ["other"], hub=HUB),
    _s("DEMO-FT-HT-RC1", "河套联合工会", "talent_station", "河套人才驿站", 22.52300, 114.06900,
       "深圳市福田区福保街道河套人才服务港", FT, OFFICE,
       ["drinking_water", "wifi", "seats", "air_conditioning", "toilet"], ["other"], hub=HUB),
    _s("DEMO-FT-FB-ZX", "福保街道", "service_center", "福保街道职工服务中心", 22.52750, 114.05600,
       "深圳市福田区福保街道福保社区", FT, "Mon-Fri 09:00-18:00; Sat 09:00-12:00",
       ["drinking_water", "toilet", "air_conditioning", "seats", "books", "wifi"], ["other"], hub=HUB),
    # --- 福田: outdoor-worker stations ---
    _s("DEMO-FT-YZ-CGM", "福田区总", "outdoor_station", "车公庙工会驿站", 22.53650, 114.02400,
       "深圳市福田区沙头街道车公庙地铁站B口", FT, H24, [*STATION_FACILITIES, "fridge", "lockers"], RIDERS,
       verified=True),
    _s("DEMO-FT-YZ-HQB", "福田区总", "outdoor_station", "华强北户外劳动者服务站", 22.54400, 114.08700,
       "深圳市福田区华强北街道华强北路", FT, "Mon-Fri 08:00-20:00",
       ["drinking_water", "charging", "toilet", "seats", "microwave"], RIDERS),
    _s("DEMO-FT-YZ-CBD", "福田区总", "outdoor_station", "福田CBD夜间工会驿站", 22.54060, 114.05500,
       "深圳市福田区福田街道金田路", FT, NIGHT,
       ["drinking_water", "hot_water", "charging", "toilet", "microwave", "seats", "power_bank"], RIDERS,
       hours_note="夜间开放,服务夜班骑手与环卫工人"),
    _s("DEMO-FT-YZ-ML", "福田区总", "outdoor_station", "梅林工会驿站", 22.56800, 114.05200,
       "深圳市福田区梅林街道梅林路", FT, "Daily 08:00-22:00",
       ["drinking_water", "charging", "toilet", "seats"], RIDERS,
       status="temporarily_closed", hours_note="装修升级,暂停开放"),
    # --- 宝安 西乡 ---
    _s(XIXIANG, "西乡工联会", "service_center", "西乡中心工联会职工服务阵地", 22.57860, 113.88530,
       "深圳市宝安区西乡街道流塘社区流塘置地大厦二楼", BA, "Mon-Fri 09:00-21:00; Sat,Sun 09:00-18:00",
       ["drinking_water", "hot_water", "toilet", "air_conditioning", "seats", "wifi", "books",
        "nursing_room"], ["other", "delivery_rider", "courier", "ride_hailing"], verified=True,
       phone="0755-27812026",
       description="依托流塘社区“百姓客厅”党群服务阵地。一楼临街设暖蜂驿站;二楼九大功能模块:"
       + "、".join(XIXIANG_MODULES)
       + "。服务流塘、桃源、臣田、凤凰岗、铁岗、富华、龙腾7个社区及36个工业园区。"),
    _s("DEMO-BA-XX-NF", "西乡工联会", "outdoor_station", "暖蜂驿站", 22.57850, 113.88510,
       "深圳市宝安区西乡街道流塘置地大厦一楼临街", BA, H24,
       [*STATION_FACILITIES, "fridge", "power_bank", "ebike_charging", "umbrellas", "repair_tools"],
       RIDERS,
       hub=XIXIANG, verified=True),
    _s("DEMO-BA-YZ-GS", "固戍社区", "outdoor_station", "固戍工会驿站", 22.59900, 113.85300,
       "深圳市宝安区西乡街道固戍社区", BA, H24, STATION_FACILITIES, RIDERS),
    _s("DEMO-BA-YZ-TY", "西乡街道", "outdoor_station", "桃源夜间户外劳动者服务站", 22.56500, 113.88000,
       "深圳市宝安区西乡街道桃源社区", BA, NIGHT,
       ["drinking_water", "hot_water", "charging", "toilet", "seats"], RIDERS),
    _s("DEMO-BA-YZ-ZX", "宝安区总", "outdoor_station", "宝安中心区户外劳动者服务站", 22.55600, 113.88300,
       "深圳市宝安区新安街道宝安中心区", BA, OFFICE,
       ["drinking_water", "charging", "toilet", "seats", "wifi"], RIDERS),
    _s("DEMO-BA-YZ-CT", "臣田园区", "outdoor_station", "臣田工业园工会驿站", 22.58800, 113.87000,
       "深圳市宝安区西乡街道臣田工业园", BA, "Mon-Sat 08:00-20:00",
       ["drinking_water", "microwave", "toilet", "seats"],
       [*RIDERS, "truck_driver"], status="temporarily_closed", hours_note="园区改造,暂停服务"),
    # --- 东莞, 广州, 江门, 中山 ---
    _s("DEMO-DG-DL-GWG", "大朗镇", "culture_palace", "大朗镇工人文化宫", 22.94050, 113.94200,
       "东莞市大朗镇美景中路", DG, "Tue-Sun 09:00-21:00",
       ["drinking_water", "hot_water", "toilet", "air_conditioning", "seats", "wifi", "books", "nursing_room",
        "first_aid"], ["other"], verified=True, phone="0769-83012026",
       description="四大类24个功能室:职工服务窗口、技能培训室、职工书屋、亲子课堂、健身区、茶艺室、美术室等;"
       "“朗工·心聆”心理关爱品牌。"),
    _s("DEMO-GZ-NS-TT", "南沙区总", "reading_room", "坦头村职工书屋", 22.79050, 113.56520,
       "广州市南沙区南沙街道坦头村", ("440115", "广东省广州市南沙区"), "Wed 14:00-20:00; Sat,Sun 09:00-17:00",
       ["drinking_water", "books", "seats", "air_conditioning", "toilet"], ["other"]),
    _s("DEMO-GZ-BY-YP", "白云区总", "outdoor_station", "永平街岭南新世界工会暖心驿站", 23.22300, 113.30500,
       "广州市白云区永平街道岭南新世界片区党群服务中心", ("440111", "广东省广州市白云区"),
       "Daily 08:00-22:00",
       STATION_FACILITIES, RIDERS),
    _s("DEMO-JM-KP-ST", "江门市总", "service_center", "沙塘镇职工服务中心", 22.43100, 112.61600,
       "江门开平市沙塘镇", ("440783", "广东省江门市开平市"), OFFICE,
       ["drinking_water", "toilet", "seats", "air_conditioning", "books"], ["other", "truck_driver"]),
    _s("DEMO-ZS-ZX", "中山市总", "service_center", "中山市职工服务中心", 22.51700, 113.39300,
       "中山市东区", ("442000", "广东省中山市"), "Mon-Fri 08:30-17:30",
       ["drinking_water", "toilet", "seats", "air_conditioning", "wifi"], ["other"]),
]
RECUPERATION = (  # 东莞: 5 provincial bases; 龙凤山庄 (港澳侨胞项目) is named in the seed
    ("龙凤山庄", 22.74500, 114.14000, "凤岗镇"),
    ("松山湖", 22.91500, 113.89000, "松山湖"),
    ("观音山", 22.98200, 114.06600, "樟木头镇"),
    ("银瓶山", 22.86800, 114.22500, "谢岗镇"),
    ("水濂山", 22.97000, 113.74800, "南城街道"),
)
STATIONS += [
    _s(f"DEMO-DG-LXY-{n}", "东莞市总", "recuperation_base", f"东莞市职工疗休养基地({place})", lat, lng,
       f"东莞市{town}", DG, "Daily 08:00-22:00",
       ["drinking_water", "hot_water", "toilet", "air_conditioning", "seats", "wifi", "shower", "first_aid"],
       ["other"], verified=True, description="省级职工疗休养基地" + ("(港澳侨胞项目)" if n == 1 else ""))
    for n, (place, lat, lng, town) in enumerate(RECUPERATION, start=1)
]
ROOMS: dict[str, list[tuple[str, ...]]] = {
    "DEMO-DG-DL-GWG": [
        (category, *item.split(":")) for category, items in DALANG_ROOMS.items() for item in items.split()
    ],
    XIXIANG: [("二楼功能模块", name, "20") for name in XIXIANG_MODULES],
}
# fmt: on


def _org(name: str) -> Org:
    org = Org.objects.filter(short_name=name).first() or Org.objects.filter(name=name).first()
    if org is None:
        raise LookupError(f"demo org {name!r} missing: seed the demo tree first")
    return org


def _create(spec: dict[str, Any], by_code: dict[str, Position]) -> Position:
    data = {k: v for k, v in spec.items() if k not in {"org", "hub"}}
    hub = by_code.get(spec.get("hub", ""))
    if hub is not None:
        data["hub_id"] = str(hub.pk)
    return position_create(actor=None, org=_org(spec["org"]), data=data)


@transaction.atomic
def seed_positions() -> int:
    """Create the demo positions and their rooms that do not exist yet; returns how many
    positions were created (0 on a second run). Needs the demo org tree."""
    by_code = {str(p.code): p for p in Position.objects.filter(code__startswith="DEMO-")}
    created = 0
    for spec in STATIONS:  # hubs come before their spokes in STATIONS
        if spec["code"] not in by_code:
            by_code[spec["code"]] = _create(spec, by_code)
            created += 1
    for code, rooms in ROOMS.items():
        position = by_code[code]
        existing = set(Room.objects.filter(position=position).values_list("name", flat=True))
        for category, name, capacity in rooms:
            if name not in existing:
                room_save(
                    actor=None,
                    position=position,
                    data={"name": name, "category": category, "capacity": int(capacity)},
                )
    return created


# fmt: off
# Visits: (station code, visits per day (weekday, weekend), visitor-group weights, hours of day)
VISIT_PLAN = (
    ("DEMO-FT-HT-YZ1", (18, 12), {"delivery_rider": 8, "courier": 4, "sanitation": 2, "traffic_police": 1},
     (7, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22)),
    ("DEMO-BA-XX-NF", (24, 16), {"delivery_rider": 9, "courier": 5, "ride_hailing": 3, "sanitation": 2},
     (6, 10, 11, 12, 13, 15, 17, 18, 19, 21, 23)),
    ("DEMO-FT-YZ-CGM", (14, 10), {"delivery_rider": 6, "courier": 3, "ride_hailing": 2, "traffic_police": 2},
     (0, 2, 8, 11, 12, 13, 17, 18, 19, 20)),
    (HUB, (10, 6), {"other": 6, "delivery_rider": 2, "courier": 1}, (10, 11, 14, 15, 16, 17)),
)
# fmt: on
GROUP_SERVICES = {
    "delivery_rider": ("rest", "water", "charging", "heating_food", "toilet"),
    "courier": ("rest", "water", "charging", "heating_food", "toilet"),
    "sanitation": ("rest", "water", "heating_food", "toilet"),
    "ride_hailing": ("rest", "water", "charging", "toilet"),
    "traffic_police": ("rest", "water", "toilet", "first_aid"),
    "other": ("consultation", "legal_advice", "reading", "rest", "water"),
}


def seed_visits(days: int = 21, today: date | None = None) -> int:
    """Anonymous visits over the `days` days up to `today` (Asia/Shanghai) at four stations,
    through visit_record (each one a service record). Deterministic for a given `today` (fixed
    random seed); skipped entirely (returns 0) when those stations already have visits. Needs
    seed_positions. Returns how many visits were recorded."""
    stations = {p.code: p for p in Position.objects.filter(code__in=[plan[0] for plan in VISIT_PLAN])}
    if len(stations) < len(VISIT_PLAN) or Visit.objects.filter(position__in=stations.values()).exists():
        return 0
    rng = random.Random(20260128)
    now = timezone.now()
    today = today or now.astimezone(SHANGHAI).date()
    created = 0
    with transaction.atomic():
        for offset in range(days - 1, -1, -1):
            day = today - timedelta(days=offset)
            for code, (weekday_n, weekend_n), groups, hours in VISIT_PLAN:
                base = weekend_n if day.weekday() >= 5 else weekday_n
                for _ in range(max(0, base + rng.randint(-base // 3, base // 3))):
                    at = datetime.combine(day, time(rng.choice(hours), rng.randrange(60)), tzinfo=SHANGHAI)
                    if at > now:
                        continue
                    group = rng.choices(list(groups), weights=list(groups.values()))[0]
                    offered = GROUP_SERVICES[group]
                    services = rng.sample(offered, rng.randint(1, min(3, len(offered))))
                    visit_record(
                        actor=None, position=stations[code], visitor_group=group, services=services, at=at
                    )
                    created += 1
    return created
