"""The demo's 平利县 (陕西省安康市) subtree for the labour registry: county, 广佛镇, its villages
and the 广佛镇乡村建设服务公司 union. Idempotent (matched by name). Used by the demo seed and
by the labour tests."""

from zhijia.orgs.enums import OrgLevel as L
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_create

from .tree import demo_uscc

ROOT = "中华全国总工会"
COUNTY = "平利县总工会"
TOWN = "平利县广佛镇总工会"
VILLAGE = "广佛镇塘坊村联合工会"
OTHER_VILLAGE = "广佛镇三坪村联合工会"
COMPANY = "平利县广佛镇乡村建设服务有限公司工会委员会"
# (name, short name, level, division, parent)
UNITS = [
    ("陕西省总工会", "陕西省总", L.PROVINCE, "610000", ROOT),
    ("安康市总工会", "安康市总", L.CITY, "610900", "陕西省总工会"),
    (COUNTY, "平利县总", L.DISTRICT, "610926", "安康市总工会"),
    (TOWN, "广佛镇", L.STREET, "610926", COUNTY),
    (VILLAGE, "塘坊村", L.GRASSROOTS, "610926", TOWN),
    (OTHER_VILLAGE, "三坪村", L.GRASSROOTS, "610926", TOWN),
    (COMPANY, "广佛乡建公司工会", L.GRASSROOTS, "610926", TOWN),
]


def pingli_tree() -> dict[str, Org]:
    """The units by short name (created when missing)."""
    found: dict[str, Org] = {}
    by_name: dict[str, Org] = {}
    for name, short, level, division, parent in UNITS:
        org = Org.objects.filter(name=name).first()
        if org is None:
            parent_org = by_name.get(parent) or Org.objects.get(name=parent)
            org = org_create(
                actor=None,
                parent=parent_org,
                name=name,
                short_name=short,
                level=level,
                uscc=demo_uscc(name, division),
                division_code=division,
                contact_name="工会办公室",
            )
        by_name[name] = found[short] = org
    return found
