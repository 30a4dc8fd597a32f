"""Read a roster file into grids of text cells, whatever its format.

The format is decided from the bytes, not the file name: a zip is an xlsx/xlsm/ods
workbook, an OLE compound file is a legacy .xls (or an encrypted workbook), anything
else is delimited text (CSV/TSV/semicolons) in UTF-8, UTF-16 or GB18030.

Every cell comes back as ``str`` or ``None`` exactly as the file holds it; no value
is converted here, so IDs keep their leading zeros and scores their written form.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import FenbanError, OSReason

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SheetGrid:
    """One sheet (or the single table of a text file) as rows of text cells."""

    name: str
    rows: list[list[str | None]]
    text: bool = False  # the single table of a text file (CSV): it has no sheets to name
    # formula cells saved without a computed value (0-based row, col): they
    # read as blank, so the roster check refuses them by name
    unsaved_formulas: set[tuple[int, int]] = field(default_factory=set)
    # cells stored as numbers of 16 or more digits (0-based row, col): beyond
    # Excel's 15 significant digits, so an ID held this way has lost digits
    big_numbers: set[tuple[int, int]] = field(default_factory=set)
    # formula cells whose stored result is 0 (0-based row, col): what scripts such
    # as xlsxwriter store for every formula until Excel recalculates it
    zero_formulas: set[tuple[int, int]] = field(default_factory=set)
    # a text file whose last line has no line break: with a short last row, the
    # file may have been cut off (a copy or a download that stopped)
    no_final_newline: bool = False
    # rows hidden in Excel (0-based): read like the others, and said (a clerk hides
    # the students who moved away instead of deleting them)
    hidden_rows: set[int] = field(default_factory=set)


@dataclass
class Book:
    path: Path
    kind: str  # "xlsx", "xls", "ods", "csv"
    sheets: list[SheetGrid]
    encoding: str | None = None
    delimiter: str | None = None


def sniff_kind(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    return "text"


def read_book(path: str | Path) -> Book:
    """Read every sheet of ``path``; raises :class:`FenbanError` with a plain reason."""
    p = Path(path)
    if not p.exists():
        raise FenbanError("file_missing", path=str(p))
    if p.is_dir():
        raise FenbanError("file_is_dir", path=str(p))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FenbanError("file_unreadable", path=str(p), reason=OSReason(exc)) from None
    if not data.strip():
        raise FenbanError("file_empty", path=str(p))
    kind = sniff_kind(data[:8])
    if kind == "zip":
        return _read_zip_workbook(p, data)
    if kind == "ole":
        return _read_ole_workbook(p, data)
    return _read_text(p, data)


# --------------------------------------------------------------------------- workbooks


def _read_zip_workbook(p: Path, data: bytes) -> Book:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as exc:
        raise FenbanError("file_corrupt", path=str(p), reason=_short(str(exc)) or "zip") from None
    if bad is not None:
        raise FenbanError("file_corrupt", path=str(p), reason=bad)
    if "content.xml" in names and "mimetype" in names:
        kind = "ods"
    elif any(n.startswith("xl/") for n in names):
        kind = "xlsx"
    else:
        raise FenbanError("file_not_roster", path=str(p))
    book = _read_with_fastexcel(p, data, kind)
    if kind == "xlsx":
        _mark_cells(data, book)
    return book


_ROW_TAG = re.compile(rb'<row\b([^>]*?)\br="(\d+)"([^>]*)>')
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_BIG_NUMBER = re.compile(rb"<v>\s*(?:\d{16,}(?:\.\d*)?|\d(?:\.\d+)?E\+?(?:1[5-9]|[2-9]\d))\s*</v>", re.I)
_TEXT_TYPE = re.compile(rb'\bt="(?:s|str|inlineStr|b|e)"')


def _mark_cells(data: bytes, book: Book) -> None:
    """Find formula cells without a stored result (files written by scripts, or
    saved without recalculation; fastexcel reads them as empty) and numeric
    cells of 16 or more digits (IDs stored as numbers)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            wb = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
            targets = dict(re.findall(rb'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
            targets.update({k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
            sheets = re.findall(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', wb)
            by_name = {g.name: g for g in book.sheets}
            for raw_name, rid in sheets:
                name = _xml_unescape(raw_name.decode("utf-8"))
                target = targets.get(rid, b"").decode("utf-8").lstrip("/")
                path = target if target.startswith("xl/") else "xl/" + target
                if name not in by_name or path not in names:
                    continue
                xml = zf.read(path)
                if b"hidden=" in xml:
                    by_name[name].hidden_rows = {
                        int(m.group(2)) - 1 for m in _ROW_TAG.finditer(xml)
                        if re.search(rb'\bhidden="(?:1|true)"', m.group(1) + m.group(3))}
                formulas = b"<f" in xml
                if not formulas and not _BIG_NUMBER.search(xml):
                    continue
                grid = by_name[name]
                for col, row, attrs, inner in _CELL.findall(xml):
                    if not inner:
                        continue
                    if formulas and b"<f" in inner and not re.search(rb"<v>[^<]+</v>", inner):
                        grid.unsaved_formulas.add((int(row) - 1, _col_index(col.decode())))
                    elif formulas and b"<f" in inner and re.search(rb"<v>\s*0(\.0*)?\s*</v>", inner):
                        grid.zero_formulas.add((int(row) - 1, _col_index(col.decode())))
                    elif not _TEXT_TYPE.search(attrs) and _BIG_NUMBER.search(inner):
                        r, c = int(row) - 1, _col_index(col.decode())
                        grid.big_numbers.add((r, c))
                        # the cell as written (digits a script stored), or as Excel shows a
                        # double: 15 significant digits, then zeros -- never the binary
                        # double's invented tail (…010176)
                        raw = re.search(rb"<v>\s*([^<]+?)\s*</v>", inner).group(1).decode()
                        if r < len(grid.rows) and c < len(grid.rows[r]):
                            grid.rows[r][c] = _as_excel_shows(raw)
    except (KeyError, zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, RuntimeError):
        return


def _as_excel_shows(raw: str) -> str:
    if raw.isdigit():
        return raw
    try:
        from decimal import Decimal

        return str(int(Decimal(format(float(raw), ".15g"))))
    except (ValueError, ArithmeticError):
        return raw


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _xml_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _read_ole_workbook(p: Path, data: bytes) -> Book:
    # Encrypted xlsx files are OLE containers holding an "EncryptionInfo" stream.
    if "EncryptionInfo".encode("utf-16-le") in data[:65536] or b"EncryptedPackage" in data:
        raise FenbanError("file_encrypted", path=str(p))
    return _read_with_fastexcel(p, data, "xls")


def _read_with_fastexcel(p: Path, data: bytes, kind: str) -> Book:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet_names = list(reader.sheet_names)
    except Exception as exc:  # fastexcel raises its own error types
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise FenbanError("file_encrypted", path=str(p)) from None
        raise FenbanError("file_corrupt", path=str(p), reason=_short(msg)) from None
    sheets: list[SheetGrid] = []
    for idx, name in enumerate(sheet_names):
        try:
            text_sheet = reader.load_sheet(idx, header_row=None, dtypes="string", skip_rows=0)
            frame = text_sheet.to_polars()
            # calamine starts the range at the first used column: pad it back so
            # column letters in messages match what the operator sees.
            cols = text_sheet.available_columns()
            col_offset = cols[0].absolute_index if cols else 0
        except Exception as exc:
            msg = str(exc)
            if "empty" in msg.lower() or "no rows" in msg.lower():
                sheets.append(SheetGrid(name=name, rows=[]))
                continue
            raise FenbanError("file_corrupt", path=str(p), reason=_short(msg)) from None
        pad = [None] * col_offset
        rows = [pad + list(r) for r in frame.rows()]
        sheets.append(SheetGrid(name=name, rows=rows))
    return Book(path=p, kind=kind, sheets=sheets)


def _short(msg: str) -> str:
    msg = " ".join(msg.split())
    return msg[:160]


# --------------------------------------------------------------------------- text

ENCODINGS = ("utf-8", "gb18030")


def decode_text(p: Path, data: bytes) -> tuple[str, str]:
    """Decode by BOM, then strict UTF-8, then GB18030 (never plain GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FenbanError("text_encoding", path=str(p)) from None
    for enc in ENCODINGS:
        try:
            text = data.decode(enc, errors="strict")
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and _private_use(text) > 0.02 * max(1, _wide(text)):
            # Big5 bytes (traditional Chinese, Taiwan/Hong Kong) decode as GB18030 too,
            # into private-use characters: read them as Big5, or say the encoding is unknown
            try:
                big5 = data.decode("big5hkscs", errors="strict")
            except UnicodeDecodeError:
                raise FenbanError("text_encoding", path=str(p)) from None
            if _private_use(big5) == 0:
                return big5, "big5hkscs"
            raise FenbanError("text_encoding", path=str(p))
        return text, enc
    raise FenbanError("text_encoding", path=str(p))


def _private_use(text: str) -> int:
    """Characters of the Private Use Area: what bytes of another encoding become."""
    return sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff")


def _wide(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 0x2e7f)


def sniff_delimiter(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    best, best_score = ",", -1
    for delim in (",", "\t", ";", "|"):
        counts = [ln.count(delim) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        # Prefer the delimiter that appears most consistently on many lines.
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * 100 + common
        if common > 0 and score > best_score:
            best, best_score = delim, score
    return best


def _read_text(p: Path, data: bytes) -> Book:
    if b"\x00" in data[:4096] and not (data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff")):
        raise FenbanError("file_not_roster", path=str(p))
    text, enc = decode_text(p, data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise FenbanError("file_empty", path=str(p))
    head = text.lstrip()[:2048].lower()
    if head.startswith("<") and ("<table" in head or "<html" in head or "<?xml" in head):
        raise FenbanError("file_html", path=str(p))
    delim = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        rows: list[list[str | None]] = [[c if c != "" else None for c in row] for row in reader]
    except csv.Error as exc:
        raise FenbanError("file_corrupt", path=str(p), reason=str(exc)) from None
    sheet_name = p.stem
    grid = SheetGrid(name=sheet_name, rows=rows, text=True, no_final_newline=not text.endswith(("\n", "\r")))
    return Book(path=p, kind="csv", sheets=[grid], encoding=enc, delimiter=delim)
