"""What a user trial at 80x24 found, driven by keys as an operator presses them (Pilot):

1. 导出 no longer says 完成 for classes changed since the files were written;
2. 复核: after a swap the cursor is on the student swapped in, so ``l`` locks them;
3. 分班: a cancelled solve shows no full bar beside "0%";
4. 复核 overview without scores: a fitting title, no ▲/▼ when every class shows the same;
5. the step bar says the roster file is gone when it is;
6. 复核 ``b``: bars of each class's difference from the grade mean, on an honest scale.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import numpy as np
from rich.cells import cell_len
from textual.widgets import DataTable, Input, ProgressBar, Static

from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.dialogs import ConfirmScreen
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.review_step import ReviewScreen, chart_scale
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen

from .test_review import free_students, open_class, point_at, review_status, reviewing, small_roster, step_to
from .test_tui import SAMPLE, SIZE, status_text, step_text, wait_until
from .test_wizard_fixes import read_classes, resume


def screen_lines(app) -> list[str]:
    """The terminal as drawn: one string a line, 80x24."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def no_drives(monkeypatch) -> None:
    from fenban_tui.tui.screens import export_step

    monkeypatch.setattr(export_step, "removable_drives", lambda: [])


async def swap(pilot, screen: ReviewScreen, a: int, b: int) -> None:
    """s on ``a`` (in its class), then s on ``b`` (in another)."""
    rv = screen.review
    await open_class(pilot, screen, int(rv.classes[a]))
    await point_at(pilot, screen, a)
    await pilot.press("s")
    await open_class(pilot, screen, int(rv.classes[b]))
    await point_at(pilot, screen, b)
    await pilot.press("s")
    await pilot.pause()


async def written_once(pilot, app, out):
    """On to 复核, then 导出, the files written to ``out``: (the review screen, the review)."""
    screen = await reviewing(pilot, app)
    rv = app.review
    await step_to(pilot, app, ExportScreen)
    app.screen.query_one("#out", Input).value = str(out)
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: app.written, 60)
    return screen, rv


# ---------------------------------------------------------------------- 1: 导出 after the classes changed


async def test_export_says_the_files_written_are_not_the_changed_classes(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    no_drives(monkeypatch)
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen, rv = await written_once(pilot, app, out)
        await pilot.pause()
        assert "已写出" in status_text(app, "#export-status")
        assert "完成" in "\n".join(screen_lines(app))

        # back to 复核, swap two students, on to 导出 again
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        a, b = free_students(rv, 0)[0], free_students(rv, 1)[0]
        await swap(pilot, screen, a, b)
        assert int(rv.classes[a]) == 1
        await step_to(pilot, app, ExportScreen)
        said = status_text(app, "#export-status")
        drawn = "\n".join(screen_lines(app))
        assert "已写出" not in said and "完成" not in drawn and "已读回" not in drawn
        assert "班级（或规则）在" in said and "写出后已改动" in said and "ctrl+s 重新写出" in said
        assert str(out.resolve()) in said.replace("\n", "")
        assert str(app.screen.query_one("#written", Static).render()).strip() == ""

        # ctrl+s writes the classes as they are now (over the earlier files: asked)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), 10)
        await pilot.press("y")
        await wait_until(pilot, lambda: "已写出" in status_text(app, "#export-status"), 60)
        assert read_classes(out) == [app.placement.labels[c] for c in rv.classes]
        assert "完成" in "\n".join(screen_lines(app))

        # undone in 复核: the files are not these classes any more; redone: they are again
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        await pilot.press("ctrl+z")
        await pilot.pause()
        await step_to(pilot, app, ExportScreen)
        assert "写出后已改动" in status_text(app, "#export-status")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        await pilot.press("ctrl+y")
        await pilot.pause()
        await step_to(pilot, app, ExportScreen)
        assert "已写出" in status_text(app, "#export-status")
        assert "完成" in "\n".join(screen_lines(app))


async def test_export_changed_classes_in_english(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    no_drives(monkeypatch)
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen, rv = await written_once(pilot, app, out)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen), 10)
        await swap(pilot, screen, free_students(rv, 2)[0], free_students(rv, 3)[0])
        await step_to(pilot, app, ExportScreen)
        said = status_text(app, "#export-status").replace("\n", "")
        assert "changed since the files in" in said and "ctrl+s writes them again" in said
        assert "Done" not in "\n".join(screen_lines(app))


# ---------------------------------------------------------------------- 2: the cursor after a swap


async def test_after_a_swap_the_cursor_is_on_the_student_swapped_in(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        names = rv.model.names
        # the row the cursor was on (b's) now holds someone else (the trial's 曹欣)
        a, b = free_students(rv, 0)[0], free_students(rv, 1)[-1]
        await swap(pilot, screen, a, b)
        assert int(rv.classes[a]) == 1 and screen.open_class == 1
        assert screen.current_student() == a
        table = screen.query_one("#review-students", DataTable)
        assert table.get_row_at(table.cursor_row)[1].plain == names[a]
        await pilot.press("l")
        await pilot.pause()
        assert rv.is_locked(a) and not rv.is_locked(b)
        assert f"已锁定 {rv.who(a).render('zh')}" in review_status(app)


# ---------------------------------------------------------------------- 3: the bar after Esc


async def test_cancelled_solve_shows_no_full_bar_beside_zero_percent():
    app = FenbanApp(roster_path=str(SAMPLE), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await step_to(pilot, app, RulesScreen)
        app.rules = dataclasses.replace(app.rules, effort=40)  # long enough to cancel
        app.screen.query_one("#seed", Input).value = "7"
        await step_to(pilot, app, SolveScreen)
        screen = app.screen
        bar = screen.query_one("#progress", ProgressBar)
        await wait_until(pilot, lambda: bar.progress > 0, 30)
        assert bar.display
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running, 30)
        await pilot.pause()
        drawn = "\n".join(screen_lines(app))
        assert "已取消" in drawn
        assert not bar.display and bar.region.height == 0
        assert "0%" not in drawn and "━" not in drawn  # no bar, full or empty, no percentage
        # ctrl+r solves again: the bar is back while it runs
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.running and bar.display and bar.region.height == 1
        await wait_until(pilot, lambda: bar.progress > 0, 30)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not screen.running, 30)
        await pilot.pause()
        assert not bar.display


# ---------------------------------------------------------------------- 4: overview without scores


def birth_only_roster(path: Path, n: int = 60) -> Path:
    """A grade-1 intake: names, genders, birth dates only (every date 2020-03-12
    but one, a day later): every class's mean birth date shows as 2020-03-12."""
    rows = [["姓名", "性别", "出生日期"]]
    for i in range(n):
        born = dt.date(2020, 3, 12) + dt.timedelta(days=1 if i == 7 else 0)
        rows.append([f"学生{i:02d}", "男" if i % 2 else "女", born.isoformat()])
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


async def review_birth_only(pilot, app) -> ReviewScreen:
    await wait_until(pilot, lambda: app.roster is not None, 30)
    await step_to(pilot, app, RulesScreen)
    app.screen.query_one("#classes", Input).value = "6"
    app.rules = dataclasses.replace(app.rules, effort=1)
    await step_to(pilot, app, SolveScreen)
    await wait_until(pilot, lambda: app.placement is not None and not app.screen.running, 60)
    await step_to(pilot, app, ReviewScreen)
    return app.screen


async def test_overview_without_scores_has_a_fitting_title_and_no_mark_on_equal_values(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(birth_only_roster(tmp_path / "g1.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await review_birth_only(pilot, app)
        assert [f.kind for f in app.review.model.numeric] == ["birth"]
        table = screen.query_one("#review-classes", DataTable)
        title = str(table.border_title)
        assert "均分" not in title and "标准差" not in title and "平均生日" in title
        birth = [str(table.get_row_at(r)[-1]) for r in range(table.row_count)]
        assert birth == ["2020-03-12"] * 6  # the same date shown for every class: no mark
        drawn = screen_lines(app)
        assert any("2020-03-12" in line for line in drawn)
        assert not any("2020-03-12▲" in line or "2020-03-12▼" in line for line in drawn)
        # a column whose shown values are all equal has no mark at all
        for col in range(len(table.columns)):
            cells = [str(table.get_row_at(r)[col]).rstrip("▲▼") for r in range(table.row_count)]
            if col and len(set(cells)) == 1:
                assert not any(str(table.get_row_at(r)[col]).endswith(("▲", "▼")) for r in range(table.row_count))
        # the chart: every class's difference shows as 0 days, and no bar is drawn
        await pilot.press("b")
        await pilot.pause()
        chart = str(screen.query_one("#chart", Static).render())
        assert "各班平均生日与年级平均 2020-03-12 之差" in chart
        assert "█" not in chart and "▌" not in chart and "▐" not in chart
        assert chart.count(" 0 天") == 6

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data-en"))  # no session to resume
    app = FenbanApp(roster_path=str(tmp_path / "g1.csv"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await review_birth_only(pilot, app)
        title = str(screen.query_one("#review-classes", DataTable).border_title)
        assert "means" not in title and "SD" not in title and "birth" in title


def test_overview_mark_follows_the_values_shown():
    """The ▲/▼ helper itself still marks a real difference."""
    from fenban_tui.tui.screens.review_step import worst_index

    assert worst_index([81.23, 81.24, 81.40], 81.29) == (2, 1)
    assert worst_index([81.3, 81.3], 81.3) == (None, 0)


# ---------------------------------------------------------------------- 5: the roster file gone


async def test_step_bar_says_the_roster_file_is_gone(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("FENBAN_DATA_DIR", str(data))
    no_drives(monkeypatch)
    roster = small_roster(tmp_path / "r.csv")
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await reviewing(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
    shutil.copytree(data, tmp_path / "data-en")
    roster.unlink()  # moved away, or deleted

    app = FenbanApp(roster_path=None, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await resume(pilot, app, ReviewScreen)
        assert app.source_changed
        assert "名单文件已不存在" in step_text(app) and "名单文件已改动" not in step_text(app)
        assert "名单文件已不存在" in screen_lines(app)[0]
        await step_to(pilot, app, ExportScreen)
        assert "名单文件已不存在" in step_text(app) and "5 导出" in step_text(app)
        assert cell_len(step_text(app)) <= SIZE[0]

    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data-en"))
    app = FenbanApp(roster_path=None, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await resume(pilot, app, ReviewScreen)
        assert "! Roster file gone" in step_text(app) and "Roster changed" not in step_text(app)
        assert "5 Export" in step_text(app) and cell_len(step_text(app)) <= SIZE[0]


# ---------------------------------------------------------------------- 6: the chart


def test_chart_scale_is_never_under_a_point_and_reads_well():
    assert chart_scale(0.09, False) == 1.0
    assert chart_scale(1.3, False) == 2.0
    assert chart_scale(3.2, False) == 5.0
    assert chart_scale(12.0, False) == 20.0
    assert chart_scale(0.4, True) == 10.0
    assert chart_scale(25.0, True) == 50.0


BAR_LINE = re.compile(r"^(?P<label>\S+) (?P<left> *[▐█]*)│(?P<right>[█▌]* *) (?P<diff>[ +−]\d+\.\d\d)  \((?P<mean>[\d.]+)\)$")


async def test_chart_draws_differences_from_the_grade_mean_on_an_honest_scale(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    app = FenbanApp(roster_path=str(small_roster(tmp_path / "r.csv")), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        rv = app.review
        f = rv.model.numeric[0]
        await pilot.press("b")
        await pilot.pause()
        assert screen.view == "chart"
        chart = str(screen.query_one("#chart", Static).render())
        lines = chart.splitlines()
        grand = float(np.nanmean(f.values))
        means = [s.means[f.name] for s in rv.stats()]
        scale = chart_scale(max(abs(round(v - grand, 2)) for v in means), False)
        assert lines[0] == f"{f.name}：各班平均分与年级平均分 {grand:.2f} 之差（左低右高，满格 = {scale:g} 分）"
        bars = [BAR_LINE.match(line) for line in lines[1:1 + rv.model.k]]
        assert all(bars), lines
        half = len(bars[0]["left"])
        for m, label, v in zip(bars, rv.model.labels, means):
            d = round(v - grand, 2)
            assert m["label"] == label and m["mean"] == f"{v:.2f}"
            sign = "+" if d > 0 else "−" if d < 0 else " "
            assert m["diff"] == f"{sign}{abs(d):.2f}"
            cells = (m["left"].strip() if d < 0 else m["right"].strip())
            assert not (m["right"].strip() if d < 0 else m["left"].strip())  # one side only
            halves = 2 * cells.count("█") + cells.count("▌") + cells.count("▐")
            # proportional to the difference: within half a cell (a sliver for any difference shown)
            assert abs(halves - abs(d) / scale * 2 * half) <= 1 or (halves == 1 and d)
        # the axis under the bars names the scale's ends and the centre
        axis = lines[1 + rv.model.k]
        assert f"−{scale:g}" in axis and f"+{scale:g}" in axis and "0" in axis
        assert all(cell_len(line) <= SIZE[0] for line in lines)
        assert "横轴" not in chart
        # the whole chart within the 80x24 terminal
        region = screen.query_one("#review-chart").region
        assert region.bottom <= SIZE[1] and region.right <= SIZE[0]
        assert "年级平均分" in "\n".join(screen_lines(app))
        # long class names (a district's 第1中学·初一(1)班), locked: still within the view
        rv.model.labels[:] = [f"第1中学·初一({c + 1})班" for c in range(rv.model.k)]
        rv.toggle_class_lock(0)  # the chart shows the lock mark beside the name too
        await pilot.press("right")
        await pilot.pause()
        box = screen.query_one("#chart", Static)
        lines = str(box.render()).splitlines()
        assert sum(1 for line in lines if "│" in line) == rv.model.k
        assert lines[1].startswith("第1中学·初一(1)班 ") and screen.t("mark_locked") in lines[1]
        assert all(cell_len(line) <= box.region.width for line in lines), (box.region.width, lines)

    # English: the same chart, its words
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data-en"))  # no session to resume
    app = FenbanApp(roster_path=str(tmp_path / "r.csv"), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await reviewing(pilot, app)
        await pilot.press("b")
        await pilot.pause()
        chart = str(screen.query_one("#chart", Static).render())
        assert "class mean minus the grade mean" in chart and "full bar = 1" in chart
        assert cell_len(chart.splitlines()[0]) <= SIZE[0] - 2  # the title on one line
