"""Permission-matrix entries for honours, API, console and phone (merged into
tests/matrix/table.ROUTES).

A campaign is its organiser's: honours.manage there runs it (quotas, steps, objections) and
reviews the nominations at its turn; honours.nominate on a union with a quota nominates and
submits (404 outside scope, 403 inside without it). The public notice is public; an objection
and one's own honours are the caller's own."""

from datetime import timedelta

from django.utils import timezone

from zhijia.orgs.capabilities import Cap

from .reference import first, has, scoped
from .table import Check

C = "/api/v1/honours/campaigns/<hcampaign_id>"
N = "/api/v1/honours/nominations/<hnomination_id>"
SC = "/api/v1/star-ratings/criteria/<scriteria_id>"
SA = "/api/v1/star-ratings/assessments/<sassessment_id>"
MANAGE, NOMINATE = Cap.HONOURS_MANAGE, Cap.HONOURS_NOMINATE


def _points(o):
    return {
        "items": [
            {"criterion_id": str(i.criterion_id), "points": "1"} for i in o["st_assessment"].items.all()
        ]
    }


def _form_points(o):
    return {f"points_{i.criterion_id}": "1" for i in o["st_assessment"].items.all()}


def _on(cap, method="get", target="hn_campaign", api=True, **kw):
    return Check("rule", method, api=api, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def _page(cap, method="get", target="hn_campaign", **kw):
    return _on(cap, method, target=target, api=False, **kw)


def _any(u, org, o):
    return None if has(u, MANAGE) is None or has(u, NOMINATE) is None else 403


def _new(org, objs):
    return {
        "org_id": str(org.pk),
        "title": "矩阵荣誉",
        "kind": "craftsman",
        "year": 2026,
        "closes_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
    }


def _nominee(org, o):
    return {
        "org_id": str(org.pk),
        "membership_id": str(o["membership"].pk),
        "category": "frontline",
        "deeds": "矩阵事迹",
    }


ROUTES: dict = {
    "/api/v1/honours/campaigns": [Check("staff", api=True), _on(MANAGE, "post", body=_new)],
    C: [_on(MANAGE)],
    C + "/quotas": [_on(MANAGE, "post", body=lambda org, o: {"org_id": str(org.pk), "quota": 2})],
    C + "/status": [_on(MANAGE, "post", body=lambda org, o: {"status": "reviewing"})],
    C + "/nominations": [_on(MANAGE), _on(NOMINATE, "post", body=_nominee)],
    C + "/submit": [_on(NOMINATE, "post", body=lambda org, o: {"org_id": str(org.pk)})],
    C + "/objections": [_on(MANAGE)],
    "/api/v1/honours/review-queue": [Check("staff", api=True)],
    N: [_on(MANAGE)],
    N + "/review": [_on(MANAGE, "post", body=lambda org, o: {"decision": "approve"})],
    N + "/edit": [_on(NOMINATE, "post", body=lambda org, o: {"category": "technical", "deeds": "矩阵"})],
    N + "/withdraw": [_on(NOMINATE, "post")],
    # materials: read like the nomination, added by the nominating union (multipart; JSON is 400/409)
    N + "/materials": [_on(MANAGE), _on(NOMINATE, "post", body=lambda org, o: {"kind": "deeds"})],
    N + "/materials/<hmaterial_id>": [_on(MANAGE)],
    N + "/objections": [Check("own", "post", api=True, body=lambda org, o: {"text": "矩阵异议"})],
    "/api/v1/honours/objections/<hobjection_id>/decide": [
        _on(MANAGE, "post", body=lambda org, o: {"upheld": False, "resolution": "矩阵"})
    ],
    "/api/v1/honours/notices": [Check("public")],
    "/api/v1/honours/register": [Check("staff", api=True)],
    "/api/v1/me/honours": [Check("own", api=True)],
    # star-rated unions: criteria of the unit; the unit's assessment under its parent's criteria
    "/api/v1/star-ratings/criteria": [
        _on(
            MANAGE,
            "post",
            body=lambda org, o: {
                "org_id": str(org.pk),
                "title": "矩阵星级",
                "year": 2026,
                "thresholds": ["1"],
                "items": [{"title": "矩阵", "points": "5"}],
            },
        )
    ],
    SC: [Check("public")],
    SC + "/publish": [_on(MANAGE, "post")],
    "/api/v1/star-ratings/assessments": [
        _on(
            NOMINATE,
            "post",
            body=lambda org, o: {"criteria_id": str(o["st_assessment"].criteria_id), "org_id": str(org.pk)},
        )
    ],
    SA: [_on(NOMINATE)],
    SA + "/evidence": [_on(NOMINATE), _on(NOMINATE, "post", body=lambda org, o: {"caption": "矩阵"})],
    SA + "/evidence/<sevidence_id>": [_on(NOMINATE)],
    SA + "/self": [_on(NOMINATE, "post", body=lambda org, o: _points(o))],
    SA + "/score": [
        Check(
            "rule",
            "post",
            api=True,
            rule=lambda u, org, o: first(scoped(u, NOMINATE, org), scoped(u, MANAGE, org.parent)),
            body=lambda org, o: _points(o),
        )
    ],
    "/api/v1/star-ratings/public": [Check("public", body=lambda org, o: {"area_id": str(org.pk)})],
    # console
    "/console/honours/": [Check("rule", rule=_any)],
    "/console/honours/register/": [Check("rule", rule=_any)],
    "/console/honours/<uuid:pk>/": [_page(MANAGE)],
    "/console/honours/<uuid:pk>/step/": [_page(MANAGE, "post", body=lambda org, o: {"to": "reviewing"})],
    "/console/honours/<uuid:pk>/quota/": [
        _page(MANAGE, "post", body=lambda org, o: {"org": str(org.pk), "quota": "2"})
    ],
    "/console/honours/<uuid:pk>/nominate/": [_page(NOMINATE)],
    "/console/honours/<uuid:pk>/submit/": [
        _page(NOMINATE, "post", body=lambda org, o: {"unit": str(org.pk)})
    ],
    "/console/honours/nominations/<uuid:pk>/": [_page(MANAGE, target="hn_nomination")],
    "/console/honours/nominations/<uuid:pk>/materials/": [
        _page(NOMINATE, "post", target="hn_nomination", body=lambda org, o: {"kind": "deeds"})
    ],
    "/console/honours/nominations/<uuid:pk>/materials/<uuid:material>/": [
        _page(MANAGE, target="hn_nomination")
    ],
    "/console/honours/nominations/<uuid:pk>/review/": [
        _page(MANAGE, "post", target="hn_nomination", body=lambda org, o: {"decision": "approve"})
    ],
    "/console/honours/nominations/<uuid:pk>/withdraw/": [_page(NOMINATE, "post", target="hn_nomination")],
    "/console/honours/objections/<uuid:pk>/decide/": [
        _page(
            MANAGE, "post", target="hn_objection", body=lambda org, o: {"upheld": "no", "resolution": "矩阵"}
        )
    ],
    # star-rated unions in the console (the same access functions as /api/v1/star-ratings)
    "/console/honours/stars/": [Check("rule", rule=_any)],
    "/console/honours/stars/assess/": [
        _page(
            NOMINATE,
            "post",
            body=lambda org, o: {"criteria": str(o["st_assessment"].criteria_id), "org": str(org.pk)},
        )
    ],
    "/console/honours/stars/criteria/<uuid:pk>/": [_page(MANAGE, target="st_criteria")],
    "/console/honours/stars/criteria/<uuid:pk>/publish/": [_page(MANAGE, "post", target="st_criteria")],
    "/console/honours/stars/assessments/<uuid:pk>/": [_page(NOMINATE, target="st_assessment")],
    "/console/honours/stars/assessments/<uuid:pk>/self/": [
        _page(NOMINATE, "post", target="st_assessment", body=lambda org, o: _form_points(o))
    ],
    "/console/honours/stars/assessments/<uuid:pk>/evidence/": [
        _page(NOMINATE, "post", target="st_assessment", body=lambda org, o: {"caption": "矩阵"})
    ],
    "/console/honours/stars/assessments/<uuid:pk>/evidence/<uuid:evidence>/": [
        _page(NOMINATE, target="st_assessment")
    ],
    "/console/honours/stars/assessments/<uuid:pk>/score/": [
        Check(
            "rule",
            "post",
            target="st_assessment",
            rule=lambda u, org, o: first(scoped(u, NOMINATE, org), scoped(u, MANAGE, org.parent)),
            body=lambda org, o: _form_points(o),
        )
    ],
    # phone
    "/h5/honours/": [Check("public")],
    "/h5/honours/mine/": [Check("worker")],
    # the contests on the phone (the event from table_contests.extend, which runs before)
    "/h5/contests/": [Check("public")],
    "/h5/contests/mine/": [Check("worker")],
    "/h5/contests/events/<uuid:pk>/": [Check("public", target="ct_event_h5")],
    "/h5/honours/<uuid:pk>/object/": [
        Check("own", "post", target="hn_public", body=lambda org, o: {"text": "矩阵异议"})
    ],
}

_n = [7000]


def _membership(org):
    from .world import member_of

    _n[0] += 1
    return member_of(org, _n[0], f"矩阵荣誉{_n[0]}")


def extend(unit: dict, demo) -> None:
    """Per unit: an open campaign it organises with a quota for itself, one nomination submitted
    (its turn at the unit) and one draft; a second campaign on public notice with an objection."""
    from zhijia.accounts.models import User, UserKind
    from zhijia.honours import services as svc

    org = unit["org"]

    def campaign(title):
        c = svc.campaign_create(
            actor=None,
            org=org,
            title=title,
            kind="model_worker",
            year=2026,
            closes_on=timezone.localdate() + timedelta(days=9),
        )
        svc.quota_set(actor=None, campaign=c, org=org, quota=3)
        return svc.campaign_step(actor=None, campaign=c, to="open")

    def nominate(c):
        return svc.nomination_create(
            actor=None, campaign=c, org=org, membership=_membership(org), category="frontline", deeds="矩阵"
        )

    c = campaign("矩阵评选")
    submitted = nominate(c)
    svc.nominations_submit(actor=None, campaign=c, org=org)
    nominate(c)  # a draft
    notice = campaign("矩阵公示")
    public = nominate(notice)
    svc.nominations_submit(actor=None, campaign=notice, org=org)
    svc.nomination_review(actor=None, nomination=public, decision="approve")
    svc.campaign_step(
        actor=None, campaign=svc.campaign_step(actor=None, campaign=notice, to="reviewing"), to="publicity"
    )
    public.refresh_from_db()
    worker = User.objects.filter(kind=UserKind.WORKER).first()
    objection = svc.objection_submit(actor=worker, nomination=public, body="矩阵异议")
    submitted.refresh_from_db()
    unit.update(hn_campaign=c, hn_nomination=submitted, hn_public=public, hn_objection=objection)
    unit["url_values"].update(hcampaign_id=c.pk, hnomination_id=submitted.pk, hobjection_id=objection.pk)

    from zhijia.honours import stars

    def criteria(issuer):
        made = stars.criteria_create(
            actor=None,
            org=issuer,
            title="矩阵星级",
            year=2026,
            thresholds=["1"],
            items=[("矩阵", "5", "0", "members")],
        )
        return stars.criteria_publish(actor=None, criteria=made)

    own = criteria(org)
    assessment = stars.assessment_start(actor=None, criteria=criteria(org.parent), org=org)
    unit.update(st_criteria=own, st_assessment=assessment, ct_event_h5=unit["ct_entry"].event)
    unit["url_values"].update(scriteria_id=own.pk, sassessment_id=assessment.pk)
    # a material on the submitted nomination and an evidence file on the assessment's item
    from zhijia.honours.models import Evidence, Material

    at = timezone.now()
    material = Material.objects.create(
        nomination=submitted, kind="deeds", extension="pdf", size=8, content=b"%PDF-1.4", at=at
    )
    item = assessment.items.first()
    evidence = Evidence.objects.create(item=item, extension="pdf", size=8, content=b"%PDF-1.4", at=at)
    unit["url_values"].update(hmaterial_id=material.pk, material=material.pk)
    unit["url_values"].update(sevidence_id=evidence.pk, evidence=evidence.pk)


def snapshot() -> list:
    from zhijia.honours.models import (
        Assessment,
        AssessmentItem,
        Award,
        Campaign,
        CriteriaSet,
        Evidence,
        Material,
        Nomination,
        Objection,
        Quota,
        StarAward,
    )

    return [
        list(Material.objects.order_by("pk").values_list("pk", "size")),
        list(Evidence.objects.order_by("pk").values_list("pk", "size")),
        list(Campaign.objects.order_by("pk").values_list("pk", "status")),
        list(Quota.objects.order_by("pk").values_list("pk", "quota")),
        list(Nomination.objects.order_by("pk").values_list("pk", "status", "at_org_id", "deeds", "category")),
        list(Objection.objects.order_by("pk").values_list("pk", "status")),
        Award.objects.count(),
        list(CriteriaSet.objects.order_by("pk").values_list("pk", "published")),
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "stars")),
        list(AssessmentItem.objects.order_by("pk").values_list("pk", "self_points", "points")),
        StarAward.objects.count(),
    ]
