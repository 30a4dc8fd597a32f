"""Balance figures computed independently of FenBan's own statistics code,
straight from an exported assignment.csv, the way a school would check them."""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter, defaultdict
from pathlib import Path


def read_assignment(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "assignment.csv must start with a UTF-8 BOM"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    return list(rows[0].keys()), rows


def _num(v: str) -> float | None:
    v = v.strip()
    if v in ("", "缺考", "-", "缺"):
        return None
    return float(v)


def figures(rows: list[dict[str, str]], scores: list[str], total: str | None,
            categories: dict[str, str]) -> dict[str, float]:
    """Worst class-mean range per score, worst SD range, and for each category
    column the worst |count - proportional share| over values and classes."""
    by_class: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_class[r["班级"]].append(r)
    n = len(rows)
    out: dict[str, float] = {}
    for col in scores + ([total] if total else []):
        means, sds = [], []
        for members in by_class.values():
            vals = [x for x in (_num(m[col]) for m in members) if x is not None]
            means.append(math.fsum(vals) / len(vals))
            sds.append(statistics.stdev(vals))
        out[f"mean:{col}"] = max(means) - min(means)
        out[f"sd:{col}"] = max(sds) - min(sds)
    for name, col in categories.items():
        totals = Counter(r[col] for r in rows)
        worst = 0.0
        for members in by_class.values():
            cnt = Counter(m[col] for m in members)
            for value, tot in totals.items():
                worst = max(worst, abs(cnt.get(value, 0) - len(members) * tot / n))
        out[f"count:{name}"] = worst
    if total:
        ranked = sorted((r for r in rows if _num(r[total]) is not None), key=lambda r: -_num(r[total]))
        decile = {id(r): min(9, i * 10 // len(ranked)) for i, r in enumerate(ranked)}
        k = len(by_class)
        worst = 0.0
        for members in by_class.values():
            cnt = Counter(decile[id(m)] for m in members if id(m) in decile)
            for d in range(10):
                share = sum(1 for v in decile.values() if v == d) / k
                worst = max(worst, abs(cnt.get(d, 0) - share))
        out["count:decile"] = worst
    if total and scores:
        # the 总分 range that 缺考 forces: a missed exam adds nothing to 总分
        gmean = {}
        for col in scores:
            vals = [x for x in (_num(r[col]) for r in rows) if x is not None]
            gmean[col] = sum(vals) / len(vals)
        short = [sum(gmean[c] for m in members for c in scores if _num(m[c]) is None) / len(members)
                 for members in by_class.values()]
        out["absent_floor"] = max(short) - min(short)
    sizes = [len(m) for m in by_class.values()]
    out["size_range"] = max(sizes) - min(sizes)
    return out
