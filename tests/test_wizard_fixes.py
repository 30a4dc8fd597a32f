"""What a tester found in the wizard, driven by keys as an operator presses them
(Pilot, 80x24):

1. a resumed session whose roster file changed on disk says so on every step,
   and the export asks (default no) before writing the saved copy's classes;
2. the empty-seed refusal puts the cursor in the seed box;
3. the 每班至少 box is checked when it is left, worded for a per-class minimum,
   on one status line;
4. a locked student is refused at the first ``s`` and the first ``m``;
5. a student found is named with the roster row (第 N 行 / row N);
6. 80 columns: no Footer key cut by "^k Commands".
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from rich.cells import cell_len
from textual.widgets import Footer, Input

from fenban_tui.core.session import file_sha256
from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.dialogs import FindStudent, ResumeScreen, SheetScreen
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.import_step import ImportScreen
from fenban_tui.tui.screens.review_step import ReviewScreen
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen

from .test_review import free_students, open_class, point_at, review_status, reviewing, small_roster, step_to
from .test_review_search_export import ask_to_write, refused_in_english
from .test_tui import SIZE, status_text, step_text, to_step, wait_until, write_roster


def read_classes(out: Path) -> list[str]:
    with (out / "assignment.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return [r[rows[0].index("班级")] for r in rows[1:]]


def edit_roster(path: Path) -> None:
    """What the tester did to the file after quitting: a score changed, a row deleted."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("数学")
    rows[1][col] = "1" if rows[1][col] != "1" else "2"
    del rows[5]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


async def resume(pilot, app, screen_type) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
    await pilot.press("y")
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), 30)
    await pilot.pause()


# ---------------------------------------------------------------------- 1: roster changed on disk


async def test_resumed_session_with_a_changed_roster_says_so_and_export_asks(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    from fenban_tui.tui.screens import export_step

    monkeypatch.setattr(export_step, "removable_drives", lambda: [])
    roster = small_roster(tmp_path / "r.csv")
    out = tmp_path / "out"

    # open the roster, solve, swap two students in 复核, ctrl+q
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        assert "名单文件已改动" not in step_text(app) and app.source_changed is None
        a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
        await open_class(pilot, screen, 0)
        await point_at(pilot, screen, a)
        await pilot.press("s")
        await open_class(pilot, screen, 1)
        await point_at(pilot, screen, b)
        await pilot.press("s")
        await pilot.pause()
        assert int(rv.classes[a]) == 1 and int(rv.classes[b]) == 0
        swapped = rv.classes.tolist()
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0

    published = file_sha256(roster)  # the hash shown before the seed was drawn
    edit_roster(roster)  # a score changed, a row deleted
    shutil.copytree(data, tmp_path / "data-en")

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await resume(pilot, app, ReviewScreen)
        assert app.source_changed == str(roster.resolve())
        # the step bar says it on every step, not a toast that goes
        assert "名单文件已改动" in step_text(app)
        await step_to(pilot, app, ExportScreen)
        assert "名单文件已改动" in step_text(app)
        assert "名单文件在保存后已改动" in status_text(app, "#export-status")
        app.screen.query_one("#out", Input).value = str(out)

        # ctrl+s asks first; Enter (the focused button) and n are no: nothing written
        await ask_to_write(pilot, app)
        question = app.screen.question
        assert str(roster.resolve()) in question and "在这次工作保存后已改动" in question
        assert "按保存时的名单分的" in question and "仍然写出吗" in question
        assert app.screen.focused is app.screen.query_one("#no")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
        assert not out.exists() and not app.written
        said = status_text(app, "#export-status")
        assert "未写出" in said and "ctrl+r 重新读取名单" in said
        await ask_to_write(pilot, app)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
        assert not out.exists()

        # yes: the saved copy's classes, as reviewed (the swap kept), are written
        await ask_to_write(pilot, app)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.written, 60)
        classes = read_classes(out)
        assert len(classes) == 120 and classes == [app.placement.labels[c] for c in swapped]
        # the record names the file the classes were made from, not the edited one
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["roster"]["sha256"] == published != file_sha256(roster)
        assert published in (out / "分班记录.html").read_text(encoding="utf-8")

        # back on 导入: the warning is there too, with what to do
        for screen_type in (ReviewScreen, SolveScreen, RulesScreen, ImportScreen):
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: isinstance(app.screen, screen_type), 10)
            assert "名单文件已改动" in step_text(app), screen_type
        await pilot.pause()
        said = status_text(app, "#import-status")
        assert "名单文件在保存后已改动" in said and "ctrl+r 重新读取" in said
        assert "error" in app.screen.query_one("#import-status").classes
        # ctrl+r reads the new file: 119 students, the warning goes
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.roster is not None and app.roster.n == 119, 30)
        await pilot.pause()
        assert app.source_changed is None and app.placement is None
        assert "名单文件已改动" not in step_text(app) and "FenBan" in step_text(app)
        assert "名单文件在保存后已改动" not in status_text(app, "#import-status")

    # in English: the same question, the same buttons
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data-en"))
    out_en = tmp_path / "out-en"
    app = FenbanApp(roster_path=None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await resume(pilot, app, ReviewScreen)
        assert "Roster changed" in step_text(app) and "5 Export" in step_text(app)
        await step_to(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out_en)
        question = await refused_in_english(pilot, app, out_en, "escape")
        assert "changed (or is gone) after this session was saved" in question and "Write anyway?" in question


# ---------------------------------------------------------------------- 2, 3: the rules form


async def test_empty_seed_refusal_puts_the_cursor_in_the_seed_box(tmp_path):
    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 40)), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        await pilot.pause()
        classes, seed = app.screen.query_one("#classes", Input), app.screen.query_one("#seed", Input)
        assert app.screen.focused is classes and seed.value == ""
        before = classes.value
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "请填写随机种子" in status_text(app, "#rules-status")
        assert app.screen.focused is seed
        await pilot.press(*"3 17 29")
        await pilot.pause()
        assert seed.value == "3 17 29" and classes.value == before
        # the seed given: Enter goes on
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        assert app.rules.seed == "3 17 29"


async def test_at_least_box_is_checked_when_left_with_its_own_wording(tmp_path):
    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 40)), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        width = SIZE[0] - 2  # the body's padding
        # Tab to the seed box, type it, Tab past the class names to 每班至少
        await pilot.press("tab", *"2026", "tab", "tab")
        box = app.screen.query_one("#at-least", Input)
        assert app.screen.focused is box
        await pilot.press(*"血型=A:1")
        await pilot.pause()
        assert "error" not in app.screen.query_one("#rules-status").classes  # not while typing
        await pilot.press("tab")  # leaving the box checks it
        await pilot.pause()
        said = status_text(app, "#rules-status")
        assert said == "每班至少：名单中没有“血型”列"
        assert "要均衡" not in said and "error" in app.screen.query_one("#rules-status").classes
        # a value the column lacks: Enter names the values it has, on one line; the cursor stays
        box.focus()
        await pilot.press("ctrl+u", *"住宿=可能")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen) and app.screen.focused is box
        said = status_text(app, "#rules-status")
        assert said.startswith("每班至少：列“住宿”中没有“可能”；可填：") and "是" in said and "否" in said
        assert cell_len(said) <= width
        status = app.screen.query_one("#rules-status")
        assert status.region.height >= 1 and status.region.bottom <= SIZE[1] - 1
        # the roster's gender column takes 女/男
        await pilot.press("ctrl+u", *"性别=X")
        await pilot.press("tab")
        await pilot.pause()
        assert status_text(app, "#rules-status") == "每班至少：列“性别”中没有“X”；可填：女、男"
        # a demand the roster can meet: the error goes as it is typed, and Enter goes on
        box.focus()
        await pilot.press("ctrl+u", *"住宿=是:2")
        await pilot.pause()
        assert "error" not in app.screen.query_one("#rules-status").classes
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        assert app.rules.at_least == {"住宿=是": 2}


async def test_at_least_box_in_english(tmp_path):
    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 40, drop=("性别",))), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        box = app.screen.query_one("#at-least", Input)
        box.focus()
        await pilot.press(*"血型=A:1", "tab")
        await pilot.pause()
        assert status_text(app, "#rules-status") == "At least: the roster has no column \u201c血型\u201d"
        box.focus()
        await pilot.press("ctrl+u", *"性别=女", "tab")
        await pilot.pause()
        assert status_text(app, "#rules-status") == "At least: the roster has no gender column"
        box.focus()
        await pilot.press("ctrl+u", *"住宿=maybe", "tab")
        await pilot.pause()
        said = status_text(app, "#rules-status")
        assert said.startswith("At least: column \u201c住宿\u201d has no \u201cmaybe\u201d; it has: ")
        assert cell_len(said) <= SIZE[0] - 2


async def test_rules_the_classes_break_are_named_in_english(tmp_path, monkeypatch):
    """The solve step's warning lists broken hard rules in the language shown
    (they were Chinese words joined with 、 in English too)."""
    import numpy as np

    from fenban_tui.core.api import Rules, placement_of
    from fenban_tui.tui.screens import solve_step

    from .test_solver import BROKEN_CLASSES, BROKEN_ROSTER

    def broken(roster, rules, progress=None, cancel=None):
        rules = Rules(classes=2, seed="1", effort=1, at_least={"性别=女": 1})
        return placement_of(roster, rules, np.array(BROKEN_CLASSES))

    monkeypatch.setattr(solve_step, "solve_roster", broken)
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "r.csv"
    path.write_text(BROKEN_ROSTER, encoding="utf-8")
    app = FenbanApp(roster_path=str(path), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        app.screen.query_one("#classes", Input).value = "2"
        await to_step(pilot, app, SolveScreen)
        await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 30)
        said = status_text(app, "#solve-status").splitlines()
        assert said[-1] == ("Warning: rules not met: together-group \u201cA1\u201d; apart-group \u201cB1\u201d; "
                            "preset class of row 7; class sizes; girls: at least 1 in every class (2班)")


# ---------------------------------------------------------------------- 4, 5: the review


async def review_with_a_lock(pilot, app):
    """The review step, class 1 open, its first free student locked with l:
    (screen, review, the locked student, another free student of class 1)."""
    screen = await reviewing(pilot, app)
    rv = app.review
    locked, free = free_students(rv, 0)[:2]
    await open_class(pilot, screen, 0)
    await point_at(pilot, screen, locked)
    await pilot.press("l")
    await pilot.pause()
    return screen, rv, locked, free


async def test_a_locked_student_is_refused_at_the_first_s(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen, rv, locked, free = await review_with_a_lock(pilot, app)
        other = free_students(rv, 1)[0]
        row = rv.model.row_numbers[locked]
        assert rv.locked == {locked}
        assert f"已锁定 第 {row} 行（{rv.model.names[locked]}）" in review_status(app)
        await pilot.press("s")
        await pilot.pause()
        assert screen.mark is None
        said = review_status(app)
        assert f"不能这样调整：第 {row} 行（{rv.model.names[locked]}） 已锁定（先按 l 解锁）" in said
        assert "已选" not in said
        # a student of a locked class: the same at the first s
        await open_class(pilot, screen, 1)
        await point_at(pilot, screen, other)
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert screen.mark is None
        assert "不能这样调整：2班 已锁定" in review_status(app) and "已选" not in review_status(app)
        await pilot.press("L")  # unlocked again
        await pilot.pause()
        # a free student is marked, named by row, and swapped with a free one
        await open_class(pilot, screen, 0)
        await point_at(pilot, screen, free)
        await pilot.press("s")
        await pilot.pause()
        assert screen.mark == free
        assert f"已选 第 {rv.model.row_numbers[free]} 行（{rv.model.names[free]}），在 1班" in review_status(app)
        await open_class(pilot, screen, 1)
        await point_at(pilot, screen, other)
        await pilot.press("s")
        await pilot.pause()
        assert int(rv.classes[free]) == 1 and int(rv.classes[other]) == 0 and rv.classes[locked] == 0


async def test_a_locked_student_is_refused_at_the_first_m(tmp_path, monkeypatch):
    """m on a locked student (or one of a locked class) says no at once, before
    any class is asked for; m on a free student still asks where to."""
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen, rv, locked, free = await review_with_a_lock(pilot, app)
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen  # no class picker
        row = rv.model.row_numbers[locked]
        assert f"不能这样调整：第 {row} 行（{rv.model.names[locked]}） 已锁定（先按 l 解锁）" in review_status(app)
        assert int(rv.classes[locked]) == 0 and rv.undo_stack[-1].kind == "lock"  # nothing moved
        # a student of a locked class: the same at the first m
        await point_at(pilot, screen, free)
        await pilot.press("L")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen
        assert "不能这样调整：1班 已锁定（先按 L 解锁）" in review_status(app)
        await pilot.press("L")  # unlocked again: m asks for the class
        await pilot.pause()
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen), 10)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, 10)
        assert int(rv.classes[free]) == 0


async def test_found_student_is_named_by_row_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        target = free_students(rv, 2)[0]
        name = rv.model.names[target]
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, FindStudent) and app.screen.focused is not None, 10)
        await pilot.press(*name)
        await pilot.pause()
        dialog = app.screen
        options = dialog.query_one("#find-found")
        options.focus()
        index = next(i for i in range(options.option_count) if int(options.get_option_at_index(i).id) == target)
        options.highlighted = index
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert screen.current_student() == target
        assert f"Found row {rv.model.row_numbers[target]} ({name}): in 3班" in review_status(app)


# ---------------------------------------------------------------------- 6: 80 columns


def footer_cut(app) -> list[str]:
    """Footer keys drawn outside 80 columns or under another key."""
    footer = app.screen.query_one(Footer)
    keys = [k for k in footer.children if k.region.width]
    bad = [str(k.key) for k in keys if k.region.right > SIZE[0]]
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a.region.overlaps(b.region):
                bad.append(f"{a.key}/{b.key}")
    return bad


async def test_footers_fit_80_columns_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        await pilot.pause()
        footer = screen.query_one(Footer)
        keys = {str(k.key): k for k in footer.children}
        assert "ctrl+q" in keys and "ctrl+k" not in keys and not footer_cut(app)
        quit_key = keys["ctrl+q"]
        assert quit_key.region.right <= SIZE[0] and "Quit" in str(quit_key.render())
        # ctrl+k is listed in the table's border instead, and still opens the palette
        assert "^k commands" in str(screen.query_one("#review-classes").border_subtitle)
        # the students view has room: the palette key is back
        await open_class(pilot, screen, 0)
        await pilot.pause()
        assert "ctrl+k" in {str(k.key) for k in screen.query_one(Footer).children} and not footer_cut(app)
        # the find dialog: ctrl+k does nothing there, so the Footer does not offer it
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, FindStudent), 10)
        await pilot.pause()
        assert "ctrl+k" not in {str(k.key) for k in app.screen.query_one(Footer).children}
        assert not footer_cut(app)
