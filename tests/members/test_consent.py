"""Consent at the point of use (issue 19): `members.consent.consent_given(person, purpose)` is
read fresh wherever a processing rests on a consent, so a withdrawal stops the very next use —
one test per purpose; imported members get the consent their union declares, see it and can
withdraw it like any other."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.benefits.support import campaign, cashier, claimer, outlet_of
from zhijia.accounts import sms
from zhijia.accounts.services import worker_for_phone
from zhijia.accounts.tokens import token_issue
from zhijia.benefits import codes
from zhijia.benefits.services.claim import voucher_claim
from zhijia.core.models import AuditEntry, ImportJob
from zhijia.members.consent import consent_given, consenting_q, marketing_notice, merchant_holder_name
from zhijia.members.enums import OPT_IN_PURPOSES, ConsentBasis, ConsentPurpose
from zhijia.members.models import Consent, MemberImportDeclaration, Person
from zhijia.members.services.rights import consent_give, consent_withdraw, person_anonymise
from zhijia.members.tasks import member_import

from .joining_support import member_of
from .ledgers_support import ledger, person_id, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(demo):
    worker = worker_for_phone(phone="13900007788")
    membership = member_of(demo.org("河套科创工会"), actor=worker)
    return membership.person, worker


@pytest.mark.parametrize("purpose", [p.value for p in OPT_IN_PURPOSES])
def test_every_optional_purpose_is_given_then_stopped_by_withdrawal(member, purpose):
    person, worker = member
    assert not consent_given(person, purpose)  # never assumed
    consent = consent_give(actor=worker, person=person, purpose=purpose, notice_version="2026-11")
    assert consent_given(person, purpose) and consent_given(person.pk, purpose)
    assert Person.objects.filter(consenting_q(purpose), pk=person.pk).exists()
    assert (
        consent_give(actor=worker, person=person, purpose=purpose, notice_version="x") == consent
    )  # idempotent
    consent_withdraw(actor=worker, person=person, consent_id=consent.pk)
    assert not consent_given(person, purpose)
    assert not Person.objects.filter(consenting_q(purpose), pk=person.pk).exists()
    assert AuditEntry.objects.filter(action="consent.give").count() == 1
    # giving again is a new consent; the withdrawn one stays as proof
    consent_give(actor=worker, person=person, purpose=purpose, notice_version="2026-12")
    assert (
        consent_given(person, purpose) and Consent.objects.filter(person=person, purpose=purpose).count() == 2
    )


def test_anonymised_or_unknown(member):
    person, worker = member
    consent_give(actor=worker, person=person, purpose="job_matching", notice_version="v")
    assert consent_given(None, "job_matching") is False
    with pytest.raises(ValueError):
        consent_given(person, "fishing")
    person_anonymise(actor=None, person=person)
    assert not consent_given(person, "job_matching") and not consent_given(person.pk, "job_matching")


def test_a_sensitive_or_minor_consent_is_not_opt_in(member):
    person, worker = member
    with pytest.raises(Exception) as exc:
        consent_give(actor=worker, person=person, purpose="sensitive", notice_version="v")
    assert "purpose" in exc.value.fields


def test_marketing_sms_stops_on_withdrawal(member, django_capture_on_commit_callbacks):
    person, worker = member
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert marketing_notice(person, "activity_announce", {"title": "x"}) is False
    assert sms.outbox == []
    consent = consent_give(actor=worker, person=person, purpose="marketing_sms", notice_version="v")
    with django_capture_on_commit_callbacks(execute=True):
        assert marketing_notice(person, "activity_announce", {"title": "x"}) is True
    assert [m["template"] for m in sms.outbox] == ["activity_announce"]
    consent_withdraw(actor=worker, person=person, consent_id=consent.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert marketing_notice(person, "activity_announce", {"title": "x"}) is False
    assert len(sms.outbox) == 1


def test_merchant_sharing_stops_on_withdrawal_at_the_till(demo):
    org = demo.org("中山市总")
    camp = campaign(org, total=5)
    outlet = outlet_of(camp.merchants.get())
    worker, person = claimer(org, name="王快递")
    voucher = voucher_claim(user=worker, campaign_id=camp.pk).voucher
    till = Client()
    till.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_issue(user=cashier(outlet))[0]}"

    def holder():
        body = {"code": codes.voucher_qr(voucher), "outlet_id": str(outlet.pk)}
        return till.get("/api/v1/redemptions/check", body).json()["holder"]

    assert holder() == "" and merchant_holder_name(person) == ""  # no consent: nothing shared
    consent = consent_give(actor=worker, person=person, purpose="merchant_sharing", notice_version="v")
    assert holder() == "王*递"
    consent_withdraw(actor=worker, person=person, consent_id=consent.pk)
    assert holder() == ""


def _import(demo, rows, *, basis="paper_form", version="2024-03"):
    actor, unit = demo.user("futian_staff"), demo.org("福田区总")
    job = ImportJob.objects.create(
        kind="members", org=unit, created_by=actor, filename="t.xlsx", source=ledger(rows)
    )
    MemberImportDeclaration.objects.create(job=job, basis=basis, notice_version=version)
    member_import(str(job.pk))
    job.refresh_from_db()
    return job


def test_imported_members_get_the_declared_consent_and_can_withdraw_it(demo):
    rows = [row(name="陈一", id_number=person_id(41)), row(name="陈二", id_number=person_id(42))]
    job = _import(demo, rows)
    assert job.created_count == 2
    consents = Consent.objects.filter(purpose=ConsentPurpose.SENSITIVE).select_related(
        "person", "declared_by"
    )
    assert {(c.person.name, c.basis, c.notice_version, c.declared_by.short_name) for c in consents} == {
        ("陈一", ConsentBasis.PAPER_FORM, "2024-03", demo.org("福田区总").short_name),
        ("陈二", ConsentBasis.PAPER_FORM, "2024-03", demo.org("福田区总").short_name),
    }
    # the member logs in, sees it with its basis, and withdraws it like any other
    person = Person.objects.get(name="陈一")
    worker = worker_for_phone(phone="13912345678")
    Person.objects.filter(pk=person.pk).update(user=worker)
    client = Client()
    client.force_login(worker)
    page = client.get(reverse("h5:my_data")).content.decode()
    assert 'data-basis="paper_form"' in page and "2024-03" in page
    consent = consents.get(person=person)
    assert client.post(reverse("h5:consent_withdraw", args=[consent.pk])).status_code == 302
    assert not consent_given(person, ConsentPurpose.SENSITIVE)
    # a re-import never renews a withdrawn consent, and adds none twice
    _import(demo, rows)
    assert Consent.objects.filter(purpose=ConsentPurpose.SENSITIVE).count() == 2
    assert not consent_given(person, ConsentPurpose.SENSITIVE)


def test_the_console_import_asks_for_the_declaration(demo, staff_client):
    upload = io.BytesIO(ledger([row(id_number=person_id(43))]))
    upload.name = "ledger.xlsx"
    client = staff_client("futian_staff")
    response = client.post(reverse("staff:member_import"), {"file": upload, "notice_version": "x" * 30})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="error-consent_basis"' in page
    assert 'data-testid="error-notice_version"' in page and not ImportJob.objects.exists()


def test_h5_opt_in_and_withdraw(member):
    person, worker = member
    client = Client()
    client.force_login(worker)
    page = client.get(reverse("h5:my_data")).content.decode()
    assert page.count('data-testid="consent-give"') == len(OPT_IN_PURPOSES)
    assert client.post(reverse("h5:consent_give"), {"purpose": "screening"}).status_code == 302
    assert consent_given(person, "screening")
    assert client.post(reverse("h5:consent_give"), {"purpose": "bogus"}).status_code == 302
    page = client.get(reverse("h5:my_data")).content.decode()
    assert page.count('data-testid="consent-give"') == len(OPT_IN_PURPOSES) - 1
