"""The step indicator at the top of every step: 导入 → 规则 → 分班 → 复核 → 导出."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..text import t

STEPS = ("step_import", "step_rules", "step_solve", "step_review", "step_export")


class StepBar(Static):
    """One line: the app name, then the five steps with the current one highlighted.

    ``warning`` (a few words, e.g. the roster file changed) takes the app name's
    place, drawn reversed, so 80 columns still hold the five steps."""

    def __init__(self, current: int, lang: str, warning: str = "", **kwargs) -> None:
        self.current = current
        self.lang = lang
        self.warning = warning
        super().__init__(self._build(), **kwargs)

    def set_warning(self, warning: str) -> None:
        if warning != self.warning:
            self.warning = warning
            self.update(self._build())

    def _build(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.warning:
            text.append(self.warning, style="bold reverse")
            text.append(" ")
        else:
            text.append(f" {t('app_title', self.lang)} ", style="bold")
            text.append("  ")
        for i, key in enumerate(STEPS):
            if i:
                text.append(" → ", style="dim")
            label = f" {i + 1} {t(key, self.lang)} "
            if i == self.current:
                text.append(label, style="bold reverse")
            elif i < self.current:
                text.append(label, style="bold")
            else:
                text.append(label, style="dim")
        return text

    @property
    def plain_text(self) -> str:
        """The bar as plain text (for tests and screen readers)."""
        return self._build().plain
