"""Bad input refused in words: usage errors under --json, options that cannot be
meant, malformed 身份证号, row lists of combined sheets, OS errors in Chinese."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

from fenban_tui.cli import main
from fenban_tui.core.api import check_roster
from fenban_tui.core.roster import load_roster
from fenban_tui.core.rules import Rules
from fenban_tui.i18n import FenbanError, OSReason, tr

from .conftest import shared_file


def _roster(tmp_path: Path, n: int = 4) -> Path:
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别\n" + "".join(f"学生{i},{'男' if i % 2 else '女'}\n" for i in range(n)),
                    encoding="utf-8")
    return path


def _check_error(message: str) -> dict:
    return {"students": 0, "errors": [{"sheet": None, "row": None, "column": None, "message": message}],
            "warnings": []}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fenban_tui", *args], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C"})


# --------------------------------------------------------------------------- 1. usage errors


@pytest.mark.parametrize("args,shape,message", [
    (["check", "{r}", "--bogus", "--json"], "check",
     "命令参数有误：不认识的参数：--bogus（fenban check --help 查看用法）"),
    (["check", "--json"], "check", "命令参数有误：缺少必需的参数：名单文件（fenban check --help 查看用法）"),
    (["check", "{r}", "--sheet", "--json"], "check", "命令参数有误：--sheet 后面缺少值（fenban check --help 查看用法）"),
    (["solve", "{r}", "--json"], "check", "命令参数有误：缺少必需的参数：--out/-o（fenban solve --help 查看用法）"),
    (["verify", "{r}", "--json"], "verify", "命令参数有误：缺少必需的参数：--roster（fenban verify --help 查看用法）"),
    (["sovle", "{r}", "--json"], "check", "没有“sovle”这个子命令，是不是 solve？（fenban solve --help 查看用法）"),
    (["check", "{r}", "--json", "--lang", "en", "--bogus"], "check",
     "Bad arguments: unrecognized arguments: --bogus (see fenban check --help)"),
])
def test_usage_errors_under_json_are_a_json_object_on_stdout(tmp_path, args, shape, message):
    r = str(_roster(tmp_path))
    proc = _run(*[a.replace("{r}", r) for a in args])
    assert proc.returncode == 1
    assert proc.stderr == ""
    out = json.loads(proc.stdout)
    if shape == "verify":
        assert out == {"ok": False, "message": message, "findings": []}
    else:
        assert out == _check_error(message)


@pytest.mark.parametrize("args,message", [
    (["--bogus"], "命令参数有误：不认识的参数：--bogus（fenban --help 查看用法）"),
    (["check", "{r}", "--bogus"], "命令参数有误：不认识的参数：--bogus（fenban check --help 查看用法）"),
    (["solve", "{r}", "--classes", "abc", "--out", "o"],
     "命令参数有误：--classes/-k 的值 'abc' 不是整数（fenban solve --help 查看用法）"),
    (["chek", "{r}"], "没有“chek”这个子命令，是不是 check？（fenban check --help 查看用法）"),
    (["frobnicate", "{r}"], "没有“frobnicate”这个子命令（可用：solve、check、verify；fenban --help 查看用法）"),
    (["solve", "{r}", "--lang", "en"],
     "Bad arguments: the following arguments are required: --out/-o (see fenban solve --help)"),
])
def test_usage_errors_without_json_name_the_subcommand(tmp_path, capsys, args, message):
    r = str(_roster(tmp_path))
    assert main([a.replace("{r}", r) for a in args]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == message + "\n"
    assert "fenban  --help" not in captured.err


def test_a_missing_roster_under_json_is_json_too(tmp_path, capsys):
    assert main(["check", str(tmp_path / "none.csv"), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == _check_error(f"找不到文件：{tmp_path / 'none.csv'}")


# --------------------------------------------------------------------------- 2. options refused


@pytest.mark.parametrize("extra,message", [
    (["--gender-code", "男=女"],
     "--gender-code 男=女 不予接受：“男”本来就表示男，不能当作女（名单若确实这样写，请先在表格中改正）"),
    (["--gender-code", "F=男"],
     "--gender-code F=男 不予接受：“F”本来就表示女，不能当作男（名单若确实这样写，请先在表格中改正）"),
    (["--gender-code", "B=男", "--gender-code", "B=女"], "--gender-code 给“B”指定了两次，意思相反（B=男 和 B=女）"),
    (["--gender-code", "B=X"], "--gender-code B=X 写法不对：应为 代码=男 或 代码=女（如 B=男）"),
    (["--column", "gender="], "--column gender= 没有写列名：应为 gender=列名 或列字母（如 gender=B）"),
    (["--column", "scores=,"], "--column scores=, 没有写列名：应为 scores=列名 或列字母（如 scores=B）"),
    (["--column", "name=A", "--column", "name=B"],
     "--column 给用途“name”指定了两次（name=A 和 name=B），一个用途只能指定一列"),
    (["--column", "scores=语文", "--column", "scores=数学"],
     "--column 给成绩指定了两次（scores=语文 和 scores=数学）：几科成绩请写在一起，如 scores=语文,数学"),
    (["--column", "nmae=A"],
     "--column nmae=A：没有“nmae”这个用途（是不是 name？）；可用的用途：seq, name, gender, sid, idcard, birth, "
     "school, total, boarding, note, together, apart, pin, phone, group, scores"),
    (["--header-row", "0"], "--header-row 0 不对：表头行号从 1 开始（文件没有表头请用 --no-header）"),
    (["--column", "name=A", "--column", "gender=a"],
     "--column 把同一列“a”指定给了两个用途（name=A 和 gender=a），一列只能有一个用途"),
    (["--column", "scores=语文,姓名", "--column", "name=姓名"],
     "--column 把同一列“姓名”指定给了两个用途（scores=语文,姓名 和 name=姓名），一列只能有一个用途"),
])
def test_options_that_cannot_be_meant_are_refused_in_words(tmp_path, capsys, extra, message):
    roster = _roster(tmp_path)
    assert main(["check", str(roster), *extra, "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == _check_error(message)
    out = tmp_path / "out"
    assert main(["solve", str(roster), "--classes", "2", "--out", str(out), *extra]) == 1
    assert capsys.readouterr().err == message + "\n"
    assert not out.exists()


def test_option_refusals_in_english(tmp_path, capsys):
    roster = str(_roster(tmp_path))
    assert main(["check", roster, "--gender-code", "男=女", "--lang", "en"]) == 1
    assert capsys.readouterr().err == ("--gender-code 男=女 refused: \u201c男\u201d already means male, so it cannot "
                                       "stand for female (if the roster really writes it so, correct the roster "
                                       "first)\n")
    assert main(["check", roster, "--column", "姓名=A", "--lang", "en"]) == 1
    assert capsys.readouterr().err.startswith(
        "--column 姓名=A: there is no role \u201c姓名\u201d (did you mean name?); roles: seq, name,")


def test_agreeing_or_repeated_options_still_accepted(tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_text("姓名,性别\n张三,1\n李四,G\n", encoding="utf-8")
    assert main(["check", str(path), "--gender-code", "1=男", "--gender-code", "G=女", "--gender-code", "g=F",
                 "--column", "name=A", "--column", "Name=A", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"students": 2, "errors": [], "warnings": []}


def test_digit_gender_codes_are_the_operators_to_say(tmp_path, capsys):
    """0/1 or 1/2, either way round: a school coding 1 as 女 says so."""
    path = tmp_path / "g.csv"
    path.write_text("姓名,性别\n张三,0\n李四,1\n王五,1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["solve", str(path), "--classes", "1", "--gender-code", "0=男", "--gender-code", "1=女",
                 "--out", str(out), "-q"]) == 0
    rows = (out / "assignment.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("姓名,性别")
    roster = check_roster(path, rules=Rules(gender_codes={"0": "男", "1": "女"}))
    assert roster.values["_gender"].to_list() == ["M", "F", "F"]


def test_a_flipped_gender_code_in_a_rules_file_is_refused(tmp_path, capsys):
    rules = tmp_path / "rules.toml"
    rules.write_text('gender_codes = { "男" = "女" }\n', encoding="utf-8")
    assert main(["check", str(_roster(tmp_path)), "--rules", str(rules), "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == _check_error(
        "性别代码 男=女 不予接受：“男”本来就表示男，不能当作女（名单若确实这样写，请先在表格中改正）")
    with pytest.raises(FenbanError) as exc:
        load_roster(_roster(tmp_path), gender_codes={"F": "M"})
    assert exc.value.key == "gender_code_flip"


# --------------------------------------------------------------------------- 3. 身份证号 shape

ID_ROWS = [
    ("张三", "男", "123"),                  # row 3: too short
    ("李四", "女", "99010120100301011"),    # row 4: 17 characters
    ("王五", "男", "9901012010030101AB"),   # row 5: letters
    ("赵六", "女", "990101201003010119"),   # row 6: valid
    ("钱七", "男", ""),                     # row 7: blank
    ("孙八", "女", "99010120100418003X"),   # row 8: valid, final X
    ("周九", "男", "99010120100418003x"),   # row 9: valid, lower-case x (and the same ID as row 8)
    ("吴十", "男", "99010120100517022０"),  # row 10: valid, but a full-width last digit: pointed out
]


def _id_roster(tmp_path: Path) -> Path:
    path = tmp_path / "ids.csv"
    lines = ["2026级新生名单,,", "姓名,性别,身份证号"] + [",".join(r) for r in ID_ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_id_numbers_are_warned_by_row_and_column_and_kept(tmp_path, capsys):
    path = _id_roster(tmp_path)
    assert main(["check", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["students"] == 8 and out["errors"] == []
    col = "身份证号(C)"
    assert [w for w in out["warnings"] if w["column"] == col] == [
        {"sheet": None, "row": 3, "column": col,
         "message": "身份证号“123”有 3 位，应为 18 位（17 位数字，最后一位是数字或 X）；已原样保留，请核对"},
        {"sheet": None, "row": 4, "column": col,
         "message": "身份证号“99010120100301011”有 17 位，应为 18 位（17 位数字，最后一位是数字或 X）；已原样保留，请核对"},
        {"sheet": None, "row": 5, "column": col,
         "message": "身份证号“9901012010030101AB”含有不该有的字符（只能是数字，最后一位可以是 X）；已原样保留，请核对"},
        {"sheet": None, "row": 9, "column": col, "message": "编号 99010120100418003x 与第 8 行重复"},
        {"sheet": None, "row": 10, "column": col,
         "message": "身份证号“99010120100517022０”用了全角字符（中文输入法打出的数字）；已原样保留，学籍等系统可能对不上，请核对"},
        {"sheet": None, "row": None, "column": col, "message": "身份证号为空：第 7 行"},
    ]
    roster = load_roster(path)
    assert roster.table["身份证号"].to_list() == [r[2] for r in ID_ROWS]  # untouched
    assert roster.names() == [r[0] for r in ID_ROWS]
    en = [p.text("en") for p in roster.warnings if p.key == "idcard_length"]
    assert en[0] == ("row 3, column 身份证号(C): ID number \u201c123\u201d has 3 characters, not 18 "
                     "(17 digits, then a digit or X); kept as written, check it")


def test_id_numbers_in_a_workbook_named_by_sheet_and_spreadsheet_row(tmp_path):
    path = tmp_path / "ids.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "初一"
    ws.append(["2026级新生名单"])
    ws.append([])
    ws.append(["学号", "姓名", "性别", "身份证号"])
    ws.append(["001", "张三", "男", "990101201003010119"])
    ws.append(["002", "李四", "女", "9901012010"])
    wb.save(path)
    roster = load_roster(path)
    assert roster.n == 2
    bad = [(p.key, p.sheet, p.row, p.column) for p in roster.problems if p.key.startswith("idcard")]
    assert bad == [("idcard_length", "初一", 5, "身份证号(D)")]


# --------------------------------------------------------------------------- 4. combined-sheet rows


def _two_sheets(tmp_path: Path) -> Path:
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    a = wb.active
    a.title = "原1班"
    b = wb.create_sheet("原2班")
    for ws in (a, b):
        ws.append(["姓名", "性别", "身份证号", "绑定", "预设班级"])
    a.append(["陈思远", "男", "990101201003010119", "1", "1"])
    a.append(["李四", "女", "990101201005170220", "", ""])
    b.append(["赵六", "女", "990101201003010119", "1", "2"])
    b.append(["王芳", "女", "99010120100418003X", "", ""])
    b.append(["王芳", "女", "99010120100102041X", "", ""])
    b.append(["陈思远", "男", "990101201007070522", "", ""])
    wb.save(path)
    return path


def test_row_lists_of_combined_sheets_grouped_by_sheet(tmp_path, capsys):
    path = _two_sheets(tmp_path)
    assert main(["check", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    messages = [p["message"] for p in out["errors"] + out["warnings"]]
    assert "姓名“陈思远”出现 2 次（原1班 第 2 行，原2班 第 5 行），按规则将分在不同班" in messages
    assert "姓名“王芳”出现 2 次（原2班 第 3、4 行），按规则将分在不同班" in messages
    assert "编号 990101201003010119 与原1班 第 2 行重复" in messages
    assert out["errors"] == [{"sheet": "原1班", "row": 2, "column": None,
                              "message": "绑定组“1”中的学生被预设到不同班级（原1班 第 2 行，原2班 第 2 行）"}]
    assert main(["check", str(path), "--json", "--lang", "en"]) == 1
    out = json.loads(capsys.readouterr().out)
    messages = [p["message"] for p in out["errors"] + out["warnings"]]
    assert ("name \u201c陈思远\u201d appears 2 times (sheet 原1班 row 2; sheet 原2班 row 5); they will go to "
            "different classes") in messages
    assert "name \u201c王芳\u201d appears 2 times (sheet 原2班 rows 3, 4); they will go to different classes" in messages
    assert "ID 990101201003010119 duplicates sheet 原1班 row 2" in messages


def test_row_lists_of_one_sheet_read_as_before(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("姓名,性别\n陈思远,男\n李四,女\n陈思远,男\n", encoding="utf-8")
    assert main(["check", str(path), "--json"]) == 1  # an exact duplicate row is an error
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == [
        {"sheet": None, "row": 4, "column": None,
         "message": "与第 2 行完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）"},
    ]
    assert out["warnings"] == [
        {"sheet": None, "row": 2, "column": None, "message": "姓名“陈思远”出现 2 次（第 2、4 行），按规则将分在不同班"},
    ]


def test_shared_case_09_same_name_reads_naturally():
    proc = _run("check", str(shared_file("cases", "09_merged_title_multisheet.xlsx")), "--json")
    assert proc.returncode == 0
    out = json.loads(proc.stdout)
    assert {"sheet": "原2班", "row": 4, "column": None,
            "message": "姓名“陈思远”出现 2 次（原2班 第 4、6 行），按规则将分在不同班"} in out["warnings"]


# --------------------------------------------------------------------------- 5. OS errors

OS_ZH = [
    (errno.EACCES, "没有权限"),
    (errno.EPERM, "操作不被允许"),
    (errno.ENOSPC, "磁盘空间已满"),
    (errno.EROFS, "文件系统是只读的"),
    (errno.ENOENT, "文件或文件夹不存在"),
    (errno.EISDIR, "这是一个文件夹，不是文件"),
    (errno.ENOTDIR, "路径中有一级不是文件夹"),
]


@pytest.mark.parametrize("code,zh", OS_ZH)
def test_os_errors_worded_in_chinese_and_kept_in_english(code, zh):
    exc = OSError(code, os.strerror(code), "/media/u/分班/a.csv")
    assert tr("cli_error", "zh", reason=OSReason(exc, with_file=True)) == f"出错了：{zh}：/media/u/分班/a.csv"
    assert tr("cli_error", "en", reason=OSReason(exc, with_file=True)) == \
        f"Error: {os.strerror(code)}: /media/u/分班/a.csv"
    # a reason passed as the system's text (exc.strerror), as the export's checks do
    assert tr("out_not_writable", "zh", path="/m", reason=os.strerror(code)).startswith(f"无法写入输出文件夹 /m（{zh}）")
    assert f"({os.strerror(code)})" in tr("out_not_writable", "en", path="/m", reason=os.strerror(code))


def test_output_below_a_file_refused_in_chinese(tmp_path, capsys):
    roster = _roster(tmp_path)
    out = roster / "结果"  # ENOTDIR: the roster file is not a folder
    assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--out", str(out), "-q"]) == 1
    assert capsys.readouterr().err == (f"无法写入输出文件夹 {out}（路径中有一级不是文件夹）：请换一个位置，"
                                       "或检查 U 盘是否写保护\n")
    assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--out", str(out), "-q", "--lang", "en"]) == 1
    assert "(Not a directory)" in capsys.readouterr().err


def test_rules_saved_onto_a_folder_refused_in_chinese(tmp_path, capsys):
    roster = _roster(tmp_path)
    folder = tmp_path / "规则"
    folder.mkdir()
    assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "o"), "-q",
                 "--save-rules", str(folder)]) == 1
    assert capsys.readouterr().err == f"出错了：这是一个文件夹，不是文件：{folder}\n"
    assert not (tmp_path / "o").exists()  # refused before the solve: no results written


def test_unreadable_roster_and_full_or_read_only_drive_in_chinese(tmp_path, capsys, monkeypatch):
    roster = _roster(tmp_path)
    real_read = Path.read_bytes

    def denied(self):
        if self == roster:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_read(self)

    with monkeypatch.context() as m:
        m.setattr(Path, "read_bytes", denied)
        assert main(["check", str(roster), "--json"]) == 1
        assert json.loads(capsys.readouterr().out) == _check_error(f"无法读取文件 {roster}：没有权限")
        assert main(["check", str(roster), "--lang", "en"]) == 1
        assert capsys.readouterr().err == f"Cannot read file {roster}: Permission denied\n"

    def read_only(*a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    with monkeypatch.context() as m:
        m.setattr(tempfile, "NamedTemporaryFile", read_only)
        out = tmp_path / "ro"
        assert main(["solve", str(roster), "--classes", "2", "--out", str(out), "-q"]) == 1
        assert capsys.readouterr().err.endswith(f"无法写入输出文件夹 {out}（文件系统是只读的）：请换一个位置，"
                                                "或检查 U 盘是否写保护\n")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", full)
        assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "f"), "-q"]) == 1
        assert capsys.readouterr().err == f"写出失败，{tmp_path / 'f'} 中什么都没有改动：磁盘空间已满\n"
        assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--out", str(tmp_path / "g"), "-q",
                     "--lang", "en"]) == 1
        assert capsys.readouterr().err == (f"Export failed; nothing in {tmp_path / 'g'} was changed: "
                                           f"{os.strerror(errno.ENOSPC)}\n")


def test_an_at_least_rule_on_a_missing_column_says_so_in_its_own_words(tmp_path, capsys):
    roster = _roster(tmp_path)
    out = tmp_path / "out"
    assert main(["solve", str(roster), "--classes", "2", "--at-least", "血型=A:1", "--out", str(out), "-q"]) == 1
    # said once (not the problem and then the same again as the last line)
    assert capsys.readouterr().err == ("“每班至少”规则用到的列“血型”不在名单中，不能分班：请改正或去掉这条规则后重试"
                                       "（名单本身没有错误）。\n")
    assert not out.exists()
    assert main(["solve", str(roster), "--classes", "2", "--at-least", "血型=A:1", "--out", str(out), "-q",
                 "--lang", "en"]) == 1
    assert capsys.readouterr().err == ("The \u201cat least\u201d rule names a column \u201c血型\u201d the roster does not "
                                       "have, so no classes can be made: correct or drop the rule and retry (the roster "
                                       "itself has no errors).\n")


def test_an_at_least_rule_typed_with_full_width_colon_reads_the_same():
    from fenban_tui.core.model import parse_at_least

    assert parse_at_least("性别=女：1") == parse_at_least("性别=女:1") == ("性别=女", 1)
    assert parse_at_least("住宿＝是：2") == ("住宿=是", 2)


# --------------------------------------------------------------------------- scores=, 每班至少 lists


def _scores_roster(tmp_path: Path) -> Path:
    """姓名 性别 语文 民族 英语 数学: 民族 is text, 英语 nobody sat (blank or 缺考)."""
    path = tmp_path / "s.csv"
    rows = [f"学生{i},{'男' if i % 2 else '女'},{70 + i},汉,{'缺考' if i % 2 else ''},{60 + i}" for i in range(6)]
    path.write_text("姓名,性别,语文,民族,英语,数学\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("scores,message", [
    ("scores=语文,性别", "成绩列“性别(B)”已用作性别列（gender），不能再当成绩：一列只能有一个用途，请从成绩中去掉它"),
    ("scores=A,语文", "成绩列“姓名(A)”已用作姓名列（name），不能再当成绩：一列只能有一个用途，请从成绩中去掉它"),
    ("scores=语文,民族", "成绩列“民族(D)”中没有数字（如“汉”），不能当成绩：请从成绩中去掉它，或检查列名"),
    ("scores=语文,英语", "成绩列“英语(E)”中没有分数（全部为空或缺考），不能当成绩：请从成绩中去掉它"),
    ("scores=语文,数学,C", "成绩中“语文(C)”列了两次：每列只能列一次"),
    ("scores=语文,物理", "{path}：表头中没有列“物理”（有：姓名、性别、语文、民族、英语、数学）"),
])
def test_every_listed_score_column_is_used_or_refused_by_name(tmp_path, capsys, scores, message):
    """--column scores=…: a listed column that is another role's, holds no
    numbers or no scores, or is listed twice is refused in one line naming it
    (it was dropped or doubled without a word)."""
    roster = _scores_roster(tmp_path)
    message = message.format(path=roster)
    assert main(["check", str(roster), "--column", scores, "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == _check_error(message)
    out = tmp_path / "out"
    assert main(["solve", str(roster), "--classes", "2", "--column", scores, "--out", str(out), "-q"]) == 1
    assert capsys.readouterr().err == message + "\n"
    assert not (out / "assignment.csv").exists()


def test_listed_score_columns_refused_in_english_and_kept_when_right(tmp_path, capsys):
    roster = _scores_roster(tmp_path)
    assert main(["check", str(roster), "--column", "scores=语文,性别", "--lang", "en"]) == 1
    assert capsys.readouterr().err == ("the score column \u201c性别(B)\u201d is already the gender column, so it cannot "
                                       "also be a score: a column has one role; drop it from the scores\n")
    assert main(["check", str(roster), "--column", "scores=语文,民族", "--lang", "en"]) == 1
    assert capsys.readouterr().err == ("the score column \u201c民族(D)\u201d holds no numbers (e.g. \u201c汉\u201d), so "
                                       "it cannot be a score: drop it from the scores or check the column name\n")
    # every listed column that holds scores is used, each once
    checked = check_roster(roster, rules=Rules(columns={"scores": ["语文", "F"]}))
    assert checked.usable and checked.cmap.scores == ["语文", "数学"]
    assert checked.values["数学"].to_list() == [60.0, 61.0, 62.0, 63.0, 64.0, 65.0]
    # the same through a rules file: the core refuses, not only the option parser
    with pytest.raises(FenbanError) as exc:
        load_roster(roster, columns={"scores": ["语文", "性别"]})
    assert exc.value.key == "scores_column_role"


def _boarding_roster(tmp_path: Path) -> Path:
    """12 students: 6 girls, 4 boarders."""
    path = tmp_path / "b.csv"
    rows = [f"学生{i:02d},{'女' if i % 2 else '男'},{'是' if i < 4 else '否'}" for i in range(12)]
    path.write_text("姓名,性别,住宿\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", ["性别=女:3；住宿=是:2", "性别=女:3; 住宿=是:2", "性别=女：3，住宿=是：2",
                                  "性别=女:3,住宿=是:2"])
def test_several_at_least_demands_in_one_option_are_each_kept(tmp_path, capsys, spec):
    """--at-least 性别=女:3；住宿=是:2 (；as a Chinese input method types it)
    is two demands, not one demand on the value 女:3；住宿=是."""
    roster = _boarding_roster(tmp_path)
    saved = tmp_path / "rules.toml"
    assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--at-least", spec, "--out",
                 str(tmp_path / "out"), "--save-rules", str(saved), "-q"]) == 0
    assert Rules.load(saved).at_least == {"性别=女": 3, "住宿=是": 2}
    # the second demand is enforced: one that cannot be met is named
    assert main(["solve", str(roster), "--classes", "2", "--seed", "1", "--at-least", spec.replace("2", "3"),
                 "--out", str(tmp_path / "o2"), "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "要求每班至少 3 名“住宿”为“是”的学生：2 个班需要 6 名，名单中只有 4 名")


@pytest.mark.parametrize("spec", ["性别=女:1；；住宿=是:1", "性别=女:1；", "；性别=女:1", "性别=女:1,,住宿=是:1"])
def test_an_empty_part_of_an_at_least_list_is_refused_in_words(tmp_path, capsys, spec):
    roster = _boarding_roster(tmp_path)
    out = tmp_path / "out"
    assert main(["solve", str(roster), "--classes", "2", "--at-least", spec, "--out", str(out), "-q"]) == 1
    assert capsys.readouterr().err == (f"“每班至少”规则“{spec}”中有空的一条（分号或逗号前后没有内容）：每条写成 列=值:人数，"
                                       "多条用；分开，如 性别=女:1；住宿=是:2\n")
    assert not out.exists()


def test_at_least_lists_split_alike_in_the_core_and_the_wizard():
    from fenban_tui.core.model import parse_at_least_all
    from fenban_tui.tui.screens.rules_step import read_at_least

    assert parse_at_least_all("性别=女:20；住宿=是:5") == [("性别=女", 20), ("住宿=是", 5)]
    # a comma inside one demand stays in its value; demands run together with a space are refused
    assert parse_at_least_all("学校=一中,二中:2") == [("学校=一中,二中", 2)]
    with pytest.raises(FenbanError) as exc:
        parse_at_least_all("性别=女:1 住宿=是:2")
    assert exc.value.key == "at_least_bad"
    assert read_at_least("性别=女:20；住宿=是:5", None, "zh") == {"性别=女": 20, "住宿=是": 5}
    assert read_at_least("性别=女:20;住宿=是:5", None, "zh") == {"性别=女": 20, "住宿=是": 5}
    assert read_at_least("", None, "zh") == {}
    assert read_at_least("性别=女:1；；住宿=是", None, "zh") == (
        "每班至少：有空的一条（；或，前后没有内容），多条写成 性别=女:1；住宿=是:2")
    assert read_at_least("性别=女:1;", None, "en") == (
        "At least: an empty part (nothing around a ; or ,); write 性别=女:1; 住宿=是:2")


def test_an_at_least_rule_that_cannot_be_met_does_not_blame_the_roster(tmp_path, capsys):
    """The last line says the 每班至少 rule is what stops the run (the roster is
    fine), not 名单有错误."""
    roster = _boarding_roster(tmp_path)
    cases = [
        (["--at-least", "血型=A:1"], "zh",  # the last line says it: once, not twice
         "“每班至少”规则用到的列“血型”不在名单中，不能分班：请改正或去掉这条规则后重试（名单本身没有错误）。\n"),
        (["--at-least", "性别=女:4"], "zh",
         "要求每班至少 4 名女生：2 个班需要 8 名，名单中只有 6 名\n"
         "“每班至少”规则无法满足，不能分班：请改动或去掉这条规则后重试（名单本身没有错误）。\n"),
        (["--at-least", "住宿=可能"], "zh",
         "“每班至少”规则：列“住宿”中没有“可能”（有：是、否）\n"
         "“每班至少”规则无法满足，不能分班：请改动或去掉这条规则后重试（名单本身没有错误）。\n"),
        (["--at-least", "血型=A:1"], "en",
         "The \u201cat least\u201d rule names a column \u201c血型\u201d the roster does not have, so no classes can "
         "be made: correct or drop the rule and retry (the roster itself has no errors).\n"),
        (["--at-least", "性别=女:4"], "en",
         "girls: at least 4 in every class, so 2 classes need 8; the roster has 6\n"
         "The \u201cat least\u201d rule cannot be met, so no classes can be made: change or drop the rule and retry "
         "(the roster itself has no errors).\n"),
    ]
    for extra, lang, err in cases:
        out = tmp_path / "out"
        assert main(["solve", str(roster), "--classes", "2", *extra, "--out", str(out), "-q", "--lang", lang]) == 1
        assert capsys.readouterr().err == err
        assert not out.exists()
    # fenban check ends the same way
    rules = tmp_path / "rules.toml"
    rules.write_text('classes = 2\n[at_least]\n"性别=女" = 4\n', encoding="utf-8")
    assert main(["check", str(roster), "--rules", str(rules)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "“每班至少”规则无法满足，不能分班：请改动或去掉这条规则后重试（名单本身没有错误）。")
    # a roster with errors of its own as well: both are said
    bad = tmp_path / "bad.csv"
    bad.write_text(roster.read_text(encoding="utf-8").replace("学生00,男", "学生00,X"), encoding="utf-8")
    assert main(["solve", str(bad), "--classes", "2", "--at-least", "性别=女:4", "--out", str(tmp_path / "o"),
                 "-q"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "名单有错误，“每班至少”规则也无法满足，不能分班。请修改后重试。"


def test_one_value_demanded_twice_with_different_counts_is_refused(tmp_path, capsys):
    """--at-least 性别=女:2 --at-least 性别=女:3: never the last silently winning."""
    from fenban_tui.core.model import at_least_dict
    from fenban_tui.tui.screens.rules_step import read_at_least

    roster = _roster(tmp_path)
    out = tmp_path / "out"
    assert main(["solve", str(roster), "--classes", "2", "--at-least", "性别=女:2", "--at-least", "性别 = 女:3",
                 "--out", str(out), "-q"]) == 1
    assert capsys.readouterr().err == "“每班至少”规则“性别=女”写了两次，人数不同（2 和 3）：只留一条\n"
    assert not out.exists()
    assert at_least_dict([("性别=女", 1), ("住宿=是", 2), ("性别 =女", 1)]) == {"性别=女": 1, "住宿=是": 2}
    assert read_at_least("性别=女:1；性别=女:2", None, "en") == (
        "the \u201cat least\u201d rule \u201c性别=女\u201d is given twice with different counts (1 and 2): keep one")


# --------------------------------------------------------------------------- a CSV has no sheets


def test_problems_name_the_sheet_of_a_workbook_and_no_sheet_of_a_csv(tmp_path, capsys):
    rows = [["甲", "男", "90"], ["甲", "男", "90"]]  # an exact duplicate row: a warning placed by row
    book = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "初一新生"
    for r in [["姓名", "性别", "语文"], *rows]:
        ws.append(r)
    wb.save(book)
    text = tmp_path / "名单.csv"
    text.write_text("\n".join(",".join(r) for r in [["姓名", "性别", "语文"], *rows]) + "\n", encoding="utf-8")
    dup_book = next(p for p in load_roster(book).problems if p.row == 3)
    dup_text = next(p for p in load_roster(text).problems if p.row == 3)
    assert dup_book.sheet == "初一新生" and dup_book.text("zh").startswith("工作表“初一新生”，第 3 行：")
    assert dup_text.sheet is None and dup_text.text("zh").startswith("第 3 行：")
    # the file-level refusals alike: a workbook's sheet named, a CSV's file alone
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["check", str(tmp_path / "x.csv")]) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'x.csv'}：找不到含“姓名”的表头行")
    wb = openpyxl.Workbook()
    wb.active.title = "表1"
    wb.active.append(["a", "b"])
    wb.active.append(["1", "2"])
    wb.save(tmp_path / "x.xlsx")
    assert main(["check", str(tmp_path / "x.xlsx")]) == 1
    assert capsys.readouterr().err.startswith(f"{tmp_path / 'x.xlsx'} 工作表“表1”：找不到含“姓名”的表头行")


# --------------------------------------------------------------------------- rules name students by any ID


def test_added_rules_name_students_by_student_number_id_number_or_row(tmp_path):
    from fenban_tui.core.model import build_model

    path = tmp_path / "ids.csv"
    lines = ["姓名,性别,学号,身份证号"] + [
        f"学生{i},{'男' if i % 2 else '女'},2024{i:03d},{990101201003010000 + i}" for i in range(8)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    roster = load_roster(path)
    assert roster.student_keys()[0] == "990101201003010000"  # FenBan writes the 身份证号
    rules = Rules(classes=2, together_extra=[["2024001", "990101201003010002"]], apart_extra=[["行8", "2024007"]],
                  pins_extra={"2024004": 2})
    hard = build_model(roster, rules).hard
    assert ("加规则·同班1", [1, 2]) in hard.together and ("加规则·分开1", [6, 7]) in hard.apart  # 行8: the 7th student
    assert hard.pins == {4: 1}
    # every unknown student named at once, in words that fit the CLI too
    with pytest.raises(FenbanError) as exc:
        build_model(roster, Rules(classes=2, together_extra=[["2024001", "X1"]], pins_extra={"X2": 1}))
    assert exc.value.text("zh").startswith("规则里的学生“X1”“X2”不在名单中（规则按学号、身份证号或“行12”指明学生")
    assert "规则步骤" not in exc.value.text("zh")


def test_pins_beyond_the_class_count_are_named_all_at_once(tmp_path, capsys):
    path = tmp_path / "pins.csv"
    rows = [f"学生{i},{'男' if i % 2 else '女'},{pin}" for i, pin in enumerate(["", "15", "", "16", "15", "2"])]
    path.write_text("姓名,性别,预设班级\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["solve", str(path), "--classes", "3", "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err.strip().endswith("第 3、5、6 行 预设班级“15”“16”应为 1 到 3 的班号")
    assert main(["--lang", "en", "solve", str(path), "--classes", "3", "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err.strip().endswith("rows 3, 5, 6: preset class 15, 16 should be a class number from 1 to 3")
    assert not (tmp_path / "o").exists()


def test_a_csv_rosters_rule_conflicts_name_no_sheet(tmp_path, capsys):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,性别,绑定,互斥\n甲,男,T1,A1\n乙,女,T1,A1\n丙,男,,\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}  学生 3 人"
    assert "  ✗ 第 2 行：第 2、3 行的学生既要同班（绑定“T1”）又要分开（互斥“A1”）" in out
    assert not any("工作表" in line for line in out)


def test_the_wizard_without_a_terminal_says_so_and_exits(tmp_path, monkeypatch, capsys):
    """`fenban x </dev/null` (cron, a pipe): no keys to read, nowhere to draw;
    the wizard once waited for ever writing escape codes."""
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["--demo"]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("fenban 向导要在终端里运行") and "fenban solve" in out.err
    assert main(["--lang", "en", "frobnicate"]) == 1
    assert capsys.readouterr().err.startswith("The fenban wizard needs a terminal")
    assert not (tmp_path / "data").exists()  # no session was started
