"""The console sidebar: grouped by domain, showing only what the user's roles can do."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _sidebar(demo, username: str) -> str:
    client = Client()
    client.force_login(demo.user(username))
    html = client.get("/console/", follow=True).content.decode()
    return html.split('id="zj-nav"')[1].split("</ul>")[0]


def test_groups_show_only_where_the_user_can_act(demo):
    admin = _sidebar(demo, "province_admin")
    assert admin.count('data-testid="nav-group"') >= 6
    cashier = _sidebar(demo, "merchant_demo")
    groups = cashier.count('data-testid="nav-group"')
    assert 1 <= groups < admin.count('data-testid="nav-group"')
    assert "/console/users/" not in cashier and "/console/audit/" not in cashier


def test_every_entry_sits_under_its_group_heading_once(demo):
    admin = _sidebar(demo, "province_admin")
    parts = admin.split('data-testid="nav-group">')[1:]
    headings = [part.split("</li>")[0] for part in parts]
    assert len(headings) == len(set(headings))
