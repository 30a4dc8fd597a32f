"""What the operator is told: --lang anywhere, the seed of a grouped run, the
缺考 part of the 总分 range, the free-space estimate, the open problems of the
final classes on record, and the students verify names."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from fenban_tui.cli import main
from fenban_tui.core import samplegen
from fenban_tui.i18n import FenbanError


def _resum(folder: Path) -> None:
    """Rewrite SHA256SUMS after a deliberate edit (as a forger would)."""
    lines = []
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        name = line.split("  ", 1)[1]
        lines.append(f"{hashlib.sha256((folder / name).read_bytes()).hexdigest()}  {name}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory) -> Path:
    """160 students; row 5's student bears row 3's name (two students, one name)."""
    folder = tmp_path_factory.mktemp("roster")
    path = folder / "新生名单.xlsx"
    rows = samplegen.junior_rows(160, seed=23, absent=2, pins=1, twins=2, apart_pairs=1)
    name = samplegen.JUNIOR_HEADER.index("姓名")
    rows[2][name] = rows[0][name]
    samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER, rows, "2026级新生名单")
    (folder / "fast.toml").write_text('effort = 1\nlabel_pattern = "七({n})班"\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def placement(roster_file):
    from fenban_tui.core.api import check_roster, solve_roster
    from fenban_tui.core.rules import Rules

    return solve_roster(check_roster(roster_file), Rules(classes=4, seed="5", effort=1, label_pattern="七({n})班"))


# --------------------------------------------------------------------------- 1. --lang anywhere


@pytest.fixture()
def bad_xlsx(tmp_path) -> Path:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"x")
    return path


@pytest.mark.parametrize("lang", [["--lang", "en"], ["--lang=en"]])
def test_lang_before_the_subcommand(bad_xlsx, capsys, lang):
    assert main([*lang, "check", str(bad_xlsx)]) == 1
    err = capsys.readouterr().err.strip()
    # the file is text named .xlsx: no sheets to name
    assert err == (f"{bad_xlsx}: no header row with a name column (姓名) was found "
                   "(no header at all? add --no-header and map columns with --column)")


def test_lang_before_a_mistyped_subcommand_keeps_the_suggestion(capsys):
    assert main(["--lang", "en", "chek", "x", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["errors"][0]["message"] == ("There is no subcommand \u201cchek\u201d; did you mean check? "
                                           "(see fenban check --help)")
    assert main(["chek", "--lang=en", "x"]) == 1
    assert capsys.readouterr().err.strip() == ("There is no subcommand \u201cchek\u201d; did you mean check? "
                                               "(see fenban check --help)")


def test_lang_anywhere_still_refuses_a_bad_value(bad_xlsx, capsys):
    assert main(["--lang", "fr", "check", str(bad_xlsx)]) == 1
    assert capsys.readouterr().err.strip() == ("命令参数有误：--lang 的值 'fr' 不可用（可选：'zh', 'en'）"
                                               "（fenban check --help 查看用法）")
    assert main(["check", str(bad_xlsx), "--lang"]) == 1
    assert capsys.readouterr().err.strip() == "命令参数有误：--lang 后面缺少值（fenban check --help 查看用法）"


# --------------------------------------------------------------------------- 2. grouped runs print the seed


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """Two admitting schools, 90 and 50 students: 3 classes of 30 and 2 of 25."""
    folder = tmp_path_factory.mktemp("district")
    path = folder / "district.csv"
    rows = []
    for school, seed, n in (("第一中学", 1, 90), ("第二中学", 2, 50)):
        for r in samplegen.junior_rows(n, seed=seed, absent=1, pins=1, twins=1, apart_pairs=1):
            rows.append([school] + ["" if v is None else v for v in r])
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["录取学校"] + samplegen.JUNIOR_HEADER)
        w.writerows(rows)
    (folder / "fast.toml").write_text("effort = 1\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang, line", [
    ("zh", "140 名学生按“录取学校”分 2 组各自分班，随机种子：抽签 9（每组的种子由此种子和组名算出）"),
    ("en", "140 students in 2 groups by \u201c录取学校\u201d, each divided on its own, seed: 抽签 9 "
           "(each group's seed is derived from it and the group's name)"),
])
def test_grouped_solve_prints_the_seed(district, tmp_path, capsys, lang, line):
    out = tmp_path / "out"
    assert main(["--lang", lang, "solve", str(district), "--group-by", "录取学校", "--class-size", "30",
                 "--seed", "抽签 9", "--rules", str(district.parent / "fast.toml"), "--out", str(out)]) == 0
    assert line in capsys.readouterr().out.splitlines()
    # schools differ in class size (30 and 25): not an open problem of the classes
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert man["open_problems"] == []
    assert "未解决的问题" not in (out / "分班记录.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- 3. the 缺考 part of the 总分 range


ABSENT_CSV = """姓名,性别,语文,数学,总分
甲一,男,缺考,80,80
乙二,女,90,70,160
丙三,男,85,75,160
丁四,女,70,90,160
戊五,男,95,65,160
己六,女,60,85,145
庚七,男,75,90,165
辛八,女,88,70,158
"""


@pytest.mark.parametrize("together, zh, en", [
    # the estimate (what 缺考 would force with level subject means) exceeds the range itself
    ((1, 2, 3), "总分 平均分极差 17.000（缺考造成约 20.107）",
     "总分 mean range 17.000 (absent students' missing exams force about 20.107)"),
    # within the range: "of which"
    ((1, 2, 5), "总分 平均分极差 24.500（其中缺考造成 20.107）",
     "总分 mean range 24.500 (of which 20.107 is forced by absent students' missing exams)"),
])
def test_absent_part_of_the_total_range_is_always_said(tmp_path, together, zh, en):
    from fenban_tui.core.api import check_roster, format_summary, gap_lines, placement_of
    from fenban_tui.core.rules import Rules

    path = tmp_path / "absent.csv"
    path.write_text(ABSENT_CSV, encoding="utf-8")
    roster = check_roster(path)
    classes = np.ones(8, dtype=np.int64)
    classes[[0, *together]] = 0  # 甲一 (缺考 语文) with three others
    p = placement_of(roster, Rules(classes=2, seed="1"), classes)
    assert zh in gap_lines(p, "zh")
    assert en in gap_lines(p, "en")
    assert zh in format_summary(p, "zh")


# --------------------------------------------------------------------------- 4. free space


def _on_disk(folder: Path) -> int:
    """Bytes the folder takes on the drive (what du counts)."""
    return sum(p.stat().st_blocks * 512 for p in [folder, *folder.rglob("*")])


def test_free_space_estimate_is_close_to_what_is_written(placement, tmp_path, monkeypatch):
    from fenban_tui.core import usb
    from fenban_tui.core.api import export_placement
    from fenban_tui.core.export import build_files, export_space_needed

    asked = []
    real = usb.has_room

    def spy(folder, needed):
        asked.append(needed)
        return real(folder, needed)

    monkeypatch.setattr(usb, "has_room", spy)
    out = tmp_path / "out"
    export_placement(placement, out)
    written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    on_disk = _on_disk(out)
    (staged,) = asked  # written in a staging folder first: one folder more than ends up there
    assert staged >= written
    assert on_disk * 0.9 <= staged <= on_disk * 1.1 + 16 * 1024, (staged, on_disk, written)
    # what a refusal names: the estimate and a modest margin, not several times the export
    monkeypatch.setattr(usb, "has_room", real)
    needed = export_space_needed(tmp_path / "full", build_files(placement.roster, placement.rules, placement.model,
                                                                placement.classes))
    assert 0 < staged - needed <= 64 * 1024
    monkeypatch.setattr(usb, "free_bytes", lambda path: 1)
    with pytest.raises(FenbanError) as exc:
        export_placement(placement, tmp_path / "full")
    asked_for = needed + 64 * 1024 + needed // 20
    assert exc.value.text() == f"{tmp_path / 'full'} 空间不足：需要约 {usb.human_bytes(asked_for)}，只剩 1 B；什么都没有写"
    assert asked_for <= on_disk * 1.2 + 80 * 1024


def test_a_nearly_full_stick_that_holds_the_export_is_used(placement, tmp_path, monkeypatch):
    from fenban_tui.core import usb
    from fenban_tui.core.api import export_placement

    first = tmp_path / "first"
    export_placement(placement, first)
    size = _on_disk(first)
    # free: 20% more than the export takes (the tester's stick: 1.0 MB free for 344 KB)
    monkeypatch.setattr(usb, "free_bytes", lambda path: int(size * 1.2) + 80 * 1024)
    result = export_placement(placement, tmp_path / "usb")
    assert result.verified == len(result.paths)
    # and one that does not hold it is refused before anything is written
    monkeypatch.setattr(usb, "free_bytes", lambda path: size // 2)
    with pytest.raises(FenbanError) as exc:
        export_placement(placement, tmp_path / "small")
    assert exc.value.key == "usb_no_space" and not (tmp_path / "small").exists()


# --------------------------------------------------------------------------- 5. open problems on record


@pytest.fixture(scope="module")
def overridden(placement, tmp_path_factory):
    """The wizard's review: one of two same-name students moved into the other's
    class anyway (sizes now two apart), exported after the confirmation."""
    from fenban_tui.core.api import export_placement, placement_of
    from fenban_tui.core.review import Review

    rv = Review(placement.model, placement.classes)
    a, b = 0, 2  # rows 3 and 5: one name
    refused = rv.move(b, int(rv.classes[a]))
    assert not refused.ok and {r.key for r in refused.reasons} == {"review_same_name", "review_size"}
    assert rv.move(b, int(rv.classes[a]), override=True).ok
    texts = [r.text("zh") for r in rv.problems()]
    edited = placement_of(placement.roster, placement.rules, rv.classes)
    out = tmp_path_factory.mktemp("usb") / "分班结果"
    export_placement(edited, out, drawn=rv.original, hand=sorted(rv.edited))
    return out, rv, texts


def test_open_problems_in_the_manifest_and_on_the_record_page(overridden, placement):
    out, rv, texts = overridden
    name = placement.roster.names()[0]
    cls = placement.labels[int(rv.classes[0])]
    assert texts[0] == f"同名同班：第 3 行（{name}）、第 5 行（{name}） 同在 {cls}"
    assert texts[1].startswith("人数不均：") and texts[1].endswith(" 39 人")
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [p["text"] for p in man["open_problems"]] == texts
    assert [p["key"] for p in man["open_problems"]] == ["review_same_name_broken", "review_size_broken"]
    record = (out / "分班记录.html").read_text(encoding="utf-8")
    assert "<h2>未解决的问题</h2>" in record and "最终分班仍违反以下 2 条硬性规则" in record
    for t in texts:
        assert f"<td>{t}</td>" in record


def test_verify_passes_but_names_the_open_problems(overridden, roster_file, capsys):
    out, rv, texts = overridden
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for t in texts:
        assert f"  ! 最终分班违反硬性规则（复核时由操作人确认保留）：{t}" in lines
    assert lines[-1] == ("核验通过：电脑分班结果可复现；复核时调整的 1 名学生（手动 1 名，重新分班 0 名）与记录一致；"
                         "但最终分班仍违反 2 条硬性规则（复核时由操作人确认保留，见上面标 ! 的行）")
    assert main(["verify", str(out), "--roster", str(roster_file), "--json", "--lang", "en"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert report["message"].endswith("; but the final classes still break 2 hard rules (kept by the operator in "
                                      "the review; see the lines marked !)")
    assert [f["key"] for f in report["findings"]].count("verify_open_problem") == 2
    # the students named as English names rows, from the re-run (the record holds the Chinese)
    name, cls = rv.model.names[0], rv.label(int(rv.classes[0]))
    said = [f["message"] for f in report["findings"] if f["key"] == "verify_open_problem"]
    assert said[0] == ("the final classes break a hard rule (kept by the operator in the review): "
                       f"Same names together: row 3 ({name}), row 5 ({name}) in {cls}")


def test_verify_fails_when_the_record_hides_the_open_problems(overridden, roster_file, tmp_path, capsys):
    import shutil

    out = tmp_path / "hidden"
    shutil.copytree(overridden[0], out)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    man["open_problems"] = []
    (out / "manifest.json").write_text(json.dumps(man, ensure_ascii=False), encoding="utf-8")
    _resum(out)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "  ✗ manifest.json 记录的未解决问题与最终分班实际的不同" in lines
    assert lines[-1].startswith("核验未通过：")


def test_clean_export_has_no_open_problems(placement, roster_file, tmp_path, capsys):
    from fenban_tui.core.api import export_placement

    export_placement(placement, tmp_path / "clean")
    man = json.loads((tmp_path / "clean" / "manifest.json").read_text(encoding="utf-8"))
    assert man["open_problems"] == []
    assert main(["verify", str(tmp_path / "clean"), "--roster", str(roster_file)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "核验通过：同一名单、同一规则和种子，重新分班的结果完全一致"
    assert "硬性规则" not in out


# --------------------------------------------------------------------------- 6. verify names the student


def _edit_class(folder: Path, rows_to_change: dict[int, str]) -> None:
    path = folder / "assignment.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    c = rows[0].index("班级")
    for i, label in rows_to_change.items():
        rows[i + 1][c] = label
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    _resum(folder)


def test_verify_names_the_student_whose_class_was_edited(placement, roster_file, tmp_path, capsys):
    from fenban_tui.core.api import export_placement

    out = tmp_path / "edited"
    export_placement(placement, out)
    was = placement.class_of(7)
    other = next(lab for lab in placement.labels if lab != was)
    _edit_class(out, {7: other})
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    name = placement.roster.names()[7]
    row = placement.roster.row_refs()[7]
    lines = capsys.readouterr().out.splitlines()
    assert (f"  ✗ assignment.csv 与重新分班的结果不同（1 名学生）：第 {row} 行（{name}）写的是 {other}，"
            f"重新分班是 {was}") in lines
    assert main(["verify", str(out), "--roster", str(roster_file), "--lang", "en"]) == 1
    assert (f"  ✗ assignment.csv differs from the re-run (1 student): row {row} ({name}) says {other}, "
            f"the re-run {was}") in capsys.readouterr().out.splitlines()


def test_verify_names_a_few_students_and_counts_the_rest(placement, roster_file, tmp_path, capsys):
    from fenban_tui.core.api import export_placement

    out = tmp_path / "many"
    export_placement(placement, out)
    changes = {}
    for i in range(7):
        changes[i] = next(lab for lab in placement.labels if lab != placement.class_of(i))
    _edit_class(out, changes)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "assignment.csv" in x)
    assert line.startswith("  ✗ assignment.csv 与重新分班的结果不同（7 名学生）：第 3 行（")
    assert line.count("写的是") == 5 and line.endswith(" 等，另有 2 处")


def test_overwriting_an_export_counts_the_space_its_old_files_give_back(placement, tmp_path, monkeypatch):
    """A stick holding last week's results, with too little room for a second
    copy: writing over them (asked) needs room for the largest file only."""
    from fenban_tui.core import usb
    from fenban_tui.core.api import export_placement
    from fenban_tui.core.export import export_space_needed

    out = tmp_path / "usb"
    export_placement(placement, out)
    size = _on_disk(out)
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS"}
    largest = max(len(b) for b in files.values())
    again = export_space_needed(out, files)
    fresh = export_space_needed(tmp_path / "new", files)
    assert again < fresh // 2 and again >= largest
    free = again + 64 * 1024 + again // 20  # just enough for writing over the first copy
    assert free < fresh + 64 * 1024 + fresh // 20 and free < size + 64 * 1024
    monkeypatch.setattr(usb, "free_bytes", lambda path: free)
    with pytest.raises(FenbanError):  # not enough for a second copy
        export_placement(placement, tmp_path / "second")
    result = export_placement(placement, out, overwrite=True)  # but enough to write over the first
    assert result.verified == len(result.paths)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _full_after(calls: int, real):
    """A write function that runs out of space on its ``calls``-th call."""
    import errno

    seen = [0]

    def write(path, data, *rest):
        seen[0] += 1
        if seen[0] >= calls:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, *rest)

    return write


def test_a_stick_filling_up_mid_export_leaves_last_weeks_results_untouched(placement, tmp_path, monkeypatch):
    """Every file is written in a hidden folder first: when the drive fills up
    on the third file, the folder still holds the earlier export, byte for
    byte, with its SHA256SUMS, and no half-written file or staging folder."""
    from fenban_tui.core import export
    from fenban_tui.core.api import export_placement, placement_of

    out = tmp_path / "usb"
    export_placement(placement, out)
    before = _snapshot(out)
    classes = placement.classes.copy()
    a, b = 0, int(np.flatnonzero(classes != classes[0])[0])
    classes[[a, b]] = classes[[b, a]]  # this week's draw differs from last week's
    this_week = placement_of(placement.roster, placement.rules, classes)
    monkeypatch.setattr(export, "_fsynced_write", _full_after(3, export._fsynced_write))
    with pytest.raises(FenbanError) as err:
        export_placement(this_week, out, overwrite=True)
    assert err.value.text("zh").startswith(f"写出失败，{out} 中什么都没有改动：磁盘空间已满")
    assert err.value.text("en").startswith(f"Export failed; nothing in {out} was changed: No space left on device")
    assert _snapshot(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_export_too_big_to_stage_writes_in_place_and_says_what_is_incomplete(placement, tmp_path, monkeypatch):
    """No room for a second copy: files are replaced one by one; a failure on
    the third says which files are new and leaves no SHA256SUMS vouching."""
    from fenban_tui.core import export, usb
    from fenban_tui.core.api import export_placement

    out = tmp_path / "full"
    export_placement(placement, out)
    monkeypatch.setattr(usb, "has_room", lambda folder, needed: False)
    monkeypatch.setattr(export, "atomic_write_bytes", _full_after(3, export.atomic_write_bytes))
    with pytest.raises(FenbanError) as err:
        export_placement(placement, out, overwrite=True)
    first_two = list(export.build_files(placement.roster, placement.rules, placement.model, placement.classes))[:2]
    text = err.value.text("zh")
    assert text.startswith(f"写出中断：{out} 中只换上了 {'、'.join(first_two)}，其余没有写成")
    assert "（没有 SHA256SUMS）" in text and "请腾出空间" in text
    assert text.endswith(f"磁盘空间已满：{out / list(export.build_files(placement.roster, placement.rules, placement.model, placement.classes))[2]}")
    assert not (out / "SHA256SUMS").exists()


def test_a_staging_folder_left_by_a_killed_export_is_cleared(placement, tmp_path):
    from fenban_tui.core.api import export_placement
    from fenban_tui.core.export import STAGE_PREFIX

    out = tmp_path / "again"
    left = out / (STAGE_PREFIX + "abc123")
    left.mkdir(parents=True)
    (left / "assignment.csv").write_bytes(b"half")
    result = export_placement(placement, out)
    assert not left.exists()
    assert result.verified == len(result.paths)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_solve_refuses_a_full_stick_before_solving(roster_file, tmp_path, monkeypatch, capsys):
    """A district run takes minutes: a drive that cannot hold the result is
    refused before the solve starts, not after it."""
    from fenban_tui.core import api, usb

    def no_solve(*args, **kwargs):
        raise AssertionError("solved although the result could not be written")

    monkeypatch.setattr(api, "solve_roster", no_solve)
    monkeypatch.setattr(usb, "free_bytes", lambda path: 100 * 1024)
    out = tmp_path / "stick"
    assert main(["solve", str(roster_file), "--classes", "4", "--seed", "7", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out} 空间不足：需要约" in err and "只剩 100.0 KB；什么都没有写" in err
    assert not out.exists()


def _edit_lines(folder: Path, edit) -> None:
    path = folder / "assignment.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))
    _resum(folder)


def test_verify_names_a_deleted_student_not_every_row_after_it(placement, roster_file, tmp_path, capsys):
    """A row deleted from assignment.csv shifts every later row: verify still
    matches rows by what they hold, names the missing student, and names a
    class changed further down; a line added is named by its line number."""
    from fenban_tui.core.api import export_placement

    out = tmp_path / "deleted"
    export_placement(placement, out)
    c = None

    def edit(rows):
        nonlocal c
        c = rows[0].index("班级")
        del rows[1 + 3]  # student 3
        rows[1 + 20 - 1][c] = other  # student 20 (one line up now) given another class
        rows.append(list(rows[1][:c]) + ["1班"] + rows[1][c + 1:])  # a copy of the first student
        rows[-1][1] = "冒名"

    other = next(lab for lab in placement.labels if lab != placement.class_of(20))
    _edit_lines(out, edit)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    refs, names = placement.roster.row_refs(), placement.roster.names()
    line = next(x for x in capsys.readouterr().out.splitlines() if "assignment.csv 与" in x)
    assert line == (f"  ✗ assignment.csv 与重新分班的结果不同（2 名学生）：名单第 {refs[3]} 行（{names[3]}）不在 assignment.csv 中；"
                    f"第 {refs[20]} 行（{names[20]}）写的是 {other}，重新分班是 {placement.class_of(20)}；"
                    f"assignment.csv 第 {placement.roster.n + 1} 行不是名单中的学生")


def test_a_column_to_balance_the_roster_lacks_blames_the_rules_not_the_roster(roster_file, tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["solve", str(roster_file), "--classes", "4", "--balance", "血型", "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "要均衡的列“血型”不在名单中，不能分班：请改正规则（--balance 或规则文件）后重试（名单本身没有错误）。"
    assert not out.exists()


def test_verify_with_a_roster_lacking_a_balanced_column_blames_the_rules(roster_file, tmp_path, capsys):
    """Results balanced on 备注 (a category column), checked against a roster
    re-saved without that column: verify says the recorded rules cannot be
    applied, not that the roster has errors."""
    out = tmp_path / "o"
    assert main(["solve", str(roster_file), "--classes", "4", "--seed", "3", "--balance", "备注", "--rules",
                 str(roster_file.parent / "fast.toml"), "--out", str(out), "-q"]) == 0
    capsys.readouterr()
    rows = samplegen.junior_rows(160, seed=23, absent=2, pins=1, twins=2, apart_pairs=1)
    drop = samplegen.JUNIOR_HEADER.index("备注")
    header = [h for c, h in enumerate(samplegen.JUNIOR_HEADER) if c != drop]
    lacking = tmp_path / "没有备注.xlsx"
    samplegen.write_xlsx(lacking, header, [[v for c, v in enumerate(r) if c != drop] for r in rows], "2026级新生名单")
    assert main(["verify", str(out), "--roster", str(lacking)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "  ✗ 记录的规则用不到这份名单上，无法重新分班：规则要均衡的列“备注”不在名单中" in lines


def test_record_page_names_rows_of_combined_sheets_with_their_sheet(placement, tmp_path):
    from fenban_tui.core.api import export_placement, summary_rows
    from fenban_tui.core.export import record_html

    out = tmp_path / "rec"
    export_placement(placement, out)
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    man["assignment"]["adjusted"] = [[0, "原2班 12", "七(1)班", "七(2)班"], [1, 7, "七(2)班", "七(1)班"]]
    man["assignment"]["by_hand"] = []
    page = record_html(man, *summary_rows(placement)).decode("utf-8")
    assert "重新分班调整：原2班 第 12 行 七(1)班 → 七(2)班；第 7 行 七(2)班 → 七(1)班</p>" in page


def test_a_folder_in_a_result_files_place_is_refused_before_anything_changes(placement, tmp_path):
    from fenban_tui.core.api import export_placement

    out = tmp_path / "usb"
    export_placement(placement, out)
    (out / "公示名单.html").unlink()
    (out / "公示名单.html").mkdir()
    before = _snapshot(out)
    with pytest.raises(FenbanError) as err:
        export_placement(placement, out, overwrite=True)
    assert err.value.text("zh") == f"{out} 中 公示名单.html 的位置上是一个文件夹，不是文件：什么都没有改动；请移走它，或换一个文件夹"
    assert _snapshot(out) == before and (out / "SHA256SUMS").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_file_that_cannot_be_replaced_is_named_with_the_right_advice(placement, tmp_path, monkeypatch):
    """Replacing fails on the third file (on Windows: a workbook open in Excel):
    the message names that file and does not tell the operator to free space."""
    import errno
    import os

    from fenban_tui.core import export
    from fenban_tui.core.api import export_placement

    out = tmp_path / "busy"
    export_placement(placement, out)
    real, calls = os.replace, [0]

    def busy(src, dst):
        calls[0] += 1
        if calls[0] == 3:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dst))
        return real(src, dst)

    monkeypatch.setattr(export.os, "replace", busy)
    with pytest.raises(FenbanError) as err:
        export_placement(placement, out, overwrite=True)
    third = list(export.build_files(placement.roster, placement.rules, placement.model, placement.classes))[2]
    text = err.value.text("zh")
    assert "请检查下面这个文件（是否正被别的程序打开）后重新导出：没有权限：" + str(out / third) in text
    assert "腾出空间" not in text
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_verify_names_a_repeated_line_as_a_copy(placement, roster_file, tmp_path, capsys):
    from fenban_tui.core.api import export_placement

    out = tmp_path / "copied"
    export_placement(placement, out)
    _edit_lines(out, lambda rows: rows.insert(41, list(rows[40])))  # line 41's student again, as line 42
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    refs, names = placement.roster.row_refs(), placement.roster.names()
    line = next(x for x in capsys.readouterr().out.splitlines() if "assignment.csv 与" in x)
    assert line == (f"  ✗ assignment.csv 与重新分班的结果不同（1 名学生）：assignment.csv 第 42 行重复了第 41 行"
                    f"（名单第 {refs[39]} 行，{names[39]}）")


def test_verify_says_assignment_csv_was_resaved_in_another_encoding(placement, roster_file, tmp_path, capsys):
    from fenban_tui.core.api import export_placement

    out = tmp_path / "resaved"
    export_placement(placement, out)
    path = out / "assignment.csv"
    path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("gb18030"))  # as Excel saves it
    _resum(out)
    assert main(["verify", str(out), "--roster", str(roster_file)]) == 1
    assert ("  ✗ assignment.csv 的编码被改过（多半是用 Excel 打开后另存了）：导出时的编码读不了它"
            in capsys.readouterr().out.splitlines())
