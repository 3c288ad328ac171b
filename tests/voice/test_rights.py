"""A worker's opinions and box messages are in their own export; their anonymisation takes their
name off the opinions (the text stays with the consultation) and clears their box messages
(the unit, dates and status stay for the reply-on-time figures)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.casework.support import staff, worker
from tests.matrix.world import member_of
from zhijia.members.services.rights import person_anonymise, self_export
from zhijia.voice.models import BoxMessage, Opinion
from zhijia.voice.selectors import author_label
from zhijia.voice.services.box import box_reply, box_submit
from zhijia.voice.services.consultations import consultation_create, consultation_step
from zhijia.voice.services.opinions import opinion_submit, union_opinion_submit

pytestmark = pytest.mark.django_db


def _world(demo):
    org = demo.org("福保街道")
    me = member_of(org, 7401, "李建华", user=worker()).person
    c = consultation_create(
        actor=None,
        org=org,
        title="职工权益保障条例意见征集",
        draft_title="职工权益保障条例（草案）",
        closes_on=timezone.localdate() + timedelta(days=20),
        articles=[("第一条", "为了保障职工合法权益……")],
    )
    c = consultation_step(actor=None, consultation=c, to="open")
    opinion = opinion_submit(
        actor=me.user, consultation=c, article=c.articles.get(), body="建议明确加班费标准"
    )
    theirs = union_opinion_submit(actor=None, consultation=c, union=org, article=None, body="工会意见")
    message = box_submit(actor=me.user, org=org, subject="食堂问题", body="我在三号车间，饭菜太贵")
    message = box_reply(actor=None, message=message, reply="已转食堂管理员")
    return me, opinion, theirs, message


def test_opinions_and_box_messages_are_in_the_export(demo):
    me, _opinion, _theirs, _message = _world(demo)
    data = self_export(actor=None, person=me)["voice"]
    assert [(o["article"], o["text"]) for o in data["opinions"]] == [("第一条", "建议明确加班费标准")]
    assert [(m["subject"], m["text"], m["reply"]) for m in data["box_messages"]] == [
        ("食堂问题", "我在三号车间，饭菜太贵", "已转食堂管理员")
    ]


def test_anonymisation_unlinks_opinions_and_clears_box_messages(demo):
    me, opinion, theirs, message = _world(demo)
    person_anonymise(actor=staff(demo.org("福保街道")), person=me)
    opinion = Opinion.objects.get(pk=opinion.pk)
    assert (opinion.author, opinion.person, opinion.text) == (None, None, "建议明确加班费标准")
    assert author_label(opinion) == "—"
    assert Opinion.objects.get(pk=theirs.pk).text == "工会意见"  # the union's own opinion is untouched
    kept = (message.status, message.org_id, message.due_on, message.replied_at)
    message = BoxMessage.objects.get(pk=message.pk)
    assert (message.author, message.subject, message.text, message.reply) == (None, "", "", "")
    assert (message.status, message.org_id, message.due_on, message.replied_at) == kept
