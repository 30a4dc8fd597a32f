"""Head-teacher lottery (班主任抽签) and 学号 generation.

The teacher draw uses the same seed text as the class draw, so anyone holding
the seed can redo it, by hand if need be:

    key(teacher) = SHA-256 of the UTF-8 text  "teachers:" + seed + "\\n" + name
    sort the teachers by key (hex, ascending); the first gets the first class,
    the second the second class, and so on; teachers left over are reserves.

(``seed`` is the seed text with spaces at either end removed, as the class
draw uses it.)  No random-number library is involved, so the result cannot
depend on a Python version.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..i18n import FenbanError

TEACHER_RULE = 'sort teachers by sha256("teachers:" + seed + "\\n" + name); i-th teacher -> i-th class'


def teacher_key(seed: str, name: str) -> str:
    return hashlib.sha256(f"teachers:{str(seed).strip()}\n{name}".encode("utf-8")).hexdigest()


@dataclass
class TeacherDraw:
    teachers: list[str]  # as given
    by_class: dict[str, str]  # class label -> teacher
    reserves: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"teachers": self.teachers, "rule": TEACHER_RULE, "draw": self.by_class, "reserves": self.reserves}


def clean_teachers(names: list[str]) -> list[str]:
    out = [" ".join(str(n).split()) for n in names]
    return [n for n in out if n]


def draw_teachers(teachers: list[str], labels: list[str], seed: str) -> TeacherDraw:
    """Draw ``teachers`` onto the classes ``labels`` (see the module doc)."""
    names = clean_teachers(teachers)
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise FenbanError("teachers_duplicate", name=n)
        seen.add(n)
    if len(names) < len(labels):
        raise FenbanError("teachers_too_few", n=len(names), k=len(labels))
    order = sorted(names, key=lambda n: teacher_key(seed, n))
    return TeacherDraw(names, dict(zip(labels, order)), order[len(labels):])


_HEADER_WORDS = ("班主任", "班主任姓名", "教师", "教师姓名", "老师", "姓名", "name", "teacher", "teachers",
                 "teacher name")


def load_teachers(path: str | Path) -> list[str]:
    """Teacher names from a text file (one a line) or a spreadsheet (the column
    headed 班主任/教师/姓名/name, else the first column)."""
    from .reader import read_book

    p = Path(path)
    if not p.exists():
        raise FenbanError("file_missing", path=str(p))
    if p.is_dir():
        raise FenbanError("file_is_dir", path=str(p))
    book = read_book(p)
    rows = [[c or "" for c in r] for g in book.sheets[:1] for r in g.rows]
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise FenbanError("teachers_empty", path=str(p))
    col = None
    for h, row in enumerate(rows[:5]):  # a header row, perhaps below a title
        head = [str(c).strip().lower() for c in row]
        col = next((head.index(w) for w in _HEADER_WORDS if w in head), None)
        if col is not None:
            rows = rows[h + 1:]
            break
    if col is None:  # no header: the first column that holds names, not numbers
        width = max(len(r) for r in rows)
        col = next((c for c in range(width)
                    if sum(1 for r in rows if c < len(r) and str(r[c]).strip() and not str(r[c]).strip().isdigit())
                    > len(rows) // 2), 0)
    names = clean_teachers([r[col] if col < len(r) else "" for r in rows])
    if not names:
        raise FenbanError("teachers_empty", path=str(p))
    return names


# --------------------------------------------------------------------------- 学号

SID_ORDERS = ("roster", "name", "score")


def pinyin_key(name: str) -> bytes:
    """Sort key for names in pinyin order without a dictionary: GB2312 puts its
    3,755 common characters in pinyin order, and GB18030 keeps that order.
    Rare characters follow the common ones (by radical)."""
    return "".join(str(name).split()).encode("gb18030", errors="replace")


def check_sid_pattern(pattern: str) -> None:
    """A 学号 pattern is text with ``{class}`` (class number) and ``{seq}``
    (number within the class), each with an optional width such as
    ``{class:02d}``; e.g. ``2026{class:02d}{seq:02d}``."""
    try:
        fields_ = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
        pattern.format(**{"class": 1, "seq": 1})
    except (ValueError, KeyError, IndexError):
        raise FenbanError("sid_pattern_bad", pattern=pattern) from None
    if "seq" not in fields_ or any(f not in ("class", "seq") for f in fields_):
        raise FenbanError("sid_pattern_bad", pattern=pattern)


def student_ids(pattern: str, order: str, classes: np.ndarray, k: int, names: list[str],
                totals: list[float | None] | None) -> list[str]:
    """学号 for every student (in roster order): students of each class are
    numbered 1, 2, … in ``order`` — ``roster`` (the roster's own order),
    ``name`` (pinyin) or ``score`` (总分, highest first; missing last); ties keep
    roster order."""
    check_sid_pattern(pattern)
    if order not in SID_ORDERS:
        raise FenbanError("sid_order_bad", order=order, orders=", ".join(SID_ORDERS))
    if order == "score" and totals is None:
        raise FenbanError("sid_no_total")
    n = len(classes)
    if order == "name":
        key = lambda i: (pinyin_key(names[i]), i)  # noqa: E731
    elif order == "score":
        key = lambda i: (totals[i] is None, -(totals[i] or 0.0), i)  # noqa: E731
    else:
        key = lambda i: i  # noqa: E731
    out = [""] * n
    for c in range(k):
        members = sorted((i for i in range(n) if int(classes[i]) == c), key=key)
        for seq, i in enumerate(members, start=1):
            out[i] = pattern.format(**{"class": c + 1, "seq": seq})
    if len(set(out)) != n:
        raise FenbanError("sid_not_unique", pattern=pattern)
    return out


def totals_of(roster) -> list[float | None] | None:
    """Each student's 总分 as the roster gives it; without a 总分 column, the sum
    of the scores sat (None when none was sat); None without any scores."""
    values = roster.values
    col = roster.cmap.total
    if col and col in values.columns:
        return values[col].to_list()
    cols = [c for c in roster.cmap.scores if c in values.columns]
    if not cols:
        return None
    out: list[float | None] = []
    for row in values.select(cols).iter_rows():
        sat = [v for v in row if v is not None]
        out.append(sum(sat) if sat else None)
    return out
