"""Import: real files in, exact students out, problems named by sheet/row/column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from fenban_tui.core.roster import load_roster
from fenban_tui.i18n import FenbanError

from .conftest import ROOT, shared_file

SAMPLE = ROOT / "sample_data" / "junior_sample.xlsx"
GRADE1 = ROOT / "sample_data" / "grade1_sample.csv"


def _openpyxl_rows(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_sample_roster_counts_missing_and_ids():
    raw = _openpyxl_rows(SAMPLE)
    header = raw[1]  # row 1 is the merged title
    data = [r for r in raw[2:] if any(v is not None for v in r)]
    roster = load_roster(SAMPLE)
    assert roster.usable
    assert roster.n == len(data) == 500
    assert roster.header_row == 2
    assert roster.cmap.scores == ["语文", "数学", "英语"]
    assert roster.cmap.total == "总分"
    # every 缺考 cell is missing (null), never 0
    for col in ("语文", "数学", "英语"):
        c = header.index(col)
        absent_rows = [i for i, r in enumerate(data) if r[c] == "缺考"]
        vals = roster.values[col].to_list()
        assert [i for i, v in enumerate(vals) if v is None] == absent_rows
    assert sum(1 for r in data for v in r[6:9] if v == "缺考") >= 2
    # IDs exactly as written, including a trailing X
    ids = roster.table["身份证号"].to_list()
    assert ids == [r[header.index("身份证号")] for r in data]
    assert any(i.endswith("X") for i in ids)
    # spreadsheet row numbers: data starts on row 3
    assert roster.table["_row"][0] == 3
    assert roster.table["_row"][-1] == 502


def test_grade1_csv_gb18030_no_scores():
    roster = load_roster(GRADE1)
    assert roster.usable and roster.n == 300
    assert roster.cmap.scores == [] and roster.cmap.total is None
    assert roster.cmap.school == "毕业幼儿园"
    assert roster.values["_birth"].null_count() == 0


def _write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


OFFICE_ROWS = [
    ["2024级新生名单（一班）", "", "", "", "", ""],
    ["学号", "姓名", "性别", "语文", "数学", "毕业学校"],
    ["0012", "刘䶮", "男", "98.5", "缺考", "实验小学"],
    ["0013", "王\u3000芳 ", "女", "-", "１０３", "实验小学"],
    ["", "", "", "", "", ""],
    ["0014", "陈思远", "1", "88", "90", "东关小学"],
    ["0015", "陈思远", "2", "77", "", "东关小学"],
    ["合计", "4人", "", "", "", ""],
]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_office_csv_quirks(tmp_path, encoding):
    path = _write_csv(tmp_path / "roster.csv", OFFICE_ROWS, encoding)
    roster = load_roster(path)
    assert roster.usable
    assert roster.n == 4
    assert roster.columns[0] == "学号"  # no BOM in the first column name
    assert roster.table["学号"].to_list() == ["0012", "0013", "0014", "0015"]  # IDs stay text
    assert roster.table["姓名"].to_list() == ["刘䶮", "王\u3000芳", "陈思远", "陈思远"]  # trimmed, not altered
    assert roster.values["语文"].to_list() == [98.5, None, 88.0, 77.0]
    assert roster.values["数学"].to_list() == [None, 103.0, 90.0, None]  # full-width digits parsed
    assert roster.values["_gender"].to_list() == ["M", "F", "M", "F"]  # 1 = 男, 2 = 女
    assert roster.table["_row"].to_list() == [3, 4, 6, 7]
    keys = {p.key for p in roster.problems}
    assert "row_total" in keys and "same_name" in keys
    total = next(p for p in roster.problems if p.key == "row_total")
    assert total.row == 8


def test_notes_below_table_skipped_junk_inside_refused(tmp_path):
    rows = [["姓名", "性别", "语文"], ["张三", "男", "88"], ["", "", "90"], ["李四", "女", "70"],
            ["", "", ""], ["注：缺考记为缺考", "", ""], ["制表人：王老师", "", ""]]
    r = load_roster(_write_csv(tmp_path / "n.csv", rows, "utf-8"))
    assert r.n == 3
    keys = [(p.key, p.row) for p in r.problems if p.key in ("row_note", "row_junk")]
    assert keys == [("row_note", 7), ("row_note", 6), ("row_junk", 3)]
    assert not r.usable  # row 3 is inside the table


def test_bad_values_named_by_row_and_column(tmp_path):
    rows = [["姓名", "性别", "语文"], ["张三", "男", "88"], ["李四", "X", "abc"], ["", "女", "70"]]
    roster = load_roster(_write_csv(tmp_path / "bad.csv", rows, "utf-8"))
    assert not roster.usable
    errs = {(p.key, p.row, p.column) for p in roster.errors}
    assert ("gender_unknown", 3, "性别(B)") in errs
    assert ("score_bad", 3, "语文(C)") in errs
    assert ("row_no_name", 4, "姓名(A)") in errs
    # every student is still there: nothing silently dropped
    assert roster.n == 3
    text = next(p for p in roster.errors if p.key == "score_bad").text("zh")
    assert "第 3 行" in text and "语文" in text and "abc" in text
    assert "row 3" in next(p for p in roster.errors if p.key == "score_bad").text("en")


@pytest.mark.parametrize(
    "content,key",
    [
        (b"", "file_empty"),
        (b"PK\x03\x04garbage-not-a-zip", "file_corrupt"),
        (b"\x00\x01\x02\x03binary", "file_not_roster"),
        ("姓名,性别\r\n".encode("utf-8"), "header_only"),
        ("a,b,c\r\n1,2,3\r\n".encode("utf-8"), "no_header"),
        (b"<html><body><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></body></html>", "file_html"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, content, key):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    with pytest.raises(FenbanError) as exc:
        load_roster(path)
    assert exc.value.key == key
    assert str(path) in exc.value.text("zh")


def test_missing_file(tmp_path):
    with pytest.raises(FenbanError) as exc:
        load_roster(tmp_path / "nope.xlsx")
    assert exc.value.key == "file_missing"


def test_same_shaped_sheets_combined_with_sheet_column(tmp_path):
    import xlsxwriter

    path = tmp_path / "multi.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for sheet, people in (("一班", [("张三", "男"), ("李四", "女")]), ("二班", [("王五", "男")])):
        ws = wb.add_worksheet(sheet)
        ws.write_row(0, 0, ["姓名", "性别"])
        for r, row in enumerate(people, start=1):
            ws.write_row(r, 0, row)
    wb.add_worksheet("空")
    notes = wb.add_worksheet("说明")
    notes.write(0, 0, "请勿修改")
    wb.close()
    r = load_roster(path)
    assert r.n == 3 and r.table["姓名"].to_list() == ["张三", "李四", "王五"]
    assert r.table["工作表"].to_list() == ["一班", "一班", "二班"]
    assert r.table["_row"].to_list() == [2, 3, 2]
    keys = [(p.key, p.sheet) for p in r.problems]
    assert ("sheet_empty", "空") in keys and ("sheet_skipped", "说明") in keys
    # the note lists the sheets in the punctuation of the language shown
    note = next(p for p in r.problems if p.key == "sheets_combined")
    assert note.text("zh") == "合并了 2 个同样格式的工作表（一班、二班），工作表名记在“工作表”列"
    assert note.text("en") == ("combined 2 sheets of the same shape (一班, 二班); "
                               "the sheet name is kept in column \u201c工作表\u201d")
    # different shapes are refused by name
    wb = xlsxwriter.Workbook(str(tmp_path / "diff.xlsx"))
    a = wb.add_worksheet("A")
    a.write_row(0, 0, ["姓名", "性别"])
    a.write_row(1, 0, ["张三", "男"])
    b = wb.add_worksheet("B")
    b.write_row(0, 0, ["姓名", "性别", "语文"])
    b.write_row(1, 0, ["李四", "女", "90"])
    wb.close()
    with pytest.raises(FenbanError) as exc:
        load_roster(tmp_path / "diff.xlsx")
    assert exc.value.key == "sheets_differ" and "--sheet" in exc.value.text()
    assert load_roster(tmp_path / "diff.xlsx", sheet="B").n == 1


def test_xls_and_grouped_header(tmp_path):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("名单")
    ws.write(0, 0, "2024级新生")
    for c, h in enumerate(["学号", "姓名", "性别", "中考成绩"]):
        ws.write(1, c, h)
    for c, h in enumerate(["语文", "数学"], start=3):
        ws.write(2, c, h)
    ws.write(3, 0, "2024001")
    ws.write(3, 1, "林小禾")
    ws.write(3, 2, "男")
    ws.write(3, 3, 108)
    ws.write(3, 4, "缺考")
    wb.add_sheet("空表")
    path = tmp_path / "old.xls"
    wb.save(str(path))
    roster = load_roster(path)
    assert roster.columns == ["学号", "姓名", "性别", "中考成绩·语文", "中考成绩·数学"]
    assert roster.cmap.scores == ["中考成绩·语文", "中考成绩·数学"]
    assert roster.values["中考成绩·语文"].to_list() == [108.0]
    assert roster.values["中考成绩·数学"].to_list() == [None]
    assert roster.table["_row"].to_list() == [4]


# ---------------------------------------------------------------- shared hard cases


def test_case_01_gbk_title_blank_total():
    r = load_roster(shared_file("cases", "01_gbk_title_blank_total.csv"))
    assert r.n == 7
    names = r.table["姓名"].to_list()
    assert "刘䶮" in names and names.count("陈思远") == 2
    assert r.values["数学"].to_list()[1] is None  # 缺考
    assert r.values["语文"].to_list()[-1] == 103.0  # full-width digits
    assert {"row_total", "same_name"} <= {p.key for p in r.problems}


def test_case_02_03_bom_and_no_bom_identical():
    a = load_roster(shared_file("cases", "02_utf8_bom.csv"))
    b = load_roster(shared_file("cases", "03_utf8_nobom.csv"))
    assert a.columns == b.columns and not a.columns[0].startswith("\ufeff")
    assert a.table.drop("_sheet").equals(b.table.drop("_sheet"))


def test_case_04_mangled_ids_flagged_not_repaired():
    r = load_roster(shared_file("cases", "04_excel_mangled_ids.csv"))
    damaged = {(p.key, p.row, p.column) for p in r.problems if p.key.startswith("id_") and p.key != "id_checksum"}
    assert ("id_sci", 2, "身份证号(D)") in damaged and ("id_sci", 3, "学号(A)") in damaged
    assert ("id_zeros", 4, "身份证号(D)") in damaged and ("id_zeros", 5, "身份证号(D)") in damaged
    assert r.table["身份证号"].to_list()[0] == "9.90101E+17"  # kept as written
    assert not any(p.key == "id_duplicate" for p in r.problems)


def test_case_09_grouped_header_multisheet_numeric_ids():
    r = load_roster(shared_file("cases", "09_merged_title_multisheet.xlsx"))
    assert r.cmap.scores == ["中考成绩·语文", "中考成绩·数学", "中考成绩·英语"]
    assert r.n == 7  # 原1班 (3) + 原2班 (4); the 说明 sheet skipped
    assert r.sheets_used == ["原1班", "原2班"]
    assert r.columns[0] == "工作表"
    assert r.table["工作表"].to_list() == ["原1班"] * 3 + ["原2班"] * 4
    assert {p.key for p in r.problems} >= {"sheets_combined", "sheet_skipped", "id_float"}
    skipped = next(p for p in r.problems if p.key == "sheet_skipped")
    assert skipped.sheet == "说明"
    one = load_roster(shared_file("cases", "09_merged_title_multisheet.xlsx"), sheet="原2班")
    assert one.n == 4 and "工作表" not in one.columns


def test_case_08_text_named_xlsx():
    r = load_roster(shared_file("cases", "08_tsv_named.xlsx"))
    assert r.n == 2 and r.table["姓名"].to_list() == ["林小禾", "周一帆"]
    assert any(p.key == "text_named_workbook" for p in r.problems)


def test_case_12_legacy_xls():
    r = load_roster(shared_file("cases", "12_legacy_title.xls"))
    assert r.usable and r.n == 7 and r.header_row == 2


def test_formulas_without_saved_results_refused(tmp_path):
    import xlsxwriter

    path = tmp_path / "formula.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, ["姓名", "性别", "语文", "数学", "总分", "备注"])
    for r in range(1, 4):
        ws.write_row(r, 0, [f"学生{r}", "男", 80 + r, 70 + r])
        ws.write_formula(r, 4, f"=C{r + 1}+D{r + 1}", None, "")  # no stored result
        ws.write_formula(r, 5, '=""', None, "")  # a note column: not our business
    ws.write_formula(1, 4, "=C2+D2", None, 151)  # this one was saved with its result
    wb.close()
    roster = load_roster(path)
    errs = [(p.key, p.row, p.column) for p in roster.errors]
    assert errs == [("formula_unsaved", 3, "总分(E)"), ("formula_unsaved", 4, "总分(E)")]
    assert roster.values["总分"].to_list()[0] == 151.0


def test_twins_without_bind_code_are_pointed_out(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("姓名,性别,备注,绑定\n张一,男,双胞胎,\n张二,女,双胞胎,\n李一,男,双胞胎,T1\n李二,男,双胞胎,T1\n",
                    encoding="utf-8")
    roster = load_roster(path)
    assert [(p.key, p.row) for p in roster.problems if p.key == "twin_unbound"] == [("twin_unbound", 2),
                                                                                    ("twin_unbound", 3)]


def test_case_06_no_header_mapped_by_letter():
    path = shared_file("cases", "06_noheader_trailing.csv")
    with pytest.raises(FenbanError) as exc:
        load_roster(path, header_row=0)
    assert exc.value.key == "no_header_map"
    r = load_roster(path, header_row=0, columns={"name": "A", "gender": "B", "school": "D"})
    assert r.table["列A"].to_list()[:3] == ["林小禾", "林小禾", "周一帆"]
    assert r.values["_gender"].to_list()[:3] == ["M", "M", "F"]  # "男  " trimmed
    keys = {(p.key, p.row) for p in r.problems}
    assert ("row_note", 4) in keys  # the junk last line, reported
    # the same child on rows 1 and 2: refused by row (it would be placed twice)
    assert [(p.key, p.row) for p in r.errors] == [("duplicate_row", 2)]
    assert r.n == 3 and not r.usable


def test_ods_and_utf16_text(tmp_path):
    import zipfile

    rows = [["2024新生"], ["姓名", "性别", "语文"], ["张三", "男", "90"], ["李四", "女", "缺考"]]

    def cell(v):
        return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="名单">{body}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    ods = tmp_path / "roster.xlsx"  # the name lies: the bytes decide
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
    r = load_roster(ods)
    assert r.n == 2 and r.values["语文"].to_list() == [90.0, None] and r.header_row == 2
    text = "姓名\t性别\t语文\r\n张三\t男\t90\r\n李四\t女\t缺考\r\n"
    u16 = tmp_path / "unicode.txt"
    u16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    r = load_roster(u16)
    assert r.table["姓名"].to_list() == ["张三", "李四"] and r.values["语文"].to_list() == [90.0, None]


def test_combined_sheets_name_columns_by_their_own_letters(tmp_path):
    """The 工作表 column FenBan puts in front has no letter: messages and
    --column letters count the sheet's own columns."""
    import xlsxwriter

    path = tmp_path / "multi_err.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for sheet, people in (("一班", [("001", "张三", "男", "90")]), ("二班", [("002", "李四", "X", "abc")])):
        ws = wb.add_worksheet(sheet)
        ws.write_row(0, 0, ["学号", "姓名", "性别", "语文"])
        for r, row in enumerate(people, start=1):
            ws.write_row(r, 0, row)
    wb.close()
    r = load_roster(path)
    cols = {(p.key, p.sheet, p.row): p.column for p in r.problems if p.level == "error"}
    assert cols == {("gender_unknown", "二班", 2): "性别(C)", ("score_bad", "二班", 2): "语文(D)"}
    mapped = load_roster(path, columns={"gender": "C", "name": "B"})
    assert mapped.cmap.gender == "性别" and mapped.cmap.name == "姓名"


def test_ids_stored_as_numbers_flagged_even_with_a_valid_check_digit(tmp_path):
    """An xlsx cell holding a 16+ digit number has lost digits, whatever its
    check digit says; an 18-digit ID ending in 000 is flagged too."""
    body = "99010120100101234"
    text_id = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
                                                                          5, 8, 4, 2))) % 11]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["学号", "姓名", "性别", "身份证号"])
    ws.append(["2025001", "甲", "男", 990101201001015880])  # stored as a number
    ws.append(["2025002", "乙", "女", text_id])  # text, kept as written
    ws.append([12345678901234567, "丙", "男", "990101201001010000"])
    wb.save(tmp_path / "ids.xlsx")
    r = load_roster(tmp_path / "ids.xlsx")
    assert r.n == 3
    flagged = sorted((p.row, p.key, p.column) for p in r.warnings if p.key.startswith("id_"))
    assert flagged == [(2, "id_float", "身份证号(D)"), (4, "id_float", "学号(A)"), (4, "id_zeros", "身份证号(D)")]
    assert r.table["身份证号"].to_list()[1] == text_id
    # the number cell (openpyxl stores 9.901012010010159e+17) reads as Excel shows it:
    # 15 significant digits, then zeros -- never a binary double's invented tail
    assert r.table["身份证号"].to_list()[0] == "990101201001016000"


def test_a_student_named_like_a_totals_word_is_kept(tmp_path):
    rows = [["学号", "姓名", "性别", "语文"], ["001", "Sum Li", "男", "90"], ["002", "王芳", "女", "80"],
            ["", "合计", "", "170"], ["", "Total", "", "170"]]
    r = load_roster(_write_csv(tmp_path / "t.csv", rows, "utf-8"))
    assert r.table["姓名"].to_list() == ["Sum Li", "王芳"]
    assert sorted(p.row for p in r.problems if p.key == "row_total") == [4, 5]


def test_a_lone_name_below_the_table_is_refused_not_skipped(tmp_path):
    rows = [["姓名", "性别", "语文"], ["张三", "男", "88"], ["李四", "女", "70"], ["丁", "", ""]]
    r = load_roster(_write_csv(tmp_path / "n.csv", rows, "utf-8"))
    assert "丁" in r.table["姓名"].to_list()
    assert ("row_junk", 4) in [(p.key, p.row) for p in r.errors]
    assert not r.usable


def test_a_header_written_twice_is_said(tmp_path):
    rows = [["姓名", "性别", "姓名", "语文"], ["张三", "男", "张三", "90"]]
    r = load_roster(_write_csv(tmp_path / "d.csv", rows, "utf-8"))
    dup = [(p.row, p.column) for p in r.warnings if p.key == "header_duplicate"]
    assert dup == [(1, "姓名_2(C)")] and r.n == 1


def test_a_sheet_of_students_without_a_recognised_header_is_an_error(tmp_path):
    """A second sheet whose name column is called 学生 (not recognised) is not
    skipped as a notes sheet: its students would be lost."""
    import xlsxwriter

    path = tmp_path / "two.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    a = wb.add_worksheet("甲")
    a.write_row(0, 0, ["学号", "姓名", "性别", "语文"])
    a.write_row(1, 0, ["001", "张三", "男", "90"])
    b = wb.add_worksheet("乙")
    b.write_row(0, 0, ["学号", "学生", "性别", "语文"])
    for i in range(5):
        b.write_row(i + 1, 0, [f"10{i}", f"学生{i}", "女", "80"])
    notes = wb.add_worksheet("说明")
    notes.write(0, 0, "请勿修改本表")
    wb.close()
    r = load_roster(path)
    keys = {(p.key, p.sheet, p.level) for p in r.problems}
    assert ("sheet_skipped_data", "乙", "error") in keys and ("sheet_skipped", "说明", "info") in keys
    assert not r.usable


def test_page_headers_signatures_and_totals_told_from_students(tmp_path):
    rows = [["学号", "姓名", "性别", "语文"], ["001", "张三", "男", "90"],
            ["学号", "姓名", "性别", "语文"],  # the header printed again on page 2
            ["002", "平均", "", "80"],  # a student called 平均 whose gender is missing
            ["003", "李四", "女", "70"],
            ["合计", "3人", "男1女1", "240"],  # a totals row, its "gender" a count
            ["制表人：王老师", "", "日期：2026-08-01", ""]]  # a signature line below the table
    r = load_roster(_write_csv(tmp_path / "p.csv", rows, "utf-8"))
    assert r.table["姓名"].to_list() == ["张三", "平均", "李四"]
    keys = {(p.key, p.row) for p in r.problems}
    assert {("row_header_again", 3), ("row_total", 6), ("row_note", 7), ("gender_missing", 4)} <= keys


def test_formulas_saved_with_a_zero_result_are_pointed_out(tmp_path):
    """xlsxwriter (and other programs) store 0 as every formula's result until
    Excel recalculates: a score of 0 from a formula is said, by cell."""
    import xlsxwriter

    path = tmp_path / "zero.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, ["姓名", "性别", "语文", "数学", "总分"])
    ws.write_row(1, 0, ["张三", "男", 80, 70])
    ws.write_formula(1, 4, "=C2+D2")  # stored result: 0
    ws.write_row(2, 0, ["李四", "女", 90, 60])
    ws.write_formula(2, 4, "=C3+D3", None, 150)  # saved with its result
    wb.close()
    r = load_roster(path)
    assert [(p.key, p.row, p.column) for p in r.warnings if p.key == "formula_zero"] == [("formula_zero", 2, "总分(E)")]


def test_a_big5_csv_is_read_as_big5_with_traditional_headers(tmp_path):
    """Big5 bytes also decode as GB18030, into private-use characters: read as
    Big5 instead (said), its traditional headers (性別, 學號, 總分) recognised."""
    text = "姓名,性別,學號,畢業學校,語文,數學,總分\n王小明,男,001,一中,90,80,170\n李華,女,002,二中,缺考,70,70\n"
    path = tmp_path / "big5.csv"
    path.write_bytes(text.encode("big5hkscs"))
    r = load_roster(path)
    assert r.names() == ["王小明", "李華"] and r.table["學號"].to_list() == ["001", "002"]
    assert (r.cmap.gender, r.cmap.sid, r.cmap.school, r.cmap.total) == ("性別", "學號", "畢業學校", "總分")
    assert r.cmap.scores == ["語文", "數學"] and r.values["語文"].to_list() == [90.0, None]
    assert [p.text("zh") for p in r.problems] == ["文件是繁体中文 Big5 编码，已按 Big5 读入"]
    # bytes neither UTF-8, GB18030 text nor Big5: the encoding is said to be unknown, not "no header"
    junk = tmp_path / "junk.csv"
    junk.write_bytes("姓名,性别\n".encode("gb18030") + b"\xa1\x80\xa1\x81,\xa1\x82\n" * 20)  # private use in GB18030, not Big5
    with pytest.raises(FenbanError) as exc:
        load_roster(junk)
    assert exc.value.key == "text_encoding"


def test_rows_hidden_in_excel_are_read_and_said(tmp_path):
    """A clerk hides the students who moved away instead of deleting them: the
    hidden rows are read like the others (never dropped in silence) and named."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "新生"
    ws.append(["2026级新生名单"])
    ws.append(["姓名", "性别", "语文"])
    for i in range(8):
        ws.append([f"学生{i}", "男" if i % 2 else "女", 80 + i])
    for r in (5, 6, 9):  # 学生2, 学生3, 学生6
        ws.row_dimensions[r].hidden = True
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    r = load_roster(path)
    assert r.n == 8
    [p] = [p for p in r.problems if p.key == "rows_hidden"]
    assert p.level == "warning" and p.text("zh") == (
        "工作表“新生”：第 5、6、9 行在 Excel 里是隐藏行，已当作学生读入（共 3 人）：若是转出或不来的学生，请从名单中删去")
    # no hidden rows, nothing said
    for row in (5, 6, 9):
        ws.row_dimensions[row].hidden = False
    wb.save(path)
    assert not [p for p in load_roster(path).problems if p.key == "rows_hidden"]
