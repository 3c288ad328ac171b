"""Property tests on random trees built through the services: paths stay consistent under random
moves, and org_list never shows anything outside the actor's grants."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_profiles import examples
from zhijia.accounts.services import user_create
from zhijia.core.errors import ApplicationError
from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.models import Org, Role
from zhijia.orgs.selectors import org_list
from zhijia.orgs.services import org_create, org_move, role_grant

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=examples(30), suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def trees(draw, max_nodes: int = 14):
    """parents[i] is the index of node i+1's parent (node 0 is the root)."""
    size = draw(st.integers(min_value=2, max_value=max_nodes))
    return [draw(st.integers(min_value=0, max_value=i)) for i in range(size - 1)]


def build(parents: list[int]) -> list[Org]:
    """Federations nest in one another, so every move is level-compatible; only the tree shape matters."""
    root = org_create(actor=None, parent=None, name="根", level=OrgLevel.DISTRICT)
    nodes = [root]
    for i, parent in enumerate(parents, start=1):
        nodes.append(org_create(actor=None, parent=nodes[parent], name=f"单位{i}", level=OrgLevel.FEDERATION))
    return nodes


def ancestors(org_id, parent_of) -> set:
    seen = set()
    while org_id is not None:
        seen.add(org_id)
        org_id = parent_of[org_id]
    return seen


@PROPERTY_SETTINGS
@given(parents=trees(), moves=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=8))
def test_paths_and_depths_stay_consistent_under_random_moves(parents, moves):
    with transaction.atomic():
        nodes = build(parents)
        for a, b in moves:
            org, target = nodes[a % len(nodes)], nodes[b % len(nodes)]
            before = dict(Org.objects.values_list("pk", "path"))
            try:
                org_move(actor=None, org=org, new_parent=target)
            except ApplicationError:
                assert dict(Org.objects.values_list("pk", "path")) == before  # a refusal changes nothing
        orgs = {o.pk: o for o in Org.objects.filter(path__startswith=nodes[0].path)}
        assert len(orgs) == len(nodes)
        parent_of = {pk: o.parent_id for pk, o in orgs.items()}
        parent_of[nodes[0].pk] = None
        for org in orgs.values():
            if org.pk == nodes[0].pk:
                continue
            parent = orgs[org.parent_id]
            assert org.path == parent.path + org.path[-5:]
            assert org.depth == parent.depth + 1
            # The path prefix relation is exactly the ancestor relation.
            under = {pk for pk, other in orgs.items() if org.path.startswith(other.path)}
            assert under == ancestors(org.pk, parent_of)
        transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(
    parents=trees(),
    grants=st.lists(st.tuples(st.integers(0, 13), st.booleans()), min_size=0, max_size=3),
    query=st.sampled_from([None, "单位", "单位1", "dw", "danwei2", "根"]),
)
def test_org_list_never_leaves_the_actors_grants(parents, grants, query):
    viewer = Role.objects.get(code="viewer")
    with transaction.atomic():
        nodes = build(parents)
        user = user_create(actor=None, username="prop_actor", password="Zx-test-pass-1", org=nodes[0])
        allowed: set = set()
        for index, subtree in grants:
            node = nodes[index % len(nodes)]
            try:
                role_grant(actor=None, user=user, org=node, role=viewer, include_subtree=subtree)
            except ApplicationError:
                continue  # the same grant twice
            if subtree:
                allowed |= set(Org.objects.filter(path__startswith=node.path).values_list("pk", flat=True))
            else:
                allowed.add(node.pk)
        listed = set(org_list(actor=user, q=query).values_list("pk", flat=True))
        assert listed <= allowed
        if query is None:
            assert listed == allowed  # and nothing the actor may see is missing
        within = nodes[len(nodes) // 2]
        listed_within = set(org_list(actor=user, within=within).values_list("pk", flat=True))
        assert listed_within <= allowed
        assert all(Org.objects.get(pk=pk).path.startswith(within.path) for pk in listed_within)
        transaction.set_rollback(True)
