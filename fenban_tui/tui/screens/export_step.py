"""Step 5 导出: choose a folder (or a USB drive found), optionally type the head
teachers to draw, write every result file, the manifest and SHA256SUMS, read them
back and say so.

The folder and the teachers typed are kept in the session (saved half a second
after the last keystroke, and on quitting), so a resumed session shows them.
When the review left a warning open (a hard rule overridden by hand, sizes more
than one apart), writing asks first and names the warning.  So it does when the
session was resumed and the roster file changed since it was saved: the classes
are the saved copy's, which the new file would not verify."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from ...core.api import ExportOptions, export_placement
from ...core.export import RECORD_HTML, existing_outputs
from ...core.lottery import clean_teachers, draw_teachers, load_teachers
from ...core.review import Review
from ...core.usb import Drive, removable_drives
from ...i18n import FenbanError
from .base import StepScreen
from .dialogs import ConfirmScreen, WriteAnywayScreen
from .import_step import clean_path

RESULTS_FOLDER = "分班结果"  # made on a USB drive picked from the list
_TEACHER_SEPARATORS = "\n,，、;；"


def teachers_from_text(text: str) -> list[str]:
    """Names typed one a line (commas and 、 also separate), or the path of a
    file that lists them."""
    text = text.strip()
    if not text:
        return []
    if "\n" not in text:
        path = Path(clean_path(text)).expanduser()
        if path.is_file():
            return load_teachers(path)
    for sep in _TEACHER_SEPARATORS[1:]:
        text = text.replace(sep, "\n")
    return clean_teachers(text.split("\n"))


class ExportScreen(StepScreen):
    STEP = 4
    BINDINGS = [Binding("ctrl+s", "write", "key_write")]

    def __init__(self) -> None:
        super().__init__()
        self._gen = 0
        self.writing = False
        self.drives: list[Drive] = []
        # the box a refusal in the status line is about ("out", "teachers"): when
        # that box changes, the refusal is checked again (updated, or gone)
        self._refused: str | None = None
        # the status and the list shown after the last export, shown again when the
        # step is entered with the same classes: ((text, kind), list)
        self._done: tuple[tuple[str, str], Text] | None = None

    def compose_body(self) -> ComposeResult:
        yield Label(self.t("export_label"), id="out-label")
        yield Input(value=self.fenban.out_dir, id="out")
        with Horizontal(id="export-extras"):
            drives = OptionList(id="drives")
            drives.border_title = self.t("export_drives")
            yield drives
            teachers = TextArea(self.fenban.teachers, id="teachers", soft_wrap=True)
            teachers.border_title = self.t("export_teachers")
            yield teachers
        yield Static("", id="export-status", classes="status")
        with VerticalScroll(id="written-box"):
            yield Static("", id="written")

    def result_key(self) -> tuple | None:
        """What the files written must match to still be the current result: the
        placement (roster and placing rules), the classes as they are now (a hand
        edit in the review changes them, not the placement's key) and every rule
        (the class names too)."""
        app = self.fenban
        p = app.placement
        if p is None:
            return None
        classes = hashlib.sha256(np.ascontiguousarray(p.classes, dtype=np.int64).tobytes()).hexdigest()
        return app.placement_key, classes, repr(p.rules)

    def entered(self) -> None:
        app = self.fenban
        if app.written_key != self.result_key():
            self._status(*self._idle_status())
            self.query_one("#written", Static).update("")
        elif self._done is not None:
            # the classes are the ones written (again, after an undo): what was written is true
            self._status(*self._done[0])
            self.query_one("#written", Static).update(self._done[1])
        self.refresh_drives()
        # a resumed session: what was typed before (the app's state is what is saved)
        out = self.query_one("#out", Input)
        if out.value != app.out_dir:
            out.value = app.out_dir
        area = self.query_one("#teachers", TextArea)
        if area.text != app.teachers:
            area.load_text(app.teachers)
        out.focus()

    def _idle_status(self) -> tuple[str, str]:
        """The status before the current classes are written: a note when the roster
        file changed; else, when files were written for other classes (or rules), that
        they no longer match and ctrl+s writes them again."""
        app = self.fenban
        if app.source_changed:
            return self.t("export_stale"), "error"
        if app.written and app.written_key != self.result_key():
            return self.t("export_outdated", path=str(self._folder(app.written))), "busy"
        return "", ""

    def source_changed_shown(self) -> None:
        app = self.fenban
        if not self.writing and app.written_key != self.result_key():
            self._status(*self._idle_status())

    # ------------------------------------------------------------------ kept in the session

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "out" and event.value != self.fenban.out_dir:
            self.fenban.out_dir = event.value
            self.fenban.save_soon()
        if event.input.id == "out" and self._refused == "out":
            self._recheck(self._out_refusal())

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id == "teachers" and event.text_area.text != self.fenban.teachers:
            self.fenban.teachers = event.text_area.text
            self.fenban.save_soon()
        if event.text_area.id == "teachers" and self._refused == "teachers":
            self._recheck(self._teachers_refusal()[1])

    def _recheck(self, refusal: str | None) -> None:
        """The box a refusal was about changed: say what is still wrong with it,
        or, when nothing is, what the status said before anything was refused."""
        if self.writing:
            return
        if refusal:
            self._status(refusal, "error")
        else:
            self._refused = None
            self._status(*self._idle_status())

    def _out_refusal(self) -> str | None:
        """What is wrong with the folder typed (None: nothing found before writing)."""
        raw = clean_path(self.query_one("#out", Input).value)
        if not raw:
            return self.t("export_empty")
        out = Path(raw).expanduser()
        if out.exists() and not out.is_dir():
            return self.t("export_not_dir", path=str(out))
        return None

    def _teachers_refusal(self) -> tuple[list[str], str | None]:
        """The head teachers typed, and what is wrong with them for the draw
        (too few for the classes, a file that cannot be read), or None."""
        app = self.fenban
        try:
            teachers = teachers_from_text(self.query_one("#teachers", TextArea).text)
            if teachers and app.placement is not None:
                draw_teachers(teachers, app.placement.labels, app.placement.rules.seed)
        except FenbanError as exc:
            return [], exc.text(self.lang)
        except OSError as exc:
            return [], self.t("export_os_error", path=str(exc.filename or ""), reason=exc.strerror or str(exc))
        return teachers, None

    def refresh_drives(self) -> None:
        """List the mounted removable drives (lsblk's flags, /media, /run/media)."""
        try:
            self.drives = removable_drives()
        except Exception:  # never stop the export over the list of drives
            self.drives = []
        box = self.query_one("#drives", OptionList)
        box.clear_options()
        if self.drives:
            box.add_options([Option(d.describe(self.lang), id=str(i)) for i, d in enumerate(self.drives)])
            box.highlighted = 0
        else:
            box.add_option(Option(self.t("export_no_drives"), disabled=True))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "drives" or event.option.id is None:
            return
        event.stop()
        drive = self.drives[int(event.option.id)]
        out = self.query_one("#out", Input)
        out.value = str(drive.path / RESULTS_FOLDER)
        out.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_write()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return not self.writing
        return True

    def action_write(self) -> None:
        app = self.fenban
        if self.writing:
            return
        self._refused = None
        self._done = None  # what this attempt says replaces what the last export said
        if app.placement is None:
            self._status(self.t("solve_need"), "error")
            return
        refusal = self._out_refusal()
        if refusal:
            self._refused = "out"
            self._status(refusal, "error")
            return
        raw = clean_path(self.query_one("#out", Input).value)
        out = Path(raw).expanduser()
        if app.out_dir != raw:
            app.out_dir = raw
            app.session_dirty = True
        app.save_now()
        # the teachers typed: refused in words before anything is written (with the
        # seed the classes were drawn with, as the export draws them)
        teachers, refusal = self._teachers_refusal()
        if refusal:
            self._refused = "teachers"
            self._status(refusal, "error")
            return
        self._options = ExportOptions(teachers=teachers or None)
        if app.source_changed:
            # a resumed session whose roster file changed since: the classes are the
            # saved copy's, and `fenban verify` against the new file would fail
            self.app.push_screen(WriteAnywayScreen(self.t("export_stale_ask", path=app.source_changed), self.lang),
                                 partial(self._answered, self._ask_warnings, "export_stale_kept", out))
            return
        self._ask_warnings(out)

    def _answered(self, go_on, refused: str, out: Path, yes: bool | None) -> None:
        """A 'write anyway?' answer: yes goes on to ``go_on(out)``; no writes
        nothing and says so (message ``refused``)."""
        if yes:
            go_on(out)
        else:
            self.query_one("#written", Static).update("")
            self._status(self.t(refused), "error")

    def _ask_warnings(self, out: Path) -> None:
        """Ask first when the review left a warning open; then on to writing."""
        warnings = self.open_warnings()
        if warnings:
            sep = "; " if self.lang == "en" else "；"
            items = sep.join(warnings[:3])
            if len(warnings) > 3:
                items += self.t("export_warning_more", n=len(warnings) - 3)
            self.app.push_screen(WriteAnywayScreen(self.t("export_warning_ask", items=items), self.lang),
                                 partial(self._answered, self._ask_overwrite, "export_warning_kept", out))
            return
        self._ask_overwrite(out)

    def open_warnings(self) -> list[str]:
        """The warnings the review left open (hard rules overridden by hand, sizes
        more than one apart), in words; [] when there are none."""
        app = self.fenban
        rv = app.review
        if rv is None or rv.model is not app.placement.model:
            rv = Review(app.placement.model, app.placement.classes)
        return [r.text(self.lang) for r in rv.problems()]

    def _ask_overwrite(self, out: Path) -> None:
        if existing_outputs(out):
            self.app.push_screen(ConfirmScreen(self.t("export_exists", path=str(out)), self.lang),
                                 partial(self._confirmed, out))
            return
        self._write(out)

    def _confirmed(self, out: Path, yes: bool | None) -> None:
        if yes:
            self._write(out)
        else:
            # the list below would name files this answer did not write: clear it
            self.query_one("#written", Static).update("")
            self._status(self.t("export_kept", path=str(out)), "")

    def _write(self, out: Path) -> None:
        app = self.fenban
        self.writing = True
        self.refresh_bindings()
        self._gen += 1
        self._status(self.t("export_writing", path=str(out)), "busy")
        self.query_one("#written", Static).update("")
        # the draw's own classes when the review changed them: the manifest lists
        # every hand adjustment, so the draw stays verifiable
        drawn = app.review.original.copy() if app.review is not None else None
        hand = sorted(app.review.edited) if app.review is not None else None
        options = getattr(self, "_options", None)
        self.run_worker(partial(self._export, self._gen, app.placement, self.result_key(), out, drawn, options, hand),
                        thread=True, exclusive=True, group="export", exit_on_error=False)

    def _export(self, gen, placement, key, out: Path, drawn=None, options: ExportOptions | None = None, hand=None):
        """Runs in a worker thread.  Returns (gen, kind, value); never raises.
        An error is returned as one line in the operator's language."""
        try:
            # the rules file, manifest and SHA256SUMS are part of the export;
            # overwriting was confirmed before this runs
            result = export_placement(placement, out, options, overwrite=True, drawn=drawn, hand=hand)
            draw = None
            if options is not None and options.teachers:
                drawn_teachers = draw_teachers(options.teachers, placement.labels, placement.rules.seed)
                draw = dict(drawn_teachers.by_class)
                if drawn_teachers.reserves:  # teachers left over are reserves: on screen too
                    draw[self.t("export_reserve")] = "、".join(drawn_teachers.reserves)
            return gen, "ok", (key, list(result), result.verified, draw)
        except FenbanError as exc:
            return gen, "error", exc.text(self.lang)
        except OSError as exc:
            return gen, "error", self.t("export_os_error", path=str(exc.filename or out),
                                        reason=exc.strerror or str(exc) or type(exc).__name__)
        except Exception as exc:  # shown as 写出失败：<reason>, never a traceback
            return gen, "error", str(exc) or type(exc).__name__

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.state == WorkerState.ERROR:  # should not happen: _export catches everything
            gen, kind, value = self._gen, "error", str(worker.error) or type(worker.error).__name__
        else:
            gen, kind, value = worker.result
        if gen != self._gen:
            return
        self.writing = False
        self.refresh_bindings()
        if kind == "error":
            self._status(self.t("export_failed", reason=value), "error")
            return
        key, written, verified, draw = value
        self.fenban.set_written(key, written)
        self._status(self.t("export_done", n=len(written)), "ok")
        text = Text()
        text.append(f"  {self._folder(written)}\n")
        text.append(f"  {'  '.join(self._short_names(written))}\n")
        text.append("✓ " + self.t("export_verified", n=verified) + "\n", style="bold")
        if draw:
            sep = ", " if self.lang == "en" else "，"
            text.append(self.t("export_teacher_draw", pairs=sep.join(f"{k} {v}" for k, v in draw.items())) + "\n")
        text.append(self.t("export_record", name=RECORD_HTML) + "\n")
        text.append("\n" + self.t("export_finish"), style="bold")
        self.query_one("#written", Static).update(text)
        self._done = ((self.t("export_done", n=len(written)), "ok"), text)

    @staticmethod
    def _folder(written: list[Path]) -> Path:
        return written[-1].resolve().parent if written else Path()

    def _short_names(self, written: list[Path]) -> list[str]:
        """File names relative to the folder; a subfolder once, with its count
        (19 full paths would not fit on 24 lines)."""
        folder = self._folder(written)
        names: list[str] = []
        sub: dict[str, int] = {}
        for p in written:
            rel = p.resolve().relative_to(folder)
            if len(rel.parts) > 1:
                sub[rel.parts[0]] = sub.get(rel.parts[0], 0) + 1
                if sub[rel.parts[0]] == 1:
                    names.append(rel.parts[0])
            else:
                names.append(str(rel))
        return [f"{n}/({sub[n]})" if n in sub else n for n in names]

    def _status(self, text: str, kind: str) -> None:
        status = self.query_one("#export-status", Static)
        status.set_classes(f"status {kind}".strip())
        status.update(Text(text))

    def check_next(self) -> str | None:
        return self.t("last_step")
