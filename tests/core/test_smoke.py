import pytest

from zhijia.orgs.models import Org


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_demo_tree_is_consistent(demo):
    futian = demo.org("福田区总")
    fubao = demo.org("福保街道")
    assert fubao.parent == futian
    assert fubao.path.startswith(futian.path)
    assert Org.objects.count() >= 30
    for org in Org.objects.select_related("parent"):
        assert org.path == (org.parent.path if org.parent else "") + org.path[-5:]


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Zhijia API"
