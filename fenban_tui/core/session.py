"""Where FenBan keeps its own files (sessions, generated samples)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user's data directory: $FENBAN_HOME, else $XDG_DATA_HOME/fenban, else ~/.local/share/fenban."""
    if os.environ.get("FENBAN_HOME"):
        p = Path(os.environ["FENBAN_HOME"])
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        p = Path(base) / "fenban"
    p.mkdir(parents=True, exist_ok=True)
    return p
