"""Issue 6: a fair, verifiable, private, USB-ready export.

One roster is solved once through the CLI (``solve --out``); the tests then
check the files, ``sha256sum -c``, ``fenban verify`` and what it names when
something changed."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fenban_tui.cli import main
from fenban_tui.core import samplegen
from fenban_tui.core.lottery import draw_teachers, pinyin_key, student_ids, teacher_key
from fenban_tui.core.usb import removable_drives, safe_filename, unique_names
from fenban_tui.i18n import FenbanError

from .figures import read_assignment

TEACHERS = ["张老师", "李老师", "王老师", "赵老师", "钱老师"]
LABELS = [f"七({i})班" for i in range(1, 5)]
ID_OR_PHONE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15}|1\d{10})(?!\d)")


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("roster")
    path = folder / "新生名单.xlsx"
    rows = samplegen.junior_rows(160, seed=23, absent=2, pins=1, twins=2, apart_pairs=1)
    samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER, rows, "2026级新生名单")
    (folder / "fast.toml").write_text('effort = 1\nlabel_pattern = "七({n})班"\n', encoding="utf-8")
    (folder / "teachers.txt").write_text("\n".join(TEACHERS) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def solved(roster_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("usb") / "分班结果"
    code = main(["solve", str(roster_file), "--classes", "4", "--seed", "2026 公开抽签 37",
                 "--rules", str(roster_file.parent / "fast.toml"), "--teachers", str(roster_file.parent / "teachers.txt"),
                 "--student-id", "2026{class:02d}{seq:02d}", "--out", str(out), "-q"])
    assert code == 0
    return out


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _resum(folder: Path) -> None:
    """Rewrite SHA256SUMS after a deliberate edit (a forger would)."""
    lines = []
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        name = line.split("  ", 1)[1]
        if not (folder / name).exists():
            continue  # a file taken away: its line goes too
        lines.append(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def _verify(folder: Path, roster: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fenban_tui", "verify", str(folder), "--roster", str(roster), *extra],
                          capture_output=True, text=True)


# --------------------------------------------------------------------------- done-when


def test_sha256sum_check_passes(solved):
    proc = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=solved, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line.split("  ", 1)[1] for line in (solved / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    on_disk = sorted(str(p.relative_to(solved)) for p in solved.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    assert sorted(listed) == on_disk
    assert {"assignment.csv", "分班结果.xlsx", "分班规则.toml", "manifest.json", "公示名单.csv", "公示名单.html",
            "班级名单.html", "分班记录.html", "班主任.csv"} <= set(listed)
    assert {f"各班名单/{lab}.csv" for lab in LABELS} <= set(listed)


def test_verify_passes_and_rerun_is_identical(solved, roster_file, capsys):
    assert main(["verify", str(solved), "--roster", str(roster_file)]) == 0
    out = capsys.readouterr().out
    assert "核验通过" in out and "班主任抽签" in out and "学号" in out
    assert main(["verify", str(solved), "--roster", str(roster_file), "--json", "--lang", "en"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and {f["key"] for f in report["findings"]} >= {"verify_sums_ok", "verify_classes_same"}


def test_manifest_records_everything(solved, roster_file):
    man = json.loads((solved / "manifest.json").read_text(encoding="utf-8"))
    assert man["roster"]["sha256"] == hashlib.sha256(roster_file.read_bytes()).hexdigest()
    assert man["roster"]["file"] == roster_file.name and man["roster"]["students"] == 160
    assert man["seed"] == "2026 公开抽签 37" and man["rules"]["classes"] == 4 and man["rules"]["effort"] == 1
    assert set(man["versions"]) >= {"fenban", "ortools", "polars", "python"}
    _, rows = read_assignment(solved / "assignment.csv")
    labels = [r["班级"] for r in rows]
    assert man["assignment"]["sha256"] == hashlib.sha256("".join(f"{x}\n" for x in labels).encode()).hexdigest()
    assert [c["label"] for c in man["classes"]] == LABELS
    assert sum(c["size"] for c in man["classes"]) == 160
    for name, h in man["files"].items():
        assert hashlib.sha256((solved / name).read_bytes()).hexdigest() == h


def test_changed_score_is_named(solved, roster_file, tmp_path):
    changed = tmp_path / "改过.xlsx"
    wb = openpyxl.load_workbook(roster_file)
    ws = wb.active
    header = [c.value for c in ws[2]]
    col = header.index("数学") + 1
    name = ws.cell(row=12, column=header.index("姓名") + 1).value
    ws.cell(row=12, column=col).value = float(ws.cell(row=12, column=col).value or 0) + 1.5
    wb.save(changed)
    proc = _verify(solved, changed)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    last = proc.stdout.strip().splitlines()[-1]
    assert "名单已改动" in last and "第 12 行" in last and name in last and "数学" in last


def test_changed_rules_are_named(solved, roster_file, tmp_path):
    folder = _copy(solved, tmp_path / "copy")
    toml = folder / "分班规则.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("2026 公开抽签 37", "2026 公开抽签 38"), encoding="utf-8")
    proc = _verify(folder, roster_file, "--lang", "en")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "rules changed" in proc.stdout and "seed" in proc.stdout and "分班规则.toml" in proc.stdout
    # other rules given on the command line: named too
    other = tmp_path / "other.toml"
    other.write_text(toml.read_text(encoding="utf-8").replace("classes = 4", "classes = 5"), encoding="utf-8")
    proc = _verify(solved, roster_file, "--rules", str(other))
    assert proc.returncode == 1 and "规则已改动" in proc.stdout and "classes" in proc.stdout


def test_versions_named_as_likely_cause(solved, roster_file, tmp_path, capsys):
    folder = _copy(solved, tmp_path / "old")
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    real = man["versions"]["ortools"]
    man["versions"]["ortools"] = "9.0.0"
    (folder / "manifest.json").write_text(json.dumps(man, ensure_ascii=False), encoding="utf-8")
    # an export made with another OR-Tools says so on its record page too
    record = folder / "分班记录.html"
    record.write_text(record.read_text(encoding="utf-8").replace(f"ortools {real}", "ortools 9.0.0"),
                      encoding="utf-8")
    _resum(folder)
    assert main(["verify", str(folder), "--roster", str(roster_file)]) == 0  # a warning only: classes identical
    assert "ortools 9.0.0 →" in capsys.readouterr().out
    man["assignment"]["sha256"] = man["assignment"]["draw_sha256"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(man, ensure_ascii=False), encoding="utf-8")
    _resum(folder)
    assert main(["verify", str(folder), "--roster", str(roster_file)]) == 1
    assert "软件版本不同所致" in capsys.readouterr().out.strip().splitlines()[-1]


def test_edited_result_file_is_caught(solved, roster_file, tmp_path, capsys):
    folder = _copy(solved, tmp_path / "edited")
    path = folder / "assignment.csv"
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(("\ufeff" + text.replace("七(1)班", "七(2)班", 1)).encode("utf-8"))
    assert main(["verify", str(folder), "--roster", str(roster_file)]) == 1
    out = capsys.readouterr().out
    assert "assignment.csv" in out and "改动" in out


@pytest.mark.parametrize("name", ["公示名单.csv", "班主任.csv", "各班名单/七(1)班.csv", "分班结果.xlsx"])
def test_edited_published_file_is_named_even_with_new_sums(solved, roster_file, tmp_path, capsys, name):
    """A forger who edits the 公示 list, the teacher draw, a class list or the
    workbook and makes SHA256SUMS again is still caught, by file name."""
    folder = _copy(solved, tmp_path / "forged")
    path = folder / name
    if name.endswith(".xlsx"):
        wb = openpyxl.load_workbook(path)
        ws = wb["七(1)班"]
        ws.cell(row=3, column=2).value = "冒名顶替"
        wb.save(path)
    else:
        text = path.read_bytes().decode("utf-8-sig")
        a, b = (TEACHERS[0], TEACHERS[1]) if name == "班主任.csv" else ("七(1)班", "七(2)班")
        if name.startswith("各班名单"):
            a, b = text.splitlines()[1].split(",")[1], "冒名顶替"
        swapped = text.replace(a, "\0").replace(b, a).replace("\0", b)
        assert swapped != text
        path.write_bytes(("\ufeff" + swapped).encode("utf-8"))
    _resum(folder)
    assert main(["verify", str(folder), "--roster", str(roster_file)]) == 1
    out = capsys.readouterr().out
    assert name in out and "改动" in out
    # the untouched export passes, the regenerated files included
    assert main(["verify", str(solved), "--roster", str(roster_file)]) == 0
    assert "完全一致" in capsys.readouterr().out


def test_verify_bad_folder_one_line(tmp_path, roster_file):
    proc = _verify(tmp_path, roster_file)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "manifest.json" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_refuses_to_overwrite_without_force(solved, roster_file, capsys):
    before = (solved / "SHA256SUMS").read_bytes()
    assert main(["solve", str(roster_file), "--classes", "4", "--out", str(solved), "-q"]) == 1
    assert "--force" in capsys.readouterr().err
    assert (solved / "SHA256SUMS").read_bytes() == before


# --------------------------------------------------------------------------- the files


def test_workbook_class_sheets_summary_and_chart(solved):
    wb = openpyxl.load_workbook(solved / "分班结果.xlsx")
    assert wb.sheetnames == ["汇总"] + LABELS + ["统计"]
    header = [c.value for c in wb["汇总"][2]]
    assert header[-1] == "班主任"
    drawn = {r[0]: r[-1] for r in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    man = json.loads((solved / "manifest.json").read_text(encoding="utf-8"))
    assert drawn == man["teachers"]["draw"]
    stats = wb["统计"]
    assert [c.value for c in stats[1]][:4] == ["班级", "语文平均", "数学平均", "英语平均"]
    _, rows = read_assignment(solved / "assignment.csv")
    for r in stats.iter_rows(min_row=2, max_row=5, values_only=True):
        vals = [float(x["语文"]) for x in rows if x["班级"] == r[0] and x["语文"] not in ("", "缺考")]
        assert abs(r[1] - sum(vals) / len(vals)) < 1e-9
    assert len(stats._charts) == 1


def test_class_csvs_and_printable_lists(solved):
    _, rows = read_assignment(solved / "assignment.csv")
    html = (solved / "班级名单.html").read_text(encoding="utf-8")
    assert html.count('<section class="sheet">') == 4 and "size: A4" in html and "Noto Sans CJK SC" in html
    assert not ID_OR_PHONE.search(html)
    sections = html.split('<section class="sheet">')[1:]
    for label, section in zip(LABELS, sections):
        header, mine = read_assignment(solved / "各班名单" / f"{label}.csv")
        expect = [r for r in rows if r["班级"] == label]
        # for Excel: an all-digit 18-digit ID is written ="…" (shown as that text, never
        # 9.90101E+17); one ending in X is text to Excel already and stays as it is
        def for_excel(v: str) -> str:
            return f'="{v}"' if v.isdigit() and len(v) == 18 else v

        assert [r["身份证号"] for r in mine] == [for_excel(r["身份证号"]) for r in expect]
        assert any(r["身份证号"].startswith('="') for r in mine)
        assert all(r["姓名"] in section for r in expect) and label in section
        ids = [r["学号"] for r in mine]
        assert ids == [f"2026{LABELS.index(label) + 1:02d}{i:02d}" for i in range(1, len(mine) + 1)]


def test_public_list_has_no_id_or_phone(solved):
    raw = (solved / "公示名单.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["姓名", "性别", "班级"] and len(table) == 161
    _, rows = read_assignment(solved / "assignment.csv")
    assert sorted((r[0], r[2]) for r in table[1:]) == sorted((r["姓名"], r["班级"]) for r in rows)
    for name in ("公示名单.csv", "公示名单.html"):
        body = (solved / name).read_text(encoding="utf-8-sig")
        assert not ID_OR_PHONE.search(body), name
        assert not any(r["身份证号"] in body or r["家长电话"] in body for r in rows)
    record = (solved / "分班记录.html").read_text(encoding="utf-8")
    man = json.loads((solved / "manifest.json").read_text(encoding="utf-8"))
    assert man["roster"]["sha256"] in record and "2026 公开抽签 37" in record and "fenban verify" in record


def test_masked_names_and_gb18030(roster_file, tmp_path):
    out = tmp_path / "gb"
    assert main(["solve", str(roster_file), "--classes", "4", "--rules", str(roster_file.parent / "fast.toml"),
                 "--mask-names", "--csv-encoding", "gb18030", "--student-id", "{class}-{seq:03d}",
                 "--student-id-order", "name", "--out", str(out), "-q"]) == 0
    raw = (out / "公示名单.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("gb18030"))))
    for name, _, _ in table[1:]:
        assert name[1] == "*" and not ID_OR_PHONE.search(name)
    text = (out / "assignment.csv").read_bytes().decode("gb18030")
    rows = list(csv.DictReader(io.StringIO(text)))
    one = sorted((r for r in rows if r["班级"] == "七(1)班"), key=lambda r: r["学号"])
    assert [pinyin_key(r["姓名"]) for r in one] == sorted(pinyin_key(r["姓名"]) for r in one)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 0


def test_overwrite_removes_stale_class_files(roster_file, tmp_path):
    out = tmp_path / "o"
    fast = str(roster_file.parent / "fast.toml")
    assert main(["solve", str(roster_file), "--classes", "4", "--rules", fast, "--out", str(out), "-q"]) == 0
    assert main(["solve", str(roster_file), "--classes", "3", "--rules", fast, "--out", str(out), "-q", "--force"]) == 0
    assert sorted(p.name for p in (out / "各班名单").iterdir()) == [f"七({i})班.csv" for i in (1, 2, 3)]
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out).returncode == 0


# --------------------------------------------------------------------------- lottery, 学号, names, drives


def test_teacher_lottery_deterministic_and_documented():
    a = draw_teachers(TEACHERS, LABELS, "2026 公开抽签 37")
    again = draw_teachers(list(reversed(TEACHERS)), LABELS, " 2026 公开抽签 37 ")  # the order typed does not matter
    assert (a.by_class, a.reserves) == (again.by_class, again.reserves)
    by_hand = sorted(TEACHERS, key=lambda t: hashlib.sha256(f"teachers:2026 公开抽签 37\n{t}".encode()).hexdigest())
    assert list(a.by_class.values()) == by_hand[:4] and a.reserves == by_hand[4:]
    assert teacher_key("x", "张老师") == hashlib.sha256("teachers:x\n张老师".encode()).hexdigest()
    others = {tuple(draw_teachers(TEACHERS, LABELS, f"种子{i}").by_class.values()) for i in range(6)}
    assert len(others) > 1
    with pytest.raises(FenbanError) as exc:
        draw_teachers(TEACHERS[:3], LABELS, "1")
    assert exc.value.key == "teachers_too_few"
    with pytest.raises(FenbanError):
        draw_teachers(["张老师", "张老师 ", "李老师", "王老师"], LABELS, "1")


def test_teachers_from_a_spreadsheet_column(roster_file, tmp_path):
    from fenban_tui.core.lottery import load_teachers

    path = tmp_path / "班主任.xlsx"
    samplegen.write_xlsx(path, ["序号", "班主任", "学科"], [[i, t, "语文"] for i, t in enumerate(TEACHERS, 1)],
                         "班主任名单")
    assert load_teachers(path) == TEACHERS
    plain = tmp_path / "plain.csv"
    plain.write_text("".join(f"{i},{t}\n" for i, t in enumerate(TEACHERS, 1)), encoding="gb18030")
    assert load_teachers(plain) == TEACHERS


def test_student_ids_orders_and_errors():
    import numpy as np

    classes = np.array([1, 0, 1, 0, 1])
    names = ["赵六", "王五", "陈一", "李四", "张三"]
    assert student_ids("26{class}{seq:02d}", "roster", classes, 2, names, None) == \
        ["26201", "26101", "26202", "26102", "26203"]
    by_name = student_ids("{class}{seq}", "name", classes, 2, names, None)
    assert by_name == ["23", "12", "21", "11", "22"]  # 陈 < 张 < 赵; 李 < 王
    by_score = student_ids("{class}{seq}", "score", classes, 2, names, [50.0, 90.0, None, 95.0, 80.0])
    assert by_score == ["22", "12", "23", "11", "21"]
    for bad in ("{class}", "{klass}{seq}", "{seq:q}"):
        with pytest.raises(FenbanError) as exc:
            student_ids(bad, "roster", classes, 2, names, None)
        assert exc.value.key == "sid_pattern_bad"
    with pytest.raises(FenbanError):
        student_ids("{seq}", "roster", classes, 2, names, None)  # repeats across classes


def test_bad_student_id_pattern_one_line(roster_file, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "fenban_tui", "solve", str(roster_file), "--classes", "4",
                           "--student-id", "{klass}", "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "学号格式" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("raw,expect", [
    ("七(1)班.csv", "七(1)班.csv"),
    ('a:b*c?d"e<f>g|h.csv', "a_b_c_d_e_f_g_h.csv"),
    ("班级. ", "班级"),
    ("CON.csv", "_CON.csv"),
    ("tab\there", "tab_here"),
])
def test_safe_filename(raw, expect):
    assert safe_filename(raw) == expect


def test_safe_filename_length_and_uniqueness():
    long = "很长的班级名称" * 30 + ".csv"
    name = safe_filename(long)
    assert len(name.encode("utf-8")) <= 255 and name.endswith(".csv")
    assert unique_names(["1班.csv", "1班.CSV", "1:班.csv", "1_班.csv"]) == ["1班.csv", "1班~2.CSV", "1_班.csv",
                                                                           "1_班~2.csv"]


def test_removable_drives_from_lsblk(tmp_path):
    stick, disk = tmp_path / "media" / "U盘", tmp_path / "data"
    stick.mkdir(parents=True)
    disk.mkdir()
    lsblk = {"blockdevices": [
        {"name": "sda", "rm": False, "hotplug": False, "tran": "sata", "mountpoint": None, "children": [
            {"name": "sda1", "rm": False, "hotplug": False, "mountpoint": str(disk), "size": 1000}]},
        {"name": "sdb", "rm": True, "hotplug": True, "tran": "usb", "mountpoint": None, "children": [
            {"name": "sdb1", "rm": True, "mountpoint": str(stick), "size": 16_000_000_000, "label": "KINGSTON",
             "fstype": "vfat"}]},
    ]}
    drives = removable_drives(json.dumps(lsblk), mounts=[])
    assert [d.path for d in drives] == [stick]
    assert drives[0].label == "KINGSTON" and drives[0].fstype == "vfat" and drives[0].free
    assert "KINGSTON" in drives[0].describe()
    assert removable_drives("not json", mounts=[]) == []


# --------------------------------------------------------------------------- writing


@pytest.fixture(scope="module")
def small_placement(roster_file):
    from fenban_tui.core.api import check_roster, solve_roster
    from fenban_tui.core.rules import Rules

    return solve_roster(check_roster(roster_file), Rules(classes=4, seed="5", effort=1, label_pattern="七({n})班"))


def test_no_space_refused_before_writing(small_placement, tmp_path, monkeypatch):
    from fenban_tui.core import usb
    from fenban_tui.core.api import export_placement

    monkeypatch.setattr(usb, "free_bytes", lambda path: 100_000)
    with pytest.raises(FenbanError) as exc:
        export_placement(small_placement, tmp_path / "full")
    assert exc.value.key == "usb_no_space" and "空间不足" in exc.value.text()
    assert not (tmp_path / "full").exists()


def test_read_back_catches_a_bad_write(small_placement, tmp_path, monkeypatch):
    from fenban_tui.core import export
    from fenban_tui.core.api import export_placement

    real = export._fsynced_write  # files are written in the staging folder first

    def flaky(path, data, mode):
        real(path, data[:-1] + b"?" if Path(path).name == "公示名单.csv" else data, mode)

    monkeypatch.setattr(export, "_fsynced_write", flaky)
    with pytest.raises(FenbanError) as exc:
        export_placement(small_placement, tmp_path / "bad")
    assert exc.value.key == "export_readback_bad" and "公示名单.csv" in exc.value.text()


def test_core_refuses_overwrite_unless_asked(small_placement, tmp_path):
    from fenban_tui.core.api import export_placement

    first = export_placement(small_placement, tmp_path / "o")
    assert first.verified == len(first.paths)
    with pytest.raises(FenbanError) as exc:
        export_placement(small_placement, tmp_path / "o")
    assert exc.value.key == "out_exists_files"
    export_placement(small_placement, tmp_path / "o", overwrite=True)


def test_hand_adjustments_on_record_and_verified(small_placement, roster_file, tmp_path, capsys):
    """Classes changed by hand after the draw (复核): the manifest lists the
    changes, verify re-runs the draw, applies them and passes, saying so."""
    from fenban_tui.core.api import export_placement, placement_of

    drawn = small_placement.classes.copy()
    final = drawn.copy()
    a = int(next(i for i in range(len(final)) if final[i] == 0))
    b = int(next(i for i in range(len(final)) if final[i] == 1))
    final[a], final[b] = 1, 0
    # a third student moved by a re-solve, not by hand
    c = int(next(i for i in range(len(final)) if final[i] == 2))
    d = int(next(i for i in range(len(final)) if final[i] == 3))
    final[c], final[d] = 3, 2
    edited = placement_of(small_placement.roster, small_placement.rules, final)
    out = tmp_path / "adjusted"
    export_placement(edited, out, drawn=drawn, hand=[a, b])
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [x[0] for x in man["assignment"]["adjusted"]] == sorted([a, b, c, d])
    assert man["assignment"]["by_hand"] == sorted([a, b])
    record = (out / "分班记录.html").read_text(encoding="utf-8")
    assert "复核调整" in record and "手动移动或对调 2 人，锁定后重新分班时由电脑调整 2 人" in record
    # every hand move is listed in the record's table, by row
    refs = small_placement.roster.row_refs()
    assert all(f"<td>{refs[i]}</td>" in record for i in (a, b))
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 0
    assert "调整的 4 名学生（手动 2 名，重新分班 2 名）" in capsys.readouterr().out
    # an adjustment that is not on record is caught
    man["assignment"]["adjusted"] = man["assignment"]["adjusted"][:1]
    (out / "manifest.json").write_text(json.dumps(man, ensure_ascii=False), encoding="utf-8")
    _resum(out)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1


@pytest.mark.parametrize("raw, masked", [("张三", "张*"), ("张三明", "张*明"), ("欧阳娜娜", "欧**娜"),
                                         ("叶\u3000志轩", "叶*轩"), ("欧阳 娜娜", "欧**娜"), ("李", "*"), (" 李 ", "*"), ("", "")])
def test_mask_name_counts_characters_not_spaces(raw, masked):
    from fenban_tui.core.export import mask_name

    assert mask_name(raw) == masked


def test_verify_with_a_roster_the_recorded_rules_do_not_fit(roster_file, tmp_path, capsys):
    """A rule added in the wizard names a student by ID; verify against another
    roster says it is not the roster of the draw (not 'remove the rule')."""
    from fenban_tui.core.api import check_roster

    key = check_roster(roster_file).student_keys()[0]
    rules = tmp_path / "r.toml"
    rules.write_text(f'effort = 1\n[pins_extra]\n"{key}" = 2\n', encoding="utf-8")
    out = tmp_path / "o"
    assert main(["solve", str(roster_file), "--classes", "4", "--seed", "1", "--rules", str(rules),
                 "--out", str(out), "-q"]) == 0
    other = tmp_path / "other.xlsx"
    rows = samplegen.junior_rows(160, seed=99, absent=2, pins=1, twins=2, apart_pairs=1)
    samplegen.write_xlsx(other, samplegen.JUNIOR_HEADER, rows, "另一份名单")
    assert main(["verify", str(out), "--roster", str(other)]) == 1
    text = capsys.readouterr().out
    assert "不是分班时用的名单" in text or "名单已改动" in text
    assert "删掉这条规则" not in text


@pytest.mark.parametrize("forgery", ["record", "deleted", "extra", "figures"])
def test_forged_or_incomplete_folders_fail_verify(solved, roster_file, tmp_path, capsys, forgery):
    folder = _copy(solved, tmp_path / "forged")
    if forgery == "record":  # the record page says another seed
        page = folder / "分班记录.html"
        page.write_text(page.read_text(encoding="utf-8").replace("2026 公开抽签 37", "2026 公开抽签 38"),
                        encoding="utf-8")
        named = "分班记录.html"
    elif forgery == "deleted":
        (folder / "公示名单.html").unlink()
        named = "公示名单.html"
    elif forgery == "extra":
        shutil.copy(folder / "各班名单" / "七(1)班.csv", folder / "各班名单" / "七(9)班.csv")
        named = "七(9)班.csv"
    else:  # a class mean in the manifest
        man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        subject = next(iter(man["classes"][0]["means"]))
        man["classes"][0]["means"][subject] += 0.5
        (folder / "manifest.json").write_text(json.dumps(man, ensure_ascii=False), encoding="utf-8")
        named = "manifest.json"
    _resum(folder)
    # a file of one's own beside the results does not matter
    (folder / "说明.txt").write_text("给校长", encoding="utf-8")
    assert main(["verify", str(folder), "--roster", str(roster_file)]) == 1
    out = capsys.readouterr().out
    assert named in out and "说明.txt" not in out


def test_class_list_cells_excel_would_damage_are_written_as_text():
    from fenban_tui.core.export import csv_bytes, excel_text

    cells = ["990101201003010119", "99010120100418003X", "001", "0", "13912345678", "85.5", "缺考", "张三",
             "+8613800000000", "012.5", "-012", "-3", "-0.5", "0.5", "=1+2", '@SUM(1)', '=HYPERLINK("x")', "-", "- 说明"]
    assert [excel_text(v) for v in cells] == [
        '="990101201003010119"', "99010120100418003X", '="001"', "0", "13912345678", "85.5", "缺考", "张三",
        '="+8613800000000"', '="012.5"', '="-012"', "-3", "-0.5", "0.5", '="=1+2"', '="@SUM(1)"',
        '="=HYPERLINK(""x"")"', "-", '="- 说明"']
    # as the csv module writes it, and reads it back
    raw = csv_bytes(["身份证号", "学号"], [[excel_text("990101201003010119"), excel_text("007")]])
    assert raw.decode("utf-8-sig").splitlines()[1] == '"=""990101201003010119""","=""007"""'


def test_verify_names_the_rows_deleted_from_the_roster(tmp_path, capsys):
    roster = tmp_path / "r.csv"
    lines = ["姓名,性别"] + [f"学生{i:02d},{'男' if i % 2 else '女'}" for i in range(20)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["solve", str(roster), "--classes", "2", "--out", str(out), "-q"]) == 0
    # rows 5 and 12 (学生03, 学生10) deleted from the file
    roster.write_text("\n".join(l for n, l in enumerate(lines, start=1) if n not in (5, 12)) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(out), "--roster", str(roster)]) == 1
    text = capsys.readouterr().out
    assert "学生人数由 20 变为 18" in text and "分班时名单的第 5、12 行不见了或改过" in text
    assert main(["--lang", "en", "verify", str(out), "--roster", str(roster)]) == 1
    assert "rows 5, 12 of the roster of the draw are gone or changed" in capsys.readouterr().out
