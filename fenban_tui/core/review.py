"""Review and hand adjustment of a placement (复核).

A ``Review`` holds the classes as they are now, the students and classes the
operator locked, the students placed by hand, and the history of edits (undo and
redo).  Every edit is checked against the hard rules first:

* 绑定 partners move together (a move of one twin is refused; the whole group
  may be moved instead),
* no 互斥 partner and no student of the same name in the class moved to,
* a 预设班级 pin keeps its student in the pinned class,
* class sizes stay within one of each other,
* locked students and locked classes stay as they are.

A refused edit says why in plain words (message keys rendered by ``i18n.tr``).
The operator may override a hard-rule refusal (never a lock); the broken rule is
then listed by ``problems()`` until it is resolved.

``resolve()`` re-runs the solver from the current classes with every lock and
manual edit frozen, so it changes as few other students as it can.

No UI code here.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field

import numpy as np

from ..i18n import Bilingual, tr
from .model import PlacementModel
from .roster import RowList
from .stats import ClassStats, class_stats

SAME_NAME_PREFIX = "同名:"  # how model.hard.apart marks same-name groups
HISTORY_LIMIT = 500  # edits kept for undo (and in the session file)


@dataclass
class Reason:
    """Why an edit breaks a rule: a message key and its parameters."""

    key: str
    params: dict = field(default_factory=dict)
    hard: bool = True  # False: a lock (cannot be overridden)

    def text(self, lang: str | None = None) -> str:
        return tr(self.key, lang, **self.params)


@dataclass
class Change:
    """One recorded edit.  ``moves`` are (student, from class, to class); the
    set fields say which flags this edit turned on or off, so undo restores
    exactly the state before it."""

    kind: str  # move | swap | lock | unlock | lock_class | unlock_class | resolve
    moves: list[tuple[int, int, int]] = field(default_factory=list)
    locks_on: list[int] = field(default_factory=list)
    locks_off: list[int] = field(default_factory=list)
    class_on: list[int] = field(default_factory=list)
    class_off: list[int] = field(default_factory=list)
    edited_on: list[int] = field(default_factory=list)
    warning: list[str] = field(default_factory=list)  # rule keys overridden by this edit
    reference: list[int] | None = None  # resolve: the comparison base before it

    def to_dict(self) -> dict:
        d = asdict(self)
        d["moves"] = [list(m) for m in self.moves]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Change":
        c = cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})
        c.moves = [tuple(int(x) for x in m) for m in c.moves]
        return c


@dataclass
class Outcome:
    """What an edit did: ``ok`` (applied), or the reasons it was refused."""

    ok: bool
    reasons: list[Reason] = field(default_factory=list)
    change: Change | None = None
    group: list[int] = field(default_factory=list)  # the 绑定 group, when that is the reason

    @property
    def overridable(self) -> bool:
        return bool(self.reasons) and all(r.hard for r in self.reasons)


@dataclass
class Moved:
    student: int
    before: int
    after: int
    manual: bool  # placed by hand (else moved by a re-solve)


class Review:
    def __init__(self, model: PlacementModel, classes: np.ndarray,
                 original: np.ndarray | None = None, reference: np.ndarray | None = None) -> None:
        self.model = model
        self.classes = np.asarray(classes, dtype=np.int64).copy()
        self.original = self.classes.copy() if original is None else np.asarray(original, dtype=np.int64).copy()
        self.reference = self.original.copy() if reference is None else np.asarray(reference, dtype=np.int64).copy()
        self.locked: set[int] = set()
        self.locked_classes: set[int] = set()
        self.edited: set[int] = set()
        self.undo_stack: list[Change] = []
        self.redo_stack: list[Change] = []
        self.together_of: dict[int, list[int]] = {}
        for _, members in model.hard.together:
            for s in members:
                self.together_of.setdefault(s, [])
                self.together_of[s] = sorted(set(self.together_of[s]) | set(members))
        self.apart_of: dict[int, list[tuple[str, list[int]]]] = {}
        for code, members in model.hard.apart:
            for s in members:
                self.apart_of.setdefault(s, []).append((code, members))

    # ------------------------------------------------------------------ naming

    def who(self, i: int) -> Bilingual:
        """A student as the rest of the app names one: by roster row, then name
        (第 12 行（张三） / row 12 (张三); rows of combined sheets with their sheet)."""
        name = self.model.names[i] if i < len(self.model.names) else str(i)
        row = self.model.row_numbers[i] if i < len(self.model.row_numbers) else i + 1
        return Bilingual.of("review_student", row=RowList([row]), name=name)

    def whos(self, students: list[int]) -> Bilingual:
        """Several students, one list: 第 3 行（甲）、第 4 行（乙） / row 3 (甲), row 4 (乙)."""
        return Bilingual.join([self.who(i) for i in students])

    def label(self, c: int) -> str:
        return self.model.labels[c]

    def sizes(self, classes: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(self.classes if classes is None else classes, minlength=self.model.k)

    def members(self, c: int) -> list[int]:
        return np.flatnonzero(self.classes == c).tolist()

    def is_locked(self, i: int) -> bool:
        return i in self.locked or int(self.classes[i]) in self.locked_classes

    # ------------------------------------------------------------------ checks

    def why_locked(self, student: int) -> list[Reason]:
        """Why ``student`` may not be moved or swapped by hand: locked, or in a
        locked class ([] when neither)."""
        return self._lock_reasons([int(student)], [])

    def _lock_reasons(self, students: list[int], targets: list[int]) -> list[Reason]:
        out = []
        for s in students:
            if s in self.locked:
                out.append(Reason("review_locked", {"who": self.who(s)}, hard=False))
            elif int(self.classes[s]) in self.locked_classes:
                out.append(Reason("review_class_locked", {"cls": self.label(int(self.classes[s]))}, hard=False))
        for c in sorted(set(targets)):
            if c in self.locked_classes:
                out.append(Reason("review_class_locked", {"cls": self.label(c)}, hard=False))
        return _unique(out)

    def _rule_reasons(self, placed: dict[int, int]) -> list[Reason]:
        """Hard rules broken by putting each student of ``placed`` in its class
        (everyone else where they are)."""
        after = self.classes.copy()
        for s, c in placed.items():
            after[s] = c
        out: list[Reason] = []
        for s, c in placed.items():
            for p in self.together_of.get(s, []):
                if after[p] != c:
                    group = self.together_of[s]
                    out.append(Reason("review_together", {"who": self.who(s), "partner": self.who(p),
                                                          "n": len(group)}))
                    break
            for code, members in self.apart_of.get(s, []):
                for p in members:
                    if p != s and after[p] == c:
                        key = "review_same_name" if code.startswith(SAME_NAME_PREFIX) else "review_apart"
                        out.append(Reason(key, {"who": self.who(s), "partner": self.who(p), "cls": self.label(c)}))
            pin = self.model.hard.pins.get(s)
            if pin is not None and pin != c:
                out.append(Reason("review_pin", {"who": self.who(s), "cls": self.label(pin)}))
        sizes = self.sizes(after)
        if sizes.max() - sizes.min() > 1 and sizes.max() - sizes.min() > np.ptp(self.sizes()):
            big, small = int(np.argmax(sizes)), int(np.argmin(sizes))
            out.append(Reason("review_size", {"big": self.label(big), "nb": int(sizes[big]),
                                              "small": self.label(small), "ns": int(sizes[small])}))
        return _unique(out)

    def problems(self) -> list[Reason]:
        """Every hard rule the current classes break (after overrides), in words."""
        cls = self.classes
        out: list[Reason] = []
        seen: set[int] = set()
        for code, members in self.model.hard.together:
            if len({int(cls[i]) for i in members}) > 1:
                out.append(Reason("review_together_broken", {"who": self.whos(members)}))
        for code, members in self.model.hard.apart:
            by: dict[int, list[int]] = {}
            for i in members:
                by.setdefault(int(cls[i]), []).append(i)
            for c, ms in by.items():
                if len(ms) > 1 and not seen.issuperset(ms):
                    seen.update(ms)
                    key = "review_same_name_broken" if code.startswith(SAME_NAME_PREFIX) else "review_apart_broken"
                    out.append(Reason(key, {"who": self.whos(ms), "cls": self.label(c)}))
        for i, c in self.model.hard.pins.items():
            if int(cls[i]) != c:
                out.append(Reason("review_pin_broken", {"who": self.who(i), "cls": self.label(c)}))
        sizes = self.sizes()
        if sizes.max() - sizes.min() > 1:
            big, small = int(np.argmax(sizes)), int(np.argmin(sizes))
            out.append(Reason("review_size_broken", {"big": self.label(big), "nb": int(sizes[big]),
                                                     "small": self.label(small), "ns": int(sizes[small])}))
        for d in self.model.minimums:  # 每班至少: a demand a hand edit left unmet
            got = np.bincount(cls[self.model.categories[d.feature].codes == d.code], minlength=self.model.k)
            short = [self.label(c) for c in range(self.model.k) if got[c] < d.count]
            if short:
                out.append(Reason("review_at_least_broken", {"count": d.count, "what": d.what,
                                                             "classes": Bilingual.join(short)}))
        return out

    def check_move(self, students: list[int], to: int) -> list[Reason]:
        return self._lock_reasons(students, [to]) + self._rule_reasons({s: to for s in students})

    # ------------------------------------------------------------------ edits

    def move(self, student: int, to: int, override: bool = False, group: bool = False) -> Outcome:
        """Move ``student`` (with its whole 绑定 group when ``group``) to class ``to``."""
        student, to = int(student), int(to)
        if not 0 <= to < self.model.k:
            return Outcome(False, [Reason("review_no_class", {"cls": to + 1}, hard=False)])
        students = self.together_of.get(student, [student]) if group else [student]
        students = [s for s in students if int(self.classes[s]) != to]
        if not students:
            return Outcome(False, [Reason("review_same_class", {"who": self.who(student), "cls": self.label(to)},
                                          hard=False)])
        reasons = self.check_move(students, to)
        grp = self.together_of.get(student, []) if any(r.key == "review_together" for r in reasons) else []
        if reasons and not (override and all(r.hard for r in reasons)):
            return Outcome(False, reasons, group=grp)
        change = Change("move", moves=[(s, int(self.classes[s]), to) for s in students],
                        edited_on=[s for s in students if s not in self.edited],
                        warning=[r.text() for r in reasons])
        self._do(change)
        return Outcome(True, reasons, change, grp)

    def swap(self, a: int, b: int, override: bool = False) -> Outcome:
        a, b = int(a), int(b)
        ca, cb = int(self.classes[a]), int(self.classes[b])
        if a == b or ca == cb:
            return Outcome(False, [Reason("review_swap_same", {"a": self.who(a), "b": self.who(b)}, hard=False)])
        reasons = self._lock_reasons([a, b], []) + self._rule_reasons({a: cb, b: ca})
        if reasons and not (override and all(r.hard for r in reasons)):
            return Outcome(False, reasons)
        change = Change("swap", moves=[(a, ca, cb), (b, cb, ca)],
                        edited_on=[s for s in (a, b) if s not in self.edited],
                        warning=[r.text() for r in reasons])
        self._do(change)
        return Outcome(True, reasons, change)

    def toggle_lock(self, student: int) -> Change:
        s = int(student)
        change = Change("unlock", locks_off=[s]) if s in self.locked else Change("lock", locks_on=[s])
        self._do(change)
        return change

    def toggle_class_lock(self, c: int) -> Change:
        c = int(c)
        change = Change("unlock_class", class_off=[c]) if c in self.locked_classes else Change("lock_class",
                                                                                               class_on=[c])
        self._do(change)
        return change

    def frozen(self) -> np.ndarray:
        """Students a re-solve must leave where they are: locked, in a locked
        class, placed by hand, or held by 绑定 / 预设班级."""
        fz = np.zeros(self.model.n, dtype=bool)
        for s in self.locked | self.edited | set(self.together_of) | set(self.model.hard.pins):
            fz[s] = True
        if self.locked_classes:
            fz |= np.isin(self.classes, sorted(self.locked_classes))
        return fz

    def resolve(self, progress=None, cancel: threading.Event | None = None) -> Change:
        """Re-run the solver from the current classes, every lock and manual edit
        kept; records (and returns) the change, which undo reverses."""
        return self.apply_resolve(self.resolve_classes(progress, cancel))

    def resolve_classes(self, progress=None, cancel: threading.Event | None = None) -> np.ndarray:
        """The re-solved classes, without applying them (safe in a worker thread
        while nothing else edits this review)."""
        from .solver import solve

        frozen = self.frozen()
        touched = self.touched_classes()
        if touched:
            # only the classes the edits changed are rearranged: everyone else stays
            frozen = frozen | ~np.isin(self.classes, sorted(touched))
        result = solve(self.model, progress=progress, cancel=cancel, start=self.classes.copy(), frozen=frozen)
        return np.asarray(result.classes, dtype=np.int64)

    def touched_classes(self) -> set[int]:
        """Classes that gained or lost a student since the last result (the
        solver's, or the last re-solve): a re-solve rearranges only these."""
        moved = np.flatnonzero(self.reference != self.classes)
        return {int(c) for c in self.reference[moved]} | {int(c) for c in self.classes[moved]}

    def apply_resolve(self, new: np.ndarray) -> Change:
        moved = np.flatnonzero(new != self.classes)
        change = Change("resolve", moves=[(int(s), int(self.classes[s]), int(new[s])) for s in moved],
                        reference=self.reference.tolist())
        self.reference = self.classes.copy()
        self._do(change)
        return change

    def _do(self, change: Change) -> None:
        self._apply(change, forward=True)
        self.undo_stack.append(change)
        del self.undo_stack[:-HISTORY_LIMIT]
        self.redo_stack.clear()

    def _apply(self, ch: Change, forward: bool) -> None:
        for s, a, b in ch.moves:
            self.classes[s] = b if forward else a
        on, off = (ch.locks_on, ch.locks_off) if forward else (ch.locks_off, ch.locks_on)
        self.locked |= set(on)
        self.locked -= set(off)
        on, off = (ch.class_on, ch.class_off) if forward else (ch.class_off, ch.class_on)
        self.locked_classes |= set(on)
        self.locked_classes -= set(off)
        if forward:
            self.edited |= set(ch.edited_on)
        else:
            self.edited -= set(ch.edited_on)
        if ch.kind == "resolve":
            if forward:
                self.reference = self.classes.copy()
                for s, a, _ in ch.moves:
                    self.reference[s] = a
            elif ch.reference is not None:
                self.reference = np.asarray(ch.reference, dtype=np.int64)

    def undo(self) -> Change | None:
        return self._replay(self.undo_stack, self.redo_stack, forward=False)

    def redo(self) -> Change | None:
        return self._replay(self.redo_stack, self.undo_stack, forward=True)

    def _replay(self, source: list[Change], target: list[Change], forward: bool) -> Change | None:
        if not source:
            return None
        ch = source.pop()
        self._apply(ch, forward=forward)
        target.append(ch)
        return ch

    # ------------------------------------------------------------------ views

    def stats(self) -> list[ClassStats]:
        return class_stats(self.model, self.classes)

    def diff(self, before: np.ndarray | None = None) -> list[Moved]:
        """Who is in another class than in ``before`` (default: the previous
        result, i.e. the classes before the last re-solve), ordered by class."""
        base = self.reference if before is None else np.asarray(before)
        moved = np.flatnonzero(base != self.classes)
        out = [Moved(int(s), int(base[s]), int(self.classes[s]), int(s) in self.edited) for s in moved]
        out.sort(key=lambda m: (m.before, m.after, m.student))
        return out

    # ------------------------------------------------------------------ saving

    def to_dict(self) -> dict:
        return {
            "classes": self.classes.tolist(),
            "original": self.original.tolist(),
            "reference": self.reference.tolist(),
            "locked": sorted(self.locked),
            "locked_classes": sorted(self.locked_classes),
            "edited": sorted(self.edited),
            "undo": [c.to_dict() for c in self.undo_stack],
            "redo": [c.to_dict() for c in self.redo_stack],
        }

    @classmethod
    def from_dict(cls, model: PlacementModel, d: dict) -> "Review":
        classes = np.asarray(d["classes"], dtype=np.int64)
        if len(classes) != model.n or (len(classes) and (classes.min() < 0 or classes.max() >= model.k)):
            raise ValueError("saved classes do not fit the roster")
        r = cls(model, classes, np.asarray(d.get("original", classes)), np.asarray(d.get("reference", classes)))
        r.locked = {int(x) for x in d.get("locked", [])}
        r.locked_classes = {int(x) for x in d.get("locked_classes", [])}
        r.edited = {int(x) for x in d.get("edited", [])}
        r.undo_stack = [Change.from_dict(c) for c in d.get("undo", [])]
        r.redo_stack = [Change.from_dict(c) for c in d.get("redo", [])]
        return r


def _unique(reasons: list[Reason]) -> list[Reason]:
    seen, out = set(), []
    for r in reasons:
        key = (r.key, tuple(sorted(r.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
