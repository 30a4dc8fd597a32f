"""A list of on/off items drawn as ``[x]`` / ``[ ]``: readable in 16 colours,
in monochrome and under LANG=C (the stock SelectionList shows state by colour only)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class CheckList(OptionList):
    BINDINGS = [
        Binding("space,enter", "toggle", "toggle", show=False),
        Binding("plus,equals_sign", "priority(1)", "priority up", show=False),
        Binding("minus", "priority(-1)", "priority down", show=False),
    ]
    MARKS = {1: "  ·低", 2: "", 3: "  ·高"}  # priority marks (1 low, 2 normal, 3 high)

    class Changed(Message):
        def __init__(self, check_list: "CheckList") -> None:
            super().__init__()
            self.check_list = check_list

        @property
        def control(self) -> "CheckList":
            return self.check_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._items: list[tuple[str, str]] = []  # (value, label)
        self._on: set[str] = set()
        self._levels: dict[str, int] = {}  # items that take a priority: value -> 1..3
        self._marks = self.MARKS

    def set_items(self, items: list[tuple[str, str, bool]], levels: dict[str, int] | None = None,
                  marks: dict[int, str] | None = None) -> None:
        """Replace the items: (label, value, checked); ``levels`` gives the items
        that take a priority (+/- change it) their level, 1 low … 3 high."""
        self._items = [(value, label) for label, value, _ in items]
        self._on = {value for _, value, checked in items if checked}
        self._levels = dict(levels or {})
        self._marks = marks or self.MARKS
        self.clear_options()
        self.add_options([Option(self._prompt(v, lab), id=v) for v, lab in self._items])
        if self._items:
            self.highlighted = 0

    def _prompt(self, value: str, label: str) -> Text:
        text = Text()
        text.append("[x] " if value in self._on else "[ ] ", style="bold" if value in self._on else "")
        text.append(label)
        if value in self._levels:
            text.append(self._marks[self._levels[value]], style="bold")
        return text

    @property
    def levels(self) -> dict[str, int]:
        return dict(self._levels)

    def action_priority(self, step: int) -> None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self._items):
            return
        value, label = self._items[index]
        if value not in self._levels:
            return
        self._levels[value] = min(3, max(1, self._levels[value] + step))
        self.replace_option_prompt_at_index(index, self._prompt(value, label))
        self.post_message(self.Changed(self))

    @property
    def values(self) -> list[str]:
        """Every item's value, ticked or not."""
        return [v for v, _ in self._items]

    @property
    def selected(self) -> list[str]:
        return [v for v, _ in self._items if v in self._on]

    def is_checked(self, value: str) -> bool:
        return value in self._on

    def set_checked(self, value: str, on: bool) -> None:
        for index, (v, label) in enumerate(self._items):
            if v == value:
                (self._on.add if on else self._on.discard)(value)
                self.replace_option_prompt_at_index(index, self._prompt(v, label))
                self.post_message(self.Changed(self))
                return

    def action_toggle(self) -> None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self._items):
            return
        value = self._items[index][0]
        self.set_checked(value, value not in self._on)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # a mouse click selects: treat it as a toggle too
        event.stop()
        self.action_toggle()
