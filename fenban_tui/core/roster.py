"""Turn a sheet of text cells into a validated roster.

* finds the header row below any title rows (and joins a two-row grouped header);
* recognises columns by their Chinese or English names (overridable);
* drops blank rows and totals/average rows, and says so;
* normalises values without ever altering a student: names trimmed, full-width
  digits made ASCII in numbers and codes, 缺考/缺/-/blank scores are *missing*;
* lists every problem with sheet, row (as the spreadsheet numbers it) and column.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..i18n import FenbanError, tr
from .reader import Book, SheetGrid, read_book

# --------------------------------------------------------------------------- column roles

ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no", "no.", "#", "seq"),
    "name": ("姓名", "学生姓名", "名字", "name", "studentname", "student"),
    "gender": ("性别", "gender", "sex"),
    "sid": ("学号", "考号", "学籍号", "准考证号", "考生号", "学生编号", "报名号", "studentid", "sid", "examid"),
    "idcard": ("身份证号", "身份证", "身份证号码", "证件号", "证件号码", "idnumber", "idcard", "nationalid"),
    "birth": ("出生日期", "出生年月", "出生年月日", "生日", "birth", "birthday", "dateofbirth", "dob", "birthdate"),
    "school": (
        "毕业学校", "原学校", "原就读学校", "毕业小学", "毕业幼儿园", "幼儿园", "来源学校", "原毕业学校",
        "previousschool", "school", "kindergarten", "primaryschool",
    ),
    "total": ("总分", "总成绩", "合计分", "total", "totalscore"),
    "boarding": ("住宿", "是否住宿", "寄宿", "住校", "是否寄宿", "boarding", "boarder"),
    "note": ("备注", "说明", "note", "notes", "remark", "remarks"),
    "together": ("绑定", "同班", "together", "bind", "same"),
    "apart": ("互斥", "分开", "不同班", "apart", "separate"),
    "pin": ("预设班级", "指定班级", "预分班级", "pin", "preset", "presetclass", "class"),
    "phone": ("家长电话", "联系电话", "电话", "手机", "phone", "tel", "mobile"),
    "group": ("录取学校", "admittedschool"),
}

SUBJECT_NAMES = (
    "语文", "数学", "英语", "外语", "物理", "化学", "生物", "历史", "地理", "政治", "道德与法治", "道法",
    "科学", "体育", "音乐", "美术", "信息技术",
    "chinese", "math", "maths", "mathematics", "english", "physics", "chemistry", "biology", "history",
    "geography", "politics", "science",
)
SCORE_HINTS = ("成绩", "分数", "得分", "score")

MISSING_SCORE = {"", "缺考", "缺", "缺席", "-", "—", "－", "--", "/", "未考", "absent", "na", "n/a", "null"}
TOTAL_MARKERS = ("合计", "总计", "平均", "平均分", "小计", "汇总", "total", "average", "sum")

GENDER_MAP = {
    "男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F", "1": "M", "2": "F",
    "男生": "M", "女生": "F", "boy": "M", "girl": "F",
}

SPACES = " \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"


# traditional characters of the headers FenBan knows (a roster from Hong Kong, Macao or
# Taiwan, or typed with a traditional input method): 性別 reads as 性别, 學號 as 学号
_TRAD = str.maketrans(
    "別學號證畢業總績數語歷體樂術資訊兒園來讀預設級綁說電話機錄備計彙匯編準報碼齡歲國際英際圖與縣區鄉鎮幼護",
    "别学号证毕业总绩数语历体乐术资讯儿园来读预设级绑说电话机录备计汇汇编准报码龄岁国际英际图与县区乡镇幼护")


def norm_key(text: str) -> str:
    """Header normaliser: NFKC, lower case, traditional characters as simplified,
    no spaces or punctuation."""
    t = unicodedata.normalize("NFKC", text).lower().translate(_TRAD)
    return re.sub(r"[\s_\-·.:：()（）*]+", "", t)


def clean(value: str | None) -> str:
    """Trim ASCII, full-width and non-breaking spaces from both ends."""
    if value is None:
        return ""
    return str(value).strip(SPACES)


def to_ascii(value: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", value).strip(SPACES)


def name_key(name: str) -> str:
    """Key for the same-name rule: all spaces removed, NFKC."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).replace("\u3000", "")


def col_letter(idx: int) -> str:
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


# --------------------------------------------------------------------------- problems


@dataclass
class Problem:
    level: str  # "error" | "warning" | "info"
    key: str
    sheet: str | None = None
    row: int | None = None  # as the spreadsheet numbers it (1-based)
    column: str | None = None  # column header (and letter)
    params: dict = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return tr(self.key, lang, **self.params)

    def where(self, lang: str | None = None) -> str:
        parts = []
        en = lang == "en" or (lang is None and _lang() == "en")
        if self.sheet:
            parts.append(f"sheet {self.sheet}" if en else f"工作表“{self.sheet}”")
        if self.row is not None:
            parts.append(f"row {self.row}" if en else f"第 {self.row} 行")
        if self.column:
            parts.append(f"column {self.column}" if en else f"列 {self.column}")
        return ", ".join(parts) if en else "，".join(parts)

    def text(self, lang: str | None = None) -> str:
        w = self.where(lang)
        en = lang == "en" or (lang is None and _lang() == "en")
        return (f"{w}: " if en else f"{w}：") + self.message(lang) if w else self.message(lang)

    def as_json(self, lang: str | None = None) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message(lang)}


def _lang() -> str:
    from ..i18n import get_lang

    return get_lang()


# --------------------------------------------------------------------------- roster


@dataclass
class ColumnMap:
    """Which roster column plays which role.  Operator overrides win."""

    name: str | None = None
    gender: str | None = None
    sid: str | None = None
    idcard: str | None = None
    birth: str | None = None
    school: str | None = None
    total: str | None = None
    boarding: str | None = None
    note: str | None = None
    together: str | None = None
    apart: str | None = None
    pin: str | None = None
    phone: str | None = None
    group: str | None = None
    seq: str | None = None
    scores: list[str] = field(default_factory=list)

    def role_of(self, column: str) -> str | None:
        for role in ROLE_ALIASES:
            if getattr(self, role, None) == column:
                return role
        if column in self.scores:
            return "score"
        return None

    def numeric_columns(self) -> list[str]:
        return list(self.scores) + ([self.total] if self.total else [])


@dataclass
class Roster:
    """A validated roster.

    ``table`` holds every original column as text exactly as read (trimmed), in the
    original order, plus ``_row`` (spreadsheet row number) and ``_sheet``.
    ``values`` holds parsed values: scores as Float64 (null = missing), ``_gender``
    as "M"/"F", ``_birth`` as a date, ``_pin`` as a class number.
    """

    path: Path
    sheet: str
    header_row: int
    columns: list[str]
    table: pl.DataFrame
    values: pl.DataFrame
    cmap: ColumnMap
    problems: list[Problem]
    dropped_rows: list[int]
    sheets_used: list[str] = field(default_factory=list)
    # SHA-256 of the source file as it was when read; set for a roster restored
    # from a session (the file may have changed since), else taken from the file
    source_sha256: str | None = None
    text: bool = False  # read from a text file (CSV): it has no sheets, so problems name none

    @property
    def n(self) -> int:
        return self.table.height

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level != "error"]

    @property
    def usable(self) -> bool:
        return not self.errors and self.n > 0

    def names(self) -> list[str]:
        return self.table[self.cmap.name].to_list()

    def row_numbers(self) -> list[int]:
        return self.table["_row"].to_list()

    def student_keys(self) -> list[str]:
        """A stable name for each student that rules can point at: the 学号 or
        身份证号 as written when it is unique in the roster, else ``行12`` (the
        spreadsheet row; ``原1班 行12`` when sheets were combined)."""
        out = [f"行{r}" for r in self.row_refs()]
        for ids in self._unique_ids():
            out = [v if v and o.startswith("行") else o for v, o in zip(ids, out)]
        return out

    def _unique_ids(self) -> list[list[str]]:
        """The 身份证号 and the 学号 column (those the roster has), each student's
        value as written where no other student shares it, else ""."""
        out = []
        for role in ("idcard", "sid"):
            col = getattr(self.cmap, role)
            if not col:
                continue
            vals = [v.strip() if v else "" for v in self.table[col].to_list()]
            counts: dict[str, int] = {}
            for v in vals:
                counts[v] = counts.get(v, 0) + 1
            out.append([v if v and counts[v] == 1 else "" for v in vals])
        return out

    def student_index(self) -> dict[str, int]:
        """Every name a rule may use for a student: the key FenBan writes
        (:meth:`student_keys`), and also the 学号 and the 身份证号 as written
        wherever unique in the roster, and ``行12`` — so a rules file written
        by hand with 学号 works when the roster has 身份证号 too.  A text that
        names two different students (one's 学号, another's 身份证号) is left out."""
        index: dict[str, int] = {}
        clash: set[str] = set()

        def put(key: str, i: int) -> None:
            if index.get(key, i) != i:
                clash.add(key)
            index[key] = i

        for i, key in enumerate(self.student_keys()):
            put(key, i)
        for i, ref in enumerate(self.row_refs()):
            put(f"行{ref}", i)
        for ids in self._unique_ids():
            for i, v in enumerate(ids):
                if v:
                    put(v, i)
        return {k: i for k, i in index.items() if k not in clash}

    def row_refs(self) -> list[object]:
        """How messages name each student's row: the row number, with the sheet
        when several sheets were combined."""
        rows = self.row_numbers()
        if len(self.sheets_used) > 1:
            return [f"{s} {r}" for s, r in zip(self.table["_sheet"].to_list(), rows)]
        return rows

    def label(self, i: int) -> str:
        """Human label of student ``i``: name and spreadsheet row."""
        return f"{self.table[self.cmap.name][i]}（{self.table['_row'][i]}）"


# --------------------------------------------------------------------------- header detection


# Fallback: a header that contains one of these words plays that role
# (双胞胎绑定 → together, 是否住校生 → boarding).
ROLE_CONTAINS: tuple[tuple[str, str], ...] = (
    ("绑定", "together"), ("互斥", "apart"), ("预设班", "pin"), ("指定班", "pin"), ("身份证", "idcard"),
    ("毕业学校", "school"), ("幼儿园", "school"), ("原学校", "school"), ("住宿", "boarding"),
    ("寄宿", "boarding"), ("住校", "boarding"), ("出生", "birth"), ("姓名", "name"), ("性别", "gender"),
)


def _match_role(header: str) -> str | None:
    k = norm_key(header)
    if not k:
        return None
    for role, aliases in ROLE_ALIASES.items():
        if k in aliases:
            return role
    if len(k) <= 8:
        for word, role in ROLE_CONTAINS:
            if word in k:
                return role
    return None


def _is_subject(header: str) -> bool:
    k = norm_key(header)
    last = k.split("·")[-1] if "·" in header else k
    if last in SUBJECT_NAMES or k in SUBJECT_NAMES:
        return True
    return any(h in k for h in SCORE_HINTS)


def _header_score(row: list[str | None]) -> int:
    score = 0
    has_name = False
    for cell in row:
        if cell is None:
            continue
        c = clean(cell)
        role = _match_role(c)
        if role == "name":
            has_name = True
        if role or _is_subject(c):
            score += 1
    return score + (100 if has_name else 0)


def find_header(rows: list[list[str | None]], limit: int = 30) -> int | None:
    best, best_score = None, 0
    for i, row in enumerate(rows[:limit]):
        s = _header_score(row)
        if s > best_score and s >= 101:
            best, best_score = i, s
    return best


def _row_cells(rows: list[list[str | None]], r: int, width: int) -> list[str]:
    if not 0 <= r < len(rows):
        return [""] * width
    return [clean(rows[r][c]) if c < len(rows[r]) else "" for c in range(width)]


def _is_subheader(header: list[str], below: list[str], name_col: int) -> bool:
    """Is ``below`` the second row of a grouped header (中考成绩 over 语文/数学)?"""
    filled = [c for c, v in enumerate(below) if v]
    if not filled or below[name_col]:
        return False
    if any(parse_score(below[c])[0] is not None for c in filled):
        return False
    # at least one sub-name sits under a blank header cell (the merged group title)
    return any(not header[c] for c in filled)


def _join_group(group_row: list[str], sub_row: list[str]) -> list[str]:
    """Join a group row over a sub row: the group title carries right over blanks."""
    out: list[str] = []
    group = ""
    for c, sub in enumerate(sub_row):
        if group_row[c]:
            group = group_row[c]
        if sub and group and group != sub and _match_role(sub) is None:
            out.append(f"{group}·{sub}")
        else:
            out.append(sub or group_row[c])
        if not sub and not group_row[c]:
            group = ""
    return out


def header_block(rows: list[list[str | None]], h: int, width: int) -> tuple[list[str], int]:
    """Column names for header row ``h`` and the index of the first data row.

    Handles a two-row grouped header in either shape: the row holding 姓名 with a
    sub-row below it (中考成绩 | 语文 数学 英语 under it), or a group row above it.
    """
    names = _row_cells(rows, h, width)
    name_col = next((c for c, v in enumerate(names) if _match_role(v) == "name"), 0)
    first_data = h + 1
    below = _row_cells(rows, h + 1, width)
    if _is_subheader(names, below, name_col):
        names = _join_group(names, below)
        first_data = h + 2
    elif h > 0:
        above = _row_cells(rows, h - 1, width)
        filled = [c for c, v in enumerate(above) if v]
        blank_gaps = any(not above[c] for c in range(min(filled, default=0), width)) if filled else False
        if len(filled) >= 2 and blank_gaps and not any(_match_role(above[c]) for c in filled):
            joined = _join_group(above, names)
            # only join over subject-like columns; identity columns keep their names
            names = [j if _is_subject(n) else n for j, n in zip(joined, names)]
    out: list[str] = []
    seen: dict[str, int] = {}
    for c, n in enumerate(names):
        if not n:
            n = f"列{col_letter(c)}"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 1
        out.append(n)
    return out, first_data


def auto_map(columns: list[str], overrides: dict[str, object] | None = None) -> ColumnMap:
    cmap = ColumnMap()
    for col in columns:
        role = _match_role(col)
        if role == "sid" and cmap.sid:
            continue
        if role and getattr(cmap, role) is None:
            setattr(cmap, role, col)
        elif role is None and _is_subject(col):
            cmap.scores.append(col)
    if overrides:
        for role, col in overrides.items():
            if role == "scores":
                cmap.scores = list(col)  # type: ignore[arg-type]
            elif hasattr(cmap, role):
                setattr(cmap, role, col or None)
    # a column can play only one role
    taken = {getattr(cmap, r) for r in ROLE_ALIASES if getattr(cmap, r)}
    cmap.scores = [s for s in cmap.scores if s not in taken]
    return cmap


# --------------------------------------------------------------------------- values


def parse_score(raw: str) -> tuple[float | None, bool]:
    """(value, ok). Missing marks give (None, True); junk gives (None, False)."""
    v = to_ascii(raw)
    if v.lower() in MISSING_SCORE:
        return None, True
    try:
        f = float(v)
    except ValueError:
        return None, False
    if f != f or f in (float("inf"), float("-inf")):
        return None, False
    return f, True


def parse_gender(raw: str, extra: dict[str, str] | None = None) -> str | None:
    """男/女, M/F, 1/2 (national code), male/female; ``extra`` maps other codes
    (to 男/女 or M/F) as the operator says."""
    v = to_ascii(raw).lower()
    if extra:
        for code, meaning in extra.items():
            if to_ascii(str(code)).lower() == v:
                return {"男": "M", "女": "F"}.get(meaning, meaning)
    return GENDER_MAP.get(v)


# gender written in words: read as written, nothing to say
PLAIN_GENDER = ("男", "女", "男生", "女生")


def _given_code(raw: str, gender_codes: dict[str, str] | None) -> bool:
    """Did the operator map this code (--gender-code)?"""
    v = to_ascii(raw).lower()
    return any(to_ascii(str(code)).lower() == v for code in (gender_codes or {}))


def _codes_read(read_as: dict[str, str]):
    """How gender codes were read, in words: ``M、1 按男，2 按女计`` /
    ``M, 1 as male and 2 as female``."""
    from ..i18n import Bilingual

    boys = [c for c, v in read_as.items() if v == "M"]
    girls = [c for c, v in read_as.items() if v == "F"]
    zh = "，".join(f"{'、'.join(cs)} 按{word}" for cs, word in ((boys, "男"), (girls, "女")) if cs) + "计"
    en = " and ".join(f"{', '.join(cs)} as {word}" for cs, word in ((boys, "male"), (girls, "female")) if cs)
    return Bilingual(zh, en)


def gender_code_clash(code: str, meaning: str) -> dict | None:
    """Parameters of the ``gender_code_flip`` message when mapping ``code`` to
    ``meaning`` (男/女/M/F) would turn it into the opposite of what it plainly
    means (男=女, F=男), else None.  Digits are codes, not words: schools
    write 0/1 or 1/2 either way round, so 1=女 is the operator's to say."""
    key = to_ascii(str(code)).lower()
    if key.isdigit():
        return None
    plain = GENDER_MAP.get(key)
    want = {"男": "M", "女": "F"}.get(meaning, meaning)
    if plain is None or want not in ("M", "F") or plain == want:
        return None
    words = {"M": ("男", "male"), "F": ("女", "female")}
    return {"code": code, "plain": words[plain][0], "plain_en": words[plain][1], "meaning": words[want][0],
            "meaning_en": words[want][1]}


def check_gender_codes(codes: list[tuple[str, str]], specs: list[str] | None = None) -> None:
    """Refuse gender codes that cannot be meant, as the CLI and the wizard both
    take them: a code turned into the opposite of what it plainly says (男=女,
    F=男: ``gender_code_flip``), or one code (B and b are one) given twice with
    opposite meanings (``gender_code_twice``).  ``codes`` holds (code, meaning)
    pairs, the meaning 男/女/M/F; ``specs`` how each was written, for the message."""
    seen: dict[str, tuple[str, str]] = {}  # code as compared -> (as written, M/F)
    for n, (code, meaning) in enumerate(codes):
        spec = specs[n] if specs is not None else f"{code}={meaning}"
        clash = gender_code_clash(code, meaning)
        if clash:
            raise FenbanError("gender_code_flip", spec=spec, **clash)
        sex = {"男": "M", "女": "F"}.get(meaning, meaning)
        key = to_ascii(str(code)).lower()
        if key in seen and seen[key][1] != sex:
            raise FenbanError("gender_code_twice", code=code, a=seen[key][0], b=spec)
        seen[key] = (spec, sex)


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(raw: str) -> dt.date | None:
    v = to_ascii(raw)
    v = v.split(" ")[0].split("T")[0]
    for pat in _DATE_PATTERNS:
        m = pat.match(v)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    m = re.match(r"^(\d{4})[-/.年](\d{1,2})月?$", v)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
    # Excel date serial (1900 system) left as a number
    try:
        f = float(v)
    except ValueError:
        return None
    if 3000 < f < 80000:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(f))
    return None


def birth_from_id(idcard: str) -> dt.date | None:
    v = to_ascii(idcard)
    if len(v) == 18 and v[:17].isdigit():
        try:
            return dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
        except ValueError:
            return None
    return None


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@functools.lru_cache(maxsize=65536)
def id_check_ok(idcard: str) -> bool | None:
    """True/False for an 18-character ID number; None when it is not one."""
    v = to_ascii(idcard).upper()
    if len(v) != 18 or not v[:17].isdigit():
        return None
    total = sum(int(d) * w for d, w in zip(v[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == v[17]


def idcard_shape(value: str) -> str | None:
    """Message key for a 身份证号 that is not shaped like one (18 characters:
    17 digits, then a digit or X), or None.  Damage by Excel is id_damage's."""
    v = to_ascii(value).upper()
    if re.fullmatch(r"\d{17}[\dX]", v):
        return None
    return "idcard_length" if len(v) != 18 else "idcard_chars"


def id_damage(value: str) -> str | None:
    """Message key for an ID that Excel damaged, or None."""
    v = to_ascii(value).upper()
    if "E" in v and re.match(r"^\d+(\.\d+)?E\+?\d+$", v):
        return "id_sci"
    if len(v) >= 16 and looks_damaged_id(value):
        return "id_zeros" if v.endswith("000") else "id_float"
    return None


def looks_damaged_id(value: str) -> bool:
    """An ID that Excel turned into a number: scientific notation, digits lost to
    15 significant figures (…000), or a value that is exactly a binary double
    above 2**53 with a failing check digit (the file stored it as a number)."""
    v = to_ascii(value).upper()
    if re.match(r"^\d+(\.\d+)?E\+?\d+$", v):
        return True
    if not re.match(r"^\d{16,}$", v):
        return False
    if v.endswith("000"):  # 15 significant digits kept, the rest zeros
        return True
    n = int(v)
    return id_check_ok(v) is False and n > 2**53 and float(n) == n


# --------------------------------------------------------------------------- loading


SHEET_COLUMN = "工作表"


@dataclass
class _SheetRows:
    """The data rows of one sheet, cut out under its header."""

    sheet: str
    header_row: int  # 1-based
    names: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    dropped: list[int]
    problems: list[Problem]
    unsaved: list[tuple[int, int]] = field(default_factory=list)  # (row, col) formulas without results
    big_numbers: set[tuple[int, int]] = field(default_factory=set)  # (row, col) 16+ digit numbers
    zero_formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, col) formulas whose result is 0
    blank_headers: set[int] = field(default_factory=set)  # columns whose header cell is blank (named 列C)
    header_len: int | None = None  # a text file's header: cells up to its last named one (None otherwise)


def _extract(path: Path, grid: SheetGrid, header_row: int | None) -> _SheetRows:
    rows = grid.rows
    synthetic = False
    if header_row == 0:  # no header: columns are named by letter, mapped by the operator
        width = max((len(r) for r in rows), default=0)
        while width > 0 and all((len(r) <= width - 1 or clean(r[width - 1]) == "") for r in rows):
            width -= 1
        rows = [[f"列{col_letter(c)}" for c in range(width)]] + rows
        synthetic = True
        grid = SheetGrid(name=grid.name, rows=rows, text=grid.text, hidden_rows=grid.hidden_rows, unsaved_formulas={(r + 1, c) for r, c in grid.unsaved_formulas})
        header_row = 1
    if header_row is not None:
        h = header_row - 1
        if not 0 <= h < len(rows):
            raise FenbanError("no_header", path=str(path), sheet=grid.name, at=sheet_phrase(grid))
    else:
        found = find_header(rows)
        if found is None:
            raise FenbanError("no_header", path=str(path), sheet=grid.name, at=sheet_phrase(grid))
        h = found
    width = max((len(r) for r in rows[h:]), default=0)
    # trailing empty columns (trailing commas) carry no data
    while width > 0 and all((len(r) <= width - 1 or clean(r[width - 1]) == "") for r in rows[h:]):
        width -= 1
    names, first_data = header_block(rows, h, width) if not synthetic else (rows[0], 1)
    name_idx = next((c for c, n in enumerate(names) if _match_role(n) == "name"), 0)
    out = _SheetRows(grid.name, 0 if synthetic else h + 1, names, [], [], [], [])
    if not synthetic:  # a column with data under a blank header cell is named 列C: _build says so
        head = _row_cells(rows, h, width)
        out.blank_headers = {c for c, n in enumerate(names) if not head[c] and n == f"列{col_letter(c)}"}
        if grid.text:  # in a text file a row may hold fewer or more cells than the header
            out.header_len = max((c for c in range(width) if c not in out.blank_headers), default=-1) + 1
    short: dict[int, int] = {}  # row -> cells, of rows with fewer cells than the header (text files)
    for c, col in enumerate(names):  # a header written twice: the second is renamed, and said so
        twice = re.fullmatch(r"(.+)_(\d+)", col)
        if twice and twice.group(1) in names[:c]:
            out.problems.append(Problem("warning", "header_duplicate", grid.name, None if synthetic else h + 1,
                                        f"{col}({col_letter(c)})", {"name": twice.group(1), "new": col}))
    single: list[tuple[int, int, str, int]] = []  # (index in out.rows, row, text, column) of one-cell rows
    def by_row(cells) -> dict[int, list[int]]:
        rows_of: dict[int, list[int]] = {}
        for row, c in sorted(cells):
            rows_of.setdefault(row, []).append(c)
        return rows_of

    big_by_row, unsaved_by_row, zero_by_row = (by_row(grid.big_numbers), by_row(grid.unsaved_formulas),
                                               by_row(grid.zero_formulas))
    gender_idx = next((c for c, n in enumerate(names) if _match_role(n) == "gender"), None)
    id_idx = [c for c, n in enumerate(names) if _match_role(n) in ("sid", "idcard")]
    blank: list[int] = []  # blank rows (the others skipped are each said with what they are)
    for r in range(first_data, len(rows)):
        raw = rows[r]
        cells = [clean(raw[c]) if c < len(raw) else "" for c in range(width)]
        excel_row = r if synthetic else r + 1
        if not any(cells):
            out.dropped.append(excel_row)
            blank.append(excel_row)
            continue
        # a row with a gender or an ID is a student, whatever its name (Sum Li, 平均);
        # "男1女1" in the gender column is a totals row's count, not a gender
        g = cells[gender_idx] if gender_idx is not None and gender_idx < width else ""
        has_gender = bool(g) and (parse_gender(g) is not None or (len(g) <= 2 and not any(ch.isdigit() for ch in g)))
        # (an ID has digits; "合计" in the 学号 column is the totals row's label)
        has_id = any(c < width and any(ch.isdigit() for ch in cells[c]) and not _TOTALS_HINT.search(cells[c])
                     for c in id_idx)
        if not has_gender and not has_id and _is_totals_row(cells[: max(3, name_idx + 1)]):
            out.dropped.append(excel_row)
            out.problems.append(Problem("info", "row_total", grid.name, excel_row, None,
                                        {"text": " ".join(c for c in cells if c)[:40]}))
            continue
        out.unsaved.extend((excel_row, c) for c in unsaved_by_row.get(r, ()) if c < width)
        out.big_numbers.update((excel_row, c) for c in big_by_row.get(r, ()))
        out.zero_formulas.extend((excel_row, c) for c in zero_by_row.get(r, ()) if c < width)
        filled = [v for v in cells if v]
        # the header printed again (a page header in a long export): not a student
        if sum(1 for v, n in zip(cells, names) if v and v == n) >= max(2, (len(filled) + 1) // 2):
            out.dropped.append(excel_row)
            out.problems.append(Problem("info", "row_header_again", grid.name, excel_row, None, {}))
            continue
        if width >= 3 and len(filled) == 1:
            col = next(c for c, v in enumerate(cells) if v)
            single.append((len(out.rows), excel_row, cells[col], col))
        elif width >= 3 and len(filled) <= 3 and all(re.search(r"[:：]", v) for v in filled):
            # 制表人：王老师　日期：2026-08-01 — a signature line, a note if it is below the table
            single.append((len(out.rows), excel_row, "  ".join(filled), -1))
        out.rows.append(cells)
        out.row_numbers.append(excel_row)
        if out.header_len and len(raw) < out.header_len:
            short[excel_row] = len(raw)
    # one-cell rows: below the table they are notes (注：…, 制表人…) and are
    # skipped; inside the table they are refused as not being students
    trailing = len(out.rows)
    # ...but a lone name in the 姓名 column is a student with the rest missing
    while single and single[-1][0] == trailing - 1 and not (single[-1][3] == name_idx
                                                            and _looks_like_name(single[-1][2])):
        pos, excel_row, text, _ = single.pop()
        trailing -= 1
        out.dropped.append(excel_row)
        out.problems.append(Problem("info", "row_note", grid.name, excel_row, None, {"text": text[:30]}))
    del out.rows[trailing:], out.row_numbers[trailing:]
    out.unsaved = [(r, c) for r, c in out.unsaved if r in set(out.row_numbers)]
    for _, excel_row, text, _ in single:
        out.problems.append(Problem("error", "row_junk", grid.name, excel_row, None, {"text": text[:30]}))
    if short:
        _short_rows(out, grid, rows, short, {row for _, row, _, _ in single})
    hidden = [r for r in out.row_numbers if r - 1 in grid.hidden_rows]
    if hidden:  # read as students, and said: hidden rows are often students who left
        out.problems.append(Problem("warning", "rows_hidden", grid.name, None, None,
                                    {"count": len(hidden), "rows": _rows_shown(hidden)}))
    if not out.rows:
        raise FenbanError("header_only", path=str(path), sheet=grid.name, at=sheet_phrase(grid))
    if blank:  # totals rows, notes and a repeated header have a line each, saying what they are
        from ..i18n import Bilingual

        shown, more = RowList(blank[:10]), " …" if len(blank) > 10 else ""
        out.problems.append(Problem("info", "dropped_summary", grid.name, None, None, {
            "count": len(blank), "rows": Bilingual(shown.render("zh") + more, shown.render("en") + more)}))
    return out


ROWS_ONE_BY_ONE = 10  # rows said one line each; more are said in one line, the first few named


def _rows_shown(refs: list[object], limit: int = ROWS_ONE_BY_ONE, total: bool = False):
    """The first ``limit`` rows of a long list, as messages name them, then …
    (and with ``total``, how many there are: ``…（共 35 行）`` / ``… (35 in all)``)."""
    from ..i18n import Bilingual

    shown = RowList(refs[:limit])
    if len(refs) <= limit:
        return Bilingual(shown.render("zh"), shown.render("en"))
    zh, en = (f"（共 {len(refs)} 行）", f" ({len(refs)} in all)") if total else ("", "")
    return Bilingual(shown.render("zh") + " …" + zh, shown.render("en") + " …" + en)


def _short_rows(out: _SheetRows, grid: SheetGrid, rows: list[list[str | None]], short: dict[int, int],
                junk: set[int]) -> None:
    """Rows of a text file with fewer cells than its header: the missing cells
    read as blank, which is said (a line cut short, a note broken over two
    lines).  The file's last row short and no line break after it: the file
    itself may have been cut off.  One-cell rows have their own message."""
    kept = set(out.row_numbers)
    m = out.header_len
    found = [(r, n) for r, n in short.items() if r in kept and r not in junk]
    last = len(rows)  # the file's last line, as the spreadsheet numbers it
    if grid.no_final_newline and last in short and last in kept:
        found = [(r, n) for r, n in found if r != last]
        out.problems.append(Problem("warning", "file_cut_off", grid.name, last, None, {"n": short[last], "m": m}))
    if len(found) <= ROWS_ONE_BY_ONE:
        out.problems.extend(Problem("warning", "row_short", grid.name, r, None, {"n": n, "m": m}) for r, n in found)
    else:
        out.problems.append(Problem("warning", "row_short_many", grid.name, None, None, {
            "count": len(found), "m": m, "rows": _rows_shown([r for r, _ in found])}))


def _skipped(g: SheetGrid) -> Problem:
    """A sheet passed over: a note for a notes sheet, an error for one that
    looks like a table of students (never lose a sheet of children quietly)."""
    table_rows = sum(1 for row in g.rows if sum(1 for c in row if clean(c)) >= 3)
    if table_rows >= 3:
        return Problem("error", "sheet_skipped_data", g.name, None, None, {"n": table_rows})
    return Problem("info", "sheet_skipped", g.name)


def _data_sheets(book: Book, need_header: bool = True) -> tuple[list[SheetGrid], list[Problem]]:
    """Sheets that hold a roster, and a note for every sheet passed over."""
    data, notes = [], []
    for g in book.sheets:
        if not any(any(clean(c) for c in row) for row in g.rows):
            notes.append(Problem("info", "sheet_empty", g.name))
        elif need_header and find_header(g.rows) is None:
            notes.append(_skipped(g))
        else:
            data.append(g)
    return data, notes


@dataclass
class SheetInfo:
    name: str
    has_roster: bool  # a header with a name column was found
    rows: int  # non-empty rows
    header: list[str]  # the detected header (empty when none)


def list_sheets(path: str | Path) -> list[SheetInfo]:
    """The sheets of a file, for a sheet picker (a text file has one)."""
    book = read_book(path)
    out = []
    for g in book.sheets:
        filled = sum(1 for row in g.rows if any(clean(c) for c in row))
        h = find_header(g.rows)
        header = []
        if h is not None:
            width = max((len(r) for r in g.rows[h:]), default=0)
            header = header_block(g.rows, h, width)[0]
        out.append(SheetInfo(g.name, h is not None, filled, header))
    return out


def load_roster(
    path: str | Path,
    sheet: str | None = None,
    columns: dict[str, object] | None = None,
    header_row: int | None = None,
    gender_codes: dict[str, str] | None = None,
) -> Roster:
    """Read and validate a roster file.

    ``sheet``: a sheet name (or 1-based number) reads that sheet; ``None`` or
    ``"all"`` reads every sheet that holds a roster: sheets with the same
    columns are combined, the sheet name kept in a 工作表 column; notes and
    empty sheets are skipped and said so.  Sheets with different columns are
    refused by name unless one is chosen.

    Raises :class:`FenbanError` when the file cannot be read at all; row-level
    problems are listed in ``Roster.problems`` (errors make it unusable).
    """
    check_gender_codes(list((gender_codes or {}).items()))  # 男=女 would silently swap students' sexes
    book = read_book(path)
    p = book.path
    notes: list[Problem] = []
    if book.kind == "csv" and p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".et"):
        notes.append(Problem("info", "text_named_workbook", None, None, None, {"suffix": p.suffix}))
    if book.encoding == "big5hkscs":  # said: the names are read in traditional characters
        notes.append(Problem("info", "text_big5", None, None, None, {}))
    if sheet and sheet != "all":
        grids = [_pick_named(book, sheet)]
    else:
        grids, skipped = _data_sheets(book, need_header=header_row is None)
        notes += skipped
        if not grids:
            first = book.sheets[0] if book.sheets else None
            raise FenbanError("no_header", path=str(p), sheet=first.name if first else "", at=sheet_phrase(first))
    parts = []
    for g in grids:
        try:
            parts.append(_extract(p, g, header_row))
        except FenbanError as exc:
            if len(grids) == 1 or exc.key != "header_only":
                raise
            notes.append(_skipped(g))
    if not parts:
        raise FenbanError("header_only", path=str(p), sheet=grids[0].name, at=sheet_phrase(grids[0]))
    first = parts[0]
    for part in parts[1:]:
        if part.names != first.names:
            raise FenbanError("sheets_differ", path=str(p), a=first.sheet, b=part.sheet)
    if len(parts) == 1:
        roster = _build(p, first.sheet, first.header_row, first.names, parts, columns, gender_codes, notes,
                        workbook=book.kind != "csv")
        if book.kind == "csv":  # a text file has no sheets: its problems are placed by row and column alone
            roster.text = True
            for problem in roster.problems:
                problem.sheet = None
        return roster
    names = list(first.names)
    if SHEET_COLUMN not in names:
        names = [SHEET_COLUMN] + names
        for part in parts:
            part.rows = [[part.sheet] + r for r in part.rows]
    from ..i18n import Bilingual  # the sheet list in the punctuation of the language shown

    notes.append(Problem("info", "sheets_combined", None, None, None,
                         {"count": len(parts), "sheets": Bilingual.join([x.sheet for x in parts]),
                          "column": SHEET_COLUMN}))
    label = "+".join(x.sheet for x in parts)
    return _build(p, label, first.header_row, names, parts, columns, gender_codes, notes,
                  workbook=book.kind != "csv")


def sheet_phrase(grid: "SheetGrid | str | None"):
    """Where in the file a message points: `` 工作表“名单”`` in a workbook,
    nothing in a text file (a CSV has no sheets)."""
    from ..i18n import Bilingual

    name = grid if isinstance(grid, str) else (None if grid is None or grid.text else grid.name)
    return Bilingual(f" 工作表“{name}”", f" sheet \u201c{name}\u201d") if name else Bilingual("", "")


def _pick_named(book: Book, sheet: str) -> SheetGrid:
    for g in book.sheets:
        if g.name == sheet:
            return g
    if sheet.isdigit() and 1 <= int(sheet) <= len(book.sheets):
        return book.sheets[int(sheet) - 1]
    raise FenbanError("sheet_missing", path=str(book.path), sheet=sheet, sheets="、".join(g.name for g in book.sheets))


def _resolve_columns(columns: dict[str, object] | None, names: list[str],
                     offset: int = 0) -> dict[str, object] | None:
    """Let the operator name a column by its header, its letter (B) or its
    position (2), counted in the sheet (after the ``offset`` columns FenBan added)."""
    if not columns:
        return columns

    def one(v: object) -> object:
        if not isinstance(v, str) or v in names:
            return v
        t = to_ascii(v).upper()
        if re.fullmatch(r"[A-Z]{1,2}", t):
            idx = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(t))) - 1
        elif t.isdigit():
            idx = int(t) - 1
        else:
            return v
        idx += offset
        return names[idx] if offset <= idx < len(names) else v

    return {role: ([one(x) for x in v] if isinstance(v, list) else one(v)) for role, v in columns.items()}


def column_list(names: list[str], limit: int = 10):
    """A few of a file's columns, for a message naming what it has:
    ``姓名、性别、语文 …`` / ``姓名, 性别, 语文 …``."""
    from ..i18n import Bilingual

    shown = Bilingual.join(names[:limit])
    more = " …" if len(names) > limit else ""
    return Bilingual(str(shown) + more, shown.en + more)


def _missing_column(column: object, names: list[str], where) -> FenbanError:
    """A column the operator named that the file does not have: the file (and
    sheet) named, with the columns it does have."""
    return FenbanError("column_missing", column=column, where=where, columns=column_list(names))


def _build(path: Path, label: str, header_row: int, names: list[str], parts: list[_SheetRows],
           columns: dict[str, object] | None, gender_codes: dict[str, str] | None,
           notes: list[Problem], workbook: bool = False) -> Roster:
    from ..i18n import Bilingual

    # a 工作表 column put in front of combined sheets has no letter in the sheets
    offset = 1 if len(parts) > 1 and names[0] == SHEET_COLUMN and parts[0].names[0] != SHEET_COLUMN else 0
    # where a missing column was looked for: the file, and its sheet when it has sheets
    sheets = [x.sheet for x in parts]
    where = (Bilingual(str(path)) if not workbook else
             Bilingual(f"{path} 工作表“{label}”", f"{path} sheet \u201c{label}\u201d") if len(parts) == 1 else
             Bilingual(f"{path}（合并的工作表 {'、'.join(sheets)}）", f"{path} (combined sheets {', '.join(sheets)})"))
    resolved = _resolve_columns(columns, names, offset)
    cmap = auto_map(names, resolved)
    for role in ROLE_ALIASES:
        col = getattr(cmap, role)
        if col is not None and col not in names:
            raise _missing_column(col, names, where)
    # the score columns the operator listed: each is used, or refused in words
    # (auto_map drops a listed column that has another role; it is never dropped quietly)
    listed = [str(c) for c in (resolved or {}).get("scores") or []]
    for n, col in enumerate(listed):
        if col not in names:
            raise _missing_column(col, names, where)
        if col in listed[:n]:
            raise FenbanError("scores_column_twice", column=_colname(col, names, offset))
        role = cmap.role_of(col)
        if role in ROLE_ALIASES:
            raise FenbanError("scores_column_role", column=_colname(col, names, offset), role=role,
                              role_zh=ROLE_ALIASES[role][0])
    for col in cmap.scores:
        if col not in names:
            raise _missing_column(col, names, where)
    if cmap.name is None:
        if header_row == 0:
            raise FenbanError("no_header_map", path=str(path))
        raise FenbanError("no_header", path=str(path), sheet=label, at=sheet_phrase(label if workbook else None))
    problems: list[Problem] = list(notes)
    kept: list[list[str]] = []
    kept_rows: list[int] = []
    sheets: list[str] = []
    dropped: list[int] = []
    name_idx = names.index(cmap.name)
    # formulas saved without results read as blank: refuse them where it matters
    key_cols = {getattr(cmap, r) for r in ROLE_ALIASES if r not in ("note", "phone", "seq")} | set(cmap.scores)
    for part in parts:
        for r, c in sorted(part.unsaved):
            col = names[c + offset]
            if col in key_cols:
                problems.append(Problem("error", "formula_unsaved", part.sheet, r, _colname(col, names, offset)))
        for r, c in part.zero_formulas:
            col = names[c + offset]
            if col in key_cols:
                problems.append(Problem("warning", "formula_zero", part.sheet, r, _colname(col, names, offset)))
    for part in parts:
        problems.extend(part.problems)
        dropped.extend(part.dropped)
        for cells, r in zip(part.rows, part.row_numbers):
            if not cells[name_idx]:
                problems.append(Problem("error", "row_no_name", part.sheet, r, _colname(cmap.name, names, offset)))
            kept.append(cells)
            kept_rows.append(r)
            sheets.append(part.sheet)
    data = {n: [row[c] for row in kept] for c, n in enumerate(names)}
    problems.extend(_blank_header_columns(parts, names, cmap, offset, data, kept_rows, sheets, gender_codes))
    unsaved_cols = {names[c + offset] for part in parts for _, c in part.unsaved}
    for col in listed:
        _check_listed_scores(col, data[col], _colname(col, names, offset), col in unsaved_cols)
    table = pl.DataFrame({**data, "_row": kept_rows, "_sheet": sheets},
                         schema={**{n: pl.String for n in names}, "_row": pl.Int64, "_sheet": pl.String})
    big = {(part.sheet, r, names[c + offset]) for part in parts for r, c in part.big_numbers
           if c + offset < len(names)}
    values, vprobs = _parse_values(table, names, cmap, gender_codes, offset, big)
    problems.extend(vprobs)
    return Roster(
        path=Path(path), sheet=label, header_row=header_row, columns=names, table=table, values=values,
        cmap=cmap, problems=problems, dropped_rows=dropped, sheets_used=[x.sheet for x in parts],
    )


def _blank_header_columns(parts: list[_SheetRows], names: list[str], cmap: ColumnMap, offset: int,
                          data: dict[str, list[str]], kept_rows: list[int], sheets: list[str],
                          gender_codes: dict[str, str] | None) -> list[Problem]:
    """Columns with data under a blank header cell (read as 列C, used for
    nothing): said, with what they look like (a 性别 header cleared leaves the
    classes unbalanced by gender in silence otherwise).  In a text file, a few
    rows with cells past the header's end are said row by row instead."""
    from ..i18n import Bilingual

    first = parts[0]
    unused = [c for c in sorted(first.blank_headers)
              if c + offset < len(names) and cmap.role_of(names[c + offset]) is None]
    out: list[Problem] = []
    said: set[int] = set()
    m = first.header_len if len(parts) == 1 else None
    beyond = [c for c in unused if m is not None and c >= m]
    extra: dict[int, list[int]] = {}  # index of a kept row -> its filled columns past the header
    for c in beyond:
        for i, v in enumerate(data[names[c + offset]]):
            if v:
                extra.setdefault(i, []).append(c)
    if 0 < len(extra) <= ROWS_ONE_BY_ONE:
        for i in sorted(extra):
            cols = extra[i]
            letters = [col_letter(c) for c in cols]
            shown = Bilingual("、".join(f"列{x}" for x in letters),
                              f"{'columns' if len(cols) > 1 else 'column'} {', '.join(letters)}")
            out.append(Problem("warning", "row_extra", sheets[i], kept_rows[i], None, {"n": len(cols), "cols": shown}))
        said = set(beyond)
    sheet = first.sheet if len(parts) == 1 else None
    for c in unused:
        filled = [v for v in data[names[c + offset]] if v] if c not in said else []
        if not filled:
            continue
        letter = col_letter(c)
        hint = Bilingual("")
        genders = sum(1 for v in filled if not to_ascii(v).isdigit() and parse_gender(v, gender_codes) is not None)
        numbers = [f for f, _ in map(parse_score, filled) if f is not None and 0 <= f <= 1000]
        if cmap.gender is None and genders >= 0.8 * len(filled):
            hint = Bilingual.of("header_blank_gender", letter=letter)
        elif len(numbers) >= 0.8 * len(filled) and len(set(numbers)) >= 3 and not _counts_up(numbers):
            letters = ",".join([col_letter(names.index(s) - offset) for s in cmap.scores] + [letter])
            hint = Bilingual.of("header_blank_scores", letters=letters)
        out.append(Problem("warning", "header_blank", sheet, first.header_row, None, {"letter": letter, "hint": hint}))
    return out


def _counts_up(values: list[float]) -> bool:
    """1, 2, 3 …: a 序号 column, not scores."""
    return all(b == a + 1 for a, b in zip(values, values[1:]))


def _check_listed_scores(col: str, cells: list[str], shown: str, unsaved: bool) -> None:
    """A score column the operator listed must hold scores: one with no number
    at all (a 民族 or 特长 column) is refused by name, not row by row; one with
    nothing but blanks and 缺考 would be left out of the balance in silence.
    (Formulas saved without results read blank: their own errors say so.)"""
    text = None
    for raw in cells:
        value, ok = parse_score(raw)
        if value is not None:
            return
        if not ok and text is None:
            text = raw
    if text is not None:
        raise FenbanError("scores_column_text", column=shown, value=text[:20])
    if not unsaved:
        raise FenbanError("scores_column_blank", column=shown)


_TOTALS_HINT = re.compile("合计|总计|平均|小计|汇总|total|average|sum", re.I)


def _is_totals_row(lead: list[str]) -> bool:
    """A 合计/平均 row: one of the leading cells is such a word (合计, 平均分：,
    总计人数…; the English words only alone: "Sum Li" is a name)."""
    if not _TOTALS_HINT.search("".join(lead)):
        return False
    for cell in lead:
        k = norm_key(cell)
        if k and any(k == m or (not m.isascii() and k.startswith(m) and len(k) <= len(m) + 2)
                     for m in TOTAL_MARKERS):
            return True
    return False


def _looks_like_name(text: str) -> bool:
    """A person's name rather than a note: short, no colon, no digits."""
    t = clean(text)
    return 0 < len(t) <= 12 and not re.search(r"[:：\d]", t) and not t.startswith(("注", "说明", "备注", "制表"))


def split_row_ref(ref: object) -> tuple[str | None, object]:
    """(sheet, row) of a row as :meth:`Roster.row_refs` names it: ``12`` is
    (None, 12), ``"原2班 12"`` (combined sheets) is ("原2班", 12)."""
    if isinstance(ref, str):
        m = re.fullmatch(r"(.+) (\d+)", ref)
        if m:
            return m.group(1), int(m.group(2))
    return None, ref


class RowList:
    """Rows as a message names them, in the language they are shown in:
    ``第 4、6 行`` / ``rows 4, 6``; rows of combined sheets grouped by sheet:
    ``原1班 第 3 行，原2班 第 4、6 行`` / ``sheet 原1班 row 3; sheet 原2班 rows 4, 6``.
    ``rows`` holds row numbers or refs as :meth:`Roster.row_refs` gives them."""

    def __init__(self, rows: list[object]) -> None:
        self.rows = rows

    def render(self, lang: str) -> str:
        en = lang == "en"
        groups: dict[str | None, list[object]] = {}
        for ref in self.rows:
            sheet, row = split_row_ref(ref)
            groups.setdefault(sheet, []).append(row)
        parts = []
        for sheet, rows in groups.items():
            nums = (", " if en else "、").join(str(r) for r in rows)
            phrase = f"{'rows' if len(rows) > 1 else 'row'} {nums}" if en else f"第 {nums} 行"
            if sheet is not None:
                phrase = f"sheet {sheet} {phrase}" if en else f"{sheet} {phrase}"
            parts.append(phrase)
        return ("; " if en else "，").join(parts)


def _colname(col: str, names: list[str], offset: int = 0) -> str:
    """A column as messages name it: its header and its letter in the sheet
    (``offset`` columns at the front were added by FenBan, e.g. 工作表)."""
    idx = names.index(col) - offset
    return f"{col}({col_letter(idx)})" if idx >= 0 else col


def _num(f: float) -> str:
    """A score as a message shows it: 120, 99.5 (no float noise)."""
    return str(int(f)) if f == int(f) else f"{f:.2f}".rstrip("0").rstrip(".")


OUTLIER_FACTOR = 1.5  # a score above 1.5 times its column's reference value …
OUTLIER_MARGIN = 10  # … and at least 10 points above it is pointed out


def _score_outliers(vals: list[float | None], say) -> None:
    """Call ``say(i, value, top)`` for each score far above the rest of its
    column (999 typed for 99, 1200 for 120), ``top`` the highest other score.

    The rule, robust and O(n): the reference is the (k+1)-th highest score,
    k = max(2, 1 % of the scores), so a few slips cannot hide each other by
    raising it; a score above 1.5 × the reference and 10 or more points above
    it is flagged.  Full marks never are (120 in a column whose others reach
    100 is 1.2 ×).  Scores outside 0–1000 have their own warning (score_range);
    columns of fewer than 5 scores are left alone."""
    import heapq

    nums = [v for v in vals if v is not None and 0 <= v <= 1000]
    k = max(2, len(nums) // 100)
    if len(nums) < 5 or len(nums) <= k:
        return
    ref = heapq.nlargest(k + 1, nums)[-1]
    if ref <= 0:
        return
    limit = max(ref * OUTLIER_FACTOR, ref + OUTLIER_MARGIN)
    top = max((v for v in nums if v <= limit), default=ref)
    for i, v in enumerate(vals):
        if v is not None and limit < v <= 1000:
            say(i, _num(v), _num(top))


def _total_not_sum(out: dict[str, list], cmap: ColumnMap, say) -> None:
    """Call ``say(i, total, sum)`` for each row whose 总分 is not the sum of its
    subject scores, when it is for the rest: at least 90 % of the rows with
    every subject and a total (and 5 or more of them).  Where 总分 is generally
    something else (other subjects counted in, a weighting) nothing is said.
    Rows with some subjects absent are compared with the sum of those sat."""
    totals = out[cmap.total]
    subjects = [out[c] for c in cmap.scores]
    sums: list[float | None] = []
    complete = same = 0
    for i, t in enumerate(totals):
        sat = [s[i] for s in subjects if s[i] is not None]
        sums.append(sum(sat) if sat and t is not None else None)
        if t is not None and len(sat) == len(subjects):
            complete += 1
            same += abs(t - sums[i]) < 0.01
    if complete < 5 or same < 0.9 * complete:
        return
    for i, (t, s) in enumerate(zip(totals, sums)):
        if s is not None and abs(t - s) >= 0.01:
            say(i, _num(t), _num(s))


def _parse_values(
    table: pl.DataFrame,
    names: list[str],
    cmap: ColumnMap,
    gender_codes: dict[str, str] | None,
    offset: int = 0,
    stored_numbers: set[tuple[str, int, str]] | frozenset = frozenset(),
) -> tuple[pl.DataFrame, list[Problem]]:
    """Parse scores, genders, codes and IDs; ``stored_numbers`` holds the
    (sheet, row, column) of cells the file stored as 16+ digit numbers."""
    problems: list[Problem] = []
    rows = table["_row"].to_list()
    sheet_of = table["_sheet"].to_list()
    out: dict[str, list] = {}

    def col(c: str) -> list[str]:
        return table[c].to_list()

    several = len(set(sheet_of)) > 1

    def ref(i: int) -> object:
        """Row i as another message names it: its row number (and sheet)."""
        return f"{sheet_of[i]} {rows[i]}" if several else rows[i]

    def add(level: str, key: str, i: int, column: str | None, **params: object) -> None:
        problems.append(Problem(level, key, sheet_of[i], rows[i], _colname(column, names, offset) if column else None,
                                params))

    # scores and total
    for c in cmap.numeric_columns():
        vals: list[float | None] = []
        for i, raw in enumerate(col(c)):
            v, ok = parse_score(raw)
            if not ok:
                add("error", "score_bad", i, c, value=raw)
            elif v is not None and (v < 0 or v > 1000):
                add("warning", "score_range", i, c, value=raw)
            vals.append(v)
        out[c] = vals
        _score_outliers(vals, lambda i, value, top, c=c: add("warning", "score_outlier", i, c, value=value, top=top))
    if cmap.total and cmap.scores:
        _total_not_sum(out, cmap, lambda i, total, total_sum: add("warning", "total_mismatch", i, cmap.total,
                                                                  total=total, sum=total_sum))
    if cmap.numeric_columns():
        # a student whose every score cell is empty (缺考 not written) while most
        # have scores: counted as absent, which is said (a row left unfilled?)
        raws = [col(c) for c in cmap.numeric_columns()]
        blank = [i for i, cells in enumerate(zip(*raws)) if not any(cells)]
        scored = sum(1 for i in range(len(rows)) if any(out[c][i] is not None for c in cmap.numeric_columns()))
        if blank and scored > len(rows) / 2:
            if len(blank) <= ROWS_ONE_BY_ONE:
                for i in blank:
                    add("warning", "scores_all_blank", i, None)
            else:
                problems.append(Problem("warning", "scores_all_blank_many", None if several else sheet_of[0], None,
                                        None, {"count": len(blank), "rows": _rows_shown([ref(i) for i in blank])}))

    # gender
    if cmap.gender:
        g: list[str | None] = []
        read_as: dict[str, str] = {}  # codes read by FenBan's own table (M, 1, 2 …) -> M/F
        for i, raw in enumerate(col(cmap.gender)):
            if not raw:
                add("error", "gender_missing", i, cmap.gender)
                g.append(None)
                continue
            v = parse_gender(raw, gender_codes)
            if v is None:
                add("error", "gender_unknown", i, cmap.gender, value=raw)
            elif (to_ascii(raw) not in PLAIN_GENDER and parse_gender(raw, None) == v
                  and not _given_code(raw, gender_codes)):
                read_as.setdefault(clean(raw), v)
            g.append(v)
        out["_gender"] = g
        if read_as:  # M/1/2 taken for 男/女: said, never silently (the operator may mean otherwise)
            problems.append(Problem("info", "gender_codes_read", None, None, None, {
                "column": _colname(cmap.gender, names, offset), "codes": _codes_read(read_as)}))

    # birth date (from its column, else from the 18-digit ID number)
    if cmap.birth or cmap.idcard:
        b: list[dt.date | None] = []
        bcol = col(cmap.birth) if cmap.birth else [""] * len(rows)
        icol = col(cmap.idcard) if cmap.idcard else [""] * len(rows)
        for i, (raw, idv) in enumerate(zip(bcol, icol)):
            d = parse_date(raw) if raw else None
            if raw and d is None:
                add("warning", "birth_bad", i, cmap.birth, value=raw)
            if d is None and idv:
                d = birth_from_id(idv)
            b.append(d)
        out["_birth"] = b

    # preset class
    if cmap.pin:
        p: list[int | None] = []
        for i, raw in enumerate(col(cmap.pin)):
            if not raw:
                p.append(None)
                continue
            m = re.search(r"\d+", to_ascii(raw))
            v = to_ascii(raw)
            try:
                f = float(v)
                num = int(f) if f == int(f) else None
            except ValueError:
                num = int(m.group()) if m and len(re.findall(r"\d+", v)) == 1 else None
            if num is None:
                add("error", "pin_not_number", i, cmap.pin, value=raw)
            elif num < 1:
                add("error", "pin_not_number", i, cmap.pin, value=raw)
                num = None
            p.append(num)
        out["_pin"] = p

    if cmap.note:
        bind = col(cmap.together) if cmap.together else [""] * len(rows)
        for i, (note, code) in enumerate(zip(col(cmap.note), bind)):
            if note and ("双胞胎" in note or "孪生" in note or "多胞胎" in note) and not code:
                add("warning", "twin_unbound", i, cmap.note, note=note)

    for role in ("together", "apart", "school", "boarding", "group"):
        c = getattr(cmap, role)
        if c:
            out[f"_{role}"] = [to_ascii(v) if role in ("together", "apart") else v for v in col(c)]

    # fully identical rows: the same student entered twice (found first: such a
    # row's ID is the same too, and that is not said again)
    dup_of: dict[int, int] = {}
    seen_rows: dict[tuple, int] = {}
    data_cols = [c for c in names if c not in (cmap.seq, SHEET_COLUMN)]
    for i, rec in enumerate(table.select(data_cols).iter_rows()):
        if rec in seen_rows:
            dup_of[i] = seen_rows[rec]
        else:
            seen_rows[rec] = i
    keys = [name_key(n) for n in col(cmap.name)]

    # IDs: exact text; flag damage, bad check digits, duplicates and blanks -- in
    # every ID column (a 考号 or 学籍号 beside the 学号 too)
    id_cols = [(r, getattr(cmap, r)) for r in ("sid", "idcard") if getattr(cmap, r)]
    id_cols += [(_match_role(n), n) for n in names
                if _match_role(n) in ("sid", "idcard") and n not in {c for _, c in id_cols}]
    def say_blank(key: str, c: str, empty: list[int]) -> None:
        """Most students have column c filled: the few without are said, one line for the column."""
        if empty and len(empty) < len(rows) / 2:
            problems.append(Problem("warning", key, None if several else sheet_of[0], None, _colname(c, names, offset),
                                    {"name": c, "rows": _rows_shown([ref(i) for i in empty], total=True)}))

    for role, c in id_cols:
        seen: dict[str, int] = {}
        empty: list[int] = []
        for i, raw in enumerate(col(c)):
            if not raw:
                empty.append(i)
                continue
            if stored_numbers and (sheet_of[i], rows[i], c) in stored_numbers:
                damage = "id_float"  # the file holds a number: digits past the 15th are lost
            else:
                damage = id_damage(raw)
            if damage:
                add("warning", damage, i, c, value=raw)
                continue
            if role == "idcard":
                shape = idcard_shape(raw)  # 123, 17 characters, letters: kept as written, pointed out
                if shape:
                    add("warning", shape, i, c, value=raw, n=len(to_ascii(raw)))
                elif id_check_ok(raw) is False:
                    add("warning", "id_checksum", i, c, value=raw)
                elif to_ascii(raw).upper() != raw.strip(SPACES).upper():
                    # full-width digits (typed with a Chinese input method): a valid
                    # number that other systems (学籍系统) may not match as written
                    add("warning", "idcard_fullwidth", i, c, value=raw)
            key = to_ascii(raw).upper()
            if key not in seen:
                seen[key] = i
            elif i in dup_of:
                pass  # the whole row is the same: said once, as such
            elif keys[i] and keys[i] == keys[seen[key]]:  # same ID, same name: one student entered twice
                add("error", "id_duplicate_same", i, c, value=raw, other=RowList([ref(seen[key])]))
            else:  # same ID, another name: likely a typing slip in one of them
                add("warning", "id_duplicate", i, c, value=raw, other=RowList([ref(seen[key])]))
        say_blank("id_blank", c, empty)

    # a blank previous school or boarding cell: balanced as a group of its own ("(空)"),
    # which is seldom what was meant: said, one line for the column
    for c in (cmap.school, cmap.boarding):
        if c is not None and c in names:
            say_blank("category_blank", c, [i for i, raw in enumerate(col(c)) if not raw])

    # a district file: the wizard divides everyone together; per school is the CLI's --group-by
    if cmap.group is not None and cmap.group in names:
        groups = {raw for raw in col(cmap.group) if raw}
        if len(groups) > 1:
            problems.append(Problem("info", "group_column", None if several else sheet_of[0], None,
                                    _colname(cmap.group, names, offset), {"name": cmap.group, "n": len(groups)}))

    # fully identical rows: the same student would be placed twice, in two classes
    for i, j in dup_of.items():
        add("error", "duplicate_row", i, None, other=RowList([ref(j)]))

    # same names (spaces ignored)
    out["_name_key"] = keys
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k:
            groups.setdefault(k, []).append(i)
    for k, idx in groups.items():
        if len(idx) > 1:
            add("info", "same_name", idx[0], None, name=k, count=len(idx), rows=RowList([ref(i) for i in idx]))

    schema: dict[str, pl.DataType] = {}
    for k in out:
        if k in cmap.numeric_columns():
            schema[k] = pl.Float64
        elif k == "_birth":
            schema[k] = pl.Date
        elif k == "_pin":
            schema[k] = pl.Int64
        else:
            schema[k] = pl.String
    values = pl.DataFrame(out, schema=schema) if out else pl.DataFrame({"_name_key": keys})
    return values, problems
