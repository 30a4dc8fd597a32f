"""Chinese lines in the wizard's problem list wrap at any character, not only at spaces."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from fenban_tui.tui.widgets.wrapped import wrap_offsets, wrap_text


def test_a_chinese_line_fills_each_row_and_continues_under_the_text():
    line = "[错误] 第 3 行，列 性别(B)：性别“X”无法识别（可用：男/女、M/F、1/2）；若是别的代码"
    out = wrap_text(Text(line), 40, indent=7).plain.split("\n")
    # Rich would break after 列 (the rest has no space); here the first row is full
    assert out[0] == "[错误] 第 3 行，列 性别(B)：性别“X”无法"
    assert cell_len(out[0]) == 39  # the next character, 识, is two cells wide
    assert out[1].startswith(" " * 7 + "识别") and all(cell_len(r) <= 40 for r in out)
    # nothing lost or added but the breaks and the indent
    assert "".join(out).replace(" ", "") == line.replace(" ", "")


def test_no_break_before_closing_or_after_opening_punctuation_nor_inside_an_ascii_word():
    # a row of 10 cells: "甲乙丙丁戊" fills it; the next char is "，" which may not start a row
    assert wrap_offsets("甲乙丙丁戊，己", 10) == [4]
    # "（" may not end a row
    assert wrap_offsets("甲乙丙丁（戊己", 10) == [4]
    # an ASCII word moves whole to the next row
    assert wrap_offsets("甲乙丙 abcdefg", 10) == [4]
    # a word longer than a row is cut where the row ends
    assert wrap_offsets("abcdefghijklmn", 10) == [10]


def test_styles_are_kept_and_newlines_respected():
    text = Text()
    text.append("[提示] ", style="bold")
    text.append("甲乙丙丁戊己庚辛\n壬癸")
    out = wrap_text(text, 12, indent=7)
    assert out.plain == "[提示] 甲乙\n       丙丁\n       戊己\n       庚辛\n壬癸"
    assert out.spans[0].style == "bold" and out.plain[out.spans[0].start:out.spans[0].end] == "[提示] "


async def test_the_problem_list_wraps_chinese_at_80_columns(tmp_path):
    from fenban_tui.tui.app import FenbanApp

    from .test_tui import SIZE, wait_until

    roster = tmp_path / "bad.csv"
    roster.write_text("姓名,性别,毕业学校,语文,总分\n张三,男,一小,90,90\n李四,X,二小,80,80\n",
                      encoding="utf-8")
    app = FenbanApp(roster_path=str(roster), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await pilot.pause()
        problems = app.screen.query_one("#problems")
        prompt = problems.get_option_at_index(0).prompt.plain
        rows = prompt.split("\n")
        width = problems.scrollable_content_region.width - 2
        assert rows[0].startswith("[错误] 第 3 行，列 性别(B)：性别“X”无法识别")
        assert len(rows) >= 2 and all(r.startswith(" " * 7) for r in rows[1:])
        assert all(cell_len(r) <= width for r in rows) and cell_len(rows[0]) >= width - 1
        # a narrower terminal wraps it again
        await pilot.resize_terminal(60, 24)
        await pilot.pause()
        narrow = problems.get_option_at_index(0).prompt.plain.split("\n")
        assert len(narrow) > len(rows) and all(cell_len(r) <= 60 - 6 for r in narrow)


async def test_a_dialog_question_wraps_chinese_at_its_width():
    """The rules / read-another-file questions broke at a space (复核中的 3 / 处调整…)."""
    from textual.app import App

    from fenban_tui.tui.screens.dialogs import ReadOtherScreen

    question = "改读“grade1_sample.csv”：当前“junior_sample.xlsx”的分班结果和复核中的 3 处调整、锁定都会被放弃。要改读吗？"

    class Host(App):
        CSS_PATH = "../fenban_tui/tui/fenban.tcss"

        def on_mount(self) -> None:
            self.push_screen(ReadOtherScreen(question, "zh"))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#confirm-text")
        rows = str(box.render()).split("\n")
        width = box.content_region.width
        assert "".join(rows) == question  # only breaks added
        assert len(rows) >= 2 and all(cell_len(r) <= width for r in rows)
        assert cell_len(rows[0]) >= width - 2  # the row is filled, not cut at a space
        assert any("复核中的 3 处调整" in r for r in rows)
        assert app.screen.question == question
        assert [str(b.label) for b in app.screen.query("Button")] == ["改读 (y)", "保留当前分班 (n)"]
