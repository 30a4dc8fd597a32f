"""USB sticks: find mounted removable drives, make file names FAT32/exFAT-safe,
check free space before writing.

Nothing here writes; :mod:`.atomic` does the writing and :mod:`.export` the
read-back check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..i18n import FenbanError

# characters FAT32/exFAT (and Windows) refuse in a file name, besides controls
_BAD_CHARS = set('\\/:*?"<>|')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME_BYTES = 255


def safe_filename(name: str, replacement: str = "_") -> str:
    """``name`` as a file name that FAT32, exFAT, NTFS and ext4 all accept:
    no ``\\/:*?"<>|`` or control characters, no trailing dot or space, not a
    reserved Windows name (CON, NUL, COM1 …), at most 255 bytes in UTF-8 (the
    extension is kept).  Chinese is kept as it is."""
    name = unicodedata.normalize("NFC", str(name))
    out = "".join(replacement if (ch in _BAD_CHARS or ord(ch) < 32 or ord(ch) == 127) else ch for ch in name)
    out = out.strip().rstrip(". ")
    stem, dot, ext = out.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = out, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = replacement + stem
    ext = ("." + ext) if ext else ""
    while len((stem + ext).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    stem = stem.rstrip(". ")
    return (stem + ext) or replacement


def unique_names(names: list[str]) -> list[str]:
    """Safe names, made distinct ignoring case (FAT/exFAT are case-insensitive):
    a repeat gets ``~2``, ``~3`` … before the extension."""
    seen: set[str] = set()
    out = []
    for raw in names:
        name = safe_filename(raw)
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        n = 2
        while name.casefold() in seen:
            name = safe_filename(f"{stem}~{n}" + (f".{ext}" if ext else ""))
            n += 1
        seen.add(name.casefold())
        out.append(name)
    return out


# --------------------------------------------------------------------------- drives


@dataclass
class Drive:
    path: Path  # where it is mounted
    label: str  # volume label, else device name
    size: int | None  # bytes
    free: int | None  # bytes
    fstype: str = ""

    def describe(self, lang: str = "zh") -> str:
        parts = [self.label] if self.label and self.label != self.path.name else []
        if self.fstype:
            parts.append(self.fstype)
        if self.free is not None:
            parts.append(f"{human_bytes(self.free)} free" if lang == "en" else f"剩余 {human_bytes(self.free)}")
        if not parts:
            return str(self.path)
        return f"{self.path} ({', '.join(parts)})" if lang == "en" else f"{self.path}（{'，'.join(parts)}）"


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def _lsblk_json() -> str:
    try:
        proc = subprocess.run(["lsblk", "-J", "-b", "-o", "NAME,RM,HOTPLUG,TRAN,MOUNTPOINT,SIZE,LABEL,FSTYPE"],
                              capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ""
    return proc.stdout if proc.returncode == 0 else ""


def _mounts() -> list[str]:
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            # /proc/mounts escapes space, tab, newline and backslash in octal
            out.append(parts[1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8", "replace"))
    return out


MEDIA_ROOTS = ("/media", "/run/media", "/mnt")


def removable_drives(lsblk_json: str | None = None, mounts: list[str] | None = None) -> list[Drive]:
    """Mounted removable drives: block devices with lsblk's removable or
    hotplug flag or a USB transport, and anything mounted below /media,
    /run/media or /mnt (where desktops and people mount sticks).  Writable ones
    only, sorted by path."""
    found: dict[str, Drive] = {}

    def add(mount: str, label: str, size, fstype: str) -> None:
        p = Path(mount)
        if not mount or mount in found or mount == "/" or not p.is_dir() or not os.access(p, os.W_OK):
            return
        found[mount] = Drive(p, label or p.name, int(size) if size not in (None, "") else None,
                             free_bytes(p), fstype or "")

    text = _lsblk_json() if lsblk_json is None else lsblk_json
    try:
        devices = json.loads(text).get("blockdevices", []) if text else []
    except (ValueError, AttributeError):
        devices = []

    def walk(dev: dict, removable: bool) -> None:
        rm = removable or _flag(dev.get("rm")) or _flag(dev.get("hotplug")) or dev.get("tran") == "usb"
        points = dev.get("mountpoints") or [dev.get("mountpoint")]
        if rm:
            for mp in points:
                if mp and not mp.startswith("[") and mp not in ("/", "/boot") and not mp.startswith("/boot/"):
                    add(mp, dev.get("label") or dev.get("name") or "", dev.get("size"), dev.get("fstype") or "")
        for child in dev.get("children") or []:
            walk(child, rm)

    for dev in devices:
        walk(dev, False)
    for mp in _mounts() if mounts is None else mounts:
        if any(mp == root or mp.startswith(root + "/") for root in MEDIA_ROOTS) and mp not in MEDIA_ROOTS:
            add(mp, Path(mp).name, None, "")
    return sorted(found.values(), key=lambda d: str(d.path))


def _flag(value: object) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def free_bytes(path: Path) -> int | None:
    """Free bytes on the file system that holds ``path`` (or its nearest
    existing parent)."""
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        return shutil.disk_usage(p).free
    except OSError:
        return None


def block_size(path: Path) -> int:
    """The allocation unit (cluster) of the file system that holds ``path`` (or
    its nearest existing parent); 4 KiB when it cannot be told."""
    p = Path(path).absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        st = os.statvfs(p)
        size = int(st.f_frsize or st.f_bsize)
    except (OSError, AttributeError):
        return 4096
    return size if 512 <= size <= 64 * 1024 * 1024 else 4096


def space_needed(sizes: list[int], folder: Path, folders: int = 1) -> int:
    """What files of ``sizes`` bytes take on the drive that holds ``folder``:
    each file rounded up to whole clusters (a FAT32/exFAT stick with 32 KiB
    clusters spends 32 KiB on a 1 KiB file), and a cluster for each of
    ``folders`` folders' entries."""
    block = block_size(folder)
    return sum(-(-int(n) // block) * block for n in sizes) + folders * block


def _margin(needed: int) -> int:
    """Room kept beyond ``needed``: the file system's own bookkeeping, a temp
    file's directory entry."""
    return 64 * 1024 + needed // 20


def has_room(folder: Path, needed: int) -> bool:
    """Whether the drive holding ``folder`` can take ``needed`` bytes (with the
    margin :func:`check_free_space` asks); True when its free space cannot be told."""
    free = free_bytes(folder)
    return free is None or free >= needed + _margin(needed)


def check_free_space(folder: Path, needed: int) -> None:
    """Refuse before writing anything when the drive cannot hold ``needed``
    bytes (as :func:`space_needed` counts them) plus a modest margin."""
    free = free_bytes(folder)
    margin = _margin(needed)
    if free is not None and free < needed + margin:
        raise FenbanError("usb_no_space", path=str(folder), need=human_bytes(needed + margin),
                          free=human_bytes(free))
