"""Export contents, the CLI's messages and exit codes, and the core/UI split."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import openpyxl
import pytest

from fenban_tui.cli import main
from fenban_tui.core.api import check_roster, export_placement, solve_roster
from fenban_tui.core.export import display_width
from fenban_tui.core.rules import Rules

from .conftest import ROOT
from .figures import read_assignment

SAMPLE = ROOT / "sample_data" / "junior_sample.xlsx"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    roster = check_roster(SAMPLE)
    placement = solve_roster(roster, Rules(classes=10, seed="7", label_pattern="七({n})班"))
    out = tmp_path_factory.mktemp("export")
    written = export_placement(placement, out)
    return roster, placement, out, written


def test_assignment_csv(exported):
    roster, placement, out, written = exported
    assert [p.name for p in written][:3] == ["assignment.csv", "分班结果.xlsx", "分班规则.toml"]
    assert [p.name for p in written][-2:] == ["manifest.json", "SHA256SUMS"]
    header, rows = read_assignment(out / "assignment.csv")
    assert header == roster.columns + ["班级"]
    assert len(rows) == 500
    # every roster cell written exactly as read (IDs, 缺考, full-width spaces)
    for i, r in enumerate(rows):
        assert r["身份证号"] == roster.table["身份证号"][i]
        assert r["班级"] == placement.class_of(i)
    assert any(r["语文"] == "缺考" or r["数学"] == "缺考" or r["英语"] == "缺考" for r in rows)
    assert {r["班级"] for r in rows} == {f"七({i})班" for i in range(1, 11)}
    raw = (out / "assignment.csv").read_bytes()
    assert raw.count(b"\r\n") == 501  # Excel-friendly line ends


def test_workbook_sheets_summary_and_widths(exported):
    roster, placement, out, _ = exported
    wb = openpyxl.load_workbook(out / "分班结果.xlsx")
    assert wb.sheetnames == ["汇总"] + [f"七({i})班" for i in range(1, 11)] + ["统计"]
    total_rows = 0
    for i, label in enumerate(placement.labels):
        ws = wb[label]
        data = list(ws.iter_rows(min_row=2, values_only=True))
        total_rows += len(data)
        names = {r[1] for r in data}
        expect = {roster.table["姓名"][j] for j in range(roster.n) if placement.class_of(j) == label}
        assert names == expect
    assert total_rows == 500
    # summary: sizes, boys/girls and the 语文 mean recomputed independently
    ws = wb["汇总"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["班级", "人数", "男", "女"]
    col = header.index("语文平均")
    for r in ws.iter_rows(min_row=3, values_only=True):
        label = r[0]
        members = [j for j in range(roster.n) if placement.class_of(j) == label]
        vals = [roster.values["语文"][j] for j in members if roster.values["语文"][j] is not None]
        assert r[1] == len(members)
        assert r[2] == sum(1 for j in members if roster.table["性别"][j] == "男")
        assert abs(r[col] - sum(vals) / len(vals)) < 1e-9
    # column widths count a CJK character as two
    sheet = wb["七(1)班"]
    school_col = roster.columns.index("毕业学校")
    letter = openpyxl.utils.get_column_letter(school_col + 1)
    longest = max(display_width(v) for v in roster.table["毕业学校"].to_list())
    assert longest == 2 * len("河口镇中心小学")
    assert sheet.column_dimensions[letter].width >= longest


def test_cli_check_json(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,性别,语文\n张三,男,88\n李四,男,八十\n", encoding="utf-8")
    assert main(["check", str(bad), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["students"] == 2
    assert out["errors"] == [{"sheet": None, "row": 3, "column": "语文(C)", "message": out["errors"][0]["message"]}]
    assert "八十" in out["errors"][0]["message"]
    assert main(["check", str(SAMPLE), "--json"]) == 0


def test_cli_solve_refuses_bad_roster_and_existing_output(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,性别\n张三,X\n", encoding="utf-8")
    assert main(["solve", str(bad), "--classes", "2", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "第 2 行" in err and "性别" in err
    good = tmp_path / "good.csv"
    good.write_text("姓名,性别\n" + "".join(f"学生{i},{'男' if i % 2 else '女'}\n" for i in range(8)), encoding="utf-8")
    out = tmp_path / "o2"
    assert main(["solve", str(good), "--classes", "2", "--out", str(out), "-q"]) == 0
    assert main(["solve", str(good), "--classes", "2", "--out", str(out), "-q"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["solve", str(good), "--classes", "2", "--out", str(out), "-q", "--force"]) == 0


def test_rules_file_round_trip(tmp_path):
    rules = Rules(classes=9, seed="抽签 2026", label_pattern="七({n})班", categories=["备注"],
                  columns={"school": "毕业学校"})
    path = tmp_path / "rules.toml"
    rules.save(path)
    assert Rules.load(path) == rules
    path.write_text("classes = 3\nbogus = 1\n", encoding="utf-8")
    from fenban_tui.i18n import FenbanError

    with pytest.raises(FenbanError) as exc:
        Rules.load(path)
    assert "bogus" in exc.value.text()


@pytest.mark.parametrize(
    "args,expect",
    [
        (["check", "/nonexistent/roster.xlsx"], "找不到文件"),
        (["solve", "/nonexistent/roster.xlsx", "--classes", "3", "--out", "/tmp/x"], "找不到文件"),
        (["check", "/nonexistent/roster.xlsx", "--lang", "en"], "File not found"),
    ],
)
def test_cli_errors_are_one_line_without_traceback(args, expect):
    proc = subprocess.run([sys.executable, "-m", "fenban_tui", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert expect in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_core_never_imports_textual():
    core = ROOT / "fenban_tui"
    offenders = []
    for path in core.rglob("*.py"):
        if "tui" in path.relative_to(core).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") for n in names):
                offenders.append(str(path))
    assert offenders == []
    code = ("import sys, fenban_tui.core.api, fenban_tui.cli; "
            "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules), 'textual loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)


def _tiny(tmp_path, n=12, extra=""):
    path = tmp_path / "tiny.csv"
    lines = ["姓名,性别"] + [f"学生{i:02d},{'男' if i % 2 else '女'}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "extra_args,expect",
    [
        (["--classes", "abc"], "命令参数有误"),
        (["--classes", "0"], "班级数 0 不合理"),
        (["--class-size", "-5"], "每班人数上限 -5 不合理"),
        (["--classes", "2", "--class-size", "5"], "矛盾"),
        (["--classes", "3", "--balance", "住宿"], "住宿"),
    ],
)
def test_cli_bad_options_named(tmp_path, capsys, extra_args, expect):
    code = main(["solve", str(_tiny(tmp_path)), "--out", str(tmp_path / "o"), *extra_args])
    assert code == 1
    assert expect in capsys.readouterr().err


def test_cli_labels_made_safe_for_excel(tmp_path):
    out = tmp_path / "o"
    pattern = "'二〇二六级初一年级新生班级名称特别特别长的名字第{n}班"
    assert main(["solve", str(_tiny(tmp_path, 30)), "--classes", "3", "--labels", pattern, "--out", str(out), "-q"]) == 0
    wb = openpyxl.load_workbook(out / "分班结果.xlsx")
    assert len(set(wb.sheetnames)) == 5 and all(len(n) <= 31 and not n.startswith("'") for n in wb.sheetnames)
    _, rows = read_assignment(out / "assignment.csv")
    assert {r["班级"] for r in rows} == {pattern.replace("{n}", str(i)) for i in (1, 2, 3)}


def test_public_list_written_so_excel_shows_it_as_it_is(tmp_path):
    """公示名单.csv is opened in Excel: a name Excel would run as a formula and a
    label it would read as a number (01) are written as text; assignment.csv
    keeps both exactly."""
    roster = _tiny(tmp_path, 12, "=SUM(1),男\n")
    out = tmp_path / "o"
    assert main(["solve", str(roster), "--classes", "2", "--labels", "0{n}", "--out", str(out), "-q"]) == 0
    import csv

    with open(out / "公示名单.csv", encoding="utf-8-sig", newline="") as fh:
        public = list(csv.reader(fh))
    assert public[0] == ["姓名", "性别", "班级"]
    assert {r[2] for r in public[1:]} == {'="01"', '="02"'}
    assert ['="=SUM(1)"', "男"] in [r[:2] for r in public[1:]] and len(public) == 14
    _, rows = read_assignment(out / "assignment.csv")
    assert {r["班级"] for r in rows} == {"01", "02"} and "=SUM(1)" in {r["姓名"] for r in rows}


def test_class_lists_show_gender_codes_as_read_and_assignment_keeps_them(tmp_path):
    """Teachers read 男/女 in the class lists and the workbook's class sheets;
    assignment.csv keeps the office's own codes (1, 2, M) exactly."""
    roster = tmp_path / "codes.csv"
    codes = ["1", "2", "M", "2", "1", "2"]
    roster.write_text("姓名,性别\n" + "".join(f"学生{i},{g}\n" for i, g in enumerate(codes)), encoding="utf-8")
    out = tmp_path / "o"
    assert main(["solve", str(roster), "--classes", "2", "--out", str(out), "-q"]) == 0
    _, rows = read_assignment(out / "assignment.csv")
    assert {r["姓名"]: r["性别"] for r in rows} == {f"学生{i}": g for i, g in enumerate(codes)}
    want = {f"学生{i}": "男" if g in ("1", "M") else "女" for i, g in enumerate(codes)}
    import csv

    listed = {}
    for path in (out / "各班名单").glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            listed.update({r["姓名"]: r["性别"] for r in csv.DictReader(fh)})
    assert listed == want
    wb = openpyxl.load_workbook(out / "分班结果.xlsx")
    sheets = {}
    for label in {r["班级"] for r in rows}:
        ws = wb[label]
        head = [c.value for c in ws[1]]
        sheets.update({r[head.index("姓名")]: r[head.index("性别")] for r in ws.iter_rows(min_row=2, values_only=True)})
    assert sheets == want
    assert main(["verify", str(out), "--roster", str(roster)]) == 0


def test_rules_written_with_results_reproduce_the_draw(tmp_path):
    roster = _tiny(tmp_path, 24)
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["solve", str(roster), "--classes", "3", "--seed", "公开抽签 17", "--out", str(a), "-q"]) == 0
    rules = Rules.load(a / "分班规则.toml")
    assert rules.seed == "公开抽签 17" and rules.classes == 3
    assert main(["solve", str(roster), "--rules", str(a / "分班规则.toml"), "--out", str(b), "-q"]) == 0
    assert (a / "assignment.csv").read_bytes() == (b / "assignment.csv").read_bytes()


@pytest.mark.parametrize("line", ['effort = "x"', "label_pattern = 5", "columns = 5", "classes = 4.7",
                                  'gender_codes = {"男" = "X"}'])
def test_rules_file_values_checked(tmp_path, line):
    from fenban_tui.i18n import FenbanError

    path = tmp_path / "r.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(FenbanError) as exc:
        Rules.load(path)
    assert exc.value.key == "rules_value_bad"
    # the value as the file writes it, and what the key takes: no Python quoting
    text = exc.value.text("zh")
    assert line.partition(" = ")[2] in text and "：应为" in text and "'" not in text


def test_gender_code_option(tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_text("姓名,性别\n张三,B\n李四,G\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "--gender-code B=男" in capsys.readouterr().out
    assert main(["check", str(path), "--gender-code", "B=男", "--gender-code", "G=女"]) == 0


SHARED_CASES = [
    ("01_gbk_title_blank_total.csv", 7, 0),
    ("02_utf8_bom.csv", 7, 0),
    ("03_utf8_nobom.csv", 7, 0),
    ("04_excel_mangled_ids.csv", 4, 0),
    ("06_noheader_trailing.csv", 0, 1),
    ("08_tsv_named.xlsx", 2, 0),
    ("09_merged_title_multisheet.xlsx", 7, 0),
    ("12_legacy_title.xls", 7, 0),
    ("14_infeasible_constraints.csv", 26, 1),
    ("15_cjk_autofit.xlsx", 1, 0),
]


@pytest.mark.parametrize("name,students,code", SHARED_CASES)
def test_check_json_on_shared_cases(name, students, code):
    from .conftest import shared_file

    path = shared_file("cases", name)
    proc = subprocess.run([sys.executable, "-m", "fenban_tui", "check", str(path), "--json"],
                          capture_output=True, text=True)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == code
    out = json.loads(proc.stdout)
    assert set(out) == {"students", "errors", "warnings"}
    assert out["students"] == students
    for p in out["errors"] + out["warnings"]:
        assert set(p) == {"sheet", "row", "column", "message"} and p["message"]
    if code:
        assert out["errors"]


def test_encrypted_workbook_refused(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
                     + b"\x00" * 1024 + b"EncryptedPackage")
    assert main(["check", str(path), "--lang", "en"]) == 1


def test_empty_seed_bad_time_limit_and_a_rules_folder_refused_leaving_nothing(tmp_path, capsys):
    from fenban_tui.core import samplegen

    roster = tmp_path / "r.csv"
    samplegen.write_csv(roster, samplegen.JUNIOR_HEADER, samplegen.junior_rows(40, seed=2), None,
                        encoding="utf-8-sig")
    for extra, text in ((["--seed", " "], "--seed 不能为空"), (["--time-limit", "inf"], "--time-limit inf"),
                        (["--rules", str(tmp_path)], "不是规则文件")):
        out = tmp_path / f"out{len(text)}"
        assert main(["solve", str(roster), "--classes", "2", "--out", str(out), *extra]) == 1
        assert text in capsys.readouterr().err and not out.exists()
    assert main(["check", str(roster), "--rules", str(tmp_path), "--json"]) == 1
    assert "不是规则文件" in json.loads(capsys.readouterr().out)["errors"][0]["message"]
