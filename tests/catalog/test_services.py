"""Service lists: versioning, publish immutability, supersede, drafts copied from the published
version; plans: draft-only planned fields, cancel, outcome, the activities hook."""

import pytest

from zhijia.catalog import error_codes, plans, services
from zhijia.catalog.enums import PlanEntryStatus, VersionStatus
from zhijia.catalog.models import ServiceItem
from zhijia.core.audit import AuditEntry
from zhijia.core.errors import Conflict, ValidationFailed

from .conftest import make_list, make_plan


def _published(service_list):
    return service_list.versions.get(status=VersionStatus.PUBLISHED)


def test_create_starts_an_empty_draft_and_publish_needs_an_item(demo, futian):
    service_list = services.service_list_create(actor=futian, org=demo.org("福保街道"), title="清单")
    draft = service_list.versions.get()
    assert (draft.number, draft.status) == (1, VersionStatus.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.service_list_publish(actor=futian, service_list=service_list)
    assert exc.value.code == error_codes.EMPTY_VERSION


def test_publish_records_who_and_when_and_audits(fubao_list, futian):
    version = _published(fubao_list)
    assert version.number == 1 and version.published_by == futian and version.published_at
    assert AuditEntry.objects.filter(action="service_list.publish", org=fubao_list.org).exists()


def test_every_write_to_a_published_version_is_refused(fubao_list, futian):
    version = _published(fubao_list)
    category = version.categories.get()
    item = category.items.first()
    attempts = [
        lambda: services.category_add(actor=futian, version=version, name="新类别"),
        lambda: services.category_update(actor=futian, category=category, name="改名"),
        lambda: services.category_delete(actor=futian, category=category),
        lambda: services.category_move(actor=futian, category=category, direction="down"),
        lambda: services.item_add(actor=futian, category=category, name="新服务"),
        lambda: services.item_update(actor=futian, item=item, name="改名"),
        lambda: services.item_delete(actor=futian, item=item),
        lambda: services.item_move(actor=futian, item=item, direction="down"),
        lambda: services.version_update(actor=futian, version=version, intro="改"),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == error_codes.VERSION_IMMUTABLE
        assert "published version cannot be changed" in str(exc.value.message)
    assert list(category.items.values_list("name", flat=True)) == ["职工书屋", "咖啡坊"]


def test_a_stale_draft_object_cannot_be_edited_after_publication(demo, futian):
    service_list = make_list(demo.org("福保街道"), futian, publish=False)
    stale = service_list.versions.get()
    services.service_list_publish(actor=futian, service_list=service_list)
    assert stale.status == VersionStatus.DRAFT  # the Python object did not change…
    with pytest.raises(Conflict):  # …but the database row is read afresh
        services.category_add(actor=futian, version=stale, name="偷改")


def test_edit_copies_the_published_version_and_publish_supersedes_it(fubao_list, futian):
    v1 = _published(fubao_list)
    draft = services.service_list_draft(actor=futian, service_list=fubao_list)
    assert (draft.number, draft.status, draft.intro) == (2, VersionStatus.DRAFT, v1.intro)
    assert services.service_list_draft(actor=futian, service_list=fubao_list) == draft  # one draft only
    copied = draft.categories.get()
    assert [i.name for i in copied.items.all()] == ["职工书屋", "咖啡坊"]
    services.item_update(
        actor=futian, item=copied.items.first(), name="职工书屋（新）", access_modes=["menu"]
    )
    services.service_list_publish(actor=futian, service_list=fubao_list)
    v1.refresh_from_db()
    draft.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED and draft.status == VersionStatus.PUBLISHED
    assert [i.name for i in v1.categories.get().items.all()] == ["职工书屋", "咖啡坊"]  # history kept


def test_no_draft_to_publish(fubao_list, futian):
    with pytest.raises(Conflict) as exc:
        services.service_list_publish(actor=futian, service_list=fubao_list)
    assert exc.value.code == error_codes.NO_DRAFT


def test_reorder_and_validation(demo, futian):
    service_list = make_list(
        demo.org("福保街道"), futian, publish=False, categories=(("甲", ("一", "二", "三")), ("乙", ()))
    )
    version = service_list.versions.get()
    first, second = version.categories.all()
    services.category_move(actor=futian, category=second, direction="up")
    assert [c.name for c in version.categories.all()] == ["乙", "甲"]
    three = first.items.get(name="三")
    services.item_move(actor=futian, item=three, direction="up")
    assert [i.name for i in first.items.all()] == ["一", "三", "二"]
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=futian, category=first, name="x", access_modes=["teleport"])
    assert exc.value.code == error_codes.BAD_ACCESS_MODE
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=futian, category=first, name="  ")
    assert "name" in exc.value.fields


def test_positions_must_be_in_the_actors_scope(demo, futian):
    from zhijia.positions.models import Position

    baoan_station = Position.objects.create(
        org=demo.org("宝安区总"), kind="outdoor_station", name="宝安驿站", address="宝安", lat=22.6, lng=113.9
    )
    fubao_station = Position.objects.create(
        org=demo.org("福保街道"), kind="outdoor_station", name="福保驿站", address="福保", lat=22.5, lng=114.0
    )
    service_list = make_list(demo.org("福保街道"), futian, publish=False)
    category = service_list.versions.get().categories.get()
    with pytest.raises(ValidationFailed) as exc:
        services.item_add(actor=futian, category=category, name="充电", positions=[baoan_station])
    assert exc.value.code == error_codes.POSITION_OUT_OF_SCOPE
    item = services.item_add(actor=futian, category=category, name="充电", positions=[fubao_station])
    assert list(item.positions.all()) == [fubao_station]
    assert ServiceItem.objects.filter(name="充电").count() == 1


def test_plan_fields_are_fixed_once_published(demo, futian):
    plan, (held, planned, cancelled) = make_plan(demo.org("福保街道"), futian)
    for attempt in (
        lambda: plans.plan_entry_add(actor=futian, plan=plan, month=5, title="新"),
        lambda: plans.plan_entry_update(actor=futian, entry=planned, month=5, title="改"),
        lambda: plans.plan_entry_delete(actor=futian, entry=planned),
    ):
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == error_codes.PLAN_PUBLISHED
    held.refresh_from_db()
    cancelled.refresh_from_db()
    assert (held.status, held.held_times, held.participants) == (PlanEntryStatus.HELD, 2, 130)
    assert cancelled.status == PlanEntryStatus.CANCELLED
    with pytest.raises(Conflict):
        plans.plan_entry_cancel(actor=futian, entry=held)
    with pytest.raises(Conflict):
        plans.plan_entry_record(actor=futian, entry=cancelled, held_times=1, participants=1)


def test_plan_validation(demo, futian):
    org = demo.org("福保街道")
    plan, _entries = make_plan(org, futian, publish=False)
    with pytest.raises(ValidationFailed) as exc:
        plans.plan_create(actor=futian, org=org, year=2026, title="2026年活动清单")
    assert exc.value.code == error_codes.PLAN_DUPLICATE
    with pytest.raises(ValidationFailed) as exc:
        plans.plan_entry_add(actor=futian, plan=plan, month=13, title="十三月")
    assert exc.value.code == error_codes.BAD_MONTH
    with pytest.raises(ValidationFailed) as exc:
        plans.plan_entry_add(actor=futian, plan=plan, month=1, title="新春游园")
    assert exc.value.code == error_codes.ENTRY_DUPLICATE
    with pytest.raises(ValidationFailed) as exc:
        plans.plan_create(actor=futian, org=org, year=1900, title="x")
    assert exc.value.code == error_codes.BAD_YEAR


def test_record_activity_adds_up_and_never_goes_negative(demo, futian):
    _plan, (_held, planned, _cancelled) = make_plan(demo.org("福保街道"), futian)
    plans.plan_entry_record_activity(entry=planned, held_times_delta=1, participants_delta=30)
    entry = plans.plan_entry_record_activity(entry=planned, held_times_delta=1, participants_delta=25)
    assert (entry.status, entry.held_times, entry.participants) == (PlanEntryStatus.HELD, 2, 55)
    entry = plans.plan_entry_record_activity(entry=planned, held_times_delta=-5, participants_delta=-100)
    assert (entry.status, entry.held_times, entry.participants) == (PlanEntryStatus.PLANNED, 0, 0)
