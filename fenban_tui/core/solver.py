"""Place students into classes: hard rules with CP-SAT, balance with exchange search.

1. *Feasibility and the constrained students* — CP-SAT (one worker, fixed seed, so
   it is deterministic) places every student bound by a hard rule (绑定 groups,
   互斥 groups, same names, 预设班级 pins) and fixes which classes take the extra
   students, so sizes differ by at most one.
2. *Start* — the remaining students are dealt into the free places in a seeded
   random order.
3. *Balance* — an exchange search swaps pairs of students between classes, each
   swap chosen as the best for one student over all others, evaluated exactly
   and vectorised (numpy) on an objective over class means *and* spreads of
   every score and the total, and counts of every category value (gender,
   previous school, boarders, 总分 deciles, …).  Swaps never break a hard rule.
   Local optima are escaped with seeded random kicks (iterated local search);
   the best state is kept.

Same model + same seed ⇒ the same classes: every random choice comes from a
seeded generator, budgets are counted in iterations (never seconds), sums are
kept in exact integers, and CP-SAT runs single-threaded.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..i18n import Bilingual, FenbanError
from .model import TOL_CATEGORY, PlacementModel, rule_group

ProgressFn = Callable[[float, str], None]

ABSENT_SUBJECT_RAISE = 0.0  # points: how far a 缺考 class's subject means rise to shrink its 总分 gap
CATEGORY_BAND: dict[str, float] = {}  # allowed |count - share| by kind (1 unless listed): deciles too
BAND_PENALTY = 1e9  # a count more than one away from its share: forbidden, above any score cost (tiny classes too)
DEAD_ZONE = 0.85  # category counts this close to their share cost nothing
SCALE = 100  # scores are kept as integers in hundredths: exact sums on any machine


class Cancelled(Exception):
    pass


@dataclass
class SolveResult:
    classes: np.ndarray  # class index per student (0-based)
    labels: list[str]
    objective: float
    iterations: int
    history: list[float] = field(default_factory=list)
    timed_out: bool = False  # a wall-clock limit stopped the search: not reproducible

    def class_of(self, i: int) -> str:
        return self.labels[int(self.classes[i])]


# --------------------------------------------------------------------------- quick checks


def structural_checks(hard, n: int, rows: list[int]) -> list[tuple[str, dict]]:
    """Conflicts among the hard rules themselves, whatever the class count:
    a 绑定 group pinned to two classes, a pair both 绑定 and 互斥, two 互斥
    members pinned to one class."""
    reasons: list[tuple[str, dict]] = []
    units = _units_of(n, hard)
    unit_of = {i: u for u, members in enumerate(units) for i in members}
    for code, members in hard.together:
        unit = units[unit_of[members[0]]]
        pins = {hard.pins[i] for i in unit if i in hard.pins}
        if len(pins) > 1:
            reasons.append(("inf_bind_pins", {"code": code, "group": rule_group(code, "together"),
                                              "rows": _rows(rows, [i for i in unit if i in hard.pins])}))
    bind_code = {m: code for code, members in hard.together for m in members}
    for code, members in hard.apart:
        seen: dict[int, int] = {}
        pinned: dict[int, int] = {}
        for m in members:
            u = unit_of[m]
            if u in seen:
                reasons.append(("inf_bind_apart", {
                    "rows": _rows(rows, [seen[u], m]),
                    "bind": rule_group(bind_code.get(m, ""), "together", "quoted"),
                    "apart": rule_group(code, "apart", "quoted")}))
            else:
                seen[u] = m
            if m in hard.pins:
                c = hard.pins[m]
                if c in pinned:
                    reasons.append(("inf_pins_apart", {"code": code, "group": rule_group(code, "apart"),
                                                       "rows": _rows(rows, [pinned[c], m])}))
                pinned[c] = m
    return reasons


def _rows(rows: list[int], members: list[int]):
    from .roster import RowList

    return RowList([rows[i] for i in members])


def quick_checks(model: PlacementModel) -> list[tuple[str, dict]]:
    """Plain-word reasons why the hard rules cannot hold (empty when none found)."""
    k = model.k
    _, cap = model.size_bounds()
    rows = model.row_numbers
    reasons = structural_checks(model.hard, model.n, rows)
    for unit in _units(model):
        if len(unit) > cap:
            code = next((c for c, ms in model.hard.together if ms[0] in unit), "")
            reasons.append(("inf_bind_too_big", {"code": code, "group": rule_group(code, "together"),
                                                 "size": len(unit), "cap": cap,
                                                 "rows": _rows(rows, unit)}))
    for code, members in model.hard.apart:
        if len(members) > k:
            reasons.append(("inf_apart_too_many", {"code": code, "group": rule_group(code, "apart"),
                                                   "size": len(members), "k": k,
                                                   "rows": _rows(rows, members)}))
    load = [0] * k
    for i, c in model.hard.pins.items():
        load[c] += 1
    for c in range(k):
        if load[c] > cap:
            reasons.append(("inf_pins_capacity", {"label": model.labels[c], "size": load[c], "cap": cap}))
    for dem in model.minimums:
        have = int(np.sum(model.categories[dem.feature].codes == dem.code))
        if have < dem.count * k:
            reasons.append(("inf_at_least", {"count": dem.count, "what": dem.what, "k": k, "need": dem.count * k,
                                             "have": have}))
    return reasons


def tight_minimums(model: PlacementModel) -> list:
    """Demands the balance bands alone might not meet (fewer than one more
    such student per class than demanded): the start places those students
    with the rule-bound ones."""
    return [d for d in model.minimums
            if int(np.sum(model.categories[d.feature].codes == d.code)) < (d.count + 1) * model.k]


def _raise_infeasible(reasons: list[tuple[str, dict]]) -> None:
    from ..i18n import tr

    if not reasons:
        raise FenbanError("infeasible", reason=tr("infeasible_generic"))
    key, params = reasons[0]
    err = FenbanError("infeasible", reason=tr(key, **params))
    err.reasons = reasons  # type: ignore[attr-defined]
    # render every reason in the operator's language when shown
    err.params = {"reason": _Joined(reasons)}
    raise err


class _Joined:
    """Lazily rendered list of reasons (so the language is chosen at display time)."""

    def __init__(self, reasons: list[tuple[str, dict]]) -> None:
        self.reasons = reasons

    def render(self, lang: str) -> str:
        from ..i18n import tr

        return ("; " if lang == "en" else "；").join(tr(k, lang, **p) for k, p in self.reasons)


# --------------------------------------------------------------------------- CP-SAT start


def _solve_cancellable(solver, model, cancel: threading.Event | None):
    """CP-SAT Solve that stops as soon as ``cancel`` is set (StopSearch is
    thread-safe); without a cancel event it is a plain Solve."""
    if cancel is None:
        return solver.Solve(model)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.05):
            if cancel.is_set():
                solver.StopSearch()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return solver.Solve(model)
    finally:
        done.set()
        watcher.join()


def _units_of(n: int, hard) -> list[list[int]]:
    """Students tied together by 绑定 groups (transitively), in a fixed order."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, members in hard.together:
        for m in members[1:]:
            a, b = find(m), find(members[0])
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [groups[r] for r in sorted(groups)]


def _units(model: PlacementModel) -> list[list[int]]:
    return _units_of(model.n, model.hard)


def _greedy_constrained(model, units, unit_of, constrained, absent, rng):
    """Seeded greedy placement of the rule-bound students: pinned groups first,
    then the largest, each into the least-filled class that breaks no rule.
    Returns (unit -> class, classes taking an extra student) or None when the
    greedy gets stuck (CP-SAT then decides)."""
    n, k = model.n, model.k
    q, r = divmod(n, k)
    load = np.zeros(k, dtype=np.int64)
    absent_load = np.zeros(k, dtype=np.int64)
    per_absent = -(-int(absent.sum()) // k) if absent.any() else 0
    apart_groups: dict[int, list[int]] = {}
    for g, (_, members) in enumerate(model.hard.apart):
        for u in {int(unit_of[i]) for i in members}:
            apart_groups.setdefault(u, []).append(g)
    group_classes: list[set[int]] = [set() for _ in model.hard.apart]
    tie = rng.permutation(len(constrained))
    pinned = {u: next((model.hard.pins[i] for i in units[u] if i in model.hard.pins), None) for u in constrained}
    order = sorted(range(len(constrained)),
                   key=lambda a: (pinned[constrained[a]] is None, -len(units[constrained[a]]),
                                  -len(apart_groups.get(constrained[a], [])), tie[a]))
    unit_class: dict[int, int] = {}
    for a in order:
        u = constrained[a]
        size = len(units[u])
        n_abs = int(absent[units[u]].sum())
        over = int(np.sum(load > q))
        blocked = set()
        for g in apart_groups.get(u, []):
            blocked |= group_classes[g]
        options = []
        for c in range(k):
            if c in blocked or load[c] + size > q + 1:
                continue
            if load[c] + size > q and load[c] <= q and over >= r:
                continue
            if n_abs and absent_load[c] + n_abs > per_absent:
                continue
            options.append(c)
        if pinned[u] is not None:
            options = [c for c in options if c == pinned[u]]
        if not options:
            return None
        best = min(options, key=lambda c: (load[c], (c - int(tie[a])) % k))
        unit_class[u] = best
        load[best] += size
        absent_load[best] += n_abs
        for g in apart_groups.get(u, []):
            group_classes[g].add(best)
    bigs = [c for c in range(k) if load[c] > q]
    rest = [c for c in rng.permutation(k).tolist() if c not in bigs]
    bigs = sorted(bigs + rest[: r - len(bigs)])
    return unit_class, bigs


def _cpsat_constrained(model, units, unit_of, constrained, absent, rng, cancel):
    """CP-SAT placement of the rule-bound students (one worker, seeded: deterministic)."""
    from ortools.sat.python import cp_model

    n, k = model.n, model.k
    q, r = divmod(n, k)
    m = cp_model.CpModel()
    x = {(u, c): m.NewBoolVar(f"x{u}_{c}") for u in constrained for c in range(k)}
    big = [m.NewBoolVar(f"big{c}") for c in range(k)]
    m.Add(sum(big) == r)
    for u in constrained:
        m.AddExactlyOne(x[u, c] for c in range(k))
        pins = {model.hard.pins[i] for i in units[u] if i in model.hard.pins}
        for c in pins:
            m.Add(x[u, c] == 1)
    for c in range(k):
        m.Add(sum(len(units[u]) * x[u, c] for u in constrained) <= q + big[c])
    for _, members in model.hard.apart:
        us = sorted({int(unit_of[i]) for i in members})
        for c in range(k):
            m.Add(sum(x[u, c] for u in us) <= 1)
    # 缺考 students are spread over the classes (at most ceil(a/k) per class)
    abs_units = sorted({int(unit_of[i]) for i in np.flatnonzero(absent)})
    if abs_units:
        per = -(-int(absent.sum()) // k)
        for c in range(k):
            m.Add(sum(int(absent[units[u]].sum()) * x[u, c] for u in abs_units) <= per)
    for d in tight_minimums(model):
        codes = model.categories[d.feature].codes
        for c in range(k):
            m.Add(sum(int(np.sum(codes[units[u]] == d.code)) * x[u, c] for u in constrained) >= d.count)
    # a seeded random objective picks one of the many feasible placements;
    # a small load term spreads constrained students over the classes
    weights = rng.integers(0, 1000, size=(len(constrained), k))
    load = [m.NewIntVar(0, q + 1, f"load{c}") for c in range(k)]
    for c in range(k):
        m.Add(load[c] == sum(len(units[u]) * x[u, c] for u in constrained))
    mx = m.NewIntVar(0, q + 1, "maxload")
    m.AddMaxEquality(mx, load)
    m.Minimize(100000 * mx + sum(int(weights[a, c]) * x[u, c] for a, u in enumerate(constrained) for c in range(k)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = int(model.seed % (2**31 - 1))
    solver.parameters.max_deterministic_time = 2.0
    status = _solve_cancellable(solver, m, cancel)
    if status == cp_model.UNKNOWN and not (cancel is not None and cancel.is_set()):
        # no placement within the budget (large rosters): take the first one found
        solver.parameters.max_deterministic_time = 120.0
        solver.parameters.stop_after_first_solution = True
        status = _solve_cancellable(solver, m, cancel)
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        reasons = quick_checks(model)
        if not reasons and status == cp_model.INFEASIBLE:
            reasons = conflicting_rules(model, units, unit_of, constrained)
        _raise_infeasible(reasons)
    unit_class = {u: c for u in constrained for c in range(k) if solver.BooleanValue(x[u, c])}
    bigs = [c for c in range(k) if solver.BooleanValue(big[c])]
    return unit_class, bigs


def conflicting_rules(model, units, unit_of, constrained) -> list[tuple[str, dict]]:
    """A set of hard rules that cannot hold together, named in words.

    Each rule (every 互斥 group, every pin, the class sizes) is switched on by
    an assumption literal; CP-SAT proves the model infeasible and returns a
    sufficient set of assumptions: those rules conflict.  One worker, fixed
    seed: the same rules are named on any machine."""
    from ortools.sat.python import cp_model

    k = model.k
    q, r = divmod(model.n, k)
    rows = model.row_numbers
    m = cp_model.CpModel()
    x = {(u, c): m.NewBoolVar(f"x{u}_{c}") for u in constrained for c in range(k)}
    for u in constrained:
        m.AddExactlyOne(x[u, c] for c in range(k))
    labels: list[tuple[str, dict]] = []
    lits = []

    def rule(key: str, params: dict):
        lit = m.NewBoolVar(f"rule{len(lits)}")
        lits.append(lit)
        labels.append((key, params))
        return lit

    sizes = rule("why_sizes", {"q": q, "cap": q + (1 if r else 0), "k": k})
    big = [m.NewBoolVar(f"big{c}") for c in range(k)]
    m.Add(sum(big) == r).OnlyEnforceIf(sizes)
    for c in range(k):
        m.Add(sum(len(units[u]) * x[u, c] for u in constrained) <= q + big[c]).OnlyEnforceIf(sizes)
    for code, members in model.hard.apart:
        us = sorted({int(unit_of[i]) for i in members})
        lit = rule("why_apart", {"code": code, "group": rule_group(code, "apart", "quoted"),
                                 "rows": _rows(rows, members)})
        for c in range(k):
            m.Add(sum(x[u, c] for u in us) <= 1).OnlyEnforceIf(lit)
    for i, c in sorted(model.hard.pins.items()):
        lit = rule("why_pin", {"rows": _rows(rows, [i]), "label": model.labels[c]})
        m.Add(x[int(unit_of[i]), c] == 1).OnlyEnforceIf(lit)
    for d in tight_minimums(model):
        codes = model.categories[d.feature].codes
        lit = rule("why_at_least", {"count": d.count, "what": d.what})
        for c in range(k):
            m.Add(sum(int(np.sum(codes[units[u]] == d.code)) * x[u, c] for u in constrained) >= d.count
                  ).OnlyEnforceIf(lit)
    m.AddAssumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 1
    solver.parameters.max_deterministic_time = 10.0
    if solver.Solve(m) != cp_model.INFEASIBLE:
        return []
    core = set(solver.SufficientAssumptionsForInfeasibility())
    named = [labels[t] for t, lit in enumerate(lits) if lit.Index() in core]
    return [("why_together", {"rules": _Joined(named)})] if named else []


def initial_assignment(
    model: PlacementModel, rng: np.random.Generator, cancel: threading.Event | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random start that satisfies every hard rule.

    Returns (class per student, frozen mask).  Frozen students (绑定 groups,
    pinned and 缺考 students) stay where they are first put; the search moves
    the rest.
    """
    n, k = model.n, model.k
    q, r = divmod(n, k)
    units = _units(model)
    unit_of = np.empty(n, dtype=np.int64)
    for u, members in enumerate(units):
        unit_of[members] = u
    apart_members = {m for _, ms in model.hard.apart for m in ms}
    absent = np.zeros(n, dtype=bool)
    for f in model.numeric:
        if f.kind == "score":
            absent |= np.isnan(f.values)
    tight = tight_minimums(model)
    demanded = np.zeros(n, dtype=bool)
    for d in tight:
        demanded |= model.categories[d.feature].codes == d.code
    constrained = [
        u for u, ms in enumerate(units)
        if len(ms) > 1 or any(m in model.hard.pins or m in apart_members or absent[m] or demanded[m] for m in ms)
    ]
    classes = np.full(n, -1, dtype=np.int64)
    if constrained or model.minimums:
        reasons = quick_checks(model)
        if reasons:
            _raise_infeasible(reasons)
    if constrained:
        # demands are met by CP-SAT (the greedy does not count them)
        placed = None if tight else _greedy_constrained(model, units, unit_of, constrained, absent, rng)
        if placed is None:
            placed = _cpsat_constrained(model, units, unit_of, constrained, absent, rng, cancel)
        unit_class, bigs = placed
        for u, c in unit_class.items():
            classes[units[u]] = c
    else:
        bigs = sorted(rng.choice(k, size=r, replace=False).tolist()) if r else []
    target = np.full(k, q, dtype=np.int64)
    target[bigs] += 1
    load = np.bincount(classes[classes >= 0], minlength=k)
    free = np.flatnonzero(classes < 0)
    free = free[rng.permutation(len(free))]
    slots = np.concatenate([np.full(int(target[c] - load[c]), c, dtype=np.int64) for c in range(k)])
    slots = slots[rng.permutation(len(slots))]
    classes[free] = slots[: len(free)]
    frozen = np.zeros(n, dtype=bool)
    for ms in units:
        if len(ms) > 1:
            frozen[ms] = True
    for i in model.hard.pins:
        frozen[i] = True
    frozen |= absent
    return classes, frozen


# --------------------------------------------------------------------------- exchange search


class Balancer:
    """Incremental objective over class aggregates, with vectorised swap deltas."""

    def __init__(self, model: PlacementModel, classes: np.ndarray, frozen: np.ndarray) -> None:
        self.model = model
        self.n, self.k = model.n, model.k
        self.cls = classes.copy()
        self.frozen = frozen
        n, k = self.n, self.k
        # numeric features: integer values (hundredths), presence flags
        self.nf = len(model.numeric)
        self.X = np.zeros((self.nf, n), dtype=np.int64)
        self.P = np.zeros((self.nf, n), dtype=np.int64)
        self.w_mean = np.zeros(self.nf)
        self.w_sd = np.zeros(self.nf)
        self.M = np.zeros(self.nf)  # global mean (scaled)
        self.SD = np.zeros(self.nf)  # global SD (scaled)
        for f, feat in enumerate(model.numeric):
            present = ~np.isnan(feat.values)
            vals = np.where(present, feat.values, 0.0)
            self.X[f] = np.rint(vals * SCALE).astype(np.int64)
            self.P[f] = present.astype(np.int64)
            cnt = int(self.P[f].sum())
            s = int(self.X[f].sum())
            qq = int((self.X[f] * self.X[f]).sum())
            self.M[f] = s / cnt if cnt else 0.0
            var = (qq - s * s / cnt) / (cnt - 1) if cnt > 1 else 0.0
            self.SD[f] = math.sqrt(max(var, 0.0))
            self.w_mean[f] = 1.0 / (feat.mean_tol * SCALE) ** 2
            self.w_sd[f] = 1.0 / (feat.sd_tol * SCALE) ** 2 if feat.sd_tol else 0.0
        # second moment about the (integer-rounded) global mean: linear in the
        # assignment, and a class mean that is slightly off barely moves it
        self.center = np.rint(self.M).astype(np.int64)
        dev = (self.X - self.center[:, None]) * self.P
        self.XX = dev * dev
        self._M = self.M[:, None]
        self.Mc = np.repeat(self._M, self.k, axis=1)  # target mean per feature and class
        self._total_targets()
        self._M2 = (self.SD**2 + (self.M - self.center) ** 2)[:, None]  # target mean square
        self._wm = self.w_mean[:, None]
        # an SD deviation e costs like a mean-square deviation of 2·SD·e
        self._ws = (self.w_sd / np.maximum(2.0 * self.SD, 1.0) ** 2)[:, None]
        # category features: one-hot offsets into a combined value axis
        self.ncat = len(model.categories)
        offsets = []
        total_vals = 0
        for feat in model.categories:
            offsets.append(total_vals)
            total_vals += len(feat.labels)
        self.V = total_vals
        self.offsets = offsets
        self.codes = np.zeros((self.ncat, n), dtype=np.int64)
        for g, feat in enumerate(model.categories):
            self.codes[g] = feat.codes + offsets[g]
        self.value_totals = np.zeros(self.V)
        for g in range(self.ncat):
            self.value_totals += np.bincount(self.codes[g], minlength=self.V)
        self.w_cat = 1.0 / TOL_CATEGORY**2
        self.band = BAND_PENALTY
        # allowed distance of each category value's count from its share
        band = np.ones(self.V)
        for g, feat in enumerate(model.categories):
            band[offsets[g] : offsets[g] + len(feat.labels)] = CATEGORY_BAND.get(feat.kind, 1.0)
        self.hard_band = band - 0.02
        self.dead_zone = band - 0.15
        # apart groups: for each student, the other members it must avoid
        self.apart_of: dict[int, list[int]] = {}
        for _, members in model.hard.apart:
            for a in members:
                self.apart_of.setdefault(a, []).extend(b for b in members if b != a)
        self.apart_students = np.array(sorted(self.apart_of), dtype=np.int64)
        self.recompute()

    def _total_targets(self) -> None:
        """Per-class targets when 总分 is the sum of the exams sat.

        A class holding a 缺考 student has a lower 总分 mean *by construction*
        when its subject means equal everyone else's (the missed exam adds
        nothing), so 总分 and the subjects cannot both be level.  The targets
        say how that is settled: such a class aims its subject means
        ABSENT_SUBJECT_RAISE points higher (scaled by its share of the gap) and
        its 总分 at the value those subject means give.  All targets are then
        consistent and the search can meet them.  缺考 students are frozen and
        spread over the classes, so the targets stay fixed during the search.
        """
        feats = self.model.numeric
        tot = [f for f, ft in enumerate(feats) if ft.kind == "total"]
        subj = [f for f, ft in enumerate(feats) if ft.kind == "score"]
        if not tot or not subj:
            return
        t = tot[0]
        total = feats[t].values
        sat_sum = np.zeros(self.n)
        for f in subj:
            v = feats[f].values
            sat_sum += np.where(np.isnan(v), 0.0, v)
        ok = ~np.isnan(total)
        if ok.sum() == 0 or np.mean(np.abs(total[ok] - sat_sum[ok]) < 0.051) < 0.95:
            return  # 总分 holds more than these subjects: one global target
        missing = np.zeros(self.n)
        for f in subj:
            missing += np.where(self.P[f] == 0, self.M[f], 0.0)
        deficit = np.zeros(self.k)
        for c in range(self.k):
            sel = self.cls == c
            deficit[c] = float(missing[sel].sum()) / max(int(sel.sum()), 1)
        lo, hi = float(deficit.min()), float(deficit.max())
        raise_c = (deficit - lo) / (hi - lo) * ABSENT_SUBJECT_RAISE * SCALE if hi > lo else np.zeros(self.k)
        for f in subj:
            self.Mc[f] = self.M[f] + raise_c
        full = float(sum(self.M[f] for f in subj))
        self.Mc[t] = full + len(subj) * raise_c - deficit

    # ---------------------------------------------------------------- aggregates

    def recompute(self) -> None:
        k = self.k
        self.size = np.bincount(self.cls, minlength=k).astype(np.float64)
        self.S = np.zeros((self.nf, k), dtype=np.int64)
        self.Q = np.zeros((self.nf, k), dtype=np.int64)
        self.N = np.zeros((self.nf, k), dtype=np.int64)
        for f in range(self.nf):
            for c in range(k):
                sel = self.cls == c
                self.S[f, c] = int(self.X[f, sel].sum())
                self.Q[f, c] = int(self.XX[f, sel].sum())
                self.N[f, c] = int(self.P[f, sel].sum())
        self.C = np.zeros((k, self.V), dtype=np.int64)
        for g in range(self.ncat):
            np.add.at(self.C, (self.cls, self.codes[g]), 1)
        # category targets: proportional share of each value in each class
        self.T = self.size[:, None] * (self.value_totals[None, :] / self.n)
        # a demand (at least N per class) lifts the share to N: the band then
        # holds every class at N or more
        for d in self.model.minimums:
            col = self.offsets[d.feature] + d.code
            self.T[:, col] = np.maximum(self.T[:, col], d.count + 0.02)
        self.ncost = np.zeros((self.nf, k))
        self.ccost = np.zeros((k, self.V))
        self.dplus = np.zeros((k, self.V))
        self.dminus = np.zeros((k, self.V))
        self._refresh(np.arange(k))

    def _num_cost(self, S, Q, N, M):
        """Cost of class aggregates for every numeric feature (features on axis 0);
        ``M`` holds the target means of those classes."""
        Nf = np.maximum(N, 1).astype(np.float64)
        d = S / Nf - M
        # spread as the second moment (linear in the assignment, so smooth for
        # exchanges): equal means and equal mean squares give equal SDs
        e = Q / Nf - self._M2
        cost = self._wm * (d * d) + self._ws * (e * e)
        return np.where(N > 0, cost, 0.0)

    def _cat_cost(self, dev):
        """Free inside the band |dev| <= DEAD_ZONE, quadratic beyond, steep past 0.95."""
        a = np.abs(dev)
        out = np.maximum(a - self.dead_zone, 0.0)
        over = np.maximum(a - self.hard_band, 0.0)
        return self.w_cat * out * out + self.band * (over + over * over)

    def _refresh(self, classes) -> None:
        """Recompute cached costs for the given classes."""
        if self.nf:
            self.ncost[:, classes] = self._num_cost(
                self.S[:, classes], self.Q[:, classes], self.N[:, classes], self.Mc[:, classes]
            )
        dev = self.C[classes] - self.T[classes]
        base = self._cat_cost(dev)
        self.dplus[classes] = self._cat_cost(dev + 1) - base
        self.dminus[classes] = self._cat_cost(dev - 1) - base
        self.ccost[classes] = base

    def bands_hold(self) -> bool:
        """Every category count within its band of its share (every 每班至少 met)."""
        return bool(np.all(np.abs(self.C - self.T) < self.hard_band[None, :]))

    def objective(self) -> float:
        return float(np.sum(self.ncost)) + float(np.sum(self.ccost))

    # ---------------------------------------------------------------- swaps

    def swap_deltas(self, i: int, cand: np.ndarray) -> np.ndarray:
        """Objective change of swapping student i with each student in ``cand``."""
        a = self.cls[i]
        b = self.cls[cand]
        delta = np.zeros(len(cand))
        if self.nf:
            xi, pi, qi = self.X[:, i : i + 1], self.P[:, i : i + 1], self.XX[:, i : i + 1]
            xj, pj, qj = self.X[:, cand], self.P[:, cand], self.XX[:, cand]
            dx, dq, dp = xj - xi, qj - qi, pj - pi
            new_a = self._num_cost(
                self.S[:, a : a + 1] + dx, self.Q[:, a : a + 1] + dq, self.N[:, a : a + 1] + dp, self.Mc[:, a : a + 1]
            )
            new_b = self._num_cost(self.S[:, b] - dx, self.Q[:, b] - dq, self.N[:, b] - dp, self.Mc[:, b])
            ch = (new_a - self.ncost[:, a : a + 1]) + (new_b - self.ncost[:, b])
            delta = delta + self._fsum_rows(ch)
        if self.ncat:
            u = self.codes[:, i : i + 1]  # (ncat, 1)
            v = self.codes[:, cand]  # (ncat, m)
            ch = self.dminus[a, u] + self.dplus[a, v] + self.dminus[b, v] + self.dplus[b, u]
            ch = np.where(v != u, ch, 0.0)
            delta = delta + self._fsum_rows(ch)
        return delta

    @staticmethod
    def _fsum_rows(arr: np.ndarray) -> np.ndarray:
        """Sum over axis 0 in a fixed order (row by row): the same bits on any machine."""
        out = arr[0].copy()
        for r in range(1, arr.shape[0]):
            out += arr[r]
        return out

    def allowed(self, i: int, cand: np.ndarray) -> np.ndarray:
        """Mask of candidates j that i may swap with (no hard rule broken)."""
        a = self.cls[i]
        ok = (self.cls[cand] != a) & ~self.frozen[cand]
        if len(self.apart_students):
            # i moving to class b: b must hold none of i's apart partners (other than j)
            if i in self.apart_of:
                partners = np.array(self.apart_of[i], dtype=np.int64)
                bad_classes = self.cls[partners]
                bad = np.isin(self.cls[cand], bad_classes)
                # swapping with the partner itself is fine only if no other partner is there
                ok &= ~bad | np.isin(cand, partners) & (np.bincount(bad_classes, minlength=self.k)[self.cls[cand]] == 1)
            # j moving to class a: a must hold none of j's partners (other than i)
            cand_apart = np.isin(cand, self.apart_students)
            if cand_apart.any():
                for idx in np.flatnonzero(cand_apart & ok):
                    j = int(cand[idx])
                    for p in self.apart_of[j]:
                        if p != i and self.cls[p] == a:
                            ok[idx] = False
                            break
        return ok

    def apply_swap(self, i: int, j: int) -> None:
        a, b = self.cls[i], self.cls[j]
        for f in range(self.nf):
            xi, xj = self.X[f, i], self.X[f, j]
            qi, qj = self.XX[f, i], self.XX[f, j]
            pi, pj = self.P[f, i], self.P[f, j]
            self.S[f, a] += xj - xi
            self.S[f, b] += xi - xj
            self.Q[f, a] += qj - qi
            self.Q[f, b] += qi - qj
            self.N[f, a] += pj - pi
            self.N[f, b] += pi - pj
        for g in range(self.ncat):
            u, v = self.codes[g, i], self.codes[g, j]
            self.C[a, u] -= 1
            self.C[a, v] += 1
            self.C[b, v] -= 1
            self.C[b, u] += 1
        self.cls[i], self.cls[j] = b, a
        self._refresh(np.array([a, b]))

    def set_mean_weight(self, wm: np.ndarray) -> None:
        self._wm = wm
        self._refresh(np.arange(self.k))

    def set_state(self, classes: np.ndarray) -> None:
        self.cls = classes.copy()
        self.recompute()


ANNEAL_STEPS_PER_STUDENT = 20000
ANNEAL_MAX_STEPS = 60_000_000  # about 20 s here: large rosters get fewer proposals per student
ANNEAL_T = (1000.0, 0.1)  # temperature from, to (objective units: 1 = one tolerance squared)
ANNEAL_MEAN_WEIGHT_FROM = 1e-3
ANNEAL_BAND_FROM = 1.0  # the out-of-band penalty starts at this fraction and rises to full
ANNEAL_MATCHED = 0.5  # share of proposals that swap two students of one stratum (same gender, school, …)
MAX_SWEEPS = 40
PAIR_KEY_FLOOR = 1.0  # sets of swaps may leave the key score's mean cost at this (one tolerance squared)
PAIR_MAX_EVALS = 40_000_000  # candidate moves scored by the pair search (about 4 s here at most)
PAIR_BEAM = 300  # sets of swaps kept at each level of the search between two classes
PAIR_LEVELS = 3  # swaps made together at most
DESCENT_CANDIDATES = 500  # partners examined per student in the descent, on large rosters


def _descend(bal: Balancer, movable: np.ndarray, rng: np.random.Generator, tick) -> int:
    """Best-improvement exchange: for each student (seeded order) the best swap
    over all others, until a full sweep finds none.  Returns evaluations made."""
    evals = 0
    big = len(movable) > DESCENT_CANDIDATES
    for sweep in range(MAX_SWEEPS if not big else 4):
        improved = 0
        order = movable[rng.permutation(len(movable))]
        for step, i in enumerate(order):
            if step % 64 == 0:
                tick(min(0.95, (sweep + step / len(order)) / 8))
            i = int(i)
            # large rosters: each student looks at a seeded sample of partners
            pool = movable[rng.choice(len(movable), DESCENT_CANDIDATES, replace=False)] if big else movable
            ok = bal.allowed(i, pool)
            cidx = np.flatnonzero(ok)
            if len(cidx) == 0:
                continue
            d = bal.swap_deltas(i, pool[cidx])
            best_idx = int(np.argmin(d))
            evals += 1
            if d[best_idx] < -1e-9:
                bal.apply_swap(i, int(pool[cidx[best_idx]]))
                improved += 1
        if improved == 0:
            break
    return evals


RESTART_MAX_STUDENTS = 2000  # larger rosters get one start (time), whatever the effort
ONE_BATCH_STUDENTS = 1000  # larger rosters get one batch of starts at most (time)


# what schools accept (issue 2), and the tighter aim (issue 5): class-mean
# range of a subject, of 总分 beyond the gap 缺考 forces, and SD range, in points
LIMITS = (0.10, 0.20, 0.30)
AIMS = (0.02, 0.05, 0.20)


def figure_score(model: PlacementModel, classes: np.ndarray, limits: tuple[float, float, float] = LIMITS) -> float:
    """The worst balance figure as a multiple of its limit (``limits``:
    a subject's class-mean range, 总分's beyond the gap 缺考 forces, an SD
    range), birth dates against 3 days.  A category count within one student
    of its share passes (0); one beyond fails (10 and more): such a start is
    never preferred."""
    from .stats import absent_total_floor, gaps

    mean_lim, total_lim, sd_lim = limits
    worst = 0.0
    floor = absent_total_floor(model, classes)
    for g in gaps(model, classes):
        if g.kind == "mean" and g.feature != "出生日期":
            kind = next((f.kind for f in model.numeric if f.name == g.feature), "score")
            v = max(0.0, g.value - floor) / total_lim if kind == "total" else g.value / mean_lim
        elif g.kind == "mean":
            v = g.value / 3.0  # birth dates: days
        elif g.kind == "sd":
            v = g.value / sd_lim
        else:  # sizes and category counts: distance from the share, in students
            v = 0.0 if g.value <= 1.0 + 1e-9 else 10.0 + g.value
        worst = max(worst, v)
    return worst


def _anneal(bal: Balancer, movable: np.ndarray, seed: int, steps: int, tick, cancel, clock=None) -> np.ndarray:
    """Run the compiled annealer on a copy of the balancer's state; returns the
    best assignment it found.  Progress is polled from a helper thread so the
    compiled loop never calls back into Python."""
    from .anneal import anneal

    ptr, idx = _apart_csr(bal)

    def run(shared):
        best, _ = anneal(
            int(seed % (2**31 - 1)), int(steps), ANNEAL_T[0], ANNEAL_T[1], ANNEAL_MEAN_WEIGHT_FROM, ANNEAL_BAND_FROM,
            bal.cls.copy(), movable.astype(np.int64), bal.X, bal.XX, bal.P, bal.S.copy(), bal.Q.copy(),
            bal.N.copy(), bal.Mc, bal._M2[:, 0].copy(), bal._wm[:, 0].copy(), bal._ws[:, 0].copy(), bal.codes,
            bal.C.copy(), bal.T, bal.dead_zone, bal.hard_band, float(bal.w_cat), float(bal.band), ptr, idx,
            shared, *_strata(bal, movable), ANNEAL_MATCHED,
        )
        return best

    return _compiled(run, tick, cancel, clock)


def _pair_moves(bal: Balancer, tick, cancel, clock=None) -> np.ndarray:
    """Double-swap descent between pairs of classes (compiled); returns the
    improved assignment."""
    from .pairmoves import pair_descent

    ptr, idx = _apart_csr(bal)

    def run(shared):
        cls = bal.cls.copy()
        pair_descent(
            cls, bal.frozen, bal.X, bal.XX, bal.P, bal.S.copy(), bal.Q.copy(), bal.N.copy(), bal.Mc,
            bal._M2[:, 0].copy(), bal._wm[:, 0].copy(), bal._ws[:, 0].copy(), bal.codes, bal.C.copy(), bal.T,
            bal.dead_zone, bal.hard_band, float(bal.w_cat), float(bal.band), ptr, idx, PAIR_KEY_FLOOR, PAIR_BEAM,
            PAIR_LEVELS, PAIR_MAX_EVALS, shared,
        )
        return cls

    return _compiled(run, tick, cancel, clock)


COMBO_MAX_CLASSES = 40  # more classes: the pair search instead (the pairs to visit grow as classes squared)
COMBO_MAX_SCORES = 4  # subjects (besides 总分) the combined exchanges are used for, from two
COMBO_MAX_SIZE = 64  # larger classes: the pair search instead (groups of three grow as size cubed)


def _combos_apply(bal: Balancer, start) -> bool:
    """Whether a start ends with the combined exchanges (combos.py) rather
    than the pair search: a fresh draw (a re-solve from the review moves few
    students), with two to four subjects, every count in its band, classes
    neither too many nor too large."""
    if start is not None or bal.k < 2 or bal.k > COMBO_MAX_CLASSES:
        return False
    if not 2 <= sum(f.kind == "score" for f in bal.model.numeric) <= COMBO_MAX_SCORES:
        return False  # one subject: the pair search reaches the floor faster; five or more: it is faster
    if not bal.bands_hold():
        return False  # a count off its band (a tight 每班至少): the pair search weighs the counts and mends it
    return int(np.bincount(bal.cls, minlength=bal.k).max()) <= COMBO_MAX_SIZE


def _combo_moves(bal: Balancer, tick, cancel, clock=None) -> None:
    """Combined exchanges between pairs of classes (see combos.py), applied to
    ``bal`` in place: stage by stage (a wider SD dead zone each), pairs in a
    fixed order, a pair again only after one of its classes changed."""
    from . import combos

    model, k = bal.model, bal.k
    scores = [f for f, ft in enumerate(model.numeric) if ft.kind == "score"]

    def grid_for(a: int, b: int) -> np.ndarray:
        """The scores the combination lookup is keyed on: all, or the GRID_SCORES
        whose means are furthest off in classes a and b."""
        if len(scores) <= combos.GRID_SCORES:
            return np.array(scores, dtype=np.int64)
        off = [abs(bal.S[f, a] / max(bal.N[f, a], 1) - bal.Mc[f, a]) + abs(bal.S[f, b] / max(bal.N[f, b], 1)
                                                                            - bal.Mc[f, b]) for f in scores]
        order = sorted(range(len(scores)), key=lambda i: (-off[i], i))[:combos.GRID_SCORES]
        return np.array(sorted(scores[i] for i in order), dtype=np.int64)

    apart = np.zeros(bal.n, dtype=bool)
    apart[bal.apart_students] = True
    # students under no rule, who sat every exam (a 缺考 student stays where CP-SAT spread them)
    free = ~bal.frozen & ~apart & (bal.P == 1).all(axis=0)
    M2, wm, ws = bal._M2[:, 0].copy(), bal._wm[:, 0].copy(), bal._ws[:, 0].copy()

    def groups(c: int):
        members = np.flatnonzero((bal.cls == c) & free).astype(np.int64)
        return combos.groups_of(members, combos.GROUP, bal.X, bal.XX)

    tables = [groups(c) for c in range(k)]
    pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
    budget = min(combos.VISITS_MAX_PER_PAIR * len(pairs),
                 max(combos.VISITS_MIN, int(combos.VISITS_PER_PAIR * len(pairs))))
    expected = 4 * len(pairs) * len(combos.DEAD_ZONES)  # for the progress bar only
    visits = 0

    def subject_range() -> float:
        """The widest class-mean range of a subject, in points."""
        return max(float(np.ptp(bal.S[f] / np.maximum(bal.N[f], 1))) / SCALE for f in scores)

    for stage, zone in enumerate(combos.DEAD_ZONES):
        if stage and subject_range() <= combos.POLISH_ABOVE:
            break  # the means are close enough: the later (looser-SD) stages are not needed
        dz = 2.0 * bal.SD * zone * SCALE  # an SD off by ``zone`` points, as a mean square (scaled)
        dirty = np.ones((k, k), dtype=bool)
        changed = True
        while changed and visits < budget:
            changed = False
            for a, b in pairs:
                if not dirty[a, b] or visits >= budget:
                    continue
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if clock is not None and clock.over():
                    return
                dirty[a, b] = False
                visits += 1
                tick(min(0.99, visits / expected))
                ids_a, sum_a, sq_a = tables[a]
                ids_b, sum_b, sq_b = tables[b]
                ga, gb, dS, dQ, lo, hi = combos.exchanges(a, b, ids_a, sum_a, sq_a, ids_b, sum_b, sq_b, bal.codes,
                                                          bal.C, bal.T, bal.hard_band, combos.CAP)
                grid = grid_for(a, b)
                d, x, y, _ = combos.best_move(a, b, ids_a, ids_b, ga, gb, dS, dQ, lo, hi, bal.codes, grid,
                                              combos.WIDTH[len(grid)] * SCALE, bal.S, bal.Q, bal.N, bal.Mc, M2, wm,
                                              ws, dz)
                if d >= -1e-9:
                    continue
                leave_a = [int(i) for z in (x, y) if z >= 0 for i in ids_a[ga[z]] if i >= 0]
                leave_b = [int(j) for z in (x, y) if z >= 0 for j in ids_b[gb[z]] if j >= 0]
                for i, j in zip(leave_a, leave_b):
                    bal.apply_swap(i, j)
                tables[a], tables[b] = groups(a), groups(b)
                dirty[a, :] = dirty[:, a] = dirty[b, :] = dirty[:, b] = True
                changed = True


def _strata(bal: Balancer, movable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Movable students grouped by their values of every category but the
    总分 deciles (gender × school × boarding …): a swap inside a group leaves
    those counts as they are.  Returns (group of each student or -1, pointer,
    members); groups of one student get -1."""
    keep = [g for g, feat in enumerate(bal.model.categories) if feat.kind != "decile"]
    strat_of = np.full(bal.n, -1, dtype=np.int64)
    if not keep or len(movable) == 0:
        return strat_of, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    keys = bal.codes[keep][:, movable]
    _, inverse, counts = np.unique(keys, axis=1, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    big = counts[inverse] > 1
    members = movable[big]
    groups = inverse[big]
    order = np.lexsort((members, groups))
    members, groups = members[order], groups[order]
    uniq, first = np.unique(groups, return_index=True)
    renum = np.searchsorted(uniq, groups)
    strat_of[members] = renum
    ptr = np.append(first, len(members)).astype(np.int64)
    return strat_of, ptr, members.astype(np.int64)


def _apart_csr(bal: Balancer) -> tuple[np.ndarray, np.ndarray]:
    """互斥 partners of every student, as compressed rows (pointer, index)."""
    ptr = np.zeros(bal.n + 1, dtype=np.int64)
    idx: list[int] = []
    for i in range(bal.n):
        partners = bal.apart_of.get(i, [])
        idx.extend(partners)
        ptr[i + 1] = ptr[i] + len(partners)
    return ptr, np.array(idx, dtype=np.int64)


def _compiled(run, tick, cancel, clock=None):
    """Run a compiled search, polling its progress from a helper thread so the
    compiled loop never calls back into Python; ``cancel`` stops it (and so
    does the ``clock`` running out: then the search's result so far is kept)."""
    shared = np.zeros(2)  # [progress fraction, stop flag]
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.1):
            if cancel is not None and cancel.is_set():
                shared[1] = 1.0
            if clock is not None and clock.over():
                shared[1] = 1.0
            try:
                tick(min(0.99, float(shared[0])))
            except Cancelled:
                shared[1] = 1.0

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        best = run(shared)
    finally:
        done.set()
        watcher.join()
    if cancel is not None and cancel.is_set():
        raise Cancelled()
    return best


START_THREADS = 2  # independent starts run side by side (compiled code releases the GIL)
START_BATCH = 2  # starts judged together before deciding whether more are needed
ACCEPT_SCORE = 0.8  # a start whose worst figure is within 80% of what is acceptable ends the search
EXTRA_FACTOR = 2  # no start within every limit after the effort's starts: up to this many times as many


def _start_rng(model: PlacementModel, r: int) -> np.random.Generator:
    """Start r's own random stream: derived from the seed and r alone, so a
    start draws the same numbers whichever thread runs it, and whenever."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(model.seed), r])))


def _one_start(model, r, start, frozen, cancel, clock, tick):
    """One independent start: a seeded random placement under the hard rules,
    annealing, descent, pair moves.  Returns (classes, objective, score,
    iterations, objective history)."""
    rng = _start_rng(model, r)
    if start is None:
        classes, frz = initial_assignment(model, rng, cancel)
    else:
        classes = start.copy()
        frz = np.zeros(model.n, dtype=bool)
    if frozen is not None:
        frz = frz | frozen
    bal = Balancer(model, classes, frz)
    movable = np.flatnonzero(~frz)
    history = [bal.objective()]
    iterations = 0
    # Annealing (compiled): the class-mean weight starts loose and tightens,
    # the temperature falls; then a vectorised descent at full weight.
    # a re-solve from the review's classes (start) makes improving moves only:
    # it mends what the edits upset and moves few students, never draws anew
    steps = 0 if start is not None else min(ANNEAL_STEPS_PER_STUDENT * len(movable), ANNEAL_MAX_STEPS)
    if steps and len(movable) > 2:
        iterations += steps
        bal.set_state(_anneal(bal, movable, model.seed + r, steps, lambda f: tick(0.5 * f), cancel, clock))
    iterations += _descend(bal, movable, rng, lambda f: tick(0.5 + 0.1 * f))
    if len(movable) > 2 and not clock.over():
        def late(f: float) -> None:
            tick(0.6 + 0.4 * f)

        combined = _combos_apply(bal, start)
        if combined:
            _combo_moves(bal, late, cancel, clock)
        # the pair search where the combined exchanges do not apply, or to mend a band
        # they left broken (never expected: every move they make is checked against the bands)
        if not combined or not bal.bands_hold():
            bal.set_state(_pair_moves(bal, late, cancel, clock))
    history.append(bal.objective())
    tick(1.0)
    # the start whose worst figure (relative to the aims) is best wins; then
    # relative to what schools accept; the search objective breaks ties
    score = (figure_score(model, bal.cls, AIMS), figure_score(model, bal.cls), bal.objective())
    return bal.cls.copy(), bal.objective(), score, iterations, history


class _Stop:
    """The operator's cancel, or a stop of the other starts when one of them
    failed (its error is the one reported)."""

    def __init__(self, cancel: threading.Event | None) -> None:
        self.cancel = cancel
        self.halt = threading.Event()

    def is_set(self) -> bool:
        return self.halt.is_set() or (self.cancel is not None and self.cancel.is_set())

    def set(self) -> None:
        self.halt.set()


def _run_side_by_side(run, restarts: int, threads: int, stop: _Stop):
    """run(0..restarts-1) on ``threads`` threads; the results in start order.
    A start that fails stops the others; its error is raised (the first in
    start order that is not the stop itself), or Cancelled when the operator
    cancelled."""
    import concurrent.futures as cf

    def guarded(r: int):
        if stop.is_set():
            raise Cancelled()
        try:
            return run(r)
        except BaseException:
            stop.set()
            raise

    with cf.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(guarded, r) for r in range(restarts)]
        cf.wait(futures)
    errors = [f.exception() for f in futures if f.exception() is not None]
    if not errors:
        return [f.result() for f in futures]
    if stop.cancel is not None and stop.cancel.is_set():
        raise Cancelled()
    raise next((e for e in errors if not isinstance(e, Cancelled)), errors[0])


def solve(
    model: PlacementModel,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    start: np.ndarray | None = None,
    frozen: np.ndarray | None = None,
    time_limit: float | None = None,
) -> SolveResult:
    """Place every student.  Deterministic for a given model (seed included),
    unless ``time_limit`` (seconds of wall clock) cuts the search short: then
    the result depends on the machine's speed and says so (``timed_out``).

    Up to the rules' effort of independent starts run, two side by side, each
    from its own seeded stream, until a batch leaves one good enough
    (``ACCEPT_SCORE``); when none of them is within every limit, up to as
    many again run (rosters up to ``ONE_BATCH_STUDENTS``).  The best is kept,
    ties going to the earlier start.
    What a start finds depends on its number alone, never on which thread ran
    it or when, so the result is the same on one core or many."""

    clock = _Clock(time_limit)
    lock = threading.Lock()

    def report(frac: float, msg: str) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if progress is not None:
            with lock:
                progress(min(1.0, max(0.0, frac)), msg)

    report(0.0, "start")
    restarts = 1 if start is not None else max(1, model.effort if model.n <= RESTART_MAX_STUDENTS else 1)
    if model.n > ONE_BATCH_STUDENTS:
        restarts = min(restarts, START_BATCH)
    # when none of those starts meets every limit, as many more may run (small rosters)
    most = restarts * EXTRA_FACTOR if start is None and model.n <= ONE_BATCH_STUDENTS else restarts
    done = [0.0] * most
    planned = [restarts]  # starts the progress bar counts: grows when more are run

    def ticker(r: int):
        def tick(f: float) -> None:
            done[r] = f
            report(sum(done) / planned[0], "balance")
        return tick

    stop = _Stop(cancel)

    def run(r: int):
        if r and clock.over():
            return None  # out of time: keep the starts made so far
        return _one_start(model, r, start, frozen, stop if restarts > 1 else cancel, clock, ticker(r))

    best, best_obj, best_score = None, np.inf, (np.inf, np.inf, np.inf)
    history: list[float] = []
    iterations = 0
    # starts are judged in batches of a fixed size (never the thread count, so
    # one core or two run the same starts): once a batch leaves a start whose
    # every figure is well inside what schools accept, no further batch runs
    for first in range(0, most, START_BATCH):
        if first >= restarts:
            if best_score[1] <= 1.0:
                break  # every figure within its limit: the planned starts were enough
            planned[0] = most
        batch = list(range(first, min(most, first + START_BATCH)))
        threads = max(1, min(START_THREADS, len(batch)))
        if threads == 1:
            results = [run(r) for r in batch]
        else:
            results = _run_side_by_side(lambda b: run(batch[b]), len(batch), threads, stop)
        for res in results:
            if res is None:
                continue
            classes, obj, score, its, hist = res
            iterations += its
            history += hist
            if best is None or score < best_score:
                best, best_obj, best_score = classes, obj, score
        if best_score[1] <= ACCEPT_SCORE:
            break
    report(1.0, "done")
    from .stats import hard_rule_violations

    broken = hard_rule_violations(model, best) if start is None else []
    if broken:  # never expected: every rule is built into the search; never passed on unsaid
        raise FenbanError("solve_rules_broken", items=Bilingual.join(broken[:8], "；", "; "))
    return SolveResult(classes=best, labels=model.labels, objective=best_obj, iterations=iterations, history=history,
                       timed_out=clock.hit)


class _Clock:
    """An optional wall-clock limit (``--time-limit``); remembers whether it
    stopped anything."""

    def __init__(self, seconds: float | None) -> None:
        import time

        self._now = time.monotonic
        self.deadline = None if seconds is None else self._now() + float(seconds)
        self.hit = False

    def over(self) -> bool:
        if self.deadline is not None and self._now() >= self.deadline:
            self.hit = True
        return self.hit
