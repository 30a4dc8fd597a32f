"""The Textual wizard, driven by Pilot at 80x24."""

from __future__ import annotations

import dataclasses

import csv
import time
from pathlib import Path

from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.import_step import ImportScreen
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen
from fenban_tui.tui.widgets import CheckList, StepBar
from textual.widgets import DataTable, Input, OptionList, Static

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data" / "junior_sample.xlsx"
SIZE = (80, 24)


async def wait_until(pilot, condition, timeout: float = 60.0) -> None:
    """Let the app run (workers, messages) until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the wizard")
        await pilot.pause(0.05)


def step_text(app: FenbanApp) -> str:
    return app.screen.query_one(StepBar).plain_text


def status_text(app: FenbanApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def assert_on_screen(app: FenbanApp, *selectors: str) -> None:
    """Each widget is shown, with at least one line, inside the 80x24 terminal."""
    width, height = SIZE
    for sel in ("#stepbar", "Footer", *selectors):
        region = app.screen.query_one(sel).region
        assert region.height > 0, sel
        assert region.y >= 0 and region.bottom <= height and region.right <= width, (sel, region)


async def test_first_screen_shows_import_and_ctrl_q_quits():
    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        text = step_text(app)
        for word in ("导入", "规则", "分班", "导出"):
            assert word in text
        assert app.screen.query_one(StepBar).current == 0
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_bad_path_shows_error_and_stays_on_import(tmp_path):
    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        missing = tmp_path / "nope.xlsx"
        app.screen.query_one("#path", Input).value = str(missing)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "找不到文件" in status_text(app, "#import-status"), 10)
        assert str(missing) in status_text(app, "#import-status")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
        assert app.roster is None

        # a folder and a file that is not a spreadsheet: still a message, still on import
        junk = tmp_path / "notes.txt"
        junk.write_bytes(b"\x00\x01\x02 not a roster")
        for bad in (tmp_path, junk):
            app.screen.query_one("#path", Input).value = str(bad)
            await pilot.press("enter")
            await wait_until(pilot, lambda: "error" in app.screen.query_one("#import-status").classes
                             and "正在读取" not in status_text(app, "#import-status"), 10)
            await pilot.press("ctrl+n")
            await pilot.pause()
            assert isinstance(app.screen, ImportScreen)


async def test_english_labels():
    app = FenbanApp(roster_path=None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Import" in step_text(app) and "Export" in step_text(app)
        app.screen.query_one("#path", Input).value = "/no/such/file.xlsx"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "File not found" in status_text(app, "#import-status"), 10)
        await pilot.press("f1")
        await pilot.pause()
        assert "quit" in str(app.screen.query_one("#help-text", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)


async def test_full_walk_import_rules_solve_export(tmp_path):
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(SAMPLE), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        # 1 导入: the path is pre-filled and read
        await wait_until(pilot, lambda: app.roster is not None, 30)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        assert screen.query_one("#path", Input).value == str(SAMPLE)
        assert app.roster.n == 500 and app.roster.usable
        assert screen.query_one("#preview", DataTable).row_count > 0
        assert screen.query_one("#problems", OptionList).option_count >= 1
        assert_on_screen(app, "#path", "#import-status", "#preview", "#problems")

        # help opens and closes without leaving the step
        await pilot.press("f1")
        await pilot.pause()
        assert "ctrl+q" in str(app.screen.query_one("#help-text", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)

        # 2 规则
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        rules_screen = app.screen
        assert "规则" in step_text(app)
        classes = rules_screen.query_one("#classes", Input)
        assert classes.value == "10"  # ceil(500 / 50)
        assert_on_screen(app, "#classes", "#seed", "#labels", "#balance", "#hard", "#rules-status")
        assert rules_screen.query_one("#seed", Input).value  # a default seed
        balance = rules_screen.query_one("#balance", CheckList)
        assert {"gender", "school", "total"} <= set(balance.selected)
        # a bad class count is refused with a message
        classes.value = "0"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "班级数" in status_text(app, "#rules-status")
        classes.value = "10"
        app.screen.query_one("#seed", Input).value = "test"
        # toggle one balance item off and on again with the keyboard
        balance.focus()
        await pilot.pause()
        first = balance.selected[0]
        await pilot.press("space")
        assert first not in balance.selected
        await pilot.press("space")
        assert first in balance.selected

        # 3 分班: the solver runs in a thread worker; wait for it
        classes.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        solve_screen = app.screen
        await wait_until(pilot, lambda: not solve_screen.running, 120)
        assert app.placement is not None, status_text(app, "#solve-status")
        summary = solve_screen.query_one("#summary", DataTable)
        assert summary.row_count == 10
        assert "分班完成" in status_text(app, "#solve-status")
        assert "最大差距" in str(solve_screen.query_one("#gaps", Static).render())
        assert_on_screen(app, "#solve-status", "#progress", "#summary", "#gaps-box")
        assert solve_screen.query_one("#summary").region.height >= 13  # header + 10 classes + border

        # 4 导出
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
        assert "导出" in step_text(app)
        out_input = app.screen.query_one("#out", Input)
        out_input.value = str(out)
        out_input.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.written, 60)
        assert "assignment.csv" in str(app.screen.query_one("#written", Static).render())
        assert_on_screen(app, "#out", "#export-status", "#written")

        # writing again asks before overwriting; n keeps the files
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)

        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0

    csv_path = out / "assignment.csv"
    assert csv_path.exists()
    assert (out / "分班结果.xlsx").exists()
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    assert len(data) == 500
    assert "班级" in header
    col = header.index("班级")
    assert {r[col] for r in data} == {f"{i}班" for i in range(1, 11)}


async def test_cancel_solve_with_escape():
    app = FenbanApp(roster_path=str(SAMPLE), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        # many independent starts: the solve runs long enough to be cancelled
        app.rules = dataclasses.replace(app.rules, effort=40)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one("#progress").progress > 0, 30)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running, 30)
        assert "已取消" in status_text(app, "#solve-status")
        assert app.placement is None
        # cannot go on without a placement
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, SolveScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_solver_error_is_a_message_not_a_traceback():
    # the sample pins students to classes up to 10: two classes cannot hold
    app = FenbanApp(roster_path=str(SAMPLE), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        app.screen.query_one("#classes", Input).value = "2"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        screen = app.screen
        await wait_until(pilot, lambda: not screen.running, 60)
        text = status_text(app, "#solve-status")
        assert "分班失败" in text and "Traceback" not in text
        assert app.placement is None
        # back to the rules still works
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
