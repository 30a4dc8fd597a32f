"""Invented rosters in the shape school offices export (for the demo, tests, benchmarks).

Every name and ID is made up: region code 990xxx does not exist; check digits are valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜谢邹喻柏窦章苏潘葛范彭鲁韦马苗方俞任袁柳唐罗薛伍余顾孟黄穆萧尹姚邵汪祁毛狄米贝明臧计成戴宋庞熊纪舒屈项祝董梁杜阮蓝闵季贾路江童颜郭梅盛林钟徐邱骆高夏蔡田胡凌霍虞万柯管卢莫房丁邓洪包左石崔龚程邢裴陆荣翁"
GIVEN = "子涵欣怡梓轩浩宇一诺雨泽思远晓萱俊杰佳琪宇航紫涵文博雅琪嘉怡天佑诗涵明轩若曦博文语桐皓然书瑶锦程梦琪昊天"
PRIMARY = ["实验小学", "城关第一小学", "城关第二小学", "东关小学", "西街小学", "南关小学", "北城小学", "河口镇中心小学"]
KINDERGARTEN = ["实验幼儿园", "阳光幼儿园", "蓓蕾幼儿园", "小太阳幼儿园", "机关幼儿园", "童心幼儿园", "金色摇篮幼儿园"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

JUNIOR_HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "毕业学校", "语文", "数学", "英语", "总分",
                 "住宿", "家长电话", "备注", "绑定", "互斥", "预设班级"]
GRADE1_HEADER = ["序号", "姓名", "性别", "出生日期", "身份证号", "毕业幼儿园", "住宿", "家长电话", "备注"]


def id_number(rng: random.Random, birth: dt.date, male: bool) -> str:
    body = f"990{rng.randint(100, 999)}{birth:%Y%m%d}{rng.randint(10, 99)}"
    seq = rng.randrange(1, 10, 2) if male else rng.randrange(0, 10, 2)
    body += str(seq)
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS))
    return body + _ID_CHECK[total % 11]


def _name(rng: random.Random) -> str:
    n = rng.choice((1, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def _score(rng: random.Random, ability: float, spread: float) -> float:
    v = rng.gauss(ability, spread)
    return round(min(100.0, max(20.0, v)), 1)


def junior_rows(n: int = 500, seed: int = 2026, absent: int = 3, pins: int = 3, twins: int = 6,
                apart_pairs: int = 3, schools: list[str] | None = None) -> list[list[object]]:
    """A grade-7 intake: one-decimal scores, 总分 as the sum of sat subjects."""
    rng = random.Random(seed)
    schools = schools or PRIMARY
    weights = [rng.uniform(0.5, 2.0) for _ in schools]
    rows: list[list[object]] = []
    used_names: set[str] = set()
    i = 0
    twin_left = twins
    while len(rows) < n:
        i += 1
        school = rng.choices(schools, weights)[0]
        ability = rng.gauss(78, 9)
        birth = dt.date(2013, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
        phone = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
        is_twin = twin_left > 0 and rng.random() < 0.05 and len(rows) < n - 2
        group = 2 if is_twin else 1
        surname = rng.choice(SURNAMES)
        for t in range(group):
            male = rng.random() < 0.5
            while True:
                nm = surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
                if nm not in used_names:
                    break
                surname = rng.choice(SURNAMES)
            used_names.add(nm)
            s = [_score(rng, ability + d, 8) for d in (3, -1, 1)]
            rows.append([
                len(rows) + 1, nm, "男" if male else "女", birth.isoformat(), id_number(rng, birth, male), school,
                s[0], s[1], s[2], None, "是" if rng.random() < 0.3 else "否", phone,
                "双胞胎" if is_twin else None, f"T{twins - twin_left + 1}" if is_twin else None, None, None,
            ])
        if is_twin:
            twin_left -= 1
    rows = rows[:n]
    # 缺考: a missed exam is written 缺考; 总分 is the sum of the exams sat
    for r in rng.sample(range(n), absent):
        if rows[r][13]:
            continue
        rows[r][6 + rng.randrange(3)] = "缺考"
    for r in rows:
        r[9] = round(sum(v for v in r[6:9] if isinstance(v, float)), 1)
    free = [r for r in range(n) if not rows[r][13]]
    picks = rng.sample(free, 2 * apart_pairs + pins + 1)
    for p in range(apart_pairs):
        rows[picks[2 * p]][14] = f"A{p + 1}"
        rows[picks[2 * p + 1]][14] = f"A{p + 1}"
    for p in range(pins):
        rows[picks[2 * apart_pairs + p]][15] = p + 1
    # two different students with one name
    a, b = picks[-1], (picks[-1] + n // 2) % n
    rows[b][1] = rows[a][1]
    # a full-width space inside some names, as typed in office software
    for r in rng.sample(range(n), 3):
        nm = str(rows[r][1])
        if len(nm) == 3 and nm != rows[a][1]:
            rows[r][1] = nm[0] + "\u3000" + nm[1:]
    return rows


def grade1_rows(n: int = 270, seed: int = 2027) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    used: set[str] = set()
    for i in range(n):
        male = rng.random() < 0.52
        birth = dt.date(2019, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
        nm = _name(rng)
        while nm in used:
            nm = _name(rng)
        used.add(nm)
        rows.append([
            i + 1, nm, "男" if male else "女", birth.isoformat(), id_number(rng, birth, male),
            rng.choice(KINDERGARTEN), "是" if rng.random() < 0.15 else "否",
            f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}", None,
        ])
    return rows


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], title: str | None) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("新生名单")
    r0 = 0
    if title:
        ws.merge_range(0, 0, 0, len(header) - 1, title)
        r0 = 1
    ws.write_row(r0, 0, header)
    for r, row in enumerate(rows, start=r0 + 1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, (int, float)) and header[c] not in ("身份证号", "家长电话"):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
    wb.close()


def write_csv(path: Path, header: list[str], rows: list[list[object]], title: str | None,
              encoding: str = "gb18030") -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if title:
        w.writerow([title] + [""] * (len(header) - 1))
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))


def write_samples(folder: Path) -> tuple[Path, Path]:
    """The bundled sample rosters: a grade-7 intake (xlsx) and a grade-1 intake (csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    junior = folder / "junior_sample.xlsx"
    write_xlsx(junior, JUNIOR_HEADER, junior_rows(500), "2026级七年级新生名单（示例，均为虚构）")
    grade1 = folder / "grade1_sample.csv"
    write_csv(grade1, GRADE1_HEADER, grade1_rows(300), "2026级一年级新生名单（示例，均为虚构）")
    return junior, grade1


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "sample_data")
    for p in write_samples(out):
        print(p)
