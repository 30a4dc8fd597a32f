"""Step 2 规则: class count, seed, class names, what to balance, the hard rules."""

from __future__ import annotations

import math
from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from ...core.api import Rules
from ..widgets import CheckList
from .base import StepScreen


def suggested_classes(n: int, per_class: int) -> int:
    return max(1, math.ceil(n / per_class))


def labels_preview(pattern: str, k: int, lang: str = "zh") -> str:
    labels = Rules(label_pattern=pattern).labels(k)
    sep = ", " if lang == "en" else "、"
    if k <= 4:
        return sep.join(labels)
    return sep.join(labels[:3]) + " … " + labels[-1]


class RulesScreen(StepScreen):
    STEP = 1

    def __init__(self) -> None:
        super().__init__()
        self._roster_version = -1

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="rules-main"):
            with Vertical(id="rules-form"):
                yield Label(self.t("rules_classes"), classes="field-label")
                yield Input(id="classes", type="integer", max_length=4)
                yield Static("", id="classes-hint", classes="hint")
                yield Label(self.t("rules_seed"), classes="field-label")
                yield Input(id="seed", max_length=60)
                yield Label(self.t("rules_labels"), classes="field-label")
                yield Input(id="labels", max_length=40)
                yield Static("", id="labels-hint", classes="hint")
            with Vertical(id="rules-lists"):
                balance = CheckList(id="balance")
                balance.border_title = self.t("rules_balance")
                yield balance
                hard = CheckList(id="hard")
                hard.border_title = self.t("rules_hard")
                yield hard
        yield Static(Text(self.t("rules_enter")), id="rules-status", classes="status")

    def entered(self) -> None:
        app = self.fenban
        if app.roster is not None and app.roster_version != self._roster_version:
            self._roster_version = app.roster_version
            self._populate()
        self.query_one("#classes", Input).focus()

    # ------------------------------------------------------------------ form

    def _populate(self) -> None:
        app = self.fenban
        roster, rules = app.roster, app.rules
        n = roster.n
        cm = roster.cmap
        k50, k45 = suggested_classes(n, 50), suggested_classes(n, 45)
        k = rules.classes if (rules.classes and app.rules_roster == roster.path and rules.classes <= n) else k50
        self.query_one("#classes", Input).value = str(k)
        self.query_one("#classes-hint", Static).update(Text(self.t("rules_classes_hint", n=n, k50=k50, k45=k45)))
        self.query_one("#seed", Input).value = str(rules.seed)
        self.query_one("#labels", Input).value = rules.label_pattern

        balance = self.query_one("#balance", CheckList)
        items: list[tuple[str, str, bool]] = []
        if cm.gender:
            items.append((self.t("opt_gender"), "gender", rules.balance_gender))
        if cm.school:
            items.append((self.t("opt_school", col=cm.school), "school", rules.balance_school))
        if cm.boarding:
            items.append((self.t("opt_boarding", col=cm.boarding), "boarding", rules.balance_boarding))
        if cm.total:
            items.append((self.t("opt_total", col=cm.total), "total", rules.balance_total))
        for col in cm.scores:
            on = rules.scores is None or col in rules.scores
            items.append((self.t("opt_score", col=col), f"score:{col}", on))
        if "_birth" in roster.values.columns:
            on = rules.balance_birth if rules.balance_birth is not None else not (cm.scores or cm.total)
            items.append((self.t("opt_birth"), "birth", on))
        balance.set_items(items)

        hard = self.query_one("#hard", CheckList)
        hitems: list[tuple[str, str, bool]] = [(self.t("opt_same_name"), "same_name", rules.same_name_apart)]
        if cm.together:
            hitems.append((self.t("opt_together", col=cm.together), "together", rules.use_together))
        if cm.apart:
            hitems.append((self.t("opt_apart", col=cm.apart), "apart", rules.use_apart))
        if cm.pin:
            hitems.append((self.t("opt_pins", col=cm.pin), "pins", rules.use_pins))
        hard.set_items(hitems)
        self._update_labels_hint()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("classes", "labels"):
            self._update_labels_hint()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.fenban.action_next_step()

    def _update_labels_hint(self) -> None:
        hint = self.query_one("#labels-hint", Static)
        try:
            k = int(self.query_one("#classes", Input).value)
        except ValueError:
            k = 0
        pattern = self.query_one("#labels", Input).value
        if 1 <= k <= 999 and pattern.strip():
            hint.update(Text(self.t("rules_labels_preview", labels=labels_preview(pattern.strip(), k, self.lang))))
        else:
            hint.update("")

    def read_rules(self) -> Rules | str:
        """The rules on the form, or a message saying what is wrong with them."""
        app = self.fenban
        n = app.roster.n if app.roster is not None else 0
        try:
            k = int(self.query_one("#classes", Input).value.strip())
        except ValueError:
            return self.t("rules_classes_bad", n=n)
        if not 1 <= k <= n:
            return self.t("rules_classes_bad", n=n)
        pattern = self.query_one("#labels", Input).value.strip()
        if not pattern:
            return self.t("rules_labels_bad")
        labels = Rules(label_pattern=pattern).labels(k)
        if len(set(labels)) != k:
            return self.t("rules_labels_dup")
        seed = self.query_one("#seed", Input).value.strip() or app.default_seed
        chosen = set(self.query_one("#balance", CheckList).selected)
        hard = set(self.query_one("#hard", CheckList).selected)
        cm = app.roster.cmap
        scores = [c for c in cm.scores if f"score:{c}" in chosen]
        return replace(
            app.rules,
            classes=k,
            class_size=None,
            seed=seed,
            label_pattern=pattern,
            balance_gender="gender" in chosen,
            balance_school="school" in chosen,
            balance_boarding="boarding" in chosen,
            balance_total="total" in chosen,
            scores=None if len(scores) == len(cm.scores) else scores,
            balance_birth=("birth" in chosen) if "_birth" in app.roster.values.columns else None,
            same_name_apart="same_name" in hard,
            use_together="together" in hard if cm.together else app.rules.use_together,
            use_apart="apart" in hard if cm.apart else app.rules.use_apart,
            use_pins="pins" in hard if cm.pin else app.rules.use_pins,
        )

    def check_next(self) -> str | None:
        if self.fenban.roster is None:
            return self.t("import_need")
        rules = self.read_rules()
        status = self.query_one("#rules-status", Static)
        if isinstance(rules, str):
            status.set_classes("status error")
            status.update(Text(rules))
            return rules
        status.set_classes("status")
        status.update(Text(self.t("rules_enter")))
        self.fenban.set_rules(rules)
        return None
