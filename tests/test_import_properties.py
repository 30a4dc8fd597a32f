"""Property-based and fuzz tests of the readers: rosters written with random
office quirks come back with every student intact; damaged bytes give a clear
error, never a crash."""

from __future__ import annotations

import csv
import io
import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenban_tui.core.roster import load_roster
from fenban_tui.i18n import FenbanError

from .conftest import ROOT

NAME_CHARS = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁沈任姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤䶮"
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F", "male": "M", "female": "F"}
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")

student = st.fixed_dictionaries({
    "name": st.text(alphabet=NAME_CHARS, min_size=2, max_size=4),
    "inner_space": st.booleans(),
    "gender": st.sampled_from(sorted(GENDERS)),
    "id": st.text(alphabet="0123456789", min_size=6, max_size=12),
    "score": st.one_of(st.none(), st.integers(0, 1500).map(lambda v: v / 10)),
    "absent_mark": st.sampled_from(["缺考", "-", "", "缺"]),
    "fullwidth": st.booleans(),
    "pad": st.sampled_from(["", " ", "\u3000", "\u00a0"]),
})

layout = st.fixed_dictionaries({
    "titles": st.integers(0, 2),
    "blank_every": st.integers(0, 5),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    "delimiter": st.sampled_from([",", "\t", ";"]),
    "total_row": st.booleans(),
})


def _cells(s: dict) -> list[str]:
    name = s["name"][0] + "\u3000" + s["name"][1:] if s["inner_space"] else s["name"]
    if s["score"] is None:
        score = s["absent_mark"]
    else:
        score = f"{s['score']:.1f}"
        if s["fullwidth"]:
            score = score.translate(FULLWIDTH)
    return [s["pad"] + s["id"] + s["pad"], name + s["pad"], s["pad"] + s["gender"], score]


def _write(path: Path, students: list[dict], lay: dict) -> list[int]:
    """Write the roster; return the spreadsheet row of each student."""
    rows, where = [], []
    for t in range(lay["titles"]):
        rows.append([f"2026级新生名单{t}", "", "", ""])
    rows.append(["学号", "姓名", "性别", "语文"])
    for i, s in enumerate(students):
        if lay["blank_every"] and i % lay["blank_every"] == 0:
            rows.append(["", "", "", ""])
        rows.append(_cells(s))
        where.append(len(rows))
    if lay["total_row"]:
        rows.append(["合计", f"{len(students)}人", "", ""])
    buf = io.StringIO()
    csv.writer(buf, delimiter=lay["delimiter"], lineterminator="\r\n").writerows(rows)
    text = buf.getvalue()
    enc = lay["encoding"]
    if enc == "utf-8-sig":
        data = b"\xef\xbb\xbf" + text.encode("utf-8")
    elif enc == "utf-16":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    else:
        data = text.encode(enc)
    path.write_bytes(data)
    return where


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(students=st.lists(student, min_size=1, max_size=25), lay=layout)
def test_no_student_lost_or_altered(students, lay):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.csv"
        where = _write(path, students, lay)
        r = load_roster(path)
    assert r.n == len(students)
    assert r.table["_row"].to_list() == where
    for i, s in enumerate(students):
        name = s["name"][0] + "\u3000" + s["name"][1:] if s["inner_space"] else s["name"]
        assert r.table["姓名"][i] == name  # trimmed at the ends only
        assert r.table["学号"][i] == s["id"]  # exact text, leading zeros kept
        assert r.values["_gender"][i] == GENDERS[s["gender"]]
        expect = None if s["score"] is None else round(s["score"], 1)
        got = r.values["语文"][i]
        assert (got is None and expect is None) or abs(got - expect) < 1e-9
    # a student given twice (same ID, same name) is refused row by row; nothing else is
    twice = {where[i] for i, s in enumerate(students)
             if any((t["id"], t["name"]) == (s["id"], s["name"]) for t in students[:i])}
    assert {p.row for p in r.errors} == twice
    assert all(p.key in ("duplicate_row", "id_duplicate_same") for p in r.errors)


SAMPLE = ROOT / "sample_data" / "junior_sample.xlsx"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".xlsx", ".xls", ".csv", ".ods"]))
def test_random_bytes_never_crash(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{suffix}"
        path.write_bytes(data)
        try:
            load_roster(path)
        except FenbanError as exc:
            assert exc.text("zh") and exc.text("en")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(["flip", "truncate", "splice"]))
def test_damaged_workbooks_never_crash(seed, mode):
    rnd = random.Random(seed)
    data = bytearray(SAMPLE.read_bytes())
    if mode == "flip":
        for _ in range(rnd.randint(1, 20)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
    elif mode == "truncate":
        data = data[: rnd.randrange(1, len(data))]
    else:
        a = rnd.randrange(len(data))
        data[a : a + 64] = bytes(rnd.randrange(256) for _ in range(64))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.xlsx"
        path.write_bytes(bytes(data))
        try:
            r = load_roster(path)
            assert r.n >= 0
        except FenbanError as exc:
            assert exc.text("zh")
