"""What every step screen shares: the step bar on top, the Footer at the bottom,
and the hooks the app calls when moving between steps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer

from ..text import TEXT, t
from ..widgets import StepBar

if TYPE_CHECKING:
    from ..app import FenbanApp


def rule_error(problem) -> bool:
    """An error of the rules, not of the roster (``api.RULE_ERRORS``: a 每班至少
    demand the roster cannot meet, a column to balance it lacks): corrected on the
    rules step, so it must not keep the operator from getting there."""
    from ...core.api import RULE_ERRORS
    from ...core.session import problem_key

    return problem.level == "error" and problem_key(problem) in RULE_ERRORS


def rule_errors(roster) -> list:
    return [p for p in roster.errors if rule_error(p)] if roster is not None else []


def roster_usable(roster) -> bool:
    """The roster itself can be divided: students, and no error but the rules'."""
    return roster is not None and roster.n > 0 and all(rule_error(p) for p in roster.errors)


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Replace binding descriptions that are keys of ``TEXT`` by their text in ``lang``.

    BINDINGS are class attributes, but the language is chosen at run time; each
    instance gets its own copy of the bindings map, so it is safe to rewrite it.
    """
    kb = node._bindings.key_to_bindings
    for key, bindings in list(kb.items()):
        kb[key] = [replace(b, description=t(b.description, lang)) if b.description in TEXT else b
                   for b in bindings]


class StepScreen(Screen):
    """A wizard step.  Subclasses set STEP and implement compose_body()."""

    STEP = 0
    # the step shows why it cannot go on in its own status line (no toast: a
    # toast is half the screen wide, and goes)
    SAYS_WHY = False

    def __init__(self) -> None:
        super().__init__()
        localize_bindings(self, self.lang)

    @property
    def fenban(self) -> "FenbanApp":
        return self.app  # type: ignore[return-value]

    @property
    def lang(self) -> str:
        return self.fenban.lang

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def compose(self) -> ComposeResult:
        yield StepBar(self.STEP, self.lang, warning=self._bar_warning(), id="stepbar")
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        return
        yield

    def _bar_warning(self) -> str:
        """The step bar's warning: the roster file changed (or is gone) after the
        session was saved; else a rule the roster (usable itself) cannot meet, to change on 规则."""
        app = self.fenban
        if app.source_changed:
            try:
                gone = not Path(app.source_changed).expanduser().exists()
            except OSError:
                gone = True
            return self.t("stale_gone_bar" if gone else "stale_bar")
        if roster_usable(app.roster) and rule_errors(app.roster):
            return self.t("rules_bar")
        return ""

    def show_source_changed(self) -> None:
        """Say (in the step bar) whether the roster file changed after the session
        was saved, or a rule must be changed; the app calls it when that changes
        and when the step is shown."""
        try:
            self.query_one(StepBar).set_warning(self._bar_warning())
        except NoMatches:  # not composed yet: compose() reads the app's state
            return
        self.source_changed_shown()

    def source_changed_shown(self) -> None:
        """A step that says more about the changed roster file (import, export) does so here."""

    # hooks used by the app ---------------------------------------------------

    def check_next(self) -> str | None:
        """None when the wizard may go on to the next step, else the reason why not."""
        return None

    def confirm_next(self) -> str | None:
        """A question to ask before going on (None: go on at once)."""
        return None

    def confirmed(self) -> None:
        """The operator said yes to ``confirm_next``'s question."""

    def leaving(self) -> None:
        """Called just before the app switches away from this step."""

    def entered(self) -> None:
        """Called after the app switched to this step."""
