"""What a new user was not told: the roster's warnings at solve time, gender
codes read as 男/女, a --group-by column the roster lacks, label placeholders,
messages said twice, a note line called a blank row, the file a missing
column was looked for in, English plurals, internal rule labels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fenban_tui.cli import main
from fenban_tui.core.api import check_roster, gap_lines, placement_of, solve_roster
from fenban_tui.core.roster import load_roster
from fenban_tui.core.rules import Rules
from fenban_tui.i18n import FenbanError


def _gbk(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gb18030"))
    return path


# IDs as Excel writes them back (the shape of cases/04): scientific notation, 000 endings
MANGLED = ("学号,姓名,性别,身份证号\n"
           "2531020130101,林小禾,男,9.90101E+17\n"
           "2.53102E+12,周一帆,女,9.90101E+17\n"
           "2531020130103,欧阳晓,男,990101201004180000\n"
           "2531020130104,陈思远,女,990101201001020000\n")


@pytest.fixture()
def mangled(tmp_path) -> Path:
    return _gbk(tmp_path / "ids.csv", MANGLED)


def _mangled_lines(path: Path, lang: str) -> list[str]:
    if lang == "en":
        sci = ("ID \u201c{v}\u201d was turned into scientific notation by Excel and its digits are lost; "
               "re-export it from the source system (not repaired)")
        zeros = ("ID \u201c{v}\u201d ends in 000: Excel keeps only 15 digits; re-export it from the source system "
                 "(not repaired)")
        where = "  ! row {r}, column {c}: "
    else:
        sci = "编号“{v}”被 Excel 改成了科学计数法，原来的数字已丢失；请从原始系统重新导出（不会自动修复）"
        zeros = "编号“{v}”末尾变成了 000（Excel 只保留 15 位数字），请从原始系统重新导出（不会自动修复）"
        where = "  ! 第 {r} 行，列 {c}："
    return [
        where.format(r=3, c="学号(A)") + sci.format(v="2.53102E+12"),
        where.format(r=2, c="身份证号(D)") + sci.format(v="9.90101E+17"),
        where.format(r=3, c="身份证号(D)") + sci.format(v="9.90101E+17"),
        where.format(r=4, c="身份证号(D)") + zeros.format(v="990101201004180000"),
        where.format(r=5, c="身份证号(D)") + zeros.format(v="990101201001020000"),
    ]


# --------------------------------------------------------------------------- 1. solve says what check says


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_solve_says_the_damaged_ids_before_solving_even_when_quiet(mangled, tmp_path, capsys, lang):
    out = tmp_path / "out"
    assert main(["solve", str(mangled), "--classes", "2", "--seed", "1", "--out", str(out), "-q",
                 "--lang", lang]) == 0
    assert capsys.readouterr().err.splitlines() == _mangled_lines(mangled, lang)
    assert (out / "assignment.csv").exists()
    # check lists the same lines
    assert main(["check", str(mangled), "--lang", lang]) == 0
    assert capsys.readouterr().out.splitlines()[1:6] == _mangled_lines(mangled, lang)


def test_solve_says_an_exact_duplicate_row_and_the_note_line(tmp_path, capsys):
    """cases/06: no header, the same child on two rows, a junk last line."""
    path = tmp_path / "nohead.csv"
    path.write_text("林小禾,男  ,16,初中A,特长生,158,\n林小禾,男,16,初中A,特长生,158,\n周一帆,女,15,初中B,,149,\n"
                    "0 1 2 3 4 5 6 7 8 9", encoding="utf-8")
    # the same child twice would be placed in two classes: refused, naming the row
    assert main(["solve", str(path), "--no-header", "--column", "name=A", "--column", "gender=B", "--classes", "2",
                 "--seed", "1", "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "第 2 行：与第 1 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）",
        "名单有错误，不能分班。请修改后重试。",
    ]
    assert not (tmp_path / "out" / "assignment.csv").exists()
    # check lists the note line too
    assert main(["check", str(path), "--no-header", "--column", "name=A", "--column", "gender=B"]) == 1
    assert capsys.readouterr().out.splitlines()[1:4] == [
        "  · 第 4 行：表格下方的说明行，已跳过：0 1 2 3 4 5 6 7 8 9",
        "  ✗ 第 2 行：与第 1 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）",
        "  · 第 1 行：姓名“林小禾”出现 2 次（第 1、2 行），按规则将分在不同班",
    ]


def test_solve_lists_thirty_warnings_and_counts_the_rest(tmp_path, capsys):
    rows = [f"{i:02d}{'0' * 16},学生{i:02d},{'男女'[i % 2]}" for i in range(35)]  # 18 digits ending 000
    path = tmp_path / "many.csv"
    path.write_text("学号,姓名,性别\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "o"), "-q"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 31
    assert err[29].startswith("  ! 第 31 行，列 学号(A)：编号“29")
    assert err[30] == "  … 另有 5 条"
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "o"), "-q",
                 "--force", "--lang", "en"]) == 0
    assert capsys.readouterr().err.splitlines()[30] == "  … 5 more"


def test_solve_of_a_clean_roster_says_nothing_on_stderr(tmp_path, capsys):
    path = tmp_path / "clean.csv"
    path.write_text("姓名,性别\n甲,男\n乙,女\n丙,男\n丁,女\n", encoding="utf-8")
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "o"), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_a_class_without_any_birth_date_has_no_birth_gap_of_zero(mangled):
    """Two classes, one whose 出生日期 (from damaged IDs) are all unusable: the
    gap cannot be computed; it is not a perfect 0.0."""
    roster = check_roster(mangled)
    # rows 2, 3 (sci IDs: no birth date) in the second class, rows 4, 5 in the first
    p = placement_of(roster, Rules(classes=2, seed="1"), np.array([1, 1, 0, 0]))
    assert p.stats()[1].means["出生日期"] is None
    assert [g for g in gap_lines(p, "zh") if "出生日期" in g] == ["平均出生日期相差：无法计算（2班 没有可用的出生日期）"]
    assert [g for g in gap_lines(p, "en") if "birth" in g] == [
        "birth date range: cannot be computed (no usable birth date in 2班)"]
    # both classes with birth dates: the gap in days, as before
    both = placement_of(roster, Rules(classes=2, seed="1"), np.array([0, 1, 0, 1]))
    assert [g for g in gap_lines(both, "zh") if "出生日期" in g] == ["平均出生日期相差（天） 106.0"]


def test_a_class_where_everyone_missed_a_subject_has_no_range_for_it(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("姓名,性别,语文,数学\n甲,男,90,缺考\n乙,女,80,缺考\n丙,男,70,60\n丁,女,60,50\n", encoding="utf-8")
    p = placement_of(check_roster(path), Rules(classes=2, seed="1"), np.array([0, 0, 1, 1]))
    lines = gap_lines(p, "zh")
    assert "数学 平均分极差：无法计算（1班 没有数学分数）" in lines
    assert not any(line.startswith("数学 标准差极差") or line.startswith("数学 平均分极差 ") for line in lines)
    assert "math mean range" not in " ".join(gap_lines(p, "en"))
    assert "数学 mean range: cannot be computed (no 数学 score in 1班)" in gap_lines(p, "en")


# --------------------------------------------------------------------------- 2. gender codes said


def test_gender_codes_read_as_male_and_female_are_said(tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_text("姓名,性别\n甲,男\n乙,M\n丙,1\n丁,2\n戊,女\n己,m\n", encoding="utf-8")
    roster = load_roster(path)
    notes = [p for p in roster.problems if p.key == "gender_codes_read"]
    assert [(p.level, p.text("zh")) for p in notes] == [
        ("info", "性别列“性别(B)”中 M、1、m 按男，2 按女计（若不对，请指定性别代码：命令行用 --gender-code，向导在 ctrl+o 选项中）")]
    assert notes[0].text("en") == ("gender column \u201c性别(B)\u201d: read M, 1, m as male and 2 as female (if that "
                                   "is wrong, give the gender codes: --gender-code on the command line, ctrl+o options in the wizard)")
    assert main(["check", str(path)]) == 0
    assert "  · 性别列“性别(B)”中 M、1、m 按男，2 按女计（若不对，请指定性别代码：命令行用 --gender-code，向导在 ctrl+o 选项中）" in capsys.readouterr().out
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "o"), "-q"]) == 0
    assert "  · 性别列“性别(B)”中 M、1、m 按男，2 按女计（若不对，请指定性别代码：命令行用 --gender-code，向导在 ctrl+o 选项中）" in capsys.readouterr().err
    # codes the operator gave are theirs: not said again
    said = load_roster(path, gender_codes={"1": "女", "2": "男"})
    assert [p.text("zh") for p in said.problems if p.key == "gender_codes_read"] == [
        "性别列“性别(B)”中 M、m 按男计（若不对，请指定性别代码：命令行用 --gender-code，向导在 ctrl+o 选项中）"]
    assert said.values["_gender"].to_list() == ["M", "M", "F", "M", "F", "M"]


def test_gender_in_words_needs_no_note(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("姓名,性别\n甲,男\n乙,女生\n丙,男 \n", encoding="utf-8")
    assert [p.key for p in load_roster(path).problems] == []


# --------------------------------------------------------------------------- 3. --group-by


def test_group_by_a_missing_column_names_the_option_the_file_and_its_columns(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别,语文\n甲,男,90\n乙,女,80\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", str(path), "--classes", "2", "--group-by", "不存在列", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (f"--group-by 给的列“不存在列”不在名单 {path} 中，无法按它分组"
                                       "（名单的列有：姓名、性别、语文）\n")
    assert main(["solve", str(path), "--classes", "2", "--group-by", "不存在列", "--out", str(out),
                 "--lang", "en"]) == 1
    assert capsys.readouterr().err == (f"--group-by names a column \u201c不存在列\u201d that the roster {path} does "
                                       "not have, so it cannot be grouped by it (its columns: 姓名, 性别, 语文)\n")
    assert not out.exists()
    # from a rules file: the file is named, not an option that was not given
    rules = tmp_path / "r.toml"
    rules.write_text('classes = 2\ngroup_by = "学校"\n', encoding="utf-8")
    assert main(["solve", str(path), "--rules", str(rules), "--out", str(out)]) == 1
    assert capsys.readouterr().err.startswith(f"规则文件 {rules} 中的 group_by 给的列“学校”不在名单 {path} 中")
    # check with the same rules file says so too (it said nothing before)
    assert main(["check", str(path), "--rules", str(rules)]) == 1
    assert capsys.readouterr().err.startswith(f"规则文件 {rules} 中的 group_by 给的列“学校”不在名单 {path} 中")
    assert main(["check", str(path), "--rules", str(rules), "--json"]) == 1
    assert "group_by" in capsys.readouterr().out
    # the core's own refusal is about grouping, not balancing
    with pytest.raises(FenbanError) as exc:
        solve_roster(check_roster(path), Rules(classes=1, group_by="学校"))
    assert exc.value.text() == f"分组的列“学校”不在名单 {path} 中（名单的列有：姓名、性别、语文）"


# --------------------------------------------------------------------------- 4. small messages


def _plain(tmp_path: Path) -> Path:
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别\n甲,男\n乙,女\n丙,男\n丁,女\n", encoding="utf-8")
    return path


def test_a_label_pattern_with_an_unknown_placeholder_is_refused(tmp_path, capsys):
    path = _plain(tmp_path)
    out = tmp_path / "out"
    assert main(["solve", str(path), "--classes", "2", "--labels", "{x}班", "--out", str(out)]) == 1
    assert capsys.readouterr().err == ("班名格式“{x}班”中的 {x} 无法识别：只能用 {n}（班号 1、2…）或 {cn}（中文班号 一、二…），"
                                       "如 七({n})班\n")
    assert not out.exists()
    assert main(["solve", str(path), "--classes", "2", "--labels", "{}班", "--out", str(out), "--lang", "en"]) == 1
    assert capsys.readouterr().err == (
        "The class label pattern \u201c{}班\u201d holds {}, which is not known: use {n} (the class number, 1, 2 …) "
        "or {cn} (in Chinese numerals, 一, 二 …), e.g. 七({n})班\n")
    # the two placeholders there are still work, a format spec too
    assert Rules(label_pattern="七({cn})班").labels(2) == ["七(一)班", "七(二)班"]
    assert Rules(label_pattern="{n:02d}班").labels(2) == ["01班", "02班"]


def test_a_column_to_balance_the_roster_lacks_is_said_once(tmp_path, capsys):
    path = _plain(tmp_path)
    assert main(["solve", str(path), "--classes", "2", "--balance", "不存在", "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == ("要均衡的列“不存在”不在名单中，不能分班：请改正规则（--balance 或规则文件）后重试"
                                       "（名单本身没有错误）。\n")


def test_solve_without_a_class_count_names_the_options(tmp_path, capsys):
    path = _plain(tmp_path)
    assert main(["solve", str(path), "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == ("请用 --classes 指定班级数，或用 --class-size 指定每班人数上限"
                                       "（也可写在 --rules 规则文件中）\n")
    assert main(["solve", str(path), "--out", str(tmp_path / "o"), "--lang", "en"]) == 1
    assert capsys.readouterr().err == ("Give the number of classes with --classes, or a class size cap with "
                                       "--class-size (or in the --rules file)\n")


def test_verify_names_a_missing_file_once(tmp_path, capsys):
    path = _plain(tmp_path)
    out = tmp_path / "out"
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(out), "-q"]) == 0
    (out / "公示名单.html").unlink()
    capsys.readouterr()
    assert main(["verify", str(out), "--roster", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if "少了" in line] == ["  ✗ 结果文件夹里少了这些文件：公示名单.html",
                                                          "核验未通过：结果文件夹里少了这些文件：公示名单.html"]
    assert main(["verify", str(out), "--roster", str(path), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [f["key"] for f in findings].count("verify_files_missing") == 1


def test_a_note_line_is_called_a_note_and_blank_rows_are_counted_with_their_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别,语文\n甲,男,90\n,,\n乙,女,80\n合计,,170\n,,\n注：以上为全部新生\n", encoding="utf-8")
    r = load_roster(path)
    assert [(p.key, p.row, p.text("zh")) for p in r.problems] == [
        ("row_total", 5, "第 5 行：合计/平均行，已跳过：合计 170"),
        ("row_note", 7, "第 7 行：表格下方的说明行，已跳过：注：以上为全部新生"),
        ("dropped_summary", None, "跳过了 2 个空行（第 3、6 行）"),
    ]
    assert r.problems[2].text("en") == "skipped 2 blank rows (rows 3, 6)"  # a CSV has no sheets to name
    # no blank row at all: no "blank or totals" line for a note line
    nohead = tmp_path / "n.csv"
    nohead.write_text("林小禾,男,16\n周一帆,女,15\n0 1 2 3 4 5 6 7 8 9", encoding="utf-8")
    r = load_roster(nohead, header_row=0, columns={"name": "A", "gender": "B"})
    assert [(p.key, p.row) for p in r.problems] == [("row_note", 3)]


def test_a_missing_column_names_the_file_and_the_sheet(tmp_path, capsys):
    import openpyxl

    path = _plain(tmp_path)
    assert main(["check", str(path), "--column", "gender=Z"]) == 1
    assert capsys.readouterr().err == f"{path}：表头中没有列“Z”（有：姓名、性别）\n"
    assert main(["check", str(path), "--column", "gender=Z", "--lang", "en"]) == 1
    assert capsys.readouterr().err == f"{path}: the header has no column \u201cZ\u201d (it has: 姓名, 性别)\n"
    book = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "新生"
    for row in (["姓名", "性别"], ["甲", "男"], ["乙", "女"]):
        ws.append(row)
    wb.save(book)
    assert main(["check", str(book), "--column", "gender=性别2"]) == 1
    assert capsys.readouterr().err == f"{book} 工作表“新生”：表头中没有列“性别2”（有：姓名、性别）\n"


def test_english_counts_of_one_are_singular(tmp_path, capsys):
    from fenban_tui.i18n import tr

    assert tr("inf_apart_too_many", "en", code="B", group="apart-group \u201cB\u201d", size=2, k=1,
              rows="rows 2, 3") == (
        "apart-group \u201cB\u201d has 2 students but there is only 1 class (rows 2, 3)")
    assert tr("teachers_too_few", "en", n=1, k=2) == "Only 1 teacher for 2 classes"
    assert tr("cli_problems", "en", errors=1, warnings=0) == "1 error, 0 warnings"
    assert tr("verify_adjusted", "en", n=1, hand=1, solver=0).startswith("1 student is in another class")
    assert tr("cli_seed", "en", n=4, k=2, seed="1") == "4 students into 2 classes, seed: 1"
    path = _plain(tmp_path)
    assert main(["check", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-2] == "0 errors, 0 warnings"


# --------------------------------------------------------------------------- internal rule labels


def test_same_names_and_added_rules_are_worded_not_shown_as_labels(tmp_path):
    from fenban_tui.core.model import build_model
    from fenban_tui.core.solver import quick_checks
    from fenban_tui.core.stats import hard_rule_violations
    from fenban_tui.i18n import tr

    path = tmp_path / "r.csv"
    path.write_text("学号,姓名,性别\nS1,陈思远,男\nS2,陈思远,男\nS3,陈思远,女\nS4,李明,女\n", encoding="utf-8")
    roster = check_roster(path)
    model = build_model(roster, Rules(classes=2, seed="1", together_extra=[["S1", "S4"]], apart_extra=[["S2", "S4"]]))
    reasons = [tr(key, "zh", **params) for key, params in quick_checks(model)]
    assert reasons == ["同名组“陈思远”有 3 人，但只有 2 个班（第 2、3、4 行）"]
    assert [tr(key, "en", **params) for key, params in quick_checks(model)] == [
        "same-name group \u201c陈思远\u201d has 3 students but there are only 2 classes (rows 2, 3, 4)"]
    broken = hard_rule_violations(model, np.array([0, 1, 1, 1]))
    assert [b.render("zh") for b in broken] == ["第 1 条加的同班规则", "同名 陈思远", "第 1 条加的分开规则", "人数"]
    assert [b.render("en") for b in broken] == ["the 1st added together-rule", "same name 陈思远",
                                                "the 1st added apart-rule", "class sizes"]
    # a roster's own codes read as they always did
    from fenban_tui.core.model import rule_group

    assert rule_group("A1", "together", "plain") == "绑定 A1"
    assert rule_group("B1", "apart").render("en") == "apart-group \u201cB1\u201d"
    assert rule_group("加规则·分开12", "apart").render("en") == "the 12th added apart-rule"
    assert rule_group("加规则·同班22", "together").render("en") == "the 22nd added together-rule"


def test_twins_bound_but_sharing_a_name_are_worded(tmp_path, capsys):
    path = tmp_path / "tw.csv"
    path.write_text("姓名,性别,绑定\n陈思远,男,T1\n陈思远,男,T1\n李明,女,\n王五,女,\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "  ✗ 第 2 行：第 2、3 行的学生既要同班（绑定“T1”）又要分开（同名“陈思远”）" in (
        capsys.readouterr().out.splitlines())
    assert main(["check", str(path), "--lang", "en"]) == 1
    assert ("  ✗ row 2: students in rows 2, 3 must be in one class (together \u201cT1\u201d) and in "
            "different classes (same name \u201c陈思远\u201d)") in capsys.readouterr().out.splitlines()
