"""FenbanApp: the four-step wizard 导入 → 规则 → 分班 → 导出.

The app holds the wizard's state (roster, rules, placement, written files); each
step is a screen in its own Textual *mode*, so a step keeps its widgets when the
operator moves back and forth.  The core is reached only through plain calls in
``fenban_tui.core.api``; slow calls run in thread workers.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.theme import BUILTIN_THEMES

from ..core.api import Rules
from ..i18n import set_lang
from .screens.base import StepScreen, localize_bindings
from .screens.dialogs import HelpScreen
from .screens.export_step import ExportScreen
from .screens.import_step import ImportScreen
from .screens.rules_step import RulesScreen
from .screens.solve_step import SolveScreen
from .text import t

STEP_MODES = ("import", "rules", "solve", "export")
ANSI_BASE = BUILTIN_THEMES["ansi-dark"]
# ansi-dark draws unfocused borders (and their titles) in ANSI black: invisible on a
# black terminal.  Bright black (grey) shows on dark and light backgrounds alike.
ANSI_THEME = replace(ANSI_BASE, name="fenban-ansi",
                     variables={**ANSI_BASE.variables, "border-blurred": "ansi_bright_black"})
DEFAULT_OUT = "分班结果"


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


def fresh_rules(rules: Rules) -> Rules:
    """The default rules for a newly loaded roster.

    Everything that depends on the roster's columns (the class count, what to
    balance, the hard rules) goes back to ``Rules()``; the operator's free-text
    choices that mean the same for any roster (seed, class name pattern), the
    search effort and the import settings the roster was just read with (sheet,
    header row, column map, gender codes: the import step resets those itself for
    another file) are kept.
    """
    return replace(Rules(), seed=rules.seed, label_pattern=rules.label_pattern, effort=rules.effort,
                   sheet=rules.sheet, header_row=rules.header_row, columns=dict(rules.columns),
                   gender_codes=dict(rules.gender_codes))


class FenbanApp(App):
    CSS_PATH = "fenban.tcss"
    ENABLE_COMMAND_PALETTE = False  # ctrl+p is "previous step" here
    MODES = {
        "import": ImportScreen,
        "rules": RulesScreen,
        "solve": SolveScreen,
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
        self.step = 0
        # the CLI's default seed: the wizard and `fenban ROSTER` give the same classes
        self.default_seed = Rules().seed
        # wizard state
        self.roster = None
        self.roster_version = 0
        self.rules = Rules()
        self.rules_roster: tuple[str, ...] | None = None  # roster_key() the rules belong to
        self.placement = None
        self.placement_key: tuple | None = None
        self.solve_cancel: threading.Event | None = None
        self.quit_pending = False
        self.out_dir = DEFAULT_OUT
        self.written: list[Path] = []
        self.written_key: tuple | None = None

    # ------------------------------------------------------------------ state

    def set_roster(self, roster) -> None:
        self.roster = roster
        self.roster_version += 1
        self.placement = None
        self.placement_key = None
        key = roster_key(roster)
        if key is not None and key != self.rules_roster:
            # another roster: its checklists start from the defaults, never from
            # what the previous roster had (or lacked)
            self.rules = fresh_rules(self.rules)
            self.rules_roster = key

    def set_rules(self, rules: Rules) -> None:
        self.rules = rules
        self.rules_roster = roster_key(self.roster)

    def current_key(self) -> tuple:
        """What a placement depends on: the roster loaded and the rules."""
        return (self.roster_version, repr(sorted(self.rules.as_dict().items())))

    def set_placement(self, placement, key: tuple | None) -> None:
        self.placement = placement
        self.placement_key = key

    def set_written(self, key: tuple, written: list[Path]) -> None:
        self.written_key = key
        self.written = written

    # ------------------------------------------------------------------ startup

    def on_mount(self) -> None:
        # 16-colour terminals get the ANSI theme: the terminal's own palette, no RGB guesses.
        if self.console.color_system in ("standard", "windows"):
            self.register_theme(ANSI_THEME)
            self.theme = ANSI_THEME.name
        self.switch_mode("import")

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
            screen.entered()
        self.refresh_bindings()

    async def action_next_step(self) -> None:
        screen = self.step_screen
        if screen is None:
            return
        if self.step >= len(STEP_MODES) - 1:
            self.notify(t("last_step", self.lang))
            return
        reason = screen.check_next()
        if reason:
            self.notify(reason, severity="warning")
            return
        await self.go_to(self.step + 1)

    async def action_prev_step(self) -> None:
        if self.step_screen is None:
            return
        if self.step == 0:
            self.notify(t("first_step", self.lang))
            return
        await self.go_to(self.step - 1)

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
        self.exit(0)

    def on_unmount(self) -> None:
        if self.solve_cancel is not None:
            self.solve_cancel.set()
