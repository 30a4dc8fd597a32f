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
    # hard rules
    same_name_apart: bool = True
    use_together: bool = True
    use_apart: bool = True
    use_pins: bool = True
    # import settings kept with the rules so a draw can be re-run
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, object] = field(default_factory=dict)
    gender_codes: dict[str, str] = field(default_factory=dict)
    # search effort (iterations, not seconds: results never depend on timing)
    effort: int = 1

    def class_count(self, n_students: int) -> int:
        if self.classes:
            k = int(self.classes)
        elif self.class_size:
            k = math.ceil(n_students / int(self.class_size))
        else:
            raise FenbanError("rules_classes_missing")
        if not 1 <= k <= max(1, n_students):
            raise FenbanError("rules_classes_range", k=k, n=n_students)
        return k

    def labels(self, k: int) -> list[str]:
        return [class_label(self.label_pattern, i + 1) for i in range(k)]

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
        r = cls(**data)
        try:
            if r.classes is not None:
                r.classes = int(r.classes)
            if r.class_size is not None:
                r.class_size = int(r.class_size)
            r.seed = str(r.seed)
        except (TypeError, ValueError) as exc:
            raise FenbanError("rules_file_bad", path=source, reason=str(exc)) from None
        return r

    @classmethod
    def load(cls, path: str | Path) -> "Rules":
        p = Path(path)
        if not p.exists():
            raise FenbanError("file_missing", path=str(p))
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise FenbanError("rules_file_bad", path=str(p), reason=str(exc)) from None
        return cls.from_dict(data, str(p))

    def as_dict(self) -> dict:
        return asdict(self)


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
