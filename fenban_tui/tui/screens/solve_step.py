"""Step 3 分班: run the solver in a thread, show progress, allow Esc to cancel,
then the per-class summary and the worst gaps."""

from __future__ import annotations

import threading
import time
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from ...core.api import Cancelled, gap_lines, solve_roster, summary_rows
from ...i18n import FenbanError
from ..text import TEXT
from .base import StepScreen


def join_items(items: list[str], lang: str, sep_zh: str = "；") -> str:
    """Items on one line with the language's punctuation ("; " in English)."""
    return ("; " if lang == "en" else sep_zh).join(items)


def solver_finished(screen, event: Worker.StateChanged, group: str) -> tuple[str, object] | None:
    """A solver worker of ``group`` started by ``screen`` (which keeps ``_gen`` and
    ``running``) has ended: its (kind, value).  None when the event is about
    another worker or an older run, or when the app was waiting to quit (it
    exits here)."""
    worker = event.worker
    if worker.group != group or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
        return None
    if event.state == WorkerState.ERROR:  # should not happen: the workers catch everything
        gen, kind, value = screen._gen, "error", screen.t("error_generic", reason=str(worker.error))
    else:
        gen, kind, value = worker.result
    if gen != screen._gen:
        return None
    screen.running = False
    screen.fenban.solve_cancel = None
    if screen.fenban.quit_pending:
        screen.app.exit(0)
        return None
    return kind, value


class SolveScreen(StepScreen):
    STEP = 2
    SAYS_WHY = True  # ctrl+n with no classes: why, and the key that solves, in #solve-status
    BINDINGS = [
        Binding("escape", "cancel", "key_cancel"),
        Binding("ctrl+r", "rerun", "key_rerun"),
    ]

    class Progress(Message):
        """Posted from the solver thread (post_message is thread-safe)."""

        def __init__(self, gen: int, fraction: float, stage: str) -> None:
            super().__init__()
            self.gen = gen
            self.fraction = fraction
            self.stage = stage

    def __init__(self) -> None:
        super().__init__()
        self._gen = 0
        self._cancel: threading.Event | None = None
        self.running = False
        self._stage = ""
        # how the last run ended, while no classes are shown: "cancelled", or the
        # failure's reason; None while running or when it gave classes
        self._ended: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(Text(self.t("solve_idle")), id="solve-status", classes="status")
        yield ProgressBar(total=100, show_eta=False, id="progress")
        yield DataTable(id="summary", cursor_type="row", zebra_stripes=True, fixed_columns=1)
        with VerticalScroll(id="gaps-box", can_focus=False):
            yield Static("", id="gaps")

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return True if self.running else False
        if action == "rerun":
            return False if self.running else True
        return True

    def action_cancel(self) -> None:
        if self.running and self._cancel is not None:
            self._cancel.set()
            preparing = self._stage == self.t("stage_start")
            self._status(self.t("solve_cancelling_prep" if preparing else "solve_cancelling"), "busy")

    def action_rerun(self) -> None:
        if not self.running:
            self.start()

    # ------------------------------------------------------------------ run

    def entered(self) -> None:
        app = self.fenban
        if not self.running and (app.placement is None or app.placement_key != app.current_key()):
            self.start()
        elif not self.running and (not self.query_one("#summary", DataTable).row_count
                                   or (app.review is not None and app.review.undo_stack)):
            self.show_restored()
        summary = self.query_one("#summary", DataTable)
        if summary.display:
            summary.focus()

    def leaving(self) -> None:
        if self.running:
            self.stop()
            self.app.notify(self.t("solve_left"), severity="warning")

    def stop(self) -> None:
        """Ask the solver thread to stop (it raises Cancelled at its next progress report)."""
        if self._cancel is not None:
            self._cancel.set()

    def start(self) -> None:
        app = self.fenban
        if app.roster is None:
            return
        self.stop()  # a previous run, if any
        self._gen += 1
        self._cancel = threading.Event()
        app.solve_cancel = self._cancel
        self.running = True
        self._ended = None
        self._stage = self.t("stage_start")
        app.set_placement(None, None)
        summary = self.query_one("#summary", DataTable)
        summary.clear(columns=True)
        summary.display = False
        gaps_box = self.query_one("#gaps-box", VerticalScroll)
        gaps_box.can_focus = False  # nothing to scroll while solving
        if self.focused is gaps_box:
            self.set_focus(None)
        self.query_one("#gaps", Static).update("")
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)  # pulses while preparing
        bar.display = True  # hidden after a cancelled or failed run
        self._running_status()
        self.refresh_bindings()
        key = app.current_key()
        self.run_worker(
            partial(self._solve, self._gen, app.roster, app.rules, self._cancel, key),
            thread=True, exclusive=True, group="solve", exit_on_error=False,
        )

    def _solve(self, gen, roster, rules, cancel, key):
        """Runs in a worker thread.  Returns (gen, kind, value); never raises."""
        started = time.monotonic()

        def progress(fraction: float, stage: str) -> None:
            self.post_message(self.Progress(gen, fraction, stage))

        try:
            placement = solve_roster(roster, rules, progress=progress, cancel=cancel)
            header, rows = summary_rows(placement, self.lang)
            gaps = gap_lines(placement, self.lang)
            violations = placement.violations()
            return gen, "ok", (placement, key, header, rows, gaps, violations, time.monotonic() - started)
        except Cancelled:
            return gen, "cancelled", None
        except FenbanError as exc:
            return gen, "error", exc.text(self.lang)
        except Exception as exc:  # shown as a message, never a traceback
            return gen, "error", self.t("error_generic", reason=str(exc) or type(exc).__name__)

    def on_solve_screen_progress(self, message: Progress) -> None:
        if message.gen != self._gen or not self.running:
            return
        bar = self.query_one("#progress", ProgressBar)
        if message.fraction > 0 or message.stage != "start":
            bar.update(total=100, progress=round(message.fraction * 100, 1))
        key = f"stage_{message.stage}"
        stage = self.t(key) if key in TEXT else message.stage
        if stage != self._stage:
            self._stage = stage
            self._running_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        done = solver_finished(self, event, "solve")
        if done is None:
            return
        kind, value = done
        self.refresh_bindings()
        bar = self.query_one("#progress", ProgressBar)
        if kind in ("cancelled", "error"):
            # no classes: no bar either.  An empty bar is drawn as a full-width line
            # in the background colour, which the 16-colour theme (and NO_COLOR) show
            # as a full bar beside "0%"; start() shows it again
            bar.update(total=100, progress=0)
            bar.display = False
        if kind == "cancelled":
            self._ended = "cancelled"
            self._status(self.t("solve_cancelled"), "error")
        elif kind == "error":
            self._ended = str(value)
            self._status(self.t("solve_failed", reason=value) + "\n" + self.t("solve_failed_hint"), "error")
        else:
            self._show(*value)

    # ------------------------------------------------------------------ display

    def _status(self, text: str, kind: str = "") -> None:
        status = self.query_one("#solve-status", Static)
        status.set_classes(f"status {kind}".strip())
        status.update(Text(text))

    def _running_status(self) -> None:
        app = self.fenban
        self._status(self.t("solve_running", k=app.rules.classes, n=app.roster.n, stage=self._stage), "busy")

    def show_restored(self) -> None:
        """A resumed session: its placement (with the hand edits) is shown, not solved again."""
        placement = self.fenban.placement
        header, rows = summary_rows(placement, self.lang)
        self._show(placement, None, header, rows, gap_lines(placement, self.lang), placement.violations(), 0.0,
                   adopt=False)
        self._status(self.t("solve_restored"), "ok")

    def _show(self, placement, key, header, rows, gaps, violations, secs, adopt: bool = True) -> None:
        app = self.fenban
        if adopt:
            app.set_placement(placement, key)
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=100, progress=100)
        bar.display = True
        text = self.t("solve_done", k=len(placement.labels), n=placement.roster.n, secs=secs)
        kind = "ok"
        if violations:
            items = [v.render(self.lang) for v in violations[:8]]  # each in the language shown
            text += "\n" + self.t("solve_violations", items=join_items(items, self.lang, "、"))
            kind = "error"
        self._status(text, kind)
        table = self.query_one("#summary", DataTable)
        table.clear(columns=True)
        table.add_columns(*header)
        table.add_rows(rows)
        table.display = True
        if self.is_current:
            table.focus()
        gap_text = Text()
        gap_text.append(self.t("solve_gaps") + (": " if self.lang == "en" else "："), style="bold")
        gap_text.append(join_items(gaps, self.lang))
        self.query_one("#gaps", Static).update(gap_text)
        self.query_one("#gaps-box", VerticalScroll).can_focus = True

    def check_next(self) -> str | None:
        """Said in the status line (``SAYS_WHY``): a toast is easily missed, and
        the status must not keep saying only what happened, not why ctrl+n did nothing."""
        if self.running:
            # the status line already says it is running (and that Esc cancels)
            self.app.notify(self.t("solve_busy"), severity="warning")
            return self.t("solve_busy")
        app = self.fenban
        if app.placement is None or app.placement_key != app.current_key():
            if self._ended == "cancelled":
                why = self.t("solve_next_cancelled")
            elif self._ended:
                why = self.t("solve_next_failed", reason=self._ended) + "\n" + self.t("solve_failed_hint")
            else:
                why = self.t("solve_next_none")
            self._status(why, "error")
            return why
        return None
