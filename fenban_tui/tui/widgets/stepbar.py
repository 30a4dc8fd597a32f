"""The step indicator at the top of every step: 导入 → 规则 → 分班 → 复核 → 导出."""

from __future__ import annotations

from pathlib import Path

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
        # drawn again also when the same warning now reads otherwise (the file went)
        if warning != self.warning or self._shown_warning() != self._drawn:
            self.warning = warning
            self.update(self._build())

    def _shown_warning(self) -> str:
        """The warning as drawn: the roster file changed (``stale_bar``) is said as
        gone when the file named (the app's ``source_changed``) no longer exists."""
        if self.warning and self.warning == t("stale_bar", self.lang):
            try:
                path = getattr(self.app, "source_changed", None)
            except Exception:  # no app running (a bar built on its own)
                path = None
            if path:
                try:
                    gone = not Path(path).expanduser().exists()
                except OSError:
                    gone = True
                if gone:
                    return t("stale_gone_bar", self.lang)
        return self.warning

    def _build(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        warning = self._drawn = self._shown_warning()
        if warning:
            text.append(warning, style="bold reverse")
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
