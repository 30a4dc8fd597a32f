"""Per-class statistics and the worst gaps, computed from the roster and the classes.

Means are as schools compute them: a subject over the students who sat it (缺考
excluded), 总分 as the roster gives it.  SD is the sample SD (Excel's STDEV).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..i18n import Bilingual
from .model import PlacementModel, rule_group
from .roster import RowList


def date_text(day: float) -> str:
    """A mean birth date (a day ordinal, as the model keeps dates) as 2020-03-12."""
    import datetime as dt

    return dt.date.fromordinal(int(round(day))).isoformat()


@dataclass
class Gap:
    feature: str
    kind: str  # "mean" | "sd" | "count"
    value: float  # range across classes (mean/sd) or worst deviation from share (count)
    detail: str = ""
    # what the figure can reach at best: for a count the distance of a share
    # from the nearest whole number; for a mean the step class means move in
    # (the values' resolution over the class size); None for spreads
    floor: float | None = None
    # classes with no value at all for the feature (every 出生日期 unusable, every
    # student 缺考): the range over the others is no gap between *all* classes
    missing: tuple[str, ...] = ()


def _resolution(values: np.ndarray) -> float:
    """The step the values are written in: 1, 0.1, 0.01 … (of the present ones)."""
    v = values[~np.isnan(values)]
    for step in (1.0, 0.1, 0.01):
        if np.all(np.abs(v / step - np.rint(v / step)) < 1e-6):
            return step
    return 0.001


def mean_sd(values: np.ndarray) -> tuple[float | None, float | None]:
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return None, None
    m = math.fsum(v.tolist()) / len(v)
    if len(v) < 2:
        return m, None
    var = math.fsum(((v - m) ** 2).tolist()) / (len(v) - 1)
    return m, math.sqrt(var)


@dataclass
class ClassStats:
    label: str
    size: int
    boys: int
    girls: int
    means: dict[str, float | None]
    sds: dict[str, float | None]
    counts: dict[str, dict[str, int]]  # feature -> value -> count


def class_stats(model: PlacementModel, classes: np.ndarray) -> list[ClassStats]:
    out = []
    gender = next((f for f in model.categories if f.kind == "gender"), None)
    for c in range(model.k):
        sel = classes == c
        means, sds = {}, {}
        for f in model.numeric:
            m, s = mean_sd(f.values[sel])
            means[f.name], sds[f.name] = m, s
        counts = {}
        for f in model.categories:
            bc = np.bincount(f.codes[sel], minlength=len(f.labels))
            counts[f.name] = {lab: int(bc[i]) for i, lab in enumerate(f.labels)}
        boys = girls = 0
        if gender is not None:
            cnt = counts[gender.name]
            boys, girls = cnt.get("M", 0), cnt.get("F", 0)
        out.append(ClassStats(model.labels[c], int(sel.sum()), boys, girls, means, sds, counts))
    return out


def gaps(model: PlacementModel, classes: np.ndarray) -> list[Gap]:
    """Range of class means and SDs per numeric feature; worst deviation of any
    category value's count from its proportional share (size_c × total / n)."""
    out: list[Gap] = []
    sizes = np.bincount(classes, minlength=model.k)
    for f in model.numeric:
        ms, ss, lacking = [], [], []
        for c in range(model.k):
            m, s = mean_sd(f.values[classes == c])
            if m is not None:
                ms.append(m)
            elif sizes[c]:
                lacking.append(model.labels[c])
            if s is not None:
                ss.append(s)
        if ms:
            detail = ""
            spread = max(ms) - min(ms)
            if f.kind == "total":
                # the part 缺考 forces, when the subject means are level (an
                # estimate: it may exceed the range itself, and the wording —
                # api.gap_lines — then says "about" instead of "of which")
                floor = absent_total_floor(model, classes)
                if floor > 0:
                    detail = f"{floor:.3f}"
            counts = [int(np.sum(~np.isnan(f.values[classes == c]))) for c in range(model.k)]
            step = _resolution(f.values) / max(max(counts), 1)
            out.append(Gap(f.name, "mean", spread, detail, step, tuple(lacking)))
        if ss and f.kind != "birth":
            out.append(Gap(f.name, "sd", max(ss) - min(ss), missing=tuple(lacking)))
    for f in model.categories:
        worst, where, floor = 0.0, "", 0.0
        totals = np.bincount(f.codes, minlength=len(f.labels))
        for v, lab in enumerate(f.labels):
            if totals[v] == 0:
                continue
            for c in range(model.k):
                cnt = int(np.sum((classes == c) & (f.codes == v)))
                share = sizes[c] * totals[v] / model.n
                floor = max(floor, abs(share - round(share)))
                dev = abs(cnt - share)
                if dev > worst:
                    worst, where = dev, f"{lab}@{model.labels[c]}"
        out.append(Gap(f.name, "count", worst, where, floor))
    out.append(Gap("人数", "count", float(sizes.max() - sizes.min()), "size range"))
    return out


def absent_total_floor(model: PlacementModel, classes: np.ndarray) -> float:
    """How far apart the classes' 总分 means are *forced* by 缺考 students.

    When 总分 is the sum of the exams sat, a class whose subject means equal
    everyone else's still has a 总分 mean lower by (mean score of each missed
    exam) / class size per absence.  The spread of that shortfall over the
    classes is the 总分 range left even if every subject mean were level.
    Returns 0 when 总分 is not the sum of the listed subjects."""
    subj = [f for f in model.numeric if f.kind == "score"]
    tot = next((f for f in model.numeric if f.kind == "total"), None)
    if tot is None or not subj:
        return 0.0
    sat = np.zeros(model.n)
    for f in subj:
        sat += np.nan_to_num(f.values)
    ok = ~np.isnan(tot.values)
    if not ok.any() or np.mean(np.abs(tot.values[ok] - sat[ok]) < 0.051) < 0.95:
        return 0.0
    missing = np.zeros(model.n)
    for f in subj:
        missing += np.where(np.isnan(f.values), np.nanmean(f.values), 0.0)
    shortfall = [missing[classes == c].sum() / max(1, int(np.sum(classes == c))) for c in range(model.k)]
    return float(max(shortfall) - min(shortfall))


def hard_rule_violations(model: PlacementModel, classes: np.ndarray) -> list[Bilingual]:
    """Every broken hard rule, in words (empty when all hold): each item is
    the Chinese text as a ``str`` and renders in either language
    (``绑定 A01`` / ``together-group “A01”``; a pin names its row as the rest
    of the app does, ``预设 第 12 行`` / ``preset class of row 12``)."""
    bad = []
    for code, members in model.hard.together:
        if len({int(classes[i]) for i in members}) > 1:
            bad.append(Bilingual.of("broken_together", code=code, group=rule_group(code, "together", "plain")))
    for code, members in model.hard.apart:
        cs = [int(classes[i]) for i in members]
        if len(set(cs)) < len(cs):
            bad.append(Bilingual.of("broken_apart", code=code, group=rule_group(code, "apart", "plain")))
    for i, c in model.hard.pins.items():
        if int(classes[i]) != c:
            ref = model.row_numbers[i] if i < len(model.row_numbers) else i + 1
            bad.append(Bilingual.of("broken_pin", row=RowList([ref])))
    sizes = np.bincount(classes, minlength=model.k)
    if sizes.max() - sizes.min() > 1:
        bad.append(Bilingual.of("broken_sizes"))
    for d in model.minimums:
        got = np.bincount(classes[model.categories[d.feature].codes == d.code], minlength=model.k)
        short = [model.labels[c] for c in range(model.k) if got[c] < d.count]
        if short:
            bad.append(Bilingual.of("broken_at_least", count=d.count, what=d.what, classes=Bilingual.join(short)))
    return bad
