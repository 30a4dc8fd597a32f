"""Where FenBan keeps its own files, and the wizard's session.

The session is everything needed to carry on after the terminal is killed (an
SSH drop): the roster (a Parquet snapshot of the table as read, plus the source
file's SHA-256 so a file changed since is noticed), the rules (with the rules
step's boxes as typed, and the rules the result was solved with), the solver's
result, the hand edits and locks with their history, the export step's folder
and head teachers as typed, and the step the wizard was on.  It is written
atomically (temp file, fsync, rename) after every step change and every edit:
``session.json`` is the commit point, the roster snapshot it names is written
before it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .atomic import atomic_write_text, atomic_write_with

SESSION_FILE = "session.json"
SESSION_VERSION = 1


def data_dir() -> Path:
    """The user's data directory: $FENBAN_DATA_DIR or $FENBAN_HOME, else
    $XDG_DATA_HOME/fenban, else ~/.local/share/fenban."""
    env = os.environ.get("FENBAN_DATA_DIR") or os.environ.get("FENBAN_HOME")
    if env:
        p = Path(env).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        p = Path(base) / "fenban"
    p.mkdir(parents=True, exist_ok=True)
    return p


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Session:
    """What ``session.json`` holds (plus the roster snapshot it names)."""

    step: str = "import"  # the wizard mode the operator was on
    roster_path: str = ""
    roster_sha256: str = ""  # of the source file when it was read
    snapshot: str = ""  # file name of the roster snapshot, beside session.json
    roster_meta: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)  # the rules as on the rules step (edits not yet solved too)
    # the rules step's text boxes as typed (classes, seed, labels, at_least): a box
    # half typed when the terminal died comes back as it was
    rules_form: dict = field(default_factory=dict)
    result: list[int] | None = None  # the solver's classes
    placement_rules: dict | None = None  # the rules ``result`` was solved with (None: ``rules``)
    review: dict | None = None  # core.review.Review.to_dict()
    out_dir: str = ""
    teachers: str = ""  # the head teachers typed on the export step, as typed
    saved_at: str = ""
    version: int = SESSION_VERSION

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, separators=(",", ":"))


class SessionStore:
    """Saves and loads the session in one folder (default: ``data_dir()``)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else data_dir()
        self._snap_for: int | None = None  # id() of the roster whose snapshot is on disk
        self._snap_name = ""
        self._sha = ""

    @property
    def path(self) -> Path:
        return self.folder / SESSION_FILE

    # ------------------------------------------------------------------ save

    def save(self, session: Session, roster=None) -> None:
        """Write ``session`` (and the roster's snapshot when the roster is new)."""
        if roster is not None:
            if self._snap_for != id(roster):
                self._snap_name, self._sha = self._write_snapshot(roster)
                self._snap_for = id(roster)
            session.snapshot = self._snap_name
            session.roster_sha256 = self._sha
            session.roster_path = str(Path(roster.path).expanduser().resolve())
            session.roster_meta = roster_meta(roster)
        session.saved_at = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        atomic_write_text(self.path, session.to_json())
        self._prune(session.snapshot)

    def _write_snapshot(self, roster) -> tuple[str, str]:
        try:
            sha = file_sha256(roster.path)
        except OSError:
            sha = ""
        frame = pl.concat([roster.table.rename(lambda c: "t:" + c), roster.values.rename(lambda c: "v:" + c)],
                          how="horizontal")
        tag = hashlib.sha256(f"{sha}\x1f{roster.path}\x1f{roster.n}\x1f{dt.datetime.now().isoformat()}".encode())
        name = f"roster-{tag.hexdigest()[:16]}.parquet"
        atomic_write_with(self.folder / name, lambda f: frame.write_parquet(f))
        return name, sha

    def _prune(self, keep: str) -> None:
        """Remove roster snapshots no session names any more."""
        for p in self.folder.glob("roster-*.parquet"):
            if p.name != keep:
                try:
                    p.unlink()
                except OSError:
                    pass

    def adopt(self, roster, session: Session) -> None:
        """The loaded ``roster`` is the one in ``session``'s snapshot: later saves
        need not write it again."""
        self._snap_for, self._snap_name, self._sha = id(roster), session.snapshot, session.roster_sha256

    def clear(self) -> None:
        for p in [self.path, *self.folder.glob("roster-*.parquet")]:
            try:
                p.unlink()
            except OSError:
                pass
        self._snap_for = None

    # ------------------------------------------------------------------ load

    def load(self) -> Session | None:
        """The saved session, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != SESSION_VERSION:
            return None
        known = {f.name for f in dataclasses.fields(Session)}
        try:
            return Session(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return None

    def load_roster(self, session: Session):
        """The roster as it was read (from the snapshot); None when the snapshot is gone."""
        from .roster import ColumnMap, Roster

        if not session.snapshot:
            return None
        snap = self.folder / session.snapshot
        try:
            frame = pl.read_parquet(snap)
        except Exception:  # missing or damaged snapshot: the caller starts afresh
            return None
        table = frame.select([c for c in frame.columns if c.startswith("t:")]).rename(lambda c: c[2:])
        values = frame.select([c for c in frame.columns if c.startswith("v:")]).rename(lambda c: c[2:])
        meta = session.roster_meta
        cmap = ColumnMap(**meta.get("cmap", {}))
        return Roster(path=Path(session.roster_path), sheet=meta.get("sheet", ""),
                      header_row=meta.get("header_row", 1), columns=list(meta.get("columns", [])),
                      table=table, values=values, cmap=cmap, problems=[_stored_problem(d) for d in meta.get("problems", [])],
                      dropped_rows=list(meta.get("dropped_rows", [])), sheets_used=list(meta.get("sheets_used", [])),
                      source_sha256=session.roster_sha256 or None, text=bool(meta.get("text", False)))

    def source_changed(self, session: Session) -> bool:
        """Has the roster file changed (or gone) since it was read?"""
        try:
            return file_sha256(session.roster_path) != session.roster_sha256
        except OSError:
            return True


def rules_dict(rules) -> dict:
    """Rules as saved: unset (None) values left out, as in a rules file."""
    return {k: v for k, v in rules.as_dict().items() if v is not None}


def rules_of(session: Session, placement: bool = False):
    """The session's rules; ``placement``: the rules its result was solved with
    (the rules step may have been edited since)."""
    from .rules import Rules

    data = session.placement_rules if placement and session.placement_rules is not None else session.rules
    return Rules.from_dict(data, "session")


def _stored_problem(d: dict):
    from .roster import Problem

    # the original key is kept apart from the words: a rule's error (``api.RULE_ERRORS``)
    # stays one after a resume
    return Problem(d.get("level", "info"), "stored_problem", d.get("sheet"), d.get("row"), d.get("column"),
                   {"zh": d.get("zh", ""), "en": d.get("en", ""), "key": d.get("key", "")})


def problem_key(problem) -> str:
    """A problem's message key; for one restored from a session, the key it had when found."""
    return str(problem.params.get("key", "")) if problem.key == "stored_problem" else problem.key


def roster_meta(roster) -> dict:
    return {
        "sheet": roster.sheet,
        "header_row": roster.header_row,
        "columns": list(roster.columns),
        "cmap": dataclasses.asdict(roster.cmap),
        "dropped_rows": list(roster.dropped_rows),
        "sheets_used": list(roster.sheets_used),
        "text": roster.text,
        # the problems as the check worded them, in both languages (their
        # parameters are not all plain data): a resumed import step lists them again
        "problems": [{"level": p.level, "key": problem_key(p), "sheet": p.sheet, "row": p.row,
                      "column": p.column, "zh": p.message("zh"), "en": p.message("en")} for p in roster.problems],
    }
