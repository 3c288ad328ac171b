"""Demo members: ~40 named people in the demo enterprise unions and the 西乡 street union, and
any number of generated ones for benchmarks (`seed_demo --members N`).

They go in through the ledger importer's own path (members.ledgers.importer: clean_person per
row, bulk writes, member numbers from the counters), so every demo member passes the API's
rules. ID numbers are valid GB 11643 numbers (check digit computed); no phone is the demo
worker's 13800000001, who must stay a non-member so the joining journey works in the demo.
Idempotent: people are matched by blind index, so a second run creates nothing.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from zhijia.members.enums import MemberStatus
from zhijia.members.ledgers.importer import apply_prepared, import_context, prepare_row
from zhijia.members.models import Membership, MembershipEvent
from zhijia.orgs.access import Scope
from zhijia.orgs.models import Org

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
ROOT_UNIT = "深圳市总工会"
BATCH = 1000

UNIONS = {
    "科创": "深圳河套深港科创有限公司工会委员会",
    "福保": "深圳福保精密电子有限公司工会委员会",
    "河套": "河套深港职工服务中心联合工会",
    "固戍": "西乡固戍社区工会联合会",
    "臣田": "西乡臣田工业园工会",
    "西乡": "宝安区西乡街道总工会",  # the street union: riders, couriers and drivers
}
EMPLOYERS = {"科创公司": "深圳河套深港科创有限公司", "福保公司": "深圳福保精密电子有限公司"}
BAOAN = ("固戍", "臣田", "西乡")
HUKOU = ("湖南省长沙市", "江西省南昌市", "广西壮族自治区", "广东省深圳市", "河南省南阳市")
# name, union (UNIONS key), occupation, employer, job, retained (保留会籍)
PEOPLE = [
    (
        "张伟",
        "科创",
        "企业职工",
        "科创公司",
        "软件工程师",
        False,
    ),
    (
        "王芳",
        "科创",
        "企业职工",
        "科创公司",
        "测试工程师",
        False,
    ),
    ("李娜", "科创", "企业职工", "科创公司", "行政专员", False),
    ("刘洋", "科创", "企业职工", "科创公司", "产品经理", False),
    ("陈静", "科创", "企业职工", "科创公司", "会计", True),
    (
        "欧阳晓东",
        "科创",
        "企业职工",
        "科创公司",
        "架构师",
        False,
    ),
    ("杨磊", "福保", "企业职工", "福保公司", "装配工", False),
    ("赵敏", "福保", "企业职工", "福保公司", "质检员", False),
    (
        "黄晓明",
        "福保",
        "企业职工",
        "福保公司",
        "数控车工",
        False,
    ),
    ("周杰", "福保", "企业职工", "福保公司", "焊工", False),
    ("吴婷", "福保", "企业职工", "福保公司", "仓管员", False),
    ("徐强", "福保", "企业职工", "福保公司", "电工", True),
    ("孙丽", "福保", "企业职工", "福保公司", "操作工", False),
    ("吕𠀀", "福保", "企业职工", "福保公司", "模具工", False),
    ("马超", "河套", "环卫工人", "福田区环卫所", "清扫工", False),
    ("朱红", "河套", "家政服务员", "好帮手家政公司", "育婴员", False),
    ("胡斌", "河套", "网约车司机", "", "网约车司机", False),
    ("郭靖", "河套", "快递员", "顺捷快递福保网点", "快递员", False),
    ("何梅", "河套", "企业职工", "河套餐饮服务公司", "厨师", True),
    ("高峰", "固戍", "企业职工", "固戍五金制品厂", "冲压工", False),
    ("林小燕", "固戍", "企业职工", "固戍服装厂", "缝纫工", False),
    ("罗平", "固戍", "货车司机", "西乡物流园", "货车司机", False),
    ("上官婉儿", "固戍", "网络主播", "固戍直播基地", "主播", False),
    ("曾志伟", "固戍", "企业职工", "固戍五金制品厂", "仓管员", True),
    ("谢思", "臣田", "企业职工", "臣田电子厂", "贴片工", False),
    ("韩雪", "臣田", "企业职工", "臣田电子厂", "质检员", False),
    ("唐俊", "臣田", "企业职工", "臣田塑胶厂", "注塑工", False),
    ("冯浩", "臣田", "企业职工", "臣田塑胶厂", "机修工", False),
    ("邓丽", "臣田", "企业职工", "臣田电子厂", "文员", False),
    ("彭宇", "西乡", "外卖配送员", "", "骑手", False),
    ("蒋欣", "西乡", "外卖配送员", "", "骑手", False),
    ("蔡明亮", "西乡", "外卖配送员", "", "骑手", False),
    ("田甜", "西乡", "快递员", "", "快递员", False),
    ("董建国", "西乡", "快递员", "", "快递员", False),
    ("潘越", "西乡", "网约车司机", "", "网约车司机", False),
    ("袁泉", "西乡", "货车司机", "", "货车司机", False),
    ("于洋", "西乡", "家政服务员", "", "保洁员", False),
    ("叶青", "西乡", "其他灵活就业", "", "外墙清洗", False),
    ("苏晴", "西乡", "外卖配送员", "", "骑手", True),
    ("阿依古丽", "西乡", "外卖配送员", "", "骑手", False),
]
REGIONS = ("440304", "440306", "430102", "360102", "452101", "511502", "411302", "445202")
ETHNIC = {"阿依古丽": "维吾尔族", "韩雪": "朝鲜族", "罗平": "壮族", "谢思": "土家族"}
EDUCATION = ("大学本科", "大学专科", "高中", "中专/中技", "初中及以下", "研究生")
POLITICAL = ("群众", "群众", "共青团员", "中共党员")
SKILLS = ("无", "五级/初级工", "四级/中级工", "三级/高级工", "二级/技师")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅志飞鹏辉晓燕宇浩然欣怡子轩"


@dataclass
class MembersResult:
    created: int
    retained: int


def cn_id(region: str, birth: date, seq: int) -> str:
    """A valid 18-digit resident ID: region, birth date, a 3-digit sequence (odd: a man) and
    the ISO 7064 MOD 11-2 check character."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def _row(index: int, name: str, union: str, occupation: str, employer: str, job: str) -> dict[str, str]:
    """Named demo member `index` (1..99): a random birth date, a sequence unique per index."""
    rng = random.Random(index)
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(38 * 365))
    number = cn_id(REGIONS[index % len(REGIONS)], birth, index * 2 + index % 2)
    return _fields(rng, index, name, union, occupation, employer, job, number, f"1391{index:07d}")


def _fields(rng, index, name, union, occupation, employer, job, number, phone) -> dict[str, str]:
    return {
        "name": name,
        "id_type": "居民身份证",
        "id_number": number,
        "gender": "",
        "birth_date": "",
        "phone": phone,
        "ethnicity": ETHNIC.get(name, "汉族"),
        "education": rng.choice(EDUCATION),
        "political_status": rng.choice(POLITICAL),
        "hukou_place": rng.choice(HUKOU),
        "residence": "广东省深圳市"
        + ("宝安区西乡街道" if union in ("固戍", "臣田", "西乡") else "福田区福保街道"),
        "employer": EMPLOYERS.get(employer, employer),
        "job_title": job,
        "occupation": occupation,
        "migrant_worker": "是" if index % 3 else "否",
        "skill_level": rng.choice(SKILLS),
        "joined_on": (date(2015, 1, 1) + timedelta(days=rng.randrange(3500))).isoformat(),
        "org": UNIONS[union],
    }


def _import(rows: list[dict[str, str]], first_number: int) -> tuple[int, list[str]]:
    """Import rows through the ledger path as the system (no actor); returns (created, errors)."""
    unit = Org.objects.get(name=ROOT_UNIT)
    ctx = import_context(actor=None, unit=unit, scope=Scope((unit.path,), ()))
    prepared, errors = [], []
    for number, row in enumerate(rows, start=first_number):
        try:
            prepared.append(prepare_row(ctx, number, row))
        except Exception as exc:  # demo data must be valid: surface the reason
            errors.append(f"{number}: {getattr(exc, 'fields', exc)}")
    result = apply_prepared(ctx, prepared)
    return result.counts["created"], errors + [str(e) for e in result.errors]


@transaction.atomic
def seed_members() -> MembersResult:
    """The ~40 named demo members (some with 保留会籍). Idempotent."""
    rows = [_row(i + 1, *person[:5]) for i, person in enumerate(PEOPLE)]
    created, errors = _import(rows, 1)
    if errors:
        raise ValueError(f"demo members are not valid: {errors[:3]}")
    retained = _retain([_row(i + 1, *p[:5])["id_number"] for i, p in enumerate(PEOPLE) if p[5]])
    return MembersResult(created=created, retained=retained)


def _retain(id_numbers: list[str]) -> int:
    from zhijia.members.validation import id_index

    indexes = [id_index("cn_resident", n) for n in id_numbers]
    memberships = list(
        Membership.objects.filter(person__id_index__in=indexes, status=MemberStatus.MEMBER).select_related(
            "org"
        )
    )
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(status=MemberStatus.RETAINED)
    MembershipEvent.objects.bulk_create(
        [
            MembershipEvent(membership=m, kind="retained", from_org=m.org, note="demo: retired")
            for m in memberships
        ]
    )
    return len(memberships)


def generated_row(index: int) -> dict[str, str]:
    """Generated member `index` (deterministic: the same index is the same person). The ID
    number is a bijection of the index (region, birth date, sequence), so no two collide."""
    rng = random.Random(1_000_000 + index)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    union, occupation, employer, job = rng.choice([p[1:5] for p in PEOPLE])
    k = index // len(REGIONS)
    birth = date(1966, 1, 1) + timedelta(days=k % 13_000 * 7919 % 13_000)
    seq = 200 + (k // 13_000) * 2 + index % 2  # named members use sequences below 200
    number = cn_id(REGIONS[index % len(REGIONS)], birth, seq)
    return _fields(rng, index, name, union, occupation, employer, job, number, f"15{index:09d}")


def seed_generated(count: int) -> int:
    """Ensure generated members 1..count exist (batches of BATCH rows, bulk writes); returns
    how many were created. Running again with the same count creates none."""
    created = 0
    for start in range(1, count + 1, BATCH):
        rows = [generated_row(i) for i in range(start, min(start + BATCH, count + 1))]
        with transaction.atomic():
            made, errors = _import(rows, start)
        if errors:
            raise ValueError(f"generated members are not valid: {errors[:3]}")
        created += made
    return created
