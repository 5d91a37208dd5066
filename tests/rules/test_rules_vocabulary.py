"""The rules' vocabulary: deadline kinds with their words and whether they can be met (§3.2)."""

from __future__ import annotations

import subprocess
import sys

from django.utils import translation

from members.rules import DeadlineKind


def test_only_the_change_window_and_revocation_cannot_be_met() -> None:
    assert {kind for kind in DeadlineKind if not kind.can_be_met} == {
        DeadlineKind.CHANGE_WINDOW,
        DeadlineKind.REVOCATION,
    }


def test_every_kind_has_its_words_in_the_reader_language() -> None:
    assert all(str(kind.label) for kind in DeadlineKind)
    assert len({str(kind.label) for kind in DeadlineKind}) == len(DeadlineKind)
    assert str(DeadlineKind.FIRST_PLAN.label) == "first action plan"
    with translation.override("es"):
        assert str(DeadlineKind.FIRST_PLAN.label) == "primer plan de acción"


def test_the_rules_module_imports_no_database_and_no_app() -> None:
    code = (
        "import sys, members.rules; "
        "print(sorted(m for m in sys.modules if m.startswith('django.db') "
        "or m.split('.')[0] in ('members', 'action_plans', 'commitments', 'tracker', "
        "'assessments', 'portal')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "['members', 'members.rules']"
