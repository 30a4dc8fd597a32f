"""Step 1 导入: type a roster path, read it, preview the first rows, list the problems."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.worker import Worker, WorkerState

from ...core.api import check_roster
from ...i18n import FenbanError
from .base import StepScreen

PREVIEW_ROWS = 30
MAX_PROBLEMS = 1000
LEVEL_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def sheets_text(roster, lang: str, most: int = 3) -> tuple[str, int]:
    """The sheet(s) the roster was read from, and how many: one name, or a short
    list when several same-shaped sheets were combined."""
    used = [str(s) for s in (getattr(roster, "sheets_used", None) or []) if str(s)]
    if len(used) <= 1:
        return str(used[0] if used else roster.sheet), 1
    sep = ", " if lang == "en" else "、"
    shown = sep.join(used[:most]) + (" …" if len(used) > most else "")
    return shown, len(used)


def clean_path(raw: str) -> str:
    """A typed or pasted path: trimmed, surrounding quotes removed (file managers add them)."""
    s = raw.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        s = s[1:-1].strip()
    return s


class ImportScreen(StepScreen):
    STEP = 0
    BINDINGS = [Binding("ctrl+r", "load", "key_load")]

    def __init__(self) -> None:
        super().__init__()
        self._gen = 0

    def compose_body(self) -> ComposeResult:
        yield Label(self.t("import_label"), id="path-label")
        yield Input(value=self.fenban.roster_path or "", placeholder=self.t("import_placeholder"), id="path")
        yield Static("", id="import-status", classes="status")
        preview = DataTable(id="preview", cursor_type="row", zebra_stripes=True)
        preview.border_title = self.t("import_preview", n=PREVIEW_ROWS)
        yield preview
        problems = OptionList(id="problems")
        problems.border_title = self.t("import_problems")
        yield problems

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()
        if self.fenban.roster_path:
            self.action_load()

    # ------------------------------------------------------------------ loading

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "path":
            event.stop()
            self.action_load()

    def action_load(self) -> None:
        raw = clean_path(self.query_one("#path", Input).value)
        self._clear()
        self.fenban.set_roster(None)
        if not raw:
            self._status(self.t("import_empty"), "error")
            return
        path = Path(raw).expanduser()
        self._gen += 1
        self._status(self.t("import_loading", path=str(path)), "busy")
        self.run_worker(partial(self._read, self._gen, path), thread=True, exclusive=True,
                        group="load", exit_on_error=False)

    def _read(self, gen: int, path: Path) -> tuple[int, str, object]:
        """Runs in a thread: the roster, or an error message in the operator's language."""
        try:
            return gen, "ok", check_roster(path)
        except FenbanError as exc:
            return gen, "error", exc.text(self.lang)
        except Exception as exc:  # never a traceback on screen
            return gen, "error", self.t("error_generic", reason=str(exc) or type(exc).__name__)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "load" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.state == WorkerState.ERROR:
            self._status(self.t("error_generic", reason=str(worker.error)), "error")
            return
        gen, kind, value = worker.result
        if gen != self._gen:
            return
        if kind == "error":
            self._status(str(value), "error")
            return
        self._show(value)

    # ------------------------------------------------------------------ display

    def _status(self, text: str, kind: str) -> None:
        status = self.query_one("#import-status", Static)
        status.set_classes(f"status {kind}")
        status.update(Text(text))

    def _clear(self) -> None:
        self.query_one("#preview", DataTable).clear(columns=True)
        self.query_one("#problems", OptionList).clear_options()

    def _show(self, roster) -> None:
        self.fenban.set_roster(roster)
        sheet, count = sheets_text(roster, self.lang)
        summary = self.t("import_summary" if count == 1 else "import_summary_sheets", sheet=sheet, k=count,
                         header=roster.header_row, n=roster.n,
                         errors=len(roster.errors), warnings=len(roster.warnings))
        verdict = self.t("import_ok") if roster.usable else self.t("import_bad")
        self._status(f"{summary}\n{verdict}", "ok" if roster.usable else "error")

        table = self.query_one("#preview", DataTable)
        table.add_column(self.t("col_row"), key="_row")
        for col in roster.columns:
            table.add_column(col)
        head = roster.table.head(PREVIEW_ROWS)
        for rec in head.select(["_row", *roster.columns]).iter_rows():
            table.add_row(*("" if v is None else str(v) for v in rec))

        problems = self.query_one("#problems", OptionList)
        if not roster.problems:
            problems.add_option(Text(self.t("import_no_problems")))
        order = {"error": 0, "warning": 1, "info": 2}
        shown = sorted(roster.problems, key=lambda p: order.get(p.level, 3))[:MAX_PROBLEMS]
        problems.add_options(self._problem_text(p) for p in shown)
        if len(roster.problems) > MAX_PROBLEMS:
            problems.add_option(Text(self.t("import_more", n=len(roster.problems) - MAX_PROBLEMS)))

    def _problem_text(self, problem) -> Text:
        text = Text()
        text.append(f"[{self.t('level_' + problem.level)}] ", style=LEVEL_STYLE.get(problem.level, "bold"))
        text.append(problem.text(self.lang))
        return text

    # ------------------------------------------------------------------ hooks

    def check_next(self) -> str | None:
        roster = self.fenban.roster
        if roster is None or not roster.usable:
            return self.t("import_need")
        return None
