"""The rule for where capabilities are checked (docs/architecture.md): the interface, through the
access function; a service only checks a unit named in its data or a second, data-dependent
capability. A `check(actor, cap, <obj>.org)` / `require(...)` on an object the service was
handed repeats the access function and is refused here; dispatch's are the allow-list to go."""

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "zhijia"
DOMAINS = (
    "orgs", "accounts", "members", "records", "positions", "catalog", "activities", "dispatch", "benefits",
)  # fmt: skip

# (file, attribute path of the org checked) -> count still allowed. Only shrinks.
ALLOWED = Counter(
    {
        # a manager reversing after the cashier's window: a second, state-dependent capability
        ("benefits/services/redeem.py", "campaign.org"): 1,
        # activity from a plan entry: the plan's union is named in the data
        ("activities/services/activities.py", "plan.org"): 1,
        # member ledgers: the export request's unit is checked per step (approver vs requester)
        ("members/services/ledgers.py", "request.org"): 2,
        ("members/services/registry.py", "membership.org"): 1,
        # dispatch services still re-check the objects their callers accessed (to remove together
        # with the service tests that call them without the access function)
        ("dispatch/services/experts.py", "expert.org"): 5,
        ("dispatch/services/menus.py", "menu.org"): 5,
        ("dispatch/services/menus.py", "source.org"): 1,
        ("dispatch/services/needs.py", "survey.org"): 1,
        ("dispatch/services/needs.py", "need.org"): 1,
        ("dispatch/services/needs.py", "need.survey.org"): 1,
        ("dispatch/services/orders.py", "order.org"): 4,
        ("dispatch/services/orders.py", "order.dispatcher"): 2,
    }
)


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def rechecks() -> Counter:
    found: Counter = Counter()
    for domain in DOMAINS:
        package = ROOT / domain / "services"
        for path in package.rglob("*.py") if package.is_dir() else []:
            _scan(path, found)
        single = ROOT / domain / "services.py"
        if single.exists():
            _scan(single, found)
    return found


def _scan(path: Path, found: Counter) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or len(node.args) < 3:
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in {"check", "require"} and isinstance(node.args[2], ast.Attribute):
            found[(str(path.relative_to(ROOT)), _dotted(node.args[2]))] += 1


def test_services_do_not_recheck_the_objects_they_are_handed():
    found = rechecks()
    over = {k: n for k, n in found.items() if n > ALLOWED.get(k, 0)}
    assert over == {}, f"a service re-checks a handed object (check it in the access function): {over}"


def test_the_allow_list_only_shrinks():
    found = rechecks()
    stale = {k: (n, found.get(k, 0)) for k, n in ALLOWED.items() if found.get(k, 0) < n}
    assert stale == {}, f"lower ALLOWED: {stale}"
