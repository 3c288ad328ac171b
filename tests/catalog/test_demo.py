"""The demo service list (7 categories, 23 services, published) and 2026 plan; idempotent."""

from zhijia.catalog.enums import PlanEntryStatus, PlanStatus, VersionStatus
from zhijia.catalog.models import ActivityPlan, ServiceItem, ServiceList
from zhijia.demo.catalog import seed_catalog


def test_seed_is_complete_and_idempotent(demo):
    assert seed_catalog() == 2
    service_list = ServiceList.objects.get(title="河套深港职工中心服务清单")
    version = service_list.versions.get()
    assert version.status == VersionStatus.PUBLISHED
    assert version.categories.count() == 7
    assert ServiceItem.objects.filter(category__version=version).count() == 23
    plan = ActivityPlan.objects.get(year=2026)
    assert plan.status == PlanStatus.PUBLISHED and plan.entries.count() == 12
    statuses = list(plan.entries.values_list("status", flat=True))
    assert statuses.count(PlanEntryStatus.CANCELLED) == 1 and statuses.count(PlanEntryStatus.HELD) >= 3
    assert seed_catalog() == 0
    assert ServiceList.objects.count() == 1 and ActivityPlan.objects.count() == 1


def test_items_link_demo_positions_when_present(demo):
    from zhijia.positions.models import Position

    hub = Position.objects.create(
        org=ActivityPlan._meta.get_field("org").related_model.objects.get(short_name="河套联合工会"),
        kind="service_center",
        name="河套深港职工服务中心",
        address="河套",
        lat=22.52,
        lng=114.07,
    )
    seed_catalog()
    assert ServiceItem.objects.filter(positions=hub).count() == 23
    assert ServiceList.objects.get().position == hub
