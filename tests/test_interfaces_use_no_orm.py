"""The interfaces (api/, staff/, h5/, and their shared helpers web/) reach the database only
through a domain's access functions, selectors and services — never `Model.objects` (a form's
choices included: a selector returns the queryset). Any use fails here."""

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "zhijia"
INTERFACES = ("api", "staff", "h5", "web")


def uses() -> Counter:
    found: Counter = Counter()
    for package in INTERFACES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
                    found[str(path.relative_to(ROOT))] += 1
    return found


def test_no_model_objects_in_the_interfaces():
    found = uses()
    assert found == {}, f"Model.objects in an interface (use a selector or access function): {dict(found)}"
