"""What a new user found around resuming, 分班, 规则 and 导出 (Pilot, 80x24):

1. the resume question focuses 继续上次 (Enter carries on), and starting afresh
   over a session with hand edits asks again before anything can overwrite it;
2. a refusal on 导出 (too few head teachers, no folder) goes, or is updated,
   when its box changes;
3. ctrl+n on 分班 after Esc cancelled the solve says why in the status line;
4. a rules change after the review, answered "不改": the status line on 规则
   says the form differs from the classes' rules, the question offers 恢复原规则,
   and the export describes the rules the classes were drawn with.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual.widgets import Button, Input, TextArea

from fenban_tui.core.api import Cancelled
from fenban_tui.core.session import SessionStore
from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens import export_step, solve_step
from fenban_tui.tui.screens.dialogs import (ConfirmScreen, DiscardScreen, ResolveScreen, ResumeOtherScreen,
                                            ResumeScreen)
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.import_step import ImportScreen
from fenban_tui.tui.screens.review_step import ReviewScreen
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen
from fenban_tui.tui.text import t

from .test_review import free_students, reviewing, small_roster, step_to
from .test_tui import SIZE, load, read_toml, status_text, to_step, wait_until, write_roster


def question(app) -> str:
    return app.screen.question


def fits(app, *selectors: str) -> None:
    """Each widget of the dialog lies inside the 80x24 terminal."""
    for sel in selectors:
        for widget in app.screen.query(sel):
            r = widget.region
            assert r.height > 0 and r.x >= 0 and r.y >= 0 and r.right <= SIZE[0] and r.bottom <= SIZE[1], (sel, r)


async def back_to_rules(pilot, app) -> None:
    """From 复核 back to 规则 (two steps: 分班 shows the classes kept)."""
    await to_step(pilot, app, SolveScreen, "ctrl+p")
    await to_step(pilot, app, RulesScreen, "ctrl+p")


async def swapped_by_hand(pilot, app):
    """On to 复核, and one swap made there by hand (classes 1 and 2): the review."""
    await reviewing(pilot, app)
    rv = app.review
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    assert rv.swap(a, b).ok
    app.review_changed()
    return rv


async def hand_edited_session(tmp_path, monkeypatch) -> tuple[Path, Path, list[int]]:
    """A saved session on 复核 with one swap made by hand: (data folder, roster, classes)."""
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    roster = small_roster(tmp_path / "r120.csv")
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        rv = await swapped_by_hand(pilot, app)
        classes = rv.classes.tolist()
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = SessionStore(data).load()
    assert saved is not None and saved.review and saved.review["undo"]
    return data, roster, classes


# ---------------------------------------------------------------------- 1: the resume question


async def test_the_resume_question_focuses_resume_and_enter_keeps_the_hand_edits(tmp_path, monkeypatch):
    data, roster, classes = await hand_edited_session(tmp_path, monkeypatch)
    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#yes", Button)
        assert str(app.screen.query_one("#yes", Button).label) == "继续上次 (y)"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 30)
        assert app.review is not None and app.review.classes.tolist() == classes and app.review.undo_stack

    # `fenban OTHER-FILE`: the same default, the saved session
    other = write_roster(tmp_path / "other.csv", 30, seed=6)
    app = FenbanApp(roster_path=str(other), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeOtherScreen), 10)
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#yes", Button)


async def test_starting_afresh_over_hand_edits_asks_again_and_keeps_the_session_until_a_roster_is_read(
        tmp_path, monkeypatch):
    data, roster, classes = await hand_edited_session(tmp_path, monkeypatch)
    before = (data / "session.json").read_bytes()
    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardScreen), 10)
        await pilot.pause()
        said = question(app)
        assert "复核中的手工调整：调整 2 人，锁定 0 人、0 个班" in said and "一读入名单就会覆盖" in said
        assert app.screen.focused is app.screen.query_one("#no", Button)  # Enter goes back
        assert str(app.screen.query_one("#no", Button).label) == "返回 (n)"
        fits(app, "#confirm-box", "Button")
        # Enter (or Esc, n): back to the first question, 继续上次 focused again
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#yes", Button)
        assert (data / "session.json").read_bytes() == before
        # n, then y: afresh; nothing is overwritten until a roster is read
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardScreen), 10)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen), 10)
        await pilot.pause(0.3)
        assert app.roster is None and app.review is None
        assert (data / "session.json").read_bytes() == before
        other = write_roster(tmp_path / "other.csv", 30, seed=6)
        await load(pilot, app, other)
        await wait_until(pilot, lambda: SessionStore(data).load().roster_path == str(other.resolve()), 10)
        assert SessionStore(data).load().review is None


async def test_opening_another_file_over_hand_edits_asks_again(tmp_path, monkeypatch):
    data, roster, classes = await hand_edited_session(tmp_path, monkeypatch)
    before = (data / "session.json").read_bytes()
    other = write_roster(tmp_path / "other.csv", 30, seed=6)
    app = FenbanApp(roster_path=str(other), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeOtherScreen), 10)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, DiscardScreen), 10)
        assert "Opening this file overwrites it at once" in question(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeOtherScreen), 10)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 30)
        assert app.review.classes.tolist() == classes and str(app.roster.path) == str(roster.resolve())
    assert json.loads((data / "session.json").read_text(encoding="utf-8"))["review"] == \
        json.loads(before.decode("utf-8"))["review"]


# ---------------------------------------------------------------------- 2: 导出 refusals follow their box


async def test_a_teacher_refusal_goes_when_the_box_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(export_step, "removable_drives", lambda: [])
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await reviewing(pilot, app)  # 4 classes
        await step_to(pilot, app, ExportScreen)
        screen = app.screen
        screen.query_one("#out", Input).value = str(out)
        screen.query_one("#teachers", TextArea).focus()
        await pilot.press(*"张老师", "enter", *"李老师")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "班主任只有 2 位，但有 4 个班" in status_text(app, "#export-status"), 10)
        assert not out.exists()
        # a third teacher: the count said follows the box
        await pilot.press("enter", *"王老师")
        await wait_until(pilot, lambda: "班主任只有 3 位，但有 4 个班" in status_text(app, "#export-status"), 10)
        # the box emptied: no teacher draw, nothing to refuse
        await pilot.press("f7", "backspace")  # select all, delete
        await pilot.pause()
        assert screen.query_one("#teachers", TextArea).text == ""
        await wait_until(pilot, lambda: status_text(app, "#export-status") == "", 10)
        assert "error" not in screen.query_one("#export-status").classes

        # the folder: refused when empty, the refusal gone once one is typed
        screen.query_one("#out", Input).value = ""
        screen.query_one("#out", Input).focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: status_text(app, "#export-status") == "请输入输出文件夹", 10)
        await pilot.press(*"x")
        await wait_until(pilot, lambda: status_text(app, "#export-status") == "", 10)


# ---------------------------------------------------------------------- 3: ctrl+n after a cancelled solve


async def test_ctrl_n_after_a_cancelled_solve_says_why_in_the_status_line(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))

    def slow(roster, rules, progress=None, cancel=None):  # runs until Esc
        progress(0.1, "balance")
        deadline = time.monotonic() + 30
        while not cancel.is_set() and time.monotonic() < deadline:
            time.sleep(0.02)
        raise Cancelled()

    monkeypatch.setattr(solve_step, "solve_roster", slow)
    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 40)), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        await to_step(pilot, app, SolveScreen)
        screen = app.screen
        await wait_until(pilot, lambda: screen.query_one("#progress").progress > 0, 10)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running, 10)
        assert status_text(app, "#solve-status") == t("solve_cancelled", "zh")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, SolveScreen)
        said = status_text(app, "#solve-status")
        assert said == "分班已取消，还没有结果可复核：按 ctrl+r 重新分班，或 ctrl+p 修改规则"
        assert "error" in screen.query_one("#solve-status").classes
        # the key it names does start the solve
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.running, 10)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running, 10)


async def test_ctrl_n_after_a_failed_solve_says_why_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))

    def broken(roster, rules, progress=None, cancel=None):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(solve_step, "solve_roster", broken)
    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 40)), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        await to_step(pilot, app, SolveScreen)
        await wait_until(pilot, lambda: not app.screen.running and "failed" in status_text(app, "#solve-status"), 10)
        await pilot.press("ctrl+n")
        await pilot.pause()
        said = status_text(app, "#solve-status")
        assert said.startswith("The placement failed: nothing to review.") and "disk on fire" in said
        assert "ctrl+p" in said


# ---------------------------------------------------------------------- 4: 不改 / 恢复原规则 after the review


async def test_a_new_seed_after_the_review_can_be_put_back_and_the_export_keeps_the_drawn_rules(
        tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(export_step, "removable_drives", lambda: [])
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        rv = await swapped_by_hand(pilot, app)
        classes = rv.classes.copy()
        drawn_seed = app.placement.rules.seed
        await back_to_rules(pilot, app)
        screen = app.screen
        assert isinstance(screen, RulesScreen)
        assert status_text(app, "#rules-status") == "Enter 或 ctrl+n 开始分班"
        # the seed typed anew: the status line says the form is not the classes' rules
        screen.query_one("#seed", Input).focus()
        await pilot.press("end", *"99")
        await pilot.pause()
        assert app.rules.seed == drawn_seed + "99"
        assert status_text(app, "#rules-status").startswith("表单的种子与当前分班所用的不同")
        assert screen.query_one("#rules-status").region.height == 1  # the form keeps its room
        # ctrl+n asks; three answers, each a key, the box inside 80x24, 不改 focused
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ResolveScreen), 10)
        await pilot.pause()
        fits(app, "#confirm-box", "#confirm-text", "Button")
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["重新分班 (y)", "恢复原规则 (r)", "不改，留在这里 (n)"]
        assert app.screen.focused is app.screen.query_one("#no", Button)
        assert "r：表单恢复为当前分班所用的规则" in question(app)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        # 不改: nothing changed, and the status line still says why ctrl+n will ask
        assert app.review is rv and (app.placement.classes == classes).all()
        said = status_text(app, "#rules-status")
        assert said.startswith("表单的种子与当前分班所用的不同") and "恢复原规则" in said
        # the export (reached here without the rules step's check) writes the rules
        # the classes were drawn with, never the form's
        await app.go_to(4)
        await pilot.pause()
        app.screen.query_one("#out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.written, 60)
        assert read_toml(out / "分班规则.toml")["seed"] == drawn_seed
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["seed"] == drawn_seed and manifest["rules"]["seed"] == drawn_seed
        await app.go_to(1)
        await pilot.pause()
        assert status_text(app, "#rules-status").startswith("表单的种子与当前分班所用的不同")

        # ctrl+n again; ← to 恢复原规则 and Enter: the form is the classes' rules again
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ResolveScreen), 10)
        await pilot.pause()
        await pilot.press("left")
        assert app.screen.focused is app.screen.query_one("#restore", Button)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        assert app.screen.query_one("#seed", Input).value == drawn_seed
        assert app.rules == app.placement.rules and app.review is rv
        assert status_text(app, "#rules-status") == \
            f"已恢复当前分班所用的规则（种子 {drawn_seed}）：分班和复核的调整都保留，ctrl+n 继续"
        # on with no question, the hand edit kept
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        await pilot.pause()
        assert app.review is rv and (app.placement.classes == classes).all()
        assert "当前的分班结果" in status_text(app, "#solve-status")


async def test_the_rules_question_in_english_fits_80_columns(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await swapped_by_hand(pilot, app)
        await back_to_rules(pilot, app)
        app.screen.query_one("#classes", Input).value = "3"
        await pilot.pause()
        assert status_text(app, "#rules-status").startswith("Form differs from the classes' rules (class count)")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ResolveScreen), 10)
        await pilot.pause()
        fits(app, "#confirm-box", "#confirm-text", "Button")
        assert [str(b.label) for b in app.screen.query(Button)] == \
            ["Solve again (y)", "Restore rules (r)", "Keep the classes (n)"]
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        assert app.screen.query_one("#classes", Input).value == "4" and app.rules.classes == 4


# ---------------------------------------------------------------------- 5: another file on 导入


async def test_reading_another_file_over_classes_asks_and_clears_the_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    first = small_roster(tmp_path / "r120.csv")
    other = write_roster(tmp_path / "other.csv", 30, seed=6)
    app = FenbanApp(roster_path=str(first), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        rv = await swapped_by_hand(pilot, app)
        classes = rv.classes.tolist()
        seed = app.rules.seed
        assert seed
        await app.go_to(0)
        await pilot.pause()
        path = app.screen.query_one("#path", Input)
        path.value = str(other)
        path.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), 10)
        said = question(app)
        assert said.startswith("改读“other.csv”：当前“r120.csv”的分班结果和复核中的 1 处调整、锁定都会被放弃")
        assert app.screen.focused is app.screen.query_one("#no", Button)  # Enter keeps the classes
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen), 10)
        await pilot.pause(0.3)
        assert app.roster.n == 120 and app.review is rv and rv.classes.tolist() == classes
        assert app.rules.seed == seed
        # y: the other file is read; the seed drawn for the first roster goes with it
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), 10)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.roster is not None and app.roster.n == 30, 30)
        assert app.placement is None and app.review is None
        assert app.rules.seed == ""
        await to_step(pilot, app, RulesScreen)
        assert app.screen.query_one("#seed", Input).value == ""
