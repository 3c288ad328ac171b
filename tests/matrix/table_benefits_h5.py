"""Permission-matrix entries for the H5 voucher pages and the merchant till (merged into
tests/matrix/table.ROUTES).

Worker pages (/h5/vouchers/): the list, a campaign and its draw list are public; claiming,
registering and my vouchers need a logged-in worker (anyone else is sent to the H5 login); one
voucher's page shows only the worker's own (the matrix voucher belongs to the unit's member:
404, "own"). The till (/h5/merchant/) is for staff accounts (workers and anonymous visitors go to
the console login): the outlet list needs benefits.redeem somewhere (403), an outlet's pages a
Cashier row there AND benefits.redeem on its merchant's union (404 otherwise), a reversal the
outlet's cashier or benefits.manage on the funding union. Objects: tests.matrix.table_benefits_api.build."""

from zhijia.orgs.capabilities import Cap

from .reference import has
from .table import Check
from .table_benefits_api import build, reverse_rule, till_rule

H = "/h5/vouchers/"
M = "/h5/merchant/"

ROUTES: dict = {
    H: [Check("public")],
    H + "mine/": [Check("worker")],
    H + "v/<uuid:pk>/": [Check("own", target="bw_voucher")],
    H + "<uuid:pk>/": [Check("public", target="bw_campaign")],
    H + "<uuid:pk>/draw/": [Check("public", target="bw_campaign")],
    H + "<uuid:pk>/claim/": [
        Check("worker", target="bw_campaign"),
        Check("worker", "post", target="bw_campaign", body=lambda org, o: {"key": "matrix"}),
    ],
    H + "<uuid:pk>/register/": [
        Check("worker", target="bw_campaign"),
        Check("worker", "post", target="bw_campaign"),
    ],
    M: [Check("rule", rule=lambda u, org, o: has(u, Cap.BENEFITS_REDEEM))],
    M + "<uuid:pk>/": [
        Check("rule", target="till_outlet", rule=till_rule),
        Check(
            "rule",
            "post",
            target="till_outlet",
            rule=till_rule,
            body=lambda org, o: {"action": "preview", "code": "x"},
        ),
    ],
    M + "<uuid:pk>/today/": [Check("rule", target="till_outlet", rule=till_rule)],
    M + "redemptions/<uuid:pk>/reverse/": [
        Check(
            "rule",
            "post",
            target="bw_redemption",
            rule=reverse_rule,
            body=lambda org, o: {"reason": "矩阵"},
        ),
    ],
}


def extend(unit: dict, demo) -> None:
    """The unit's benefits objects (shared with the API table)."""
    build(unit, demo)


def snapshot() -> list:
    """The API table's snapshot covers these rows."""
    return []
