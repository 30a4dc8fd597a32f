"""The Textual wizard, driven by Pilot at 80x24."""

from __future__ import annotations

import dataclasses

import csv
import time
from pathlib import Path

from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.export_step import ExportScreen
from fenban_tui.tui.screens.import_step import ImportScreen
from fenban_tui.tui.screens.review_step import ReviewScreen
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
        assert rules_screen.query_one("#seed", Input).value == ""  # no seed until one is drawn
        rules_screen.query_one("#seed", Input).value = "2026 抽签"
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

        # 4 复核, 5 导出
        await to_step(pilot, app, ReviewScreen)
        assert "复核" in step_text(app) and app.review is not None
        assert_on_screen(app, "#review-status", "#review-classes")
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
        app.screen.query_one("#seed", Input).value = "7"
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
        app.screen.query_one("#seed", Input).value = "7"
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


# ---------------------------------------------------------------------- helpers for
# the tests below: small rosters written here, so they run on a clean clone

def write_roster(path: Path, n: int, drop: tuple[str, ...] = (), seed: int = 5) -> Path:
    from fenban_tui.core import samplegen

    rows = samplegen.junior_rows(n, seed=seed, absent=0, pins=0, twins=2, apart_pairs=1)
    keep = [i for i, h in enumerate(samplegen.JUNIOR_HEADER) if h not in drop]
    header = [samplegen.JUNIOR_HEADER[i] for i in keep]
    samplegen.write_csv(path, header, [[r[i] for i in keep] for r in rows], None, encoding="utf-8-sig")
    return path


async def load(pilot, app: FenbanApp, path: Path) -> None:
    """On the import step: type ``path``, press Enter (and y when asked whether
    the classes made for another file may go), wait for the roster."""
    from fenban_tui.tui.screens.dialogs import ConfirmScreen

    before = app.roster_version
    app.screen.query_one("#path", Input).value = str(path)
    app.screen.query_one("#path", Input).focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen)
                     or app.roster is not None and app.roster_version > before, 30)
    if isinstance(app.screen, ConfirmScreen):
        await pilot.press("y")
    await wait_until(pilot, lambda: app.roster is not None and app.roster_version > before, 30)


async def to_step(pilot, app: FenbanApp, screen_type, key: str = "ctrl+n") -> None:
    if isinstance(app.screen, RulesScreen) and key == "ctrl+n" and not app.screen.query_one("#seed", Input).value:
        app.screen.query_one("#seed", Input).value = "2026"  # the operator types the seed drawn
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, screen_type), 10)
    await pilot.pause()  # let the step's entered() hook run


async def solved(pilot, app: FenbanApp) -> None:
    """On the solve step: wait for the solver to finish."""
    await wait_until(pilot, lambda: "busy" not in app.screen.query_one("#solve-status").classes
                     and not app.screen.running, 60)


def read_toml(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


async def test_balance_choices_do_not_leak_to_another_roster(tmp_path):
    """The tester's repro: a roster without 毕业学校/住宿, then one with them."""

    plain = write_roster(tmp_path / "plain.csv", 40, drop=("毕业学校", "住宿"))
    full = write_roster(tmp_path / "full.csv", 60, seed=6)
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(plain), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        # a CSV has no sheets: its summary names none
        assert import_status(app).startswith("表头在第 1 行，学生 40 人；错误 0 个")
        await to_step(pilot, app, RulesScreen)
        balance = app.screen.query_one("#balance", CheckList)
        hard = app.screen.query_one("#hard", CheckList)
        assert "school" not in balance.values and "boarding" not in balance.values
        # the wizard starts with no seed: the operator types the one drawn
        assert app.screen.query_one("#seed", Input).value == ""
        app.screen.query_one("#seed", Input).value = "2026"
        # the operator switches off 总分 and 绑定 for this roster
        balance.set_checked("total", False)
        hard.set_checked("together", False)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, SolveScreen), 10)
        # items this roster lacks are not "off" in its rules
        assert app.rules.balance_school is True and app.rules.balance_boarding is True
        assert app.rules.balance_total is False and app.rules.use_together is False
        await solved(pilot, app)

        # back to the import step, another roster
        await to_step(pilot, app, RulesScreen, "ctrl+p")
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        await load(pilot, app, full)
        await to_step(pilot, app, RulesScreen)
        balance = app.screen.query_one("#balance", CheckList)
        hard = app.screen.query_one("#hard", CheckList)
        # every item the new roster has is listed and on, the earlier toggles forgotten
        assert {"gender", "school", "boarding", "total"} <= set(balance.selected)
        # (category columns such as 备注 are offered unticked: the operator picks them)
        assert set(balance.selected) == {v for v in balance.values if v != "birth" and not v.startswith("cat:")}
        # (同音 is the one hard rule that is off by default)
        assert set(hard.selected) == set(hard.values) - {"same_sound"} >= {"same_name", "together", "apart"}
        rendered = "\n".join(str(balance.get_option_at_index(i).prompt) for i in range(balance.option_count))
        assert "[x] 毕业学校" in rendered and "[x] 住宿" in rendered
        assert app.screen.query_one("#classes", Input).value == "2"  # ceil(60 / 50), not the old count

        # a toggle on this roster is kept while it stays loaded, even when reloaded
        balance.set_checked("boarding", False)
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        await to_step(pilot, app, RulesScreen)
        assert "boarding" not in app.screen.query_one("#balance", CheckList).selected
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        assert "boarding" not in app.screen.query_one("#balance", CheckList).selected
        app.screen.query_one("#balance", CheckList).set_checked("boarding", True)

        # solve and export: the rules file balances 学校 and 住宿
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        assert app.placement is not None, status_text(app, "#solve-status")
        await to_step(pilot, app, ReviewScreen)
        await to_step(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.written, 60)
    rules = read_toml(out / "分班规则.toml")
    assert rules["balance_school"] is True and rules["balance_boarding"] is True
    assert rules["balance_total"] is True and rules["use_together"] is True
    assert rules["seed"] == "2026"  # the seed typed for the first roster is kept for the next


async def test_stale_class_count_error_goes_when_fixed(tmp_path):
    roster = write_roster(tmp_path / "r.csv", 40)
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        app.screen.query_one("#seed", Input).value = "2026"
        classes = app.screen.query_one("#classes", Input)
        classes.value = "0"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "班级数必须是 1 到 40 之间的整数" in status_text(app, "#rules-status")
        classes.value = "99"  # still wrong: the message stays
        await pilot.pause()
        assert "班级数必须是" in status_text(app, "#rules-status")
        classes.value = "2"
        await pilot.pause()
        assert "班级数必须是" not in status_text(app, "#rules-status")
        assert "error" not in app.screen.query_one("#rules-status").classes
        assert "Enter" in status_text(app, "#rules-status")

        # a class name pattern the core refuses: a message on every keystroke, no crash
        labels = app.screen.query_one("#labels", Input)
        labels.value = "班{n!s:.0}"  # every name empty
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "error" in app.screen.query_one("#rules-status").classes
        labels.value = "七({n})班"
        await pilot.pause()
        assert "error" not in app.screen.query_one("#rules-status").classes
        assert "七(1)班" in str(app.screen.query_one("#labels-hint", Static).render())


async def test_at_least_box_checks_the_roster_and_keeps_the_demand(tmp_path):
    """每班至少: a value the roster lacks is named at once; a demand the
    roster can meet goes into the rules and is shown again on return."""
    roster = write_roster(tmp_path / "r.csv", 40)
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        assert_on_screen(app, "#at-least")
        app.screen.query_one("#seed", Input).value = "2026"
        app.screen.query_one("#classes", Input).value = "2"
        box = app.screen.query_one("#at-least", Input)
        box.value = "性别=X"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen)
        assert "列“性别”中没有“X”" in status_text(app, "#rules-status")
        # more than the roster has for the class count: said here, before any solving
        girls = app.roster.values["_gender"].to_list().count("F")
        box.value = f"性别=女:{girls // 2 + 1}"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, RulesScreen) and app.screen.focused is box
        assert status_text(app, "#rules-status") == (
            f"要求每班至少 {girls // 2 + 1} 名女生：2 个班需要 {2 * (girls // 2 + 1)} 名，名单中只有 {girls} 名")
        box.value = f"性别=女:{girls // 2}"  # exactly enough
        app.screen.query_one("#seed", Input).focus()  # leaving the box checks it
        await pilot.pause()
        assert "error" not in app.screen.query_one("#rules-status").classes
        box.value = "性别=女:3；住宿=是"
        await pilot.pause()
        assert "error" not in app.screen.query_one("#rules-status").classes
        app.screen.check_next()
        assert app.rules.at_least == {"性别=女": 3, "住宿=是": 1}
        app.screen._populate()
        assert app.screen.query_one("#at-least", Input).value == "性别=女:3；住宿=是:1"


async def test_english_gaps_export_errors_and_kept_files(tmp_path):
    roster = write_roster(tmp_path / "r.csv", 60)
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(roster), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        assert app.placement is not None, status_text(app, "#solve-status")
        gaps = str(app.screen.query_one("#gaps", Static).render())
        assert gaps.startswith("Worst gaps: ") and "; " in gaps and "；" not in gaps

        await to_step(pilot, app, ReviewScreen)
        await to_step(pilot, app, ExportScreen)
        # a folder that cannot be made: one line in English, no traceback
        app.screen.query_one("#out", Input).value = str(blocker / "sub")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "failed" in status_text(app, "#export-status"), 30)
        text = status_text(app, "#export-status")
        assert text.startswith("Writing failed: Cannot write") and "Traceback" not in text

        app.screen.query_one("#out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.written, 60)
        assert "assignment.csv" in str(app.screen.query_one("#written", Static).render())
        # Keep (n): nothing written, and no list of files suggesting otherwise
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert "Nothing written" in status_text(app, "#export-status")
        assert "assignment.csv" not in str(app.screen.query_one("#written", Static).render())
    # the rules file has one name in every language
    assert (out / "分班规则.toml").exists()
    assert not (out / "fenban_rules.toml").exists()


def test_sheets_text_names_combined_sheets():
    from types import SimpleNamespace

    from fenban_tui.tui.screens.import_step import sheets_text

    one = SimpleNamespace(sheet="新生名单", sheets_used=["新生名单"])
    assert sheets_text(one, "zh") == ("新生名单", 1)
    old = SimpleNamespace(sheet="Sheet1")  # a roster without sheets_used
    assert sheets_text(old, "en") == ("Sheet1", 1)
    two = SimpleNamespace(sheet="原1班+原2班", sheets_used=["原1班", "原2班"])
    assert sheets_text(two, "zh") == ("原1班、原2班", 2)
    assert sheets_text(two, "en") == ("原1班, 原2班", 2)
    many = SimpleNamespace(sheet="+".join(f"{i}班" for i in range(6)), sheets_used=[f"{i}班" for i in range(6)])
    assert sheets_text(many, "zh") == ("0班、1班、2班 …", 6)


def test_rules_for_a_new_roster_start_from_the_defaults():
    from fenban_tui.core.api import Rules
    from fenban_tui.tui.app import fresh_rules

    used = Rules(classes=6, seed="abc", label_pattern="七({n})班", balance_school=False,
                 balance_boarding=False, use_pins=False, scores=["语文"], effort=3)
    fresh = fresh_rules(used)
    assert fresh == Rules(seed="abc", label_pattern="七({n})班", effort=3)


# ---------------------------------------------------------------------- files offices send:
# several sheets, no header row, codes for gender

def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                ws.write(r, c, v)
    book.close()
    return path


def class_sheet(first: int, n: int) -> list[list[object]]:
    rows: list[list[object]] = [["学号", "姓名", "性别", "毕业学校", "语文", "数学"]]
    for i in range(n):
        rows.append([f"S{first + i:03d}", f"学生{first + i}", "男女"[i % 2], f"第{i % 3 + 1}小学",
                     60 + (i * 7) % 40, 55 + (i * 11) % 45])
    return rows


def two_sheet_book(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "两个班.xlsx", {
        "原1班": class_sheet(1, 7),
        "原2班": class_sheet(100, 5),
        "说明": [["本表由教务处整理，请勿改动表头。"]],
    })


def headerless_csv(tmp_path: Path, n: int = 9) -> Path:
    path = tmp_path / "无表头.csv"
    lines = [f"学生{i},{'BG'[i % 2]},{13 + i % 2},第{i % 2 + 1}中学,{70 + i}," for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_status(app: FenbanApp) -> str:
    return status_text(app, "#import-status")


def footer_keys(app: FenbanApp) -> dict[str, str]:
    """The keys the Footer shows now, with their descriptions."""
    return {key: b.binding.description for key, b in app.screen.active_bindings.items() if b.binding.show}


async def sheet_question(pilot, app: FenbanApp) -> None:
    """Wait for the sheet question to be shown (pushed, composed and focused)."""
    from fenban_tui.tui.screens.dialogs import SheetScreen

    await wait_until(pilot, lambda: isinstance(app.screen, SheetScreen)
                     and app.screen.query("#sheet-choices") and app.screen.focused is not None, 30)
    await pilot.pause()


async def choose_sheet(pilot, app: FenbanApp, index: int) -> None:
    """In the sheet question: move to choice ``index`` and press Enter."""
    await sheet_question(pilot, app)
    choices = app.screen.query_one("#sheet-choices", OptionList)
    for _ in range(choices.highlighted or 0):
        await pilot.press("up")
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen), 10)


async def test_several_sheets_the_wizard_asks(tmp_path):
    from fenban_tui.tui.screens.dialogs import SheetScreen

    book = two_sheet_book(tmp_path)
    app = FenbanApp(roster_path=str(book), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        # read: the same-shaped sheets are combined, and the wizard asks, "combine" first
        await sheet_question(pilot, app)
        question = app.screen
        assert "2 个工作表" in str(question.query_one("#sheet-question", Static).render())
        choices = question.query_one("#sheet-choices", OptionList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert prompts[0] == "(*) 合并全部 2 个工作表（推荐）"
        assert prompts[1:] == ["( ) 只读“原1班”（7 人）", "( ) 只读“原2班”（5 人）"]  # not 说明
        assert choices.highlighted == 0
        # the question is answered by keys, listed in its footer; ctrl+n waits for the answer
        assert footer_keys(app)["escape"] == "保持当前"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, SheetScreen)
        await choose_sheet(pilot, app, 0)
        await wait_until(pilot, lambda: app.roster is not None, 30)
        assert app.roster.n == 12 and "工作表" in app.roster.columns
        assert app.rules.sheet is None
        assert "合并了 2 个工作表" in import_status(app)
        assert "姓名=姓名" in str(app.screen.query_one("#roles", Static).render())
        assert_on_screen(app, "#path", "#import-status", "#roles", "#preview", "#problems")

        # ctrl+t asks again: one sheet is read alone
        assert footer_keys(app)["ctrl+t"] == "工作表" and footer_keys(app)["ctrl+o"] == "选项"
        await pilot.press("ctrl+t")
        before = app.roster_version
        await choose_sheet(pilot, app, 2)
        await wait_until(pilot, lambda: app.roster is not None and app.roster_version > before, 30)
        assert app.rules.sheet == "原2班"
        assert app.roster.n == 5 and "工作表" not in app.roster.columns
        assert "工作表“原2班”" in import_status(app)
        # a reload keeps the choice, and so does the next step
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.roster is not None and app.rules.sheet == "原2班", 30)
        assert app.roster.n == 5
        await to_step(pilot, app, RulesScreen)
        assert app.rules.sheet == "原2班"
        assert app.screen.query_one("#classes", Input).value == "1"

        # back: combine again
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        await pilot.press("ctrl+t")
        await choose_sheet(pilot, app, 0)
        await wait_until(pilot, lambda: app.roster is not None and app.roster.n == 12, 30)

        # a question due while F1 help is open waits until the help closes
        import_screen = app.screen
        await pilot.press("f1")
        await pilot.pause()
        import_screen._ask_sheet()
        await pilot.pause()
        assert not isinstance(app.screen, SheetScreen)
        await pilot.press("escape")
        await sheet_question(pilot, app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.roster is not None and app.roster.n == 12, 30)
        assert app.rules.sheet is None


async def test_sheets_that_differ_offer_single_sheets(tmp_path):
    other = [["姓名", "性别", "住宿"], ["甲", "男", "是"], ["乙", "女", "否"]]
    book = write_workbook(tmp_path / "不同.xlsx", {"原1班": class_sheet(1, 4), "借读": other})
    app = FenbanApp(roster_path=str(book), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sheet_question(pilot, app)
        choices = app.screen.query_one("#sheet-choices", OptionList)
        prompts = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert len(prompts) == 2 and not any("Combine" in p for p in prompts)
        assert "different columns" in str(app.screen.query_one("#sheet-question", Static).render())
        # Esc: nothing read, the message says how to choose
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen), 10)
        assert app.roster is None and "ctrl+t" in import_status(app)
        await pilot.press("ctrl+t")
        await choose_sheet(pilot, app, 1)
        await wait_until(pilot, lambda: app.roster is not None, 30)
        assert app.rules.sheet == "借读" and app.roster.n == 2


async def test_headerless_csv_mapped_by_letter(tmp_path):
    csv_path = headerless_csv(tmp_path)
    app = FenbanApp(roster_path=str(csv_path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        # first read: no header found; the hint names 表头行 and 列映射, the options open
        await wait_until(pilot, lambda: "表头行" in import_status(app), 30)
        assert "设为 0" in import_status(app) and "列映射" in import_status(app)
        assert app.roster is None
        assert screen.query_one("#opts").display
        assert screen.focused is screen.query_one("#header-row", Input)
        # the file's first rows are shown by column letter, to map them
        preview = screen.query_one("#preview", DataTable)
        assert [str(c.label) for c in preview.columns.values()][:4] == ["A", "B", "C", "D"]
        assert preview.row_count == 9
        assert_on_screen(app, "#path", "#opts", "#import-status", "#preview", "#problems")

        # 表头行 0 alone: the name column must be mapped
        await pilot.press("0", "enter")
        await wait_until(pilot, lambda: "至少指定姓名列" in import_status(app), 30)
        assert screen.focused is screen.query_one("#columns", Input)

        # 列映射 name=A, gender=B (and the office's B/G gender codes)
        screen.query_one("#genders", Input).value = "B=男，G=女"
        await pilot.press(*"name=A, gender=B", "enter")
        await wait_until(pilot, lambda: app.roster is not None, 30)
        assert app.rules.header_row == 0
        assert app.rules.columns == {"name": "A", "gender": "B"}
        assert app.rules.gender_codes == {"B": "男", "G": "女"}
        assert app.roster.n == 9 and app.roster.usable, import_status(app)
        assert app.roster.cmap.name == "列A" and app.roster.cmap.gender == "列B"
        # the roles line is drawn after the roster is set: wait for it, never race it
        await wait_until(pilot, lambda: "姓名=列A 性别=列B" in str(screen.query_one("#roles", Static).render()), 30)

        # Chinese role names work too; scores take several letters
        screen.query_one("#columns", Input).value = "姓名=A，性别=B，学校=D，成绩=E"
        screen.query_one("#columns", Input).focus()
        before = app.roster_version
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.roster is not None and app.roster_version > before, 30)
        assert app.roster.cmap.school == "列D" and app.roster.cmap.scores == ["列E"]
        await wait_until(pilot, lambda: "学校=列D" in str(screen.query_one("#roles", Static).render()), 30)

        # the options go with the rules to the next step and back
        await to_step(pilot, app, RulesScreen)
        assert app.rules.header_row == 0 and app.rules.columns["name"] == "A"
        await to_step(pilot, app, ImportScreen, "ctrl+p")
        assert app.screen.query_one("#columns", Input).value.startswith("姓名=A")

        # another file: the options go back to automatic
        other = write_roster(tmp_path / "r.csv", 20)
        await load(pilot, app, other)
        assert app.rules.header_row is None and app.rules.columns == {} and app.rules.gender_codes == {}
        assert app.screen.query_one("#header-row", Input).value == ""
        assert app.roster.n == 20 and app.roster.usable


async def test_bad_option_text_is_a_message(tmp_path):
    csv_path = headerless_csv(tmp_path)
    app = FenbanApp(roster_path=str(csv_path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: "表头行" in import_status(app), 30)
        screen.query_one("#header-row", Input).value = "0"
        cases = [
            ("#columns", "name=A, 班主任=C", "不是用途"),
            ("#columns", "name A", "写法不对"),
            ("#columns", "name=A, name=B", "写了两次"),
            ("#genders", "B=boy", "性别代码"),
            ("#header-row", "第二行", "表头行“第二行”不对"),
        ]
        for selector, text, words in cases:
            for sel, value in (("#columns", "name=A"), ("#genders", ""), ("#header-row", "0")):
                screen.query_one(sel, Input).value = value
            screen.query_one(selector, Input).value = text
            screen.query_one(selector, Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert words in import_status(app), (text, import_status(app))
            assert "error" in screen.query_one("#import-status").classes
            assert screen.focused is screen.query_one(selector, Input)
        # nothing was taken from the bad text
        assert app.rules.columns == {} and app.rules.header_row is None
        # a letter past the last column: the core's message, no crash
        screen.query_one("#header-row", Input).value = "0"
        screen.query_one("#columns", Input).value = "name=A, gender=Q"
        screen.query_one("#columns", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Q" in import_status(app) and "正在读取" not in import_status(app), 30)
        assert app.roster is None


async def test_gender_codes_the_cli_refuses_are_refused_at_entry(tmp_path, monkeypatch):
    """性别代码 男=女, F=男 or B=男 with b=女: refused as soon as Enter is pressed,
    in the CLI's words (the core's one check), the cursor in the box, the codes
    not taken and the roster read before kept (not a later, vaguer load error)."""
    app = FenbanApp(roster_path=str(headerless_csv(tmp_path)), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: "表头行" in import_status(app), 30)
        screen.query_one("#header-row", Input).value = "0"
        screen.query_one("#genders", Input).value = "B=男, G=女"
        screen.query_one("#columns", Input).value = "name=A, gender=B"
        screen.query_one("#columns", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.roster is not None and app.roster.usable, 30)
        version = app.roster_version
        cases = [
            ("男=女", "性别代码 男=女 不予接受：“男”本来就表示男，不能当作女（名单若确实这样写，请先在表格中改正）"),
            ("B=男，F=男", "性别代码 F=男 不予接受：“F”本来就表示女，不能当作男（名单若确实这样写，请先在表格中改正）"),
            ("B=男 b=女", "性别代码给“b”指定了两次，意思相反（B=男 和 b=女）"),
        ]
        for text, message in cases:
            box = screen.query_one("#genders", Input)
            box.value = text
            box.focus()
            await pilot.press("enter")
            await pilot.pause()
            assert import_status(app) == message
            assert "error" in screen.query_one("#import-status").classes
            assert screen.focused is box
            assert app.rules.gender_codes == {"B": "男", "G": "女"}
            assert app.roster is not None and app.roster_version == version
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "en"))  # a new operator: no saved session to resume
    app = FenbanApp(roster_path=str(headerless_csv(tmp_path)), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: "Header row" in import_status(app), 30)
        screen.query_one("#header-row", Input).value = "0"
        screen.query_one("#columns", Input).value = "name=A, gender=B"
        screen.query_one("#genders", Input).value = "f=M"
        screen.query_one("#genders", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert import_status(app) == ("gender code f=M refused: \u201cf\u201d already means female, so it cannot "
                                      "stand for male (if the roster really writes it so, correct the roster first)")
        assert app.rules.gender_codes == {} and app.roster is None


async def test_options_key_and_english(tmp_path):
    app = FenbanApp(roster_path=str(headerless_csv(tmp_path)), lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: "Header row" in import_status(app), 30)
        assert "Set Header row to 0" in import_status(app)
        # ctrl+o hides and shows the options; focus goes back to the path
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not screen.query_one("#opts").display
        assert screen.focused is screen.query_one("#path", Input)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert screen.query_one("#opts").display
        assert screen.focused is screen.query_one("#header-row", Input)
        await pilot.press("0", "tab", *"name=A, gender=B, scores=E", "enter")
        await wait_until(pilot, lambda: app.roster is not None, 30)
        # gender codes B/G are not known: the problem list says so, and the roles line is English
        assert "Recognised: name=列A gender=列B scores=列E" in str(screen.query_one("#roles", Static).render())
        assert not app.roster.usable
        assert "Unknown gender codes (G/B)" in import_status(app) or "Unknown gender codes (B/G)" in import_status(app)
        assert "no header row" in import_status(app)
        await pilot.press("tab", *"B=M, G=F", "enter")
        await wait_until(pilot, lambda: app.roster is not None and app.roster.usable, 30)
        # the keys are in the footer and in F1 help; a one-sheet file has no sheet key
        assert footer_keys(app)["ctrl+o"] == "Options" and "ctrl+t" not in footer_keys(app)
        await pilot.press("f1")
        await pilot.pause()
        help_text = str(app.screen.query_one("#help-text", Static).render())
        assert "ctrl+o" in help_text and "ctrl+t" in help_text
        await pilot.press("escape")


def test_option_parsing():
    import pytest

    from fenban_tui.tui.importopts import (OptionError, format_columns, parse_columns, parse_gender_codes,
                                           parse_header_row)

    assert parse_columns("name=A, gender=B, scores=E,F") == {"name": "A", "gender": "B", "scores": ["E", "F"]}
    assert parse_columns("姓名＝A，性别=B 成绩=语文,数学") == {"name": "A", "gender": "B", "scores": ["语文", "数学"]}
    assert parse_columns("name=Student Name; 毕业学校=4") == {"name": "Student Name", "school": "4"}
    assert parse_columns("") == {}
    cols = {"name": "A", "scores": ["E", "F"]}
    assert parse_columns(format_columns(cols)) == cols
    for bad in ("A", "班主任=C", "name=", "name=A, 姓名=B"):
        with pytest.raises(OptionError):
            parse_columns(bad)
    assert parse_gender_codes("B=男, G=女") == {"B": "男", "G": "女"}
    assert parse_gender_codes("1=m 2=f") == {"1": "M", "2": "F"}
    with pytest.raises(OptionError):
        parse_gender_codes("B=boy")
    assert parse_header_row("") is None and parse_header_row("０") == 0 and parse_header_row(" 3 ") == 3
    with pytest.raises(OptionError):
        parse_header_row("-1")


async def test_public_draw_teachers_and_usb_export(tmp_path, monkeypatch):
    """Issue 6 as an operator meets it: the roster's SHA-256 above the seed, a
    USB drive offered, head teachers drawn, the files read back and verifiable."""
    import hashlib
    import subprocess

    from fenban_tui.core.manifest import verify_export
    from fenban_tui.core.usb import Drive
    from fenban_tui.tui.screens import export_step
    from textual.widgets import TextArea

    roster = write_roster(tmp_path / "名单.csv", 120)
    stick = tmp_path / "media" / "KINGSTON"
    stick.mkdir(parents=True)
    monkeypatch.setattr(export_step, "removable_drives",
                        lambda: [Drive(stick, "KINGSTON", 16 * 10**9, 15 * 10**9, "vfat")])
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        digest = hashlib.sha256(roster.read_bytes()).hexdigest()
        shown = status_text(app, "#roster-hash").replace(" ", "").replace("\n", "")
        assert shown == digest
        assert app.screen.query_one("#roster-hash").region.y < app.screen.query_one("#seed").region.y
        assert_on_screen(app, "#roster-hash", "#seed")
        app.screen.query_one("#classes", Input).value = "3"
        app.screen.query_one("#seed", Input).value = "2026 抽签 58"
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        await to_step(pilot, app, ReviewScreen)
        await to_step(pilot, app, ExportScreen)
        # the stick is offered; Enter on it fills the folder
        app.screen.query_one("#drives", OptionList).focus()
        await pilot.press("enter")
        await pilot.pause()
        out = stick / "分班结果"
        assert app.screen.query_one("#out", Input).value == str(out)
        assert_on_screen(app, "#out", "#drives", "#teachers", "#export-status")
        # too few teachers: said before anything is written
        area = app.screen.query_one("#teachers", TextArea)
        area.text = "张老师\n李老师"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "班主任只有 2 位" in status_text(app, "#export-status") and not out.exists()
        area.text = "张老师\n李老师\n王老师\n赵老师"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.written, 60)
        written = str(app.screen.query_one("#written", Static).render())
        assert "SHA-256：全部一致" in written and "班主任：" in written and "分班记录.html" in written
        assert_on_screen(app, "#written")
        # writing again asks first
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmScreen"
        await pilot.press("n")
        await pilot.pause()
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out).returncode == 0
    report = verify_export(out, roster)
    assert report.ok, report.verdict()
    assert any(f.key == "verify_teachers_same" for f in report.findings)


async def test_browse_for_the_roster_and_jump_to_a_problem_row(tmp_path):
    """ctrl+b: a folder tree (roster files only) picks the file and reads it;
    Enter on a problem shows that row in the preview with the cursor on it."""
    from textual.widgets import DirectoryTree

    from fenban_tui.tui.screens.dialogs import FileBrowser

    folder = tmp_path / "U盘"
    folder.mkdir()
    path = write_roster(folder / "名单.csv", 60)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    cells = text[45].split(",")
    col = text[0].split(",").index("语文")
    cells[col] = "abc"  # row 46 of the file: a bad score
    path.write_text("\n".join(text[:45] + [",".join(cells)] + text[46:]) + "\n", encoding="utf-8-sig")
    (folder / "说明.docx").write_bytes(b"not a roster")
    app = FenbanApp()
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#path", Input).value = str(folder)
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: isinstance(app.screen, FileBrowser), 10)
        tree = app.screen.query_one(DirectoryTree)
        await wait_until(pilot, lambda: tree.root.children, 10)
        names = [str(node.label) for node in tree.root.children]
        assert any("名单.csv" in n for n in names) and not any("docx" in n for n in names)
        node = next(n for n in tree.root.children if "名单.csv" in str(n.label))
        tree.move_cursor(node)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.roster is not None, 30)
        assert app.screen.query_one("#path", Input).value == str(path)
        problems = app.screen.query_one("#problems", OptionList)
        index = next(i for i, p in enumerate(app.screen._shown_problems) if p.row == 46)
        problems.focus()
        problems.highlighted = index
        await pilot.press("enter")
        await pilot.pause()
        preview = app.screen.query_one("#preview", DataTable)
        assert app.screen.focused is preview
        assert preview.get_row_at(preview.cursor_row)[0] == "46"


async def test_balance_priority_keys(tmp_path):
    """Rules step: + on a score raises its priority (shown ·高), - lowers it."""
    from fenban_tui.tui.widgets import CheckList

    app = FenbanApp(roster_path=str(write_roster(tmp_path / "r.csv", 60)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        balance = app.screen.query_one("#balance", CheckList)
        balance.focus()
        balance.highlighted = balance.values.index("score:语文")
        await pilot.press("plus")
        balance.highlighted = balance.values.index("score:英语")
        await pilot.press("minus")
        await pilot.pause()
        prompt = str(balance.get_option_at_index(balance.values.index("score:语文")).prompt)
        assert prompt.endswith("·高")
        balance.highlighted = balance.values.index("gender")
        await pilot.press("plus")  # a count has no priority: nothing happens
        app.screen.query_one("#seed", Input).value = "x"
        rules = app.screen.read_rules()
        assert rules.priority == {"语文": 3, "英语": 1}
