"""The import options the operator types on the import step, parsed and shown.

* 表头行 / header row: blank = auto-detect, 0 = the file has no header row, N = row N;
* 列映射 / column map: ``name=A, gender=B, scores=E,F`` (or ``姓名=A …``): a role, ``=``,
  and a column given by letter, 1-based position or header text;
* 性别代码 / gender codes: ``B=男, G=女``.

Pure functions (no widgets) so they are easy to test; a bad text raises
:class:`OptionError`, whose ``key``/``params`` name a message in ``text.TEXT`` (or, for a
refusal the core makes, in ``i18n.MESSAGES``: the CLI's words).
"""

from __future__ import annotations

import re
import unicodedata

from ..core.roster import ROLE_ALIASES, check_gender_codes
from ..i18n import FenbanError, tr
from .text import t

# the roles the column map accepts, in the order they are listed and shown
ROLES = ("name", "gender", "sid", "idcard", "birth", "school", "total", "boarding", "note",
         "together", "apart", "pin", "phone", "group", "scores")

# how each role is shown on the roles line (and accepted in the map): Chinese first
ROLE_ZH = {
    "name": "姓名", "gender": "性别", "sid": "学号", "idcard": "身份证号", "birth": "出生日期",
    "school": "学校", "total": "总分", "boarding": "住宿", "note": "备注", "together": "绑定",
    "apart": "互斥", "pin": "预设班级", "phone": "电话", "group": "录取学校", "scores": "成绩",
}
# more words for a role (the core's header aliases are accepted as well)
ROLE_WORDS: dict[str, str] = {
    **{role: role for role in ROLES},
    **{zh: role for role, zh in ROLE_ZH.items()},
    "毕业学校": "school", "身份证": "idcard", "生日": "birth", "score": "scores", "分数": "scores",
    "学生姓名": "name", "seq": "seq", "序号": "seq",
}

# the order of the roles line: the ones that matter most first
SHOWN_ORDER = ("name", "gender", "scores", "total", "school", "sid", "idcard", "birth", "boarding",
               "together", "apart", "pin", "group", "note", "phone")

GENDER_VALUES = {"男": "男", "女": "女", "m": "M", "f": "F"}

_SEP = re.compile(r"[,，;；、\n]+")


class OptionError(ValueError):
    """A typed option that cannot be understood: a text key and its parameters."""

    def __init__(self, key: str, core: bool = False, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.core = core  # the key is the core's (i18n), as the CLI words it too

    def text(self, lang: str) -> str:
        if self.core:
            return tr(self.key, lang, **self.params)
        return t(self.key, lang, **self.params)


def _norm(text: str) -> str:
    """Full-width letters, digits, = and spaces made ASCII; trimmed (role words and
    numbers only: a header named in the map is matched as typed)."""
    return unicodedata.normalize("NFKC", text).strip()


def _eq(text: str) -> str:
    """Full-width ＝ and ideographic spaces made ASCII; nothing else touched."""
    return text.replace("＝", "=").replace("\u3000", " ").strip()


def parse_header_row(text: str) -> int | None:
    """Blank → None (auto), 0 → no header, N ≥ 1 → header on row N."""
    s = _norm(text)
    if not s or s in ("自动", "auto"):
        return None
    if s in ("无", "none", "no"):
        return 0
    if not s.isdigit():
        raise OptionError("opt_header_bad", value=text.strip())
    return int(s)


def role_of(word: str) -> str | None:
    """The role a word names: an English role, its Chinese name, or a header alias."""
    k = _norm(word).lower().replace(" ", "")
    if k in ROLE_WORDS:
        return ROLE_WORDS[k]
    for role, aliases in ROLE_ALIASES.items():
        if k in aliases:
            return role
    return None


def _pieces(text: str) -> list[str]:
    """Split at commas (any width) and at spaces that start a new ``role=``."""
    out: list[str] = []
    for part in _SEP.split(text):
        part = part.strip()
        if not part:
            continue
        # "name=A gender=B": a space before another role= starts a new piece
        out.extend(p for p in re.split(r"\s+(?=[^\s=]+\s*=)", part) if p.strip())
    return [p.strip() for p in out]


def parse_columns(text: str) -> dict[str, object]:
    """``name=A, gender=B, scores=E,F`` → ``{"name": "A", "gender": "B", "scores": ["E", "F"]}``."""
    columns: dict[str, object] = {}
    last: str | None = None
    for piece in _pieces(_eq(text)):
        if "=" not in piece:
            if last == "scores":  # scores=E,F: more score columns
                columns["scores"].append(piece)  # type: ignore[union-attr]
                continue
            raise OptionError("opt_map_bad", part=piece)
        word, _, value = piece.partition("=")
        value = value.strip()
        role = role_of(word)
        if role is None:
            raise OptionError("opt_map_role", role=word.strip(), roles=" ".join(ROLES),
                              roles_zh=" ".join(ROLE_ZH[r] for r in ROLES))
        if not value or "=" in value:
            raise OptionError("opt_map_bad", part=piece)
        if role in columns:
            raise OptionError("opt_map_dup", role=word.strip())
        columns[role] = [value] if role == "scores" else value
        last = role
    return columns


def parse_gender_codes(text: str) -> dict[str, str]:
    """``B=男, G=女`` → ``{"B": "男", "G": "女"}`` (meanings 男/女/M/F).  A code
    turned into the opposite of what it plainly says (男=女, F=男), or one code
    given two meanings (B=男, b=女), is refused as the CLI refuses it."""
    pairs: list[tuple[str, str]] = []
    specs: list[str] = []
    for piece in _pieces(_eq(text)):
        for one in piece.split():  # "B=男 G=女"
            code, sep, meaning = one.partition("=")
            value = GENDER_VALUES.get(_norm(meaning).lower())
            if not sep or not code.strip() or value is None:
                raise OptionError("opt_gender_bad", part=one)
            pairs.append((code.strip(), value))
            specs.append(one)
    try:
        check_gender_codes(pairs, specs)
    except FenbanError as exc:
        raise OptionError(exc.key, core=True, **exc.params) from None
    return dict(pairs)


def format_columns(columns: dict[str, object]) -> str:
    """The inverse of :func:`parse_columns` (to show rules already set)."""
    parts = []
    for role, value in columns.items():
        if isinstance(value, (list, tuple)):
            parts.append(f"{role}={','.join(str(v) for v in value)}")
        else:
            parts.append(f"{role}={value}")
    return ", ".join(parts)


def format_gender_codes(codes: dict[str, str]) -> str:
    return ", ".join(f"{code}={meaning}" for code, meaning in codes.items())


def _short_scores(names: list[str]) -> list[str]:
    """中考成绩·语文, 中考成绩·数学 → 中考成绩·语文, 数学: a shared group header is said once."""
    out = []
    for i, name in enumerate(names):
        group, dot, last = str(name).rpartition("·")
        prev = str(names[i - 1]).rpartition("·")[0] if i else None
        out.append(last if dot and i and group == prev else str(name))
    return out


def roles_line(cmap, lang: str) -> str:
    """What each recognised column was taken as, on one line:
    ``姓名=姓名 性别=性别 成绩=语文,数学,英语 总分=总分 学校=毕业学校 …``."""
    parts = []
    for role in SHOWN_ORDER:
        value = getattr(cmap, role, None)
        if not value:
            continue
        shown = ",".join(_short_scores(value)) if isinstance(value, list) else str(value)
        parts.append(f"{role if lang == 'en' else ROLE_ZH[role]}={shown}")
    return " ".join(parts)
