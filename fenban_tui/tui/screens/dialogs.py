"""Modal dialogs: the F1 help screen, the overwrite question and the sheet question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..text import t
from .base import localize_bindings


class HelpScreen(ModalScreen[None]):
    """Every key of the wizard.  Esc (or F1 again) closes it."""

    BINDINGS = [
        Binding("escape", "close", "key_close"),
        Binding("f1", "close", "key_close", show=False),
        Binding("ctrl+q", "app.quit", "key_quit"),
    ]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = t("help_title", self.lang)
            box.border_subtitle = t("help_close", self.lang)
            yield Static(Text(t("help_body", self.lang)), id="help-text")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y or Enter on the focused button; n or Esc says no."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_yes"),
        Binding("n,escape", "answer(False)", "key_no"),
        Binding("left,right", "app.focus_next", show=False),
        Binding("ctrl+q", "app.quit", "key_quit"),
    ]

    YES, NO = "key_yes", "key_no"  # button labels

    def __init__(self, question: str, lang: str) -> None:
        super().__init__()
        self.question = question
        self.lang = lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                yield Button(t(self.YES, self.lang) + " (y)", id="yes", variant="warning")
                yield Button(t(self.NO, self.lang) + " (n)", id="no", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class SheetScreen(ModalScreen["str | None"]):
    """Which sheet(s) of a workbook to read: ↑↓ and Enter choose; Esc keeps the
    current choice (answers None).  ``choices`` are (value, label); the current
    one is marked (*) and highlighted."""

    BINDINGS = [
        Binding("escape", "keep", "key_keep"),
        Binding("ctrl+q", "app.quit", "key_quit"),
    ]

    def __init__(self, question: str, choices: list[tuple[str, str]], current: str, lang: str,
                 title: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.choices = choices
        self.current = current
        self.lang = lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="sheet-box") as box:
            box.border_title = self.title_text or t("key_sheets", self.lang)
            box.border_subtitle = t("sheet_keys", self.lang)
            yield Static(Text(self.question), id="sheet-question")
            marks = self.title_text is None  # sheets: the current choice is marked (*)
            options = [Option(Text((("(*) " if value == self.current else "( ) ") if marks else "") + label),
                              id=str(i)) for i, (value, label) in enumerate(self.choices)]
            yield OptionList(*options, id="sheet-choices")
        yield Footer()

    def on_mount(self) -> None:
        choices = self.query_one("#sheet-choices", OptionList)
        values = [value for value, _ in self.choices]
        choices.highlighted = values.index(self.current) if self.current in values else 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[int(event.option.id or 0)][0])

    def action_keep(self) -> None:
        self.dismiss(None)


class ResumeScreen(ConfirmScreen):
    """On start: carry on with the saved session (y, the default) or start afresh (n)."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_resume"),
        Binding("n,escape", "answer(False)", "key_fresh"),
    ]
    YES, NO = "key_resume", "key_fresh"

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()
