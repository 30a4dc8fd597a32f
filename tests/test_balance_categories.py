"""Other category columns (特长, 备注 …) are offered on 规则 and spread evenly
when ticked; a blank previous school is pointed out; the record page names what
was balanced."""

from __future__ import annotations

import csv
import random
import re
from collections import Counter

from fenban_tui.core.api import check_roster
from fenban_tui.cli import main
from fenban_tui.tui.app import FenbanApp
from fenban_tui.tui.screens.rules_step import RulesScreen
from fenban_tui.tui.screens.solve_step import SolveScreen
from fenban_tui.tui.widgets.checklist import CheckList

from .test_tui import SIZE, assert_on_screen, solved, to_step, wait_until

TALENTS = ["篮球", "美术", "合唱", "无"]


def talent_roster(path, n=96):
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "性别", "毕业学校", "语文", "数学", "特长", "民族", "家长电话", "备注"])
        for i in range(n):
            # 特长 clustered in roster order: dealt as read, classes would differ a lot
            talent = TALENTS[min(3, i * 4 // n)] if i % 3 else "无"
            w.writerow([f"学生{i:03d}", "男女"[i % 2], f"第{i % 3 + 1}小学", f"{rng.uniform(60, 100):.1f}",
                        f"{rng.uniform(50, 100):.1f}", talent, "汉族" if i % 9 else "回族",
                        f"139{rng.randrange(10**8):08d}", "班长" if i % 17 == 0 else ""])
    return path


async def test_a_category_column_ticked_on_rules_is_spread_evenly(tmp_path, monkeypatch):
    monkeypatch.setenv("FENBAN_DATA_DIR", str(tmp_path / "data"))
    roster_path = talent_roster(tmp_path / "r.csv")
    app = FenbanApp(roster_path=str(roster_path), lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.roster is not None, 30)
        await to_step(pilot, app, RulesScreen)
        balance = app.screen.query_one("#balance", CheckList)
        # 特长, 民族 and 备注 are offered, unticked; names and phone numbers are not categories
        assert [v for v in balance.values if v.startswith("cat:")] == ["cat:特长", "cat:民族", "cat:备注"]
        assert not {"cat:特长", "cat:民族", "cat:备注"} & set(balance.selected)
        assert_on_screen(app, "#balance", "#hard")  # the hard rules still fit at 80x24
        balance.set_checked("cat:特长", True)
        app.screen.query_one("#seed").value = "2026"
        await to_step(pilot, app, SolveScreen)
        await solved(pilot, app)
        placed = app.placement
        assert placed.rules.categories == ["特长"]
    # independently: every class holds each 特长 within one of its share
    rows = list(csv.DictReader(open(roster_path, encoding="utf-8-sig")))
    k = placed.model.k
    share = Counter(r["特长"] for r in rows)
    for c in range(k):
        members = [r for r, cls in zip(rows, placed.classes) if cls == c]
        got = Counter(r["特长"] for r in members)
        for talent, total in share.items():
            assert abs(got[talent] - total * len(members) / len(rows)) <= 1.0, (c, talent, got)


def test_a_blank_previous_school_is_pointed_out_by_row(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("姓名,性别,毕业学校,语文\n张三,男,一小,90\n李四,女,,80\n王五,女,一小,70\n赵六,男,二小,85\n",
                    encoding="utf-8")
    roster = check_roster(path)
    said = [p.text("zh") for p in roster.problems if p.key == "category_blank"]
    assert said == ["列 毕业学校(C)：毕业学校为空：第 3 行（这些学生算作“(空)”一类来均衡，请补上）"]
    assert roster.usable and roster.n == 4


def test_the_record_page_names_what_was_balanced(tmp_path):
    path = tmp_path / "g1.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "性别", "出生日期", "毕业幼儿园"])
        for i in range(40):
            w.writerow([f"孩子{i:02d}", "男女"[i % 2], f"2019-{i % 12 + 1:02d}-{i % 27 + 1:02d}", f"幼儿园{i % 4}"])
    out = tmp_path / "out"
    assert main(["solve", str(path), "--classes", "2", "--seed", "1", "--out", str(out), "-q"]) == 0
    page = re.sub(r"<[^>]+>", " ", (out / "分班记录.html").read_text(encoding="utf-8"))
    line = re.search(r"均衡项目\s+(\S+)", page).group(1)
    assert line == "出生日期、性别、原学校、住宿"


def test_a_district_file_says_how_to_divide_each_school_on_its_own(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("录取学校,姓名,性别,语文\n" + "".join(f"第{i % 3 + 1}中学,学生{i},{'男女'[i % 2]},{60 + i}\n"
                                                   for i in range(12)), encoding="utf-8")
    said = [p.text("zh") for p in check_roster(path).problems if p.key == "group_column"]
    assert said == ["列 录取学校(A)：“录取学校”列有 3 所学校：每所学校各自分班要用命令行 fenban solve 名单 "
                    "--group-by 录取学校（向导把全部学生一起分班）"]
