"""Three operator gaps, driven by keys as an operator presses them (Pilot, 80x24):

* 复核: ``/`` finds a student by part of the name or an ID and opens the
  student's class with the cursor on the student (one match, several, none);
* 导出: the head teachers (and the folder) typed survive quitting and resuming;
* 导出: an open review warning is named, and writing waits for a yes.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from textual.widgets import DataTable, Input, OptionList, Static, TextArea

from fenban_tui.core import samplegen
from fenban_tui.core.api import check_roster
from fenban_tui.core.search import StudentFinder
from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.dialogs import ConfirmScreen, FindStudent, ResumeScreen, WriteAnywayScreen
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.review_step import ReviewScreen

from .test_review import choose, free_students, open_class, point_at, review_status, reviewing, step_to
from .test_tui import SIZE, footer_keys, status_text, wait_until


def roster_with_sids(path: Path, n: int = 120) -> Path:
    """The review tests' 120 students (two 绑定 pairs, two 互斥 pairs, two pins,
    one same-name pair: 林思) with a 学号 column beside the 身份证号: the rule
    key is the 身份证号, so a 学号 must be found as well."""
    rows = samplegen.junior_rows(n, seed=3, absent=0, pins=2, twins=2, apart_pairs=2)
    rows = [list(r) + [f"2026{i + 1:03d}"] for i, r in enumerate(rows)]
    samplegen.write_csv(path, samplegen.JUNIOR_HEADER + ["学号"], rows, None, encoding="utf-8-sig")
    return path


def in_terminal(app, *selectors: str) -> None:
    """Each widget of the dialog in front is shown, whole, inside 80x24."""
    width, height = SIZE
    for sel in selectors:
        region = app.screen.query_one(sel).region
        assert region.height > 0 and region.y >= 0 and region.bottom <= height and region.right <= width, sel


def current_student(screen: ReviewScreen) -> int | None:
    return screen.current_student()


async def find(pilot, app, text: str) -> FindStudent:
    """Press / and type ``text`` key by key."""
    await pilot.press("slash")
    await wait_until(pilot, lambda: isinstance(app.screen, FindStudent) and app.screen.focused is not None, 10)
    dialog = app.screen
    await pilot.press(*text)
    await pilot.pause()
    return dialog


async def ask_to_write(pilot, app, question=None):
    """ctrl+s on the export step, then wait for the question it asks."""
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, question or WriteAnywayScreen), 10)


async def refused_in_english(pilot, app, out: Path, key: str) -> str:
    """ctrl+s; the English 'write anyway?' question, answered no with ``key``:
    nothing written, and the step says so.  Returns the question."""
    await ask_to_write(pilot, app)
    question = app.screen.question
    assert "Write anyway (y)" in str(app.screen.query_one("#yes").label)
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
    assert not out.exists()
    assert "Nothing written" in status_text(app, "#export-status")
    return question


def find_status(dialog: FindStudent) -> str:
    return str(dialog.query_one("#find-status", Static).render())


# ---------------------------------------------------------------------- the matcher


def test_finder_matches_names_and_ids_like_the_rule_editor(tmp_path):
    roster = check_roster(roster_with_sids(tmp_path / "r.csv"))
    finder = StudentFinder.of_roster(roster)
    names, keys = roster.names(), roster.student_keys()
    # a whole 学号, a 学号 typed with full-width digits (an input method), the key's first digits
    assert finder.find("2026007") == [6]
    assert finder.find("２０２６００７") == [6]
    assert 6 in finder.find(keys[6][:8])
    assert finder.find(keys[6].lower()) == [6]  # an ID ending in X, typed in lower case
    # part of a name; the whole name first when one name is part of another
    surname = names[0][0]
    hits = finder.find(surname)
    assert hits and all(surname in names[i] for i in hits)
    assert finder.find("")[:3] == [0, 1, 2] and len(finder.find("")) == roster.n
    assert finder.find("不存在的人") == []
    finder2 = StudentFinder(["张伟明", "张伟", "李张伟"], ["1", "2", "3"])
    assert finder2.find("张伟") == [1, 0, 2]
    assert finder2.find(" 张 伟 ") == [1, 0, 2]  # spaces are not part of a name


def test_core_search_does_not_import_textual():
    code = ("import sys, fenban_tui.core.search, fenban_tui.core.review; "
            "sys.exit(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---------------------------------------------------------------------- 1: find in the review


async def test_review_finds_a_student_by_name_or_id_and_puts_the_cursor_on_them(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(roster_with_sids(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        names = rv.model.names
        finder = StudentFinder.of_roster(app.placement.roster)
        assert footer_keys(app).get("slash") == "查找"  # the classes view shows the key
        # F1 lists it with the review keys
        await pilot.press("f1")
        await pilot.pause()
        assert "ctrl+f 查找学生" in str(app.screen.query_one("#help-text", Static).render())
        await pilot.press("escape")
        await pilot.pause()

        # one match by a whole name: Enter opens the class, the cursor on the student
        target = next(i for i in free_students(rv, 2) if finder.find(names[i]) == [i])
        dialog = await find(pilot, app, names[target])
        assert "找到 1 人" in find_status(dialog)
        in_terminal(app, "#find-input", "#find-found", "#find-status")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert screen.view == "students" and screen.open_class == int(rv.classes[target]) == 2
        assert current_student(screen) == target
        table = screen.query_one("#review-students", DataTable)
        assert str(table.get_row_at(table.cursor_row)[1]) == names[target]
        row = rv.model.row_numbers[target]
        assert f"找到 第 {row} 行（{names[target]}）：在 3班" in review_status(app)
        # ready to edit: l locks the student found
        await pilot.press("l")
        await pilot.pause()
        assert rv.locked == {target}

        # by 学号 (the rule key is the 身份证号): typed in full, one match, Enter
        by_sid = free_students(rv, 0)[1]
        dialog = await find(pilot, app, f"2026{by_sid + 1:03d}")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert screen.open_class == 0 and current_student(screen) == by_sid

        # several matches (two students called 林思): the list, ↓ and Enter choose the second
        twins = [i for i, n in enumerate(names) if n.replace("\u3000", "").replace(" ", "") == "林思"]
        assert len(twins) == 2 and rv.classes[twins[0]] != rv.classes[twins[1]]
        dialog = await find(pilot, app, "林思")
        found = dialog.query_one("#find-found", OptionList)
        assert found.option_count == 2 and "找到 2 人" in find_status(dialog)
        lines = [str(found.get_option_at_index(k).prompt) for k in range(2)]
        for line, s in zip(lines, twins):  # each line says the student's ID and class
            assert finder.keys[s] in line and rv.label(int(rv.classes[s])) in line
        await pilot.press("enter")  # Enter with several matches: to the list
        await pilot.pause()
        assert dialog.focused is found and found.highlighted == 0
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert current_student(screen) == twins[1] and screen.open_class == int(rv.classes[twins[1]])

        # no match: said in words; Enter stays, Esc goes back with nothing changed
        dialog = await find(pilot, app, "王小二")
        assert "没有找到与“王小二”相符的学生" in find_status(dialog)
        assert dialog.query_one("#find-found", OptionList).option_count == 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "没有找到" in find_status(dialog)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert current_student(screen) == twins[1]

        # find the other half of a swap: s marks one, / finds the other, s swaps them
        a = free_students(rv, 1)[0]
        b = next(i for i in free_students(rv, 3) if finder.find(f"2026{i + 1:03d}") == [i])
        await open_class(pilot, screen, 1)
        await point_at(pilot, screen, a)
        await pilot.press("s")
        assert screen.mark == a
        await find(pilot, app, f"2026{b + 1:03d}")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert current_student(screen) == b and "按 s 与已选的" in review_status(app)
        await pilot.press("s")
        await pilot.pause()
        assert rv.label(int(rv.classes[a])) == "4班" and rv.label(int(rv.classes[b])) == "2班"
        assert "已对调" in review_status(app)

        # ctrl+f from the list of changes; Esc keeps the view
        await pilot.press("d")
        await pilot.pause()
        assert screen.view == "changes"
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, FindStudent), 10)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert screen.view == "changes"


async def test_review_find_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(roster_with_sids(tmp_path / "r.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        # the English Footer has no room left (F1 Help would go): the table's border lists it
        assert "slash" not in footer_keys(app) and "f1" in footer_keys(app)
        assert "/ find" in str(screen.query_one("#review-classes").border_subtitle)
        dialog = await find(pilot, app, "nobody")
        assert "No student matches \u201cnobody\u201d" in find_status(dialog)
        await pilot.press(*["backspace"] * len("nobody"))
        await pilot.press(*"2026010")
        await pilot.pause()
        assert "One student found" in find_status(dialog)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        assert current_student(screen) == 9
        assert "Found" in review_status(app)


# ---------------------------------------------------------------------- 2: teachers kept


async def test_teachers_typed_on_export_survive_quit_and_resume(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    from fenban_tui.tui.screens import export_step

    monkeypatch.setattr(export_step, "removable_drives", lambda: [])
    folder = tmp_path / "结果"
    app = FenbanApp(roster_path=str(roster_with_sids(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await reviewing(pilot, app)
        await step_to(pilot, app, ExportScreen)
        # the folder, typed over the default
        out = app.screen.query_one("#out", Input)
        assert app.screen.focused is out
        await pilot.press("ctrl+u", *str(folder))
        # the teachers, one a line, typed into their box (Tab from the folder, past the drives)
        app.screen.query_one("#teachers", TextArea).focus()
        await pilot.press(*"张老师", "enter", *"李老师", "enter", *"王老师", "enter", *"赵老师")
        await pilot.pause(1.0)  # a moment after the typing stops, the session holds it
        shutil.copytree(data, tmp_path / "after-kill")  # the terminal is killed here
        await pilot.press("enter", *"钱老师")
        await pilot.press("ctrl+q")  # quit at once: what was typed is saved on the way out
        await pilot.pause()
    assert app.return_code == 0

    four = "张老师\n李老师\n王老师\n赵老师"
    for where, teachers in ((data, four + "\n钱老师"), (tmp_path / "after-kill", four)):
        monkeypatch.setenv("FENBAN_DATA_DIR", str(where))
        app = FenbanApp(roster_path=None, lang="zh")
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
            await pilot.press("y")
            await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 30)
            await pilot.pause()
            assert app.screen.query_one("#teachers", TextArea).text == teachers, where
            assert app.screen.query_one("#out", Input).value == str(folder)
            # and they are the ones drawn
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: app.written, 60)
            written = str(app.screen.query_one("#written", Static).render())
            assert "班主任：" in written and "李老师" in written
            shutil.rmtree(folder)


def test_session_keeps_the_teachers_and_reads_an_older_file_without_them(tmp_path):
    from fenban_tui.core.session import Session, SessionStore

    store = SessionStore(tmp_path)
    store.save(Session(step="export", out_dir="结果", teachers="张老师\n李老师\n"))
    back = store.load()
    assert back is not None and back.teachers == "张老师\n李老师\n" and back.out_dir == "结果"
    # a session saved before the teachers were kept: loads, with none typed
    store.path.write_text('{"version": 1, "step": "export", "out_dir": "x"}', encoding="utf-8")
    old = store.load()
    assert old is not None and old.teachers == "" and old.out_dir == "x"


# ---------------------------------------------------------------------- 3: export asks


async def test_export_names_an_open_review_warning_and_waits_for_yes(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    from fenban_tui.tui.screens import export_step

    monkeypatch.setattr(export_step, "removable_drives", lambda: [])
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(roster_with_sids(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        # a move the sizes forbid, done anyway: a warning stays open
        await open_class(pilot, screen, 0)
        mover = free_students(rv, 0)[0]
        await point_at(pilot, screen, mover)
        await pilot.press("m")
        await choose(pilot, app, "3班")
        await choose(pilot, app, "仍然调整")
        assert "人数不均" in review_status(app)

        await step_to(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out)
        # no: nothing is written, and the step says why
        await ask_to_write(pilot, app)
        question = app.screen.question
        assert "复核中还有未解决的警告" in question and "人数不均：3班 31 人，1班 29 人" in question
        in_terminal(app, "#confirm-box", "#yes", "#no")
        assert app.screen.focused is app.screen.query_one("#no")  # Enter would say no
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
        assert not out.exists() and not app.written
        assert "未写出：复核中还有警告" in status_text(app, "#export-status")
        # Esc is no as well
        await ask_to_write(pilot, app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), 10)
        assert not out.exists()
        # yes: written as reviewed
        await ask_to_write(pilot, app)
        await pilot.press("y")
        await wait_until(pilot, lambda: app.written, 60)
        assert "已写出" in status_text(app, "#export-status")
        with (out / "assignment.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        classes = [r[rows[0].index("班级")] for r in rows[1:]]
        assert classes[mover] == "3班" and classes.count("3班") == 31

        # the warning resolved (undone in the review): no question, only the overwrite one
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert rv.problems() == [] and int(rv.classes[mover]) == 0
        await step_to(pilot, app, ExportScreen)
        await ask_to_write(pilot, app, ConfirmScreen)
        assert not isinstance(app.screen, WriteAnywayScreen)
        assert "覆盖" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen) and not app.screen.writing
                         and "已写出" in status_text(app, "#export-status"), 60)
        with (out / "assignment.csv").open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[1 + mover][rows[0].index("班级")] == "1班"
    assert np.bincount(rv.classes).tolist() == [30, 30, 30, 30]


async def test_export_warning_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(roster_with_sids(tmp_path / "r.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await reviewing(pilot, app)
        rv = app.review
        # a pinned student moved out of its class by hand, overriding the rule
        pinned, pin = next(iter(rv.model.hard.pins.items()))
        partner = free_students(rv, (pin + 1) % 4)[0]
        assert rv.swap(pinned, partner, override=True).ok
        app.review_changed()
        await step_to(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out)
        question = await refused_in_english(pilot, app, out, "n")
        assert "The review left a warning open" in question and "预设班级 broken" in question
