"""Rosters that read without complaint but are wrong: the same student twice, a
column whose header was cleared, ragged or cut-off text files, scores and 总分
that cannot be right, students without their ID or any score.  Each is said
with its row (as the spreadsheet numbers it), its column and what to do."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from fenban_tui.cli import main
from fenban_tui.core.roster import load_roster


def _csv(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[object]], name: str = "r.xlsx") -> Path:
    path = tmp_path / name
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _found(roster, *keys: str) -> list[tuple]:
    """(key, level, row, column, Chinese text) of the problems with these keys."""
    return [(p.key, p.level, p.row, p.column, p.message("zh")) for p in roster.problems if p.key in keys]


def _students(n: int, start: int = 0) -> str:
    """n distinct students: 学号,姓名,性别,语文,数学,总分 (总分 the sum)."""
    out = []
    for i in range(start, start + n):
        a, b = 80 + i % 30, 70 + (i * 7) % 40
        out.append(f"2026{i:03d},学生{i},{'男女'[i % 2]},{a},{b},{a + b}\n")
    return "".join(out)


# --------------------------------------------------------------------------- 1. the same student twice


def test_an_exact_duplicate_row_is_an_error_saying_what_to_do(tmp_path):
    path = _csv(tmp_path, "姓名,性别,语文\n林小禾,男,90\n周一帆,女,88\n林小禾,男,90\n")
    roster = load_roster(path)
    assert _found(roster, "duplicate_row") == [
        ("duplicate_row", "error", 4, None,
         "与第 2 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）"),
    ]
    assert not roster.usable
    assert roster.errors[0].message("en") == ("identical to row 2: one student entered twice? Delete one row; if "
                                              "they are two students, tell them apart (e.g. a student ID)")


def test_solve_refuses_an_exact_duplicate_row_naming_it(tmp_path, capsys):
    path = _csv(tmp_path, "姓名,性别\n林小禾,男\n周一帆,女\n林小禾,男\n")
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "第 4 行：与第 2 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）"
    assert not (tmp_path / "out" / "assignment.csv").exists()


def test_rows_differing_only_in_the_seq_number_are_the_same_student(tmp_path):
    path = _csv(tmp_path, "序号,姓名,性别\n1,林小禾,男\n2,周一帆,女\n3,林小禾,男\n")
    assert [(p.key, p.row) for p in load_roster(path).errors] == [("duplicate_row", 4)]


def test_same_id_and_same_name_is_an_error_same_id_other_name_a_warning(tmp_path):
    path = _csv(tmp_path, "学号,姓名,性别,语文\n"
                          "2026001,林小禾,男,90\n"
                          "2026002,周一帆,女,88\n"
                          "2026001,林 小禾,男,91\n"  # row 4: the same student again (a score retyped)
                          "2026002,赵六,女,70\n")  # row 5: another child with 周一帆's number: a typo
    roster = load_roster(path)
    assert _found(roster, "id_duplicate", "id_duplicate_same") == [
        ("id_duplicate_same", "error", 4, "学号(A)",
         "编号 2026001 和姓名都与第 2 行相同：同一学生录了两次？请删去一行（若是两人，请改正编号）"),
        ("id_duplicate", "warning", 5, "学号(A)", "编号 2026002 与第 3 行重复"),
    ]
    assert [p.key for p in roster.errors] == ["id_duplicate_same"]


def test_an_exact_duplicate_is_not_also_said_as_a_duplicate_id(tmp_path):
    path = _csv(tmp_path, "学号,姓名,性别\n2026001,林小禾,男\n2026002,周一帆,女\n2026001,林小禾,男\n")
    roster = load_roster(path)
    assert [(p.key, p.row) for p in roster.errors] == [("duplicate_row", 4)]
    assert not _found(roster, "id_duplicate", "id_duplicate_same")


def test_duplicates_across_combined_sheets_name_the_sheet(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "原1班"
    b = wb.create_sheet("原2班")
    for ws in (a, b):
        ws.append(["学号", "姓名", "性别"])
    a.append(["2026001", "林小禾", "男"])
    a.append(["2026002", "周一帆", "女"])
    b.append(["2026003", "赵六", "女"])
    b.append(["2026001", "林小禾", "男"])  # 原2班 row 3: the same child as 原1班 row 2
    wb.save(path)
    roster = load_roster(path)
    assert [(p.key, p.sheet, p.row, p.message("zh")) for p in roster.errors] == [
        ("duplicate_row", "原2班", 3,
         "与原1班 第 2 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）"),
    ]


# --------------------------------------------------------------------------- 2. a column with no header


def test_a_cleared_gender_header_is_said_and_looks_like_gender(tmp_path):
    rows = [["学号", "姓名", None, "语文"]] + [[f"2026{i:03d}", f"学生{i}", "男女"[i % 2], 80 + i] for i in range(6)]
    roster = load_roster(_xlsx(tmp_path, rows))
    assert roster.cmap.gender is None  # read as 列C: no gender balance …
    assert _found(roster, "header_blank") == [  # … which is said
        ("header_blank", "warning", 1, None,
         "C 列有内容但表头是空的，没有用上（像是性别列：可用 --column gender=C，向导中按 ctrl+o）"),
    ]
    en = next(p for p in roster.problems if p.key == "header_blank").text("en")
    assert en == ("sheet 名单, row 1: column C has data but no header, so it is not used (it looks like a gender "
                  "column: --column gender=C, or ctrl+o in the wizard)")
    # mapped as the message says: used, and nothing more to say
    mapped = load_roster(tmp_path / "r.xlsx", columns={"gender": "C"})
    assert mapped.values["_gender"].to_list()[:2] == ["M", "F"] and not _found(mapped, "header_blank")


def test_a_blank_header_over_numbers_looks_like_scores(tmp_path):
    rows = [["姓名", "性别", "语文", None]] + [[f"学生{i}", "男女"[i % 2], 80 + i, 60 + 3 * i] for i in range(6)]
    roster = load_roster(_xlsx(tmp_path, rows))
    assert _found(roster, "header_blank") == [
        ("header_blank", "warning", 1, None,
         "D 列有内容但表头是空的，没有用上（像是成绩列：可用 --column scores=C,D，向导中按 ctrl+o）"),
    ]


def test_a_blank_header_over_other_data_is_said_without_a_guess(tmp_path):
    rows = [["姓名", "性别", None, "语文"]] + [[f"学生{i}", "男女"[i % 2], "走读", 80 + i] for i in range(4)]
    rows += [["学生9", "男", None, 70], [None, None, None, None]]
    roster = load_roster(_xlsx(tmp_path, rows))
    assert _found(roster, "header_blank") == [("header_blank", "warning", 1, None, "C 列有内容但表头是空的，没有用上")]


def test_a_row_number_column_without_a_header_is_not_called_scores(tmp_path):
    rows = [[None, "姓名", "性别"]] + [[i + 1, f"学生{i}", "男女"[i % 2]] for i in range(5)]
    roster = load_roster(_xlsx(tmp_path, rows))
    assert [p.message("zh") for p in roster.problems if p.key == "header_blank"] == ["A 列有内容但表头是空的，没有用上"]


def test_a_gender_looking_blank_column_beside_a_gender_column_has_no_gender_guess(tmp_path):
    path = _csv(tmp_path, "姓名,性别,\n" + "".join(f"学生{i},{'男女'[i % 2]},{'女男'[i % 2]}\n" for i in range(12)))
    roster = load_roster(path)
    assert [p.message("zh") for p in roster.problems if p.key == "header_blank"] == ["C 列有内容但表头是空的，没有用上"]


# --------------------------------------------------------------------------- 3. ragged and cut-off text files


HEADER = "学号,姓名,性别,语文,数学,总分\n"


def test_a_short_row_and_a_row_with_extra_cells_are_named(tmp_path):
    path = _csv(tmp_path, HEADER + _students(4) + "2026010,学生10,男\n" + "2026011,学生11,女,80,81,161,x,,y\n"
                + _students(2, 20))
    roster = load_roster(path)
    assert _found(roster, "row_short", "row_extra") == [
        ("row_short", "warning", 6, None, "只有 3 列，表头有 6 列（后面的列按空白读入）"),
        ("row_extra", "warning", 7, None, "比表头多出 2 个有内容的格子（列G、列I）：按无表头的列读入，没有用上"),
    ]
    assert roster.columns[6:] == ["列G", "列H", "列I"]  # that is how they are read
    assert not _found(roster, "header_blank")  # said by row, not again by column
    en = [p.text("en") for p in roster.problems if p.key in ("row_short", "row_extra")]
    assert en == ["row 6: only 3 of the header's 6 cells (the rest are read as blank)",
                  "row 7: cells filled past the header's end (columns G, I): read as columns with no header, "
                  "not used"]


def test_trailing_commas_and_trailing_empty_cells_are_not_ragged(tmp_path):
    path = _csv(tmp_path, "姓名,性别,语文,,\n张三,男,90,,\n李四,女,,\n王五,男,80,,,,\n赵六,女,70\n")
    roster = load_roster(path)
    assert not _found(roster, "row_short", "row_extra", "header_blank", "file_cut_off")


def test_many_short_rows_are_said_in_one_line(tmp_path):
    short = "".join(f"2026{i:03d},学生{i},{'男女'[i % 2]}\n" for i in range(100, 112))
    path = _csv(tmp_path, HEADER + _students(20) + short)
    roster = load_roster(path)
    assert _found(roster, "row_short", "row_short_many") == [
        ("row_short_many", "warning", None, None,
         "12 行的列数比表头（6 列）少，后面的列按空白读入：第 22、23、24、25、26、27、28、29、30、31 行 …"),
    ]


def test_many_rows_with_cells_past_the_header_are_a_column_without_a_header(tmp_path):
    # the header lacks its last name: every row has one cell more
    roster = load_roster(_csv(tmp_path, "姓名,语文,性别\n" + "".join(
        f"学生{i},{80 + i},{'男女'[i % 2]},{70 + 2 * i}\n" for i in range(12))))
    assert not _found(roster, "row_extra")
    assert _found(roster, "header_blank") == [
        ("header_blank", "warning", 1, None,
         "D 列有内容但表头是空的，没有用上（像是成绩列：可用 --column scores=B,D，向导中按 ctrl+o）"),
    ]


def test_a_short_last_line_without_a_line_break_may_be_a_cut_off_file(tmp_path):
    path = _csv(tmp_path, HEADER + _students(5) + "2026099,学生99,女,8")  # cut in the middle of 数学
    roster = load_roster(path)
    assert _found(roster, "row_short", "file_cut_off") == [
        ("file_cut_off", "warning", 7, None, "只有 4 列（表头有 6 列），文件末尾也没有换行：文件可能不完整，请核对"),
    ]
    # the same row with a line break after it: a short row, not a cut file
    whole = load_roster(_csv(tmp_path, HEADER + _students(5) + "2026099,学生99,女,8\n", "whole.csv"))
    assert _found(whole, "row_short", "file_cut_off") == [
        ("row_short", "warning", 7, None, "只有 4 列，表头有 6 列（后面的列按空白读入）"),
    ]
    # a full last row without a line break is fine
    fine = load_roster(_csv(tmp_path, HEADER + _students(6).rstrip("\n"), "fine.csv"))
    assert not _found(fine, "row_short", "file_cut_off")


# --------------------------------------------------------------------------- 4. scores that cannot be right


def test_a_score_far_above_the_rest_of_its_column_is_pointed_out(tmp_path):
    body = "".join(f"学生{i},{'男女'[i % 2]},{90 + i % 30},{100 + i % 20}\n" for i in range(40))
    body += "学生99,女,999,118\n"  # row 42: 99 typed as 999
    roster = load_roster(_csv(tmp_path, "姓名,性别,语文,数学\n" + body))
    assert _found(roster, "score_outlier") == [
        ("score_outlier", "warning", 42, "语文(C)", "分数 999 远高于本列其余分数（其余最高 119），请核对"),
    ]
    assert roster.usable  # a warning: it may be meant


def test_full_marks_and_an_ordinary_spread_are_not_outliers(tmp_path):
    body = "".join(f"学生{i},{'男女'[i % 2]},{[35, 60, 88, 102, 120][i % 5]},{i}\n" for i in range(30))
    roster = load_roster(_csv(tmp_path, "姓名,性别,语文,数学\n" + body))
    assert not _found(roster, "score_outlier")


def test_a_total_that_is_not_the_sum_is_pointed_out_when_the_others_are(tmp_path):
    body = _students(20) + "2026050,学生50,男,120,130,249\n" + "2026051,学生51,女,缺考,90,90\n"
    roster = load_roster(_csv(tmp_path, HEADER + body))
    assert _found(roster, "total_mismatch") == [
        ("total_mismatch", "warning", 22, "总分(F)", "总分 249 与各科之和 250 不符"),
    ]
    assert next(p for p in roster.problems if p.key == "total_mismatch").message("en") == (
        "total 249 is not the sum of the subjects (250)")


def test_a_total_that_counts_other_subjects_too_is_left_alone(tmp_path):
    body = "".join(f"2026{i:03d},学生{i},{'男女'[i % 2]},{80 + i},{70 + i},{150 + 3 * i + 60}\n" for i in range(20))
    roster = load_roster(_csv(tmp_path, HEADER + body))
    assert not _found(roster, "total_mismatch")


def test_a_student_with_every_score_blank_is_said(tmp_path):
    body = _students(8) + "2026020,学生20,男,,,\n" + "2026021,学生21,女,缺考,缺考,\n"
    roster = load_roster(_csv(tmp_path, HEADER + body))
    assert _found(roster, "scores_all_blank") == [
        ("scores_all_blank", "warning", 10, None, "所有成绩都是空白，按缺考处理"),
    ]  # row 11 wrote 缺考: meant, not said


def test_a_roster_without_scores_mostly_says_nothing_of_blank_scores(tmp_path):
    roster = load_roster(_csv(tmp_path, "姓名,性别,语文\n张三,男,\n李四,女,\n王五,男,90\n"))
    assert not _found(roster, "scores_all_blank", "scores_all_blank_many")


# --------------------------------------------------------------------------- 5. blank IDs


def test_blank_id_cells_are_listed_once_per_column(tmp_path):
    rows = [["学号", "姓名", "性别", "身份证号"]]
    ids = ["990101201003010119", "99010120100418003X", "", "990101201005170220", "", "990101201007070522"]
    for i, idv in enumerate(ids):
        rows.append([f"2026{i:03d}" if i != 1 else None, f"学生{i}", "男女"[i % 2], idv or None])
    roster = load_roster(_xlsx(tmp_path, rows))
    assert _found(roster, "id_blank") == [
        ("id_blank", "warning", None, "学号(A)", "学号为空：第 3 行"),
        ("id_blank", "warning", None, "身份证号(D)", "身份证号为空：第 4、6 行"),
    ]
    assert [p.text("en") for p in roster.problems if p.key == "id_blank"] == [
        "sheet 名单, column 学号(A): 学号 is blank: row 3",
        "sheet 名单, column 身份证号(D): 身份证号 is blank: rows 4, 6",
    ]


def test_an_id_column_mostly_blank_says_nothing(tmp_path):
    path = _csv(tmp_path, "姓名,性别,学号\n张三,男,\n李四,女,\n王五,男,2026001\n")
    assert not _found(load_roster(path), "id_blank")


def test_many_blank_ids_are_counted(tmp_path):
    body = "".join(f"{'' if i % 3 == 0 else f'2026{i:03d}'},学生{i},{'男女'[i % 2]}\n" for i in range(36))
    roster = load_roster(_csv(tmp_path, "学号,姓名,性别\n" + body))
    assert _found(roster, "id_blank") == [
        ("id_blank", "warning", None, "学号(A)", "学号为空：第 2、5、8、11、14、17、20、23、26、29 行 …（共 12 行）"),
    ]
