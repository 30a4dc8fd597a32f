"""Command line: ``fenban`` (wizard), ``fenban solve``, ``fenban check``.

Bad input gives one clear line in the operator's language and exit status 1;
never a traceback.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import math
import os
import re
import sys
from pathlib import Path

from . import __version__
from .core.solver import Cancelled
from .i18n import FenbanError, OSReason, get_lang, set_lang, tr

SUBCOMMANDS = ("solve", "check", "verify")


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments in the operator's language, exit 1."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise FenbanError("cli_bad_args", reason=_ArgReason(message), prog=self.prog)


# argparse's reasons (Python's own English) and the message keys that word them
_ARG_REASONS = (
    (re.compile(r"the following arguments are required: (?P<what>.+)"), "arg_required"),
    (re.compile(r"unrecognized arguments: (?P<what>.+)"), "arg_unrecognized"),
    (re.compile(r"argument (?P<opt>\S+): expected one argument"), "arg_expected_one"),
    (re.compile(r"argument (?P<opt>\S+): expected at least one argument"), "arg_expected_some"),
    (re.compile(r"argument (?P<opt>\S+): invalid int value: (?P<value>.+)"), "arg_invalid_int"),
    (re.compile(r"argument (?P<opt>\S+): invalid float value: (?P<value>.+)"), "arg_invalid_float"),
    (re.compile(r"argument (?P<opt>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
     "arg_invalid_choice"),
    (re.compile(r"argument (?P<opt>\S+): ignored explicit argument (?P<value>.+)"), "arg_explicit"),
    (re.compile(r"ambiguous option: (?P<opt>\S+) could match (?P<matches>.+)"), "arg_ambiguous"),
)
# positional arguments as the Chinese reasons name them
_ARG_NAMES_ZH = {"roster": "名单文件", "folder": "结果文件夹"}


class _ArgReason:
    """argparse's reason for a usage error, worded in the language it is shown in
    (English: argparse's own words; Chinese: ours, or argparse's if unknown)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def render(self, lang: str) -> str:
        if lang == "en":
            return self.message
        for pattern, key in _ARG_REASONS:
            m = pattern.fullmatch(self.message)
            if m:
                params = m.groupdict()
                if "what" in params:
                    params["what"] = "、".join(_ARG_NAMES_ZH.get(w, w) for w in params["what"].split(", "))
                return tr(key, "zh", **params)
        return self.message

    def __str__(self) -> str:
        return self.message


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("zh", "en"), default=None, help="界面语言 / language (zh, en)")


def build_solve_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fenban solve", description="分班：读取名单，均衡分班，写出结果 / solve and export")
    p.add_argument("roster", help="名单文件 roster file (xlsx/xls/csv)")
    p.add_argument("--classes", "-k", type=int, help="班级数 number of classes")
    p.add_argument("--class-size", type=int, help="每班人数上限 class size cap (class count computed)")
    p.add_argument("--seed", help="随机种子（任意文字）seed (any text)")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="最多用时（秒）；设了则结果可能因机器快慢而不同 wall-clock cap; the result may then not be "
                        "reproducible")
    p.add_argument("--rules", help="规则文件 rules TOML file")
    p.add_argument("--sheet", help="工作表名 sheet name")
    p.add_argument("--labels", help="班名格式 class label pattern, e.g. '七({n})班'")
    p.add_argument("--group-by", metavar="COLUMN",
                   help="按此列分组各自分班（如 录取学校）divide each group on its own, e.g. 录取学校")
    p.add_argument("--balance", action="append", default=[], metavar="COLUMN",
                   help="另需均衡的类别列（可多次）extra category column to spread evenly (repeatable)")
    _column_option(p)
    p.add_argument("--at-least", action="append", default=[], metavar="COLUMN=VALUE[:N]",
                   help="每班至少 N 名（默认 1），如 性别=女:1，多条用；分开  at least N such students in every "
                        "class; several separated by ;")
    p.add_argument("--out", "-o", required=True, help="输出文件夹 output folder")
    p.add_argument("--force", action="store_true", help="覆盖已有结果 overwrite existing results")
    p.add_argument("--save-rules", help="把所用规则保存到此文件 save the rules used to this TOML file")
    p.add_argument("--teachers", metavar="FILE",
                   help="班主任名单（每行一个，或表格中的一列），按同一种子抽签 head teachers to draw onto the classes")
    p.add_argument("--mask-names", action="store_true", help="公示名单中姓名打码（张*明）mask names in the public list")
    p.add_argument("--csv-encoding", choices=("utf-8", "gb18030"), default="utf-8",
                   help="CSV 编码：utf-8（带 BOM，默认）或 gb18030（旧版 Excel）CSV encoding")
    p.add_argument("--student-id", metavar="PATTERN",
                   help="生成学号，如 '2026{class:02d}{seq:02d}' generate student numbers from a pattern")
    p.add_argument("--student-id-order", choices=("roster", "name", "score"), default="roster",
                   help="班内学号顺序：名单顺序、姓名拼音、总分 order within a class")
    p.add_argument("--quiet", "-q", action="store_true")
    _common(p)
    return p


def _column_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--column", action="append", default=[], metavar="ROLE=HEADER",
                   help="指定列的用途 map a column to a role, e.g. name=学生姓名, school=小学, scores=语文,数学")
    p.add_argument("--gender-code", action="append", default=[], metavar="CODE=男|女",
                   help="其他性别代码 map another gender code, e.g. B=男")
    p.add_argument("--no-header", action="store_true",
                   help="文件没有表头，列用 --column 按字母指定 the file has no header row; map columns by letter")
    p.add_argument("--header-row", type=int, metavar="N", help="表头在第 N 行 the header is on row N")


def _apply_columns(rules, specs: list[str], genders: list[str] = (), args=None) -> None:
    """Put --header-row/--no-header, --gender-code and --column into ``rules``,
    refusing in words what cannot be meant: a code turned into the opposite of
    what it plainly says (男=女), an empty column, a role given twice, a role
    that does not exist."""
    from .core.roster import ROLE_ALIASES, check_gender_codes, to_ascii

    if args is not None and args.no_header:
        rules.header_row = 0
    elif args is not None and args.header_row is not None:
        if args.header_row < 1:
            raise FenbanError("cli_header_row_bad", value=args.header_row)
        rules.header_row = args.header_row
    codes: list[tuple[str, str]] = []  # (code, meaning) as given
    for spec in genders:
        code, sep, meaning = (x.strip() for x in spec.partition("="))
        meaning = meaning.upper() if meaning.upper() in ("M", "F") else meaning
        if not sep or not code or meaning not in ("男", "女", "M", "F"):
            raise FenbanError("cli_gender_code_bad", spec=spec)
        codes.append((code, meaning))
    try:  # the core's check, the wizard's too; said here with the option's name
        check_gender_codes(codes, list(genders))
    except FenbanError as exc:
        raise FenbanError("cli_" + exc.key, **exc.params) from None
    for code, meaning in codes:
        rules.gender_codes[code] = meaning
    roles = list(ROLE_ALIASES) + ["scores"]
    given: dict[str, tuple[str, object]] = {}  # role -> (option as written, column)
    for spec in specs:
        role, sep, header = spec.partition("=")
        role = role.strip()
        role = role.lower() if role.isascii() else role
        if not sep:
            raise FenbanError("cli_column_bad", spec=spec, roles=", ".join(roles))
        if role not in roles:
            near = _near_role(role)
            raise FenbanError("cli_column_role_unknown", spec=spec, role=role, roles=", ".join(roles),
                              near=f"（是不是 {near}？）" if near else "",
                              near_en=f" (did you mean {near}?)" if near else "")
        column = [h.strip() for h in header.split(",") if h.strip()] if role == "scores" else header.strip()
        if not column:
            raise FenbanError("cli_column_empty", spec=spec, role=role)
        if role in given and given[role][1] != column:
            raise FenbanError("cli_column_twice_scores" if role == "scores" else "cli_column_twice", role=role,
                              a=given[role][0], b=spec)
        given[role] = (spec, column)
        rules.columns[role] = column
    # one column cannot be two things (a name column read as genders fails row by row)
    owner: dict[str, str] = {}  # column as compared -> the option that claimed it
    for role, (spec, column) in given.items():
        for col in column if isinstance(column, list) else [column]:
            key = to_ascii(col).strip().upper() if len(col) <= 3 and to_ascii(col).isalpha() else col.strip()
            if key in owner and owner[key] != spec:
                raise FenbanError("cli_column_shared", column=col, a=owner[key], b=spec)
            owner[key] = spec


def _unusable_line(roster) -> str:
    """The last line when the roster cannot be divided: the roster's errors, or
    a rule that cannot hold for it (a 每班至少 demand, a column to balance that
    it lacks; the roster being fine), or both."""
    return _unusable(roster)[0]


def _unusable(roster):
    """The last line when the roster cannot be divided, and the problem that
    line says again in its own words (not to be said twice), or None."""
    from .core.api import RULE_ERRORS

    rule = [p for p in roster.errors if p.key in RULE_ERRORS]
    if not rule:
        return tr("cli_not_usable"), None
    if len(rule) < len(roster.errors):
        only_balance = all(p.key == "rule_column_missing" for p in rule)
        return tr("cli_roster_and_balance" if only_balance else "cli_roster_and_at_least"), None
    missing = next((p for p in rule if p.key == "at_least_column_missing"), None)
    if missing is not None:
        return tr("cli_at_least_no_column", column=missing.params.get("column", "")), missing
    balance = next((p for p in rule if p.key == "rule_column_missing"), None)
    if balance is not None:
        return tr("cli_balance_no_column", column=balance.params.get("column", "")), balance
    return tr("cli_at_least_unmet"), None


PROBLEMS_SHOWN = 30  # problems solve lists before "… 另有 N 条"


def _print_problems(problems, marks: bool = True, limit: int | None = PROBLEMS_SHOWN, file=None) -> None:
    """The roster's problems as check lists them (✗ ! ·), on stderr unless
    ``file`` says otherwise: the first ``limit`` (None: all) and then how many more."""
    file = file or sys.stderr
    for p in problems[:limit]:
        mark = {"error": "✗", "warning": "!", "info": "·"}[p.level]
        print(f"  {mark} {p.text()}" if marks else p.text(), file=file)
    if limit is not None and len(problems) > limit:
        print(("  " if marks else "") + tr("cli_more_problems", n=len(problems) - limit), file=file)


def _near_role(word: str) -> str | None:
    """The role an unknown --column role probably means: 姓名 -> name, nmae -> name."""
    from .core.roster import ROLE_ALIASES, SCORE_HINTS, norm_key

    k = norm_key(word)
    for role, aliases in ROLE_ALIASES.items():
        if k in aliases:
            return role
    if k in SCORE_HINTS or k in ("scores", "subjects", "科目"):
        return "scores"
    near = difflib.get_close_matches(k, list(ROLE_ALIASES) + ["scores"], n=1, cutoff=0.6)
    return near[0] if near else None


def build_check_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fenban check", description="检查名单 / check a roster")
    p.add_argument("roster")
    p.add_argument("--sheet")
    p.add_argument("--rules")
    _column_option(p)
    p.add_argument("--json", action="store_true", help="JSON 输出 machine-readable output")
    _common(p)
    return p


def build_app_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="fenban",
        description="FenBan 分班 — 电脑随机、均衡编班。子命令 subcommands: solve, check, verify",
    )
    p.add_argument("roster", nargs="?", help="名单文件 roster file")
    p.add_argument("--demo", action="store_true", help="用示例名单打开向导 open the wizard on the sample roster")
    p.add_argument("--version", action="version", version=f"fenban {__version__}")
    _common(p)
    return p


def _err(msg: str) -> int:
    print(msg, file=sys.stderr)
    return 1


def _json_error(cmd: str | None, msg: str) -> int:
    """A refusal as --json prints it: verify's shape for verify, check's for the rest."""
    if cmd == "verify":
        out = {"ok": False, "message": msg, "findings": []}
    else:
        out = {"students": 0, "errors": [{"sheet": None, "row": None, "column": None, "message": msg}],
               "warnings": []}
    print(json.dumps(out, ensure_ascii=False))
    return 1


def _wants_json(argv: list[str]) -> bool:
    """Is --json among the options (argparse takes --js for it too)?"""
    for token in argv:
        if token == "--":
            return False
        if token.startswith("--j") and "--json".startswith(token):
            return True
    return False


def _load_rules(path: str | None):
    from .core.rules import Rules

    return Rules.load(path) if path else Rules()


def _check_group_by(roster, rules, args: argparse.Namespace) -> None:
    """Refuse a group_by column (--group-by, or the rules file's) the roster lacks."""
    if not rules.group_by or rules.group_by in roster.columns:
        return
    from .core.roster import column_list
    from .i18n import Bilingual

    option = (Bilingual("--group-by") if getattr(args, "group_by", None) else
              Bilingual(f"规则文件 {args.rules} 中的 group_by", f"group_by in the rules file {args.rules}"))
    raise FenbanError("cli_group_by_missing", option=option, column=rules.group_by, path=str(roster.path),
                      columns=column_list(list(roster.columns)))


def cmd_check(args: argparse.Namespace) -> int:
    from .core.api import check_roster

    try:
        rules = _load_rules(args.rules)
        _apply_columns(rules, args.column, args.gender_code, args)
        roster = check_roster(args.roster, sheet=args.sheet, rules=rules)
        _check_group_by(roster, rules, args)  # a rules file grouping by a column the roster lacks
    except FenbanError as exc:
        if args.json:
            return _json_error("check", exc.text())
        print(exc.text(), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({
            "students": roster.n,
            "errors": [p.as_json() for p in roster.errors],
            "warnings": [p.as_json() for p in roster.warnings],
        }, ensure_ascii=False))
    else:
        where = "" if roster.text else f" [{roster.sheet}]"  # a CSV has no sheet to name
        print(f"{roster.path}{where}  " + tr("cli_students", n=roster.n))
        _print_problems(roster.problems, file=sys.stdout, limit=None)
        print(tr("cli_problems", errors=len(roster.errors), warnings=len(roster.warnings)))
        print(tr("cli_usable") if roster.usable else _unusable_line(roster))
    return 0 if roster.usable else 1


def cmd_solve(args: argparse.Namespace) -> int:
    from .core.api import check_export_space, check_roster, export_placement, format_summary, solve_roster
    from .core.export import ExportOptions, check_writable, existing_outputs
    from .core.lottery import check_sid_pattern, draw_teachers, load_teachers
    from .core.manifest import roster_sha256

    rules = _load_rules(args.rules)
    if args.classes is not None:
        rules.classes = args.classes
        rules.class_size = None
    if args.class_size is not None:
        rules.class_size = args.class_size
        if args.classes is None:
            rules.classes = None
    if args.seed is not None:
        rules.seed = args.seed
    if args.sheet:
        rules.sheet = args.sheet
    if args.labels:
        rules.label_pattern = args.labels
    if args.group_by:
        rules.group_by = args.group_by
    if rules.classes is None and rules.class_size is None:  # said with the options' names, before any work
        raise FenbanError("cli_classes_missing")
    from .core.rules import check_label_pattern

    check_label_pattern(rules.label_pattern)  # {x}班 refused now, not after the roster is read
    rules.categories = list(dict.fromkeys(rules.categories + args.balance))
    if args.at_least:  # these override the rules file's demands; among themselves they must agree
        from .core.model import at_least_dict, parse_at_least_all

        # 性别=女:20；住宿=是:5 is two demands
        rules.at_least.update(at_least_dict([d for spec in args.at_least for d in parse_at_least_all(spec)]))
    _apply_columns(rules, args.column, args.gender_code, args)
    if args.time_limit is not None and not (math.isfinite(args.time_limit) and args.time_limit > 0):
        raise FenbanError("cli_time_limit_bad", value=args.time_limit)
    if args.seed is not None and not args.seed.strip():
        raise FenbanError("cli_seed_empty")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise FenbanError("out_not_dir", path=str(out))
    there = existing_outputs(out)
    if there and not args.force:
        raise FenbanError("out_exists_files", path=str(out),
                          names="、".join(there[:5]) + (" …" if len(there) > 5 else ""))
    check_writable(out)
    if args.save_rules:  # refused before the solve, not after the results are written
        target = Path(args.save_rules)
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
        check_writable(target.parent)
    options = ExportOptions(csv_encoding=args.csv_encoding, mask_names=args.mask_names,
                            student_id=args.student_id, student_id_order=args.student_id_order)
    if args.student_id:
        check_sid_pattern(args.student_id)
    if args.teachers:
        options.teachers = load_teachers(args.teachers)
    roster = check_roster(args.roster, rules=rules)
    _check_group_by(roster, rules, args)
    if not roster.usable:
        line, restated = _unusable(roster)
        _print_problems([p for p in roster.errors if p is not restated], marks=False)
        return _err(line)
    # what check would say about the roster (damaged IDs, a row given twice,
    # rows skipped, codes read as 男/女): said before the draw, -q or not
    _print_problems(roster.warnings)
    if options.teachers and not rules.group_by:  # too few teachers: say so before the solve
        draw_teachers(options.teachers, rules.labels(rules.class_count(roster.n)), rules.seed)
    check_export_space(out, roster, rules, options)  # a full stick: said before a long solve, not after
    if not args.quiet:
        print(tr("cli_roster_hash", hash=roster_sha256(args.roster)), flush=True)
    if args.seed is None and not args.rules:
        # a public draw needs a seed drawn in the meeting, not the default
        print(tr("cli_seed_default", seed=rules.seed), file=sys.stderr, flush=True)
    if not args.quiet and not rules.group_by:
        print(tr("cli_seed", seed=rules.seed, k=rules.class_count(roster.n), n=roster.n), flush=True)
    elif not args.quiet:
        from .core.api import group_count

        print(tr("cli_seed_grouped", seed=rules.seed, n=roster.n, column=rules.group_by,
                 g=group_count(roster, rules.group_by)), flush=True)
    options.time_limit = args.time_limit
    placement = solve_roster(roster, rules, cancel=_interrupt_event(), time_limit=args.time_limit)
    if args.time_limit is not None:
        key = "cli_time_limit_hit" if placement.result.timed_out else "cli_time_limit_set"
        print(tr(key, s=args.time_limit), file=sys.stderr, flush=True)
    # every file, the rules used (so anyone can re-run the same draw), the
    # manifest and SHA256SUMS, read back after writing
    written = export_placement(placement, out, options, overwrite=args.force)
    if args.save_rules:
        rules.save(args.save_rules)
    if not args.quiet:
        print(format_summary(placement, get_lang()))
        if options.teachers:
            draw = draw_teachers(options.teachers, placement.labels, rules.seed)
            print(tr("cli_teachers", pairs="  ".join(f"{k}:{v}" for k, v in draw.by_class.items())))
        for p in written:
            print(tr("cli_written", path=p))
        print(tr("cli_readback_ok", n=written.verified))
    return 0


def build_verify_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="fenban verify",
                description="核验：按 manifest.json 重新分班，确认结果一致 / re-run the recorded draw and compare")
    p.add_argument("folder", help="分班结果文件夹 the results folder (with manifest.json)")
    p.add_argument("--roster", required=True, help="名单文件 the roster file")
    p.add_argument("--rules", help="用此规则文件代替记录中的规则 use these rules instead of the recorded ones")
    p.add_argument("--json", action="store_true", help="JSON 输出 machine-readable output")
    _common(p)
    return p


def cmd_verify(args: argparse.Namespace) -> int:
    from .core.manifest import verify_export

    try:
        report = verify_export(args.folder, args.roster, args.rules, cancel=_interrupt_event())
    except FenbanError as exc:
        if args.json:
            return _json_error("verify", exc.text())
        raise
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        for f in report.findings:
            mark = {"ok": "✓", "warn": "!", "fail": "✗"}[f.level]
            print(f"  {mark} {f.text()}")
        print(report.verdict())
    return 0 if report.ok else 1


def _interrupt_event():
    """A cancel event that Ctrl+C sets, so a running solve stops cleanly."""
    import signal
    import threading

    event = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        return event

    def handler(signum, frame):  # noqa: ARG001
        if event.is_set():
            raise KeyboardInterrupt
        event.set()

    signal.signal(signal.SIGINT, handler)
    return event


def _demo_roster() -> Path:
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "sample_data" / "junior_sample.xlsx", here / "sample_data" / "junior_sample.xlsx"):
        if cand.exists():
            return cand
    from .core.samplegen import write_samples
    from .core.session import data_dir

    junior, _ = write_samples(data_dir() / "sample_data")
    return junior


def run_app(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # without a terminal the wizard can neither read keys nor draw: it would
        # wait for ever, writing escape codes
        print(FenbanError("cli_no_terminal").text(args.lang or get_lang()), file=sys.stderr)
        return 1
    roster = args.roster
    if args.demo:
        roster = str(_demo_roster())
    from .tui.app import FenbanApp

    app = FenbanApp(roster_path=roster, lang=args.lang or get_lang(), demo=args.demo)
    app.run()
    return app.return_code or 0


def _bad_command(argv: list[str], near_only: bool = False) -> FenbanError | None:
    """``fenban sovle …``: the first word looks like a subcommand, not a roster
    file (no such file, no extension).  ``near_only``: only when it is close to one."""
    word = argv[0] if argv else ""
    if not re.fullmatch(r"[A-Za-z][A-Za-z_-]*", word) or Path(word).exists():
        return None
    near = difflib.get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    if near:
        return FenbanError("cli_bad_command_near", cmd=word, near=near[0])
    return None if near_only else FenbanError("cli_bad_command", cmd=word)


def _pull_lang(argv: list[str]) -> tuple[list[str], str | None]:
    """``argv`` without its ``--lang X`` / ``--lang=X`` options (before ``--``),
    and the last language they give (None: not given).  A ``--lang`` with no
    value after it is left in place for the parser to refuse in words."""
    rest: list[str] = []
    lang = None
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            rest += argv[i:]
            break
        if token == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
            i += 2
            continue
        if token.startswith("--lang="):
            lang = token.partition("=")[2]
        else:
            rest.append(token)
        i += 1
    return rest, lang


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from .i18n import lang_from_env

    # --lang X / --lang=X may stand anywhere (before the subcommand too): taken
    # out here and handed to the parser at the end, which checks the value
    argv, lang = _pull_lang(argv)
    set_lang(lang_from_env())
    if lang is not None:
        set_lang(lang)
        argv = argv + ["--lang", lang]
    cmd = argv[0] if argv and argv[0] in SUBCOMMANDS else None
    as_json = _wants_json(argv)  # then every refusal is a JSON object on stdout

    def fail(msg: str) -> int:
        return _json_error(cmd, msg) if as_json else _err(msg)

    try:
        if cmd:
            build, run = {"solve": (build_solve_parser, cmd_solve), "check": (build_check_parser, cmd_check),
                          "verify": (build_verify_parser, cmd_verify)}[cmd]
            return run(build().parse_args(argv[1:]))
        bad = _bad_command(argv, near_only=True)  # fenban chek: not a roster named "chek"
        if bad:
            raise bad
        try:
            args = build_app_parser().parse_args(argv)
        except FenbanError as exc:
            raise _bad_command(argv) or exc from None
        return run_app(args)
    except FenbanError as exc:
        return fail(exc.text())
    except (KeyboardInterrupt, Cancelled):
        return fail(tr("cancelled"))
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 1
    except OSError as exc:
        return fail(tr("cli_error", reason=OSReason(exc, with_file=True)))


if __name__ == "__main__":
    sys.exit(main())
