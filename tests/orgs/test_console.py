"""Console pages of the organisation tree: scope, forms with field errors, import/export."""

import pytest
from django.urls import reverse

from zhijia.core.models import ImportJob
from zhijia.demo.tree import demo_uscc
from zhijia.orgs.enums import OrgStatus
from zhijia.orgs.models import Org

from .xlsx_helpers import load, org_sheet


def url(name, *args):
    return reverse(f"staff:{name}", args=args)


def test_tree_page_shows_the_current_unit_and_children(staff_client, demo, make_user):
    make_user("futian_viewer", role="viewer", org=demo.org("福田区总"))
    response = staff_client("futian_viewer").get(url("org_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "深圳市福田区总工会" in html and "福田区福保街道总工会" in html
    assert "宝安" not in html
    assert 'data-testid="org-search"' in html
    assert 'data-testid="org-create"' not in html  # read-only: no create button
    assert 'data-testid="org-create"' in staff_client("futian_staff").get(url("org_list")).content.decode()


def test_children_load_with_htmx_and_respect_scope(staff_client, demo):
    client = staff_client("futian_staff")
    response = client.get(url("org_children", demo.org("福保街道").pk), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "深圳河套深港科创有限公司工会委员会" in response.content.decode()
    assert client.get(url("org_children", demo.org("宝安区总").pk)).status_code == 404


def test_search_shows_results_with_breadcrumbs(staff_client, demo):
    client = staff_client("futian_staff")
    response = client.get(
        url("org_list"), {"q": "hetao"}, headers={"HX-Request": "true", "HX-Target": "org-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for HTMX
    assert html.count('data-testid="search-result"') == 2
    assert "福田区总 › 福保街道 › 河套科创工会" in html
    outside = client.get(url("org_list"), {"q": "宝安"}).content.decode()
    assert 'data-testid="search-result"' not in outside and "宝安区总" not in outside


def test_detail_is_200_in_scope_and_404_outside(staff_client, demo):
    client = staff_client("futian_staff")
    response = client.get(url("org_detail", demo.org("福保街道").pk))
    assert response.status_code == 200
    assert demo.org("福保街道").uscc in response.content.decode()
    for name in ("org_detail", "org_edit", "org_move", "org_dissolve"):
        assert client.get(url(name, demo.org("宝安区总").pk)).status_code == 404


def test_read_only_gets_403_on_write_pages_and_nothing_changes(staff_client, demo, make_user):
    make_user("futian_viewer", role="viewer", org=demo.org("福田区总"))
    client = staff_client("futian_viewer")
    org = demo.org("河套联合工会")
    assert client.get(url("org_edit", org.pk)).status_code == 403
    assert client.post(url("org_dissolve", org.pk)).status_code == 403
    assert client.get(url("org_create"), {"parent": str(demo.org("福保街道").pk)}).status_code == 403
    assert client.get(url("org_import")).status_code == 403
    assert Org.objects.get(pk=org.pk).status == OrgStatus.ACTIVE


def test_create_shows_field_errors_then_creates(staff_client, demo):
    client = staff_client("shenzhen_admin")
    street = demo.org("福保街道")
    page = client.get(url("org_create"), {"parent": str(street.pk)})
    assert page.status_code == 200 and 'data-testid="org-submit"' in page.content.decode()
    data = {
        "parent": str(street.pk),
        "name": "控制台工会",
        "level": "grassroots",
        "uscc": "91350100M000100Y44",
    }
    response = client.post(url("org_create") + f"?parent={street.pk}", data)
    assert response.status_code == 200
    assert 'data-testid="error-uscc"' in response.content.decode()
    assert not Org.objects.filter(name="控制台工会").exists()
    data["uscc"] = demo_uscc("控制台工会", "440304")
    response = client.post(url("org_create") + f"?parent={street.pk}", data)
    org = Org.objects.get(name="控制台工会")
    assert response.status_code == 302 and response["Location"] == url("org_detail", org.pk)
    assert org.parent == street


def test_edit_keeps_the_phone_when_left_blank(staff_client, demo):
    client = staff_client("shenzhen_admin")
    org = demo.org("河套联合工会")
    Org.objects.filter(pk=org.pk).update(contact_phone="13812345678")
    page = client.get(url("org_edit", org.pk)).content.decode()
    assert "13812345678" not in page and "138****5678" in page
    data = {
        "name": org.name,
        "short_name": "新简称",
        "level": org.level,
        "uscc": org.uscc,
        "contact_phone": "",
    }
    assert client.post(url("org_edit", org.pk), data).status_code == 302
    org.refresh_from_db()
    assert org.short_name == "新简称" and org.contact_phone == "13812345678"


def test_move_and_dissolve(staff_client, demo):
    client = staff_client("shenzhen_admin")
    org = demo.org("河套联合工会")
    target = demo.org("西乡工联会")
    assert target.name in client.get(url("org_move", org.pk)).content.decode()
    assert client.post(url("org_move", org.pk), {"parent": str(target.pk)}).status_code == 302
    assert Org.objects.get(pk=org.pk).parent == target
    assert client.get(url("org_dissolve", org.pk)).status_code == 200
    assert client.post(url("org_dissolve", org.pk)).status_code == 302
    assert Org.objects.get(pk=org.pk).status == OrgStatus.DISSOLVED
    refused = client.post(url("org_dissolve", target.pk), follow=True)
    assert Org.objects.get(pk=target.pk).status == OrgStatus.ACTIVE
    assert refused.status_code == 200


def test_import_reports_the_bad_row_and_reimport_creates_nothing(
    staff_client, demo, django_capture_on_commit_callbacks
):
    client = staff_client("shenzhen_admin")
    street = demo.org("福保街道")
    data = org_sheet(
        [
            (street.uscc, "导入一工会", "", "基层工会", "", "", ""),
            (street.uscc, "导入二工会", "", "不存在的层级", "", "", ""),
            (street.name, "导入三工会", "", "基层工会", "", "", ""),
        ],
        hint=True,
    )

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url("org_import"), {"file": SimpleUploadedFile("orgs.xlsx", data)})

    assert 'data-testid="import-file"' in client.get(url("org_import")).content.decode()
    response = upload()
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == url("org_import_status", job.pk)
    page = client.get(url("org_import_status", job.pk)).content.decode()
    assert 'data-testid="import-error-table"' in page
    assert 'data-row="4"' in page and "层级" in page
    assert "hx-trigger" not in page  # finished: no more polling
    assert Org.objects.filter(name__in=["导入一工会", "导入三工会"]).count() == 2
    report = load(client.get(url("org_import_report", job.pk)).content)
    assert [c.value for c in report[2]][:2] == [4, "层级"]

    count = Org.objects.count()
    upload()
    assert Org.objects.count() == count
    assert staff_client("baoan_staff").get(url("org_import_status", job.pk)).status_code == 404


def test_import_refuses_a_non_xlsx_file(staff_client, demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = staff_client("shenzhen_admin")
    response = client.post(url("org_import"), {"file": SimpleUploadedFile("orgs.csv", b"a,b\n")})
    assert response.status_code == 200
    assert 'data-testid="error-file"' in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["org_export", "org_template"])
def test_downloads_open_with_openpyxl(staff_client, demo, name):
    response = staff_client("futian_staff").get(url(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load(response.content)
    assert sheet["A1"].value == "上级单位"
    if name == "org_export":
        assert sheet.max_row == 6 and sheet["B2"].value == "深圳市福田区总工会"
