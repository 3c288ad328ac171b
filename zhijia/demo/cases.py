"""Demo help and rights (issue 13), from the seed articles:

- 平利县总工会's 困难职工档案 ("一户一档"): households with their family members, the local 低保
  line, the yearly 送温暖 and 金秋助学 funds, files in every stage — filed with help records,
  one on public notice now (the 公示 page shows it, name masked), one just applied;
- 西乡街道总工会's 法律服务室 with a mediator of the expert pool (`mediator_demo`, 李文律师):
  a rider's unpaid wages in mediation, an agreement reached, a consultation just received;
- 大朗镇总工会's 心灵驿站 ("朗工·心聆") with a counsellor (`counsellor_demo`, 何心怡): one booking
  waiting, one in sessions (its notes are hers alone), the unit's crisis contact and hotline.

Everything goes in through zhijia.casework.services (the system as the actor; the counsellor's
and mediator's own steps as themselves). Idempotent: a case is matched by (unit, kind, name), an
expert by (pool, name), a fund by (unit, year, name); a second run creates nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.models import User
from zhijia.casework.models import Case, CaseSettings, HardshipFile, HelpFund
from zhijia.casework.services.cases import case_create, case_step, note_add
from zhijia.dispatch.models import Expert
from zhijia.dispatch.services.experts import expert_link_user, expert_save
from zhijia.orgs.models import Org

PINGLI = "平利县总工会"
XIXIANG = "宝安区西乡街道总工会"
DALANG = "东莞市大朗镇总工会"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def demo_id(region: str, birth: str, seq: int) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


HOUSEHOLDS = [
    # name, birth, seq, file fields, family [(name, relation, birth, seq, health, income, school)],
    # stage, help
    (
        "陈德华",
        "19720315",
        11,
        {"own_income": "1200", "other_income": "300", "household_size": 4, "work_status": "laid_off",
         "cause_main": "06", "causes_other": ["09"], "grade": "deep", "health": "chronic",
         "category": "illness", "address": "平利县城关镇长安路", "housing": "own", "area_band": "lt15"},
        [("刘秀兰", "spouse", "19740602", 12, "serious", "0", ""),
         ("陈小雨", "child", "20060911", 13, "healthy", "0", "平利中学"),
         ("陈小阳", "child", "20120120", 14, "healthy", "0", "城关小学")],
        "filed",
        [("warmth", "800"), ("schooling", "2000")],
    ),
    (
        "王桂芳",
        "19680821",
        21,
        {"own_income": "900", "other_income": "0", "household_size": 2, "work_status": "unemployed",
         "cause_main": "03", "grade": "relative", "marital": "widowed", "single_parent": True,
         "category": "low_income", "address": "平利县长安镇"},
        [("王晓东", "child", "20080305", 22, "disabled", "0", "")],
        "filed",
        [("warmth", "800"), ("medical", "3000")],
    ),
    (
        "张建国",
        "19800110",
        31,
        {"own_income": "1000", "other_income": "800", "household_size": 3, "work_status": "migrant",
         "cause_main": "08", "grade": "sudden", "category": "accident", "address": "平利县老县镇"},
        [("李春梅", "spouse", "19820416", 32, "healthy", "800", "平利县茶叶合作社")],
        "publicised",
        [],
    ),
    (
        "刘玉珍",
        "19750930",
        41,
        {"own_income": "1100", "other_income": "0", "household_size": 2, "work_status": "sick_leave",
         "cause_main": "06", "grade": "relative", "category": "illness"},
        [],
        "applied",
        [],
    ),
]  # fmt: skip


def _ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def _org(name: str) -> Org | None:
    return Org.objects.filter(name=name).first()


def _expert(org: Org, name: str, title: str, username: str) -> Expert:
    expert = Expert.objects.filter(org=org, name=name).first()
    if expert is None:
        expert = expert_save(actor=None, org=org, name=name, title=title, bio=title)
    user = User.objects.filter(username=username).first()
    if user is not None and expert.user_id is None and not Expert.objects.filter(user=user).exists():
        expert = expert_link_user(actor=None, expert=expert, user=user)
    return expert


def _case(org: Org, kind: str, name: str) -> Case | None:
    return Case.objects.filter(org=org, kind=kind, subject_name=name).first()


def _pingli(org: Org) -> int:
    created = 0
    CaseSettings.objects.get_or_create(org=org, defaults={"dibao_line": Decimal("720")})
    year = timezone.localdate().year
    funds = {}
    for name, amount in (("送温暖资金", "200000"), ("金秋助学资金", "100000"), ("医疗救助资金", "80000")):
        funds[name], made = HelpFund.objects.get_or_create(
            org=org, year=year, name=name, defaults={"amount": Decimal(amount)}
        )
        created += made
    fund_of = {"warmth": "送温暖资金", "schooling": "金秋助学资金", "medical": "医疗救助资金"}
    for name, birth, seq, fields, family, stage, helps in HOUSEHOLDS:
        if _case(org, "hardship", name) is not None:
            continue
        members = [
            {"name": n, "relation": r, "id_number": demo_id("610926", b, s), "health": h, "income": i,
             "school_or_employer": w}
            for n, r, b, s, h, i, w in family
        ]  # fmt: skip
        case = case_create(
            actor=None,
            kind="hardship",
            org=org,
            data={"name": name, "id_number": demo_id("610926", birth, seq), "members": members, **fields},
        )
        created += 1
        if stage == "applied":
            continue
        case_step(actor=None, case=case, step="screen", data={})
        case_step(
            actor=None,
            case=case,
            step="visit",
            data={
                "visit_record": "入户核查：家庭成员、收入与申请一致，住房狭小。",
                "income_check_signed": True,
            },
        )
        case_step(actor=None, case=case, step="publicise", data={})
        if stage == "publicised":
            continue
        # the 公示 of the filed households ran its course earlier this year
        HardshipFile.objects.filter(case=case).update(
            publicity_from=timezone.localdate() - dt.timedelta(days=40),
            publicity_until=timezone.localdate() - dt.timedelta(days=33),
        )
        case_step(actor=None, case=case, step="approve", data={"reason": "经公示无异议，同意建档"})
        for kind, amount in helps:
            case_step(
                actor=None, case=case, step="help",
                data={"kind": kind, "amount": amount, "fund_id": str(funds[fund_of[kind]].pk)},
            )  # fmt: skip
    return created


def _xixiang(org: Org) -> int:
    created = 0
    mediator = _expert(org, "李文", "工会法律服务室调解员、执业律师", "mediator_demo")
    if _case(org, "legal", "黄志强") is None:
        case = case_create(
            actor=None,
            kind="legal",
            org=org,
            data={"name": "黄志强", "summary": "外卖骑手，站点拖欠 9 月至 11 月工资共 9600 元，已离职。",
                  "employer": "深圳某配送服务有限公司西乡站", "claim_amount": "9600", "wage_arrears": True,
                  "still_employed": False, "employment_ended_on": _ago(20),
                  "mediation": True, "channel": "desk"},
        )  # fmt: skip
        case_step(actor=None, case=case, step="assign", data={"expert_id": str(mediator.pk)})
        case_step(actor=mediator.user, case=case, step="session", data={"both_parties": True, "minutes": 90})
        created += 1
    if _case(org, "legal", "周丽娟") is None:
        case = case_create(
            actor=None,
            kind="legal",
            org=org,
            data={"name": "周丽娟", "summary": "工厂未签劳动合同，要求支付二倍工资差额。",
                  "employer": "西乡某电子厂", "claim_amount": "18000", "mediation": True,
                  "knew_on": _ago(60), "channel": "desk"},
        )  # fmt: skip
        case_step(actor=None, case=case, step="assign", data={"expert_id": str(mediator.pk)})
        case_step(actor=mediator.user, case=case, step="session", data={"both_parties": True})
        case_step(
            actor=mediator.user, case=case, step="agree",
            data={"terms": "一、被申请人于协议签订之日起十日内向申请人支付"
                           "未签劳动合同二倍工资差额 12000 元；\n"
                           "二、申请人放弃其他仲裁请求；\n三、双方就本劳动争议再无其他纠纷。"},
        )  # fmt: skip
        created += 1
    if _case(org, "legal", "吴海") is None:
        case_create(
            actor=None,
            kind="legal",
            org=org,
            data={
                "name": "吴海",
                "summary": "咨询工伤认定流程。",
                "employer": "西乡某物流园",
                "channel": "desk",
            },
        )
        created += 1
    return created


def _dalang(org: Org) -> int:
    created = 0
    CaseSettings.objects.get_or_create(
        org=org,
        defaults={
            "crisis_contact_name": "大朗镇总工会心灵驿站值班室",
            "crisis_contact_phone": "13800000088",
            "crisis_hotline": "12356",
        },
    )
    counsellor = _expert(org, "何心怡", "国家二级心理咨询师 · 朗工·心聆", "counsellor_demo")
    if _case(org, "counselling", "罗师傅") is None:
        case = case_create(
            actor=None,
            kind="counselling",
            org=org,
            data={"name": "罗师傅", "summary": "工作压力大，夜里睡不着。"},
        )
        case_step(actor=None, case=case, step="assign", data={"expert_id": str(counsellor.pk)})
        case_step(actor=counsellor.user, case=case, step="session", data={"minutes": 50})
        note_add(
            actor=counsellor.user,
            case=case,
            text="首次个体咨询：建立咨询关系，来访者主诉睡眠困难与工作压力。",
        )
        created += 1
    if _case(org, "counselling", "小邓") is None:
        case_create(actor=None, kind="counselling", org=org, data={"name": "小邓", "summary": ""})
        created += 1
    return created


@transaction.atomic
def seed_cases() -> int:
    """The help-and-rights demo (see the module docstring); units missing from the tree are
    skipped. Returns how many things were created: 0 on a second run."""
    created = 0
    for name, fn in ((PINGLI, _pingli), (XIXIANG, _xixiang), (DALANG, _dalang)):
        org = _org(name)
        if org is not None:
            created += fn(org)
    return created


__all__ = ["Any", "seed_cases"]
