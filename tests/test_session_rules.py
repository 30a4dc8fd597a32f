"""What a new user found around saved sessions and the rules step (Pilot, 80x24):

1. an error of the rules (a 每班至少 demand the roster cannot meet) no longer
   keeps the operator on 导入: the roster is usable, 规则 shows the rule to change;
2. every box of the rules step is saved as the operator types (and on ctrl+q),
   so a resumed session shows it; the classes solved keep the rules they were
   solved with;
3. ``fenban FILE`` while a session of another roster is saved names both files,
   and each answer does what it says.
"""

from __future__ import annotations

import dataclasses

from textual.widgets import Button, Input, OptionList

from fenban_tui.core.session import SessionStore
from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.dialogs import ResumeOtherScreen, ResumeScreen
from fenban_tui.tui.screens.import_step import ImportScreen
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen
from fenban_tui.tui.widgets import CheckList

from .test_tui import SIZE, load, solved, status_text, step_text, to_step, wait_until, write_roster


def problem_lines(app) -> list[str]:
    problems = app.screen.query_one("#problems", OptionList)
    return [str(problems.get_option_at_index(i).prompt) for i in range(problems.option_count)]


async def on_rules(pilot, app, **boxes: str) -> None:
    """Wait for the roster, go to 规则 and type into its boxes (at_least -> #at-least)."""
    await wait_until(pilot, lambda: app.roster is not None, 30)
    await to_step(pilot, app, RulesScreen)
    for box, value in boxes.items():
        app.screen.query_one("#" + box.replace("_", "-"), Input).value = value


async def answer(pilot, app, key: str, screen_type) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, (ResumeScreen, ResumeOtherScreen)), 10)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), 30)
    await pilot.pause()


# ---------------------------------------------------------------------- 1: a rule, not the roster


async def test_a_rule_the_roster_cannot_meet_leads_to_the_rules_step(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    roster = write_roster(tmp_path / "no_boarding.csv", 40, drop=("住宿",))
    app = FenbanApp(roster_path=str(roster), lang="zh")
    app.rules = dataclasses.replace(app.rules, at_least={"住宿=是": 1})  # rules set before the roster is read
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        said = status_text(app, "#import-status").splitlines()
        assert "学生 40 人；错误 1 个" in said[0]
        assert said[1] == "名单可用，但有规则与它不符（见下方问题）：按 ctrl+n 到“规则”修改"
        assert "[错误] “每班至少”规则“住宿=是”：名单中没有“住宿”列" in problem_lines(app)
        assert step_text(app).startswith(" ！规则需修改 ")
        # ctrl+n goes on: the rule is changed where it is typed
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        box = app.screen.query_one("#at-least", Input)
        assert box.value == "住宿=是:1"
        assert status_text(app, "#rules-status") == "每班至少：名单中没有“住宿”列"
        assert "error" in app.screen.query_one("#rules-status").classes
        assert app.screen.focused is box and step_text(app).startswith(" ！规则需修改 ")
        # a demand the roster can meet: on to 分班, and the rule's error is gone everywhere
        await pilot.press("ctrl+u", *"性别=女:1")
        app.screen.query_one("#seed", Input).value = "2026"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        assert app.rules.at_least == {"性别=女": 1}
        assert step_text(app).startswith(" FenBan 分班 ")
        await solved(pilot, app)
        await to_step(pilot, app, RulesScreen, "ctrl+p")
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        said = status_text(app, "#import-status").splitlines()
        assert "错误 0 个" in said[0] and said[1] == "名单可用，按 ctrl+n 进入下一步（规则）"
        assert not any("住宿" in line for line in problem_lines(app))
        assert step_text(app).startswith(" FenBan 分班 ")


async def test_a_rule_error_after_resuming_is_no_dead_end(tmp_path, monkeypatch):
    """The user's steps: 每班至少 性别=女:1；住宿=是:2, solve, quit; resume, read a
    roster without 住宿 on 导入, on to 规则, quit there; resume again: the rule's
    error is still one of the rules (the saved roster keeps what each problem is)."""
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    full = write_roster(tmp_path / "full.csv", 40)
    plain = write_roster(tmp_path / "plain.csv", 30, drop=("住宿",), seed=6)

    app = FenbanApp(roster_path=str(full), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await on_rules(pilot, app, classes="2", at_least="性别=女:1；住宿=是:2")
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        assert app.placement is not None
        await pilot.press("ctrl+q")
        await pilot.pause()

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "y", SolveScreen)
        await to_step(pilot, app, RulesScreen, "ctrl+p")
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        await load(pilot, app, plain)
        await pilot.pause()
        assert status_text(app, "#import-status").splitlines()[1].startswith("名单可用，但有规则与它不符")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        assert app.screen.query_one("#at-least", Input).value == "性别=女:1；住宿=是:2"
        assert status_text(app, "#rules-status") == "每班至少：名单中没有“住宿”列"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert SessionStore(data).load().step == "rules"

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "y", RulesScreen)
        assert app.roster.n == 30
        assert status_text(app, "#rules-status") == "每班至少：名单中没有“住宿”列"
        assert step_text(app).startswith(" ！规则需修改 ")
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        assert status_text(app, "#import-status").splitlines()[1].startswith("名单可用，但有规则与它不符")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)


async def test_a_rule_error_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    roster = write_roster(tmp_path / "no_boarding.csv", 40, drop=("住宿",))
    app = FenbanApp(roster_path=str(roster), lang="en")
    app.rules = dataclasses.replace(app.rules, at_least={"住宿=是": 1})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        said = status_text(app, "#import-status").splitlines()[1]
        assert said == "Roster usable, but a rule does not fit it (below): ctrl+n, change it on Rules"
        assert len(said) <= SIZE[0] - 2
        assert step_text(app).startswith(" ! Change a rule ")
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        assert status_text(app, "#rules-status") == "At least: the roster has no column \u201c住宿\u201d"


async def test_the_roster_own_errors_still_keep_the_operator_on_import(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    roster = write_roster(tmp_path / "r.csv", 20, drop=("住宿",))
    lines = roster.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")
    cells[1] = ""  # a student without a name: the roster's own error
    lines[3] = ",".join(cells)
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    app = FenbanApp(roster_path=str(roster), lang="zh")
    app.rules = dataclasses.replace(app.rules, at_least={"住宿=是": 1})
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        assert {p.key for p in app.roster.errors} == {"row_no_name", "at_least_column_missing"}
        assert status_text(app, "#import-status").splitlines()[1].startswith("名单有错误，不能分班")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)


# ---------------------------------------------------------------------- 2: the rules step is saved as typed


async def test_rules_edits_are_saved_as_typed_and_on_quit(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    roster = write_roster(tmp_path / "r.csv", 40)
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        # the class count, the seed, then 每班至少, as keys; Tab leaves the box
        await pilot.press("ctrl+u", "3", "tab", *"抽签0417", "tab", "tab", *"性别=女:1", "tab")
        balance = app.screen.query_one("#balance", CheckList)
        assert app.screen.focused is balance and balance.values[0] == "gender"
        await pilot.press("space")  # 性别 no longer balanced
        await pilot.pause(1.0)  # no step change, no solve: the typing stopped
        saved = SessionStore(data).load()
        assert saved.step == "rules"
        assert saved.rules["seed"] == "抽签0417" and saved.rules["classes"] == 3
        assert saved.rules["at_least"] == {"性别=女": 1} and saved.rules["balance_gender"] is False
        # a box half typed, then ctrl+q at once: kept as typed
        app.screen.query_one("#at-least", Input).focus()
        await pilot.press("end", *";住宿=")
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = SessionStore(data).load()
    assert saved.rules_form["at_least"] == "性别=女:1;住宿="
    assert saved.rules["at_least"] == {"性别=女": 1}  # the rules keep the last demand that reads

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "y", RulesScreen)
        screen = app.screen
        assert screen.query_one("#classes", Input).value == "3"
        assert screen.query_one("#seed", Input).value == "抽签0417"
        assert screen.query_one("#at-least", Input).value == "性别=女:1;住宿="
        assert not screen.query_one("#balance", CheckList).is_checked("gender")
        assert app.rules.seed == "抽签0417" and app.rules.classes == 3


async def test_a_rules_edit_after_solving_keeps_the_classes_rules(tmp_path, monkeypatch):
    """The seed changed after the solve, then ctrl+q: the classes drawn come back
    with the seed they were drawn with, the box with the new one."""
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    roster = write_roster(tmp_path / "r.csv", 40)
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await on_rules(pilot, app, classes="2", seed="11")
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        drawn = app.placement.classes.tolist()
        await to_step(pilot, app, RulesScreen, "ctrl+p")
        app.screen.query_one("#seed", Input).focus()
        await pilot.press("end", "2")
        await pilot.press("ctrl+q")
        await pilot.pause()
    saved = SessionStore(data).load()
    assert saved.rules["seed"] == "112" and saved.placement_rules["seed"] == "11"

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "y", RulesScreen)
        assert app.screen.query_one("#seed", Input).value == "112"
        assert app.placement.rules.seed == "11" and app.placement.classes.tolist() == drawn
        # the new seed is a new draw: the solve step draws again
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        await solved(pilot, app)
        assert app.placement.rules.seed == "112"


# ---------------------------------------------------------------------- 3: fenban FILE with a saved session


async def saved_session_of(roster, pilot_app_lang: str = "zh") -> None:
    app = FenbanApp(roster_path=str(roster), lang=pilot_app_lang)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()


async def another_roster_than_saved(tmp_path, monkeypatch, lang: str = "zh"):
    """A saved session of old.csv (40 students) and another file, new.csv (30)."""
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    old = write_roster(tmp_path / "old.csv", 40)
    new = write_roster(tmp_path / "new.csv", 30, seed=6)
    await saved_session_of(old, lang)
    return old, new


async def resume_other_question(pilot, app) -> str:
    """The text of the question asked when `fenban FILE` meets another roster's session."""
    await wait_until(pilot, lambda: isinstance(app.screen, ResumeOtherScreen), 10)
    return app.screen.question


async def test_fenban_file_with_another_saved_session_names_both(tmp_path, monkeypatch):
    old, new = await another_roster_than_saved(tmp_path, monkeypatch)

    # y: the saved session, its roster; the file asked for is not opened
    app = FenbanApp(roster_path=str(new), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        question = await resume_other_question(pilot, app)
        assert f"用的名单是\n{old.resolve()}\n这次要打开\n{new.resolve()}" in question
        assert "y：继续上次的工作（用上次的名单，不打开这个文件）" in question
        assert "n：放弃上次的工作，用这个文件重新开始" in question
        assert str(app.screen.query_one("#yes", Button).label) == "继续上次 (y)"
        assert str(app.screen.query_one("#no", Button).label) == "打开这个文件 (n)"
        box = app.screen.query_one("#confirm-box").region
        assert box.right <= SIZE[0] and box.bottom <= SIZE[1]
        await answer(pilot, app, "y", RulesScreen)
        assert app.roster.n == 40 and str(app.roster.path) == str(old.resolve())

    # n: afresh with the file asked for
    app = FenbanApp(roster_path=str(new), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "n", ImportScreen)
        await wait_until(pilot, lambda: app.roster is not None, 30)
        assert app.roster.n == 30 and app.screen.query_one("#path", Input).value == str(new)


async def test_fenban_file_with_another_saved_session_in_english(tmp_path, monkeypatch):
    old, new = await another_roster_than_saved(tmp_path, monkeypatch, "en")
    app = FenbanApp(roster_path=str(new), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        question = await resume_other_question(pilot, app)
        assert f"with the roster\n{old.resolve()}\nThis time you asked to open\n{new.resolve()}" in question
        assert "y: resume it (its roster; this file is not opened)" in question
        assert str(app.screen.query_one("#no", Button).label) == "Open this file (n)"


async def test_fenban_with_the_saved_roster_asks_as_before(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    old = write_roster(tmp_path / "old.csv", 40)
    await saved_session_of(old)
    app = FenbanApp(roster_path=str(old), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        assert not isinstance(app.screen, ResumeOtherScreen)
        assert str(old.resolve()) in app.screen.question


async def test_a_roster_just_read_is_saved_before_any_step_change(tmp_path, monkeypatch):
    """Read a file on 导入 and lose the terminal there: the saved session holds
    that roster, not the one read before it."""
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    first = write_roster(tmp_path / "first.csv", 40)
    second = write_roster(tmp_path / "second.csv", 30, seed=6)
    app = FenbanApp(roster_path=str(first), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await load(pilot, app, second)
        await wait_until(pilot, lambda: (s := SessionStore(data).load()) is not None and s.roster_path == str(second.resolve()), 10)
        store = SessionStore(data)
        assert store.load_roster(store.load()).n == 30


async def test_a_file_that_fails_to_read_leaves_the_saved_roster_alone(tmp_path, monkeypatch):
    """While another file is read (and when it cannot be), the session saved
    before still holds its roster: nothing is saved for 'no roster'."""
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    first = write_roster(tmp_path / "first.csv", 40)
    app = FenbanApp(roster_path=str(first), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await on_rules(pilot, app, classes="2")
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        app.screen.query_one("#path", Input).value = str(tmp_path / "nope.xlsx")
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "找不到文件" in status_text(app, "#import-status"), 10)
        await pilot.pause(0.2)
        store = SessionStore(data)
        saved = store.load()
        assert saved.roster_path == str(first.resolve()) and saved.snapshot
        assert store.load_roster(saved).n == 40


def test_class_name_preview_stays_on_one_line_at_80_columns():
    from rich.cells import cell_len

    from fenban_tui.tui.screens.rules_step import labels_preview

    assert labels_preview("{n}班", 10) == "1班、2班、3班 … 10班"
    assert labels_preview("{n}班", 3) == "1班、2班、3班"
    long = labels_preview("初一({n})班", 10)
    assert long == "初一(1)班、初一(2)班 … 初一(10)班" and cell_len(long) <= 34
    assert labels_preview("二〇二六级初一年级({n})班", 12) == "二〇二六级初一年级(1)班 … 二〇二六级初一年级(12)班"
