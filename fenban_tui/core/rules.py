"""Placement rules: how many classes, what to balance, the hard rules, the seed.

Rules are saved to and loaded from a small TOML file so a draw can be repeated.
"""

from __future__ import annotations

import hashlib
import math
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..i18n import FenbanError


@dataclass
class Rules:
    classes: int | None = None  # number of classes
    class_size: int | None = None  # size cap; the class count is computed from it
    label_pattern: str = "{n}班"  # e.g. "七({n})班"
    seed: str = "1"  # any text; hashed into the solver seed
    # what to balance (None = every score column present)
    scores: list[str] | None = None
    balance_total: bool = True
    balance_gender: bool = True
    balance_school: bool = True
    balance_boarding: bool = True
    categories: list[str] = field(default_factory=list)  # extra category columns
    balance_birth: bool | None = None  # None: only when there are no scores
    total_deciles: bool = True  # spread each 总分 decile evenly
    # priority of a score (its column name, or 出生日期): 1 low, 2 normal, 3 high
    priority: dict[str, int] = field(default_factory=dict)
    group_by: str | None = None  # divide each group (e.g. 录取学校) on its own
    # hard rules
    same_name_apart: bool = True
    same_name_sound: bool = False  # also names that sound alike (同音: same pinyin, tones ignored)
    use_together: bool = True
    use_apart: bool = True
    use_pins: bool = True
    # rules added in the wizard, by student key (学号/身份证号, else 行N: Roster.student_keys)
    together_extra: list[list[str]] = field(default_factory=list)
    apart_extra: list[list[str]] = field(default_factory=list)
    pins_extra: dict[str, int] = field(default_factory=dict)  # student key -> class number (1-based)
    # demands: "column=value" -> at least this many such students in every class
    # (e.g. {"性别=女": 1}: at least one girl per class)
    at_least: dict[str, int] = field(default_factory=dict)
    # import settings kept with the rules so a draw can be re-run
    sheet: str | None = None
    header_row: int | None = None  # 0: the file has no header row (map columns by letter)
    columns: dict[str, object] = field(default_factory=dict)
    gender_codes: dict[str, str] = field(default_factory=dict)
    # search effort (iterations, not seconds: results never depend on timing)
    effort: int = 4

    def class_count(self, n_students: int) -> int:
        """Classes to form: ``classes`` if given, else enough to keep every class
        within ``class_size``; both given must agree."""
        if self.class_size is not None and int(self.class_size) < 1:
            raise FenbanError("rules_size_range", cap=self.class_size)
        if self.classes is not None:
            k = int(self.classes)
            if not 1 <= k <= max(1, n_students):
                raise FenbanError("rules_classes_range", k=k, n=n_students)
            if self.class_size is not None and math.ceil(n_students / k) > int(self.class_size):
                raise FenbanError("rules_both", k=k, cap=self.class_size, n=n_students,
                                  need=math.ceil(n_students / k))
            return k
        if self.class_size is not None:
            return max(1, math.ceil(n_students / int(self.class_size)))
        raise FenbanError("rules_classes_missing")

    def labels(self, k: int) -> list[str]:
        check_label_pattern(self.label_pattern)
        labels = [class_label(self.label_pattern, i + 1) for i in range(k)]
        if len(set(labels)) != k or any(not lab.strip() for lab in labels):
            raise FenbanError("rules_labels_bad", pattern=self.label_pattern)
        return labels

    def seed_int(self) -> int:
        """The seed text hashed to a 31-bit integer (any text works as a seed)."""
        digest = hashlib.sha256(str(self.seed).strip().encode("utf-8")).digest()
        return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF

    # ------------------------------------------------------------------ TOML

    def to_toml(self) -> str:
        lines = ["# FenBan 分班规则 (rules)"]
        tables: list[str] = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None:
                continue
            if isinstance(v, dict):
                if v:
                    tables.append(f"\n[{f.name}]")
                    for k2, v2 in v.items():
                        tables.append(f"{_toml_key(k2)} = {_toml_value(v2)}")
                continue
            lines.append(f"{f.name} = {_toml_value(v)}")
        return "\n".join(lines + tables) + "\n"

    def save(self, path: str | Path) -> None:
        from .atomic import atomic_write_text

        atomic_write_text(Path(path), self.to_toml())

    @classmethod
    def from_dict(cls, data: dict, source: str = "") -> "Rules":
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                raise FenbanError("rules_unknown_key", path=source, key=key)
        for f in fields(cls):
            if f.name in data and not _type_ok(f.name, data[f.name]):
                raise FenbanError("rules_value_bad", path=source, key=f.name, value=toml_value(data[f.name]),
                                  expect=expected_value(f.name))
        r = cls(**data)
        r.seed = str(r.seed)
        return r

    @classmethod
    def load(cls, path: str | Path) -> "Rules":
        p = Path(path)
        if not p.exists():
            raise FenbanError("file_missing", path=str(p))
        if p.is_dir():
            raise FenbanError("rules_is_dir", path=str(p))
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise FenbanError("rules_file_bad", path=str(p), reason=str(exc)) from None
        return cls.from_dict(data, str(p))

    def as_dict(self) -> dict:
        return asdict(self)


_INT_KEYS = {"classes", "class_size", "header_row", "effort"}
_BOOL_KEYS = {"balance_total", "balance_gender", "balance_school", "balance_boarding", "total_deciles",
              "same_name_apart", "same_name_sound", "use_together", "use_apart", "use_pins"}


def toml_value(value: object) -> str:
    """A value as it stands in the rules file (TOML), not as Python prints it:
    ``"ten"``, ``{"性别=女" = "x"}``, ``["语文", 3]``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return str(value)


# what a rules-file key takes, in words and by example (the message for a value that does not fit)
_EXPECT: dict[str, tuple[str, str]] = {
    "int": ("不小于 1 的整数，如 12", "a whole number of at least 1, e.g. 12"),
    "header_row": ("不小于 0 的整数（0 = 没有表头）", "a whole number of at least 0 (0 = no header)"),
    "bool": ("true 或 false", "true or false"),
    "text": ("加引号的文字，如 \"七({n})班\"", "text in quotes, e.g. \"七({n})班\""),
    "seed": ("文字或整数，如 \"2026\"", "text or a whole number, e.g. \"2026\""),
    "list": ("列名的列表，如 [\"语文\", \"数学\"]", "a list of column names, e.g. [\"语文\", \"数学\"]"),
    "columns": ("用途 = 列名，如 {name = \"学生姓名\"}", "role = column, e.g. {name = \"学生姓名\"}"),
    "groups": ("学生（学号或身份证号）列表的列表，如 [[\"2024001\", \"2024002\"]]",
               "a list of lists of students (学号 or 身份证号), e.g. [[\"2024001\", \"2024002\"]]"),
    "priority": ("列名 = 1 到 3，如 {\"数学\" = 1}", "column = 1 to 3, e.g. {\"数学\" = 1}"),
    "at_least": ("\"列=值\" = 人数，如 {\"性别=女\" = 20}", "\"column=value\" = count, e.g. {\"性别=女\" = 20}"),
    "pins_extra": ("学生 = 班号，如 {\"2024001\" = 2}", "student = class number, e.g. {\"2024001\" = 2}"),
    "gender_codes": ("代码 = \"男\" 或 \"女\"，如 {\"B\" = \"男\"}", "code = \"男\" or \"女\", e.g. {\"B\" = \"男\"}"),
}


def expected_value(key: str):
    """What rules-file key ``key`` takes, in both languages."""
    from ..i18n import Bilingual

    kind = ("header_row" if key == "header_row" else "int" if key in _INT_KEYS
            else "bool" if key in _BOOL_KEYS or key == "balance_birth"
            else "text" if key in ("label_pattern", "sheet", "group_by")
            else "list" if key in ("scores", "categories")
            else "groups" if key in ("together_extra", "apart_extra")
            else key if key in _EXPECT else "text")
    return Bilingual(*_EXPECT[kind])


def _type_ok(key: str, value: object) -> bool:
    """Is ``value`` a sensible value for rules key ``key`` (from a TOML file)?"""
    if key in _INT_KEYS:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok and (value >= 1 if key != "header_row" else value >= 0)
    if key in _BOOL_KEYS:
        return isinstance(value, bool)
    if key == "balance_birth":
        return isinstance(value, bool)
    if key in ("label_pattern", "sheet", "group_by"):
        return isinstance(value, str)
    if key == "seed":
        return isinstance(value, (str, int)) and not isinstance(value, bool)
    if key in ("scores", "categories"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "columns":
        return isinstance(value, dict) and all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in value.values()
        )
    if key in ("together_extra", "apart_extra"):
        return isinstance(value, list) and all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(x, str) for x in g) for g in value)
    if key == "priority":
        return isinstance(value, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 3 for v in value.values())
    if key == "at_least":
        return isinstance(value, dict) and all(
            "=" in str(k) and str(k).partition("=")[0].strip() and str(k).partition("=")[2].strip()
            and isinstance(v, int) and not isinstance(v, bool) and v >= 1 for k, v in value.items())
    if key == "pins_extra":
        return isinstance(value, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value.values())
    if key == "gender_codes":
        return isinstance(value, dict) and all(v in ("M", "F", "男", "女") for v in value.values())
    return True


LABEL_FIELDS = ("n", "cn")  # the placeholders a class label pattern may hold


def check_label_pattern(pattern: str) -> None:
    """Refuse a label pattern with a placeholder other than {n} (1, 2 …) and
    {cn} (一, 二 …): ``{x}班`` would otherwise give ``{x}班1`` in silence."""
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError:  # a lone { or }: written as text, the number put after it
        return
    for f in fields:
        if f.split("!")[0].split(".")[0].split("[")[0] not in LABEL_FIELDS:
            raise FenbanError("rules_labels_placeholder", pattern=pattern, field="{" + f + "}")


def class_label(pattern: str, n: int) -> str:
    if "{n}" in pattern or "{" in pattern:
        try:
            return pattern.format(n=n, cn=_cn_number(n))
        except (KeyError, IndexError, ValueError):
            pass
    return f"{pattern}{n}"


_CN = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n - 10] if n > 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _toml_key(k: object) -> str:
    s = str(k)
    if s.replace("_", "").replace("-", "").isalnum() and s.isascii():
        return s
    return _toml_value(s)


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    s = str(v)
    esc = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{esc}"'


def added_rule_clash(together: list[list[str]], apart: list[list[str]], pins: dict[str, int], kind: str,
                     chosen: list[str], cls: int | None = None, *,
                     roster_together: list[tuple[str, list[str]]] = (),
                     roster_apart: list[tuple[str, list[str]]] = (),
                     roster_pins: dict[str, int] | None = None) -> tuple[str, dict] | None:
    """Whether adding a rule of ``kind`` ("together", "apart" or "pin" to class
    ``cls``) for the students ``chosen`` (by key) contradicts the rules added
    so far or the roster's own: two students both together and apart, students
    together pinned to different classes, students apart pinned to one class, a
    student the roster pins elsewhere.  Returns a message key and its
    parameters (keys ``a``, ``b`` name two students, ``c``/``d`` classes), or
    None.  Together rules join transitively (A with B, B with C).

    The roster's rules, as the solver takes them: ``roster_together`` and
    ``roster_apart`` are ``(code, keys)`` groups (its 绑定 and 互斥 codes, 同名
    groups), ``roster_pins`` its 预设班级 by key (1-based, as ``cls``).  When one
    of them takes part, the key ends in ``_roster`` and the parameter
    ``roster`` lists them, ``("together", code)``, ``("apart", code)`` or
    ``("pin", key)``.  Only a clash the new rule makes is reported: one already
    among the earlier rules (the roster's checks report it) refuses nothing."""
    roster_pins = roster_pins or {}
    t_groups = [(("together", code), list(g)) for code, g in roster_together] + [(None, list(g)) for g in together]
    a_groups = [(("apart", code), list(g)) for code, g in roster_apart] + [(None, list(g)) for g in apart]

    def clashes(new: bool):
        """Each clash as (identity, key, params, roster rules taking part)."""
        parent: dict[str, str] = {}
        adj: dict[str, list[tuple[str, object]]] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        def path(x: str, y: str) -> list:
            """The roster's together rules on a chain from ``x`` to ``y``."""
            back: dict[str, tuple[str, object] | None] = {x: None}
            todo = [x]
            for u in todo:
                if u == y:
                    break
                for v, src in adj.get(u, []):
                    if v not in back:
                        back[v] = (u, src)
                        todo.append(v)
            out = []
            while back.get(y) is not None:
                y, src = back[y]
                if src is not None:
                    out.append(src)
            return out[::-1]

        tg = t_groups + ([(None, list(chosen))] if new and kind == "together" else [])
        for src, g in tg:
            for x in g[1:]:
                adj.setdefault(g[0], []).append((x, src))
                adj.setdefault(x, []).append((g[0], src))
                ra, rb = find(g[0]), find(x)
                if ra != rb:
                    parent[rb] = ra
        ag = a_groups + ([(None, list(chosen))] if new and kind == "apart" else [])
        pinned: dict[str, tuple[int, object]] = {key: (c, ("pin", key)) for key, c in roster_pins.items()}
        pinned.update({key: (c, None) for key, c in pins.items()})
        if new and kind == "pin" and cls is not None:
            for key in chosen:  # the roster's own pin is never overridden
                if key in roster_pins and roster_pins[key] != cls:
                    yield (("pin", key), "rule_clash_pin_roster", {"a": key, "c": roster_pins[key], "d": cls},
                           [("pin", key)])
            pinned.update({key: (cls, None) for key in chosen})
        for src, g in ag:  # two of one apart group in one together group
            for i, x in enumerate(g):
                for y in g[i + 1:]:
                    if find(x) == find(y):
                        yield (("ta", frozenset((x, y))), "rule_clash_together_apart", {"a": x, "b": y},
                               path(x, y) + [src])
        items = list(pinned.items())  # the pins made before first, then the new ones
        for i, (x, (cx, sx)) in enumerate(items):  # one together group pinned to two classes
            for y, (cy, sy) in items[i + 1:]:
                if cx != cy and find(x) == find(y):
                    yield (("tp", frozenset((x, y)), frozenset((cx, cy))), "rule_clash_together_pins",
                           {"a": x, "b": y, "c": cx, "d": cy}, path(x, y) + [sx, sy])
        for src, g in ag:  # two of one apart group pinned to one class
            for i, x in enumerate(g):
                for y in g[i + 1:]:
                    if x in pinned and y in pinned and pinned[y][0] == pinned[x][0]:
                        yield (("ap", frozenset((x, y)), pinned[x][0]), "rule_clash_apart_pin",
                               {"a": x, "b": y, "c": pinned[x][0]}, [src, pinned[x][1], pinned[y][1]])

    before = None
    for ident, key, params, srcs in clashes(True):
        if before is None:
            before = {c[0] for c in clashes(False)}
        if ident in before:
            continue
        rules = list(dict.fromkeys(s for s in srcs if s is not None))
        if not rules:
            return key, params
        return key if key.endswith("_roster") else f"{key}_roster", {**params, "roster": rules}
    return None
