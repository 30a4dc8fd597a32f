"""Import speed: a 20,000-row xlsx (and the same as GB18030 CSV) read and validated.

    python benchmarks/bench_import.py [--rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fenban_tui.core import samplegen  # noqa: E402
from fenban_tui.core.roster import load_roster  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = samplegen.junior_rows(args.rows, seed=3, absent=40, pins=3, twins=50, apart_pairs=10)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "big.xlsx"
        csvf = Path(tmp) / "big.csv"
        samplegen.write_xlsx(xlsx, samplegen.JUNIOR_HEADER, rows, "新生名单")
        samplegen.write_csv(csvf, samplegen.JUNIOR_HEADER, rows, "新生名单")
        for path in (xlsx, csvf):
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                roster = load_roster(path)
                times.append(time.perf_counter() - t)
            print(f"{path.suffix:6} {roster.n:6d} students  best {min(times):.2f} s  "
                  f"(runs: {', '.join(f'{x:.2f}' for x in times)})  problems: {len(roster.problems)}")


if __name__ == "__main__":
    main()
