"""Moves and creates racing on PostgreSQL: the tree lock keeps every path consistent."""

import threading

import pytest
from django.db import connection

from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org
from zhijia.orgs.services import org_create, org_move


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_creates_under_a_subtree_being_moved_keep_paths_consistent():
    root = org_create(actor=None, parent=None, name="根", level=OrgLevel.CITY)
    left = org_create(actor=None, parent=root, name="左", level=OrgLevel.DISTRICT)
    right = org_create(actor=None, parent=root, name="右", level=OrgLevel.DISTRICT)
    street = org_create(actor=None, parent=left, name="街道", level=OrgLevel.STREET)
    # Creates go one level below the moved unit: its own row lock does not serialise them.
    federation = org_create(actor=None, parent=street, name="工联会", level=OrgLevel.FEDERATION)
    errors: list[BaseException] = []

    def mover():
        try:
            for i in range(20):
                org_move(actor=None, org=street, new_parent=right if i % 2 == 0 else left)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def creator(n: int):
        try:
            for i in range(10):
                org_create(actor=None, parent=federation, name=f"工会{n}-{i}", level=OrgLevel.GRASSROOTS)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=mover)] + [
        threading.Thread(target=creator, args=(n,)) for n in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    orgs = list(Org.objects.select_related("parent").filter(path__startswith=root.path))
    assert len(orgs) == 5 + 30
    for org in orgs:
        if org.parent is not None:
            assert org.path == org.parent.path + org.path[-5:], org.name
            assert org.depth == org.parent.depth + 1
