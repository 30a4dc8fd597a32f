"""Step 4 复核: the classes' figures, each class's students, hand edits.

Views (one shown at a time, in the body):

* classes: a row per class (size, 男/女, mean±SD of every score; ``c`` switches
  to counts per school and per category value); the figure furthest from even
  in each column is drawn reversed and marked ▲/▼.
* students: the students of one class (Enter on a class), sortable (``o``);
  ``m`` moves one, ``s`` marks one and swaps with a second, ``l`` locks one.
* changes: who moved against the previous result (``d``; ``o`` compares with
  the solver's first result instead).
* chart: each class's mean minus the grade's, a bar left or right of a centre
  line, in one subject (``b``; ←/→ another subject).

``/`` (or ctrl+f) finds a student by part of the name or an ID (the rule
editor's matching, ``core.search``) and opens the student's class with the
cursor on the student, ready for ``m``/``s``/``l``.

Every edit goes through ``core.review.Review`` (checked against the hard rules;
a refusal says why, and the operator may override it: it stays listed as a
warning).  ``r`` re-solves in a thread worker, keeping every lock and edit.
The app saves the session after every edit.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from functools import partial

import numpy as np
from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, DataTable, Footer, Static
from textual.worker import Worker

from ...core.lottery import pinyin_key
from ...core.review import Outcome, Review
from ...core.search import StudentFinder
from ...core.stats import date_text
from ...i18n import FenbanError
from .base import StepScreen, localize_bindings
from .dialogs import FindStudent, SheetScreen
from .solve_step import solver_finished

HIGHLIGHT = "bold reverse"  # visible in 16 colours and with NO_COLOR
CHART_HALF = 20  # cells each side of the chart's centre line (fewer for long class names)
CHART_FLOOR_POINTS = 1.0  # a full half-bar stands for at least one point …
CHART_FLOOR_DAYS = 10.0  # … or ten days of birth dates
SORTS = ("name", "score", "school")


def worst_index(values: list[float | None], target: float | list[float]) -> tuple[int | None, int]:
    """The entry furthest from ``target`` (one value, or one per entry), and the
    side (+1 above, -1 below); None when every entry is on target."""
    best, side, dev = None, 0, 1e-9
    for i, v in enumerate(values):
        if v is None:
            continue
        goal = target[i] if isinstance(target, list) else target
        d = abs(v - goal)
        if d > dev:
            best, side, dev = i, (1 if v > goal else -1), d
    return best, side


def marked(text: str, hit: bool, side: int) -> Text:
    if not hit:
        return Text(text)
    return Text(text + ("▲" if side > 0 else "▼"), style=HIGHLIGHT)


class ViewMixin:
    """A view's keys: bound on the view widget (so the Footer shows the keys of
    the view in front, and 80 columns hold them), acted on by the screen."""

    def localize(self, lang: str) -> None:
        localize_bindings(self, lang)  # type: ignore[arg-type]


class ClassTable(ViewMixin, DataTable):
    BINDINGS = [
        Binding("enter", "screen.open", "key_open"),
        Binding("L", "screen.lock_class", "key_lock_class"),
        Binding("r", "screen.resolve", "key_resolve"),
        Binding("d", "screen.changes", "key_changes"),
        Binding("slash", "screen.find", "key_find", key_display="/"),
        Binding("c", "screen.counts", "key_counts", show=False),
        Binding("b", "screen.chart", "key_chart", show=False),
    ]


class StudentTable(ViewMixin, DataTable):
    BINDINGS = [
        Binding("m", "screen.move", "key_move"),
        Binding("s", "screen.swap", "key_swap"),
        Binding("l", "screen.lock", "key_lock"),
        Binding("escape", "screen.back", "key_back"),
        Binding("L", "screen.lock_class", "key_lock_class", show=False),
        Binding("o", "screen.order", "key_order", show=False),
        Binding("r", "screen.resolve", "key_resolve", show=False),
        Binding("d", "screen.changes", "key_changes", show=False),
    ]


class ChangeTable(ViewMixin, DataTable):
    BINDINGS = [
        Binding("escape", "screen.back", "key_back"),
        Binding("o", "screen.order", "key_compare"),
    ]


class Chart(ViewMixin, VerticalScroll):
    BINDINGS = [
        Binding("escape", "screen.back", "key_back"),
        Binding("b,right", "screen.chart_step(1)", "key_subject_next"),
        Binding("left", "screen.chart_step(-1)", "key_subject_prev", show=False),
    ]


class ReviewScreen(StepScreen):
    STEP = 3
    BINDINGS = [
        Binding("ctrl+z", "undo", "key_undo", show=False),  # in the tables' borders, with ctrl+y
        Binding("ctrl+y", "redo", "key_redo", show=False),
        # every view: / finds a student (the classes view shows it in the Footer,
        # the students view in its border); ctrl+f too, past an input method
        Binding("slash,ctrl+f", "find", "key_find", key_display="/", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "classes"
        self.open_class = 0
        self.counts = False  # classes view: counts per value instead of means
        self.sort = "name"
        self.mark: int | None = None  # the first student of a swap
        self.against_original = False
        self.chart_feature = 0
        self.running = False
        self._cancel: threading.Event | None = None
        self._gen = 0
        self._rows: list[int] = []  # students view: student index per table row
        self._message: Text | None = None  # the last edit's outcome
        self._finder: tuple[object, StudentFinder] | None = None  # (roster, its finder)
        self._cursor_to: int | None = None  # students view: the student the cursor goes to next

    @property
    def review(self) -> Review | None:
        return self.fenban.review

    def compose_body(self) -> ComposeResult:
        yield Static("", id="review-status", classes="status")
        with ContentSwitcher(initial="review-classes", id="review-views"):
            # the class (or name) column stays in view when scrolling right
            yield ClassTable(id="review-classes", cursor_type="row", zebra_stripes=True, fixed_columns=1)
            yield StudentTable(id="review-students", cursor_type="row", zebra_stripes=True, fixed_columns=2)
            yield ChangeTable(id="review-changes", cursor_type="row", zebra_stripes=True)
            with Chart(id="review-chart"):
                yield Static("", id="chart")

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        for kind in (ClassTable, StudentTable, ChangeTable, Chart):
            self.query_one(kind).localize(self.lang)
        if self.lang == "en":
            # 80 columns: the English Footer has no room for "/ Find" (F1 Help would
            # go); the table's border lists it instead (review_classes_keys)
            classes = self.query_one(ClassTable)._bindings.key_to_bindings
            classes["slash"] = [replace(b, show=False) for b in classes["slash"]]
        self.query_one("#review-classes").border_subtitle = self.t("review_classes_keys")
        self._footer_palette()
        self.query_one("#review-students").border_subtitle = self.t("review_students_keys")

    # ------------------------------------------------------------------ entering

    def entered(self) -> None:
        app = self.fenban
        if app.placement is None:
            return
        if app.review is None or app.review.model is not app.placement.model:
            app.start_review()
            self.view, self.mark = "classes", None
            self._message = None
        self.show()
        app.save_session()

    def check_next(self) -> str | None:
        if self.running:
            return self.t("review_busy")
        if self.fenban.placement is None:
            return self.t("solve_need")
        return None

    def leaving(self) -> None:
        if self.running and self._cancel is not None:
            self._cancel.set()
        self._message = None  # what the last edit did is news only here and now

    # ------------------------------------------------------------------ keys

    EDITS = {"move", "swap", "lock", "lock_class", "resolve", "undo", "redo", "open", "order", "counts",
             "chart", "chart_step", "changes", "find"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in self.EDITS:
            return True
        if self.review is None:
            return False
        if self.running:
            return None  # shown, greyed, while re-solving
        if action == "undo":
            return True if self.review.undo_stack else False
        if action == "redo":
            return True if self.review.redo_stack else False
        return True

    def action_open(self) -> None:
        if self.view == "classes":
            table = self.query_one("#review-classes", DataTable)
            if table.row_count:
                self.open_class = table.cursor_row
                self.switch("students")

    def action_back(self) -> None:
        if self.running and self._cancel is not None:
            self._cancel.set()
            return
        if self.view != "classes":
            self.switch("classes")

    def action_counts(self) -> None:
        self.counts = not self.counts
        self.show()

    def action_chart(self) -> None:
        if self.view == "chart":
            self.action_chart_step(1)
        else:
            self.switch("chart")

    def action_chart_step(self, step: int) -> None:
        if self.view == "chart" and self.review is not None and self.review.model.numeric:
            self.chart_feature = (self.chart_feature + step) % len(self.review.model.numeric)
            self.show()

    def action_order(self) -> None:
        if self.view == "changes":
            self.against_original = not self.against_original
        else:
            self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.show()

    def action_changes(self) -> None:
        self.against_original = False
        self.switch("changes")

    def switch(self, view: str) -> None:
        self.view = view
        self.query_one("#review-views", ContentSwitcher).current = {
            "classes": "review-classes", "students": "review-students",
            "changes": "review-changes", "chart": "review-chart"}[view]
        self.show()
        if view == "classes":
            table = self.query_one("#review-classes", DataTable)
            table.move_cursor(row=self.open_class)
        self._footer_palette()
        self.refresh_bindings()

    def _footer_palette(self) -> None:
        """80 columns: the English classes view's Footer has no room for
        "^k Commands" beside "^q Quit" (it would cut it): its border lists ctrl+k."""
        self.query_one(Footer).show_command_palette = not (self.lang == "en" and self.view == "classes")

    # ------------------------------------------------------------------ find

    def finder(self) -> StudentFinder:
        """The roster's students, ready to be searched (made once per roster)."""
        roster = self.fenban.placement.roster
        if self._finder is None or self._finder[0] is not roster:
            self._finder = (roster, StudentFinder.of_roster(roster))
        return self._finder[1]

    def action_find(self) -> None:
        if self.review is None or self.fenban.placement is None:
            return
        finder = self.finder()
        rv = self.review
        roster = self.fenban.placement.roster
        school_col = roster.cmap.school
        schools = roster.table[school_col].to_list() if school_col else None

        label_width = max(cell_len(label) for label in rv.model.labels) + 1 + cell_len(self.t("mark_locked"))
        key_width = min(20, max((cell_len(k) for k in finder.keys), default=0))

        def pad(text: str, width: int) -> str:
            return text + " " * max(0, width - cell_len(text))

        def describe(i: int) -> str:
            """name, ID, class (locked?), school: in columns, as the list is read"""
            cls = rv.label(int(rv.classes[i])) + (" " + self.t("mark_locked") if rv.is_locked(i) else "")
            line = f"{pad(finder.names[i], 8)}  {pad(finder.keys[i], key_width)}  {pad(cls, label_width)}"
            return line + (f"  {schools[i]}" if schools and schools[i] else "")

        self.app.push_screen(FindStudent(finder, describe, self.lang), self._found)

    def _found(self, student: int | None) -> None:
        """Open the student's class with the cursor on the student."""
        rv = self.review
        if student is None or rv is None:
            return
        c = int(rv.classes[student])
        self.open_class = c
        table = self.query_one("#review-students", DataTable)
        if self.view == "students":
            self.show()
        else:
            self.switch("students")
        if student in self._rows:
            table.move_cursor(row=self._rows.index(student))
        if self.mark is not None and self.mark != student:
            self._message = Text(self.t("review_found_mark", who=self.who(student), cls=rv.label(c),
                                        marked=self.who(self.mark)), style="bold")
        else:
            self._message = Text(self.t("review_found", who=self.who(student), cls=rv.label(c)), style="bold")
        self._status()

    # ------------------------------------------------------------------ edits

    def who(self, i: int) -> str:
        """A student as the app names one elsewhere, and as the review's own
        refusals and warnings do: roster row, then name (第 352 行（孙轩） /
        row 352 (孙轩)), not a bare number that could be anything."""
        return self.review.who(i).render(self.lang)

    def current_student(self) -> int | None:
        if self.view != "students":
            return None
        table = self.query_one("#review-students", DataTable)
        if not self._rows or table.cursor_row < 0 or table.cursor_row >= len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def action_move(self) -> None:
        s = self.current_student()
        if s is None or self.review is None:
            return
        rv = self.review
        if rv.is_locked(s):
            # a locked student (or one in a locked class) cannot be moved: said at
            # once, not after a class is chosen
            self._refuse_locked(s)
            return
        sizes = rv.sizes()
        here = int(rv.classes[s])
        choices = [(str(c), self.t("review_class_choice", cls=rv.label(c), n=int(sizes[c])))
                   for c in range(rv.model.k) if c != here]
        self.app.push_screen(
            SheetScreen(self.t("review_move_ask", who=self.who(s), cls=rv.label(here)), choices, "", self.lang,
                        title=self.t("key_move")),
            partial(self._move_to, s))

    def _refuse_locked(self, s: int) -> None:
        """Say why the locked student ``s`` (or a student of a locked class) may not be moved or swapped."""
        reasons = self.review.why_locked(s)
        self._message = Text(self.t("review_refused", why=self._reasons(Outcome(False, reasons))), style="bold")
        self.show()

    def _move_to(self, s: int, value: str | None) -> None:
        if value is None or self.review is None:
            return
        to = int(value)
        self._after(self.review.move(s, to), retry=lambda how: self._retry_move(s, to, how))

    def _retry_move(self, s: int, to: int, how: str) -> None:
        if self.review is not None:
            self._after(self.review.move(s, to, override=how == "force", group=how == "group"),
                        retry=lambda h: self._retry_move(s, to, h) if h == "force" else None)

    def action_swap(self) -> None:
        s = self.current_student()
        if s is None or self.review is None:
            return
        rv = self.review
        if self.mark is None and rv.is_locked(s):
            # a locked student (or one in a locked class) cannot be swapped: said at
            # the first s, not after the second student is chosen
            self._refuse_locked(s)
            return
        if self.mark is None or self.mark == s:
            self.mark = None if self.mark == s else s
            self._message = Text(self.t("review_marked", who=self.who(s), cls=rv.label(int(rv.classes[s])))
                                 if self.mark is not None else "")
            self.show()
            return
        a, self.mark = self.mark, None
        self._after(rv.swap(a, s), retry=lambda how: self._after(rv.swap(a, s, override=True)))

    def _after(self, outcome: Outcome, retry=None) -> None:
        """Show what an edit did; a refusal that may be overridden asks first."""
        rv = self.review
        if outcome.ok:
            self.mark = None
            moves = outcome.change.moves
            # who went where, by name: "张三 → 3班、李四 → 1班"
            where = "、".join(f"{self.who(s)} → {rv.label(to)}" for s, _, to in moves[:4])
            if len(moves) > 4:
                where += " …"
            text = Text(self.t("review_done_" + outcome.change.kind, n=len(moves), where=where), style="bold")
            if outcome.reasons:
                text.append("\n" + self.t("review_overridden", why=self._reasons(outcome)), style="bold")
            self._message = text
            if self.view == "students":
                # the cursor on the student who just arrived in the class shown (the
                # one swapped in), so l locks them, not whoever took the row
                arrived = [st for st, _, to in moves if to == self.open_class]
                if arrived:
                    self._cursor_to = arrived[0]
            self.edited()
            return
        why = self._reasons(outcome)
        self._message = Text(self.t("review_refused", why=why), style="bold")
        self.show()
        if retry is None or rv is None or not outcome.overridable:
            return
        choices = []
        if outcome.group:
            choices.append(("group", self.t("review_move_group", n=len(outcome.group))))
        choices.append(("force", self.t("review_force")))
        choices.append(("cancel", self.t("review_keep")))
        self.app.push_screen(SheetScreen(self.t("review_refused", why=why), choices, "cancel", self.lang,
                                         title=self.t("review_rule_title")),
                             lambda how: retry(how) if how in ("group", "force") else self._kept_as_is())

    def _kept_as_is(self) -> None:
        """The operator chose not to make a refused edit: say nothing changed."""
        self._message = Text(self.t("review_kept_as_is"), style="bold")
        self.show()

    def _reasons(self, outcome: Outcome) -> str:
        sep = "; " if self.lang == "en" else "；"
        return sep.join(r.text(self.lang) for r in outcome.reasons)

    def action_lock(self) -> None:
        s = self.current_student()
        if s is not None and self.review is not None:
            ch = self.review.toggle_lock(s)
            self._message = Text(self.t("review_done_" + ch.kind, who=self.who(s)), style="bold")
            self.edited()

    def action_lock_class(self) -> None:
        if self.review is None:
            return
        c = self.open_class if self.view == "students" else self.query_one("#review-classes", DataTable).cursor_row
        if c < 0:
            return
        ch = self.review.toggle_class_lock(c)
        self._message = Text(self.t("review_done_" + ch.kind, cls=self.review.label(c)), style="bold")
        self.edited()

    def action_undo(self) -> None:
        self._history(self.review.undo() if self.review else None, "review_undone")

    def action_redo(self) -> None:
        self._history(self.review.redo() if self.review else None, "review_redone")

    def _history(self, change, key: str) -> None:
        if change is None:
            return
        self.mark = None
        self._message = Text(self.t(key, what=self.t("review_kind_" + change.kind)), style="bold")
        self.edited()

    def edited(self) -> None:
        """After every edit: the placement follows, the figures are redrawn, the session is saved."""
        self.fenban.review_changed()
        self.show()
        self.refresh_bindings()

    # ------------------------------------------------------------------ re-solve

    def action_resolve(self) -> None:
        rv = self.review
        if rv is None or self.running:
            return
        self._gen += 1
        self._cancel = threading.Event()
        self.fenban.solve_cancel = self._cancel
        self.running = True
        self.mark = None
        self._message = Text(self.t("review_resolving", n=int(rv.frozen().sum())), style="bold")
        self.show()
        self.refresh_bindings()
        self.run_worker(partial(self._resolve, self._gen, rv, self._cancel), thread=True, exclusive=True,
                        group="resolve", exit_on_error=False)

    def _resolve(self, gen: int, rv: Review, cancel: threading.Event):
        """Runs in a worker thread; never raises."""
        try:
            return gen, "ok", rv.resolve_classes(cancel=cancel)
        except FenbanError as exc:
            return gen, "error", exc.text(self.lang)
        except Exception as exc:  # a message, never a traceback
            name = type(exc).__name__
            return gen, ("cancelled" if name == "Cancelled" else "error"), str(exc) or name

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        done = solver_finished(self, event, "resolve")
        if done is None:
            return
        kind, value = done
        rv = self.review
        if kind == "ok" and rv is not None:
            change = rv.apply_resolve(value)
            self._message = Text(self.t("review_done_resolve", n=len(change.moves)), style="bold")
            self.edited()
            return
        self._message = Text(self.t("review_resolve_cancelled") if kind == "cancelled"
                             else self.t("solve_failed", reason=value), style="bold")
        self.show()
        self.refresh_bindings()

    # ------------------------------------------------------------------ display

    def show(self) -> None:
        rv = self.review
        if rv is None:
            return
        self._status()
        if self.view == "classes":
            self._fill_classes()
        elif self.view == "students":
            self._fill_students()
        elif self.view == "changes":
            self._fill_changes()
        else:
            self._fill_chart()
        current = {"classes": "#review-classes", "students": "#review-students",
                   "changes": "#review-changes", "chart": "#review-chart"}[self.view]
        if self.is_current:
            self.query_one(current).focus()

    def _status(self) -> None:
        rv = self.review
        status = self.query_one("#review-status", Static)
        text = Text()
        problems = rv.problems()
        head = self.t("review_head", k=rv.model.k, n=rv.model.n, edited=len(rv.edited),
                      locked=len(rv.locked), classes=len(rv.locked_classes))
        text.append(head)
        if self._message is not None and self._message.plain:
            text.append("\n")
            text.append_text(self._message)
        if problems:
            sep = "; " if self.lang == "en" else "；"
            text.append("\n" + self.t("review_warning", items=sep.join(p.text(self.lang) for p in problems[:3])),
                        style="bold")
        status.set_classes("status error" if problems else "status")
        status.update(text)

    def _fill_classes(self) -> None:
        rv = self.review
        table = self.query_one("#review-classes", DataTable)
        row = max(0, table.cursor_row)
        table.clear(columns=True)
        stats = rv.stats()
        m = rv.model
        sizes = [s.size for s in stats]
        cols: list[str] = [self.t("col_class"), self.t("col_size")]
        cells: list[list[Text]] = [[Text(s.label + (" " + self.t("mark_locked") if c in rv.locked_classes else "")),
                                    Text(str(s.size))] for c, s in enumerate(stats)]
        self._mark_last(cells, [float(v) for v in sizes], m.n / m.k)
        if not self.counts:
            gender = next((f for f in m.categories if f.kind == "gender"), None)
            if gender is not None:
                cols.append(self.t("col_mf"))
                boys_total = int(np.sum(gender.codes == gender.labels.index("M"))) if "M" in gender.labels else 0
                shares = [sz * boys_total / m.n for sz in sizes]
                texts = [f"{s.boys}/{s.girls}" for s in stats]
                i, side = worst_index([float(s.boys) for s in stats], shares)
                i = None if len(set(texts)) < 2 else i  # a mark points at a difference shown
                for c, txt in enumerate(texts):
                    cells[c].append(marked(txt, c == i, side))
            for f in m.numeric:
                cols.append(f.name if f.kind != "birth" else self.t("col_birth"))
                means = [s.means[f.name] for s in stats]
                sds = [s.sds[f.name] for s in stats]
                grand = float(np.nanmean(f.values)) if np.any(~np.isnan(f.values)) else 0.0
                # the means as shown (a day, or two decimals): the mark goes to the one
                # shown furthest from even, and to none when every class shows the same
                shown = [None if v is None else float(round(v)) if f.kind == "birth" else round(v, 2)
                         for v in means]
                i, side = worst_index(shown, grand)
                if len({v for v in shown if v is not None}) < 2:
                    i = None
                for c in range(len(stats)):
                    mean, sd = shown[c], sds[c]
                    if mean is None:
                        txt = "-"
                    elif f.kind == "birth":
                        txt = date_text(mean)
                    else:
                        txt = f"{mean:.2f}" + (f"±{sd:.1f}" if sd is not None else "")
                    cells[c].append(marked(txt, c == i, side))
        else:
            for f in m.categories:
                if f.kind == "gender":
                    continue
                totals = np.bincount(f.codes, minlength=len(f.labels))
                for v, lab in enumerate(f.labels):
                    if totals[v] == 0:
                        continue
                    cols.append(lab if f.kind != "boarding" else f"{f.name}:{lab}")
                    counts = [float(s.counts[f.name].get(lab, 0)) for s in stats]
                    shares = [sz * totals[v] / m.n for sz in sizes]
                    i, side = worst_index(counts, shares)
                    if i is not None and (abs(counts[i] - shares[i]) < 0.75 or len(set(counts)) < 2):
                        i = None  # within one student of its share, or every class the same: even
                    for c in range(len(stats)):
                        cells[c].append(marked(str(int(counts[c])), c == i, side))
        table.add_columns(*cols)
        table.add_rows(cells)
        table.border_title = self.t("review_counts_title" if self.counts else self._classes_title())
        table.move_cursor(row=min(row, table.row_count - 1))

    def _classes_title(self) -> str:
        """The classes view's title, for what its columns show: means ±SD of the
        scores; else the mean birth date; else sizes and boys/girls only."""
        numeric = self.review.model.numeric
        if any(f.kind != "birth" for f in numeric):
            return "review_classes_title"
        if numeric:
            return "review_classes_title_birth"
        return "review_classes_title_sizes"

    @staticmethod
    def _mark_last(cells: list[list[Text]], values: list[float], target: float) -> None:
        """Re-mark the last cell of each row when its value is the furthest from ``target``."""
        i, side = worst_index(values, target)
        if i is not None and abs(values[i] - target) >= 1:
            cells[i][-1] = marked(cells[i][-1].plain, True, side)

    def _fill_students(self) -> None:
        rv = self.review
        m = rv.model
        roster = self.fenban.placement.roster
        table = self.query_one("#review-students", DataTable)
        row = max(0, table.cursor_row)
        keep = self._rows[row] if self._rows and row < len(self._rows) else None
        if self._cursor_to is not None:
            keep, self._cursor_to = self._cursor_to, None
        table.clear(columns=True)
        members = rv.members(self.open_class)
        school_col = roster.cmap.school
        schools = roster.table[school_col].to_list() if school_col else [""] * m.n
        genders = roster.values["_gender"].to_list() if "_gender" in roster.values.columns else [None] * m.n
        total = next((f for f in m.numeric if f.kind == "total"), m.numeric[0] if m.numeric else None)
        if self.sort == "score" and total is not None:
            members.sort(key=lambda s: (np.isnan(total.values[s]), -np.nan_to_num(total.values[s]), s))
        elif self.sort == "school":
            members.sort(key=lambda s: (schools[s] or "", pinyin_key(m.names[s]), s))
        else:  # by name as a class list is read: pinyin order
            members.sort(key=lambda s: (pinyin_key(m.names[s]), s))
        self._rows = members
        rules_of = self._rule_marks()
        cols = [self.t("col_mark"), self.t("col_name"), self.t("col_gender")]
        if school_col:
            cols.append(school_col)
        cols += [f.name for f in m.numeric if f.kind != "birth"]
        cols.append(self.t("col_rules"))
        table.add_columns(*cols)
        gender_text = {"M": self.t("gender_m"), "F": self.t("gender_f")}
        for s in members:
            marks = []
            if s == self.mark:
                marks.append(self.t("mark_swap"))
            if rv.is_locked(s):
                marks.append(self.t("mark_locked"))
            if s in rv.edited:
                marks.append(self.t("mark_edited"))
            cells = [Text(" ".join(marks), style="bold"), Text(m.names[s]), Text(gender_text.get(genders[s], "-"))]
            if school_col:
                cells.append(Text(schools[s] or ""))
            for f in m.numeric:
                if f.kind != "birth":
                    v = f.values[s]
                    cells.append(Text("-" if np.isnan(v) else f"{v:g}"))
            cells.append(Text(rules_of.get(s, "")))
            table.add_row(*cells)
        table.border_title = self.t("review_students_title", cls=rv.label(self.open_class), n=len(members),
                                    sort=self.t("sort_" + self.sort))
        if keep in members:
            table.move_cursor(row=members.index(keep))
        else:
            table.move_cursor(row=min(row, max(0, len(members) - 1)))

    def _rule_marks(self) -> dict[int, str]:
        """The hard rules each student is under, as a short note."""
        rv = self.review
        out: dict[int, list[str]] = {}
        from ...core.model import _ADDED

        def note(code: str, kind: str) -> str:
            # short, and never the model's internal label (加规则·同班1, 同名:张三)
            added = _ADDED.fullmatch(str(code))
            if added:
                return self.t("rule_added_" + kind, n=added.group(2))
            if str(code).startswith("同名:"):
                return self.t("rule_same_name")
            if str(code).startswith("同音:"):
                return self.t("rule_same_sound")
            return self.t("rule_" + kind, code=code)

        for code, members in rv.model.hard.together:
            for s in members:
                out.setdefault(s, []).append(note(code, "together"))
        for code, members in rv.model.hard.apart:
            for s in members:
                out.setdefault(s, []).append(note(code, "apart"))
        for s, c in rv.model.hard.pins.items():
            out.setdefault(s, []).append(self.t("rule_pin", cls=rv.label(c)))
        return {s: " ".join(v) for s, v in out.items()}

    def _fill_changes(self) -> None:
        rv = self.review
        table = self.query_one("#review-changes", DataTable)
        table.clear(columns=True)
        moved = rv.diff(rv.original if self.against_original else None)
        table.add_columns(self.t("col_name"), self.t("col_row"), self.t("col_from"), self.t("col_to"),
                          self.t("col_how"))
        for mv in moved:
            table.add_row(rv.model.names[mv.student], str(rv.model.row_numbers[mv.student]), rv.label(mv.before),
                          rv.label(mv.after), self.t("how_manual" if mv.manual else "how_resolve"))
        key = "review_changes_original" if self.against_original else "review_changes_previous"
        table.border_title = self.t(key, n=len(moved))

    def _fill_chart(self) -> None:
        """Each class's mean minus the grade's mean, as a bar left (below) or right
        (above) of a centre line: a bar's length is proportional to the difference,
        on a scale said in the title (never less than ``chart_scale``'s floor, so a
        few hundredths of a point never fill the screen), and labelled with it."""
        rv = self.review
        m = rv.model
        chart = self.query_one("#chart", Static)
        if not m.numeric:
            chart.update(Text(self.t("review_no_scores")))
            return
        f = m.numeric[self.chart_feature % len(m.numeric)]
        stats = rv.stats()
        means = [s.means[f.name] for s in stats]
        if all(v is None for v in means) or not np.any(~np.isnan(f.values)):
            chart.update(Text())
            return
        grand = float(np.nanmean(f.values))
        birth = f.kind == "birth"
        digits = 0 if birth else 2
        # the differences as shown: a difference shown as 0 draws no bar
        diffs = [None if v is None else round(v - grand, digits) for v in means]
        biggest = max(abs(d) for d in diffs if d is not None)
        scale = chart_scale(biggest, birth)
        labels = [s.label + (" " + self.t("mark_locked") if c in rv.locked_classes else "")
                  for c, s in enumerate(stats)]
        width = max(cell_len(x) for x in labels)
        shown = [None if d is None else self._signed(d, digits, birth) for d in diffs]
        value_w = max((cell_len(x) for x in shown if x is not None), default=1)
        # label, left half, centre line, right half, the difference, "(mean)" (a date at
        # most: 12 cells) and the spaces between: 80 columns, less the view's padding
        half = max(4, min(CHART_HALF, (76 - width - value_w - 17) // 2))
        if birth:
            mean_text = date_text(grand)
        else:
            mean_text = f"{grand:.2f}"
        text = Text()
        title = "review_chart_title_birth" if birth else "review_chart_title"
        text.append(self.t(title, name=f.name, mean=mean_text, scale=self._scale_text(scale, birth)) + "\n",
                    style="bold")
        extremes = {min(d for d in diffs if d is not None), max(d for d in diffs if d is not None)}
        for label, v, d, sd in zip(labels, means, diffs, shown):
            pad = label + " " * (width - cell_len(label))
            if d is None:
                text.append(f"{pad} {' ' * half}│\n")
                continue
            halves = min(2 * half, int(round(abs(d) / scale * 2 * half))) if d else 0
            if d and not halves:
                halves = 1  # a difference shown is never drawn as none
            body = "█" * (halves // 2)
            left = (("▐" if halves % 2 else "") + body) if d < 0 else ""
            right = (body + ("▌" if halves % 2 else "")) if d > 0 else ""
            style = "bold" if d in extremes and len(extremes) > 1 else ""
            text.append(f"{pad} ")
            text.append(" " * (half - len(left)))
            text.append(left, style=style)
            text.append("│")
            text.append(right, style=style)
            text.append(" " * (half - len(right)))
            mean = date_text(v) if birth else f"{v:.2f}"
            text.append(f" {sd:>{value_w}}  ({mean})\n")
        # the scale under the bars: its ends and the centre (the grade mean)
        lo, hi = "−" + self._scale_text(scale, birth, unit=False), "+" + self._scale_text(scale, birth, unit=False)
        axis = lo + " " * max(1, half - len(lo)) + "0" + " " * max(1, half - len(hi)) + hi
        text.append(" " * (width + 1) + axis + "\n", style="dim")
        text.append(self.t("review_chart_keys"), style="dim")
        chart.update(text)

    def _signed(self, d: float, digits: int, birth: bool) -> str:
        """A difference as shown beside its bar: +0.03, −0.02, 0.00 (birth: days)."""
        if digits:
            body = f"{abs(d):.{digits}f}"
        else:
            body = f"{int(abs(d))}"
        sign = "+" if d > 0 else "−" if d < 0 else " "
        return sign + body + (self.t("chart_days_unit") if birth else "")

    def _scale_text(self, scale: float, birth: bool, unit: bool = True) -> str:
        if birth:
            return f"{int(scale)}" + (self.t("chart_days_unit") if unit else "")
        return f"{scale:g}" + (self.t("chart_points_unit") if unit else "")


def chart_scale(biggest: float, birth: bool) -> float:
    """What a full half-bar stands for: the largest difference from the grade
    mean, rounded up to 1, 2 or 5 times a power of ten, and never under one
    point (ten days for birth dates), so hundredths of a point draw slivers."""
    floor = CHART_FLOOR_DAYS if birth else CHART_FLOOR_POINTS
    value = max(biggest, floor)
    power = 10 ** np.floor(np.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power + 1e-12:
            return float(step * power)
    return float(value)  # pragma: no cover
