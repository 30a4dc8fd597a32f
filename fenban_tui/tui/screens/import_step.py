"""Step 1 导入: type a roster path, read it, preview the first rows, list the problems.

The files offices send are handled here too:

* a workbook with several roster sheets: the wizard asks (a small modal) whether to
  combine them all (the default) or read one; ctrl+t asks again;
* options (ctrl+o shows or hides them): 表头行 (blank = auto, 0 = no header row,
  N = row N), 列映射 (``name=A, gender=B, scores=E,F``) and 性别代码 (``B=男, G=女``);
  Enter in any of them re-reads the roster.  A file without a header shows its first
  rows by column letter, so the operator can map them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.worker import Worker, WorkerState

from ...core.api import Rules, check_roster
from ...core.roster import list_sheets
from ...i18n import FenbanError
from ..importopts import (OptionError, format_columns, format_gender_codes, parse_columns,
                          parse_gender_codes, parse_header_row, roles_line)
from ..widgets.wrapped import WrappedOptionList
from .base import StepScreen, roster_usable, rule_errors
from .dialogs import ReadOtherScreen, SheetScreen

PREVIEW_ROWS = 30
RAW_COLUMNS = 26  # a file without a header: its first columns, A to Z
MAX_PROBLEMS = 1000
LEVEL_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
ALL_SHEETS = "*"  # the "combine every sheet" choice (a sheet name cannot hold *)
# which option input a message about it points at
OPTION_INPUT = {"opt_header_bad": "#header-row", "opt_map_bad": "#columns", "opt_map_role": "#columns",
                "opt_map_dup": "#columns", "opt_gender_bad": "#genders", "gender_code_flip": "#genders",
                "gender_code_twice": "#genders"}


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


def col_letter(idx: int) -> str:
    s = ""
    idx += 1
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class SheetChoices:
    """The sheets of the loaded file the operator may choose among."""

    path: str
    combinable: bool  # same columns: "combine all" is offered (and is the default)
    sheets: list[tuple[str, int]]  # (name, students when combinable, else non-empty rows)


@dataclass
class Loaded:
    """What the reading thread hands back."""

    gen: int
    path: str
    roster: object = None
    error: str = ""
    key: str = ""
    params: dict = field(default_factory=dict)
    sheets: list[tuple[str, int]] = field(default_factory=list)
    raw: list[list[str]] | None = None


def raw_rows(path: Path, sheet: str | None, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The first rows of a sheet as read, for a file whose header was not found."""
    from ...core.reader import read_book

    book = read_book(path)
    grids = [g for g in book.sheets if g.name == sheet] or [g for g in book.sheets if g.rows] or book.sheets
    if not grids:
        return []
    out = []
    for row in grids[0].rows:
        cells = ["" if c is None else str(c).strip() for c in row[:RAW_COLUMNS]]
        if any(cells):
            out.append(cells)
        if len(out) >= rows:
            break
    return out


def fill_table(table: DataTable, labels: list[str], rows: list[list[str]]) -> None:
    """Columns sized here from their contents (display width: a Chinese character
    counts two).  DataTable's own auto width is measured later, on idle, and a
    table drawn in between (the options panel opening) keeps 1-cell columns."""
    for c, label in enumerate(labels):
        width = max([cell_len(label), *(cell_len(r[c]) for r in rows if c < len(r))])
        table.add_column(label, width=max(1, width))
    for r in rows:
        table.add_row(*r)


def same_file(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


class ImportScreen(StepScreen):
    STEP = 0
    BINDINGS = [
        Binding("ctrl+r", "load", "key_load"),
        Binding("ctrl+o", "options", "key_options"),
        Binding("ctrl+t", "sheets", "key_sheets"),
        Binding("ctrl+b", "browse", "key_browse", priority=True),  # over Input's ctrl+b (cursor left)
    ]

    def __init__(self) -> None:
        super().__init__()
        self._gen = 0
        self._opts_for: str | None = None  # the file the import options were set for
        self._choices: SheetChoices | None = None
        self._asked: set[str] = set()  # files whose sheets the operator was asked about
        self._pending_ask: str | None = None  # a question to ask when this step shows again

    def compose_body(self) -> ComposeResult:
        yield Label(self.t("import_label"), id="path-label")
        yield Input(value=self.fenban.roster_path or "", placeholder=self.t("import_placeholder"), id="path")
        with Vertical(id="opts"):
            with Horizontal(classes="opt-row"):
                yield Label(self.t("opt_header"), classes="opt-label")
                yield Input(placeholder=self.t("opt_header_ph"), id="header-row", classes="opt-input")
                yield Label(self.t("opt_columns"), classes="opt-label")
                yield Input(placeholder=self.t("opt_columns_ph"), id="columns", classes="opt-input")
            with Horizontal(classes="opt-row"):
                yield Label(self.t("opt_genders"), classes="opt-label")
                yield Input(placeholder=self.t("opt_genders_ph"), id="genders", classes="opt-input")
                yield Label(self.t("opt_hint"), id="opt-hint")
        yield Static("", id="import-status", classes="status")
        yield Static("", id="roles")
        preview = DataTable(id="preview", cursor_type="row", zebra_stripes=True)
        preview.border_title = self.t("import_preview", n=PREVIEW_ROWS)
        yield preview
        problems = WrappedOptionList(id="problems")
        problems.border_title = self.t("import_problems")
        yield problems

    def on_mount(self) -> None:
        self._sync_options()
        self.query_one("#path", Input).focus()
        if self.fenban.roster is not None:  # a resumed session: show it, do not read the file again
            self._show(self.fenban.roster, keep=True)
        elif self.fenban.roster_path:
            self.action_load()

    # ------------------------------------------------------------------ options

    def _sync_options(self) -> None:
        """The option inputs show the import settings in ``app.rules``; the panel is
        shown when any is set."""
        rules = self.fenban.rules
        header = "" if rules.header_row is None else str(rules.header_row)
        self.query_one("#header-row", Input).value = header
        self.query_one("#columns", Input).value = format_columns(rules.columns or {})
        self.query_one("#genders", Input).value = format_gender_codes(rules.gender_codes or {})
        if header or rules.columns or rules.gender_codes:
            self._show_options(True)

    def _show_options(self, show: bool, focus: str | None = None) -> None:
        opts = self.query_one("#opts")
        if not show and self.focused is not None and self.focused.parent is not None \
                and self.focused.parent.parent is opts:
            self.query_one("#path", Input).focus()
        opts.display = show
        # at 80x24 the options need the room; their column map says what was recognised
        self.query_one("#roles").set_class(show, "compact")
        if show and focus:
            self.query_one(focus, Input).focus()

    def action_options(self) -> None:
        opts = self.query_one("#opts")
        self._show_options(not opts.display, "#header-row")

    def _read_options(self) -> tuple[int | None, dict, dict] | None:
        """The three option inputs parsed, or None (and a message) when one is wrong."""
        try:
            header = parse_header_row(self.query_one("#header-row", Input).value)
            columns = parse_columns(self.query_one("#columns", Input).value)
            genders = parse_gender_codes(self.query_one("#genders", Input).value)
        except OptionError as exc:
            self._status(exc.text(self.lang), "error")
            self._show_options(True, OPTION_INPUT.get(exc.key))
            return None
        return header, columns, genders

    def _reset_options(self) -> bool:
        """Another file: the import settings go back to automatic.  True if any was set."""
        rules = self.fenban.rules
        if rules.sheet is None and rules.header_row is None and not rules.columns and not rules.gender_codes:
            return False
        self.fenban.rules = replace(rules, sheet=None, header_row=None, columns={}, gender_codes={})
        self._sync_options()
        return True

    # ------------------------------------------------------------------ sheets

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sheets":
            return self._sheet_choices() is not None
        return True

    def _sheet_choices(self) -> SheetChoices | None:
        choices = self._choices
        raw = clean_path(self.query_one("#path", Input).value)
        if choices is None or not raw or not same_file(choices.path, str(Path(raw).expanduser())):
            return None
        return choices

    def action_sheets(self) -> None:
        if self._sheet_choices() is None:
            self.notify(self.t("sheet_only_one"))
            return
        self._ask_sheet()

    def _ask_sheet(self, reason: str = "") -> None:
        choices = self._choices
        if choices is None or isinstance(self.app.screen, SheetScreen):
            return
        if self.app.screen is not self:  # help open, or another step: ask on return
            self._pending_ask = reason
            return
        self._pending_ask = None
        self._asked.add(choices.path)
        n = len(choices.sheets)
        if choices.combinable:
            items = [(ALL_SHEETS, self.t("sheet_all", n=n))]
            items += [(name, self.t("sheet_one", name=name, n=k)) for name, k in choices.sheets]
            question = self.t("sheet_ask", n=n)
        else:
            items = [(name, self.t("sheet_one_rows", name=name, n=k)) for name, k in choices.sheets]
            question = self.t("sheet_ask_differ", reason=reason) if reason else self.t("sheet_pick")
        sheet = self.fenban.rules.sheet
        current = ALL_SHEETS if sheet in (None, "all") else str(sheet)
        self.app.push_screen(SheetScreen(question, items, current, self.lang), self._sheet_chosen)

    def on_screen_resume(self) -> None:
        if self._pending_ask is not None and self._sheet_choices() is not None:
            self.call_after_refresh(self._ask_sheet, self._pending_ask)
        self._pending_ask = None

    def _sheet_chosen(self, value: str | None) -> None:
        if value is None:  # Esc: keep what is loaded
            return
        sheet = None if value == ALL_SHEETS else value
        if sheet == self.fenban.rules.sheet and self.fenban.roster is not None:
            return
        self.fenban.rules = replace(self.fenban.rules, sheet=sheet)
        self.action_load()

    # ------------------------------------------------------------------ loading

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "path":
            self.action_load()
        else:
            self.apply_options()

    def apply_options(self) -> None:
        """Enter in an option input: take the three options, then read the roster again."""
        parsed = self._read_options()
        if parsed is None:
            return
        header, columns, genders = parsed
        self.fenban.rules = replace(self.fenban.rules, header_row=header, columns=columns, gender_codes=genders)
        raw = clean_path(self.query_one("#path", Input).value)
        self._opts_for = str(Path(raw).expanduser()) if raw else None
        self.action_load()

    def action_load(self, confirmed: bool = False) -> None:
        raw = clean_path(self.query_one("#path", Input).value)
        app = self.fenban
        if (not confirmed and raw and app.placement is not None and app.roster is not None
                and not same_file(str(app.roster.path), str(Path(raw).expanduser()))):
            # another file replaces the classes (and the review's edits): asked first, no by default
            edits = app.review_edit_count()
            question = self.t("import_other_drops_edits" if edits else "import_other_drops", n=edits,
                              old=Path(str(app.roster.path)).name, new=Path(raw).name)

            def answered(yes: bool | None) -> None:
                if yes:
                    self.action_load(confirmed=True)

            self.app.push_screen(ReadOtherScreen(question, self.lang), answered)
            return
        self._clear()
        self.fenban.set_roster(None)
        if not raw:
            self._status(self.t("import_empty"), "error")
            return
        path = Path(raw).expanduser()
        if self._opts_for is not None and not same_file(self._opts_for, str(path)):
            if self._reset_options():
                self.notify(self.t("opt_reset"))
        self._opts_for = str(path)
        if self._choices is not None and not same_file(self._choices.path, str(path)):
            self._choices = None
        self.refresh_bindings()
        self._gen += 1
        self._status(self.t("import_loading", path=str(path)), "busy")
        self.run_worker(partial(self._read, self._gen, path, replace(self.fenban.rules), self.fenban.rules_roster),
                        thread=True, exclusive=True, group="load", exit_on_error=False)

    def _read(self, gen: int, path: Path, rules: Rules, owner: tuple[str, ...] | None = None) -> Loaded:
        """Runs in a thread: the roster, or an error message in the operator's language.

        The roster is checked against the rules it will have: ``rules`` while the
        roster they belong to (``owner``, a ``roster_key``) is read again, else
        the rules another roster starts from (``fresh_rules``, what ``set_roster``
        sets): a rule dropped for the new roster must not be reported on it."""
        from ..app import fresh_rules, roster_key

        out = Loaded(gen, str(path))
        try:
            try:
                same_path = owner is not None and owner[0] == str(path.expanduser().resolve())
            except (OSError, RuntimeError):
                same_path = False
            checked = rules if same_path else fresh_rules(rules)
            roster = check_roster(path, rules=checked)
            if roster_key(roster) != owner and checked != fresh_rules(rules):
                # the same file read another way (a sheet, a column map): another roster too
                roster = check_roster(path, rules=fresh_rules(rules))
            out.roster = roster
            if len(roster.sheets_used) > 1:
                counts = dict(roster.table["_sheet"].value_counts().iter_rows())
                out.sheets = [(s, int(counts.get(s, 0))) for s in roster.sheets_used]
        except FenbanError as exc:
            out.error, out.key, out.params = exc.text(self.lang), exc.key, dict(exc.params)
            try:
                if exc.key == "sheets_differ":
                    auto = rules.header_row is None
                    out.sheets = [(s.name, s.rows) for s in list_sheets(path) if (s.has_roster if auto else s.rows)]
                elif exc.key in ("no_header", "no_header_map", "column_missing"):
                    out.raw = raw_rows(path, exc.params.get("sheet") or rules.sheet)
            except Exception:  # the message above says what is wrong; extras are a bonus
                pass
        except Exception as exc:  # never a traceback on screen
            out.error = self.t("error_generic", reason=str(exc) or type(exc).__name__)
        return out

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "load" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.state == WorkerState.ERROR:
            self._status(self.t("error_generic", reason=str(worker.error)), "error")
            return
        result: Loaded = worker.result
        if result.gen != self._gen:
            return
        if result.roster is None:
            self._failed(result)
            return
        self._show(result.roster)
        if result.sheets:
            self._choices = SheetChoices(result.path, True, result.sheets)
            self.refresh_bindings()
            if self.fenban.rules.sheet in (None, "all") and result.path not in self._asked:
                self._ask_sheet()

    def _failed(self, result: Loaded) -> None:
        key = result.key
        if key == "no_header":
            self._status(self.t("import_no_header", sheet=result.params.get("sheet", "")), "error")
            self._show_options(True, "#header-row")
        elif key == "no_header_map":
            self._status(self.t("import_no_header_map"), "error")
            self._show_options(True, "#columns")
        elif key == "column_missing":
            self._status(result.error, "error")
            self._show_options(True, "#columns")
        elif key == "sheets_differ" and len(result.sheets) > 1:
            self._status(f"{result.error}\n{self.t('sheet_pick')}", "error")
            self._choices = SheetChoices(result.path, False, result.sheets)
            self.refresh_bindings()
            if result.path not in self._asked:
                self._ask_sheet(result.error)
        else:
            self._status(result.error, "error")
        if result.raw:
            self._show_raw(result.raw)

    # ------------------------------------------------------------------ display

    def _status(self, text: str, kind: str) -> None:
        status = self.query_one("#import-status", Static)
        status.set_classes(f"status {kind}")
        status.update(Text(text))

    def _clear(self) -> None:
        table = self.query_one("#preview", DataTable)
        table.clear(columns=True)
        table.border_title = self.t("import_preview", n=PREVIEW_ROWS)
        self.query_one("#problems", OptionList).clear_options()
        self.query_one("#roles", Static).update("")

    def _show_raw(self, rows: list[list[str]]) -> None:
        """A file whose header was not found: its first rows under column letters."""
        table = self.query_one("#preview", DataTable)
        table.border_title = self.t("import_raw", n=PREVIEW_ROWS)
        width = max(len(r) for r in rows)
        fill_table(table, [col_letter(c) for c in range(width)], [r + [""] * (width - len(r)) for r in rows])

    def _show(self, roster, keep: bool = False) -> None:
        if not keep and self.fenban.set_roster(roster) and self.fenban.placement is not None:
            self.notify(self.t("import_same_kept"))
        self.show_source_changed()  # the step bar: a rule to change, or none now
        self._show_status(roster)
        roles = Text(self.t("import_roles", roles=roles_line(roster.cmap, self.lang)))
        self.query_one("#roles", Static).update(roles)

        self._preview(roster, 0)
        self._show_problems(roster)

    def _show_problems(self, roster) -> None:
        problems = self.query_one("#problems", WrappedOptionList)
        problems.clear_options()
        self._problems_of = (roster, len(roster.problems))
        lines: list[tuple[Text, int]] = []
        if not roster.problems:
            lines.append((Text(self.t("import_no_problems")), 0))
        order = {"error": 0, "warning": 1, "info": 2}
        shown = sorted(roster.problems, key=lambda p: order.get(p.level, 3))[:MAX_PROBLEMS]
        self._shown_problems = shown
        lines.extend(self._problem_text(p) for p in shown)
        if len(roster.problems) > MAX_PROBLEMS:
            lines.append((Text(self.t("import_more", n=len(roster.problems) - MAX_PROBLEMS)), 0))
        problems.add_wrapped(lines)

    def _show_status(self, roster) -> None:
        """What was read, and whether it is usable; a resumed session whose roster
        file changed since says that instead (the saved copy is what is shown)."""
        sheet, count = sheets_text(roster, self.lang)
        head = (self.t("import_head", header=roster.header_row) if roster.header_row
                else self.t("import_no_head"))
        key = "import_summary_sheets" if count > 1 else ("import_summary_text" if roster.text else "import_summary")
        summary = self.t(key, sheet=sheet, k=count,
                         head=head, n=roster.n,
                         errors=len(roster.errors), warnings=len(roster.warnings))
        usable = roster_usable(roster)
        # an error of the rules only (a 每班至少 demand, a column to balance): the
        # roster is fine, the rule is changed on 规则
        verdict = self.t("import_bad") if not usable else (self.t("import_rules_bad") if rule_errors(roster)
                                                            else self.t("import_ok"))
        unknown = list(dict.fromkeys(str(p.params.get("value", "")) for p in roster.problems
                                     if p.key == "gender_unknown" and p.params.get("value")))
        if unknown:  # B/G, 1/0…: the operator says what they mean
            example = ", ".join(f"{code}={'男女'[i % 2]}" for i, code in enumerate(unknown[:2]))
            verdict = self.t("import_gender_hint", codes="/".join(unknown[:4]), example=example)
            self._show_options(True)
        if self.fenban.source_changed and roster is self.fenban.roster:
            self._status(f"{summary}\n{self.t('stale_import')}", "error")
            return
        self._status(f"{summary}\n{verdict}", "ok" if usable and not rule_errors(roster) else "error")

    def source_changed_shown(self) -> None:
        if self.fenban.source_changed and self.fenban.roster is not None:
            self._show_status(self.fenban.roster)

    def _preview(self, roster, start: int) -> None:
        """The preview table from student ``start`` on (PREVIEW_ROWS of them)."""
        table = self.query_one("#preview", DataTable)
        table.clear(columns=True)
        part = roster.table.slice(start, PREVIEW_ROWS)
        fill_table(table, [self.t("col_row"), *roster.columns],
                   [["" if v is None else str(v) for v in rec]
                    for rec in part.select(["_row", *roster.columns]).iter_rows()])
        table.border_title = (self.t("import_preview", n=PREVIEW_ROWS) if start == 0 else
                              self.t("import_preview_at", row=part["_row"][0] if part.height else ""))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a problem shows its row in the preview, cursor on it."""
        if event.option_list.id != "problems":
            return
        event.stop()
        roster = self.fenban.roster
        shown = getattr(self, "_shown_problems", [])
        if roster is None or event.option_index >= len(shown) or shown[event.option_index].row is None:
            return
        p = shown[event.option_index]
        rows = roster.table["_row"].to_list()
        sheets = roster.table["_sheet"].to_list()
        at = next((i for i, (r, s) in enumerate(zip(rows, sheets)) if r == p.row and (not p.sheet or s == p.sheet)),
                  None)
        if at is None:  # a blank, totals or notes row: not read as a student
            self.notify(self.t("import_row_skipped", row=p.row))
            return
        start = max(0, at - 3)
        self._preview(roster, start)
        table = self.query_one("#preview", DataTable)
        table.focus()
        table.call_after_refresh(table.move_cursor, row=at - start, animate=False)

    def on_descendant_focus(self, event) -> None:
        # the problem list gets a highlighted line as soon as it has the focus,
        # so the first Enter already jumps
        problems = self.query_one("#problems", OptionList)
        if event.widget is problems and problems.highlighted is None and problems.option_count:
            problems.highlighted = 0

    def action_browse(self) -> None:
        from .dialogs import FileBrowser

        raw = clean_path(self.query_one("#path", Input).value)
        here = Path(raw).expanduser() if raw else Path.cwd()
        while not here.is_dir() and here != here.parent:
            here = here.parent

        def chosen(path: str | None) -> None:
            if path:
                self.query_one("#path", Input).value = path
                self.action_load()

        self.app.push_screen(FileBrowser(str(here if here.is_dir() else Path.cwd()), self.lang), chosen)

    def _problem_text(self, problem) -> tuple[Text, int]:
        """The problem's line, and the indent of its continuation lines (under the text after the tag)."""
        text = Text()
        tag = f"[{self.t('level_' + problem.level)}] "
        text.append(tag, style=LEVEL_STYLE.get(problem.level, "bold"))
        text.append(problem.text(self.lang))
        return text, cell_len(tag)

    # ------------------------------------------------------------------ hooks

    def entered(self) -> None:
        # the rules step settled the rule errors listed here (FenbanApp.accept_rules)
        roster = self.fenban.roster
        shown = getattr(self, "_problems_of", None)
        if roster is not None and shown is not None and shown[0] is roster and shown[1] != len(roster.problems):
            self._show_status(roster)
            self._show_problems(roster)

    def check_next(self) -> str | None:
        # errors of the rules (RULE_ERRORS) do not stop the operator: they are
        # changed on the next step
        if not roster_usable(self.fenban.roster):
            return self.t("import_need")
        return None
