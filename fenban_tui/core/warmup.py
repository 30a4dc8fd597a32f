"""Compile the solver's searches ahead of the first solve.

The compiled searches (numba) are built on their first use and cached beside
the package: after installing or upgrading, the first solve would spend about
8 s compiling, and the review's first re-solve 10 s more.  The wizard starts
this module in a background process at low priority when it opens (while the
operator reads the roster and types the rules), so the first solve finds the
cache ready.  It solves a small invented roster twice — a fresh draw, then a
re-solve from those classes — which uses every compiled search, with the
same argument types as a real run.  Nothing it does is kept but the cache.

    python -m fenban_tui.core.warmup
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


def warm() -> None:
    from .model import build_model
    from .roster import load_roster
    from .rules import Rules
    from .samplegen import JUNIOR_HEADER, junior_rows, write_csv
    from .solver import solve

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "warm.csv"
        write_csv(path, JUNIOR_HEADER, junior_rows(60, seed=1, absent=1, pins=1, twins=1, apart_pairs=1), None,
                  encoding="utf-8-sig")
        model = build_model(load_roster(path), Rules(classes=3, seed="warm", effort=1))
        first = solve(model)
        solve(model, start=first.classes)  # the review's re-solve: the pair search


def start_in_background() -> None:
    """Run ``warm`` in a detached low-priority process; never fails the caller."""
    try:
        subprocess.Popen([sys.executable, "-m", "fenban_tui.core.warmup"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        pass


if __name__ == "__main__":
    try:
        os.nice(10)
    except (AttributeError, OSError):
        pass
    try:
        warm()
    except Exception:  # a warm-up that fails costs nothing: the first solve compiles instead
        sys.exit(1)
