"""Write the result: ``assignment.csv`` (UTF-8 with BOM, every roster column plus
班级) and a workbook with one sheet per class plus a 汇总 summary sheet.

Every file is written atomically (temp file, fsync, rename): an interrupted export
never leaves a file that looks complete.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import numpy as np

from .atomic import atomic_write_bytes, atomic_write_file
from .model import PlacementModel
from .roster import Roster
from .stats import class_stats

CLASS_COL = "班级"
ASSIGNMENT_CSV = "assignment.csv"
WORKBOOK = "分班结果.xlsx"


def display_width(text: object) -> int:
    """Width as a terminal or Excel shows it: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def column_width(values: list[object], header: str, lo: int = 4, hi: int = 60) -> float:
    w = max([display_width(header)] + [display_width(v) for v in values if v is not None])
    return float(min(hi, max(lo, w + 2)))


def assignment_rows(roster: Roster, classes: np.ndarray, labels: list[str]) -> tuple[list[str], list[list[str]]]:
    header = list(roster.columns) + [CLASS_COL]
    rows = []
    for i, rec in enumerate(roster.table.select(roster.columns).iter_rows()):
        rows.append([("" if v is None else v) for v in rec] + [labels[int(classes[i])]])
    return header, rows


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
    import xlsxwriter

    labels = model.labels
    header, rows = assignment_rows(roster, classes, labels)
    numeric_cols = set(roster.cmap.numeric_columns())
    values = roster.values
    stats = class_stats(model, classes)

    def produce(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                            "strings_to_urls": False})
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
        ws.write(0, 0, "分班汇总", title)
        ws.write_row(1, 0, sum_header, bold)
        table_rows: list[list[object]] = []
        for r, st in enumerate(stats, start=2):
            row: list[object] = [st.label, st.size, st.boys, st.girls]
            for f in model.numeric:
                m, s = st.means[f.name], st.sds[f.name]
                if f.kind == "birth":
                    import datetime as dt

                    row.append(dt.date.fromordinal(int(round(m))).isoformat() if m is not None else "")
                else:
                    row += [m if m is not None else "", s if s is not None else ""]
            if boarding is not None:
                row += [st.counts[boarding.name][lab] for lab in boarding.labels]
            if school is not None:
                row += [st.counts[school.name][lab] for lab in school.labels]
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
        taken = {"汇总"}
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
        wb.close()

    atomic_write_file(path, produce)
    return path


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


def export_all(out_dir: Path, roster: Roster, model: PlacementModel, classes: np.ndarray) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [
        write_assignment_csv(out_dir / ASSIGNMENT_CSV, roster, classes, model.labels),
        write_workbook(out_dir / WORKBOOK, roster, model, classes),
    ]
    return written
