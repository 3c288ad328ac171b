"""Reads: scope, search (name, pinyin, USCC), breadcrumbs and a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhijia.orgs.enums import OrgLevel
from zhijia.orgs.selectors import org_breadcrumbs, org_list, org_move_targets
from zhijia.orgs.services import org_create


def names(qs):
    return {o.short_name or o.name for o in qs}


def test_list_is_limited_to_the_actors_scope(demo):
    listed = names(org_list(actor=demo.user("futian_staff")))
    assert {"福田区总", "福保街道", "河套科创工会"} <= listed
    assert not listed & {"宝安区总", "深圳市总", "西乡街道"}


def test_exact_grant_without_subtree_shows_only_that_unit(demo):
    listed = names(org_list(actor=demo.user("fubao_staff")))
    assert "福田区总" in listed and "福保街道" in listed
    assert "深圳市总" not in listed


def test_parent_and_within_filters(demo):
    actor = demo.user("shenzhen_admin")
    assert names(org_list(actor=actor, parent=demo.org("福田区总"))) == {"福保街道"}
    within = names(org_list(actor=actor, within=demo.org("宝安区总")))
    assert within == {"宝安区总", "西乡街道", "西乡工联会", "固戍社区", "臣田园区"}


def test_has_children_flag(demo):
    rows = {o.short_name: o.has_children for o in org_list(actor=demo.user("futian_staff"))}
    assert rows["福田区总"] and rows["福保街道"] and not rows["河套科创工会"]


def test_search_by_name_initials_pinyin_and_uscc(demo):
    actor = demo.user("shenzhen_admin")
    assert "福田区总" in names(org_list(actor=actor, q="福田"))
    assert "福田区总" in names(org_list(actor=actor, q="szsftq"))  # initials prefix of 深圳市福田区…
    assert "福田区总" in names(org_list(actor=actor, q="FuTian"))  # full pinyin, any case
    uscc = demo.org("福保街道").uscc
    assert names(org_list(actor=actor, q=f" {uscc.lower()} ")) == {"福保街道"}
    assert names(org_list(actor=actor, q="宝安", within=demo.org("福田区总"))) == set()


def test_search_does_not_leave_scope(demo):
    assert names(org_list(actor=demo.user("futian_staff"), q="宝安")) == set()


def test_list_query_count_does_not_grow_with_rows(demo):
    actor = demo.user("shenzhen_admin")

    def count_queries():
        actor.__dict__.pop("_zhijia_grants", None)
        with CaptureQueriesContext(connection) as ctx:
            rows = [
                (o.name, o.parent.name if o.parent else "", o.has_children) for o in org_list(actor=actor)
            ]
        return len(ctx.captured_queries), len(rows)

    before_queries, before_rows = count_queries()
    street = demo.org("福保街道")
    for i in range(15):
        org_create(actor=None, parent=street, name=f"加测工会{i}", level=OrgLevel.GRASSROOTS)
    after_queries, after_rows = count_queries()
    assert after_rows == before_rows + 15
    assert after_queries == before_queries <= 2  # grants + the list itself


def test_breadcrumbs_stop_at_within_and_scope(demo):
    actor = demo.user("futian_staff")
    org = demo.org("河套科创工会")
    crumbs = org_breadcrumbs(actor=actor, orgs=[org])[org.pk]
    assert [c.short_name for c in crumbs] == ["福田区总", "福保街道"]  # ancestors outside scope are left out
    crumbs = org_breadcrumbs(actor=actor, orgs=[org], within=demo.org("福保街道"))[org.pk]
    assert [c.short_name for c in crumbs] == ["福保街道"]


def test_move_targets_exclude_own_subtree_and_wrong_levels(demo):
    actor = demo.user("shenzhen_admin")
    targets = names(org_move_targets(actor=actor, org=demo.org("福保街道")))
    assert "宝安区总" in targets
    assert not targets & {"福保街道", "河套科创工会", "福田区总", "西乡街道", "固戍社区"}
