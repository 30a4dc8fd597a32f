"""Review (复核) and sessions in the core: hand edits, hard-rule refusals, locks,
re-solve, undo/redo, diff, and a session saved and loaded back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fenban_tui.core import samplegen
from fenban_tui.core.api import Rules, check_roster, placement_of, solve_roster
from fenban_tui.core.review import Review
from fenban_tui.core.session import Session, SessionStore, data_dir, rules_dict, rules_of

RULES = Rules(classes=4, effort=1, seed="review")


def small_roster(path: Path, n: int = 120, seed: int = 3) -> Path:
    """120 students: two 绑定 pairs, two 互斥 pairs, two pins, one same-name pair."""
    rows = samplegen.junior_rows(n, seed=seed, absent=0, pins=2, twins=2, apart_pairs=2)
    samplegen.write_csv(path, samplegen.JUNIOR_HEADER, rows, None, encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    path = small_roster(tmp_path_factory.mktemp("review") / "r120.csv")
    roster = check_roster(path)
    return solve_roster(roster, RULES)


def by_name(review: Review, name: str) -> int:
    return review.model.names.index(name)


def free_students(review: Review, c: int) -> list[int]:
    """Students of class ``c`` under no hard rule."""
    hard = set(review.together_of) | set(review.apart_of) | set(review.model.hard.pins)
    return [s for s in review.members(c) if s not in hard]


def test_rules_in_the_sample_are_what_the_tests_expect(placed):
    hard = placed.model.hard
    assert len(hard.together) == 2 and len(hard.pins) == 2
    assert any(code.startswith("同名:") for code, _ in hard.apart)
    assert placed.violations() == []


def test_swap_moves_two_named_students_and_undo_redo(placed):
    rv = Review(placed.model, placed.classes)
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    name_a, name_b = rv.model.names[a], rv.model.names[b]
    out = rv.swap(a, b)
    assert out.ok and out.reasons == []
    assert rv.label(int(rv.classes[by_name(rv, name_a)])) == "2班"
    assert rv.label(int(rv.classes[b])) == "1班"
    assert rv.edited == {a, b}
    stats = rv.stats()
    assert [s.size for s in stats] == [30, 30, 30, 30]
    assert [(m.student, m.before, m.after, m.manual) for m in rv.diff()] == [(a, 0, 1, True), (b, 1, 0, True)]
    rv.undo()
    assert int(rv.classes[a]) == 0 and int(rv.classes[b]) == 1 and rv.edited == set() and rv.diff() == []
    rv.redo()
    assert int(rv.classes[a]) == 1 and rv.edited == {a, b}


def test_move_that_unbalances_sizes_is_refused_then_overridden(placed):
    rv = Review(placed.model, placed.classes)
    s = free_students(rv, 0)[0]
    out = rv.move(s, 2)
    assert not out.ok
    assert [r.key for r in out.reasons] == ["review_size"]
    assert "相差超过 1" in out.reasons[0].text("zh")
    assert int(rv.classes[s]) == 0  # nothing changed
    forced = rv.move(s, 2, override=True)
    assert forced.ok and int(rv.classes[s]) == 2
    assert [p.key for p in rv.problems()] == ["review_size_broken"]  # the warning stays …
    back = free_students(rv, 2)[0]
    assert rv.move(back, 0).ok  # … until a move back resolves it
    assert rv.problems() == []


def test_together_apart_pin_and_same_name_refusals(placed):
    rv = Review(placed.model, placed.classes)
    twin, partner = rv.model.hard.together[0][1]
    home = int(rv.classes[twin])
    other = (home + 1) % 4
    out = rv.move(twin, other)
    assert not out.ok and out.reasons[0].key == "review_together"
    assert rv.model.names[partner] in out.reasons[0].text("zh") and sorted(out.group) == sorted([twin, partner])
    # the whole group may go (sizes then differ by two: overridden here)
    assert rv.move(twin, other, group=True, override=True).ok
    assert int(rv.classes[partner]) == other
    rv.undo()
    assert int(rv.classes[twin]) == home == int(rv.classes[partner])

    code, (x, y) = next((c, m) for c, m in rv.model.hard.apart if not c.startswith("同名:"))
    victim = free_students(rv, int(rv.classes[y]))[0]
    out = rv.swap(x, victim)
    assert not out.ok and "review_apart" in [r.key for r in out.reasons]

    code, (p, q) = next((c, m) for c, m in rv.model.hard.apart if c.startswith("同名:"))
    victim = free_students(rv, int(rv.classes[q]))[0]
    out = rv.swap(p, victim)
    assert not out.ok and "review_same_name" in [r.key for r in out.reasons]

    pinned, pin = next(iter(rv.model.hard.pins.items()))
    victim = free_students(rv, (pin + 1) % 4)[0]
    out = rv.swap(pinned, victim)
    assert not out.ok and [r.key for r in out.reasons] == ["review_pin"]
    assert rv.label(pin) in out.reasons[0].text("en")


def test_refusals_and_warnings_name_students_by_row_then_name(tmp_path):
    """The review names a student as the rest of the app does: 第 2 行（甲） /
    row 2 (甲), in refusals and in the warnings it keeps listing."""
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别,语文,绑定,互斥,预设班级\n"
                    "甲,女,90,A1,,1\n乙,男,80,A1,,\n丙,女,70,,B1,\n丁,男,60,,B1,\n"
                    "戊,女,85,,,\n己,男,75,,,2\n庚,男,65,,,\n辛,男,55,,,\n", encoding="utf-8")
    placed = solve_roster(check_roster(path), Rules(classes=2, seed="1", effort=1, at_least={"性别=女": 1}))
    rv = Review(placed.model, placed.classes)
    jia, yi = by_name(rv, "甲"), by_name(rv, "乙")
    out = rv.move(jia, 1 - int(rv.classes[jia]))
    assert not out.ok and out.reasons[0].key == "review_together"
    assert out.reasons[0].text("zh") == "绑定：第 2 行（甲） 与 第 3 行（乙） 必须同班（可整组 2 人一起移动）"
    assert out.reasons[0].text("en") == "绑定: row 2 (甲) must stay with row 3 (乙) (move the whole group of 2 instead)"
    rv.toggle_lock(yi)
    assert rv.why_locked(yi)[0].text("en") == "row 3 (乙) is locked (press l to unlock)"
    # 甲 apart from 乙, 丙 and 丁 (互斥) together, 己 out of 2班 (预设), 5 against 3, 2班 without a girl
    rv = Review(placed.model, np.array([0, 1, 0, 0, 0, 0, 1, 1]))
    assert [p.text("zh") for p in rv.problems()] == [
        "绑定未满足：第 2 行（甲）、第 3 行（乙） 不在同一班",
        "互斥未满足：第 4 行（丙）、第 5 行（丁） 同在 1班",
        "预设班级未满足：第 7 行（己） 应在 2班",
        "人数不均：1班 5 人，2班 3 人",
        "每班至少 1 名女生未满足：2班",
    ]
    assert [p.text("en") for p in rv.problems()] == [
        "绑定 broken: row 2 (甲), row 3 (乙) are not in one class",
        "互斥 broken: row 4 (丙), row 5 (丁) are together in 1班",
        "预设班级 broken: row 7 (己) belongs in 2班",
        "Uneven sizes: 1班 has 5, 2班 3",
        "girls: at least 1 in every class, not met in 2班",
    ]


def test_students_of_combined_sheets_are_named_with_their_sheet(tmp_path):
    import xlsxwriter

    path = tmp_path / "multi.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for sheet, people in (("一班", [("张三", "男"), ("李四", "女")]), ("二班", [("王五", "男"), ("赵六", "女")])):
        ws = wb.add_worksheet(sheet)
        ws.write_row(0, 0, ["姓名", "性别"])
        for r, row in enumerate(people, start=1):
            ws.write_row(r, 0, row)
    wb.close()
    placed = solve_roster(check_roster(path), Rules(classes=2, seed="1", effort=1))
    rv = Review(placed.model, placed.classes)
    wang = by_name(rv, "王五")
    assert rv.who(wang).render("zh") == "二班 第 2 行（王五）"
    assert rv.who(wang).render("en") == "sheet 二班 row 2 (王五)"


def test_locks_refuse_edits_and_cannot_be_overridden(placed):
    rv = Review(placed.model, placed.classes)
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    rv.toggle_lock(a)
    out = rv.swap(a, b, override=True)
    assert not out.ok and not out.overridable and out.reasons[0].key == "review_locked"
    rv.toggle_lock(a)
    rv.toggle_class_lock(1)
    out = rv.swap(a, b, override=True)
    assert not out.ok and out.reasons[0].key == "review_class_locked"
    rv.undo()
    assert rv.locked_classes == set() and rv.swap(a, b).ok


def test_resolve_keeps_locks_and_edits_and_undo_restores(placed):
    rv = Review(placed.model, placed.classes)
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    assert rv.swap(a, b).ok
    rv.toggle_class_lock(2)
    locked_members = rv.members(2)
    before = rv.classes.copy()
    change = rv.resolve()
    assert change.kind == "resolve"
    assert int(rv.classes[a]) == 1 and int(rv.classes[b]) == 0  # the manual edits stay
    assert rv.members(2) == locked_members  # the locked class is untouched
    assert all(m.student not in locked_members for m in rv.diff())
    assert {m.student for m in rv.diff()} == set(np.flatnonzero(before != rv.classes).tolist())
    assert rv.problems() == []
    # as few others as it can: only the two classes of the swap are rearranged
    moved = np.flatnonzero(before != rv.classes)
    assert set(before[moved].tolist()) <= {0, 1} and set(rv.classes[moved].tolist()) <= {0, 1}
    rv.undo()
    assert np.array_equal(rv.classes, before)
    assert rv.diff() == [m for m in rv.diff(rv.original)]  # reference back to the solver's result


def test_review_round_trips_through_a_dict(placed):
    rv = Review(placed.model, placed.classes)
    a, b = free_students(rv, 0)[0], free_students(rv, 3)[0]
    rv.swap(a, b)
    rv.toggle_lock(a)
    rv.toggle_class_lock(1)
    rv.undo()
    back = Review.from_dict(placed.model, rv.to_dict())
    assert np.array_equal(back.classes, rv.classes) and back.locked == {a} and back.locked_classes == set()
    assert back.edited == {a, b}
    back.redo()
    assert back.locked_classes == {1}
    back.undo(), back.undo(), back.undo()
    assert np.array_equal(back.classes, placed.classes)


def test_session_saved_and_loaded(placed, tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data"
    roster = placed.roster
    rv = Review(placed.model, placed.classes)
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    rv.swap(a, b)
    store = SessionStore()
    store.save(Session(step="review", rules=rules_dict(placed.rules), result=placed.classes.tolist(),
                       review=rv.to_dict(), out_dir="out"), roster)
    assert not list(store.folder.glob(".~*"))  # no temp files left behind

    fresh = SessionStore()
    session = fresh.load()
    assert session is not None and session.step == "review" and session.out_dir == "out"
    assert not fresh.source_changed(session)
    again = fresh.load_roster(session)
    assert again.names() == roster.names() and again.values.equals(roster.values)
    # the problems the check found come back too, worded as they were, in both languages
    assert roster.problems and [p.text("zh") for p in again.problems] == [p.text("zh") for p in roster.problems]
    assert [p.text("en") for p in again.problems] == [p.text("en") for p in roster.problems]
    assert [p.level for p in again.problems] == [p.level for p in roster.problems]
    placement = placement_of(again, rules_of(session), session.result)
    back = Review.from_dict(placement.model, session.review)
    assert back.model.names[a] == roster.names()[a]
    assert int(back.classes[a]) == 1 and int(back.classes[b]) == 0 and back.edited == {a, b}
    back.undo()
    assert np.array_equal(back.classes, placed.classes)

    # the roster file changed since: noticed
    Path(roster.path).write_text(Path(roster.path).read_text(encoding="utf-8-sig") + "\n", encoding="utf-8")
    assert fresh.source_changed(session)


def test_session_missing_or_damaged_is_none(tmp_path):
    store = SessionStore(tmp_path)
    assert store.load() is None
    store.path.write_text("{not json", encoding="utf-8")
    assert store.load() is None
    store.path.write_text('{"version": 1, "step": "review", "snapshot": "gone.parquet"}', encoding="utf-8")
    session = store.load()
    assert session is not None and store.load_roster(session) is None


# ---------------------------------------------------------------------- the wizard's 复核 step (Pilot, 80x24)

import dataclasses  # noqa: E402
import shutil  # noqa: E402

from textual.widgets import DataTable, Input, OptionList, Static  # noqa: E402

from fenban_tui.tui.app import FenbanApp  # noqa: E402
from fenban_tui.tui.screens.dialogs import ResumeScreen, SheetScreen  # noqa: E402
from fenban_tui.tui.screens.export_step import ExportScreen  # noqa: E402
from fenban_tui.tui.screens.review_step import ReviewScreen  # noqa: E402
from fenban_tui.tui.screens.rules_step import RulesScreen  # noqa: E402
from fenban_tui.tui.screens.solve_step import SolveScreen  # noqa: E402

from .test_tui import SIZE, assert_on_screen, footer_keys, status_text, wait_until  # noqa: E402


async def step_to(pilot, app, screen_type) -> None:
    if isinstance(app.screen, RulesScreen) and not app.screen.query_one("#seed", Input).value:
        app.screen.query_one("#seed", Input).value = "2026"  # the operator types the seed drawn
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), 30)
    await pilot.pause()


async def reviewing(pilot, app) -> ReviewScreen:
    """From the start: 4 classes, one start (fast), solve, on to 复核."""
    await wait_until(pilot, lambda: app.roster is not None, 30)
    await step_to(pilot, app, RulesScreen)
    app.screen.query_one("#classes", Input).value = "4"
    app.rules = dataclasses.replace(app.rules, effort=1)
    await step_to(pilot, app, SolveScreen)
    await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 60)
    await step_to(pilot, app, ReviewScreen)
    return app.screen


async def open_class(pilot, screen: ReviewScreen, c: int) -> None:
    if screen.view != "classes":
        await pilot.press("escape")
    screen.query_one("#review-classes", DataTable).move_cursor(row=c)
    await pilot.press("enter")
    await pilot.pause()
    assert screen.view == "students" and screen.open_class == c


async def point_at(pilot, screen: ReviewScreen, student: int) -> None:
    screen.query_one("#review-students", DataTable).move_cursor(row=screen._rows.index(student))
    await pilot.pause()


async def choose(pilot, app, label: str) -> None:
    """In a choice dialog: the option whose text holds ``label``."""
    await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen), 10)
    await pilot.pause()
    options = app.screen.query_one(OptionList)
    texts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    index = next(i for i, text in enumerate(texts) if label in text)
    options.highlighted = index
    dialog = app.screen
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is not dialog, 10)
    await pilot.pause()


def review_status(app) -> str:
    """The review step's status lines (also while a dialog is shown over it)."""
    screen = next(s for s in reversed(app.screen_stack) if isinstance(s, ReviewScreen))
    return str(screen.query_one("#review-status", Static).render())


async def test_review_edits_refusals_locks_resolve_undo_and_resume(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    path = small_roster(tmp_path / "r120.csv")
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        assert "复核" in screen.query_one("#stepbar").plain_text
        assert_on_screen(app, "#review-status", "#review-classes")
        assert {"enter", "L", "r", "d"} <= set(footer_keys(app))
        table = screen.query_one("#review-classes", DataTable)
        assert table.row_count == 4
        names = rv.model.names

        # move: refused (sizes would differ by two), nothing changes; then overridden
        await open_class(pilot, screen, 0)
        assert {"m", "s", "l", "escape"} <= set(footer_keys(app))
        mover = free_students(rv, 0)[0]
        await point_at(pilot, screen, mover)
        await pilot.press("m")
        await choose(pilot, app, "3班")
        assert "不能这样调整" in review_status(app) and "人数" in review_status(app)
        await choose(pilot, app, "不调整")
        assert int(rv.classes[mover]) == 0
        await pilot.press("m")
        await choose(pilot, app, "3班")
        await choose(pilot, app, "仍然调整")
        assert rv.label(int(rv.classes[mover])) == "3班"
        assert "警告" in review_status(app) and "人数不均" in review_status(app)
        assert app.placement.classes[mover] == 2  # the export follows the review

        # a hard rule refusal: a pinned student may not be swapped out of its class
        pinned, pin = next(iter(rv.model.hard.pins.items()))
        other = free_students(rv, (pin + 1) % 4)[0]
        await open_class(pilot, screen, pin)
        await point_at(pilot, screen, pinned)
        await pilot.press("s")
        await open_class(pilot, screen, (pin + 1) % 4)
        await point_at(pilot, screen, other)
        await pilot.press("s")
        assert "预设班级" in review_status(app)
        await choose(pilot, app, "不调整")
        assert int(rv.classes[pinned]) == pin and screen.mark is None

        # swap two students by keyboard, undo and redo it
        a, b = free_students(rv, 1)[0], free_students(rv, 3)[0]
        await open_class(pilot, screen, 1)
        await point_at(pilot, screen, a)
        await pilot.press("s")
        assert screen.mark == a and "已选" in review_status(app)
        await open_class(pilot, screen, 3)
        await point_at(pilot, screen, b)
        await pilot.press("s")
        assert rv.label(int(rv.classes[a])) == "4班" and rv.label(int(rv.classes[b])) == "2班"
        assert "已对调" in review_status(app)
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert int(rv.classes[a]) == 1 and int(rv.classes[b]) == 3
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert int(rv.classes[a]) == 3 and int(rv.classes[b]) == 1

        # lock a class (L) and re-solve (r): the locked class and the edits stay
        await pilot.press("escape")
        table.move_cursor(row=1)
        await pilot.press("L")
        await pilot.pause()
        assert rv.locked_classes == {1}
        locked_members = rv.members(1)
        before = rv.classes.copy()
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.running, 60)
        assert "重排完成" in review_status(app)
        assert rv.members(1) == locked_members
        assert int(rv.classes[mover]) == 2 and int(rv.classes[a]) == 3 and int(rv.classes[b]) == 1
        moved = {int(s) for s in np.flatnonzero(before != rv.classes)}
        # what changed: every student the re-solve moved, listed
        await pilot.press("d")
        await pilot.pause()
        changes = screen.query_one("#review-changes", DataTable)
        assert screen.view == "changes" and changes.row_count == len(moved)
        listed = {str(changes.get_row_at(i)[0]) for i in range(changes.row_count)}
        assert listed == {names[s] for s in moved}
        await pilot.press("escape")
        # the bar chart of class means
        await pilot.press("b")
        await pilot.pause()
        assert "各班平均分" in str(screen.query_one("#chart", Static).render())
        await pilot.press("escape")
        # help lists the review keys
        await pilot.press("f1")
        await pilot.pause()
        assert "m 移动" in str(app.screen.query_one("#help-text", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        saved = rv.classes.copy()
        # the terminal is killed now: what is on disk is all the next run gets
        shutil.copytree(tmp_path / "data", tmp_path / "after-kill")

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "after-kill"))
    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        assert "复核" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 30)
        await pilot.pause()
        rv = app.review
        assert np.array_equal(rv.classes, saved) and rv.locked_classes == {1}
        assert {mover, a, b} <= rv.edited
        assert "人数不均" in review_status(app)  # the override is still a warning
        assert app.screen.query_one("#review-classes", DataTable).row_count == 4
        await pilot.press("ctrl+z")  # the history came back too: undo the re-solve
        await pilot.pause()
        assert np.array_equal(rv.classes, before)
        await pilot.press("ctrl+y")
        await pilot.pause()
        # export writes the reviewed classes (asked first: the size warning is still open)
        await step_to(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "WriteAnywayScreen", 10)
        assert "人数不均" in app.screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: app.written, 60)
    import csv

    with (out / "assignment.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("班级")
    name_col = rows[0].index("姓名")
    placed_as = {r[name_col]: r[col] for r in rows[1:]}
    assert placed_as[names[mover]] == "3班" and placed_as[names[a]] == "4班" and placed_as[names[b]] == "2班"


async def test_declining_the_saved_session_starts_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    path = small_roster(tmp_path / "r120.csv")
    app = FenbanApp(roster_path=str(path), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await reviewing(pilot, app)
    app = FenbanApp(roster_path=None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ResumeScreen), 10)
        assert "Resume" in app.screen.question
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen.query("#path"), 10)
        assert app.roster is None and app.review is None


async def swapped_then_back(pilot, app, steps: int):
    """Solve, swap one student of class 1 with one of class 2 in the review,
    then go back ``steps`` steps; returns (review, a, b, classes after the swap)."""
    await reviewing(pilot, app)
    rv = app.review
    a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
    assert rv.swap(a, b).ok
    app.review_changed()
    classes = rv.classes.copy()
    for _ in range(steps):
        await pilot.press("ctrl+p")
        await pilot.pause()
    return rv, a, b, classes


async def test_reading_the_same_roster_again_keeps_the_review(tmp_path, monkeypatch):
    """Back on 导入, Enter on the same unchanged file: the classes and every hand
    edit stay; a changed file starts afresh.  An empty seed is refused."""
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    path = small_roster(tmp_path / "r120.csv")
    app = FenbanApp(roster_path=str(path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        rv, a, b, classes = await swapped_then_back(pilot, app, 3)
        importer = app.screen
        importer.query_one("#path", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        assert app.review is rv and (app.placement.classes == classes).all()
        assert int(app.placement.classes[a]) == 1 and int(app.placement.classes[b]) == 0
        # the same file with one score changed is another roster: nothing is kept
        text = path.read_text(encoding="utf-8-sig").splitlines()
        cells = text[1].split(",")
        col = text[0].split(",").index("语文")
        cells[col] = "66.6" if cells[col] != "66.6" else "66.7"
        path.write_text("\n".join([text[0], ",".join(cells)] + text[2:]) + "\n", encoding="utf-8-sig")
        before = app.roster_version
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.roster is not None and app.roster_version > before, 30)
        assert app.placement is None and app.review is None
        # rules: an empty seed is not silently the default
        await step_to(pilot, app, RulesScreen)
        app.screen.query_one("#seed", Input).value = ""
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "随机种子" in status_text(app, "#rules-status")
        # the command palette (ctrl+k) goes to a step
        app.screen.query_one("#seed", Input).value = "2026"
        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.press(*"import")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.step == 0, 10)


async def test_rules_added_by_searching_students_hold_after_solving(tmp_path, monkeypatch):
    """Rules step, ctrl+e: find two students by name, F3 keeps them apart; find
    one by ID, F4 pins it to class 2; Delete removes a rule; the solve holds them."""
    from fenban_tui.tui.screens.dialogs import RuleEditor

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    path = small_roster(tmp_path / "r120.csv")
    app = FenbanApp(roster_path=str(path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await step_to(pilot, app, RulesScreen)
        app.screen.query_one("#classes", Input).value = "4"
        names, keys = app.roster.names(), app.roster.student_keys()
        # two students of one class in the sample roster's order, not bound to anyone
        free = [i for i in range(app.roster.n) if not app.roster.values["_together"][i]
                and not app.roster.values["_apart"][i] and app.roster.values["_pin"][i] is None]
        a, b, c = free[0], free[1], free[2]
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: isinstance(app.screen, RuleEditor), 10)
        editor = app.screen
        # by name: the matches list, Enter on the one meant
        editor.query_one("#rule-find", Input).value = names[a][:1]  # a surname: many matches
        editor.query_one("#rule-find", Input).focus()
        await pilot.pause()
        await pilot.press("enter")  # to the matches
        found = editor.query_one("#rule-found", OptionList)
        assert editor.focused is found and found.option_count > 1
        found.highlighted = next(k for k in range(found.option_count) if found.get_option_at_index(k).id == keys[a])
        await pilot.press("enter")
        # by ID: one match, Enter in the search box chooses it at once
        editor.query_one("#rule-find", Input).focus()
        editor.query_one("#rule-find", Input).value = keys[b]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert editor.chosen == [keys[a], keys[b]]
        await pilot.press("f3")
        await pilot.pause()
        assert editor.apart == [[keys[a], keys[b]]] and editor.chosen == []
        # a together rule added and removed again with Delete
        editor.chosen = [keys[a], keys[c]]
        await pilot.press("f2")
        await pilot.pause()
        added = editor.query_one("#rule-added", OptionList)
        added.focus()  # the first rule is highlighted at once (together rules come first)
        await pilot.pause()
        await pilot.press("delete")
        await pilot.pause()
        assert editor.together == [] and len(editor.apart) == 1
        # pin by ID: the class number is asked for
        editor.query_one("#rule-find", Input).focus()
        editor.query_one("#rule-find", Input).value = keys[c]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert editor.chosen == [keys[c]]
        await pilot.press("f4")
        await pilot.pause()
        assert "班级号" in str(editor.query_one("#rule-status", Static).render())
        editor.query_one("#rule-class", Input).value = "2"
        await pilot.press("f4")
        await pilot.pause()
        assert editor.pins == {keys[c]: 2}
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        assert app.rules.apart_extra == [[keys[a], keys[b]]] and app.rules.pins_extra == {keys[c]: 2}
        assert "另加规则 2 条" in str(app.screen.query_one("#hard").border_subtitle)
        app.rules = dataclasses.replace(app.rules, effort=1)
        await step_to(pilot, app, SolveScreen)
        await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 60)
        p = app.placement
        assert p.class_of(a) != p.class_of(b) and p.class_of(c) == "2班"


async def test_changing_rules_after_the_review_asks_and_a_new_class_name_keeps_it(tmp_path, monkeypatch):
    from fenban_tui.tui.screens.dialogs import ResolveScreen

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        rv, a, b, classes = await swapped_then_back(pilot, app, 2)
        assert isinstance(app.screen, RulesScreen)
        # a new class-name pattern: the classes are renamed, nobody moves, no question
        app.screen.query_one("#labels", Input).value = "七({n})班"
        await step_to(pilot, app, SolveScreen)
        assert app.review is rv and (app.placement.classes == classes).all()
        assert app.placement.labels[0] == "七(1)班" and app.placement.class_of(a) == "七(2)班"
        # another seed would place everyone again: asked first; "no" keeps everything
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        app.screen.query_one("#seed", Input).value = "另一个种子"
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ResolveScreen), 10)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, RulesScreen), 10)
        assert app.review is rv and (app.placement.classes == classes).all()
        # "yes" solves again
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, ResolveScreen), 10)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 60)
        assert app.rules.seed == "另一个种子" and app.review is None


def test_a_hand_swap_that_leaves_a_class_short_of_a_demand_is_a_warning(tmp_path):
    """每班至少 1 名女生 with two girls in two classes: swapping one girl for a
    boy of the other class leaves a class with none — the review lists it (and
    so the export's question, the record and verify do)."""
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别\n甲,女\n乙,女\n丙,男\n丁,男\n戊,男\n己,男\n", encoding="utf-8")
    placed = solve_roster(check_roster(path), Rules(classes=2, seed="1", effort=1, at_least={"性别=女": 1}))
    rv = Review(placed.model, placed.classes)
    assert rv.problems() == []
    girl = by_name(rv, "甲")
    boy = next(s for s in rv.members(1 - int(rv.classes[girl])) if rv.model.names[s] in "丙丁戊己")
    assert rv.swap(girl, boy).ok
    short = rv.label(1 - int(rv.classes[girl]))
    texts = [p.text("zh") for p in rv.problems()]
    assert texts == [f"每班至少 1 名女生未满足：{short}"]


def test_added_rules_that_contradict_each_other_are_found():
    from fenban_tui.core.rules import added_rule_clash

    tog, apart = [["A", "B"], ["B", "C"]], [["D", "E"]]
    # A–C together through B: keeping A and C apart contradicts it
    assert added_rule_clash(tog, apart, {}, "apart", ["C", "A"]) == ("rule_clash_together_apart", {"a": "C", "b": "A"})
    assert added_rule_clash(tog, apart, {}, "together", ["E", "D"]) == ("rule_clash_together_apart", {"a": "D", "b": "E"})
    assert added_rule_clash(tog, apart, {"A": 1}, "pin", ["C"], 2) == (
        "rule_clash_together_pins", {"a": "A", "b": "C", "c": 1, "d": 2})
    assert added_rule_clash(tog, apart, {"D": 3}, "pin", ["E"], 3) == ("rule_clash_apart_pin", {"a": "D", "b": "E", "c": 3})
    # no clash: C with D together, E pinned elsewhere, A and D apart
    assert added_rule_clash(tog, apart, {"D": 3}, "together", ["C", "D"]) is None
    assert added_rule_clash(tog, apart, {"D": 3}, "pin", ["E"], 2) is None
    assert added_rule_clash(tog, apart, {}, "apart", ["A", "D"]) is None
    # the roster's own rules (绑定 P with Q, 互斥 R from S, 预设班级 Q 1 and S 3)
    # count too, and are named: the clash only showed at solve time before
    own = {"roster_together": [("T2", ["P", "Q"])], "roster_apart": [("A1", ["R", "S"])],
           "roster_pins": {"Q": 1, "S": 3}}
    assert added_rule_clash([], [], {}, "apart", ["Q", "P"], **own) == (
        "rule_clash_together_apart_roster", {"a": "Q", "b": "P", "roster": [("together", "T2")]})
    assert added_rule_clash([], [], {}, "together", ["S", "R"], **own) == (
        "rule_clash_together_apart_roster", {"a": "R", "b": "S", "roster": [("apart", "A1")]})
    assert added_rule_clash([], [], {}, "together", ["Q", "S"], **own) == (
        "rule_clash_together_pins_roster", {"a": "Q", "b": "S", "c": 1, "d": 3, "roster": [("pin", "Q"), ("pin", "S")]})
    # through the roster's 绑定: P is with Q, pinned to 1 in the roster
    assert added_rule_clash([], [], {}, "pin", ["P"], 2, **own) == (
        "rule_clash_together_pins_roster", {"a": "Q", "b": "P", "c": 1, "d": 2, "roster": [("together", "T2"), ("pin", "Q")]})
    assert added_rule_clash([], [], {}, "pin", ["Q"], 2, **own) == (
        "rule_clash_pin_roster", {"a": "Q", "c": 1, "d": 2, "roster": [("pin", "Q")]})
    assert added_rule_clash([], [], {}, "pin", ["R"], 3, **own) == (
        "rule_clash_apart_pin_roster", {"a": "R", "b": "S", "c": 3, "roster": [("apart", "A1"), ("pin", "S")]})
    # an added rule and a roster rule together: the roster's is named
    assert added_rule_clash([["Q", "X"]], [], {}, "apart", ["X", "P"], **own) == (
        "rule_clash_together_apart_roster", {"a": "X", "b": "P", "roster": [("together", "T2")]})
    # the roster agrees: no clash (same class as its own pin, apart from others)
    assert added_rule_clash([], [], {}, "pin", ["Q", "P"], 1, **own) is None
    assert added_rule_clash([], [], {}, "together", ["R", "Q"], **own) is None
    assert added_rule_clash([], [], {}, "apart", ["P", "S"], **own) is None
    # a clash already among the roster's rules (its checks report it) refuses nothing new
    bad = {**own, "roster_apart": [("A1", ["R", "S"]), ("A9", ["P", "Q"])]}
    assert added_rule_clash([], [], {}, "together", ["X", "Y"], **bad) is None
    assert added_rule_clash([], [], {}, "together", ["X", "R"], **bad) is None
    assert added_rule_clash([], [], {}, "together", ["S", "R"], **bad)[0] == "rule_clash_together_apart_roster"


def rendered_status(editor) -> str:
    """The rule editor's status line as drawn: its lines joined, after checking
    it lies inside the 80x24 terminal (a reason cut off at the edge fails)."""
    from textual.geometry import Region

    status = editor.query_one("#rule-status", Static)
    region = status.region
    assert region.x >= 0 and region.right <= SIZE[0] and region.bottom <= SIZE[1], region
    lines = status.render_lines(Region(0, 0, region.width, region.height))
    return "".join(line.text.rstrip() for line in lines)


async def open_rule_editor(pilot, app):
    """The 规则 step with 4 classes, then ctrl+e: the rule editor."""
    from fenban_tui.tui.screens.dialogs import RuleEditor

    await wait_until(pilot, lambda: app.roster is not None, 30)
    await step_to(pilot, app, RulesScreen)
    app.screen.query_one("#classes", Input).value = "4"
    await pilot.press("ctrl+e")
    await wait_until(pilot, lambda: isinstance(app.screen, RuleEditor), 10)
    return app.screen


async def test_rule_editor_refuses_a_rule_that_contradicts_one_added(tmp_path, monkeypatch):
    """F2 two students, then F3 the same two: refused at once in words (not
    at solve time, in the model's internal codes); the first rule stays.  So
    is a rule against the roster's own 绑定, 互斥, 同名 and 预设班级, which is
    named.  Students are named shortly, so the whole reason shows at 80x24."""
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_rule_editor(pilot, app)
        names, keys = app.roster.names(), app.roster.student_keys()
        vals = app.roster.values
        assert names.count(names[0]) == names.count(names[1]) == 1

        async def add(kind: str, chosen: list[int], cls: int | None = None) -> str:
            if cls is not None:
                editor.query_one("#rule-class", Input).value = str(cls)
            editor.chosen = [keys[i] for i in chosen]
            await pilot.press({"together": "f2", "apart": "f3", "pin": "f4"}[kind])
            await pilot.pause()
            said = str(editor.query_one("#rule-status", Static).render())
            # the whole reason is drawn, not cut off after the names
            assert rendered_status(editor).replace(" ", "") == said.replace(" ", "")
            return said

        assert await add("together", [0, 1]) == "已添加；可继续添加，Esc 完成"
        assert editor.together == [[keys[0], keys[1]]]
        said = await add("apart", [1, 0])
        assert said == f"不能添加：{names[1]} 和 {names[0]} 既要同班又要分开（先在下方删掉其中一条）"
        assert editor.apart == [] and editor.chosen == [keys[1], keys[0]]
        await add("pin", [0], 2)
        said = await add("pin", [1], 3)
        assert said == f"不能添加：{names[0]} 和 {names[1]} 要同班，却预设在第 2 班和第 3 班"
        assert editor.pins == {keys[0]: 2}

        # the roster's own rules: two students of one 绑定 code kept apart …
        bound = [i for i, v in enumerate(vals["_together"].to_list()) if v == "T1"]
        said = await add("apart", bound)
        assert said == f"不能添加：{names[bound[0]]} 和 {names[bound[1]]} 既要同班又要分开（名单中 绑定 T1）"
        # … two of one 互斥 code put together, two pinned to 2 and 1 put together
        parted = [i for i, v in enumerate(vals["_apart"].to_list()) if v == "A1"]
        said = await add("together", parted)
        assert said == f"不能添加：{names[parted[0]]} 和 {names[parted[1]]} 既要同班又要分开（名单中 互斥 A1）"
        pinned = [i for i, v in enumerate(vals["_pin"].to_list()) if v is not None]
        cls = [vals["_pin"][i] for i in pinned]
        assert cls == [2, 1]  # the roster's 预设班级 are class numbers (1-based)
        said = await add("together", pinned)
        assert said == (f"不能添加：{names[pinned[0]]} 和 {names[pinned[1]]} 要同班，却预设在第 2 班和第 1 班"
                        "（名单中 预设班级）")
        # a pinned student pinned elsewhere; pinned to the roster's class is fine
        said = await add("pin", [pinned[1]], 3)
        assert said == f"不能添加：名单中 预设班级 已把 {names[pinned[1]]} 预设在第 1 班"
        # two with one name (同名, kept apart by the roster) are named with their rows
        twins = [i for i, n in enumerate(names) if names.count(n) > 1]
        rows = app.roster.row_numbers()
        said = await add("together", twins)
        name = names[twins[0]]
        assert said == (f"不能添加：{name}（行{rows[twins[0]]}） 和 {name}（行{rows[twins[1]]}） 既要同班又要分开"
                        f"（名单中 同名 {name}）")
        assert editor.together == [[keys[0], keys[1]]] and editor.apart == [] and editor.pins == {keys[0]: 2}
        assert await add("pin", [pinned[1]], 1) == "已添加；可继续添加，Esc 完成"
        assert editor.pins == {keys[0]: 2, keys[pinned[1]]: 1}


async def test_rule_editor_refusal_fits_80_columns_in_english_with_long_ids(tmp_path, monkeypatch):
    """The longest refusal (two students, two rules of the roster) wraps to a
    second line in the dialog rather than running off its edge."""
    from fenban_tui.tui.screens.dialogs import RuleEditor

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r120.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_rule_editor(pilot, app)
        names, keys = app.roster.names(), app.roster.student_keys()
        vals = app.roster.values
        pinned = [i for i, v in enumerate(vals["_pin"].to_list()) if v is not None]
        bound = [i for i, v in enumerate(vals["_together"].to_list()) if v == "T1"]
        # one of a 绑定 pair pinned to another class than a pinned student, then both together
        editor.chosen = [keys[bound[0]], keys[pinned[0]]]
        await pilot.press("f2")
        await pilot.pause()
        editor.query_one("#rule-class", Input).value = "1"
        editor.chosen = [keys[bound[1]]]
        await pilot.press("f4")
        await pilot.pause()
        said = str(editor.query_one("#rule-status", Static).render())
        assert said == (f"Not added: {names[pinned[0]]} and {names[bound[1]]} must be together but are pinned to "
                        f"classes 2 and 1 (roster: together-group \u201cT1\u201d, column \u201c预设班级\u201d)")
        assert editor.query_one("#rule-status").region.height == 2
        assert rendered_status(editor).replace(" ", "") == said.replace(" ", "")


def test_rule_notes_in_the_class_list_never_show_internal_labels():
    from types import SimpleNamespace

    from fenban_tui.core.model import HardRules
    from fenban_tui.tui.screens.review_step import ReviewScreen
    from fenban_tui.tui.text import t

    hard = HardRules(together=[("T1", [0, 1]), ("加规则·同班1", [2, 3])],
                     apart=[("同名:张三", [4, 5]), ("同音:zhangsan", [6, 7]), ("加规则·分开2", [0, 8])], pins={9: 0})
    rv = SimpleNamespace(model=SimpleNamespace(hard=hard), label=lambda c: "1班")
    for lang, want in (("zh", {0: "绑定T1 加的分开2", 2: "加的同班1", 4: "同名", 6: "同音", 9: "预设1班"}),
                       ("en", {0: "together T1 added apart 2", 2: "added together 1", 4: "same name",
                               6: "same sound", 9: "pin 1班"})):
        screen = SimpleNamespace(review=rv, t=lambda key, lang=lang, **p: t(key, lang, **p))
        marks = ReviewScreen._rule_marks(screen)
        assert {s: marks[s] for s in want} == want
        assert not any("加规则" in m or ":" in m for m in marks.values())
