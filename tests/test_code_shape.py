"""Rules of the codebase's shape that review would otherwise have to remember: modules a
person can hold in their head, and a status written only by tasp/states.py."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_modules():
    from django.conf import settings

    apps = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    for app in sorted(name for name in apps if (ROOT / name).is_dir()):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in production_modules()
        if (lines := len(path.read_text().splitlines())) > 500
    }
    assert long == {}, "split these by concern (a models/ package, a module per workflow)"


def test_only_the_transition_code_writes_a_status():
    writes = re.compile(r"\.update\([^)]*\bstatus=|^\s*(?:[\w.]+\.)?status = (?!models\.)", re.M)
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for path in production_modules()
        if path != ROOT / "tasp" / "states.py"
        for match in writes.finditer(path.read_text())
    ]
    assert found == [], "change a status with move_to, set_status or MovesQuerySet.move"
