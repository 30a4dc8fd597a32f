"""Write the result: ``assignment.csv`` (UTF-8 with BOM, every roster column plus
班级) and a workbook with one sheet per class plus a 汇总 summary sheet.

An export is written whole in a hidden staging folder (fsynced), then moved into
place by renames, SHA256SUMS last: a full stick or a write error leaves the folder
as it was, and an interrupted export never leaves a file that looks complete.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import atomic_write_bytes
from .model import PlacementModel
from .roster import Roster
from .stats import class_stats, date_text

CLASS_COL = "班级"
ASSIGNMENT_CSV = "assignment.csv"
WORKBOOK = "分班结果.xlsx"


def display_width(text: object) -> int:
    """Width as a terminal or Excel shows it: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def column_width(values: list[object], header: str, lo: int = 4, hi: int = 60) -> float:
    w = max([display_width(header)] + [display_width(v) for v in values if v is not None])
    return float(min(hi, max(lo, w + 2)))


def assignment_rows(roster: Roster, classes: np.ndarray, labels: list[str],
                    extra: dict[str, list[str]] | None = None) -> tuple[list[str], list[list[str]]]:
    """Every roster column plus 班级 (and any ``extra`` columns, e.g. 学号)."""
    extra = extra or {}
    header = list(roster.columns) + [CLASS_COL] + list(extra)
    rows = []
    for i, rec in enumerate(roster.table.select(roster.columns).iter_rows()):
        rows.append([("" if v is None else v) for v in rec] + [labels[int(classes[i])]]
                    + [col[i] for col in extra.values()])
    return header, rows


def people_rows(roster: Roster, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The rows as the class lists show them to people: a gender written as
    a code (M, 1, 2 …) shown as 男/女, as FenBan read it.  assignment.csv keeps
    the roster's own cells; only lists meant for reading use these."""
    col = roster.cmap.gender
    if not col or col not in header:
        return rows
    at = header.index(col)
    shown = _gender_text(roster)
    return [r[:at] + [shown[i] or r[at]] + r[at + 1:] for i, r in enumerate(rows)]


# what Excel changes when it opens a CSV: long digit runs (to 9.90101E+17), leading
# zeros (001, 012.5, -012), a leading + (+8613… to a number), and = @ + - that start
# a formula; a plain number such as 85.5, 0.5 or -3 is left to Excel
_EXCEL_MANGLES = re.compile(r"\d{12,}|-?0\d+(\.\d*)?|[=+@].*|-(?![1-9]\d*(\.\d+)?$|0(\.\d+)?$).+", re.S)


def excel_text(value: object) -> object:
    """A cell of a CSV made to be opened in Excel (the class lists teachers
    open): digits Excel would turn into a number and damage — a 身份证号 or
    学号 of 12 and more digits (shown as 9.90101E+17, the last digits lost on
    saving), one with a leading zero (001 shown as 1), a phone number written
    +86…, or text Excel would run as a formula (=…, @…) — written as
    ``="…"``, which Excel shows as that very text.  Anything else as it is."""
    if isinstance(value, str) and _EXCEL_MANGLES.fullmatch(value):
        return '="' + value.replace('"', '""') + '"'
    return value


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def write_assignment_csv(path: Path, roster: Roster, classes: np.ndarray, labels: list[str]) -> Path:
    header, rows = assignment_rows(roster, classes, labels)
    atomic_write_bytes(path, csv_bytes(header, rows))
    return path


def _sort_key(roster: Roster):
    return None


def write_workbook(path: Path, roster: Roster, model: PlacementModel, classes: np.ndarray) -> Path:
    atomic_write_bytes(path, workbook_bytes(roster, model, classes))
    return path


def workbook_bytes(roster: Roster, model: PlacementModel, classes: np.ndarray,
                   extra: dict[str, list[str]] | None = None, teachers: dict[str, str] | None = None) -> bytes:
    """The workbook: 汇总, one sheet per class, 统计 (class means per subject
    with a column chart)."""
    import xlsxwriter

    labels = model.labels
    header, rows = assignment_rows(roster, classes, labels, extra)
    rows = people_rows(roster, header, rows)  # the class sheets are read by teachers: 男/女, not 1/2
    numeric_cols = set(roster.cmap.numeric_columns())
    values = roster.values
    stats = class_stats(model, classes)
    buf = io.BytesIO()

    def produce() -> None:
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
        bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        num1 = wb.add_format({"num_format": "0.0"})
        num2 = wb.add_format({"num_format": "0.00"})
        text = wb.add_format({"num_format": "@"})
        title = wb.add_format({"bold": True, "font_size": 14})
        # ---- summary sheet first
        ws = wb.add_worksheet("汇总")
        sum_header = ["班级", "人数", "男", "女"]
        for f in model.numeric:
            if f.kind == "birth":
                sum_header += ["平均出生日期"]
            else:
                sum_header += [f"{f.name}平均", f"{f.name}标准差"]
        school = next((f for f in model.categories if f.kind == "school"), None)
        boarding = next((f for f in model.categories if f.kind == "boarding"), None)
        if boarding is not None:
            sum_header += [f"{boarding.name}:{lab}" for lab in boarding.labels]
        if school is not None:
            sum_header += [f"{lab}" for lab in school.labels]
        if teachers:
            sum_header.append("班主任")
        ws.write(0, 0, "分班汇总", title)
        ws.write_row(1, 0, sum_header, bold)
        table_rows: list[list[object]] = []
        for r, st in enumerate(stats, start=2):
            row: list[object] = [st.label, st.size, st.boys, st.girls]
            for f in model.numeric:
                m, s = st.means[f.name], st.sds[f.name]
                if f.kind == "birth":
                    row.append(date_text(m) if m is not None else "")
                else:
                    row += [m if m is not None else "", s if s is not None else ""]
            if boarding is not None:
                row += [st.counts[boarding.name][lab] for lab in boarding.labels]
            if school is not None:
                row += [st.counts[school.name][lab] for lab in school.labels]
            if teachers:
                row.append(teachers.get(st.label, ""))
            table_rows.append(row)
            for c, v in enumerate(row):
                if isinstance(v, float):
                    ws.write_number(r, c, v, num2)
                else:
                    ws.write(r, c, v)
        for c, h in enumerate(sum_header):
            ws.set_column(c, c, column_width([r[c] if not isinstance(r[c], float) else f"{r[c]:.2f}"
                                              for r in table_rows], h))
        ws.freeze_panes(2, 1)
        # ---- one sheet per class
        order = sorted(range(len(rows)), key=lambda i: (int(classes[i]), i))
        by_class: dict[int, list[int]] = {}
        for i in order:
            by_class.setdefault(int(classes[i]), []).append(i)
        taken = {"汇总", STATS_SHEET}
        for c, label in enumerate(labels):
            members = by_class.get(c, [])
            sh = wb.add_worksheet(_sheet_name(label, taken))
            sh.write_row(0, 0, header, bold)
            for r, i in enumerate(members, start=1):
                for col, v in enumerate(rows[i]):
                    name = header[col]
                    if name in numeric_cols and name in values.columns:
                        val = values[name][i]
                        if val is not None:
                            sh.write_number(r, col, float(val), num1)
                            continue
                    sh.write_string(r, col, str(v), text) if v != "" else None
            for col, h in enumerate(header):
                sh.set_column(col, col, column_width([rows[i][col] for i in members], h))
            sh.freeze_panes(1, 0)
            sh.autofilter(0, 0, max(1, len(members)), len(header) - 1)
        _stats_sheet(wb, model, stats, bold, num2)
        wb.close()

    produce()
    return buf.getvalue()


STATS_SHEET = "统计"


def _stats_sheet(wb, model: PlacementModel, stats, bold, num2) -> None:
    """统计: each class's mean per score column (and 总分), and a column chart
    of the subject means by class."""
    ws = wb.add_worksheet(STATS_SHEET)
    feats = [f for f in model.numeric if f.kind in ("score", "total")]
    ws.write_row(0, 0, ["班级"] + [f"{f.name}平均" for f in feats], bold)
    for r, st in enumerate(stats, start=1):
        ws.write(r, 0, st.label)
        for c, f in enumerate(feats, start=1):
            m = st.means[f.name]
            ws.write_number(r, c, m, num2) if m is not None else None
    ws.set_column(0, 0, column_width([st.label for st in stats], "班级"))
    ws.set_column(1, max(1, len(feats)), 12)
    subjects = [c for c, f in enumerate(feats, start=1) if f.kind == "score"]
    if not subjects or not stats:
        return
    chart = wb.add_chart({"type": "column"})
    k = len(stats)
    for c in subjects:
        chart.add_series({"name": [STATS_SHEET, 0, c], "categories": [STATS_SHEET, 1, 0, k, 0],
                          "values": [STATS_SHEET, 1, c, k, c]})
    chart.set_title({"name": "各班各科平均分"})
    chart.set_y_axis({"name": "平均分"})
    chart.set_size({"width": 720, "height": 360})
    ws.insert_chart(k + 3, 0, chart)


def _sheet_name(label: str, taken: set[str]) -> str:
    """An Excel-safe, unique sheet name for a class label (≤ 31 characters, no
    []:*?/\\, no apostrophe at either end)."""
    bad = '[]:*?/\\'
    name = "".join("_" if ch in bad else ch for ch in label).strip("'").strip() or "班"
    name = name[:31]
    n = 2
    while name.lower() in taken or name == "汇总":
        suffix = f"~{n}"
        name = name[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


# --------------------------------------------------------------------------- the whole export

RECORD_HTML = "分班记录.html"
LISTS_HTML = "班级名单.html"
PUBLIC_CSV = "公示名单.csv"
PUBLIC_HTML = "公示名单.html"
TEACHERS_CSV = "班主任.csv"
CLASS_DIR = "各班名单"
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030"}


@dataclass
class ExportOptions:
    csv_encoding: str = "utf-8-sig"  # or "gb18030" for old Excel
    mask_names: bool = False  # 公示 list: 张*明
    teachers: list[str] | None = None  # 班主任抽签
    student_id: str | None = None  # 学号 pattern, e.g. "2026{class:02d}{seq:02d}"
    student_id_order: str = "roster"  # roster | name | score
    # the solve's wall-clock limit (--time-limit), recorded in the manifest: a
    # draw cut short by the clock may not re-run identically elsewhere
    time_limit: float | None = None


@dataclass
class ExportResult:
    folder: Path
    paths: list[Path]  # every file written, SHA256SUMS last
    verified: int  # files read back with the right checksum

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


def mask_name(name: str) -> str:
    """张三 → 张*, 张三明 → 张*明, 欧阳娜娜 → 欧**娜; a one-character name is
    hidden whole (李 → *): shown, it would be the full name."""
    chars = [ch for ch in str(name) if not ch.isspace()]  # 叶　志轩 is three characters
    if len(chars) <= 1:
        return "*" * len(chars)
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def _gender_text(roster: Roster) -> list[str]:
    if "_gender" in roster.values.columns:
        return [{"M": "男", "F": "女"}.get(g or "", "") for g in roster.values["_gender"].to_list()]
    return [""] * roster.n


_FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "微软雅黑", "PingFang SC", '
          '"Hiragino Sans GB", "WenQuanYi Micro Hei", "SimHei", "黑体", "SimSun", "宋体", sans-serif')
_CSS = """@page { size: A4; margin: 15mm 12mm; }
body { font-family: %s; font-size: 11pt; color: #000; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt 0; } h2 { font-size: 12pt; margin: 10pt 0 4pt 0; }
.sheet { page-break-after: always; break-after: page; }
.sheet:last-child { page-break-after: auto; break-after: auto; }
.meta { margin: 0 0 6pt 0; }
table { border-collapse: collapse; width: 100%%; }
th, td { border: 0.5pt solid #444; padding: 2pt 4pt; text-align: left; }
th { background: #eee; } tr { page-break-inside: avoid; break-inside: avoid; }
.mono { font-family: "DejaVu Sans Mono", Consolas, "Courier New", monospace; font-size: 9pt; word-break: break-all; }
.small { font-size: 9pt; }
@media screen { body { margin: 12mm; } .sheet { border-bottom: 1px dashed #999; margin-bottom: 12mm; } }
""" % _FONTS


def _html_page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{_esc(title)}</title>\n<style>\n{_CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
            ).encode("utf-8")


def _esc(text: object) -> str:
    import html

    return html.escape(str(text), quote=True)


def _table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in r) + "</tr>" for r in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def _members(classes: np.ndarray, k: int) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(k)]
    for i, c in enumerate(classes.tolist()):
        out[int(c)].append(i)
    return out


def class_lists_html(roster: Roster, labels: list[str], classes: np.ndarray, sids: list[str] | None,
                     teachers: dict[str, str] | None) -> bytes:
    """Printable class lists, a page per class: 序号, 学号, 姓名, 性别, previous
    school, boarding — never ID or phone numbers."""
    names = roster.names()
    gender = _gender_text(roster)
    cm = roster.cmap
    extra = [c for c in (cm.school, cm.boarding) if c]
    header = ["序号"] + (["学号"] if sids else []) + ["姓名", "性别"] + extra
    cols = {c: roster.table[c].to_list() for c in extra}
    parts = []
    for c, members in enumerate(_members(classes, len(labels))):
        label = labels[c]
        boys = sum(1 for i in members if gender[i] == "男")
        girls = sum(1 for i in members if gender[i] == "女")
        meta = f"共 {len(members)} 人（男 {boys}，女 {girls}）"
        if teachers and teachers.get(label):
            meta = f"班主任：{teachers[label]}　　" + meta
        rows = [[n] + ([sids[i]] if sids else []) + [names[i], gender[i]] + [cols[x][i] or "" for x in extra]
                for n, i in enumerate(members, start=1)]
        parts.append(f'<section class="sheet">\n<h1>{_esc(label)}</h1>\n<p class="meta">{_esc(meta)}</p>\n'
                     + _table(header, rows) + "</section>\n")
    return _html_page("班级名单", "".join(parts))


def public_rows(roster: Roster, labels: list[str], classes: np.ndarray, mask: bool) -> list[list[str]]:
    """公示: name (masked if asked), gender, class, ordered by class and then by
    name (pinyin) — not by the roster's order, which may follow the scores.
    Nothing else is taken from the roster."""
    from .lottery import pinyin_key

    names = roster.names()
    gender = _gender_text(roster)
    order = sorted(range(roster.n), key=lambda i: (int(classes[i]), pinyin_key(names[i]), i))
    return [[mask_name(names[i]) if mask else names[i], gender[i], labels[int(classes[i])]] for i in order]


PUBLIC_HEADER = ["姓名", "性别", "班级"]


def public_html(rows: list[list[str]], labels: list[str]) -> bytes:
    parts = []
    for label in labels:
        mine = [r for r in rows if r[2] == label]
        parts.append(f'<section class="sheet">\n<h1>分班公示　{_esc(label)}</h1>\n'
                     f'<p class="meta">共 {len(mine)} 人</p>\n'
                     + _table(["序号"] + PUBLIC_HEADER, [[n] + r for n, r in enumerate(mine, start=1)])
                     + "</section>\n")
    return _html_page("分班公示", "".join(parts))


def record_html(manifest: dict, summary_header: list[str], summary: list[list[str]]) -> bytes:
    """One printable page for the public draw: the roster hash committed before
    the seed, the seed, the result summary, the head-teacher draw and how to
    check it all."""
    r = manifest["roster"]
    t = manifest.get("teachers")
    rules = manifest["rules"]
    items = [
        ("名单文件", r["file"]),
        ("学生人数", str(r["students"])),
        ("名单 SHA-256（文件）", r.get("sha256") or ""),
        ("名单 SHA-256（内容）", r["normalised_sha256"]),
        ("随机种子（抽签文字）", manifest["seed"]),
        ("班级数", str(len(manifest["assignment"]["labels"]))),
        ("分班结果 SHA-256", manifest["assignment"]["sha256"]),
        ("生成时间（UTC）", manifest["created"]),
        ("软件版本", "，".join(f"{k} {v}" for k, v in manifest["versions"].items())),
    ]
    # what was balanced: the scores (总分, 出生日期) the class figures hold, then the counts
    classes = manifest.get("classes") or []
    balance = list((classes[0].get("means") or {}) if classes else {})
    balance += [name for key, name in (("balance_gender", "性别"), ("balance_school", "原学校"),
                                       ("balance_boarding", "住宿")) if rules.get(key)]
    balance += list(rules.get("categories") or [])
    items.insert(6, ("均衡项目", "、".join(dict.fromkeys(balance)) or "—"))
    level = {1: "低", 3: "高"}
    if rules.get("priority"):
        items.insert(7, ("优先级", "、".join(f"{k}：{level.get(v, '中')}" for k, v in rules["priority"].items())))
    added = ([f"同班：{'、'.join(g)}" for g in rules.get("together_extra") or []]
             + [f"分开：{'、'.join(g)}" for g in rules.get("apart_extra") or []]
             + [f"{k} 预设第 {v} 班" for k, v in (rules.get("pins_extra") or {}).items()])
    if rules.get("at_least"):
        items.insert(7, ("每班至少", "；".join(f"{k} {v} 名" for k, v in rules["at_least"].items())))
    if added:
        items.insert(7, ("另加的规则（学号/身份证号）", "；".join(added)))
    rows = "\n".join(f'<tr><th>{_esc(a)}</th><td class="{"mono" if "SHA" in a else ""}">{_esc(b)}</td></tr>'
                     for a, b in items)
    body = ('<section class="sheet">\n<h1>分班记录（公开抽签）</h1>\n'
            f"<table>\n<tbody>\n{rows}\n</tbody>\n</table>\n<h2>各班情况</h2>\n"
            + _table(summary_header, summary))
    adjusted = manifest["assignment"].get("adjusted") or []
    if adjusted:
        by_hand = set(manifest["assignment"].get("by_hand") or [])
        hand = [x for x in adjusted if x[0] in by_hand]
        solver = [x for x in adjusted if x[0] not in by_hand]
        body += (f'<h2>复核调整</h2>\n<p class="small">电脑分班后，复核时共有 {len(adjusted)} 名学生的班级与抽签结果不同：'
                 f"手动移动或对调 {len(hand)} 人，锁定后重新分班时由电脑调整 {len(solver)} 人。每一名学生的"
                 "变动都记录在 manifest.json 中，fenban verify 会核对最终结果与这些记录一致；哪些是手动、哪些是重新"
                 "分班，是本机的操作记录。</p>\n")
        if hand:  # every hand move, never cut short
            body += _table(["行", "抽签分到", "手动调到"], [[ref, a, b] for _, ref, a, b in hand])
        if solver:
            from .roster import RowList  # 第 12 行, or 原2班 第 12 行 for combined sheets

            shown = "；".join(f"{RowList([ref]).render('zh')} {a} → {b}" for _, ref, a, b in solver[:20])
            more = f" 等共 {len(solver)} 人（全部见 manifest.json）" if len(solver) > 20 else ""
            body += f'<p class="small">重新分班调整：{_esc(shown + more)}</p>\n'
    problems = manifest.get("open_problems") or []
    if problems:
        body += (f'<h2>未解决的问题</h2>\n<p class="small">最终分班仍违反以下 {len(problems)} 条硬性规则：复核时规则拒绝了'
                 "这些调整，操作人确认仍要这样做，导出前再次确认。fenban verify 会重新核算并列出它们。</p>\n"
                 + _table(["序号", "问题"], [[n, p.get("text", "")] for n, p in enumerate(problems, start=1)]))
    if t:
        body += "<h2>班主任抽签</h2>\n" + _table(["班级", "班主任"], [[k, v] for k, v in t["draw"].items()])
        if t.get("reserves"):
            body += f'<p class="small">未抽到班级：{_esc("、".join(t["reserves"]))}</p>\n'
    body += ('<h2>如何核验</h2>\n<p class="small">先公布名单 SHA-256，再当场产生随机种子。任何持有同一名单的人都可以运行 '
             '<span class="mono">fenban verify 本文件夹 --roster 名单文件</span> 重新分班并核对结果完全一致；'
             '用 <span class="mono">sha256sum -c SHA256SUMS</span> 检查文件未被改动。班主任抽签：按 '
             'SHA-256("teachers:" + 种子 + 换行 + 姓名) 从小到大排列，依次对应第 1、2、… 班。</p>\n'
             '<p class="small">签字：＿＿＿＿＿＿＿＿　　监督：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿＿＿</p>\n</section>\n')
    return _html_page("分班记录", body)


def open_problems(roster: Roster, rules, model: PlacementModel, classes: np.ndarray) -> list[dict]:
    """The hard rules the final classes break — what the review (复核) lists as
    warnings when the operator overrode a refusal and exported anyway: 绑定
    apart, 互斥 or same-name students together, a 预设班级 pin, sizes more than
    one apart, an "at least N per class" demand unmet (all as the review's
    own problem list says them).  Each is
    ``{"key", "params", "text"}`` (a message key of :mod:`..i18n`, its
    parameters, and the Chinese text the record page shows).  Grouped runs
    compare sizes within each group only (schools differ from each other)."""
    from ..i18n import tr
    from .review import Review

    classes = np.asarray(classes, dtype=np.int64)
    found = [(r.key, r.params) for r in Review(model, classes).problems()]
    group_by = getattr(rules, "group_by", None)
    if group_by and group_by in roster.columns:
        from .api import _group_rows

        found = [x for x in found if x[0] != "review_size_broken"]
        for _, rows in _group_rows(roster, group_by):
            local = classes[rows]
            used = sorted(set(local.tolist()))
            sizes = [int(np.sum(local == c)) for c in used]
            if max(sizes) - min(sizes) > 1:
                big, small = used[int(np.argmax(sizes))], used[int(np.argmin(sizes))]
                found.append(("review_size_broken", {"big": model.labels[big], "nb": max(sizes),
                                                     "small": model.labels[small], "ns": min(sizes)}))
    return [{"key": key, "params": dict(params), "text": tr(key, "zh", **params)} for key, params in found]


def build_files(roster: Roster, rules, model: PlacementModel, classes: np.ndarray,
                options: ExportOptions | None = None, summary: tuple[list[str], list[list[str]]] | None = None,
                drawn: np.ndarray | None = None, hand: list[int] | None = None) -> dict[str, bytes]:
    """Every file of the export, in memory, by relative name (SHA256SUMS not
    included; :func:`write_export` adds it)."""
    from .lottery import draw_teachers, student_ids, totals_of
    from .manifest import MANIFEST, RULES_FILE, build_manifest, file_sha256, manifest_bytes, sha256_bytes
    from .usb import unique_names

    opts = options or ExportOptions()
    enc = CSV_ENCODINGS.get(opts.csv_encoding.lower())
    if enc is None:
        from ..i18n import FenbanError

        raise FenbanError("csv_encoding_bad", encoding=opts.csv_encoding)
    labels = model.labels
    extra: dict[str, list[str]] = {}
    sid_info = None
    sids = None
    if opts.student_id:
        sids = student_ids(opts.student_id, opts.student_id_order, classes, len(labels), roster.names(),
                           totals_of(roster) if opts.student_id_order == "score" else None)
        col = "学号" if "学号" not in roster.columns else "新学号"
        extra[col] = sids
        sid_info = {"pattern": opts.student_id, "order": opts.student_id_order, "column": col,
                    "sha256": sha256_bytes("".join(f"{x}\n" for x in sids).encode("utf-8"))}
    draw = draw_teachers(opts.teachers, labels, rules.seed) if opts.teachers else None
    by_teacher = draw.by_class if draw else None
    files: dict[str, bytes] = {}
    header, rows = assignment_rows(roster, classes, labels, extra)
    files[ASSIGNMENT_CSV] = csv_bytes(header, rows, enc)
    files[WORKBOOK] = workbook_bytes(roster, model, classes, extra, by_teacher)
    files[RULES_FILE] = rules.to_toml().encode("utf-8")
    shown = people_rows(roster, header, rows)
    for label, name, members in zip(labels, unique_names([f"{lab}.csv" for lab in labels]),
                                    _members(classes, len(labels))):
        # class lists are opened in Excel by teachers: IDs written so that it keeps them
        # (assignment.csv keeps every value exactly as the roster has it, for programs)
        files[f"{CLASS_DIR}/{name}"] = csv_bytes(header, [[excel_text(v) for v in shown[i]] for i in members], enc)
    files[LISTS_HTML] = class_lists_html(roster, labels, classes, sids, by_teacher)
    pub = public_rows(roster, labels, classes, opts.mask_names)
    # the 公示 list and the teachers' list are opened in Excel too: a name or a
    # label Excel would read as a formula or a number is written as text
    files[PUBLIC_CSV] = csv_bytes(PUBLIC_HEADER, [[excel_text(v) for v in row] for row in pub], enc)
    files[PUBLIC_HTML] = public_html(pub, labels)
    if draw:
        files[TEACHERS_CSV] = csv_bytes(["班级", "班主任"], [[excel_text(k), excel_text(v)] for k, v in draw.by_class.items()]
                                        + [["未分配", excel_text(v)] for v in draw.reserves], enc)
    stats = class_stats(model, classes)
    # the file the classes were made from: a session's roster keeps the hash of
    # the file as read (published before the seed), even if the file changed since
    roster_hash = roster.source_sha256
    if roster_hash is None:
        try:
            roster_hash = file_sha256(roster.path)
        except OSError:
            roster_hash = None
    manifest = build_manifest(
        roster, rules, labels, classes, stats, roster_file_sha256=roster_hash,
        teachers=draw.as_json() if draw else None, student_ids=sid_info,
        export={"csv_encoding": enc, "mask_names": opts.mask_names, "assignment": ASSIGNMENT_CSV,
                "time_limit": opts.time_limit},
        files={}, drawn=drawn, hand=hand, problems=open_problems(roster, rules, model, classes),
    )
    if summary is None:
        summary = (["班级", "人数", "男/女"], [[st.label, str(st.size), f"{st.boys}/{st.girls}"] for st in stats])
    files[RECORD_HTML] = record_html(manifest, *summary)
    manifest["files"] = {name: sha256_bytes(data) for name, data in files.items()}
    files[MANIFEST] = manifest_bytes(manifest)
    return files


KNOWN_OUTPUTS = (ASSIGNMENT_CSV, WORKBOOK, "分班规则.toml", "manifest.json", "SHA256SUMS", RECORD_HTML, LISTS_HTML,
                 PUBLIC_CSV, PUBLIC_HTML, TEACHERS_CSV)


def existing_outputs(out_dir: str | Path, names: list[str] | None = None) -> list[str]:
    """Result files already in ``out_dir`` (so nothing is overwritten unasked)."""
    out = Path(out_dir)
    if not out.is_dir():
        return []
    found = [n for n in (names or KNOWN_OUTPUTS) if (out / n).exists()]
    class_dir = out / CLASS_DIR
    if names is None and class_dir.is_dir():
        found += sorted(f"{CLASS_DIR}/{p.name}" for p in class_dir.glob("*.csv"))
    return found


def check_writable(out_dir: str | Path) -> None:
    """Refuse, in words, a folder that cannot be made or written (read-only
    stick, no permission), before any work is done for it."""
    import tempfile

    from ..i18n import FenbanError

    out = Path(out_dir)
    # the folder and its class-list folder where they exist, else the nearest
    # folder that does (nothing is created here: a refused run leaves nothing)
    probes = [d for d in (out, out / CLASS_DIR) if d.is_dir()]
    if not probes:
        here = out
        while not here.exists() and here != here.parent:
            here = here.parent
        probes = [here]
    try:
        for d in probes:
            with tempfile.NamedTemporaryFile(dir=d, prefix=".~probe.", delete=True):
                pass
    except OSError as exc:
        raise FenbanError("out_not_writable", path=str(out), reason=exc.strerror or str(exc)) from None


def export_space_needed(out_dir: str | Path, files: dict[str, bytes], staged: bool = False) -> int:
    """The bytes ``files`` (and the SHA256SUMS written after them) take on the
    drive that holds ``out_dir``, whole clusters counted, folders included.
    ``staged``: every new file is written in full before any old one goes (the
    old export's space is not counted as coming back)."""
    from .manifest import SUMS_FILE
    from .usb import space_needed

    out = Path(out_dir)
    sums = sum(64 + 2 + len(name.encode("utf-8")) + 1 for name in files)
    folders = {str(Path(name).parent) for name in files if "/" in name}
    sizes = [len(b) for b in files.values()] + [sums]
    need = space_needed(sizes, out, folders=1 + len(folders) + (1 if staged else 0))
    if staged:
        return need
    # an earlier export's files of the same names are replaced (overwriting is
    # refused unless asked): their space comes back, but each file is written
    # beside its old self first, so the largest new one must fit on top
    old = [p.stat().st_size for p in (out / name for name in [*files, SUMS_FILE]) if p.is_file()]
    if old:
        need -= space_needed(old, out, folders=0)
        need += space_needed([max(sizes)], out, folders=0)
    return max(need, space_needed([max(sizes)], out, folders=1))


STAGE_PREFIX = ".~fenban-export."  # the hidden folder an export is written in before it is moved into place


def _fsynced_write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _clear_old_stages(out: Path) -> None:
    """Staging folders left by an export that was killed (power, pulled stick)."""
    import shutil

    for p in out.glob(STAGE_PREFIX + "*"):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def write_export(out_dir: str | Path, files: dict[str, bytes], overwrite: bool = False) -> ExportResult:
    """Write ``files`` into ``out_dir``: refuse to overwrite unless asked, check
    free space first, SHA256SUMS last, then read every file back and check it
    against its checksum.

    When the drive has room for the whole export beside an earlier one, every
    file is first written (and fsynced) in a hidden staging folder inside
    ``out_dir`` and only then moved into place: a full stick, a missing
    directory entry or a write error leaves the folder exactly as it was.  On a
    drive too full for that, each file is written atomically in place (an
    earlier export's space is reused); an error part way then says which files
    are new and that the set is incomplete (no SHA256SUMS vouches for it)."""
    import shutil
    import tempfile

    from ..i18n import FenbanError, OSReason
    from .atomic import _fsync_dir, _umask_mode
    from .manifest import SUMS_FILE, file_sha256, parse_sums, sha256_bytes, sums_bytes
    from .usb import check_free_space, has_room

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FenbanError("out_not_dir", path=str(out))
    there = existing_outputs(out, list(files) + [SUMS_FILE])
    if there and not overwrite:
        raise FenbanError("out_exists_files", path=str(out), names="、".join(there[:5]) + (" …" if len(there) > 5 else ""))
    # a result file's place taken by a folder (or anything not a file): refused
    # before anything is written, the earlier export untouched
    blocked = [name for name in [*files, SUMS_FILE] if (out / name).exists() and not (out / name).is_file()]
    if blocked:
        raise FenbanError("export_target_not_file", path=str(out), names="、".join(blocked))
    staged = has_room(out, export_space_needed(out, files, staged=True))
    if not staged:
        check_free_space(out, export_space_needed(out, files))
    out.mkdir(parents=True, exist_ok=True)
    _clear_old_stages(out)
    hashes = {name: sha256_bytes(data) for name, data in files.items()}
    stage = None
    if staged:
        mode = _umask_mode()
        try:
            stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
            for name, data in files.items():
                _fsynced_write(stage / name, data, mode)
        except OSError as exc:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
            raise FenbanError("export_failed_unchanged", path=str(out), reason=OSReason(exc, with_file=False)) from None
    sums_path = out / SUMS_FILE
    stale: list[str] = []
    if sums_path.exists():
        # an old export: its checksums must not vouch for a half-written new one
        try:
            stale = [n for _, n in parse_sums(sums_path.read_text(encoding="utf-8")) if n not in files]
        except (OSError, UnicodeDecodeError):
            stale = []
        sums_path.unlink()
    for name in stale:  # files of the old export that this one does not write (e.g. old class names)
        p = out / name
        if p.is_file() and p.resolve().parent in (out.resolve(), (out / CLASS_DIR).resolve()):
            p.unlink()
    paths: list[Path] = []
    try:
        for name, data in files.items():
            path = out / name
            if stage is not None:  # a rename on one drive: needs no space, cannot half-write
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(stage / name, path)
            else:
                atomic_write_bytes(path, data)
            paths.append(path)
        for folder in {p.parent for p in paths}:
            _fsync_dir(folder)
        atomic_write_bytes(sums_path, sums_bytes(hashes))
    except OSError as exc:
        import errno

        done = "、".join(str(p.relative_to(out)) for p in paths) or "—"
        # the advice fits the cause: room for a full drive, the file itself otherwise
        # (on Windows, a workbook open in Excel cannot be replaced)
        key = "export_failed_partial" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "export_failed_partial_file"
        raise FenbanError(key, path=str(out), names=done, reason=OSReason(exc, with_file=True)) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    paths.append(sums_path)
    # read back: what is on the drive is what was meant
    bad = [name for name, h in hashes.items() if file_sha256(out / name) != h]
    listed = dict((n, h) for h, n in parse_sums(sums_path.read_text(encoding="utf-8")))
    if bad or listed != hashes:
        raise FenbanError("export_readback_bad", path=str(out), names="、".join(bad) or SUMS_FILE)
    return ExportResult(out, paths, len(hashes) + 1)


def export_all(out_dir: Path, roster: Roster, model: PlacementModel, classes: np.ndarray, rules=None,
               options: ExportOptions | None = None, overwrite: bool = False,
               summary: tuple[list[str], list[list[str]]] | None = None,
               drawn: np.ndarray | None = None, hand: list[int] | None = None) -> ExportResult:
    from .rules import Rules

    files = build_files(roster, rules or Rules(), model, classes, options, summary, drawn, hand)
    return write_export(out_dir, files, overwrite)
