"""Demo congresses and elections and workers' voice (issue 15), from the seed articles:

- 花都区总工会's congress (第十六次会员代表大会): 15 delegates seated, 13 present, the committee
  elected from a 差额 list (8 candidates for 7 seats) by phone and paper ballots, counted and
  sent to 广州市总工会 for approval; the 经审会 list ready to vote; the outgoing committee's
  term ending soon (the reminder shows).
- 河套深港职工服务中心联合工会 as a 立法信息采集点: a draft regulation on new-employment-form
  workers open for comment, with workers' and a union's opinions; an earlier consultation sent
  to the 基层立法联系点 and answered (采纳 / 部分采纳 / 未采纳 with reasons); the opinion box of
  河套科创工会 with one overdue message.

Through the services with the system as the actor (workers' opinions as the workers).
Idempotent: matched by (union, title); a second run creates nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhijia.accounts.services import worker_for_phone
from zhijia.elections.models import Candidate, Committee, Congress
from zhijia.elections.services import ballots as bsvc
from zhijia.elections.services import congress as csvc
from zhijia.elections.services import election as esvc
from zhijia.members.enums import MemberStatus
from zhijia.members.models import Membership, Person
from zhijia.members.validation import clean_person
from zhijia.orgs.models import Org
from zhijia.voice.models import BoxMessage, Consultation
from zhijia.voice.services import box, consultations, opinions

HUADU = "广州市花都区总工会"
HETAO = "河套深港职工服务中心联合工会"
NAMES = (
    "陈国强 李淑芬 黄志明 梁晓燕 何建华 罗美玲 吴永康 周丽华 郭伟东 谢秀英 钟振国 曾海燕 冯志刚 "
    "潘雪梅 邓立新 杨春生 朱红霞 胡德明 林小红 袁建军 蔡玉兰 许文斌 彭桂香 苏振华 卢海波"
)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _cn_id(n: int) -> str:
    body = f"4401141985{n % 12 + 1:02d}{n % 28 + 1:02d}{500 + n:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def _members(org: Org) -> list[Person]:
    people = []
    for n, name in enumerate(NAMES.split()):
        fields = clean_person({"name": name, "id_type": "cn_resident", "id_number": _cn_id(n)})
        person = Person.objects.filter(id_index=fields["id_index"]).first() or Person.objects.create(**fields)
        Membership.objects.get_or_create(
            person=person,
            org=org,
            defaults={
                "member_no": f"HD{n:05d}",
                "status": MemberStatus.MEMBER,
                "joined_on": dt.date(2020, 5, 1),
            },
        )
        people.append(person)
    return people


def _tellers(org: Org, password: str) -> tuple:
    """花都's own clerk (huadu_staff, a login for the demo) and the province's administrator."""
    from zhijia.accounts.models import User
    from zhijia.accounts.services import user_create
    from zhijia.orgs.models import Role
    from zhijia.orgs.services import role_grant

    clerk = User.objects.filter(username="huadu_staff").first()
    if clerk is None:
        clerk = user_create(
            actor=None, username="huadu_staff", password=password, org=org, display_name="花都区总业务员"
        )
        role_grant(actor=None, user=clerk, org=org, role=Role.objects.get(code="clerk"), include_subtree=True)
    return clerk, User.objects.get(username="province_admin")


def seed_huadu(password: str) -> int:
    org = Org.objects.filter(name=HUADU).first()
    title = "广州市花都区工会第十六次会员代表大会"
    if org is None or Congress.objects.filter(org=org, title=title).exists():
        return 0
    today = timezone.localdate()
    people = _members(org)
    outgoing = Committee.objects.filter(org=org, title="花都区总工会第十五届委员会").first()
    if outgoing is None:
        csvc.committee_create(
            actor=None,
            org=org,
            kind="committee",
            title="花都区总工会第十五届委员会",
            seats=7,
            starts_on=(today + dt.timedelta(days=60)).replace(year=today.year - 5),
        )
    congress = csvc.congress_create(actor=None, org=org, title=title, held_on=today, seats=15)
    csvc.congress_allot(actor=None, congress=congress)
    seated = [csvc.delegate_add(actor=None, congress=congress, unit=org, person=p) for p in people[:15]]
    for d in seated[:13]:
        csvc.delegate_presence(actor=None, delegate=d, present=True)
    csvc.congress_advance(actor=None, congress=congress, to="in_session")
    committee = esvc.election_create(
        actor=None,
        congress=congress,
        kind="committee",
        title="第十六届委员会委员选举",
        seats=7,
        people=people[15:23],
        margin="0.1",
    )
    esvc.election_create(
        actor=None,
        congress=congress,
        kind="audit",
        title="第十六届经费审查委员会委员选举",
        seats=3,
        people=people[21:25],
        margin="0.2",
    )
    committee = esvc.election_open(actor=None, election=committee)
    keys = [str(c.pk) for c in Candidate.objects.filter(election=committee).order_by("order")]
    # nine vote on the phone, four on paper; the last candidate gets fewest votes
    for i, d in enumerate(seated[:9]):
        skip = 7 if i % 3 else (i % 7)
        bsvc.ballot_cast(
            actor=None, election=committee, delegate=d, choices=[k for j, k in enumerate(keys) if j != skip]
        )
    paper = []
    for i, d in enumerate(seated[9:13]):
        bsvc.paper_issue(actor=None, election=committee, delegate=d)
        paper.append([k for j, k in enumerate(keys) if j != (7 if i < 3 else 2)])
    first, second = _tellers(org, password)
    bsvc.teller_enter(actor=first, election=committee, ballots=paper)
    bsvc.teller_enter(actor=second, election=committee, ballots=list(reversed(paper)))
    committee = esvc.election_close(actor=None, election=committee)
    esvc.election_submit(actor=None, election=committee)
    return 1


ARTICLES = [
    (
        "第一条",
        "为了维护新就业形态劳动者的合法权益，规范平台企业用工，根据有关法律、行政法规，结合本市实际，制定本条例。",
    ),
    (
        "第二条",
        "平台企业制定或者修改直接涉及劳动者权益的算法规则、计件单价、抽成比例等，应当听取工会或者劳动者代表的意见，并予以公示。",
    ),
    (
        "第三条",
        "平台企业应当合理确定劳动者的工作时间和休息时间，连续接单时长超过四小时的，应当安排不少于二十分钟的休息。",
    ),
    ("第四条", "工会应当在新就业形态劳动者集中的区域建设服务站点，提供休息、饮水、充电、如厕等服务。"),
    ("第五条", "本条例自公布之日起施行。"),
]


def seed_hetao() -> int:
    org = Org.objects.filter(name=HETAO).first()
    title = "《深圳经济特区新就业形态劳动者权益保障条例（征求意见稿）》意见征集"
    if org is None or Consultation.objects.filter(org=org, title=title).exists():
        return 0
    today = timezone.localdate()
    workers = [worker_for_phone(phone=f"1370000{n:04d}") for n in range(1, 4)]
    for w, name in zip(workers, ("周骑手", "黄快递", "林网约"), strict=True):
        if not w.display_name:
            w.display_name = name
            w.save(update_fields=["display_name"])
    # an earlier consultation, sent and answered
    earlier = consultations.consultation_create(
        actor=None,
        org=org,
        title="《深圳市职工休息休假权益保障办法（草案）》意见征集",
        draft_title="深圳市职工休息休假权益保障办法（草案）",
        closes_on=today,
        articles=[("第一条", "职工依法享有带薪年休假。"), ("第二条", "用人单位安排加班应当与工会协商。")],
    )
    earlier = consultations.consultation_step(actor=None, consultation=earlier, to="open")
    arts = list(earlier.articles.all())
    a = opinions.opinion_submit(
        actor=workers[0], consultation=earlier, article=arts[0], body="建议明确年休假可以分段休。"
    )
    b = opinions.opinion_submit(
        actor=workers[1], consultation=earlier, article=arts[1], body="建议加班协商的结果向职工公开。"
    )
    c = opinions.opinion_submit(
        actor=workers[2], consultation=earlier, article=None, body="建议把外卖骑手纳入适用范围。"
    )
    earlier = consultations.consultation_step(actor=None, consultation=earlier, to="closed")
    earlier = consultations.consultation_sent(
        actor=None, consultation=earlier, sent_to="福田区人大常委会基层立法联系点", sent_on=today
    )
    opinions.opinion_outcome(
        actor=None, opinion=a, outcome="adopted", reason="已写入草案第一条：年休假可以分段安排。"
    )
    opinions.opinion_outcome(
        actor=None,
        opinion=b,
        outcome="partly",
        reason="协商结果须在单位内公示；向职工个人告知的方式另行规定。",
    )
    opinions.opinion_outcome(
        actor=None,
        opinion=c,
        outcome="not_adopted",
        reason="新就业形态劳动者另由专门条例规范，本办法不再重复。",
    )
    # the open one
    current = consultations.consultation_create(
        actor=None,
        org=org,
        title=title,
        draft_title="深圳经济特区新就业形态劳动者权益保障条例（征求意见稿）",
        intro="河套深港职工服务中心作为立法信息采集点，向职工征集对本条例草案的意见，汇总后报送基层立法联系点。",
        closes_on=today + dt.timedelta(days=21),
        articles=ARTICLES,
    )
    current = consultations.consultation_step(actor=None, consultation=current, to="open")
    arts = list(current.articles.all())
    opinions.opinion_submit(
        actor=workers[0],
        consultation=current,
        article=arts[1],
        body="算法规则公示应当包括派单规则和超时扣款标准。",
    )
    opinions.opinion_submit(
        actor=workers[1],
        consultation=current,
        article=arts[2],
        body="二十分钟休息太短，建议连续三小时就安排休息。",
    )
    hetao_union = Org.objects.filter(name="深圳河套深港科创有限公司工会委员会").first()
    if hetao_union is not None:
        opinions.union_opinion_submit(
            actor=None,
            consultation=current,
            union=org,
            article=arts[3],
            body="建议明确服务站点建设经费由工会经费和平台企业共同承担。",
        )
        message = box.box_submit(
            actor=workers[2],
            org=hetao_union,
            subject="园区夜间班车",
            body="晚上十点后没有班车，希望工会协调增加。",
        )
        BoxMessage.objects.filter(pk=message.pk).update(due_on=today - dt.timedelta(days=2))
    return 2


@transaction.atomic
def seed_participation(password: str) -> int:
    return seed_huadu(password) + seed_hetao()
