"""Builds the demo: the org tree and the named cast. Idempotent: a second run changes nothing."""

import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from zhijia.accounts.models import User
from zhijia.accounts.services import user_create, worker_for_phone
from zhijia.orgs.models import Org, Role, RoleGrant
from zhijia.orgs.services import org_create, role_grant

from .activities import seed_activities
from .benefits import seed_benefits
from .cases import seed_cases
from .catalog import seed_catalog
from .dispatch import seed_dispatch
from .history import seed_history
from .honours import seed_honours
from .labour import seed_labour
from .members import seed_generated, seed_members
from .participation import seed_participation
from .positions import seed_positions, seed_visits
from .tree import TREE, demo_uscc

WORKER_PHONE = "13800000001"

# username: (display name, home unit, [(role, unit, include_subtree)])
CAST = {
    "province_admin": ("省总管理员", "广东省总工会", [("admin", "广东省总工会", True)]),
    "shenzhen_admin": ("深圳市总管理员", "深圳市总工会", [("admin", "深圳市总工会", True)]),
    "futian_staff": ("福田区总业务员", "深圳市福田区总工会", [("clerk", "深圳市福田区总工会", True)]),
    "baoan_staff": ("宝安区总业务员", "深圳市宝安区总工会", [("clerk", "深圳市宝安区总工会", True)]),
    "fubao_staff": (
        "福保街道业务员",
        "福田区福保街道总工会",
        [("clerk", "福田区福保街道总工会", True), ("clerk", "深圳市福田区总工会", False)],
    ),
    "xixiang_staff": ("西乡街道业务员", "宝安区西乡街道总工会", [("clerk", "宝安区西乡街道总工会", True)]),
    "enterprise_staff": (
        "企业工会干事",
        "深圳河套深港科创有限公司工会委员会",
        [("clerk", "深圳河套深港科创有限公司工会委员会", True)],
    ),
    "security_admin": ("安全管理员", "广东省总工会", [("security_admin", "广东省总工会", True)]),
    "auditor": ("审计员", "广东省总工会", [("auditor", "广东省总工会", True)]),
    "xinfeng_staff": ("新丰县总派单员", "新丰县总工会", [("admin", "新丰县总工会", True)]),
    "factory_staff": (
        "丰华电子厂工会干事",
        "新丰县马头镇丰华电子厂工会委员会",
        [("clerk", "新丰县马头镇丰华电子厂工会委员会", True)],
    ),
    "expert_demo": ("心理咨询专家", "新丰县总工会", [("expert", "新丰县总工会", True)]),
    "merchant_demo": ("合作商户收银员", "中山市总工会", [("merchant_cashier", "中山市总工会", True)]),
    "mediator_demo": (
        "西乡法律服务室调解员",
        "宝安区西乡街道总工会",
        [("expert", "宝安区西乡街道总工会", True)],
    ),
    "counsellor_demo": ("大朗心灵驿站咨询师", "东莞市大朗镇总工会", [("expert", "东莞市大朗镇总工会", True)]),
}


@dataclass
class SeedResult:
    password: str
    created_orgs: int
    created_users: int
    created_members: int = 0
    created_services: int = 0


def demo_password() -> str:
    """ZHIJIA_DEMO_PASSWORD, else one generated once and kept in var/demo-password.txt."""
    if os.environ.get("ZHIJIA_DEMO_PASSWORD"):
        return os.environ["ZHIJIA_DEMO_PASSWORD"]
    path = settings.VAR_DIR / "demo-password.txt"
    if path.exists():
        return path.read_text().strip()
    password = "Zj-" + secrets.token_urlsafe(9) + "7a"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


def _build(node, parent, by_name) -> int:
    name, short, level, division, children = node
    created = 0
    org = Org.objects.filter(name=name).first()
    if org is None:
        org = org_create(
            actor=None,
            parent=parent,
            name=name,
            short_name=short,
            level=level,
            uscc=demo_uscc(name, division),
            division_code=division,
            contact_name="工会办公室",
        )
        created = 1
    by_name[name] = org
    for child in children:
        created += _build(child, org, by_name)
    return created


@transaction.atomic
def seed(
    password: str | None = None, *, members: bool = False, generated: int = 0, services: bool = False
) -> SeedResult:
    """The tree and the cast; with `members`, the ~40 demo members (zhijia.demo.members) and
    `generated` more for benchmarks; with `services`, the stations and their visits, the 河套
    service list and a yearly plan, the activities (enrolling some of the members), the expert
    services of 新丰 and 静海 and the voucher campaigns of 中山. The test fixture seeds neither
    unless a test asks."""
    password = password or demo_password()
    by_name: dict[str, Org] = {}
    created_orgs = _build(TREE, None, by_name)
    roles = {r.code: r for r in Role.objects.all()}
    created_users = 0
    for username, (display, home, grants) in CAST.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None, username=username, password=password, org=by_name[home], display_name=display
            )
            created_users += 1
        for role, unit, subtree in grants:
            if not RoleGrant.objects.filter(user=user, org=by_name[unit], role=roles[role]).exists():
                role_grant(
                    actor=None, user=user, org=by_name[unit], role=roles[role], include_subtree=subtree
                )
    worker = worker_for_phone(phone=WORKER_PHONE)
    if not worker.display_name:
        worker.display_name = "张骑手"
        worker.save(update_fields=["display_name"])
    created_members = 0
    if members or generated:
        created_members = seed_members().created + seed_generated(generated)
    created_services = 0
    if services:
        created_services = seed_positions() + seed_catalog() + seed_activities()
        # The demo worker stays a non-member (the joining journey starts from scratch).
        created_services += seed_dispatch() + seed_benefits(worker=False)
        created_services += seed_participation(password)
        created_services += seed_honours()
        created_services += seed_labour(password)
        created_services += seed_cases()
        seed_visits()
        created_services += seed_history()
    return SeedResult(
        password=password,
        created_orgs=created_orgs,
        created_users=created_users,
        created_members=created_members,
        created_services=created_services,
    )
