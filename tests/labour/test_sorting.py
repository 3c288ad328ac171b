"""The ledger order's stored key (labour.sorting): the order it gives equals the order computed
through the joins, and its copies follow every change of what they copy."""

import datetime as dt
import importlib
import random

import pytest
from django.apps import apps
from django.utils import timezone

from tests.labour.support import login, register, units
from zhijia.labour.models import RegistryPerson, StatusPeriod
from zhijia.labour.selectors.ledgers import ledger_count, ledger_on, ledger_pages
from zhijia.labour.services.registry import person_register, person_update
from zhijia.labour.sorting import JOINED_ORDER, LEDGER_ORDER, sort_keys_refresh
from zhijia.members.services.people import person_upsert
from zhijia.members.services.rights import person_anonymise
from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.services import org_create, org_move

pytestmark = pytest.mark.django_db

GROUPS = ["", "1组", "10组", "2组", "二组", "Z组", "a组"]
HOUSEHOLDS = [None, "001", "01", "1", "A-017", "a-017", "10"]
# 张伟 and 章伟 share their pinyin; "Tom" has none (pinyin_fields ignores what is not Chinese)
NAMES = ["张伟", "章伟", "王芳", "阿强", "Tom", "李娜", "吕蒙", "欧阳春"]


def copies() -> dict:
    rows = RegistryPerson.objects.values_list("pk", "sort_path", "sort_household", "sort_pinyin")
    periods = StatusPeriod.objects.values_list("pk", "org_id")
    return {pk: rest for pk, *rest in rows} | {pk: org for pk, org in periods}


def assert_copies_current() -> None:
    kept = copies()
    sort_keys_refresh()
    assert copies() == kept


def varied_registry(u) -> None:
    """People over three units, with empty and look-alike groups and household numbers, no
    household, shared pinyin, no pinyin, and exact ties (the same village, group, household and
    name), in the transfer ledger or not."""
    rng = random.Random(14)
    villages = [u["塘坊村"], u["三坪村"], u["广佛乡建公司工会"]]
    n = 0
    for village in villages:
        for _ in range(14):
            n += 1
            data = {"group": rng.choice(GROUPS), "name": rng.choice(NAMES)}
            household = rng.choice(HOUSEHOLDS)
            if household:
                data["household_number"] = household
            data["status"] = rng.choice(["migrant", "local", "flexible", "unemployed"])
            data["status_since"] = "2026-01-05"
            register(village, n, **data)
        for _ in range(3):  # three people of one household with one name: only the id tells them apart
            n += 1
            register(village, n, group="3组", household_number="007", name="刘洋", status="local")


def test_the_stored_order_is_the_joined_order_ties_broken_by_id(demo):
    u = units()
    varied_registry(u)
    rows = list(RegistryPerson.objects.order_by(*JOINED_ORDER))
    keys = [(r.sort_path, r.group, r.sort_household, r.sort_pinyin) for r in rows]
    assert len(set(keys)) < len(keys)  # the data set has ties, broken by the id
    assert {r.sort_household for r in rows} >= {None, "001", "01"}
    assert "" in {r.sort_pinyin for r in rows}
    assert list(RegistryPerson.objects.order_by(*LEDGER_ORDER)) == rows
    clerk = login(u["平利县总"])
    for unit in (None, u["平利县总"], u["三坪村"]):
        args = {"actor": clerk, "ledger": "transfer", "on": timezone.localdate(), "unit": unit}
        joined = list(ledger_on(**args).order_by(*JOINED_ORDER))
        assert len(joined) > 8
        assert list(ledger_on(**args)) == joined
        size = ledger_count(**args)
        assert size == len(joined)
        # read by id and sorted (a small ledger), or walked along the index (see test_ledger_pages)
        pages = ledger_pages(**args, size=size)
        assert pages[:5] == joined[:5] and pages[5:9] == joined[5:9]


def test_a_big_ledger_is_walked_a_small_one_listed_and_sorted(demo, monkeypatch):
    from zhijia.labour.selectors import ledgers

    u = units()
    varied_registry(u)
    args = {"actor": login(u["平利县总"]), "ledger": "transfer", "on": timezone.localdate()}
    size = ledger_count(**args)
    joined = list(ledger_on(**args).order_by(*JOINED_ORDER))
    walks = []
    monkeypatch.setattr(ledgers.LedgerPages, "walk", lambda self, want: walks.append(want))
    assert ledgers.ledger_pages(**args, size=size)[3:7] == joined[3:7] and walks == []
    monkeypatch.setattr(ledgers, "SORT_AT_MOST", size - 1)
    assert ledgers.ledger_pages(**args, size=size)[3:7] == joined[3:7] and walks == [7]


def test_the_copies_follow_the_registry_services(demo):
    u = units()
    clerk = login(u["平利县总"])
    entry = register(u["塘坊村"], 1, actor=clerk, group="1组", status="migrant", status_since="2026-01-05")
    assert (entry.sort_path, entry.sort_household, entry.sort_pinyin) == (u["塘坊村"].path, None, "ceshi")
    person_update(actor=clerk, entry=entry, data={"household_number": "017", "group": "2组"})
    assert_copies_current()
    entry = person_register(
        actor=clerk, org=u["三坪村"], data={"name": "测试1", "id_number": entry.person.id_number}
    )[0]
    entry.refresh_from_db()
    assert entry.sort_path == u["三坪村"].path
    assert set(entry.periods.values_list("org_id", flat=True)) == {u["三坪村"].pk}  # the ledger count's copy
    assert_copies_current()


def test_the_copies_follow_a_rename_an_anonymisation_and_a_move(demo):
    u = units()
    first, second = register(u["塘坊村"], 1, name="张伟"), register(u["三坪村"], 2, name="王芳")
    renamed = {"name": "赵雷", "id_type": "cn_resident", "id_number": first.person.id_number}
    person_upsert(actor=None, data=renamed)
    first.refresh_from_db()
    assert first.sort_pinyin == "zhaolei"
    person_anonymise(actor=None, person=second.person)
    second.refresh_from_db()
    assert second.sort_pinyin == ""
    town = org_create(actor=None, parent=u["平利县总"], name="平利县城关镇总工会", level=OrgLevel.STREET)
    village = org_move(actor=None, org=u["塘坊村"], new_parent=town)
    first.refresh_from_db()
    assert first.sort_path == village.path and village.path.startswith(town.path)
    org_move(actor=None, org=town, new_parent=u["安康市总"])  # a move above the village
    first.refresh_from_db()
    village.refresh_from_db()
    assert first.sort_path == village.path
    assert_copies_current()


def test_the_migration_fills_the_copies_of_existing_rows(demo):
    u = units()
    varied_registry(u)
    kept = copies()
    RegistryPerson.objects.update(sort_path="", sort_household=None, sort_pinyin="")
    migration = importlib.import_module("zhijia.labour.migrations.0002_ledger_order_key")
    migration.fill(apps, None)
    assert copies() == kept
    StatusPeriod.objects.update(org=u["广佛镇"])
    importlib.import_module("zhijia.labour.migrations.0003_period_org_copy").fill(apps, None)
    assert copies() == kept


def test_the_copies_follow_a_member_correction_and_a_labour_import(demo):
    from tests.labour.test_xlsx import GOOD, run, sheet
    from zhijia.members.models import Membership
    from zhijia.members.services.registry import member_update

    u = units()
    entry = register(u["塘坊村"], 1, name="张伟")
    membership = Membership.objects.create(
        person=entry.person, org=u["广佛镇"], status="member", joined_on=dt.date(2020, 1, 1)
    )
    member_update(actor=None, membership=membership, data={"name": "欧阳春"})
    entry.refresh_from_db()
    assert entry.sort_pinyin == "ouyangchun"
    job = run(login(u["广佛镇"]), u["广佛镇"], sheet(GOOD))
    assert job.created_count == 2
    imported = RegistryPerson.objects.get(person__name="张大山")
    assert (imported.sort_path, imported.sort_household, imported.sort_pinyin) == (
        u["塘坊村"].path,
        "001",
        "zhangdashan",
    )
    assert_copies_current()


def test_the_ledger_count_counts_what_the_ledger_lists(demo):
    from zhijia.labour.services.registry import assistance_sync

    u = units()
    varied_registry(u)
    twice = RegistryPerson.objects.order_by("pk").first()
    assistance_sync(twice, ["poverty", "dibao"], on=dt.date(2026, 2, 1))  # two flags, one person
    clerk = login(u["平利县总"])
    village = login(u["三坪村"])
    for actor, unit in ((clerk, None), (clerk, u["塘坊村"]), (village, None), (village, u["塘坊村"])):
        for ledger in ("transfer", "unemployed", "assistance"):
            for on in (dt.date(2025, 12, 1), dt.date(2026, 3, 1), timezone.localdate()):
                args = {"actor": actor, "ledger": ledger, "on": on, "unit": unit}
                assert ledger_count(**args) == len(ledger_on(**args)), args
