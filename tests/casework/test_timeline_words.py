"""Timeline labels of fixed wording are kept in the source language and shown in the reader's:
a step taken by a clerk reading Chinese reads in English to an English reader, and the other
way round; free text (a reason) is shown as written."""

import pytest
from django.utils import translation

from .support import hardship, step

pytestmark = pytest.mark.django_db


def _labels(case) -> list[str]:
    return [e.shown_label for e in case.events.order_by("at", "created_at")]


def test_fixed_labels_follow_the_reader_and_free_text_stays(demo):
    case = hardship(demo.org("福保街道"))
    with translation.override("zh-hans"):
        step(case, "screen", None)
        step(case, "visit", None, visit_record="属实", income_check_signed=True)
        step(case, "publicise", None)
    day = str(case.hardship.__class__.objects.get(case=case).publicity_until)
    with translation.override("en"):
        labels = _labels(case)
    assert "First check passed" in labels and "Home visit done" in labels
    assert f"Public notice until {day}" in labels
    with translation.override("zh-hans"):
        labels = _labels(case)
    assert "初审通过" in labels and not any("First check" in label for label in labels)
    assert any(day in label and "公示" in label for label in labels)

    with translation.override("en"):
        step(case, "reject", None, reason="材料不全，请补交")
    with translation.override("zh-hant"):
        assert _labels(case)[-1] == "材料不全，请补交"
