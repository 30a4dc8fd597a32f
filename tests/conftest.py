"""Shared fixtures: rosters are generated here, so the suite runs on a clean clone."""

from __future__ import annotations

from pathlib import Path

import pytest

from fenban_tui.core import samplegen

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep sessions and generated files out of the real home directory."""
    home = tmp_path_factory.mktemp("fenban_home")
    monkeypatch.setenv("FENBAN_HOME", str(home))
    monkeypatch.delenv("FENBAN_DATA_DIR", raising=False)
    monkeypatch.delenv("FENBAN_LANG", raising=False)
    from fenban_tui.i18n import set_lang

    set_lang("zh")


@pytest.fixture(scope="session")
def junior612(tmp_path_factory) -> Path:
    """A 612-student grade-7 intake in the real shape: title row, 缺考, twins with
    绑定 codes, 互斥 pairs, three 预设班级 pins, two students with one name."""
    folder = tmp_path_factory.mktemp("rosters")
    path = folder / "junior612.xlsx"
    rows = samplegen.junior_rows(612, seed=11, absent=3, pins=3, twins=6, apart_pairs=3)
    samplegen.write_xlsx(path, samplegen.JUNIOR_HEADER, rows, "2026级新生名单")
    return path


def shared_file(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (../shared is optional)")
    return p


