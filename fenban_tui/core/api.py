"""The domain core as plain function calls, for the CLI, the TUI and tests.

    roster = load_roster(path)                # reading + validation
    placement = solve_roster(roster, rules)   # model + solver
    placement.stats(), placement.gaps()       # per-class figures, worst gaps
    export_placement(placement, out_dir)      # files on disk

No UI code lives here (a test enforces that nothing under ``core`` imports textual).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path


import numpy as np
import polars as pl

from ..i18n import FenbanError

from .export import ExportOptions, ExportResult, export_all
from .model import PlacementModel, build_model
from .roster import Problem, Roster, load_roster
from .rules import Rules
from .solver import Cancelled, ProgressFn, SolveResult, solve
from .stats import ClassStats, Gap, class_stats, date_text, gaps, hard_rule_violations

__all__ = [
    "Cancelled", "ClassStats", "ExportOptions", "ExportResult", "Gap", "Placement", "Problem", "Roster", "Rules",
    "check_roster", "export_placement", "format_summary", "gap_lines", "load_roster", "solve_roster", "summary_rows",
]


@dataclass
class Placement:
    roster: Roster
    rules: Rules
    model: PlacementModel
    result: SolveResult

    @property
    def classes(self) -> np.ndarray:
        return self.result.classes

    @property
    def labels(self) -> list[str]:
        return self.model.labels

    def stats(self) -> list[ClassStats]:
        return class_stats(self.model, self.classes)

    def gaps(self) -> list[Gap]:
        if not self.rules.group_by:
            return gaps(self.model, self.classes)
        # grouped runs: the worst figure within any one group (schools differ
        # from each other; classes are only compared within their school)
        worst: dict[tuple[str, str], Gap] = {}
        for name, rows in _group_rows(self.roster, self.rules.group_by):
            local = self.classes[rows]
            uniq = sorted(set(local.tolist()))
            remap = np.array([uniq.index(c) for c in local.tolist()], dtype=np.int64)
            sub_rules = replace(self.rules, group_by=None, classes=len(uniq), class_size=None, use_pins=False)
            model = build_model(sub_roster(self.roster, rows), sub_rules)
            for g in gaps(model, remap):
                key = (g.feature, g.kind)
                # classes lacking the value, named as the whole run labels them
                lacking = (worst[key].missing if key in worst else ()) + tuple(f"{name}·{lab}" for lab in g.missing)
                if key not in worst or g.value > worst[key].value:
                    worst[key] = Gap(g.feature, g.kind, g.value, g.detail, g.floor)
                worst[key].missing = lacking
        return list(worst.values())

    def violations(self) -> list[str]:
        return hard_rule_violations(self.model, self.classes)

    def class_of(self, i: int) -> str:
        return self.labels[int(self.classes[i])]


def solve_roster(
    roster: Roster,
    rules: Rules,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    time_limit: float | None = None,
) -> Placement:
    """Place the roster's students by ``rules``.  ``time_limit`` (seconds of
    wall clock) may cut the search short; the result then says so
    (``result.timed_out``) and may differ on another machine."""
    if rules.group_by:
        return _solve_grouped(roster, rules, progress, cancel, time_limit)
    model = build_model(roster, rules)
    result = solve(model, progress=progress, cancel=cancel, time_limit=time_limit)
    return Placement(roster, rules, model, result)


# --------------------------------------------------------------------------- grouped runs


def sub_roster(roster: Roster, rows: list[int]) -> Roster:
    """The students at ``rows`` as a roster of their own (for grouped runs)."""
    idx = pl.Series(rows, dtype=pl.UInt32)
    return replace(roster, table=roster.table[idx], values=roster.values[idx], problems=[], dropped_rows=[])


def _group_rows(roster: Roster, column: str) -> list[tuple[str, list[int]]]:
    if column not in roster.columns:
        from .roster import column_list

        raise FenbanError("group_column_missing", column=column, path=str(roster.path),
                          columns=column_list(list(roster.columns)))
    groups: dict[str, list[int]] = {}
    for i, v in enumerate(roster.table[column].to_list()):
        groups.setdefault(v or "(空)", []).append(i)
    return list(groups.items())


def group_count(roster: Roster, column: str) -> int:
    """How many groups a grouped run divides (``--group-by column``)."""
    return len(_group_rows(roster, column))


def _solve_group(args: tuple) -> tuple[str, list[int], list[str], object, bool]:
    """Worker: place one group's students (runs in its own process)."""
    import time

    from . import solver as solver_mod

    name, rows, roster, rules, deadline, district = args
    solver_mod.START_THREADS = 1  # the groups already run side by side, one process per core
    if district:  # a whole district: fewer visits of the combined exchanges per school (time)
        from . import combos

        combos.VISITS_MIN, combos.VISITS_PER_PAIR = 0, DISTRICT_VISITS_PER_PAIR
    sub = sub_roster(roster, rows)
    model = build_model(sub, rules)
    result = solve(model, time_limit=None if deadline is None else max(0.0, deadline - time.time()))
    return name, rows, model.labels, result.classes, result.timed_out


# errors of the rules, not of the roster: a 每班至少 demand that cannot be met,
# a column to balance the roster does not have
RULE_ERRORS = ("at_least_column_missing", "at_least_value_missing", "inf_at_least", "rule_column_missing")

GROUPED_FULL_EFFORT = 5000  # students; larger grouped runs use one start per group …
DISTRICT_VISITS_PER_PAIR = 1.5  # … and visit each pair of a school's classes about this often (combos.py)


def _solve_grouped(roster: Roster, rules: Rules, progress, cancel, time_limit: float | None = None) -> Placement:
    """Each group (e.g. each admitting school in a district file) is divided on
    its own, in parallel processes; classes are labelled per group.  Each
    group's seed is derived from the seed and the group's name, so the result
    does not depend on which process finishes first."""
    import concurrent.futures as cf
    import hashlib
    import os
    import time

    # one wall-clock deadline for every process (time.time is shared by them)
    deadline = None if time_limit is None else time.time() + float(time_limit)

    groups = _group_rows(roster, rules.group_by)
    jobs = []
    for name, rows in groups:
        seed = hashlib.sha256(f"{rules.seed}\x1f{name}".encode()).hexdigest()[:16]
        # a whole district (more than GROUPED_FULL_EFFORT students) gets one start per group: time
        effort = rules.effort if roster.n <= GROUPED_FULL_EFFORT else 1
        sub_rules = replace(rules, group_by=None, seed=seed, label_pattern=f"{name}·{rules.label_pattern}",
                            effort=effort)
        sub_rules.class_count(len(rows))  # refuse bad class counts before starting processes
        jobs.append((name, rows, roster, sub_rules, deadline, roster.n > GROUPED_FULL_EFFORT))
    results: dict[str, tuple] = {}
    timed_out = False
    workers = max(1, min(len(jobs), os.cpu_count() or 1))
    if progress:
        progress(0.0, "start")
    # "spawn", not fork: a forked child of a process whose polars thread pool
    # is running can deadlock
    import multiprocessing as mp

    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_solve_group, job) for job in jobs]
        try:
            for done, fut in enumerate(cf.as_completed(futures), start=1):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                name, rows, labels, classes, hit = fut.result()
                results[name] = (rows, labels, classes)
                timed_out = timed_out or hit
                if progress:
                    progress(done / len(jobs), "balance")
        except BaseException:
            for f in futures:
                f.cancel()
            for proc in getattr(pool, "_processes", {}).values():
                proc.terminate()
            raise
    return _joined(roster, rules, [results[name] for name, _ in groups], timed_out)


def _joined(roster: Roster, rules: Rules, parts: list[tuple], timed_out: bool = False) -> Placement:
    """One placement over everyone from each group's (rows, labels, classes),
    classes numbered group by group."""
    all_labels: list[str] = []
    classes = np.empty(roster.n, dtype=np.int64)
    for rows, labels, cls in parts:
        classes[rows] = np.asarray(cls) + len(all_labels)
        all_labels += labels
    whole = replace(rules, group_by=None, classes=len(all_labels), class_size=None, use_pins=False,
                    same_name_apart=False, use_apart=False, use_together=False)
    model = build_model(roster, whole)
    model.labels = all_labels
    result = SolveResult(classes=classes, labels=all_labels, objective=float("nan"), iterations=0,
                         timed_out=timed_out)
    return Placement(roster, rules, model, result)


def provisional_placement(roster: Roster, rules: Rules) -> Placement:
    """Students dealt in turn into the classes the rules will make (labels
    included, school by school when grouped): not a draw, only something the
    size of the real result, so an export's space can be checked before a long
    solve (a district takes minutes)."""
    if not rules.group_by:
        k = rules.class_count(roster.n)
        return placement_of(roster, rules, np.arange(roster.n) % k)
    parts = []
    for name, rows in _group_rows(roster, rules.group_by):
        sub = replace(rules, group_by=None, label_pattern=f"{name}·{rules.label_pattern}")
        k = sub.class_count(len(rows))
        parts.append((rows, sub.labels(k), np.arange(len(rows)) % k))
    return _joined(roster, rules, parts)


def check_export_space(out_dir: str | Path, roster: Roster, rules: Rules, options: ExportOptions | None = None) -> None:
    """Refuse before solving when the export clearly cannot fit where it goes
    (the exact check is made again when writing)."""
    from .export import build_files, export_space_needed
    from .usb import check_free_space

    placement = provisional_placement(roster, rules)
    files = build_files(roster, rules, placement.model, placement.classes, options, summary_rows(placement))
    # the real draw's files differ by a few bytes (workbook compression): a little leeway
    check_free_space(Path(out_dir), int(export_space_needed(out_dir, files) * 0.97))


def placement_of(roster: Roster, rules: Rules, classes) -> Placement:
    """A placement from classes already decided (a resumed session, hand edits)."""
    model = build_model(roster, rules)
    result = SolveResult(classes=np.asarray(classes, dtype=np.int64).copy(), labels=model.labels,
                         objective=float("nan"), iterations=0)
    return Placement(roster, rules, model, result)


def export_placement(placement: Placement, out_dir: str | Path, options: ExportOptions | None = None,
                     overwrite: bool = False, drawn: np.ndarray | None = None,
                     hand: list[int] | None = None) -> ExportResult:
    """Write every result file (see :mod:`.export`), the manifest and SHA256SUMS,
    and read them back.  Existing results are kept unless ``overwrite``.
    ``drawn``: the classes of the draw when they were adjusted by hand since
    (复核); the manifest lists the adjustments."""
    return export_all(Path(out_dir), placement.roster, placement.model, placement.classes, placement.rules,
                      options, overwrite, summary_rows(placement), drawn, hand)


def summary_rows(placement: Placement, lang: str = "zh") -> tuple[list[str], list[list[str]]]:
    """The per-class summary as text cells (header, rows) for the CLI and the TUI."""
    m = placement.model
    en = lang == "en"
    header = ["Class" if en else "班级", "Size" if en else "人数", "M/F" if en else "男/女"]
    for f in m.numeric:
        if f.kind == "birth":
            header.append("Mean birth" if en else "平均生日")
        else:
            header.append(f"{f.name}")
    for f in m.categories:
        if f.kind == "boarding":
            header.append(f.name)
    rows = []
    for st in placement.stats():
        row = [st.label, str(st.size), f"{st.boys}/{st.girls}"]
        for f in m.numeric:
            mval, sd = st.means[f.name], st.sds[f.name]
            if f.kind == "birth":
                row.append(date_text(mval) if mval is not None else "-")
            else:
                row.append("-" if mval is None else f"{mval:.2f}±{sd:.1f}" if sd is not None else f"{mval:.2f}")
        for f in m.categories:
            if f.kind == "boarding":
                yes = next((lab for lab in f.labels if lab in ("是", "住宿", "寄宿", "Y", "y", "1")), f.labels[0])
                row.append(str(st.counts[f.name].get(yes, 0)))
        rows.append(row)
    return header, rows


def gap_lines(placement: Placement, lang: str = "zh") -> list[str]:
    from ..i18n import Bilingual, tr

    en = lang == "en"
    out = []
    for g in placement.gaps():
        if g.missing:
            # a class without the value at all: no range across the classes can
            # be given (never a perfect-looking 0.0 over the others)
            if g.kind == "mean":
                key = "gap_birth_unknown" if g.feature == "出生日期" else "gap_mean_unknown"
                out.append(tr(key, lang, feature=g.feature, classes=Bilingual.join(list(g.missing))))
            continue
        if g.kind == "mean" and g.feature == "出生日期":
            out.append(f"{'birth date range (days)' if en else '平均出生日期相差（天）'} {g.value:.1f}")
        elif g.kind == "mean":
            line = f"{g.feature} {'mean range' if en else '平均分极差'} {g.value:.3f}"
            if g.detail:  # the part of the 总分 range that 缺考 forces (an estimate)
                if float(g.detail) <= float(f"{g.value:.3f}"):
                    line += (f" (of which {g.detail} is forced by absent students' missing exams)" if en
                             else f"（其中缺考造成 {g.detail}）")
                else:  # the estimate exceeds the range itself: "of which" would be false
                    line += (f" (absent students' missing exams force about {g.detail})" if en
                             else f"（缺考造成约 {g.detail}）")
            elif g.floor:
                line += f" (class means move in steps of {g.floor:.3f})" if en else f"（均分最小刻度 {g.floor:.3f}）"
            out.append(line)
        elif g.kind == "sd":
            out.append(f"{g.feature} {'SD range' if en else '标准差极差'} {g.value:.3f}")
        elif g.feature == "人数":
            out.append(f"{'size range' if en else '人数极差'} {int(g.value)}")
        else:
            line = f"{g.feature} {'max off share' if en else '偏离均分最多'} {g.value:.2f}"
            if g.floor is not None:
                line += f" (floor {g.floor:.2f})" if en else f"（可达下限 {g.floor:.2f}）"
            out.append(line)
    return out


def format_summary(placement: Placement, lang: str = "zh") -> str:
    header, rows = summary_rows(placement, lang)
    from .export import display_width

    widths = [max(display_width(h), *(display_width(r[c]) for r in rows)) for c, h in enumerate(header)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(cells, widths))

    lines = [fmt(header)] + [fmt(r) for r in rows]
    lines.append("")
    lines.append(("Worst gaps: " if lang == "en" else "最大差距：")
                 + ("; " if lang == "en" else "；").join(gap_lines(placement, lang)))
    return "\n".join(lines)


def check_roster(path: str | Path, sheet: str | None = None, rules: Rules | None = None) -> Roster:
    """Read and validate a roster, including conflicts among its own hard rules
    (a pair both 绑定 and 互斥, a 绑定 group pinned to two classes, …)."""
    from .model import hard_rules_of
    from .solver import structural_checks

    rules = rules or Rules()
    roster = load_roster(path, sheet=sheet or rules.sheet, columns=rules.columns or None,
                         header_row=rules.header_row, gender_codes=rules.gender_codes or None)
    refs = roster.row_refs()
    rows = roster.row_numbers()
    sheets = roster.table["_sheet"].to_list() if not roster.text else [None] * roster.n  # a CSV has no sheets
    index = {r: i for i, r in enumerate(refs)}
    # grouped runs (each admitting school on its own): a code or a name shared
    # by students of two groups binds nobody, so the rules are checked per group
    parts = ([sub_roster(roster, members) for _, members in _group_rows(roster, rules.group_by)]
             if rules.group_by and rules.group_by in roster.columns else [roster])
    # the rules' columns must be the roster's (solve would refuse them later)
    for col in rules.categories:
        if col not in roster.columns:
            roster.problems.append(Problem("error", "rule_column_missing", None, None, None, {"column": col}))
    scores = set(roster.cmap.scores) | {roster.cmap.total, "出生日期"}
    for col in rules.priority:
        if col not in scores:
            roster.problems.append(Problem("warning", "rule_priority_unknown", None, None, None, {"column": col}))
    for part in parts:
        for key, params in structural_checks(hard_rules_of(part, rules), part.n, part.row_refs()):
            i = index.get(params["rows"].rows[0], 0)
            roster.problems.append(Problem("error", key, sheets[i], rows[i], None, params))
    if rules.at_least:
        _check_demands(roster, parts, rules)
    return roster


def _check_demands(roster: Roster, parts: list[Roster], rules: Rules) -> None:
    """The rules' "at least N per class" demands against the roster (and the
    class count, when the rules give it)."""
    from .model import minimums_of

    for part in parts:
        try:
            cats: list = []
            demands = minimums_of(part, rules, cats)
            k = rules.class_count(part.n) if (rules.classes or rules.class_size) else None
        except FenbanError as exc:
            roster.problems.append(Problem("error", exc.key, None, None, None, exc.params))
            return
        for d in demands if k else []:
            have = int(np.sum(cats[d.feature].codes == d.code))
            if have < d.count * k:
                roster.problems.append(Problem("error", "inf_at_least", None, None, None, {
                    "count": d.count, "what": d.what, "k": k, "need": d.count * k, "have": have}))
