"""Every wizard step at 80x24 as an SVG snapshot (pytest-textual-snapshot).

The snapshots live in tests/__snapshots__/; after an intended change of the
screens, look at them and accept with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import types

import numpy as np
import pytest

pytest.importorskip("pytest_textual_snapshot")

from textual.widgets import DataTable  # noqa: E402

from fenban_tui.core.api import placement_of  # noqa: E402
from fenban_tui.tui.app import FenbanApp  # noqa: E402
from fenban_tui.tui.screens import solve_step  # noqa: E402
from fenban_tui.tui.screens.export_step import ExportScreen  # noqa: E402
from fenban_tui.tui.screens.import_step import ImportScreen  # noqa: E402
from fenban_tui.tui.screens.review_step import ReviewScreen  # noqa: E402
from fenban_tui.tui.screens.rules_step import RulesScreen  # noqa: E402
from fenban_tui.tui.screens.solve_step import SolveScreen  # noqa: E402

from .test_tui import ROOT, SIZE, wait_until  # noqa: E402

SAMPLE = "sample_data/junior_sample.xlsx"  # relative: the same text on every machine
STEPS = [ImportScreen, RulesScreen, SolveScreen, ReviewScreen, ExportScreen]


@pytest.fixture(autouse=True)
def _fixed(monkeypatch):
    monkeypatch.chdir(ROOT)
    # the solve step says how long it took: a fixed clock makes it 0.0 s
    monkeypatch.setattr(solve_step, "time", types.SimpleNamespace(monotonic=lambda: 0.0))
    # the export step lists the USB drives mounted here: none, on every machine
    from fenban_tui.tui.screens import export_step

    monkeypatch.setattr(export_step, "removable_drives", lambda: [])

    # the screens, not the solver, are under test here: students dealt in turn
    # (the pictures do not change whenever the solver improves)
    def dealt(roster, rules, progress=None, cancel=None):
        k = rules.class_count(roster.n)
        return placement_of(roster, rules, np.arange(roster.n) % k)

    monkeypatch.setattr(solve_step, "solve_roster", dealt)


def walk_to(step: int, then=None):
    """run_before: from the start, on to ``STEPS[step]`` (10 classes)."""

    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        for target in STEPS[1 : step + 1]:
            if target is SolveScreen:
                app.screen.query_one("#seed").value = "2026"  # the seed drawn in public
            await pilot.press("ctrl+n")
            await wait_until(pilot, lambda t=target: isinstance(app.screen, t), 30)
            if target is SolveScreen:
                await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 60)
            await pilot.pause()
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("step", range(len(STEPS)), ids=[s.__name__ for s in STEPS])
def test_step_at_80x24(snap_compare, step):
    app = FenbanApp(roster_path=SAMPLE, lang="zh")
    assert snap_compare(app, terminal_size=SIZE, run_before=walk_to(step))


def test_review_class_students_at_80x24(snap_compare):
    async def open_first(pilot) -> None:
        pilot.app.screen.query_one("#review-classes", DataTable).move_cursor(row=0)
        await pilot.press("enter")

    app = FenbanApp(roster_path=SAMPLE, lang="zh")
    assert snap_compare(app, terminal_size=SIZE, run_before=walk_to(3, open_first))


def test_review_in_english_at_80x24(snap_compare):
    app = FenbanApp(roster_path=SAMPLE, lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=walk_to(3))


def test_review_find_student_at_80x24(snap_compare):
    """/ in the review: the search dialog listing the students whose name holds 蒋."""

    async def find(pilot) -> None:
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press("蒋")

    app = FenbanApp(roster_path=SAMPLE, lang="zh")
    assert snap_compare(app, terminal_size=SIZE, run_before=walk_to(3, find))
