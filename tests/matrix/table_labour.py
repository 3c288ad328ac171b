"""Permission-matrix entries for the labour registry API and console (merged into
tests/matrix/table.ROUTES).

Every target unit gets a registry person (consenting), a second one to refer, a job posted by the
unit and a referral of the first person to it: the person, the job and the referral all sit in
the unit. Reads need labour.view there, writes labour.manage (registering or changing a person:
labour.manage or labour.survey): 404 outside scope, 403 inside without the capability."""

from zhijia.orgs.capabilities import Cap
from zhijia.orgs.models import RoleGrant

from .reference import first, has, scoped
from .table import Check

VIEW, MANAGE, SURVEY = Cap.LABOUR_VIEW, Cap.LABOUR_MANAGE, Cap.LABOUR_SURVEY
P = "/api/v1/labour"
_ids = iter(range(500, 10_000))


def _on(cap, method="get", **kw):
    return Check("rule", method, api=True, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def write_people(u, org, o):
    """labour.manage or labour.survey on the village: 404 outside scope, else 403 without both."""
    results = (scoped(u, MANAGE, org), scoped(u, SURVEY, org))
    if None in results:
        return None
    return 403 if 403 in results else 404


def refer(u, org, o):
    return scoped(u, VIEW, org) or scoped(u, MANAGE, org)


def _person_body(org, objs):
    from tests.labour.support import cn_id

    return {"org_id": str(org.pk), "name": "矩阵劳动力", "id_number": cn_id(900), "status": "unemployed"}


def _job_body(org, objs):
    return {"org_id": str(org.pk), "title": "矩阵岗位", "occupation": "4-10", "starts_on": "2026-01-05"}


def _console(cap, target, method="get", **kw):
    return Check("rule", method, target=target, rule=lambda u, org, o: scoped(u, cap, org), **kw)


def home(cap):
    """Console pages of the current unit: the user's first granted unit (by tree position)."""

    def rule(u, org, o):
        grant = RoleGrant.objects.filter(user=u, org__status="active").order_by("org__path").first()
        return 404 if grant is None else scoped(u, cap, grant.org)

    return rule


def _home(cap, method="get"):
    return Check("rule", method, rule=home(cap))


C = "/console/labour/"
CONSOLE: dict = {
    C: [_home(VIEW)],
    C + "people/<uuid:pk>/": [_console(VIEW, "labour_entry")],
    C + "ledgers/": [_home(VIEW)],
    C + "ledgers/export.xlsx": [_home(VIEW)],
    C + "crosscheck/": [_home(VIEW)],
    C + "import/": [_home(MANAGE), _home(MANAGE, "post")],
    C + "import/template.xlsx": [Check("staff")],
    C + "import/<uuid:pk>/": [_console(MANAGE, "labour_import")],
    C + "import/<uuid:pk>/errors.xlsx": [_console(MANAGE, "labour_import")],
    C + "jobs/": [
        _home(VIEW),
        Check("rule", "post", rule=lambda u, org, o: first(home(VIEW)(u, org, o), home(MANAGE)(u, org, o))),
    ],
    C + "jobs/<uuid:pk>/": [_console(VIEW, "labour_job")],
    C + "jobs/<uuid:pk>/refer/": [_console(VIEW, "labour_job", "post")],
    C + "referrals/<uuid:pk>/<slug:referral_step>/": [_console(MANAGE, "labour_referral", "post")],
    C + "teams/": [
        _home(VIEW),
        Check("rule", "post", rule=lambda u, org, o: first(home(VIEW)(u, org, o), home(MANAGE)(u, org, o))),
    ],
    C + "teams/<uuid:pk>/": [
        _console(VIEW, "labour_team"),
        Check(
            "rule",
            "post",
            target="labour_team",
            rule=lambda u, org, o: first(scoped(u, VIEW, org), scoped(u, MANAGE, org)),
        ),
    ],
    C + "teams/<uuid:pk>/assignments/": [_console(MANAGE, "labour_team", "post")],
    C + "assignments/<uuid:pk>/attendance/": [_console(MANAGE, "labour_assignment", "post")],
    "/h5/labour/survey/": [Check("own")],
    "/h5/labour/jobs/": [Check("worker")],
}


ROUTES: dict = {
    P + "/people": [
        Check("rule", api=True, rule=lambda u, org, o: has(u, VIEW)),
        Check("rule", "post", api=True, rule=write_people, body=_person_body),
    ],
    P + "/people/<entry_id>": [
        _on(VIEW),
        Check("rule", "patch", api=True, rule=write_people, body=lambda org, o: {"note": "矩阵"}),
    ],
    P + "/people/<entry_id>/jobs": [_on(VIEW)],
    P + "/ledgers/<ledger>": [Check("rule", api=True, rule=lambda u, org, o: has(u, VIEW))],
    P + "/ledgers/<ledger>/changes": [
        Check(
            "rule",
            api=True,
            rule=lambda u, org, o: has(u, VIEW),
            body=lambda org, o: {"start": "2025-01-01", "end": "2026-12-31"},
        )
    ],
    P + "/jobs": [
        Check("rule", api=True, rule=lambda u, org, o: has(u, VIEW)),
        _on(MANAGE, "post", body=_job_body),
    ],
    P + "/jobs/<job_id>/matches": [_on(MANAGE)],
    P + "/jobs/<job_id>/funnel": [_on(VIEW)],
    P + "/referrals": [
        Check(
            "rule",
            "post",
            api=True,
            rule=refer,
            body=lambda org, o: {"job_id": str(o["labour_job"].pk), "person_id": str(o["labour_other"].pk)},
        )
    ],
    P + "/referrals/<referral_id>/<referral_step>": [_on(MANAGE, "post", body=lambda org, o: {})],
    **CONSOLE,
}


def extend(unit: dict, demo) -> None:
    from tests.labour.support import cn_id
    from zhijia.core.models import ImportJob
    from zhijia.labour.services.jobs import job_create, referral_create
    from zhijia.labour.services.registry import person_register
    from zhijia.labour.services.teams import assignment_create, team_create

    org = unit["org"]
    n = next(_ids)
    entry, _r = person_register(
        actor=None,
        org=org,
        data={"name": "矩阵劳动力", "id_number": cn_id(n % 1000), "job_matching_consent": True},
    )
    other, _r = person_register(
        actor=None,
        org=org,
        data={"name": "矩阵被推荐人", "id_number": cn_id((n + 500) % 1000), "job_matching_consent": True},
    )
    job = job_create(actor=None, org=org, data=_job_body(org, {}))
    referral = referral_create(actor=None, job=job, entry=entry)
    unit["labour_entry"], unit["labour_other"], unit["labour_job"] = entry, other, job
    unit["labour_referral"] = referral
    team = team_create(actor=None, org=org, kind="domestic", name="矩阵家政服务队")
    unit["labour_team"] = team
    unit["labour_assignment"] = assignment_create(
        actor=None, team=team, title="矩阵保洁", starts_on="2026-01-01", ends_on="2026-01-05"
    )
    unit["labour_import"] = ImportJob.objects.create(
        kind="labour", org=org, created_by=unit["user"], filename="l.xlsx", source=b""
    )
    unit["url_values"].update(
        entry_id=entry.pk,
        job_id=job.pk,
        referral_id=referral.pk,
        referral_step="interview",
        ledger="transfer",
    )


def snapshot() -> list:
    from zhijia.labour.models import (
        Assignment,
        Attendance,
        Job,
        Referral,
        RegistryPerson,
        StatusPeriod,
        Team,
        TeamMember,
    )
    from zhijia.members.models import Consent

    return [
        list(
            RegistryPerson.objects.order_by("pk").values_list("pk", "status", "org_id", "note", "updated_at")
        ),
        StatusPeriod.objects.count(),
        list(Job.objects.order_by("pk").values_list("pk", "status")),
        list(Referral.objects.order_by("pk").values_list("pk", "step")),
        Consent.objects.count(),
        Team.objects.count(),
        TeamMember.objects.count(),
        Assignment.objects.count(),
        Attendance.objects.count(),
    ]
