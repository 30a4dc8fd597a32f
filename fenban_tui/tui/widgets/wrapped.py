"""An OptionList whose lines wrap the way Chinese text wraps.

Rich and Textual wrap at spaces only, so a line such as
``[错误] 第 3 行，列 性别(B)：性别“X”无法识别（可用：男/女…`` breaks after ``列``
and leaves most of a row empty: the rest has no space in it.  Here a line may
break between any two characters when one of them is a CJK (double-width)
character, never before closing punctuation (，。）…) nor after an opening one
(（“…), and still at spaces; an ASCII word is never split unless it is longer
than a row.  Continuation lines are indented under the text after the level
tag.  The lines are wrapped again when the list's width changes.
"""

from __future__ import annotations

from rich.cells import cell_len, get_character_cell_size
from rich.text import Text
from textual.widgets import OptionList, Static

NO_BREAK_BEFORE = frozenset("，。、：；！？）》」』”’〕】,.:;!?)]}%…·")
NO_BREAK_AFTER = frozenset("（《「『“‘〔【([{")


def _break_ok(s: str, i: int) -> bool:
    """May a line break between s[i-1] and s[i]?"""
    a, b = s[i - 1], s[i]
    if b in NO_BREAK_BEFORE or a in NO_BREAK_AFTER or b == " ":
        return False
    if a == " ":
        return True
    return get_character_cell_size(a) == 2 or get_character_cell_size(b) == 2


def wrap_offsets(s: str, width: int, indent: int = 0) -> list[int]:
    """Where to break ``s`` (no newlines in it) so each line fits ``width``
    cells, the lines after the first ``indent`` cells narrower."""
    offsets: list[int] = []
    start, i, best = 0, 0, None
    while i < len(s):
        limit = max(width - (indent if offsets else 0), 2)
        if i > start and _break_ok(s, i):
            best = i
        if i > start and cell_len(s[start:i + 1].rstrip()) > limit:
            cut = best if best is not None and best > start else i
            offsets.append(cut)
            start, best = cut, None
            while start < len(s) and s[start] == " ":  # a line starts with no space
                start += 1
            i = start
            continue
        i += 1
    return offsets


def wrap_text(text: Text, width: int, indent: int = 0) -> Text:
    """``text`` with newlines put in where it must wrap at ``width`` cells
    (see ``wrap_offsets``); continuation lines start with ``indent`` spaces."""
    if width <= 0:
        return text
    out: list[Text] = []
    for line in text.split("\n", allow_blank=True):
        cuts = wrap_offsets(line.plain, width, indent)
        for n, piece in enumerate(line.divide(cuts)):
            piece.rstrip()
            if n:
                lead = len(piece.plain) - len(piece.plain.lstrip(" "))
                piece = Text(" " * indent) + piece[lead:]
            out.append(piece)
    return Text("\n").join(out)


class WrappedStatic(Static):
    """A Static holding one ``rich.text.Text`` wrapped by ``wrap_text`` to its
    width (again when the width changes): a dialog's question."""

    def __init__(self, text: Text, *args, **kwargs) -> None:
        super().__init__(text, *args, **kwargs)
        self._text = text
        self._wrapped_at = 0

    def on_resize(self) -> None:
        width = self.content_region.width
        if width and width != self._wrapped_at:
            self._wrapped_at = width
            self.update(wrap_text(self._text, width))


class WrappedOptionList(OptionList):
    """An OptionList of ``rich.text.Text`` prompts wrapped by ``wrap_text``;
    each prompt has its own continuation indent (e.g. the width of its tag)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prompts: list[tuple[Text, int]] = []
        self._wrapped_at = 0

    def _text_width(self) -> int:
        """The cells a prompt's line has, a vertical scrollbar allowed for."""
        width = (self.scrollable_content_region.width - self._get_left_gutter_width()
                 - self.get_component_styles("option-list--option").padding.width)
        if not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        return width

    def clear_options(self):
        self._prompts = []
        return super().clear_options()

    def add_wrapped(self, prompts: list[tuple[Text, int]]) -> None:
        """Add options, each a (prompt, continuation indent) pair."""
        width = self._text_width()
        self._prompts.extend(prompts)
        self._wrapped_at = width
        self.add_options([wrap_text(text, width, indent) for text, indent in prompts])

    def on_resize(self) -> None:
        width = self._text_width()
        if width == self._wrapped_at or not self._prompts:
            return
        self._wrapped_at = width
        for index, (text, indent) in enumerate(self._prompts):
            self.replace_option_prompt_at_index(index, wrap_text(text, width, indent))
