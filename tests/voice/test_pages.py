"""The console and phone pages of the workers' voice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.matrix.world import member_of
from tests.support import leaks
from zhijia.accounts.models import User, UserKind
from zhijia.voice.models import BoxMessage, Consultation, Opinion

pytestmark = pytest.mark.django_db


def _ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:500])
    if status == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert not leaks(response.content.decode())
    return response


def test_consultation_console_and_phone(demo, staff_client, client):
    staff = staff_client("enterprise_staff")
    _ok(staff.get("/console/voice/"))
    closes = (timezone.localdate() + timedelta(days=10)).isoformat()
    _ok(
        staff.post(
            "/console/voice/",
            {
                "title": "条例征求意见",
                "draft_title": "某条例（草案）",
                "closes_on": closes,
                "articles": "第一条 总则\n第二条 休息权",
            },
        ),
        302,
    )
    c = Consultation.objects.get(title="条例征求意见")
    _ok(staff.post(f"/console/voice/{c.pk}/step/", {"to": "open"}), 302)
    worker = User.objects.get(kind=UserKind.WORKER, phone_index__isnull=False)
    member_of(demo.org("河套科创工会"), 9321, "赵师傅", user=worker)
    client.force_login(worker)
    assert "条例征求意见" in _ok(client.get("/h5/voice/")).content.decode()
    article = c.articles.get(number="第二条")
    _ok(client.post(f"/h5/voice/{c.pk}/", {"article": str(article.pk), "text": "建议每周至少休息一天"}), 302)
    page = _ok(client.get(f"/h5/voice/{c.pk}/")).content.decode()
    assert "建议每周至少休息一天" in page and "赵" not in page
    _ok(staff.post(f"/console/voice/{c.pk}/union-opinion/", {"text": "工会建议增加条款"}), 302)
    detail = _ok(staff.get(f"/console/voice/{c.pk}/")).content.decode()
    assert "赵*傅" in detail
    opinion = Opinion.objects.get(text="建议每周至少休息一天")
    _ok(staff.post(f"/console/voice/opinions/{opinion.pk}/", {"action": "tags", "tags": "休息, 工时"}), 302)
    _ok(staff.post(f"/console/voice/{c.pk}/step/", {"to": "closed"}), 302)
    assert _ok(staff.get(f"/console/voice/{c.pk}/report.xlsx")).content[:2] == b"PK"
    _ok(
        staff.post(
            f"/console/voice/{c.pk}/sent/",
            {"sent_to": "福田区人大基层立法联系点", "sent_on": timezone.localdate().isoformat()},
        ),
        302,
    )
    _ok(
        staff.post(
            f"/console/voice/opinions/{opinion.pk}/",
            {"action": "outcome", "outcome": "partly", "reason": "已部分吸收"},
        ),
        302,
    )
    mine = _ok(client.get("/h5/voice/mine/")).content.decode()
    assert "已部分吸收" in mine
    # the box
    _ok(client.post("/h5/voice/box/", {"subject": "班车", "text": "希望增加夜班班车"}), 302)
    message = BoxMessage.objects.get(subject="班车")
    assert "班车" in _ok(staff.get("/console/voice/box/")).content.decode()
    _ok(staff.post(f"/console/voice/box/{message.pk}/reply/", {"reply": "已安排"}), 302)
    assert "已安排" in _ok(client.get("/h5/voice/box/")).content.decode()
