"""Balance and speed: FenBan against S-shaped dealing and a plain exchange search.

    python benchmarks/bench_solver.py [--sizes 300:6,612:12,1800:36,5000:100] [--seeds 3]
                                      [--district 20000:40]

Every size is students:classes; the district run divides a file of that many
students in that many admitting schools (录取学校) school by school, 50 a class.

Rosters are generated (fenban_tui.core.samplegen: title row, 缺考, twins with 绑定,
互斥 pairs, pins, a shared name).  Figures are computed from the placements by
fenban_tui.core.stats: worst class-mean range of the subjects and of 总分, worst
SD range, and the worst distance of any gender / school / boarder / decile count
from its proportional share.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fenban_tui.core import samplegen  # noqa: E402
from fenban_tui.core.model import build_model  # noqa: E402
from fenban_tui.core.roster import load_roster  # noqa: E402
from fenban_tui.core.rules import Rules  # noqa: E402
from fenban_tui.core.solver import solve  # noqa: E402
from fenban_tui.core.stats import gaps  # noqa: E402


def s_shape(model) -> np.ndarray:
    """Sort by 总分 and deal 1..k, k..1, … (ignores every hard rule)."""
    total = next(f.values for f in model.numeric if f.kind == "total")
    order = np.argsort(-np.nan_to_num(total, nan=-1e9), kind="stable")
    classes = np.empty(model.n, dtype=np.int64)
    for r, i in enumerate(order):
        rnd, pos = divmod(r, model.k)
        classes[i] = pos if rnd % 2 == 0 else model.k - 1 - pos
    return classes


def plain_exchange(model, seed: int) -> np.ndarray:
    """Random start, then best-improvement swaps on the squared deviation of the
    class means of the subjects only (anticlustering-style), no categories."""
    rng = np.random.default_rng(seed)
    k, n = model.k, model.n
    classes = np.arange(n) % k
    rng.shuffle(classes)
    feats = [f.values for f in model.numeric if f.kind == "score"]
    X = np.stack([np.nan_to_num(v) for v in feats])
    P = np.stack([~np.isnan(v) for v in feats]).astype(float)
    M = (X.sum(1) / P.sum(1))[:, None]
    for _ in range(30):
        moved = 0
        for i in rng.permutation(n):
            S = np.stack([np.bincount(classes, X[f], k) for f in range(len(feats))])
            N = np.stack([np.bincount(classes, P[f], k) for f in range(len(feats))])
            a = classes[i]
            b = classes
            dS = X - X[:, i : i + 1]
            dN = P - P[:, i : i + 1]

            def cost(s, c):
                return ((s / np.maximum(c, 1) - M) ** 2).sum(0)

            old = cost(S[:, a : a + 1], N[:, a : a + 1]) + cost(S[:, b], N[:, b])
            new = cost(S[:, a : a + 1] + dS, N[:, a : a + 1] + dN) + cost(S[:, b] - dS, N[:, b] - dN)
            d = np.where(b == a, np.inf, new - old)
            j = int(np.argmin(d))
            if d[j] < -1e-12:
                classes[i], classes[j] = classes[j], classes[i]
                moved += 1
        if not moved:
            break
    return classes


def figures(model, classes) -> dict[str, float]:
    out = {"subj": 0.0, "total": 0.0, "sd": 0.0}
    cats: dict[str, float] = {}
    for g in gaps(model, classes):
        if g.kind == "mean" and g.feature == "总分":
            out["total"] = g.value
        elif g.kind == "mean":
            out["subj"] = max(out["subj"], g.value)
        elif g.kind == "sd":
            out["sd"] = max(out["sd"], g.value)
        elif g.feature != "人数":
            cats[g.feature] = g.value
    out["boys"] = cats.get("性别", 0.0)
    out["school"] = cats.get("毕业学校", 0.0)
    out["board"] = cats.get("住宿", 0.0)
    out["decile"] = next((v for k2, v in cats.items() if k2.endswith("十分位")), 0.0)
    return out


PLAIN_MAX = 2000  # the plain exchange is pure numpy, O(n²) a sweep: larger rosters are left out


def _roster_rows(n: int, seed: int) -> list[list[object]]:
    return samplegen.junior_rows(n, seed=100 + seed, absent=max(2, n // 200), pins=3, twins=max(4, n // 100),
                                 apart_pairs=3)


def _row(label: str, name: str, f: dict[str, float] | None, secs: float, cols: list[str]) -> str:
    cells = " ".join(f"{f[c]:7.3f}" for c in cols) if f else " ".join(f"{'—':>7}" for _ in cols)
    return f"{label:>14} {name:>14} " + cells + f" {secs:6.1f}"


def district(tmp: Path, n: int, schools: int, seed: int, cols: list[str], class_size: int = 50) -> None:
    """A district file (录取学校 naming ``schools`` admitting schools) divided
    school by school: FenBan's grouped run (parallel processes) against
    S-shaped dealing inside each school; figures are the worst over schools."""
    from fenban_tui.core.api import _group_rows, solve_roster, sub_roster

    path = tmp / f"district{n}_{seed}.xlsx"
    header = ["录取学校"] + samplegen.JUNIOR_HEADER
    rows = []
    per = n // schools
    for s in range(schools):
        for r in samplegen.junior_rows(per, seed=1000 * seed + s, absent=2, pins=3, twins=5, apart_pairs=3):
            rows.append([f"第{s + 1}中学"] + r)
    samplegen.write_xlsx(path, header, rows, "全区名单")
    roster = load_roster(path)
    rules = Rules(group_by="录取学校", class_size=class_size, seed=str(seed))
    t = time.perf_counter()
    placed = solve_roster(roster, rules)
    secs = time.perf_counter() - t
    worst_f: dict[str, float] = {}
    worst_s: dict[str, float] = {}
    for name, idx in _group_rows(roster, "录取学校"):
        sub = sub_roster(roster, idx)
        model = build_model(sub, Rules(class_size=class_size, seed=str(seed)))
        cls = placed.classes[idx]
        cls = np.unique(cls, return_inverse=True)[1]  # the group's classes numbered from 0
        for store, got in ((worst_f, figures(model, cls)), (worst_s, figures(model, s_shape(model)))):
            for c in cols:
                store[c] = max(store.get(c, 0.0), got[c])
    label = f"{n}/{schools} schools"
    print(_row(label, "S-shape", worst_s, 0.0, cols), flush=True)
    print(_row(label, "FenBan", worst_f, secs, cols), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="300:6,612:12,1800:36,5000:100")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--effort", type=int, default=Rules().effort)
    ap.add_argument("--methods", default="S-shape,plain exchange,FenBan")
    ap.add_argument("--district", default="20000:40", help="students:schools for a grouped run ('' to skip)")
    args = ap.parse_args()
    cols = ["subj", "total", "sd", "boys", "school", "board", "decile"]
    print(f"{'roster':>14} {'method':>14} " + " ".join(f"{c:>7}" for c in cols) + f" {'secs':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for spec in filter(None, args.sizes.split(",")):
            n, k = map(int, spec.split(":"))
            for seed in range(1, args.seeds + 1):
                path = Path(tmp) / f"r{n}_{seed}.xlsx"
                samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER, _roster_rows(n, seed), "新生名单")
                roster = load_roster(path)
                model = build_model(roster, Rules(classes=k, seed=str(seed), effort=args.effort))
                for name, fn in (("S-shape", lambda: s_shape(model)),
                                 ("plain exchange", lambda: plain_exchange(model, seed)),
                                 ("FenBan", lambda: solve(model).classes)):
                    if name not in args.methods.split(","):
                        continue
                    if name == "plain exchange" and n > PLAIN_MAX:
                        print(_row(f"{n}/{k} #{seed}", name, None, 0.0, cols), flush=True)
                        continue
                    t = time.perf_counter()
                    classes = fn()
                    secs = time.perf_counter() - t
                    print(_row(f"{n}/{k} #{seed}", name, figures(model, classes), secs, cols), flush=True)
        if args.district:
            n, schools = map(int, args.district.split(":"))
            district(Path(tmp), n, schools, 1, cols)


if __name__ == "__main__":
    main()
