"""The export's proof: ``manifest.json``, ``SHA256SUMS`` and ``fenban verify``.

The manifest records everything needed to re-run the draw: the roster's SHA-256
(the file's bytes, and the roster as read — so a file re-saved by Excel with the
same contents is told apart from a changed one), a short hash of each row and
each column (so a change can be named by row and column), the rules with the
seed and the import options, the versions of what computed it, per-class
figures and the hash of the assignment.

The assignment hash is the SHA-256 of the class labels, one a line, in roster
order (UTF-8, each line ending in ``\\n``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..i18n import FenbanError, tr
from .roster import Roster, RowList
from .rules import Rules
from .session import file_sha256

__all__ = ["MANIFEST", "SUMS_FILE", "file_sha256", "roster_sha256", "verify_export"]

MANIFEST = "manifest.json"
SUMS_FILE = "SHA256SUMS"
RULES_FILE = "分班规则.toml"
FORMAT = "fenban-manifest/1"


# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canon(cells) -> str:
    return json.dumps(["" if v is None else str(v) for v in cells], ensure_ascii=False, separators=(",", ":"))


def roster_fingerprint(roster: Roster) -> dict:
    """The roster as read (every column, text exactly as read, in order) hashed
    as a whole, by row and by column.  The whole-roster hash is the SHA-256 of
    the header and then each row as a JSON list of strings, one a line."""
    cols = list(roster.columns)
    rows = roster.table.select(cols).rows()
    whole = hashlib.sha256((_canon(cols) + "\n").encode("utf-8"))
    row_hashes = []
    for r in rows:
        line = _canon(r)
        whole.update((line + "\n").encode("utf-8"))
        row_hashes.append(sha256_bytes(line.encode("utf-8"))[:16])
    col_hashes = {c: sha256_bytes(_canon([c] + [r[j] for r in rows]).encode("utf-8"))[:16] for j, c in enumerate(cols)}
    refs = roster.row_refs()
    return {
        "normalised_sha256": whole.hexdigest(),
        "students": roster.n,
        "columns": cols,
        "column_sha256": col_hashes,
        "rows": [[ref, h] for ref, h in zip(refs, row_hashes)],
    }


def roster_sha256(path: str | Path) -> str:
    """The roster file's SHA-256, for the public draw (shown before the seed)."""
    return file_sha256(path)


def assignment_sha256(labels_in_order: list[str]) -> str:
    return sha256_bytes("".join(f"{lab}\n" for lab in labels_in_order).encode("utf-8"))


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    out = {"fenban": __version__, "python": platform.python_version()}
    for name in ("ortools", "polars", "numpy", "numba", "pypinyin"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


# --------------------------------------------------------------------------- the manifest


def build_manifest(roster: Roster, rules: Rules, labels: list[str], classes: np.ndarray, stats: list,
                   *, roster_file_sha256: str | None, teachers: dict | None, student_ids: dict | None,
                   export: dict, files: dict[str, str], drawn: np.ndarray | None = None,
                   hand: list[int] | None = None, problems: list[dict] | None = None) -> dict:
    """``drawn``: the classes the draw gave, when they were adjusted afterwards
    (复核); the adjustments are listed, so the draw stays verifiable and every
    change to it is on record.  ``hand``: the students placed by hand (the
    other adjustments came from re-solving around locks).  ``problems``: the
    hard rules the final classes break (overridden by hand in the review, see
    :func:`.export.open_problems`), recorded so the record page and verify say so."""
    per_student = [labels[int(c)] for c in classes]
    drawn_labels = per_student if drawn is None else [labels[int(c)] for c in drawn]
    refs = roster.row_refs()
    adjusted = [[i, refs[i], a, b] for i, (a, b) in enumerate(zip(drawn_labels, per_student)) if a != b]
    return {
        "format": FORMAT,
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "roster": {"file": Path(roster.path).name, "sha256": roster_file_sha256, "sheet": roster.sheet,
                   **roster_fingerprint(roster)},
        "seed": rules.seed,
        "seed_int": rules.seed_int(),
        "rules": rules.as_dict(),
        "rules_toml": rules.to_toml(),
        "versions": versions(),
        "classes": [{"label": st.label, "size": st.size, "boys": st.boys, "girls": st.girls,
                     "means": st.means, "sds": st.sds} for st in stats],
        "assignment": {"sha256": assignment_sha256(per_student), "labels": list(labels),
                       "rule": "sha256 of the class labels, one a line, in roster order",
                       "draw_sha256": assignment_sha256(drawn_labels),
                       "adjusted": adjusted,  # [index, row, drawn class, final class]
                       "by_hand": sorted(int(i) for i in (hand or []) if drawn_labels[int(i)] != per_student[int(i)])},
        "open_problems": list(problems or []),  # [{"key", "params", "text"}]
        "teachers": teachers,
        "student_ids": student_ids,
        "export": export,
        "files": files,
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def sums_bytes(hashes: dict[str, str]) -> bytes:
    """``sha256sum -c`` format: hex, two spaces, the name (relative, UTF-8)."""
    return "".join(f"{h}  {name}\n" for name, h in hashes.items()).encode("utf-8")


def parse_sums(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if not line.strip():
            continue
        h, _, name = line.partition(" ")
        name = name[1:] if name[:1] in (" ", "*") else name
        out.append((h.lower(), name))
    return out


# --------------------------------------------------------------------------- verify


@dataclass
class Finding:
    level: str  # "ok" | "warn" | "fail"
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return tr(self.key, lang, **self.params)


@dataclass
class VerifyReport:
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not any(f.level == "fail" for f in self.findings)

    def verdict(self, lang: str | None = None) -> str:
        fails = [f for f in self.findings if f.level == "fail"]
        if not fails:
            adjusted = next((f for f in self.findings if f.key == "verify_adjusted"), None)
            text = tr("verify_ok_adjusted", lang, **adjusted.params) if adjusted else tr("verify_ok", lang)
            # the files are the record's, but the final classes break a hard rule
            # (the operator's decision in the review): said plainly, still a pass
            n = sum(f.params.get("n", 1) if f.key == "verify_open_problems_more" else 1
                    for f in self.findings if f.key in ("verify_open_problem", "verify_open_problems_more"))
            return tr("verify_ok_open", lang, verdict=text, n=n) if n else text
        return tr("verify_failed", lang, reason=fails[0].text(lang))

    def as_json(self, lang: str | None = None) -> dict:
        return {"ok": self.ok, "message": self.verdict(lang),
                "findings": [{"level": f.level, "key": f.key, "message": f.text(lang)} for f in self.findings]}


class _Items:
    """A list of items joined in the punctuation of the language it is shown in."""

    def __init__(self, items: list, more: int = 0) -> None:
        self.items, self.more = items, more

    def render(self, lang: str) -> str:
        parts = [i.render(lang) if hasattr(i, "render") else str(i) for i in self.items]
        text = ("; " if lang == "en" else "；").join(parts)
        if self.more:
            text += (f" and {self.more} more" if lang == "en" else f" 等，另有 {self.more} 处")
        return text


class _Msg:
    def __init__(self, key: str, **params) -> None:
        self.key, self.params = key, params

    def render(self, lang: str) -> str:
        return tr(self.key, lang, **self.params)


class _Joined:
    def __init__(self, items: list[str]) -> None:
        self.items = items

    def render(self, lang: str) -> str:
        return (", " if lang == "en" else "、").join(self.items)


def roster_changes(old: dict, roster: Roster, new: dict) -> _Items:
    """What differs between the roster recorded in the manifest and this one,
    by row (with the student's name) and column where that can be told."""
    old_cols, new_cols = old.get("columns", []), new["columns"]
    items: list = []
    if old_cols != new_cols:
        added = [c for c in new_cols if c not in old_cols]
        removed = [c for c in old_cols if c not in new_cols]
        if added:
            items.append(_Msg("verify_cols_added", cols=_Joined(added)))
        if removed:
            items.append(_Msg("verify_cols_removed", cols=_Joined(removed)))
        if not added and not removed:
            items.append(_Msg("verify_cols_order"))
        return _Items(items)
    changed_cols = [c for c in new_cols if old.get("column_sha256", {}).get(c) != new["column_sha256"][c]]
    old_rows, new_rows = old.get("rows", []), new["rows"]
    names = roster.table[roster.cmap.name].to_list() if roster.cmap.name else [""] * roster.n
    limit = 8
    if len(old_rows) == len(new_rows):
        diff = [i for i, (a, b) in enumerate(zip(old_rows, new_rows)) if a[1] != b[1]]
        if diff and Counter(h for _, h in old_rows) == Counter(h for _, h in new_rows):
            return _Items([_Msg("verify_rows_order")])
        for i in diff[:limit]:
            if len(diff) == 1 and changed_cols:
                items.append(_Msg("verify_row_changed", row=RowList([new_rows[i][0]]), name=names[i],
                                  cols=_Joined(changed_cols)))
            else:
                items.append(_Msg("verify_row_changed_nocols", row=RowList([new_rows[i][0]]), name=names[i]))
        if len(diff) > 1 and changed_cols:
            items.append(_Msg("verify_cols_changed", cols=_Joined(changed_cols)))
        return _Items(items, max(0, len(diff) - limit))
    old_count = Counter(h for _, h in old_rows)
    new_count = Counter(h for _, h in new_rows)
    items.append(_Msg("verify_count_changed", old=len(old_rows), new=len(new_rows)))
    fresh = []
    for i, (ref, h) in enumerate(new_rows):
        if old_count[h] > 0:
            old_count[h] -= 1
        else:
            fresh.append(i)
    gone = []
    for ref, h in old_rows:
        if new_count[h] > 0:
            new_count[h] -= 1
        else:
            gone.append(ref)
    for i in fresh[:limit]:
        items.append(_Msg("verify_row_new", row=RowList([new_rows[i][0]]), name=names[i]))
    if gone:  # named by the row they had in the roster of the draw
        more = len(gone) - limit
        items.append(_Msg("verify_rows_gone", rows=RowList(gone[:limit]), n=len(gone),
                          more=_Msg("verify_rows_more", n=len(gone)) if more > 0 else ""))
    return _Items(items, max(0, len(fresh) - limit))


def _rules_diff(a: Rules, b: Rules) -> list[str]:
    da, db = a.as_dict(), b.as_dict()
    return [k for k in da if da[k] != db.get(k)]


def read_manifest(out_dir: Path) -> dict:
    path = Path(out_dir) / MANIFEST
    if not Path(out_dir).is_dir():
        raise FenbanError("verify_no_dir", path=str(out_dir))
    if not path.exists():
        raise FenbanError("verify_no_manifest", path=str(out_dir))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise FenbanError("verify_manifest_bad", path=str(path), reason=str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FenbanError("verify_manifest_bad", path=str(path), reason="format")
    return data


def check_sums(out_dir: Path) -> list[Finding]:
    """Every file named in SHA256SUMS is there with the same bytes."""
    path = Path(out_dir) / SUMS_FILE
    if not path.exists():
        return [Finding("fail", "verify_no_sums")]
    try:
        entries = parse_sums(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return [Finding("fail", "verify_no_sums")]
    bad, missing = [], []
    for h, name in entries:
        p = Path(out_dir) / name
        if not p.is_file():
            missing.append(name)
        elif file_sha256(p) != h:
            bad.append(name)
    out = []
    if missing:
        out.append(Finding("fail", "verify_files_missing", {"names": _Joined(missing)}))
    if bad:
        out.append(Finding("fail", "verify_files_changed", {"names": _Joined(bad)}))
    if not out:
        out.append(Finding("ok", "verify_sums_ok", {"n": len(entries)}))
    return out


# errors that mean the recorded rules do not fit the roster given to verify
_MISFIT = ("rule_student_missing", "rule_pin_conflict", "pin_bad", "infeasible", "category_missing",
           "group_column_missing")


def _misfit(exc: FenbanError) -> Finding:
    if exc.key == "rule_student_missing":
        return Finding("fail", "verify_student_missing", {"key": exc.params.get("key", "")})
    return Finding("fail", "verify_rules_misfit", {"reason": exc.text()})


def verify_export(out_dir: str | Path, roster_path: str | Path, rules_path: str | Path | None = None,
                  cancel=None) -> VerifyReport:
    """Re-run the draw recorded in ``out_dir`` on ``roster_path`` and compare.

    Raises :class:`FenbanError` only when the folder or roster cannot be read at
    all; everything else is a finding in the report."""
    from .api import check_roster, solve_roster

    out_dir = Path(out_dir)
    man = read_manifest(out_dir)
    findings = check_sums(out_dir)
    try:
        # None is how as_dict() writes "not set" (TOML has no null)
        recorded = Rules.from_dict({k: v for k, v in man["rules"].items() if v is not None}, MANIFEST)
    except (KeyError, TypeError, AttributeError):
        raise FenbanError("verify_manifest_bad", path=str(out_dir / MANIFEST), reason="rules") from None
    rules = recorded
    if rules_path is not None:
        rules = Rules.load(rules_path)
        diff = _rules_diff(recorded, rules)
        if diff:
            findings.append(Finding("fail", "verify_rules_changed", {"keys": _Joined(diff), "where": str(rules_path)}))
    elif (out_dir / RULES_FILE).exists():
        try:
            beside = Rules.load(out_dir / RULES_FILE)
            diff = _rules_diff(recorded, beside)
        except FenbanError:
            diff = ["?"]
        if diff:
            findings.append(Finding("fail", "verify_rules_changed", {"keys": _Joined(diff), "where": RULES_FILE}))
    # versions
    now = versions()
    then = man.get("versions", {})
    vdiff = [f"{k} {then.get(k, '?')} → {now[k]}" for k in now if then.get(k) != now[k]]
    if vdiff:
        findings.append(Finding("warn", "verify_versions_differ", {"list": _Joined(vdiff)}))
    # the roster
    old = man.get("roster", {})
    file_hash = file_sha256(roster_path) if Path(roster_path).is_file() else None
    try:
        roster = check_roster(roster_path, rules=rules)
    except FenbanError as exc:
        if exc.key not in _MISFIT:
            raise
        findings.append(_misfit(exc))
        return VerifyReport(findings)
    if not roster.usable:
        from .api import RULE_ERRORS

        first = roster.errors[0] if roster.errors else None
        key = "verify_rules_unusable" if first is not None and first.key in RULE_ERRORS else "verify_roster_unusable"
        findings.append(Finding("fail", key, {"reason": first.text() if first is not None else ""}))
        return VerifyReport(findings)
    fp = roster_fingerprint(roster)
    if fp["normalised_sha256"] != old.get("normalised_sha256"):
        findings.append(Finding("fail", "verify_roster_changed", {"detail": roster_changes(old, roster, fp)}))
        return VerifyReport(findings)
    if file_hash == old.get("sha256"):
        findings.append(Finding("ok", "verify_roster_same", {"hash": file_hash[:16]}))
    else:
        findings.append(Finding("warn", "verify_roster_resaved"))
    # re-run
    if man.get("export", {}).get("time_limit"):
        findings.append(Finding("warn", "verify_time_limited", {"s": man["export"]["time_limit"]}))
    try:
        placement = solve_roster(roster, rules, cancel=cancel)
    except FenbanError as exc:
        if exc.key not in _MISFIT:
            raise
        # the recorded rules do not fit this roster: it is not the roster of the draw
        findings.append(_misfit(exc))
        return VerifyReport(findings)
    labels = [placement.labels[int(c)] for c in placement.classes]
    rec = man.get("assignment", {})
    adjusted = rec.get("adjusted") or []
    drawn_same = assignment_sha256(labels) == rec.get("draw_sha256", rec.get("sha256"))
    if drawn_same and placement.labels == rec.get("labels"):
        # the hand adjustments on record (复核), applied to the re-run draw
        drawn_same = _apply_adjustments(adjusted, labels, placement, rec.get("sha256"))
        if not drawn_same and adjusted:
            findings.append(Finding("fail", "verify_adjusted_bad"))
            return VerifyReport(findings)
    if not drawn_same:
        moved = _moved(out_dir, man, labels)
        key = "verify_classes_differ_versions" if vdiff else "verify_classes_differ"
        findings.append(Finding("fail", key, {"moved": "?" if moved is None else moved}))
        return VerifyReport(findings)
    findings.append(Finding("ok", "verify_classes_same", {"n": roster.n, "k": len(placement.labels)}))
    if adjusted:
        hand = len(rec.get("by_hand") or [])
        findings.append(Finding("warn", "verify_adjusted", {"n": len(adjusted), "hand": hand,
                                                            "solver": len(adjusted) - hand}))
    findings += _check_published(out_dir, man, labels, placement)
    findings += _check_extras(man, placement, rules)
    findings += _check_files(out_dir, man, placement, rules)
    findings += _check_open_problems(man, placement, rules)
    return VerifyReport(findings)


OPEN_PROBLEMS_SHOWN = 10


def _check_open_problems(man: dict, placement, rules: Rules) -> list[Finding]:
    """The hard rules the final classes break, worked out again from the re-run
    (and its recorded adjustments): each a warning (an override in the review
    is the operator's decision), and a failure when the manifest records others."""
    from .export import open_problems

    found = open_problems(placement.roster, rules, placement.model, placement.classes)
    out: list[Finding] = []
    recorded = man.get("open_problems")
    if recorded is not None:  # manifests before this record had none
        try:
            same = [(p["key"], p["params"]) for p in recorded] == [(p["key"], p["params"]) for p in found]
        except (KeyError, TypeError):
            same = False
        if not same:
            out.append(Finding("fail", "verify_open_problems_differ"))
    for p in found[:OPEN_PROBLEMS_SHOWN]:
        out.append(Finding("warn", "verify_open_problem", {"problem": _Msg(p["key"], **p["params"])}))
    if len(found) > OPEN_PROBLEMS_SHOWN:
        out.append(Finding("warn", "verify_open_problems_more", {"n": len(found) - OPEN_PROBLEMS_SHOWN}))
    return out


def _apply_adjustments(adjusted: list, labels: list[str], placement, final_sha256: str | None) -> bool:
    """Apply ``[index, row, before, after]`` moves to ``labels`` and the
    placement's classes; True when the result has the recorded final hash."""
    index = {lab: c for c, lab in enumerate(placement.labels)}
    try:
        for i, _, before, after in adjusted:
            if labels[i] != before:
                return False
            labels[i] = after
            placement.classes[i] = index[after]
    except (ValueError, KeyError, IndexError, TypeError):
        return False
    return assignment_sha256(labels) == final_sha256


def _published_table(out_dir: Path, man: dict) -> tuple[list[str], list[list[str]]] | None:
    """The header and rows of the assignment.csv in the folder (None if
    unreadable or without a 班级 column)."""
    import csv
    import io

    path = out_dir / man.get("export", {}).get("assignment", "assignment.csv")
    enc = man.get("export", {}).get("csv_encoding", "utf-8-sig")
    try:
        rows = list(csv.reader(io.StringIO(path.read_bytes().decode(enc))))
    except (OSError, UnicodeDecodeError, LookupError, csv.Error):
        return None
    if not rows or "班级" not in rows[0]:
        return None
    return rows[0], rows[1:]


def _unreadable_why(out_dir: Path, man: dict) -> str:
    """Why assignment.csv cannot be read: re-saved in another encoding (Excel on
    a Chinese Windows saves CSV as GB18030), or simply unreadable."""
    path = out_dir / man.get("export", {}).get("assignment", "assignment.csv")
    enc = man.get("export", {}).get("csv_encoding", "utf-8-sig")
    try:
        raw = path.read_bytes()
    except OSError:
        return "verify_assignment_unreadable"
    for other in ("utf-8-sig", "gb18030"):
        if other == enc:
            continue
        try:
            raw.decode(other)
        except UnicodeDecodeError:
            continue
        return "verify_assignment_reencoded"
    return "verify_assignment_unreadable"


def _published_labels(out_dir: Path, man: dict) -> list[str] | None:
    """The 班级 column of the assignment.csv in the folder (None if unreadable)."""
    table = _published_table(out_dir, man)
    if table is None:
        return None
    header, rows = table
    c = header.index("班级")
    return [r[c] if c < len(r) else "" for r in rows]


def _moved(out_dir: Path, man: dict, labels: list[str]) -> int | None:
    published = _published_labels(out_dir, man)
    if published is None or len(published) != len(labels):
        return None
    return sum(1 for a, b in zip(published, labels) if a != b)


ASSIGNMENT_NAMED = 5  # students named when assignment.csv differs


def _check_published(out_dir: Path, man: dict, labels: list[str], placement) -> list[Finding]:
    table = _published_table(out_dir, man)
    if table is None:
        return [Finding("fail", _unreadable_why(out_dir, man))]
    header, rows = table
    c = header.index("班级")
    published = [r[c] if c < len(r) else "" for r in rows]
    if published == labels:
        return []
    refs = placement.roster.row_refs()
    names = placement.roster.names()
    # rows are matched by what they hold besides 班级 (a deleted or added row
    # shifts every later one): students whose class differs, students missing,
    # lines that are no student of the roster
    from difflib import SequenceMatcher

    from .export import assignment_rows

    _, expected = assignment_rows(placement.roster, placement.classes, placement.labels)
    want = [tuple(str(v) for v in r[:c]) for r in expected]
    have = [tuple(r[:c]) for r in rows]
    differ: list[tuple[int, int]] = []  # (student, published row)
    missing: list[int] = []
    extra: list[int] = []  # published rows (0-based, header excluded)
    if len(want) == len(have) and all(a == b for a, b in zip(want, have)):
        differ = [(i, i) for i in range(len(labels)) if published[i] != labels[i]]
    else:
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, have, want, autojunk=False).get_opcodes():
            if tag == "equal":
                differ += [(j1 + t, i1 + t) for t in range(i2 - i1) if published[i1 + t] != labels[j1 + t]]
            else:
                extra += range(i1, i2)
                missing += range(j1, j2)
    items = [_Msg("verify_assignment_missing", row=RowList([refs[i]]), name=names[i] or "") for i in missing]
    items += [_Msg("verify_assignment_student", row=RowList([refs[i]]), name=names[i] or "",
                   written=published[r] or '""', rerun=labels[i]) for i, r in differ]
    # a line added: a second copy of a student's line (named with the line it copies), or no student at all
    lines_of: dict[tuple, list[int]] = {}
    for r, key in enumerate(have):
        lines_of.setdefault(key, []).append(r)
    student_of = {key: j for j, key in enumerate(want)}
    for r in extra:
        j = student_of.get(have[r])
        twins = [x for x in lines_of[have[r]] if x != r]
        if j is None or not twins:
            items.append(_Msg("verify_assignment_extra", line=r + 2))
        else:  # the same student's line twice: the later line named as the copy
            first, later = min(r, twins[0]), max(r, twins[0])
            items.append(_Msg("verify_assignment_repeat", line=later + 2, other=first + 2,
                              row=RowList([refs[j]]), name=names[j] or ""))
    moved = len(differ) + max(len(missing), len(extra))
    if not items:
        return [Finding("fail", "verify_assignment_differs", {"moved": moved})]
    # name the students: row and name, the class written and the re-run's
    who = _Items(items[:ASSIGNMENT_NAMED], len(items) - min(len(items), ASSIGNMENT_NAMED))
    return [Finding("fail", "verify_assignment_differs_named", {"moved": moved, "who": who})]


RECORD_HTML = "分班记录.html"


def _check_files(out_dir: Path, man: dict, placement, rules: Rules) -> list[Finding]:
    """Every published file made again from the re-run classes with the
    recorded options and compared with the one in the folder: a class list,
    the 公示 list or the teacher draw edited by hand (and SHA256SUMS made
    again) is named, and so is a file missing or one that does not belong.
    The workbook is compared part by part, without the creation time in its
    document properties; the record page is made again from the recorded
    manifest, whose class figures must be the re-run's."""
    from .api import summary_rows
    from .export import WORKBOOK, ExportOptions, build_files, record_html

    exp = man.get("export", {})
    sid = man.get("student_ids") or {}
    teachers = (man.get("teachers") or {}).get("teachers")
    try:
        opts = ExportOptions(csv_encoding=exp.get("csv_encoding", "utf-8-sig"), mask_names=bool(exp.get("mask_names")),
                             teachers=teachers or None, student_id=sid.get("pattern"),
                             student_id_order=sid.get("order", "roster"))
        files = build_files(placement.roster, rules, placement.model, placement.classes, opts)
        record = record_html(man, *summary_rows(placement))
    except (FenbanError, KeyError, TypeError, ValueError):
        return [Finding("fail", "verify_files_unchecked")]
    out: list[Finding] = []
    present = {str(p.relative_to(out_dir)).replace("\\", "/") for p in out_dir.rglob("*")
               if p.is_file() and not p.name.startswith(".")}
    expected = set(files) | {SUMS_FILE}
    missing = sorted(expected - present)
    # a file of one's own beside the results is no matter; one posing as a
    # result (a class list, or listed in SHA256SUMS) is
    try:
        listed = {name for _, name in parse_sums((out_dir / SUMS_FILE).read_text(encoding="utf-8"))}
    except (OSError, UnicodeDecodeError, ValueError):
        listed = set()
    classes_dir = next(iter(n.split("/")[0] for n in files if "/" in n), None)
    extra = sorted(n for n in present - expected
                   if n in listed or (classes_dir and n.startswith(classes_dir + "/")))
    # a file SHA256SUMS lists (and SHA256SUMS itself) is already named missing by check_sums
    missing = [n for n in missing if n not in listed and n != SUMS_FILE]
    if missing:
        out.append(Finding("fail", "verify_files_missing", {"names": _Joined(missing)}))
    if extra:
        out.append(Finding("fail", "verify_files_extra", {"names": _Joined(extra)}))
    differ = []
    for name, data in {**files, RECORD_HTML: record}.items():
        path = out_dir / name
        if name in (MANIFEST, RULES_FILE) or not path.is_file():
            continue
        have = path.read_bytes()
        if have != data and not (name == WORKBOOK and _same_workbook(have, data)):
            differ.append(name)
    if not _same_figures(man.get("classes"), placement):
        differ.append(MANIFEST)
    if differ:
        out.append(Finding("fail", "verify_files_differ", {"names": _Joined(sorted(set(differ)))}))
    if not out:
        # (a file missing, named by check_sums, is not among those that match)
        absent = sum(1 for n in files if n not in present)
        out.append(Finding("ok", "verify_files_same", {"n": len(files) - 1 - absent}))
    return out


def _same_figures(recorded, placement) -> bool:
    """The manifest's per-class figures are the re-run's (to the last digit printed)."""
    try:
        again = placement.stats()
        if len(recorded) != len(again):
            return False
        for r, st in zip(recorded, again):
            if (r["label"], r["size"], r["boys"], r["girls"]) != (st.label, st.size, st.boys, st.girls):
                return False
            for key, mine in (("means", st.means), ("sds", st.sds)):
                for name, v in mine.items():
                    w = r[key].get(name)
                    if (v is None) != (w is None) or (v is not None and abs(float(v) - float(w)) > 1e-9):
                        return False
        return True
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _same_workbook(a: bytes, b: bytes) -> bool:
    """Two xlsx files with the same parts, the creation time aside."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(a)) as za, zipfile.ZipFile(io.BytesIO(b)) as zb:
            names = sorted(za.namelist())
            if names != sorted(zb.namelist()):
                return False
            return all(za.read(n) == zb.read(n) for n in names if n != "docProps/core.xml")
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _check_extras(man: dict, placement, rules: Rules) -> list[Finding]:
    """The teacher draw and the 学号 recomputed from the same seed and classes."""
    from .lottery import draw_teachers, student_ids, totals_of

    out = []
    t = man.get("teachers")
    if t:
        try:
            again = draw_teachers(t.get("teachers", []), placement.labels, rules.seed).by_class
        except FenbanError:
            again = None
        if again != t.get("draw"):
            out.append(Finding("fail", "verify_teachers_differ"))
        else:
            out.append(Finding("ok", "verify_teachers_same", {"n": len(again)}))
    s = man.get("student_ids")
    if s:
        try:
            ids = student_ids(s["pattern"], s["order"], placement.classes, len(placement.labels),
                              placement.roster.names(), totals_of(placement.roster))
            same = sha256_bytes("".join(f"{x}\n" for x in ids).encode("utf-8")) == s.get("sha256")
        except (FenbanError, KeyError):
            same = False
        out.append(Finding("ok", "verify_sids_same") if same else Finding("fail", "verify_sids_differ"))
    return out

