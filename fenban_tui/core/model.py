"""The placement problem built from a roster and rules: what to balance, what must hold."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..i18n import Bilingual, FenbanError
from .roster import Roster, RowList
from .rules import Rules

# Tolerances used to weigh the balance terms (points, days or students).  A
# deviation equal to the tolerance costs 1.
TOL_SUBJECT_MEAN = 0.01
TOL_TOTAL_MEAN = 0.05
TOL_SD = 0.025
TOL_BIRTH_DAYS = 0.5
TOL_CATEGORY = 0.5
# a score's priority scales its tolerances: high (3) weighs its gaps four times as
# much as normal (2), low (1) a quarter
PRIORITY_TOL = {1: 2.0, 2: 1.0, 3: 0.5}


@dataclass
class NumericFeature:
    name: str
    kind: str  # "score" | "total" | "birth"
    values: np.ndarray  # float64, NaN = missing (缺考)
    mean_tol: float
    sd_tol: float | None


@dataclass
class CategoryFeature:
    name: str
    kind: str  # "gender" | "school" | "boarding" | "decile" | "category"
    codes: np.ndarray  # int64 codes 0..m-1
    labels: list[str]


@dataclass
class HardRules:
    together: list[tuple[str, list[int]]] = field(default_factory=list)  # code, students
    apart: list[tuple[str, list[int]]] = field(default_factory=list)  # code or name, students
    pins: dict[int, int] = field(default_factory=dict)  # student -> class index (0-based)


@dataclass
class Minimum:
    """A demand: at least ``count`` students of one category value in every class."""

    feature: int  # index into PlacementModel.categories
    code: int  # the value's code in that feature
    count: int
    what: str  # the value in words (女生, “住宿”为“是”的学生); a Bilingual: girls, students with 住宿 “是”


@dataclass
class PlacementModel:
    n: int
    k: int
    labels: list[str]
    numeric: list[NumericFeature]
    categories: list[CategoryFeature]
    hard: HardRules
    seed: int
    effort: int = 1
    row_numbers: list[object] = field(default_factory=list)  # as messages name rows
    names: list[str] = field(default_factory=list)
    minimums: list[Minimum] = field(default_factory=list)

    def size_bounds(self) -> tuple[int, int]:
        q, r = divmod(self.n, self.k)
        return q, q + (1 if r else 0)


def _decile_codes(values: np.ndarray) -> np.ndarray:
    """Decile of each student by 总分 (rank-based; missing totals form their own group)."""
    n = len(values)
    codes = np.full(n, 10, dtype=np.int64)
    present = np.flatnonzero(~np.isnan(values))
    if len(present) == 0:
        return codes
    order = present[np.lexsort((present, -values[present]))]
    m = len(order)
    for rank, idx in enumerate(order):
        codes[idx] = min(9, rank * 10 // m)
    return codes


def _category(values: list[str | None], missing: str = "(空)") -> tuple[np.ndarray, list[str]]:
    labels: list[str] = []
    index: dict[str, int] = {}
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        key = v if v not in (None, "") else missing
        if key not in index:
            index[key] = len(labels)
            labels.append(key)
        codes[i] = index[key]
    return codes, labels


def _code_groups(codes: list[str | None]) -> list[tuple[str, list[int]]]:
    """Students sharing a non-empty code, for each code held by two or more."""
    groups: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        if code:
            groups.setdefault(code, []).append(i)
    return [(c, m) for c, m in groups.items() if len(m) > 1]


def hard_rules_of(roster: Roster, rules: Rules) -> HardRules:
    """The hard rules the roster asks for (pins 0-based, not yet checked against
    the class count)."""
    vals = roster.values
    hard = HardRules()
    if rules.use_together and "_together" in vals.columns:
        hard.together = _code_groups(vals["_together"].to_list())
    if rules.use_apart and "_apart" in vals.columns:
        hard.apart = _code_groups(vals["_apart"].to_list())
    if rules.same_name_apart and "_name_key" in vals.columns:
        keys = vals["_name_key"].to_list()
        hard.apart += [(f"同名:{c}", m) for c, m in _code_groups(keys)]
        if rules.same_name_sound:
            # 同音: same pinyin, tones ignored; groups already apart as same names are not repeated
            sounds = [sound_key(k) if k else "" for k in keys]
            same = {tuple(m) for _, m in _code_groups(keys)}
            hard.apart += [(f"同音:{c}", m) for c, m in _code_groups(sounds) if tuple(m) not in same]
    if rules.use_pins and "_pin" in vals.columns:
        hard.pins = {i: p - 1 for i, p in enumerate(vals["_pin"].to_list()) if p is not None}
    # rules added in the wizard, by student key
    if rules.together_extra or rules.apart_extra or rules.pins_extra:
        index = roster.student_index()
        # every student the rules name that the roster lacks, said at once (not the first alone)
        missing = list(dict.fromkeys(str(k) for k in [*(k for g in rules.together_extra for k in g),
                                                       *(k for g in rules.apart_extra for k in g),
                                                       *rules.pins_extra] if str(k).strip() not in index))
        if missing:
            from ..i18n import Bilingual

            raise FenbanError("rule_student_missing", key=Bilingual.join(missing, "”“", "\u201d, \u201c"),
                              count=len(missing))

        def find(key: str) -> int:
            return index[str(key).strip()]

        for n, group in enumerate(rules.together_extra, start=1):
            hard.together.append((f"加规则·同班{n}", sorted({find(k) for k in group})))
        for n, group in enumerate(rules.apart_extra, start=1):
            hard.apart.append((f"加规则·分开{n}", sorted({find(k) for k in group})))
        for key, c in rules.pins_extra.items():
            i = find(key)
            if i in hard.pins and hard.pins[i] != int(c) - 1:
                # the roster's own 预设班级 says otherwise: never overridden in silence
                raise FenbanError("rule_pin_conflict", key=key, name=roster.names()[i], was=hard.pins[i] + 1,
                                  now=int(c))
            hard.pins[i] = int(c) - 1
    return hard


_ADDED = re.compile(r"加规则·(同班|分开)(\d+)")


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st …"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rule_group(code: str, kind: str, form: str = "group") -> Bilingual:
    """A hard rule's group as the operator reads it, never the internal label
    (``同名:陈思远``, ``加规则·同班1``).  ``kind``: "together" or "apart" (the
    roster's 绑定/互斥 codes).  ``form``:

    * "group", a sentence's subject: 绑定组“A1”、同名组“陈思远”、第 1 条加的同班规则 /
      together-group “A1”, same-name group “陈思远”, the 1st added together-rule;
    * "quoted", in brackets: 绑定“A1”、同名“陈思远” / together “A1”, same name “陈思远”;
    * "plain", an item of a list: 绑定 A1、同名 陈思远 / together-group “A1”, same name 陈思远.
    """
    code = str(code)
    added = _ADDED.fullmatch(code)
    if added:
        n = int(added.group(2))
        together = added.group(1) == "同班"
        return Bilingual(f"第 {n} 条加的{'同班' if together else '分开'}规则",
                         f"the {_ordinal(n)} added {'together' if together else 'apart'}-rule")
    for prefix, zh, en in (("同名:", "同名", "same name"), ("同音:", "同音", "same sound")):
        if code.startswith(prefix):
            name = code[len(prefix):]
            if form == "group":
                return Bilingual(f"{zh}组“{name}”", f"{en.replace(' ', '-')} group \u201c{name}\u201d")
            if form == "quoted":
                return Bilingual(f"{zh}“{name}”", f"{en} \u201c{name}\u201d")
            return Bilingual(f"{zh} {name}", f"{en} {name}")
    zh, en = ("绑定", "together") if kind == "together" else ("互斥", "apart")
    if form == "group":
        return Bilingual(f"{zh}组“{code}”", f"{en}-group \u201c{code}\u201d")
    if form == "quoted":
        return Bilingual(f"{zh}“{code}”", f"{en} \u201c{code}\u201d")
    return Bilingual(f"{zh} {code}", f"{en}-group \u201c{code}\u201d")


def sound_key(name: str) -> str:
    """How a name sounds: its pinyin without tones (张莉 and 张丽 are both zhangli)."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name)).lower()


def build_model(roster: Roster, rules: Rules) -> PlacementModel:
    n = roster.n
    k = rules.class_count(n)
    cm = roster.cmap
    vals = roster.values
    numeric: list[NumericFeature] = []
    if rules.scores is not None:
        for s in rules.scores:
            if s not in cm.scores:
                raise FenbanError("category_missing", column=s)
    score_cols = cm.scores if rules.scores is None else list(rules.scores)
    for c in score_cols:
        arr = np.array([np.nan if v is None else v for v in vals[c].to_list()], dtype=np.float64)
        if np.all(np.isnan(arr)):
            continue
        m = PRIORITY_TOL[rules.priority.get(c, 2)]
        numeric.append(NumericFeature(c, "score", arr, TOL_SUBJECT_MEAN * m, TOL_SD * m))
    total_arr = None
    if cm.total and rules.balance_total:
        total_arr = np.array([np.nan if v is None else v for v in vals[cm.total].to_list()], dtype=np.float64)
        if not np.all(np.isnan(total_arr)):
            m = PRIORITY_TOL[rules.priority.get(cm.total, 2)]
            numeric.append(NumericFeature(cm.total, "total", total_arr, TOL_TOTAL_MEAN * m, TOL_SD * 1.5 * m))
        else:
            total_arr = None
    balance_birth = rules.balance_birth if rules.balance_birth is not None else not numeric
    if balance_birth and "_birth" in vals.columns:
        b = vals["_birth"].to_list()
        arr = np.array([np.nan if d is None else float(d.toordinal()) for d in b], dtype=np.float64)
        if not np.all(np.isnan(arr)):
            m = PRIORITY_TOL[rules.priority.get("出生日期", 2)]
            numeric.append(NumericFeature("出生日期", "birth", arr, TOL_BIRTH_DAYS * m, None))

    cats: list[CategoryFeature] = []
    if rules.balance_gender and "_gender" in vals.columns:
        codes, labels = _category(vals["_gender"].to_list())
        cats.append(CategoryFeature(cm.gender or "性别", "gender", codes, labels))
    if rules.balance_school and cm.school:
        codes, labels = _category(roster.table[cm.school].to_list())
        cats.append(CategoryFeature(cm.school, "school", codes, labels))
    if rules.balance_boarding and cm.boarding:
        codes, labels = _category(roster.table[cm.boarding].to_list())
        cats.append(CategoryFeature(cm.boarding, "boarding", codes, labels))
    for c in rules.categories:
        if c not in roster.columns:
            raise FenbanError("category_missing", column=c)
        if c not in {f.name for f in cats}:
            codes, labels = _category(roster.table[c].to_list())
            cats.append(CategoryFeature(c, "category", codes, labels))
    if total_arr is not None and rules.total_deciles and n >= 10 * k:
        codes = _decile_codes(total_arr)
        labels = [f"D{i + 1}" for i in range(11)]
        cats.append(CategoryFeature(f"{cm.total}十分位", "decile", codes, labels))

    minimums = minimums_of(roster, rules, cats)
    hard = hard_rules_of(roster, rules)
    bad = sorted(i for i, c in hard.pins.items() if not 0 <= c < k)
    if bad:  # every such row at once, not the first alone
        from ..i18n import Bilingual

        values = list(dict.fromkeys(str(hard.pins[i] + 1) for i in bad))
        raise FenbanError("pin_bad", value=Bilingual("“" + "”“".join(values) + "”", ", ".join(values)), k=k,
                          row=RowList([roster.row_refs()[i] for i in bad]))

    return PlacementModel(
        n=n, k=k, labels=rules.labels(k), numeric=numeric, categories=cats, hard=hard,
        seed=rules.seed_int(), effort=max(1, int(rules.effort)), row_numbers=roster.row_refs(),
        names=roster.names(), minimums=minimums,
    )


def parse_at_least(spec: str) -> tuple[str, int]:
    """``列=值:人数`` (人数 defaults to 1) as the rules' key and count; a
    full-width ：＝ (typed through a Chinese input method) reads the same."""
    spec = spec.replace("：", ":").replace("＝", "=")
    key, sep, num = spec.rpartition(":") if ":" in spec else (spec, "", "1")
    key = key.strip()
    col, eq, val = key.partition("=")
    try:
        count = int(num.strip())
    except ValueError:
        count = 0
    # a value holding = is two demands run together (性别=女:1 住宿=是:2)
    if not eq or not col.strip() or not val.strip() or "=" in val or count < 1:
        raise FenbanError("at_least_bad", spec=spec)
    return f"{col.strip()}={val.strip()}", count


_AT_LEAST_SEP = re.compile(r"[;；]")
_AT_LEAST_COMMA = re.compile(r"[,，]")


def parse_at_least_all(text: str) -> list[tuple[str, int]]:
    """Several 每班至少 demands in one text, as the CLI's --at-least and the
    wizard's box both take them: ``性别=女:20；住宿=是:5``, split at ；or ;
    (and at ，or , when each piece is a demand of its own: ``性别=女:1,住宿=是:2``;
    a comma inside one demand stays in it).  An empty part (``；；``, a ；at
    either end) is refused in words, as is a blank text."""
    if not text.strip():
        raise FenbanError("at_least_bad", spec=text)
    out: list[tuple[str, int]] = []
    for part in _AT_LEAST_SEP.split(text):
        pieces = _AT_LEAST_COMMA.split(part)
        if len(pieces) == 1 or sum(1 for p in pieces if "=" in p or "＝" in p) < 2:
            pieces = [part]  # one demand (its value may hold a comma)
        for piece in pieces:
            if not piece.strip():
                raise FenbanError("at_least_empty_part", text=text.strip())
            out.append(parse_at_least(piece.strip()))
    return out


def at_least_dict(pairs: list[tuple[str, int]]) -> dict[str, int]:
    """Demands as the rules keep them (value -> count); one value demanded
    twice with different counts is refused in words (never the last silently
    winning).  Keys are compared as the demand reads them (spaces around = ignored)."""
    out: dict[str, int] = {}
    seen: dict[str, str] = {}
    for key, count in pairs:
        col, _, val = str(key).partition("=")
        norm = f"{col.strip()}={val.strip()}"
        if norm in seen and out[seen[norm]] != count:
            raise FenbanError("at_least_twice", spec=norm, a=out[seen[norm]], b=count)
        seen.setdefault(norm, key)
        out[seen[norm]] = count
    return out


def minimums_of(roster: Roster, rules: Rules, cats: list[CategoryFeature]) -> list[Minimum]:
    """The rules' demands (at least N of a value per class), each tied to a
    category feature; a demanded column that is not balanced yet is added."""
    from .roster import parse_gender

    out: list[Minimum] = []
    cm = roster.cmap
    for key, count in rules.at_least.items():
        col, _, val = str(key).partition("=")
        col, val = col.strip(), val.strip()
        is_gender = col in ("性别", "gender", cm.gender or "性别")
        if is_gender:
            if "_gender" not in roster.values.columns:
                raise FenbanError("at_least_column_missing", column=col, spec=key)
            g = next((i for i, f in enumerate(cats) if f.kind == "gender"), None)
            if g is None:
                codes, labels = _category(roster.values["_gender"].to_list())
                cats.append(CategoryFeature(cm.gender or "性别", "gender", codes, labels))
                g = len(cats) - 1
            want = parse_gender(val, rules.gender_codes) or parse_gender(val.removesuffix("生"), rules.gender_codes)
            what = {"M": Bilingual("男生", "boys"), "F": Bilingual("女生", "girls")}.get(want or "", Bilingual(val))
        else:
            if col not in roster.columns:
                raise FenbanError("at_least_column_missing", column=col, spec=key)
            g = next((i for i, f in enumerate(cats) if f.name == col and f.kind != "decile"), None)
            if g is None:
                codes, labels = _category(roster.table[col].to_list())
                cats.append(CategoryFeature(col, "category", codes, labels))
                g = len(cats) - 1
            want = val
            what = Bilingual(f"“{col}”为“{val}”的学生", f"students with {col} \u201c{val}\u201d")
        labels = cats[g].labels
        if want not in labels:
            shown = [{"M": "男", "F": "女"}.get(x, x) if is_gender else x for x in labels]
            raise FenbanError("at_least_value_missing", column=col, value=val, values="、".join(shown[:12]))
        out.append(Minimum(g, labels.index(want), int(count), what))
    return out
