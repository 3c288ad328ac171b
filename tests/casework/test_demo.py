"""The help-and-rights demo seeds through the services, idempotently."""

import pytest

from zhijia.casework.models import Case, HelpRecord
from zhijia.demo.cases import seed_cases
from zhijia.records.enums import RecordSource
from zhijia.records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_seed_cases_is_idempotent(demo):
    first = seed_cases()
    assert first > 0
    assert seed_cases() == 0
    assert Case.objects.filter(kind="hardship", org__name="平利县总工会", status="filed").count() == 2
    assert Case.objects.filter(kind="hardship", status="publicised").count() == 1
    assert HelpRecord.objects.count() == 4
    assert ServiceRecord.objects.filter(source=RecordSource.HARDSHIP).count() == 4
    mediator = Case.objects.filter(kind="legal", handler__username="mediator_demo")
    assert mediator.count() == 2 and mediator.filter(status="agreed").exists()
    assert Case.objects.filter(kind="counselling", handler__username="counsellor_demo").count() == 1
