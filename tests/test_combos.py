"""Combined exchanges between two classes (fenban_tui.core.combos): every
exchange listed keeps every count in its band, and the pass narrows the class
means without breaking a band or a hard rule."""

from __future__ import annotations

import numpy as np
import pytest

from fenban_tui.core import combos, samplegen, solver
from fenban_tui.core.model import build_model
from fenban_tui.core.roster import load_roster
from fenban_tui.core.rules import Rules
from fenban_tui.core.stats import gaps, hard_rule_violations


class _NoClock:
    def over(self) -> bool:
        return False


@pytest.fixture(scope="module")
def descended(tmp_path_factory):
    """240 students in 6 classes, after annealing and the exchange descent: the
    state the combined exchanges start from."""
    path = tmp_path_factory.mktemp("combos") / "r240.xlsx"
    samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER,
                         samplegen.junior_rows(240, seed=21, absent=2, pins=2, twins=2, apart_pairs=2), "名单")
    model = build_model(load_roster(path), Rules(classes=6, seed="combos"))
    rng = solver._start_rng(model, 0)
    classes, frozen = solver.initial_assignment(model, rng, None)
    bal = solver.Balancer(model, classes, frozen)
    movable = np.flatnonzero(~frozen)
    bal.set_state(solver._anneal(bal, movable, model.seed, 200 * len(movable), lambda f: None, None, _NoClock()))
    solver._descend(bal, movable, rng, lambda f: None)
    return model, frozen, bal.cls.copy()


def subject_range(model, classes) -> float:
    return max(g.value for g in gaps(model, classes) if g.kind == "mean"
               and next(f.kind for f in model.numeric if f.name == g.feature) == "score")


def test_every_exchange_listed_keeps_both_classes_in_every_band(descended):
    model, frozen, cls = descended
    bal = solver.Balancer(model, cls, frozen)
    free = ~frozen & (bal.P == 1).all(axis=0)
    free[bal.apart_students] = False
    tables = [combos.groups_of(np.flatnonzero((cls == c) & free).astype(np.int64), combos.GROUP, bal.X, bal.XX)
              for c in (0, 1)]
    ga, gb, dS, dQ, lo, hi = combos.exchanges(0, 1, *tables[0], *tables[1], bal.codes, bal.C, bal.T, bal.hard_band,
                                              combos.CAP)
    assert len(ga) > 100
    # independently: counts from the model's category codes, sums from its scores
    scores = np.stack([np.rint(np.nan_to_num(f.values) * 100).astype(np.int64) for f in model.numeric])
    for e in np.linspace(0, len(ga) - 1, 300).astype(int):
        out = [s for s in tables[0][0][ga[e]] if s >= 0]
        inn = [s for s in tables[1][0][gb[e]] if s >= 0]
        assert len(out) == len(inn) and not set(out) & set(inn)
        assert (dS[e] == scores[:, inn].sum(axis=1) - scores[:, out].sum(axis=1)).all()
        moved = cls.copy()
        moved[out], moved[inn] = 1, 0
        for g, feat in enumerate(model.categories):
            share = np.bincount(feat.codes, minlength=len(feat.labels)) / model.n
            for c in (0, 1):
                size = int((moved == c).sum())
                counts = np.bincount(feat.codes[moved == c], minlength=len(feat.labels))
                before = np.bincount(feat.codes[cls == c], minlength=len(feat.labels))
                # a count inside its band stays inside it
                inside = np.abs(before - size * share) <= 1.0
                assert (np.abs(counts - size * share)[inside] <= 1.0).all(), (feat.name, c)


def test_the_pass_narrows_the_means_and_keeps_bands_and_hard_rules(descended):
    model, frozen, cls = descended
    runs = []
    for _ in range(2):
        bal = solver.Balancer(model, cls, frozen)
        solver._combo_moves(bal, lambda f: None, None, _NoClock())
        runs.append(bal.cls.copy())
    assert (runs[0] == runs[1]).all()  # no random numbers: the same classes every time
    after = runs[0]
    moved = int((after != cls).sum())
    assert moved >= 6
    assert (after[frozen] == cls[frozen]).all()  # 绑定, pins and 缺考 students stay
    assert subject_range(model, after) < subject_range(model, cls) / 2
    assert all(g.value <= 1.0 for g in gaps(model, after) if g.kind == "count")
    assert np.bincount(after, minlength=6).tolist() == np.bincount(cls, minlength=6).tolist()
    assert hard_rule_violations(model, after) == []


def test_a_start_ends_with_the_pair_search_where_the_combined_exchanges_do_not_apply(descended):
    model, frozen, cls = descended
    bal = solver.Balancer(model, cls, frozen)
    assert solver._combos_apply(bal, None)
    assert not solver._combos_apply(bal, cls)  # a re-solve from the review moves few students
    big = solver.Balancer(model, np.arange(model.n) % 2, np.zeros(model.n, dtype=bool))  # classes of 120
    assert not solver._combos_apply(big, None)


@pytest.mark.parametrize("subjects, used", [(1, False), (2, True), (4, True), (5, False)])
def test_the_combined_exchanges_serve_two_to_four_subjects(tmp_path, subjects, used):
    """One subject: the pair search reaches the floor sooner; five and more: it
    is five times faster (and the combined exchanges gained little)."""
    names = ["语文", "数学", "英语", "物理", "化学"][:subjects]
    path = tmp_path / "r.csv"
    lines = ["姓名,性别," + ",".join(names)]
    lines += [f"学生{i},{'男女'[i % 2]}," + ",".join(f"{60 + (i * 7 + j * 13) % 40}" for j in range(subjects))
              for i in range(60)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model = build_model(load_roster(path), Rules(classes=3, seed="1"))
    bal = solver.Balancer(model, np.arange(60) % 3, np.zeros(60, dtype=bool))
    assert solver._combos_apply(bal, None) is used
