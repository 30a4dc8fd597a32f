"""Step 2 规则: class count, seed, class names, what to balance, the hard rules."""

from __future__ import annotations

import math
from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from ...core.api import Rules
from ...i18n import FenbanError, tr
from ..text import t
from ..widgets import CheckList
from .base import StepScreen, rule_errors
from .dialogs import RuleEditor

# the text boxes kept as typed (``FenbanApp.rules_form``): input id -> key
FORM_BOXES = {"classes": "classes", "seed": "seed", "labels": "labels", "at-least": "at_least"}


def suggested_classes(n: int, per_class: int) -> int:
    return max(1, math.ceil(n / per_class))


LABELS_PREVIEW_WIDTH = 34  # terminal cells for the names on the 班名 line (one line at 80 columns)


def labels_preview(pattern: str, k: int, lang: str = "zh", width: int = LABELS_PREVIEW_WIDTH) -> str:
    """The class names a pattern gives, as many of the first as fit ``width``
    cells (a Chinese character is two), then … and the last: one line."""
    from rich.cells import cell_len

    labels = Rules(label_pattern=pattern).labels(k)
    sep = ", " if lang == "en" else "、"
    if k <= 4 and cell_len(sep.join(labels)) <= width:
        return sep.join(labels)
    for first in (3, 2, 1):
        text = sep.join(labels[:first]) + " … " + labels[-1]
        if cell_len(text) <= width or first == 1:
            return text
    return text  # pragma: no cover


def roster_hash(roster) -> str:
    """The roster file's SHA-256 (what the manifest records), or "" if unreadable."""
    from ...core.manifest import roster_sha256

    try:
        return roster_sha256(roster.path)
    except OSError:
        return ""


def grouped_hash(digest: str) -> str:
    """64 hex digits as two lines of four groups of eight, easy to read aloud."""
    if not digest:
        return "—"
    groups = [digest[i:i + 8] for i in range(0, len(digest), 8)]
    return " ".join(groups[:4]) + "\n" + " ".join(groups[4:])


def read_at_least(text: str, roster, lang: str, classes: int | None = None) -> dict[str, int] | str:
    """The 每班至少 box (``性别=女:1；住宿=是:2``) as the rules keep it, or the
    message saying what is wrong (a bad spelling, a column or value the roster
    lacks, and — given the class count — a demand the roster has too few such
    students for), worded for a per-class minimum and short: one 80-column
    line, two when the column's values (at most eight listed) are long."""
    from ...core.model import at_least_dict, minimums_of, parse_at_least_all

    out: dict[str, int] = {}
    try:
        # split as the CLI's --at-least is: at ；or ;, at commas between whole demands
        out = at_least_dict(parse_at_least_all(text) if text.strip() else [])
        if out and roster is not None:
            cats: list = []
            for d in minimums_of(roster, Rules(at_least=out), cats):
                have = int((cats[d.feature].codes == d.code).sum())
                if classes and have < d.count * classes:  # said here, not first when solving
                    return tr("inf_at_least", lang, count=d.count, what=d.what, k=classes,
                             need=d.count * classes, have=have)
    except FenbanError as exc:
        params = exc.params
        if exc.key == "at_least_column_missing":
            column = str(params.get("column", ""))
            gender = column in ("性别", "gender") or column == (roster.cmap.gender if roster is not None else None)
            return t("at_least_no_gender", lang) if gender else t("at_least_no_column", lang, column=column)
        if exc.key == "at_least_empty_part":
            return t("at_least_empty", lang)
        if exc.key == "at_least_value_missing":
            values = str(params.get("values", "")).split("、")
            sep = ", " if lang == "en" else "、"
            shown = sep.join(values[:8]) + (" …" if len(values) > 8 else "")
            return t("at_least_no_value", lang, column=params.get("column", ""), value=params.get("value", ""),
                     values=shown)
        return exc.text(lang)
    return out


CATEGORY_MAX_VALUES = 12  # more distinct values: names, numbers, dates — not a category to spread


def category_columns(roster) -> list[tuple[str, str]]:
    """Columns the operator may have spread evenly as categories (``Rules.categories``):
    those without a role (备注 too) holding 2 to 12 distinct values, each value
    shared by two students at least on average; with a short list of the values."""
    cm = roster.cmap
    out = []
    for col in roster.columns:
        role = cm.role_of(col)
        if col.startswith("_") or (role is not None and role != "note"):
            continue
        values = [v for v in roster.table[col].to_list() if v not in (None, "")]
        distinct = list(dict.fromkeys(values))
        if not 1 <= len(distinct) <= CATEGORY_MAX_VALUES or len(values) < 2 * len(distinct):
            continue
        if len(distinct) == 1 and len(values) == roster.n:
            continue  # one value for everyone: nothing to spread
        shown = "/".join(str(v) for v in distinct[:3]) + ("…" if len(distinct) > 3 else "")
        out.append((col, shown))
    return out


class RulesScreen(StepScreen):
    STEP = 1
    SAYS_WHY = True  # in #rules-status, the cursor in the box to correct
    BINDINGS = [Binding("ctrl+e", "edit_rules", "key_edit_rules", priority=True)]  # over Input's ctrl+e (end)

    def __init__(self) -> None:
        super().__init__()
        self._roster_version = -1
        self._bad_field: str | None = None  # the input read_rules() last found wrong
        self._filled: dict[str, str] = {}  # what _populate() put in the text boxes (no edit of the operator's)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="rules-main"):
            with Vertical(id="rules-form"):
                yield Label(self.t("rules_classes"), classes="field-label")
                yield Input(id="classes", type="integer", max_length=4)
                yield Static("", id="classes-hint", classes="hint")
                # public draw: the roster's hash is shown (and announced) before the seed
                yield Label(self.t("rules_hash"), classes="field-label")
                yield Static("", id="roster-hash")
                yield Label(self.t("rules_seed"), classes="field-label")
                # long enough for a list of numbers drawn in the meeting; never cut short silently
                yield Input(id="seed", max_length=200, placeholder=self.t("rules_seed_ph"))
                yield Label(self.t("rules_labels"), classes="field-label")
                yield Input(id="labels", max_length=40)
                yield Static("", id="labels-hint", classes="hint")
                yield Label(self.t("rules_at_least"), classes="field-label")
                yield Input(id="at-least", max_length=200, placeholder=self.t("rules_at_least_ph"))
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
        # a rule the roster cannot meet, found when it was read (导入 sent the
        # operator here to change it): said at once, the cursor in its box
        problem, box = self._rule_problem()
        if problem:
            self._set_status(problem)
        self.query_one(box or "#classes", Input).focus()

    def _rule_problem(self) -> tuple[str | None, str | None]:
        """The loaded roster's errors of the rules (``RULE_ERRORS``) as they stand
        now: the 每班至少 box checked as typed, else the first other one (a demand
        more than the roster holds, a column to balance it lacks); and its box."""
        app = self.fenban
        errors = rule_errors(app.roster)
        if not errors:
            return None, None
        at_least = read_at_least(self.query_one("#at-least", Input).value, app.roster, self.lang)
        if isinstance(at_least, str):
            return at_least, "#at-least"
        from ...core.session import problem_key

        rest = [p for p in errors if problem_key(p) not in ("at_least_column_missing", "at_least_value_missing")]
        if not rest:
            return None, None
        return rest[0].text(self.lang), "#at-least" if problem_key(rest[0]) == "inf_at_least" else None

    # ------------------------------------------------------------------ form

    def _populate(self) -> None:
        """Fill the form for the roster now loaded.

        ``app.rules`` is already the right starting point: the operator's choices
        while the same roster stays loaded, the defaults after another roster was
        loaded (``FenbanApp.set_roster``).  Every item the roster has is listed,
        so nothing is switched off without the operator seeing it.
        """
        app = self.fenban
        roster, rules = app.roster, app.rules
        n = roster.n
        cm = roster.cmap
        k50, k45 = suggested_classes(n, 50), suggested_classes(n, 45)
        k = rules.classes if (rules.classes and 1 <= rules.classes <= n) else k50
        # the boxes as the operator left them (a resumed session too), else from the rules
        typed = app.rules_form
        self._filled = {
            "classes": typed.get("classes", str(k)),
            "seed": typed.get("seed", str(rules.seed)),
            "labels": typed.get("labels", rules.label_pattern),
            "at_least": typed.get("at_least", "；".join(f"{k}:{v}" for k, v in rules.at_least.items())),
        }
        for box, key in FORM_BOXES.items():
            self.query_one(f"#{box}", Input).value = self._filled[key]
        self.query_one("#classes-hint", Static).update(Text(self.t("rules_classes_hint", n=n, k50=k50, k45=k45)))
        self.query_one("#roster-hash", Static).update(Text(grouped_hash(roster_hash(roster))))

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
        for col, values in category_columns(roster):  # 备注, 特长, 民族 …: spread evenly when ticked
            items.append((self.t("opt_category", col=col, values=values), f"cat:{col}", col in rules.categories))
        # scores take a priority (+/-): the feature's name is what the rules keep
        levels = {value: rules.priority.get(self._feature_of(value), 2) for _, value, _ in items
                  if value in ("total", "birth") or value.startswith("score:")}
        balance.set_items(items, levels, {1: self.t("priority_low"), 2: "", 3: self.t("priority_high")})

        hard = self.query_one("#hard", CheckList)
        hitems: list[tuple[str, str, bool]] = [(self.t("opt_same_name"), "same_name", rules.same_name_apart),
                                               (self.t("opt_same_sound"), "same_sound", rules.same_name_sound)]
        if cm.together:
            hitems.append((self.t("opt_together", col=cm.together), "together", rules.use_together))
        if cm.apart:
            hitems.append((self.t("opt_apart", col=cm.apart), "apart", rules.use_apart))
        if cm.pin:
            hitems.append((self.t("opt_pins", col=cm.pin), "pins", rules.use_pins))
        hard.set_items(hitems)
        self._show_extra()
        self._update_labels_hint()
        self._set_status(None)

    def _feature_of(self, value: str) -> str:
        """The score a balance item stands for (as ``Rules.priority`` names it)."""
        if value.startswith("score:"):
            return value[6:]
        if value == "total":
            return self.fenban.roster.cmap.total or "总分"
        return "出生日期"

    def _show_extra(self) -> None:
        rules = self.fenban.rules
        n = len(rules.together_extra) + len(rules.apart_extra) + len(rules.pins_extra)
        self.query_one("#hard", CheckList).border_subtitle = self.t("rules_extra", n=n)

    def action_edit_rules(self) -> None:
        app = self.fenban
        if app.roster is None:
            self.notify(self.t("import_need"), severity="warning")
            return
        raw = self.query_one("#classes", Input).value.strip()
        k = int(raw) if raw.isdigit() and int(raw) >= 1 else None

        def done(result: dict | None) -> None:
            if result is not None:
                app.set_rules(replace(app.rules, together_extra=result["together"], apart_extra=result["apart"],
                                      pins_extra=result["pins"]))
                self._show_extra()
                app.save_session()

        self.app.push_screen(RuleEditor(app.roster, app.rules, k, self.lang), done)

    def with_checks(self, rules: Rules) -> Rules:
        """``rules`` with what the two checklists say.

        An item the roster does not have is not on the list; its rule keeps the
        default of ``Rules()`` (on), never "off": "not in this roster" must not
        become "do not balance" for the next roster loaded.
        """
        default = Rules()
        balance = self.query_one("#balance", CheckList)
        hard = self.query_one("#hard", CheckList)
        chosen, listed = set(balance.selected), set(balance.values)
        hchosen, hlisted = set(hard.selected), set(hard.values)

        def flag(item: str, on: set[str], shown: set[str], fallback: bool) -> bool:
            return item in on if item in shown else fallback

        roster = self.fenban.roster
        score_cols = list(roster.cmap.scores) if roster is not None else []
        scores = [c for c in score_cols if f"score:{c}" in chosen]
        # category columns: the ticked ones, and those of the rules this roster does not list (kept)
        cats = [v[4:] for v in balance.values if v.startswith("cat:") and v in chosen]
        cats += [c for c in rules.categories if f"cat:{c}" not in listed and c not in cats]
        priority = {self._feature_of(v): level for v, level in balance.levels.items() if level != 2}
        return replace(
            rules,
            priority=priority,
            balance_gender=flag("gender", chosen, listed, default.balance_gender),
            balance_school=flag("school", chosen, listed, default.balance_school),
            balance_boarding=flag("boarding", chosen, listed, default.balance_boarding),
            balance_total=flag("total", chosen, listed, default.balance_total),
            scores=None if len(scores) == len(score_cols) else scores,
            balance_birth=("birth" in chosen) if "birth" in listed else default.balance_birth,
            categories=cats,
            same_name_apart=flag("same_name", hchosen, hlisted, default.same_name_apart),
            same_name_sound=flag("same_sound", hchosen, hlisted, default.same_name_sound),
            use_together=flag("together", hchosen, hlisted, default.use_together),
            use_apart=flag("apart", hchosen, hlisted, default.use_apart),
            use_pins=flag("pins", hchosen, hlisted, default.use_pins),
        )

    def on_check_list_changed(self, event: CheckList.Changed) -> None:
        # keep a toggle while this roster stays loaded, even if the operator goes
        # back to the import step without finishing this one
        event.stop()
        app = self.fenban
        if app.roster is not None:
            rules = self.with_checks(app.rules)
            if rules != app.rules:
                app.set_rules(rules)
                app.save_soon()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("classes", "labels"):
            self._update_labels_hint()
        if not self._typed(event.input.id, event.value):
            return  # filled in by _populate(): nothing the operator typed
        # an error shown for an earlier value must not outlive the value
        if "error" in self.query_one("#rules-status", Static).classes and self.fenban.roster is not None:
            rules = self.read_rules()
            self._set_status(rules if isinstance(rules, str) else None)

    def _typed(self, box: str | None, value: str) -> bool:
        """A text box changed: kept as typed, the rules follow the boxes that read,
        and the session is saved shortly (a killed terminal loses nothing).
        False when it was not the operator's edit (``_populate`` filled it in)."""
        app = self.fenban
        key = FORM_BOXES.get(box or "")
        if key is None or app.roster is None:
            return True
        if app.rules_form.get(key, self._filled.get(key)) == value:
            return False
        app.rules_form[key] = value
        draft = self.draft_rules()
        if draft != app.rules:
            app.set_rules(draft)
        app.save_soon()
        return True

    def draft_rules(self) -> Rules:
        """``app.rules`` with each text box that reads as it stands (a box half
        typed keeps the value it had); ``read_rules`` checks them all before a solve."""
        from ...core.model import at_least_dict, parse_at_least_all

        app = self.fenban
        rules = app.rules
        changes: dict = {"seed": self.query_one("#seed", Input).value.strip()}
        raw = self.query_one("#classes", Input).value.strip()
        if raw.isdigit() and 1 <= int(raw) <= app.roster.n:
            changes.update(classes=int(raw), class_size=None)
        k = changes.get("classes") or rules.classes or 1
        pattern = self.query_one("#labels", Input).value.strip()
        try:
            if pattern and len(set(Rules(label_pattern=pattern).labels(k))) == k:
                changes["label_pattern"] = pattern
        except Exception:  # a pattern the core refuses: said by read_rules
            pass
        text = self.query_one("#at-least", Input).value
        try:
            changes["at_least"] = at_least_dict(parse_at_least_all(text) if text.strip() else [])
        except FenbanError:
            pass
        return replace(rules, **changes)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.fenban.action_next_step()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        # the 每班至少 box is checked against the roster as soon as it is left
        if event.input.id != "at-least" or self.fenban.roster is None or not self.is_current:
            return
        try:
            k = None if self.fenban.rules.group_by else int(self.query_one("#classes", Input).value.strip())
        except ValueError:
            k = None
        at_least = read_at_least(event.value, self.fenban.roster, self.lang, k)
        if isinstance(at_least, str):
            self._set_status(at_least)

    def _set_status(self, error: str | None) -> None:
        status = self.query_one("#rules-status", Static)
        if error:
            status.set_classes("status error")
            status.update(Text(error))
        else:
            status.set_classes("status")
            status.update(Text(self.t("rules_enter")))

    def _update_labels_hint(self) -> None:
        hint = self.query_one("#labels-hint", Static)
        try:
            k = int(self.query_one("#classes", Input).value)
        except ValueError:
            k = 0
        pattern = self.query_one("#labels", Input).value
        if 1 <= k <= 999 and pattern.strip():
            try:
                preview = self.t("rules_labels_preview", labels=labels_preview(pattern.strip(), k, self.lang))
            except FenbanError as exc:  # a pattern the core refuses
                preview = exc.text(self.lang)
            except Exception:  # pragma: no cover - never crash on a keystroke
                preview = ""
            hint.update(Text(preview))
        else:
            hint.update("")

    def read_rules(self) -> Rules | str:
        """The rules on the form, or a message saying what is wrong with them
        (``_bad_field`` then names the input to correct)."""
        rules = self._read_rules()
        if isinstance(rules, Rules):
            self._bad_field = None
        return rules

    def _read_rules(self) -> Rules | str:
        app = self.fenban
        self._bad_field = "#classes"
        n = app.roster.n if app.roster is not None else 0
        try:
            k = int(self.query_one("#classes", Input).value.strip())
        except ValueError:
            return self.t("rules_classes_bad", n=n)
        if not 1 <= k <= n:
            return self.t("rules_classes_bad", n=n)
        self._bad_field = "#labels"
        pattern = self.query_one("#labels", Input).value.strip()
        if not pattern:
            return self.t("rules_labels_bad")
        try:
            labels = Rules(label_pattern=pattern).labels(k)
        except FenbanError as exc:
            return exc.text(self.lang)
        except Exception as exc:
            return self.t("error_generic", reason=str(exc) or type(exc).__name__)
        if len(set(labels)) != k:
            return self.t("rules_labels_dup")
        self._bad_field = "#seed"
        seed = self.query_one("#seed", Input).value.strip()
        if not seed:
            return self.t("rules_seed_empty")
        self._bad_field = "#at-least"
        # one class count for the whole roster (a roster divided by school is checked per school later)
        at_least = read_at_least(self.query_one("#at-least", Input).value, app.roster, self.lang,
                                 None if app.rules.group_by else k)
        if isinstance(at_least, str):
            return at_least
        return replace(
            self.with_checks(app.rules),
            classes=k,
            class_size=None,
            seed=seed,
            label_pattern=pattern,
            at_least=at_least,
        )

    def check_next(self) -> str | None:
        if self.fenban.roster is None:
            self._set_status(self.t("import_need"))
            return self.t("import_need")
        rules = self.read_rules()
        if isinstance(rules, str):
            self._set_status(rules)
            if self._bad_field:  # the cursor goes to the box to correct: typing goes there
                self.query_one(self._bad_field, Input).focus()
            return rules
        self._set_status(None)
        if self.fenban.review_would_be_lost(rules):
            self._pending = rules  # asked first (confirm_next): the review's edits would go
            return None
        self._pending = None
        self._accept(rules)
        return None

    def confirm_next(self) -> str | None:
        pending = getattr(self, "_pending", None)
        if pending is None:
            return None
        return self.t("rules_lose_review", n=self.fenban.review_would_be_lost(pending))

    def confirmed(self) -> None:
        if getattr(self, "_pending", None) is not None:
            self._accept(self._pending)
            self._pending = None

    def _accept(self, rules: Rules) -> None:
        """The rules on the form are taken: what the boxes hold is the rules now."""
        self.fenban.accept_rules(rules)
        self._filled = {key: self.query_one(f"#{box}", Input).value for box, key in FORM_BOXES.items()}
