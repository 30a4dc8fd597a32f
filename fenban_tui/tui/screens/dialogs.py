"""Modal dialogs: the F1 help screen, yes/no questions, choices, the rule editor,
the student search and the file browser."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...core.search import StudentFinder
from ..text import t
from ..widgets.wrapped import WrappedStatic
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
        from textual.containers import VerticalScroll

        # scrolls (↑↓, PgUp/PgDn) when the text is longer than 24 lines hold (English wraps)
        with VerticalScroll(id="help-box") as box:
            box.border_title = t("help_title", self.lang)
            box.border_subtitle = t("help_close", self.lang)
            yield Static(Text(t("help_body", self.lang)), id="help-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help-box").focus()

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
    # the button focused at first (what Enter does): the answer that loses nothing.
    # Set here, not in a subclass's on_mount: Textual runs the on_mount of every
    # class in the MRO, this one last, so a subclass's focus would be undone.
    DEFAULT = "no"

    def __init__(self, question: str, lang: str) -> None:
        super().__init__()
        self.question = question
        self.lang = lang
        localize_bindings(self, lang)

    def buttons(self) -> list[tuple[str, str]]:
        """(id, label) of each button, left to right."""
        return [("yes", t(self.YES, self.lang) + " (y)"), ("no", t(self.NO, self.lang) + " (n)")]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield WrappedStatic(Text(self.question), id="confirm-text")
            with Horizontal(id="confirm-buttons"):
                for bid, label in self.buttons():
                    yield Button(label, id=bid, variant="primary" if bid == self.DEFAULT else "warning")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(f"#{self.DEFAULT}", Button).focus()

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
    DEFAULT = "yes"  # Enter carries on: starting afresh is asked for by n


class ResumeOtherScreen(ResumeScreen):
    """On start with a roster file named (``fenban FILE``) while a session of
    another roster is saved: carry on with the saved session and its roster (y,
    the default; FILE is not opened) or start afresh with FILE (n)."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_resume_old"),
        Binding("n,escape", "answer(False)", "key_fresh_new"),
    ]
    YES, NO = "key_resume_old", "key_fresh_new"


class ReadOtherScreen(ConfirmScreen):
    """Reading another roster file would drop the classes made (and the review's
    edits): y reads it; n or Esc (the default) keeps the classes."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_read_other"),
        Binding("n,escape", "answer(False)", "key_keep_classes"),
    ]
    YES, NO = "key_read_other", "key_keep_classes"


class DiscardScreen(ConfirmScreen):
    """Starting afresh would throw away a saved session's hand edits: asked
    again.  y drops them; n or Esc (the default) goes back to the first question."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_discard_yes"),
        Binding("n,escape", "answer(False)", "key_discard_no"),
    ]
    YES, NO = "key_discard_yes", "key_discard_no"


class ResolveScreen(ConfirmScreen):
    """The rules changed after the review: solve again (y, answers True), put
    back the rules the classes were made with (r, answers "restore") or keep the
    classes and the form as it is (n, Esc: the default, answers False)."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_resolve_yes"),
        Binding("r", "answer('restore')", "key_resolve_restore"),
        Binding("n,escape", "answer(False)", "key_resolve_no"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]
    YES, NO = "key_resolve_yes", "key_resolve_no"

    def __init__(self, question: str, lang: str) -> None:
        super().__init__(question, lang)
        keys = self._bindings.key_to_bindings  # the Footer as the buttons: y, r, n, then ctrl+q
        for key in ("n", "escape", "ctrl+q"):
            if key in keys:
                keys[key] = keys.pop(key)

    def buttons(self) -> list[tuple[str, str]]:
        yes, no = super().buttons()
        return [yes, ("restore", t("key_resolve_restore", self.lang) + " (r)"), no]

    def on_mount(self) -> None:
        # three buttons need more than the 64 columns of a yes/no box (80 hold them)
        self.query_one("#confirm-box").styles.width = 76
        for button in self.query("#confirm-buttons Button"):
            button.styles.margin = (0, 1)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.prevent_default()  # not ConfirmScreen's handler too (Textual runs each class's)
        self.dismiss("restore" if event.button.id == "restore" else event.button.id == "yes")


class WriteAnywayScreen(ConfirmScreen):
    """The review left a warning open: write anyway (y) or write nothing (n, Esc,
    the default)."""

    BINDINGS = [
        Binding("y", "answer(True)", "key_write_anyway"),
        Binding("n,escape", "answer(False)", "key_write_not"),
    ]
    YES, NO = "key_write_anyway", "key_write_not"


class RuleEditor(ModalScreen[dict | None]):
    """Hard rules added by hand: find students by name or ID, choose them, then
    F2 same class (同班), F3 different classes (分开) or F4 pin to a class.
    The rules added so far are listed; Delete removes the highlighted one.
    Esc closes and hands back {"together": [...], "apart": [...], "pins": {...}}
    (students named by their key, see ``Roster.student_keys``)."""

    BINDINGS = [
        Binding("f2", "add('together')", "key_rule_together", priority=True),
        Binding("f3", "add('apart')", "key_rule_apart", priority=True),
        Binding("f4", "add('pin')", "key_rule_pin", priority=True),
        Binding("escape", "close", "key_close", priority=True),
        Binding("ctrl+q", "app.quit", "key_quit"),
        # not the search box's "delete to the end" (nor the palette, over a dialog)
        Binding("ctrl+k", "nothing", show=False, priority=True),
    ]
    LIMIT = 40  # matches shown

    def __init__(self, roster, rules, k: int | None, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.k = k
        self.finder = StudentFinder.of_roster(roster)  # the review's student search finds the same way
        self.names = self.finder.names
        self.keys = self.finder.keys
        self.index = {key: i for i, key in enumerate(self.keys)}
        cm = roster.cmap
        self.school = roster.table[cm.school].to_list() if cm.school else [""] * len(self.names)
        self.together = [list(g) for g in rules.together_extra]
        self.apart = [list(g) for g in rules.apart_extra]
        self.pins = dict(rules.pins_extra)
        self.chosen: list[str] = []
        self.pin_column = cm.pin or ""
        self.roster_together, self.roster_apart, self.roster_pins = self.roster_rules(roster, rules)
        # refusals name a student shortly (an 18-digit ID would push the reason
        # off an 80-column line): the name, with the row when another has it too
        seen: dict[str, int] = {}
        for name in self.names:
            seen[name] = seen.get(name, 0) + 1
        rows = roster.row_numbers()
        sheets = roster.table["_sheet"].to_list() if len(roster.sheets_used) > 1 else [None] * len(rows)
        self.shorts = [name if seen[name] == 1 else t("rule_who_row", lang, name=name, row=row, sheet=sheet)
                       if sheet is None else t("rule_who_sheet_row", lang, name=name, row=row, sheet=sheet)
                       for name, row, sheet in zip(self.names, rows, sheets)]
        localize_bindings(self, lang)

    def roster_rules(self, roster, rules) -> tuple[list, list, dict]:
        """The roster's own hard rules as the solver takes them (its 绑定 and
        互斥 codes, 同名 groups, 预设班级; each as the rules step has them
        ticked), by student key: ``(code, keys)`` groups and pins (1-based)."""
        from dataclasses import replace

        from ...core.api import _group_rows, sub_roster
        from ...core.model import hard_rules_of
        from ...i18n import FenbanError

        own = replace(rules, together_extra=[], apart_extra=[], pins_extra={})
        keys = roster.student_keys()
        together: list = []
        apart: list = []
        pins: dict = {}
        try:
            # grouped runs (each admitting school on its own): a code shared by
            # two groups binds nobody, as check_roster has it
            parts = (_group_rows(roster, rules.group_by) if rules.group_by and rules.group_by in roster.columns
                     else [("", list(range(roster.n)))])
            for _, rows in parts:
                hard = hard_rules_of(roster if len(parts) == 1 else sub_roster(roster, rows), own)
                together += [(code, [keys[rows[i]] for i in m]) for code, m in hard.together]
                apart += [(code, [keys[rows[i]] for i in m]) for code, m in hard.apart]
                pins.update({keys[rows[i]]: c + 1 for i, c in hard.pins.items()})
        except FenbanError:  # the roster's checks say what is wrong; here nothing is refused for it
            return [], [], {}
        return together, apart, pins

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        with Vertical(id="rule-box") as box:
            box.border_title = t("rule_title", self.lang)
            box.border_subtitle = t("rule_keys", self.lang)
            yield Input(placeholder=t("rule_find", self.lang), id="rule-find")
            with Horizontal(id="rule-lists"):
                found = OptionList(id="rule-found")
                found.border_title = t("rule_found", self.lang)
                yield found
                chosen = OptionList(id="rule-chosen")
                chosen.border_title = t("rule_chosen", self.lang)
                yield chosen
            yield Input(placeholder=t("rule_pin_class", self.lang), id="rule-class", type="integer", max_length=3)
            added = OptionList(id="rule-added")
            added.border_title = t("rule_added", self.lang)
            yield added
            yield Static("", id="rule-status")
        yield Footer(show_command_palette=False)  # ctrl+k does nothing here

    def on_mount(self) -> None:
        self._refresh_found("")
        self._refresh_lists()
        self.query_one("#rule-find").focus()

    # ------------------------------------------------------------------ lists

    def who(self, key: str) -> str:
        i = self.index.get(key)
        return f"{self.names[i]}（{key}）" if i is not None else key

    def short(self, key: str) -> str:
        """The student ``key`` as a refusal names them: the name (and the row
        when the name is not unique)."""
        i = self.index.get(key)
        return self.shorts[i] if i is not None else key

    def roster_rule(self, rule: tuple[str, str]) -> str:
        """A rule of the roster as a refusal names it: 绑定 T2, 同名 陈思远, 预设班级."""
        from ...core.model import rule_group

        kind, code = rule
        if kind == "pin":
            return t("rule_roster_pin", self.lang, col=self.pin_column)
        return rule_group(code, kind, "plain").render(self.lang)

    def _refresh_found(self, query: str) -> None:
        hits = self.finder.find(query)
        found = self.query_one("#rule-found", OptionList)
        keep = found.highlighted
        found.clear_options()
        found.add_options([Option(f"{'✓ ' if self.keys[i] in self.chosen else '  '}{self.names[i]}  {self.keys[i]}"
                                  f"  {self.school[i] or ''}", id=self.keys[i]) for i in hits[: self.LIMIT]])
        if keep is not None and found.option_count:
            found.highlighted = min(keep, found.option_count - 1)  # the cursor stays where it was

    def _refresh_lists(self) -> None:
        chosen = self.query_one("#rule-chosen", OptionList)
        chosen.clear_options()
        chosen.add_options([Option(self.who(key), id=key) for key in self.chosen])
        added = self.query_one("#rule-added", OptionList)
        added.clear_options()
        sep = ", " if self.lang == "en" else "、"
        opts = [Option(t("rule_show_together", self.lang, who=sep.join(map(self.who, g))), id=f"t{n}")
                for n, g in enumerate(self.together)]
        opts += [Option(t("rule_show_apart", self.lang, who=sep.join(map(self.who, g))), id=f"a{n}")
                 for n, g in enumerate(self.apart)]
        opts += [Option(t("rule_show_pin", self.lang, who=self.who(key), n=c), id=f"p{key}")
                 for key, c in self.pins.items()]
        added.add_options(opts)

    def _status(self, text: str) -> None:
        self.query_one("#rule-status", Static).update(Text(text))

    # ------------------------------------------------------------------ events

    def on_input_changed(self, event) -> None:
        if event.input.id == "rule-find":
            self._refresh_found(event.value)

    def on_input_submitted(self, event) -> None:
        if event.input.id == "rule-find":
            found = self.query_one("#rule-found", OptionList)
            if found.option_count == 1:  # one match: Enter chooses it; type the next name at once
                self._toggle(found.get_option_at_index(0).id)
                event.input.value = ""
                return
            found.focus()
            if found.highlighted is None and found.option_count:
                found.highlighted = 0  # Enter again chooses the first match

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if event.option_list.id in ("rule-found", "rule-chosen") and key is not None:
            self._toggle(key)

    def _toggle(self, key: str) -> None:
        if key in self.chosen:
            self.chosen.remove(key)
        else:
            self.chosen.append(key)
        self._refresh_found(self.query_one("#rule-find").value)
        self._refresh_lists()

    def action_nothing(self) -> None:
        pass

    def on_descendant_focus(self, event) -> None:
        # a list gets a highlighted line as soon as it has the focus: Enter and
        # Delete act at once
        if isinstance(event.widget, OptionList) and event.widget.highlighted is None and event.widget.option_count:
            event.widget.highlighted = 0

    def on_key(self, event) -> None:
        find = self.query_one("#rule-find")
        if isinstance(self.focused, OptionList) and event.is_printable and event.character:
            # typing in a list searches: the text goes to the search box
            find.focus()
            find.insert_text_at_cursor(event.character)
            event.stop()
            return
        added = self.query_one("#rule-added", OptionList)
        if event.key in ("delete", "backspace") and self.focused is added and added.highlighted is not None:
            rid = added.get_option_at_index(added.highlighted).id or ""
            if rid.startswith("t"):
                del self.together[int(rid[1:])]
            elif rid.startswith("a"):
                del self.apart[int(rid[1:])]
            elif rid.startswith("p"):
                self.pins.pop(rid[1:], None)
            keep = added.highlighted
            self._refresh_lists()
            if added.option_count:  # the cursor stays on the list, ready for another Delete
                added.highlighted = min(keep, added.option_count - 1)
            self._status(t("rule_removed", self.lang))
            event.stop()

    def action_add(self, kind: str) -> None:
        from ...core.rules import added_rule_clash

        chosen = list(self.chosen)
        c = None
        if kind in ("together", "apart"):
            if len(chosen) < 2:
                self._status(t("rule_need_two", self.lang))
                return
        else:
            if not chosen:
                self._status(t("rule_need_one", self.lang))
                return
            raw = self.query_one("#rule-class").value.strip()
            c = int(raw) if raw.isdigit() else 0
            if c < 1 or (self.k is not None and c > self.k):
                self._status(t("rule_class_bad", self.lang, k=self.k or "?"))
                self.query_one("#rule-class").focus()
                return
        clash = added_rule_clash(self.together, self.apart, self.pins, kind, chosen, c,
                                 roster_together=self.roster_together, roster_apart=self.roster_apart,
                                 roster_pins=self.roster_pins)
        if clash is not None:  # refused here, in words, not at solve time in the model's codes
            key, params = clash
            said = {**params, "a": self.short(params["a"])}
            if "b" in params:
                said["b"] = self.short(params["b"])
            if "roster" in params:
                sep = ", " if self.lang == "en" else "、"
                said["rule"] = sep.join(dict.fromkeys(self.roster_rule(r) for r in params["roster"]))
            self._status(t(key, self.lang, **said))
            return
        if kind == "together":
            self.together.append(chosen)
        elif kind == "apart":
            self.apart.append(chosen)
        else:
            for key in chosen:
                self.pins[key] = c
        self.chosen = []
        self._refresh_found(self.query_one("#rule-find").value)
        self._refresh_lists()
        self._status(t("rule_done", self.lang))

    def action_close(self) -> None:
        self.dismiss({"together": self.together, "apart": self.apart, "pins": self.pins})


class FindStudent(ModalScreen["int | None"]):
    """Find one student by part of the name or the start of an ID (学号,
    身份证号): the matches are listed while the text is typed.  Enter with one
    match, or Enter on the highlighted match, answers that student's index; no
    match is said in words; Esc answers None.  ``describe(i)`` is the line
    listed for student ``i`` (name, ID, class)."""

    BINDINGS = [
        Binding("escape", "close", "key_close", priority=True),
        Binding("ctrl+q", "app.quit", "key_quit"),
        # not the search box's "delete to the end" (nor the palette, over a dialog)
        Binding("ctrl+k", "nothing", show=False, priority=True),
    ]
    LIMIT = 40  # matches listed

    def __init__(self, finder: StudentFinder, describe, lang: str) -> None:
        super().__init__()
        self.finder = finder
        self.describe = describe
        self.lang = lang
        self.hits: list[int] = []
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        with Vertical(id="find-box") as box:
            box.border_title = t("find_title", self.lang)
            box.border_subtitle = t("find_keys", self.lang)
            yield Input(placeholder=t("find_placeholder", self.lang), id="find-input")
            found = OptionList(id="find-found")
            found.border_title = t("rule_found", self.lang)
            yield found
            yield Static(Text(t("find_hint", self.lang)), id="find-status")
        yield Footer(show_command_palette=False)  # ctrl+k does nothing here

    def on_mount(self) -> None:
        self.query_one("#find-input").focus()

    @property
    def query_text(self) -> str:
        return self.query_one("#find-input").value.strip()

    def _refresh(self) -> None:
        query = self.query_text
        self.hits = self.finder.find(query) if query else []
        found = self.query_one("#find-found", OptionList)
        found.clear_options()
        found.add_options([Option(Text(self.describe(i)), id=str(i)) for i in self.hits[: self.LIMIT]])
        n = len(self.hits)
        if not query:
            key, params = "find_hint", {}
        elif n == 0:
            key, params = "find_none", {"query": query}
        elif n == 1:
            key, params = "find_one", {}
        elif n > self.LIMIT:
            key, params = "find_many_more", {"n": n, "limit": self.LIMIT}
        else:
            key, params = "find_many", {"n": n}
        found.border_title = t("find_found", self.lang, n=n) if query else t("rule_found", self.lang)
        status = self.query_one("#find-status", Static)
        status.set_classes("error" if query and n == 0 else "")
        status.update(Text(t(key, self.lang, **params)))

    def on_input_changed(self, event) -> None:
        event.stop()
        self._refresh()

    def on_input_submitted(self, event) -> None:
        event.stop()
        self._refresh()  # the status says what Enter found, even for the text as it stands
        if len(self.hits) == 1:
            self.dismiss(self.hits[0])
        elif self.hits:
            found = self.query_one("#find-found", OptionList)
            found.focus()
            found.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def on_key(self, event) -> None:
        find = self.query_one("#find-input")
        found = self.query_one("#find-found", OptionList)
        if self.focused is find and event.key == "down" and found.option_count:
            found.focus()  # ↓ from the search box to the matches
            if found.highlighted is None:
                found.highlighted = 0
            event.stop()
        elif self.focused is found and event.key == "up" and not found.highlighted:
            find.focus()  # ↑ from the first match back to the search box
            event.stop()
        elif self.focused is found and (event.key == "backspace" or (event.is_printable and event.character)):
            # typing in the list edits the search
            find.focus()
            if event.key == "backspace":
                find.action_delete_left()
            else:
                find.insert_text_at_cursor(event.character)
            event.stop()

    def action_nothing(self) -> None:
        pass

    def action_close(self) -> None:
        self.dismiss(None)


ROSTER_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"}


class FileBrowser(ModalScreen["str | None"]):
    """A folder tree beside the typed path: folders and files a roster can be
    in (hidden ones left out).  Enter on a file picks it; Esc cancels;
    Backspace goes up a folder."""

    BINDINGS = [
        Binding("escape", "close", "key_close"),
        Binding("backspace", "up", "key_up"),
        Binding("ctrl+q", "app.quit", "key_quit"),
    ]

    def __init__(self, start: str, lang: str) -> None:
        super().__init__()
        self.start = start
        self.lang = lang
        localize_bindings(self, lang)

    def compose(self) -> ComposeResult:
        from pathlib import Path

        from textual.widgets import DirectoryTree

        class RosterTree(DirectoryTree):
            # no emoji: LANG=C and old terminals draw them as boxes or at the wrong width
            ICON_NODE, ICON_NODE_EXPANDED, ICON_FILE = "▸ ", "▾ ", "  "

            def filter_paths(self, paths):
                return [p for p in paths if not p.name.startswith(".")
                        and (p.is_dir() or Path(p).suffix.lower() in ROSTER_SUFFIXES)]

        with Vertical(id="browse-box") as box:
            box.border_title = t("browse_title", self.lang)
            box.border_subtitle = self.start
            yield RosterTree(self.start, id="browse-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#browse-tree").focus()

    def on_directory_tree_file_selected(self, event) -> None:
        event.stop()
        self.dismiss(str(event.path))

    def action_up(self) -> None:
        from pathlib import Path

        tree = self.query_one("#browse-tree")
        parent = Path(str(tree.path)).resolve().parent
        tree.path = parent
        self.query_one("#browse-box").border_subtitle = str(parent)

    def action_close(self) -> None:
        self.dismiss(None)
