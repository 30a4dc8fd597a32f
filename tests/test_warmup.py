"""The wizard's background warm-up compiles every search a real solve and a
review re-solve use, with the same argument types (else the first solve would
still compile)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_warm_up_compiles_what_a_real_solve_uses(tmp_path):
    script = textwrap.dedent(f"""
        import numpy as np
        from pathlib import Path
        from fenban_tui.core import anneal, combos, pairmoves, samplegen, warmup
        from fenban_tui.core.model import build_model
        from fenban_tui.core.roster import load_roster
        from fenban_tui.core.rules import Rules
        from fenban_tui.core.solver import solve

        kernels = [anneal.anneal, combos.groups_of, combos.exchanges, combos.best_move, pairmoves.pair_descent]
        warmup.warm()
        before = [list(k.signatures) for k in kernels]
        assert all(before), before
        path = Path({str(tmp_path / "r.xlsx")!r})
        samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER,
                             samplegen.junior_rows(200, seed=3, absent=2, pins=2, twins=2, apart_pairs=2), "名单")
        model = build_model(load_roster(path), Rules(classes=5, seed="real", effort=2))
        first = solve(model)
        solve(model, start=first.classes)
        after = [list(k.signatures) for k in kernels]
        assert after == before, (before, after)
        print("ok")
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]
