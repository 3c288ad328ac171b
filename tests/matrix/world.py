"""Objects the permission matrix points its URLs at: for each target unit, a staff member at home
there (with a grant to revoke), an org import job, an audit entry, a member with a family member
and a data request, a join application, a transfer out, an export request and a member import
job. The demo worker becomes a member (in 福保) with a consent, for the H5 routes."""

from datetime import date

from django.utils import timezone

from zhijia.accounts.models import User, UserKind
from zhijia.accounts.services import user_create
from zhijia.core.audit import audit_log
from zhijia.core.models import ImportJob
from zhijia.members.enums import ApplicationStatus, ConsentPurpose, DataRequestKind, MemberStatus
from zhijia.members.models import (
    Consent,
    DataRequest,
    ExportRequest,
    FamilyMember,
    JoinApplication,
    Membership,
    Person,
    Transfer,
)
from zhijia.members.validation import clean_person
from zhijia.orgs.models import Role
from zhijia.orgs.permissions import ORG_IMPORT_KIND
from zhijia.orgs.services import role_grant

TARGETS = ["广东省总", "深圳市总", "福田区总", "福保街道", "河套科创工会", "宝安区总", "东莞市总"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(n: int) -> str:
    body = f"4403041990{n // 28 % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def person(n: int, name: str, user=None) -> Person:
    fields = clean_person({"name": name, "id_type": "cn_resident", "id_number": cn_id(n)})
    return Person.objects.create(user=user, **fields)


def member_of(org, n: int, name: str, user=None) -> Membership:
    return Membership.objects.create(
        person=person(n, name, user),
        org=org,
        member_no=f"M{n:05d}",
        status=MemberStatus.MEMBER,
        joined_on=date.today(),
    )


from .table import DOMAINS  # noqa: E402


def build(demo, member_import_kind: str) -> dict:
    viewer = Role.objects.get(code="viewer")
    world = {"viewer_role": viewer, "per_unit": {}}
    other = demo.org("东莞市总")
    for i, short in enumerate(TARGETS):
        org = demo.org(short)
        staff = user_create(actor=None, username=f"matrix-{i}", password=demo.password, org=org)
        membership = member_of(org, 10 + i, f"矩阵会员{i}")
        now = timezone.now()
        world["per_unit"][short] = {
            "org": org,
            "user": staff,
            "grant": role_grant(actor=None, user=staff, org=org, role=viewer),
            "import": ImportJob.objects.create(
                kind=ORG_IMPORT_KIND, org=org, created_by=staff, filename="x.xlsx", source=b""
            ),
            "member_import": ImportJob.objects.create(
                kind=member_import_kind, org=org, created_by=staff, filename="m.xlsx", source=b""
            ),
            "audit": audit_log(actor=None, action="matrix.probe", org=org),
            "membership": membership,
            "family": FamilyMember.objects.create(person=membership.person, relation="child", name="小矩阵"),
            "data_request": DataRequest.objects.create(
                person=membership.person, kind=DataRequestKind.CORRECTION, detail="x"
            ),
            "application": JoinApplication.objects.create(
                person=person(40 + i, f"矩阵申请{i}"),
                org=org,
                status=ApplicationStatus.SUBMITTED,
                submitted_at=now,
                due_on=date.today(),
            ),
            "transfer": Transfer.objects.create(
                membership=membership,
                from_org=org,
                to_org=other if org != other else demo.org("福保街道"),
                requested_by=staff,
            ),
            "export": ExportRequest.objects.create(org=org, requested_by=staff, purpose="matrix"),
            "url_values": {},
        }
        for domain in DOMAINS:
            domain.extend(world["per_unit"][short], demo)
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    own = member_of(demo.org("福保街道"), 90, "矩阵工人", user=worker)
    world["consent"] = Consent.objects.create(
        person=own.person, purpose=ConsentPurpose.SENSITIVE, notice_version="2026-11", given_at=timezone.now()
    )
    return world
