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
    """On the import step: type ``path``, press Enter, wait for the roster."""
    before = app.roster_version
    app.screen.query_one("#path", Input).value = str(path)
    app.screen.query_one("#path", Input).focus()
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.roster is not None and app.roster_version > before, 30)


async def to_step(pilot, app: FenbanApp, screen_type, key: str = "ctrl+n") -> None:
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
    from fenban_tui.core.api import Rules

    plain = write_roster(tmp_path / "plain.csv", 40, drop=("毕业学校", "住宿"))
    full = write_roster(tmp_path / "full.csv", 60, seed=6)
    out = tmp_path / "out"
    app = FenbanApp(roster_path=str(plain), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        balance = app.screen.query_one("#balance", CheckList)
        hard = app.screen.query_one("#hard", CheckList)
        assert "school" not in balance.values and "boarding" not in balance.values
        # the wizard starts from the CLI's default seed
        assert app.screen.query_one("#seed", Input).value == Rules().seed
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
        assert set(balance.selected) == set(balance.values) - {"birth"}
        assert set(hard.selected) == set(hard.values) >= {"same_name", "together", "apart"}
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
        await to_step(pilot, app, ExportScreen)
        app.screen.query_one("#out", Input).value = str(out)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.written, 60)
    rules = read_toml(out / "分班规则.toml")
    assert rules["balance_school"] is True and rules["balance_boarding"] is True
    assert rules["balance_total"] is True and rules["use_together"] is True
    assert rules["seed"] == Rules().seed


async def test_stale_class_count_error_goes_when_fixed(tmp_path):
    roster = write_roster(tmp_path / "r.csv", 40)
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
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
