"""FenbanApp: the five-step wizard 导入 → 规则 → 分班 → 复核 → 导出.

The app holds the wizard's state (roster, rules, placement, written files); each
step is a screen in its own Textual *mode*, so a step keeps its widgets when the
operator moves back and forth.  The core is reached only through plain calls in
``fenban_tui.core.api``; slow calls run in thread workers.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from functools import partial
from pathlib import Path

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input, Static

from ..core.api import Rules, placement_of
from ..core.review import Review
from ..core.session import Session, SessionStore, rules_dict, rules_of
from ..i18n import set_lang
from .screens.base import StepScreen, localize_bindings, rule_error
from .screens.dialogs import DiscardScreen, HelpScreen, ResumeOtherScreen, ResumeScreen
from .screens.export_step import ExportScreen
from .screens.import_step import ImportScreen
from .screens.review_step import ReviewScreen
from .screens.rules_step import RulesScreen
from .screens.solve_step import SolveScreen
from .text import t

STEP_MODES = ("import", "rules", "solve", "review", "export")
ANSI_BASE = BUILTIN_THEMES["ansi-dark"]
# ansi-dark draws unfocused borders (and their titles) in ANSI black: invisible on a
# black terminal.  Bright black (grey) shows on dark and light backgrounds alike.
ANSI_THEME = replace(ANSI_BASE, name="fenban-ansi",
                     variables={**ANSI_BASE.variables, "border-blurred": "ansi_bright_black"})
DEFAULT_OUT = "分班结果"
SAVE_DELAY = 0.5  # seconds after the last keystroke before the session is saved


def roster_key(roster) -> tuple[str, ...] | None:
    """Which roster is loaded: its file, the sheet(s) read, the header row and what
    each column was taken as.  Reloading the same file keeps the operator's choices;
    another roster (another sheet, another column map) starts from the defaults."""
    if roster is None:
        return None
    try:
        path = str(Path(roster.path).expanduser().resolve())
    except (OSError, RuntimeError):
        path = str(roster.path)
    return (path, str(getattr(roster, "sheet", "") or ""), str(getattr(roster, "header_row", "")),
            repr(getattr(roster, "cmap", None)))


def placing_rules(rules: Rules) -> str:
    """The rules as far as they decide who goes where (all but the class names)."""
    return repr(sorted((k, v) for k, v in rules.as_dict().items() if k != "label_pattern"))


# which rules differ (``Rules`` fields), in the words of the rules step's status line
_DIFFER = {"classes": "differ_classes", "class_size": "differ_classes", "seed": "differ_seed",
           "scores": "differ_balance", "balance_total": "differ_balance", "balance_gender": "differ_balance",
           "balance_school": "differ_balance", "balance_boarding": "differ_balance", "categories": "differ_balance",
           "balance_birth": "differ_balance", "total_deciles": "differ_balance", "priority": "differ_balance",
           "same_name_apart": "differ_hard", "same_name_sound": "differ_hard", "use_together": "differ_hard",
           "use_apart": "differ_hard", "use_pins": "differ_hard", "together_extra": "differ_hard",
           "apart_extra": "differ_hard", "pins_extra": "differ_hard", "at_least": "differ_at_least"}


def rules_differ(a: Rules, b: Rules) -> list[str]:
    """The text keys (``differ_*``) of the rules that place students differently
    in ``a`` and ``b``, in the order the rules step shows them; [] when none."""
    da, db = a.as_dict(), b.as_dict()
    keys = [_DIFFER.get(k, "differ_other") for k in dict.fromkeys([*da, *db])
            if k != "label_pattern" and da.get(k) != db.get(k)]
    return list(dict.fromkeys(keys))


def review_edits(saved: Session) -> dict[str, int] | None:
    """The hand edits a saved session's review holds, as the review counts them
    (students moved, students and classes locked); None when it holds none
    (nothing to undo either)."""
    rv = saved.review if saved.result is not None and isinstance(saved.review, dict) else None
    if not rv:
        return None
    counts = {"moved": len(rv.get("edited") or []), "locked": len(rv.get("locked") or []),
              "classes": len(rv.get("locked_classes") or [])}
    return counts if any(counts.values()) or rv.get("undo") else None


def same_roster(a, b) -> bool:
    """The same roster read twice: same file, sheets, header, column map, rows
    and values as parsed (gender codes mapped another way give other values)."""
    try:
        return (roster_key(a) == roster_key(b) and a.table.equals(b.table) and a.values.equals(b.values)
                and [p.key for p in a.problems] == [p.key for p in b.problems])
    except Exception:  # frames that cannot be compared are not the same
        return False


def fresh_rules(rules: Rules) -> Rules:
    """The default rules for a newly loaded roster.

    Everything that depends on the roster's columns (the class count, what to
    balance, the hard rules) goes back to ``Rules()``; the operator's free-text
    choices (seed — cleared by ``set_roster`` for another file —, class name
    pattern, the 每班至少 demands: typed, and shown in their box, so never dropped unseen; one the new roster cannot meet is said on
    导入 and 规则), the search effort and the import settings the roster was just
    read with (sheet, header row, column map, gender codes: the import step resets
    those itself for another file) are kept.
    """
    return replace(Rules(), seed=rules.seed, label_pattern=rules.label_pattern, effort=rules.effort,
                   at_least=dict(rules.at_least), sheet=rules.sheet, header_row=rules.header_row,
                   columns=dict(rules.columns), gender_codes=dict(rules.gender_codes))


class FenbanApp(App):
    CSS_PATH = "fenban.tcss"
    # ctrl+p is "previous step" here: the palette opens with ctrl+k and lists
    # the wizard's own commands (steps, the current step's keys, help, quit)
    COMMAND_PALETTE_BINDING = "ctrl+k"
    MODES = {
        "import": ImportScreen,
        "rules": RulesScreen,
        "solve": SolveScreen,
        "review": ReviewScreen,
        "export": ExportScreen,
    }
    BINDINGS = [
        Binding("ctrl+n", "next_step", "key_next", priority=True),
        Binding("ctrl+p", "prev_step", "key_prev", priority=True),
        Binding("f1", "help", "key_help", priority=True),
        Binding("ctrl+q", "quit", "key_quit", priority=True),
    ]

    def __init__(self, roster_path: str | None = None, lang: str = "zh", demo: bool = False) -> None:
        super().__init__()
        self.lang = "en" if str(lang).lower().startswith("en") else "zh"
        set_lang(self.lang)
        self.roster_path = str(roster_path) if roster_path else None
        self.demo = demo
        self.title = t("app_title", self.lang)
        localize_bindings(self, self.lang)
        # Footer order = binding order; the inherited ctrl+q would otherwise come first
        keys = self._bindings.key_to_bindings
        keys["ctrl+q"] = keys.pop("ctrl+q")
        if "ctrl+k" in keys:
            keys["ctrl+k"] = [replace(b, description=t("key_palette", self.lang)) for b in keys["ctrl+k"]]
        self.step = 0
        # wizard state
        self.roster = None
        self.roster_version = 0
        # no seed until the operator types the one drawn in public (Rules()'s "1" is
        # the CLI's default, said aloud there; a wizard draw must not slip into it)
        self.rules = replace(Rules(), seed="")
        self.rules_roster: tuple[str, ...] | None = None  # roster_key() the rules belong to
        # the rules step's text boxes as typed since the rules were last taken ("classes",
        # "seed", "labels", "at_least"), saved with the session so a box half typed
        # comes back as it was
        self.rules_form: dict[str, str] = {}
        self.placement = None
        self.placement_key: tuple | None = None
        self.solve_cancel: threading.Event | None = None
        self.quit_pending = False
        self.out_dir = DEFAULT_OUT
        self.teachers = ""  # the head teachers typed on the export step, as typed
        self.session_dirty = False  # typed text not yet saved (save_soon saves it shortly)
        self._save_timer = None
        self.written: list[Path] = []
        self.written_key: tuple | None = None
        self.review: Review | None = None  # hand edits on the placement (复核)
        self._kept: tuple | None = None  # the state while the same roster is read again
        self.sessions: SessionStore | None = None
        self._save_failed = False
        # a resumed session whose roster file changed (or went) after it was saved: the
        # file's path while the saved copy is in use, said on every step until it is read again
        self.source_changed: str | None = None

    # ------------------------------------------------------------------ state

    def set_roster(self, roster) -> bool:
        """Load ``roster`` (None while a file is being read).  Reading the same
        roster again (same file, sheet, columns and contents) keeps the result
        and every review edit; returns True when it did."""
        if self.source_changed is not None:
            self.set_source_changed(None)  # the file is read again: what is loaded is what it holds
        if roster is None:
            if self.roster is not None:
                self._kept = (self.roster, self.roster_version, self.placement, self.placement_key, self.review)
        else:
            kept, self._kept = self._kept, None
            if kept is not None and same_roster(kept[0], roster):
                self.roster, self.roster_version, self.placement, self.placement_key, self.review = kept
                return True
        self.roster = roster
        self.roster_version += 1
        self.placement = None
        self.placement_key = None
        self.review = None
        key = roster_key(roster)
        if key is not None and key != self.rules_roster:
            # another roster: its checklists start from the defaults, never from
            # what the previous roster had (or lacked)
            self.rules = fresh_rules(self.rules)
            self.rules_form.pop("classes", None)  # the class count typed was for the other roster
            if self.rules_roster is not None and key[0] != self.rules_roster[0]:
                # another file: a seed drawn for the other roster is not this one's (the
                # roster's SHA-256 is published first, then the seed drawn)
                had = self.rules.seed or self.rules_form.get("seed", "")
                self.rules = replace(self.rules, seed="")
                self.rules_form.pop("seed", None)
                if had:
                    self.notify(t("seed_cleared", self.lang), timeout=8)
            self.rules_roster = key
        if roster is not None:  # a roster just read is not lost with a dropped terminal
            self.call_later(self.save_session)
        return False

    def set_rules(self, rules: Rules) -> None:
        self.rules = rules
        self.rules_roster = roster_key(self.roster)
        p = self.placement
        if p is not None and placing_rules(p.rules) == placing_rules(rules) and p.rules != rules:
            # only the class names changed: rename the classes, place nobody again
            p.model.labels = rules.labels(p.model.k)
            p.rules = rules
            p.result.labels = p.model.labels
            self.placement_key = self.current_key()
            self.save_session()
        self.call_after_refresh(self.show_rules_differ)

    def restore_placement_rules(self) -> None:
        """The rules step's form goes back to the rules the current classes were
        made with (``placement.rules``): the classes and every review edit stay,
        and what is exported (made from ``placement.rules``) is what the form says."""
        p = self.placement
        if p is None:
            return
        self.rules = replace(p.rules)
        self.rules_roster = roster_key(self.roster)
        self.rules_form = {}  # the boxes show the rules, nothing typed is pending
        screen = self.screen
        if isinstance(screen, RulesScreen):
            screen._populate()  # the boxes and checklists from app.rules (rules_step's own filling)
            screen._pending = None
            status = screen.query_one("#rules-status", Static)
            status.set_classes("status ok")
            status.update(Text(t("rules_restored", self.lang, seed=p.rules.seed)))
        self.save_session()

    def show_rules_differ(self) -> None:
        """On 规则: the status line says when the rules on the form place students
        otherwise than the rules the current classes were made with (and goes
        back to its usual words when they no longer do).  An error the operator
        must correct is said first: it is left alone."""
        screen = self.screen
        if not isinstance(screen, RulesScreen):
            return
        try:
            status = screen.query_one("#rules-status", Static)
        except Exception:  # not composed yet
            return
        if "error" in status.classes:
            return
        p = self.placement
        differ = rules_differ(p.rules, self.rules) if p is not None else []
        if differ:
            sep = ", " if self.lang == "en" else "、"
            what = sep.join(t(k, self.lang) for k in differ)
            lost = self.review_would_be_lost(self.rules)
            text = (t("rules_differ_review", self.lang, what=what, n=lost) if lost
                    else t("rules_differ", self.lang, what=what))
            status.set_classes("status busy differ")
            status.update(Text(text))
        elif status.has_class("differ"):
            status.set_classes("status")
            status.update(Text(t("rules_enter", self.lang)))

    def on_input_changed(self, event: Input.Changed) -> None:
        # a box of the rules step changed (its own handler ran first): whether the
        # form still differs from the current classes' rules
        if isinstance(self.screen, RulesScreen):
            self.show_rules_differ()

    def accept_rules(self, rules: Rules) -> None:
        """The rules step took ``rules`` (checked against the roster there): errors
        of the earlier rules found when the roster was read (``RULE_ERRORS``) are
        settled; a demand that still cannot be met is said by the solve step.  The
        boxes are the rules now: nothing typed is pending (``rules_form``)."""
        self.set_rules(rules)
        self.rules_form = {}
        roster = self.roster
        if roster is not None and any(rule_error(p) for p in roster.problems):
            roster.problems = [p for p in roster.problems if not rule_error(p)]
            self.save_session()

    def review_edit_count(self) -> int:
        """The review's hand edits and locks (what a new solve or another roster throws away)."""
        rv = self.review
        return 0 if rv is None else len(rv.undo_stack) + len(rv.locked) + len(rv.locked_classes)

    def review_would_be_lost(self, rules: Rules) -> int:
        """How many review edits a new solve for ``rules`` would throw away (0
        when the rules place the students as before)."""
        p = self.placement
        if p is None or placing_rules(p.rules) == placing_rules(rules):
            return 0
        return self.review_edit_count()

    def current_key(self) -> tuple:
        """What a placement depends on: the roster loaded and the rules that
        place students (the class-name pattern only names the classes)."""
        return (self.roster_version, placing_rules(self.rules))

    def set_placement(self, placement, key: tuple | None) -> None:
        self.placement = placement
        self.placement_key = key
        self.review = None  # a new placement: the review starts from it
        self.save_session()

    def start_review(self) -> None:
        """Begin reviewing the current placement (its classes are the solver's result)."""
        self.review = Review(self.placement.model, self.placement.classes) if self.placement else None

    def review_changed(self) -> None:
        """After a hand edit: the placement (what is exported) follows the review; saved."""
        if self.placement is not None and self.review is not None:
            self.placement.result.classes = self.review.classes.copy()
        self.save_session()

    # ------------------------------------------------------------------ session

    def save_session(self) -> None:
        """Everything needed to carry on after a killed terminal, written atomically.
        A failure is said once and never stops the wizard.  Without a roster
        (none read yet, or another being read) there is nothing to carry on
        with: the session saved before, if any, keeps its own roster."""
        if self.sessions is None or self.roster is None:
            return
        p = self.placement
        session = Session(step=STEP_MODES[self.step], rules=rules_dict(self.rules), rules_form=dict(self.rules_form),
                          out_dir=self.out_dir, teachers=self.teachers,
                          result=p.classes.tolist() if p is not None else None,
                          placement_rules=rules_dict(p.rules) if p is not None else None,
                          review=self.review.to_dict() if self.review is not None else None)
        try:
            self.sessions.save(session, self.roster)
            self.session_dirty = False
        except Exception as exc:  # a full disk, a read-only home: warn, carry on
            if not self._save_failed:
                self._save_failed = True
                self.notify(t("session_save_failed", self.lang, reason=str(exc) or type(exc).__name__),
                            severity="warning", timeout=10)

    def save_soon(self) -> None:
        """Save the session shortly after the typing stops (one write, not one a
        key); ctrl+q and a step change save it at once."""
        self.session_dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_now)

    def save_now(self) -> None:
        """Save what was typed and not saved yet."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        if self.session_dirty:
            self.save_session()

    async def resume(self, session: Session) -> None:
        """Restore the saved session and show the step it was on."""
        store = self.sessions
        step = STEP_MODES.index(session.step) if session.step in STEP_MODES else 0
        try:
            roster = store.load_roster(session)
            if roster is None:
                raise ValueError("no roster snapshot")
            rules = rules_of(session)
            self.roster_path = session.roster_path
            self.set_roster(roster)
            self.set_rules(rules)
            self.rules_form = {str(k): str(v) for k, v in (session.rules_form or {}).items()}
            self.out_dir = session.out_dir or DEFAULT_OUT
            self.teachers = session.teachers or ""
            review = None
            if session.result is not None:
                # the rules it was solved with: the rules step may have been edited since
                solved = rules_of(session, placement=True)
                placement = placement_of(roster, solved, session.result)
                if session.review:
                    review = Review.from_dict(placement.model, session.review)
                    placement.result.classes = review.classes.copy()
                self.placement, self.placement_key = placement, (self.roster_version, placing_rules(solved))
            self.review = review
            store.adopt(roster, session)
        except Exception as exc:  # never a traceback: say so and start afresh
            self.roster, self.placement, self.review = None, None, None
            self.notify(t("session_resume_failed", self.lang, reason=str(exc) or type(exc).__name__),
                        severity="error", timeout=10)
            await self.go_to(0)
            return
        if store.source_changed(session):
            self.set_source_changed(session.roster_path)
            self.notify(t("session_source_changed", self.lang, path=session.roster_path), severity="warning",
                        timeout=15)
        if self.placement is None:
            step = min(step, 2)
        await self.go_to(step)

    def set_source_changed(self, path: str | None) -> None:
        """The roster file changed after the session was saved (``path``), or no
        longer (None: it was read again).  The step bar of the step shown says so
        at once; the other steps' bars are set when they are shown (``go_to``)."""
        self.source_changed = path
        screen = self.step_screen
        if screen is not None:
            screen.show_source_changed()

    def set_written(self, key: tuple, written: list[Path]) -> None:
        self.written_key = key
        self.written = written

    # ------------------------------------------------------------------ startup

    def on_mount(self) -> None:
        # 16-colour terminals get the ANSI theme: the terminal's own palette, no RGB guesses.
        # Not under NO_COLOR: Textual greys colours by their RGB, and the terminal's
        # own colours have none (everything would come out black on black).
        if self.console.color_system in ("standard", "windows") and not os.environ.get("NO_COLOR"):
            self.register_theme(ANSI_THEME)
            self.theme = ANSI_THEME.name
        if not self.is_headless:  # the solver's compiled searches, built while the operator reads and types
            from ..core.warmup import start_in_background

            start_in_background()
        try:
            self.sessions = SessionStore()
            saved = self.sessions.load()
        except Exception:  # no data directory: the wizard works without sessions
            self.sessions, saved = None, None
        if saved is not None and saved.snapshot:
            self.ask_resume(saved)
            return
        self.switch_mode("import")

    def ask_resume(self, saved: Session) -> None:
        """Carry on with the saved session (the default: Enter), or start afresh?"""
        step = t("step_" + saved.step, self.lang) if saved.step in STEP_MODES else saved.step
        asked = self.asked_for_other(saved)
        if asked:  # `fenban FILE`: resume the saved roster, or start afresh with FILE
            dialog = ResumeOtherScreen(t("session_ask_other", self.lang, old=saved.roster_path, new=asked,
                                         step=step, when=saved.saved_at), self.lang)
        else:
            dialog = ResumeScreen(t("session_ask", self.lang, path=saved.roster_path, step=step,
                                    when=saved.saved_at), self.lang)
        self.push_screen(dialog, partial(self._resume_answer, saved))

    def asked_for_other(self, saved: Session) -> str | None:
        """The roster file given on the command line (``fenban FILE``), as a full
        path, when it is not the saved session's roster; else None."""
        if not self.roster_path:
            return None
        try:
            asked = str(Path(self.roster_path).expanduser().resolve())
        except (OSError, RuntimeError):
            asked = str(self.roster_path)
        return None if asked == saved.roster_path else asked

    async def _resume_answer(self, saved: Session, yes: bool | None) -> None:
        if yes:
            await self.resume(saved)
            return
        edits = review_edits(saved)
        if edits:
            # the saved session is overwritten as soon as a roster is read (at once
            # when a file was named): hand edits are not thrown away on one key
            step = t("step_" + saved.step, self.lang) if saved.step in STEP_MODES else saved.step
            key = "session_discard_ask_other" if self.asked_for_other(saved) else "session_discard_ask"
            self.push_screen(DiscardScreen(t(key, self.lang, step=step, when=saved.saved_at, **edits), self.lang),
                             partial(self._discard_answer, saved))
            return
        await self.switch_mode("import")

    async def _discard_answer(self, saved: Session, yes: bool | None) -> None:
        if yes:
            await self.switch_mode("import")
        else:  # back to the first question, 继续上次 focused
            self.ask_resume(saved)

    # ------------------------------------------------------------------ navigation

    @property
    def step_screen(self) -> StepScreen | None:
        screen = self.screen
        return screen if isinstance(screen, StepScreen) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_step", "prev_step", "help") and isinstance(self.screen, ModalScreen):
            return False
        if action == "next_step" and self.step >= len(STEP_MODES) - 1:
            return False
        if action == "prev_step" and self.step == 0:
            return False
        return True

    async def go_to(self, step: int) -> None:
        current = self.step_screen
        if current is not None:
            current.leaving()
        self.step = step
        await self.switch_mode(STEP_MODES[step])
        screen = self.step_screen
        if screen is not None:
            screen.show_source_changed()
            screen.entered()
        self.show_rules_differ()
        self.refresh_bindings()
        self.save_session()

    async def action_next_step(self) -> None:
        screen = self.step_screen
        if screen is None:
            return
        if self.step >= len(STEP_MODES) - 1:
            self.notify(t("last_step", self.lang))
            return
        reason = screen.check_next()
        if reason:
            if not screen.SAYS_WHY:
                self.notify(reason, severity="warning")
            return
        question = screen.confirm_next()
        if question:
            from .screens.dialogs import ResolveScreen

            async def answered(yes: bool | str | None) -> None:
                if yes == "restore":  # ResolveScreen: the rules of the current classes, on the form again
                    self.restore_placement_rules()
                elif yes:
                    screen.confirmed()
                    await self.go_to(self.step + 1)
                else:  # nothing changed: the status line says the form differs from the classes' rules
                    self.show_rules_differ()

            self.push_screen(ResolveScreen(question, self.lang), answered)
            return
        await self.go_to(self.step + 1)

    async def action_prev_step(self) -> None:
        if self.step_screen is None:
            return
        if self.step == 0:
            self.notify(t("first_step", self.lang))
            return
        await self.go_to(self.step - 1)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette, SearchIcon

        class Palette(CommandPalette):
            def on_mount(self) -> None:
                self.query_one(SearchIcon).icon = ">"  # no emoji: LANG=C and old terminals

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(placeholder=t("cmd_placeholder", self.lang), id="--command-palette"))

    def get_system_commands(self, screen):
        from textual.app import SystemCommand

        for k, mode in enumerate(STEP_MODES):
            # the English word too, so the palette finds it typed without an IME
            alias = "" if self.lang == "en" else "  " + t("step_" + mode, "en").lower()
            yield SystemCommand(t("cmd_step", self.lang, step=t("step_" + mode, self.lang)) + alias,
                                t("cmd_step_help", self.lang), partial(self.walk_to, k))
        if isinstance(screen, StepScreen):
            for binding in screen.active_bindings.values():
                b = binding.binding
                if b.show and b.description:
                    yield SystemCommand(f"{b.description}  ({b.key_display or b.key})", t("cmd_key_help", self.lang),
                                        partial(screen.run_action, b.action))
        yield SystemCommand(t("key_help", self.lang) + "  (F1)", t("cmd_help_help", self.lang), self.action_help)
        yield SystemCommand(t("key_quit", self.lang) + "  (ctrl+q)", t("cmd_quit_help", self.lang), self.action_quit)

    async def walk_to(self, step: int) -> None:
        """Go to a step from the command palette: back at once, forward one
        step at a time through each step's own check."""
        if step <= self.step:
            if step < self.step:
                await self.go_to(step)
            return
        while self.step < step:
            before = self.step
            await self.action_next_step()
            if self.step == before:
                return

    def action_help(self) -> None:
        if not isinstance(self.screen, ModalScreen):
            self.push_screen(HelpScreen(self.lang))

    async def action_quit(self) -> None:
        if self.solve_cancel is not None and not self.quit_pending:
            # Stop the solver first: it stops at its next progress report (at once while
            # balancing; the CP-SAT preparation of a very large roster reports nothing).
            # The solve screen exits when the worker returns; ctrl+q again exits now.
            self.quit_pending = True
            self.solve_cancel.set()
            self.notify(t("quit_wait", self.lang), timeout=30)
            return
        self.save_now()  # text typed a moment ago, not saved yet
        self.exit(0)

    def on_unmount(self) -> None:
        if self.solve_cancel is not None:
            self.solve_cancel.set()
