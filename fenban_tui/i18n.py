"""User-facing text: Chinese first, English with ``--lang en``.

Every message the operator can see is a key in ``MESSAGES`` with a Chinese and an
English template.  Core code raises or records message *keys* with parameters;
the text is rendered at the edge (CLI, TUI) in the chosen language.
"""

from __future__ import annotations

import errno
import os
import re

LANGS = ("zh", "en")
_current = "zh"

MESSAGES: dict[str, tuple[str, str]] = {
    # --- files -------------------------------------------------------------
    "file_missing": ("找不到文件：{path}", "File not found: {path}"),
    "file_is_dir": ("这是一个文件夹，不是名单文件：{path}", "This is a folder, not a roster file: {path}"),
    "file_unreadable": ("无法读取文件 {path}：{reason}", "Cannot read file {path}: {reason}"),
    "file_empty": ("文件是空的：{path}", "The file is empty: {path}"),
    "file_not_roster": (
        "{path} 不是表格文件（支持 xlsx、xls、csv）",
        "{path} is not a spreadsheet (xlsx, xls and csv are supported)",
    ),
    "file_encrypted": (
        "{path} 有密码保护，请在 Excel/WPS 中取消密码后另存再导入",
        "{path} is password-protected; remove the password in Excel/WPS, save, and import again",
    ),
    "file_corrupt": (
        "{path} 已损坏或不完整，无法打开（{reason}）",
        "{path} is damaged or incomplete and cannot be opened ({reason})",
    ),
    "text_encoding": (
        "{path} 的文字编码无法识别（不是 UTF-8 也不是 GB18030）",
        "The text encoding of {path} is not recognised (neither UTF-8 nor GB18030)",
    ),
    "sheet_missing": (
        "{path} 中没有名为“{sheet}”的工作表（有：{sheets}）",
        "{path} has no sheet named \u201c{sheet}\u201d (it has: {sheets})",
    ),
    "no_header": (
        "{path}{at}：找不到含“姓名”的表头行（没有表头请加 --no-header 并用 --column 指定各列）",
        "{path}{at}: no header row with a name column (姓名) was found "
        "(no header at all? add --no-header and map columns with --column)",
    ),
    "header_only": (
        "{path}{at}：只有表头，没有学生",
        "{path}{at}: a header but no students",
    ),
    "column_missing": (
        "{where}：表头中没有列“{column}”（有：{columns}）",
        "{where}: the header has no column \u201c{column}\u201d (it has: {columns})",
    ),
    # a score column the operator listed (scores=…) that cannot be one
    "scores_column_role": ("成绩列“{column}”已用作{role_zh}列（{role}），不能再当成绩：一列只能有一个用途，请从成绩中去掉它",
                           "the score column \u201c{column}\u201d is already the {role} column, so it cannot also be "
                           "a score: a column has one role; drop it from the scores"),
    "scores_column_text": ("成绩列“{column}”中没有数字（如“{value}”），不能当成绩：请从成绩中去掉它，或检查列名",
                           "the score column \u201c{column}\u201d holds no numbers (e.g. \u201c{value}\u201d), so it "
                           "cannot be a score: drop it from the scores or check the column name"),
    "scores_column_blank": ("成绩列“{column}”中没有分数（全部为空或缺考），不能当成绩：请从成绩中去掉它",
                            "the score column \u201c{column}\u201d holds no scores (all blank or absent), so it "
                            "cannot be a score: drop it from the scores"),
    "scores_column_twice": ("成绩中“{column}”列了两次：每列只能列一次",
                            "the scores list \u201c{column}\u201d twice: list each column once"),
    # --- rows ------------------------------------------------------------
    "row_blank": ("空行，已跳过", "blank row, skipped"),
    "row_total": ("合计/平均行，已跳过：{text}", "totals/average row, skipped: {text}"),
    "row_no_name": ("有数据但没有姓名", "has data but no name"),
    "gender_unknown": (
        "性别“{value}”无法识别（可用：男/女、M/F、1/2）；若是别的代码，请指定性别代码"
        "（命令行用 --gender-code {value}=男 或 {value}=女，向导在 ctrl+o 选项中）",
        "gender \u201c{value}\u201d not recognised (use 男/女, M/F, 1/2); for another code give the "
        "gender code (--gender-code {value}=男 or {value}=女 on the command line, ctrl+o options in the wizard)",
    ),
    "gender_missing": ("缺少性别", "gender is missing"),
    "score_bad": (
        "分数“{value}”不是数字（缺考请写“缺考”或留空）",
        "score \u201c{value}\u201d is not a number (write 缺考 or leave blank for absent)",
    ),
    "score_range": ("分数 {value} 超出常见范围", "score {value} is outside the usual range"),
    "pin_bad": (
        "{row} 预设班级{value}应为 1 到 {k} 的班号",
        "{row}: preset class {value} should be a class number from 1 to {k}",
    ),
    "pin_not_number": ("预设班级“{value}”不是班号", "preset class \u201c{value}\u201d is not a class number"),
    "id_duplicate": ("编号 {value} 与{other}重复", "ID {value} duplicates {other}"),
    "idcard_length": (
        "身份证号“{value}”有 {n} 位，应为 18 位（17 位数字，最后一位是数字或 X）；已原样保留，请核对",
        "ID number \u201c{value}\u201d has {n} characters, not 18 (17 digits, then a digit or X); "
        "kept as written, check it",
    ),
    "idcard_fullwidth": (
        "身份证号“{value}”用了全角字符（中文输入法打出的数字）；已原样保留，学籍等系统可能对不上，请核对",
        "ID number \u201c{value}\u201d is written in full-width characters (typed with a Chinese input method); kept "
        "as written, other systems may not match it, check it",
    ),
    "idcard_chars": (
        "身份证号“{value}”含有不该有的字符（只能是数字，最后一位可以是 X）；已原样保留，请核对",
        "ID number \u201c{value}\u201d holds characters an ID number cannot have (digits only, X allowed "
        "last); kept as written, check it",
    ),
    "id_sci": (
        "编号“{value}”被 Excel 改成了科学计数法，原来的数字已丢失；请从原始系统重新导出（不会自动修复）",
        "ID \u201c{value}\u201d was turned into scientific notation by Excel and its digits are lost; "
        "re-export it from the source system (not repaired)",
    ),
    "id_zeros": (
        "编号“{value}”末尾变成了 000（Excel 只保留 15 位数字），请从原始系统重新导出（不会自动修复）",
        "ID \u201c{value}\u201d ends in 000: Excel keeps only 15 digits; re-export it from the source system "
        "(not repaired)",
    ),
    "id_float": (
        "编号“{value}”在表格里存成了数字，超过 15 位的部分已不准确，请把该列设为文本后重新导出（不会自动修复）",
        "ID \u201c{value}\u201d is stored as a number, so digits past the 15th are wrong; "
        "re-export with the column as text (not repaired)",
    ),
    "id_checksum": ("身份证号 {value} 校验位不对", "ID number {value} has a wrong check digit"),
    "same_name": (
        "姓名“{name}”出现 {count} 次（{rows}），按规则将分在不同班",
        "name \u201c{name}\u201d appears {count} times ({rows}); they will go to different classes",
    ),
    "rows_hidden": ("{rows}在 Excel 里是隐藏行，已当作学生读入（共 {count} 人）：若是转出或不来的学生，请从名单中删去",
                    "{rows} are hidden in Excel and were read as students ({count}): if they moved away or are not "
                    "coming, delete them from the roster"),
    "text_big5": ("文件是繁体中文 Big5 编码，已按 Big5 读入", "the file is in Big5 (traditional Chinese) and was read as such"),
    "duplicate_row": ("与{other}完全相同：同一学生录了两次？请删去一行；若是两名学生，请写明区别（如学号）",
                      "identical to {other}: one student entered twice? Delete one row; if they are two "
                      "students, tell them apart (e.g. a student ID)"),
    "id_duplicate_same": ("编号 {value} 和姓名都与{other}相同：同一学生录了两次？请删去一行（若是两人，请改正编号）",
                          "ID {value} and the name are the same as {other}: one student entered twice? Delete "
                          "one row (if they are two students, correct the ID)"),
    "group_column": ("“{name}”列有 {n} 所学校：每所学校各自分班要用命令行 fenban solve 名单 --group-by {name}"
                     "（向导把全部学生一起分班）",
                     "column \u201c{name}\u201d names {n} schools: to divide each school on its own use "
                     "fenban solve ROSTER --group-by {name} (the wizard divides everyone together)"),
    "category_blank": ("{name}为空：{rows}（这些学生算作“(空)”一类来均衡，请补上）",
                       "{name} is blank: {rows} (balanced as a group \u201c(空)\u201d of their own; fill it in)"),
    "id_blank": ("{name}为空：{rows}", "{name} is blank: {rows}"),
    "score_outlier": ("分数 {value} 远高于本列其余分数（其余最高 {top}），请核对",
                      "score {value} is far above the rest of the column (the others reach {top}): check it"),
    "total_mismatch": ("总分 {total} 与各科之和 {sum} 不符", "total {total} is not the sum of the subjects ({sum})"),
    "scores_all_blank": ("所有成绩都是空白，按缺考处理", "every score is blank: counted as absent"),
    "scores_all_blank_many": ("{count} 行的成绩全是空白，按缺考处理：{rows}",
                              "{count} rows have every score blank, counted as absent: {rows}"),
    "header_blank": ("{letter} 列有内容但表头是空的，没有用上{hint}",
                     "column {letter} has data but no header, so it is not used{hint}"),
    "header_blank_gender": ("（像是性别列：可用 --column gender={letter}，向导中按 ctrl+o）",
                            " (it looks like a gender column: --column gender={letter}, or ctrl+o in the wizard)"),
    "header_blank_scores": ("（像是成绩列：可用 --column scores={letters}，向导中按 ctrl+o）",
                            " (it looks like scores: --column scores={letters}, or ctrl+o in the wizard)"),
    "row_short": ("只有 {n} 列，表头有 {m} 列（后面的列按空白读入）",
                  "only {n} of the header's {m} cells (the rest are read as blank)"),
    "row_short_many": ("{count} 行的列数比表头（{m} 列）少，后面的列按空白读入：{rows}",
                       "{count} rows have fewer cells than the header's {m} (the rest read as blank): {rows}"),
    "row_extra": ("比表头多出 {n} 个有内容的格子（{cols}）：按无表头的列读入，没有用上",
                  "cells filled past the header's end ({cols}): read as columns with no header, not used"),
    "file_cut_off": ("只有 {n} 列（表头有 {m} 列），文件末尾也没有换行：文件可能不完整，请核对",
                     "only {n} of the header's {m} cells and no line break at the end: the file may be cut "
                     "off, check it"),
    "birth_bad": ("出生日期“{value}”无法识别", "birth date \u201c{value}\u201d not recognised"),
    "dropped_summary": ("跳过了 {count} 个空行（{rows}）", "skipped {count} blank rows ({rows})"),
    # gender codes read by FenBan's own table (M/F, 1/2, male/female): said, never silent
    "gender_codes_read": ("性别列“{column}”中 {codes}（若不对，请指定性别代码：命令行用 --gender-code，向导在 ctrl+o 选项中）",
                          "gender column \u201c{column}\u201d: read {codes} (if that is wrong, give the gender "
                          "codes: --gender-code on the command line, ctrl+o options in the wizard)"),
    # --- rules / solve ---------------------------------------------------
    "rules_classes_missing": (
        "请指定班级数或每班人数上限",
        "Give the number of classes or a class size cap",
    ),
    "cli_classes_missing": (
        "请用 --classes 指定班级数，或用 --class-size 指定每班人数上限（也可写在 --rules 规则文件中）",
        "Give the number of classes with --classes, or a class size cap with --class-size (or in the --rules file)",
    ),
    "rules_classes_range": (
        "班级数 {k} 不合理：{n} 名学生至少 1 班、至多 {n} 班",
        "{k} classes is not possible for {n} students",
    ),
    "rules_size_range": ("每班人数上限 {cap} 不合理，应为正整数", "A class size cap of {cap} is not possible"),
    "rules_file_bad": ("规则文件 {path} 有误：{reason}", "Rules file {path} is invalid: {reason}"),
    "rules_unknown_key": ("规则文件 {path} 中有未知项“{key}”", "Rules file {path} has an unknown key \u201c{key}\u201d"),
    "infeasible": ("规则无法同时满足：{reason}", "The rules cannot all hold: {reason}"),
    "infeasible_generic": (
        "绑定、互斥、预设班级与班额限制不能同时满足，请检查这些列",
        "the together/apart/preset rules and class sizes cannot all hold; check those columns",
    ),
    # {group}, {bind}, {apart}: a hard rule's group worded by model.rule_group (绑定组“A1”,
    # 同名组“陈思远”, 第 1 条加的同班规则 / together-group “A1”, the 1st added together-rule)
    "inf_bind_too_big": (
        "{group}有 {size} 人，超过每班最多 {cap} 人（{rows}）",
        "{group} has {size} students, more than a class holds ({cap}) ({rows})",
    ),
    "inf_bind_pins": (
        "{group}中的学生被预设到不同班级（{rows}）",
        "{group} has students preset to different classes ({rows})",
    ),
    "inf_bind_apart": (
        "{rows}的学生既要同班（{bind}）又要分开（{apart}）",
        "students in {rows} must be in one class ({bind}) and in different classes ({apart})",
    ),
    "inf_apart_too_many": (
        "{group}有 {size} 人，但只有 {k} 个班（{rows}）",
        "{group} has {size} students but there are only {k} classes ({rows})",
    ),
    "inf_pins_capacity": (
        "预设到 {label} 的学生有 {size} 人，超过每班最多 {cap} 人",
        "{size} students are preset to {label}, more than a class holds ({cap})",
    ),
    "inf_pins_apart": (
        "{group}中的学生被预设到同一班（{rows}）",
        "{group} has students preset to the same class ({rows})",
    ),
    "why_together": ("这几条规则不能同时成立：{rules}（去掉或改动其中一条）",
                     "these rules cannot all hold together: {rules} (drop or change one of them)"),
    "why_sizes": ("各班人数相差不超过 1（每班 {q}–{cap} 人，共 {k} 个班）",
                  "class sizes within one of each other ({q}–{cap} a class, {k} classes)"),
    "why_apart": ("{group}（{rows}）分在不同班", "{group} ({rows}) in different classes"),
    "why_pin": ("{rows}预设在 {label}", "{rows} preset to {label}"),
    "why_at_least": ("每班至少 {count} 名{what}", "{what}: at least {count} in every class"),
    "inf_at_least": (
        "要求每班至少 {count} 名{what}：{k} 个班需要 {need} 名，名单中只有 {have} 名",
        "{what}: at least {count} in every class, so {k} classes need {need}; the roster has {have}",
    ),
    "at_least_bad": ("“每班至少”规则写法不对：“{spec}”（应写成 列=值:人数，如 性别=女:1）",
                     "Bad “at least” rule “{spec}” (write COLUMN=VALUE:N, e.g. 性别=女:1)"),
    "at_least_twice": ("“每班至少”规则“{spec}”写了两次，人数不同（{a} 和 {b}）：只留一条",
                       "the \u201cat least\u201d rule \u201c{spec}\u201d is given twice with different counts ({a} and {b}): keep one"),
    "at_least_empty_part": ("“每班至少”规则“{text}”中有空的一条（分号或逗号前后没有内容）：每条写成 列=值:人数，"
                            "多条用；分开，如 性别=女:1；住宿=是:2",
                            "“at least” rules “{text}” hold an empty part (nothing before or after a semicolon "
                            "or comma): write each as COLUMN=VALUE:N, several separated by ;, e.g. 性别=女:1; 住宿=是:2"),
    "at_least_column_missing": ("“每班至少”规则“{spec}”：名单中没有“{column}”列",
                                "“at least” rule “{spec}”: the roster has no column “{column}”"),
    "at_least_value_missing": ("“每班至少”规则：列“{column}”中没有“{value}”（有：{values}）",
                               "“at least” rule: column “{column}” has no “{value}” (it has: {values})"),
    "solve_rules_broken": ("分班结果没有满足这些规则：{items}。未写出任何文件。",
                           "The placement breaks these rules: {items}. Nothing was written."),
    # a hard rule the classes break (stats.hard_rule_violations), one item of a list
    "broken_together": ("{group}", "{group}"),
    "broken_apart": ("{group}", "{group}"),
    "broken_pin": ("预设 {row}", "preset class of {row}"),
    "broken_sizes": ("人数", "class sizes"),
    "broken_at_least": ("每班至少 {count} 名{what}（{classes}）", "{what}: at least {count} in every class ({classes})"),
    "cancelled": ("已取消", "cancelled"),
    # --- CLI -------------------------------------------------------------
    "cli_no_terminal": ("fenban 向导要在终端里运行（这里的输入或输出不是终端）；脚本中请用 fenban solve、check 或 verify",
                        "The fenban wizard needs a terminal (input or output is not one here); in scripts use "
                        "fenban solve, check or verify"),
    "cli_students": ("学生 {n} 人", "{n} students"),
    "cli_problems": ("错误 {errors} 个，提示 {warnings} 个", "{errors} errors, {warnings} warnings"),
    "cli_not_usable": ("名单有错误，不能分班。请修改后重试。", "The roster has errors and cannot be used. Fix them and retry."),
    # the last line when what stops the run is a 每班至少 rule, not the roster
    "cli_at_least_unmet": ("“每班至少”规则无法满足，不能分班：请改动或去掉这条规则后重试（名单本身没有错误）。",
                           "The \u201cat least\u201d rule cannot be met, so no classes can be made: change or drop "
                           "the rule and retry (the roster itself has no errors)."),
    "cli_at_least_no_column": ("“每班至少”规则用到的列“{column}”不在名单中，不能分班：请改正或去掉这条规则后重试"
                               "（名单本身没有错误）。",
                               "The \u201cat least\u201d rule names a column \u201c{column}\u201d the roster does not "
                               "have, so no classes can be made: correct or drop the rule and retry (the roster "
                               "itself has no errors)."),
    "cli_balance_no_column": ("要均衡的列“{column}”不在名单中，不能分班：请改正规则（--balance 或规则文件）后重试"
                              "（名单本身没有错误）。",
                              "The column \u201c{column}\u201d to balance is not in the roster, so no classes can be "
                              "made: correct the rules (--balance or the rules file) and retry (the roster itself has "
                              "no errors)."),
    "cli_roster_and_balance": ("名单有错误，要均衡的列也不在名单中，不能分班。请修改后重试。",
                               "The roster has errors and a column to balance is not in it either. Fix them and retry."),
    "cli_roster_and_at_least": ("名单有错误，“每班至少”规则也无法满足，不能分班。请修改后重试。",
                                "The roster has errors and the \u201cat least\u201d rule cannot be met either. Fix "
                                "them and retry."),
    "cli_more_problems": ("… 另有 {n} 条", "… {n} more"),
    "cli_group_by_missing": ("{option} 给的列“{column}”不在名单 {path} 中，无法按它分组（名单的列有：{columns}）",
                             "{option} names a column \u201c{column}\u201d that the roster {path} does not have, "
                             "so it cannot be grouped by it (its columns: {columns})"),
    "cli_usable": ("名单可用。", "The roster is usable."),
    "cli_written": ("已写出：{path}", "Written: {path}"),
    "cli_worst": ("最大差距", "Worst gaps"),
    "cli_out_exists": (
        "输出文件夹 {path} 中已有分班结果；加 --force 覆盖",
        "Output folder {path} already holds results; add --force to overwrite",
    ),
    "rule_student_missing": ("规则里的学生“{key}”不在名单中（规则按学号、身份证号或“行12”指明学生；名单改过？"
                             "请改正或删掉这条规则）",
                             "the student \u201c{key}\u201d named by a rule is not in the roster (rules name students "
                             "by 学号, 身份证号 or \u201c行12\u201d; was the roster changed? correct or remove the rule)"),
    "rule_pin_conflict": ("{name}（{key}）在名单里预设在第 {was} 班，加的规则却要放到第 {now} 班：请删掉其中一条",
                          "{name} ({key}) is pinned to class {was} in the roster, but an added rule pins them to "
                          "class {now}: remove one of the two"),
    "stored_problem": ("{zh}", "{en}"),  # a problem kept in a saved session, worded when it was found
    "header_duplicate": ("表头“{name}”出现了两次，第二列改称“{new}”，请确认用的是哪一列",
                         "the header \u201c{name}\u201d appears twice; the second column is called \u201c{new}\u201d: "
                         "check which one is meant"),
    "out_not_dir": ("输出位置 {path} 是一个文件，不是文件夹", "The output {path} is a file, not a folder"),
    "out_not_writable": ("无法写入输出文件夹 {path}（{reason}）：请换一个位置，或检查 U 盘是否写保护",
                         "Cannot write to the output folder {path} ({reason}): choose another place, "
                         "or check that the USB stick is not write-protected"),
    "cli_column_bad": (
        "--column {spec} 写法不对，应为 用途=列名，用途可为：{roles}",
        "--column {spec} is not ROLE=HEADER; roles: {roles}",
    ),
    "cli_column_role_unknown": ("--column {spec}：没有“{role}”这个用途{near}；可用的用途：{roles}",
                                "--column {spec}: there is no role \u201c{role}\u201d{near_en}; roles: {roles}"),
    "cli_column_shared": ("--column 把同一列“{column}”指定给了两个用途（{a} 和 {b}），一列只能有一个用途",
                          "--column gives the one column \u201c{column}\u201d two roles ({a} and {b}); a column has one role"),
    "cli_column_empty": ("--column {spec} 没有写列名：应为 {role}=列名 或列字母（如 {role}=B）",
                         "--column {spec} names no column: write {role}=HEADER or a column letter ({role}=B)"),
    "cli_column_twice": ("--column 给用途“{role}”指定了两次（{a} 和 {b}），一个用途只能指定一列",
                         "--column gives the role \u201c{role}\u201d twice ({a} and {b}); a role takes one column"),
    "cli_column_twice_scores": ("--column 给成绩指定了两次（{a} 和 {b}）：几科成绩请写在一起，如 scores=语文,数学",
                                "--column gives the scores twice ({a} and {b}): list them together, e.g. "
                                "scores=语文,数学"),
    "cli_gender_code_bad": ("--gender-code {spec} 写法不对：应为 代码=男 或 代码=女（如 B=男）",
                            "--gender-code {spec} is not CODE=男 or CODE=女 (e.g. B=男)"),
    "cli_gender_code_twice": ("--gender-code 给“{code}”指定了两次，意思相反（{a} 和 {b}）",
                              "--gender-code gives \u201c{code}\u201d twice with opposite meanings ({a} and {b})"),
    "cli_gender_code_flip": ("--gender-code {spec} 不予接受：“{code}”本来就表示{plain}，不能当作{meaning}"
                             "（名单若确实这样写，请先在表格中改正）",
                             "--gender-code {spec} refused: \u201c{code}\u201d already means {plain_en}, so it "
                             "cannot stand for {meaning_en} (if the roster really writes it so, correct the roster "
                             "first)"),
    "gender_code_flip": ("性别代码 {spec} 不予接受：“{code}”本来就表示{plain}，不能当作{meaning}（名单若确实这样写，请先在表格中改正）",
                         "gender code {spec} refused: \u201c{code}\u201d already means {plain_en}, so it cannot "
                         "stand for {meaning_en} (if the roster really writes it so, correct the roster first)"),
    "gender_code_twice": ("性别代码给“{code}”指定了两次，意思相反（{a} 和 {b}）",
                          "gender codes give \u201c{code}\u201d twice with opposite meanings ({a} and {b})"),
    "cli_header_row_bad": ("--header-row {value} 不对：表头行号从 1 开始（文件没有表头请用 --no-header）",
                           "--header-row {value}: rows are numbered from 1 (a file without a header: --no-header)"),
    "group_column_missing": ("分组的列“{column}”不在名单 {path} 中（名单的列有：{columns}）",
                             "the column \u201c{column}\u201d to group by is not in the roster {path} (its columns: "
                             "{columns})"),
    "category_missing": ("要均衡的列“{column}”不在名单中", "The column \u201c{column}\u201d to balance is not in the roster"),
    "sheet_empty": ("空工作表，已跳过", "empty sheet, skipped"),
    "sheet_skipped_data": ("这个工作表有 {n} 行像学生记录，但找不到名单表头（姓名列），没有读入：请用 --sheet 指定它，"
                           "并用 --column name=列字母 或 --header-row 说明表头",
                           "this sheet has {n} rows that look like students but no roster header (a name column) "
                           "was found, so it was not read: name it with --sheet and say where the header or the "
                           "name column is (--header-row, --column name=LETTER)"),
    "sheet_skipped": ("没有名单表头（说明页？），已跳过", "no roster header (a notes sheet?), skipped"),
    "sheets_combined": (
        "合并了 {count} 个同样格式的工作表（{sheets}），工作表名记在“{column}”列",
        "combined {count} sheets of the same shape ({sheets}); the sheet name is kept in column \u201c{column}\u201d",
    ),
    "sheets_differ": (
        "{path} 的工作表“{a}”和“{b}”列不一样，无法合并；请用 --sheet 指定一个",
        "{path}: sheets \u201c{a}\u201d and \u201c{b}\u201d have different columns; choose one with --sheet",
    ),
    "rules_labels_bad": (
        "班名格式“{pattern}”得不到互不相同的班名（用 {{n}} 表示班号）",
        "The label pattern \u201c{pattern}\u201d does not give distinct class names (use {{n}} for the number)",
    ),
    "rules_labels_placeholder": (
        "班名格式“{pattern}”中的 {field} 无法识别：只能用 {{n}}（班号 1、2…）或 {{cn}}（中文班号 一、二…），如 七({{n}})班",
        "The class label pattern \u201c{pattern}\u201d holds {field}, which is not known: use {{n}} (the class number, "
        "1, 2 …) or {{cn}} (in Chinese numerals, 一, 二 …), e.g. 七({{n}})班",
    ),
    "rules_value_bad": ("规则文件 {path} 中“{key}”的值 {value} 不合适：应为{expect}",
                        "Rules file {path}: {value} is not valid for \u201c{key}\u201d: it should be {expect}"),
    "cli_bad_args": ("命令参数有误：{reason}（{prog} --help 查看用法）", "Bad arguments: {reason} (see {prog} --help)"),
    "cli_bad_command": ("没有“{cmd}”这个子命令（可用：solve、check、verify；fenban --help 查看用法）",
                        "There is no subcommand \u201c{cmd}\u201d (use solve, check or verify; see fenban --help)"),
    "cli_bad_command_near": ("没有“{cmd}”这个子命令，是不是 {near}？（fenban {near} --help 查看用法）",
                             "There is no subcommand \u201c{cmd}\u201d; did you mean {near}? (see fenban {near} --help)"),
    # argparse's own reasons, in the operator's language (English: argparse's words)
    "arg_required": ("缺少必需的参数：{what}", "the following arguments are required: {what}"),
    "arg_unrecognized": ("不认识的参数：{what}", "unrecognized arguments: {what}"),
    "arg_expected_one": ("{opt} 后面缺少值", "argument {opt}: expected one argument"),
    "arg_expected_some": ("{opt} 后面至少要有一个值", "argument {opt}: expected at least one argument"),
    "arg_invalid_int": ("{opt} 的值 {value} 不是整数", "argument {opt}: invalid int value: {value}"),
    "arg_invalid_float": ("{opt} 的值 {value} 不是数字", "argument {opt}: invalid float value: {value}"),
    "arg_invalid_choice": ("{opt} 的值 {value} 不可用（可选：{choices}）",
                           "argument {opt}: invalid choice: {value} (choose from {choices})"),
    "arg_explicit": ("{opt} 不带值，却写了 {value}", "argument {opt}: ignored explicit argument {value}"),
    "arg_ambiguous": ("{opt} 不明确，可能是 {matches}", "ambiguous option: {opt} could match {matches}"),
    "rules_both": (
        "班级数 {k} 与每班人数上限 {cap} 矛盾：{n} 人分 {k} 班，每班要 {need} 人"
        "（请只给其中一个：--classes 或 --class-size，规则文件里的 classes 或 class_size）",
        "{k} classes contradict a class size cap of {cap}: {n} students in {k} classes need {need} per class "
        "(give one of them: --classes or --class-size, classes or class_size in a rules file)",
    ),
    "rules_is_dir": ("这是一个文件夹，不是规则文件：{path}", "This is a folder, not a rules file: {path}"),
    "rule_column_missing": ("规则要均衡的列“{column}”不在名单中", "the rules balance a column \u201c{column}\u201d the roster does not have"),
    "rule_priority_unknown": ("规则给“{column}”定了优先级，但名单中没有这一科", "the rules give \u201c{column}\u201d a priority, but the roster has no such score"),
    "cli_seed_empty": ("--seed 不能为空：请填入现场抽到的数字或文字", "--seed is empty: give the number or text drawn"),
    "cli_time_limit_bad": ("--time-limit {value} 不对：应为大于 0 的秒数", "--time-limit {value}: give seconds above 0"),
    "cli_time_limit_hit": ("注意：到了 --time-limit {s} 秒，搜索提前停止；结果取决于机器快慢，换一台机器重新运行可能不同（不可复现）",
                           "Note: the --time-limit of {s} s stopped the search early; the result depends on the "
                           "machine's speed and may differ when re-run elsewhere (not reproducible)"),
    "cli_time_limit_set": ("注意：设了 --time-limit {s} 秒（这次未用完，结果可复现；下次若用完则不可复现）",
                           "Note: --time-limit {s} s was set (not reached this time, so the result is reproducible)"),
    "verify_time_limited": ("这次分班设了时间上限（{s} 秒），重新运行可能因机器快慢而不同",
                            "the draw was run with a time limit ({s} s): a re-run may differ with the machine's speed"),
    "cli_seed_default": ("注意：没有用 --seed 指定随机种子，使用默认种子 {seed}；公开抽签时请用 --seed 填入现场抽到的数字或文字",
                         "Note: no --seed given, so the default seed {seed} is used; for a public draw pass the "
                         "number or text drawn in the meeting with --seed"),
    "cli_seed": ("{n} 名学生分 {k} 班，随机种子：{seed}", "{n} students into {k} classes, seed: {seed}"),
    "cli_seed_grouped": ("{n} 名学生按“{column}”分 {g} 组各自分班，随机种子：{seed}（每组的种子由此种子和组名算出）",
                         "{n} students in {g} groups by \u201c{column}\u201d, each divided on its own, seed: {seed} "
                         "(each group's seed is derived from it and the group's name)"),
    "formula_unsaved": (
        "这个单元格是公式，但文件里没有保存计算结果（会被当成空白）；请在 Excel/WPS 中打开、保存后再导入",
        "this cell is a formula saved without its result (it would read as blank); open and save the file "
        "in Excel/WPS, then import again",
    ),
    "twin_unbound": (
        "备注写着“{note}”，但没有绑定码：双胞胎要同班请填“绑定”列（同码同班），要分开请填“互斥”列",
        "the note says \u201c{note}\u201d but there is no 绑定 code: fill 绑定 (same code, same class) "
        "or 互斥 (same code, different classes)",
    ),
    "no_header_map": (
        "{path} 没有表头：请用 --column 指定各列，例如 --column name=A --column gender=B",
        "{path} has no header: map the columns, e.g. --column name=A --column gender=B",
    ),
    "formula_zero": ("这个单元格是公式，文件里存的结果是 0：若表格是程序生成的，请在 Excel/WPS 中打开、重新计算并保存后再读入",
                     "this cell is a formula whose stored result is 0: if a program wrote the file, open it in "
                     "Excel or WPS, recalculate and save, then read it again"),
    "row_header_again": ("表头又出现了一次（分页表头），已跳过", "the header row again (a page header), skipped"),
    "row_note": ("表格下方的说明行，已跳过：{text}", "a note below the table, skipped: {text}"),
    "row_junk": ("这一行只有一个单元格有内容（“{text}”），不像学生记录", "only one cell is filled (\u201c{text}\u201d): this does not look like a student"),
    "file_html": (
        "{path} 是网页（HTML）格式，不是真正的表格文件；请用 Excel/WPS 打开后另存为 xlsx 再导入",
        "{path} is a web page (HTML), not a real spreadsheet; open it in Excel/WPS and save as xlsx",
    ),
    "text_named_workbook": (
        "文件名是 {suffix}，内容却是文本表格，已按文本读取",
        "the file is named {suffix} but holds plain text; it was read as text",
    ),
    # --- review (复核): why a hand edit is refused, what is broken now ------------
    "review_student": ("{row}（{name}）", "{row} ({name})"),  # a student: 第 12 行（张三） / row 12 (张三)
    "review_locked": ("{who} 已锁定（先按 l 解锁）", "{who} is locked (press l to unlock)"),
    "review_class_locked": ("{cls} 已锁定（先按 L 解锁）", "{cls} is locked (press L to unlock)"),
    "review_no_class": ("没有第 {cls} 班", "There is no class {cls}"),
    "review_same_class": ("{who} 已在 {cls}", "{who} is already in {cls}"),
    "review_swap_same": ("{a} 和 {b} 在同一班，对调没有变化", "{a} and {b} are in the same class"),
    "review_together": ("绑定：{who} 与 {partner} 必须同班（可整组 {n} 人一起移动）",
                        "绑定: {who} must stay with {partner} (move the whole group of {n} instead)"),
    "review_apart": ("互斥：{partner} 已在 {cls}，{who} 不能与其同班",
                     "互斥: {partner} is already in {cls}; {who} must be in another class"),
    "review_same_name": ("同名：{partner} 已在 {cls}，同名学生应分在不同班",
                         "Same name: {partner} is already in {cls}; students of one name go to different classes"),
    "review_pin": ("预设班级：{who} 应在 {cls}", "预设班级: {who} is pinned to {cls}"),
    "review_size": ("人数：之后 {big} {nb} 人、{small} {ns} 人，相差超过 1（可改用 s 对调）",
                    "Sizes: {big} would have {nb} and {small} {ns}, more than one apart (swap with s instead)"),
    "review_together_broken": ("绑定未满足：{who} 不在同一班", "绑定 broken: {who} are not in one class"),
    "review_apart_broken": ("互斥未满足：{who} 同在 {cls}", "互斥 broken: {who} are together in {cls}"),
    "review_same_name_broken": ("同名同班：{who} 同在 {cls}", "Same names together: {who} in {cls}"),
    "review_pin_broken": ("预设班级未满足：{who} 应在 {cls}", "预设班级 broken: {who} belongs in {cls}"),
    "review_size_broken": ("人数不均：{big} {nb} 人，{small} {ns} 人", "Uneven sizes: {big} has {nb}, {small} {ns}"),
    "review_at_least_broken": ("每班至少 {count} 名{what}未满足：{classes}",
                               "{what}: at least {count} in every class, not met in {classes}"),
    "cli_error": ("出错了：{reason}", "Error: {reason}"),
    # --- export: USB, lottery, 学号 (issue 6) ----------------------------
    "usb_no_space": (
        "{path} 空间不足：需要约 {need}，只剩 {free}；什么都没有写",
        "Not enough space on {path}: about {need} needed, {free} free; nothing was written",
    ),
    "out_exists_files": (
        "{path} 中已有分班结果（{names}）；加 --force 覆盖",
        "{path} already holds results ({names}); add --force to overwrite",
    ),
    "export_failed_unchanged": (
        "写出失败，{path} 中什么都没有改动：{reason}",
        "Export failed; nothing in {path} was changed: {reason}",
    ),
    "export_failed_partial": (
        "写出中断：{path} 中只换上了 {names}，其余没有写成，这一套文件不完整（没有 SHA256SUMS）；"
        "请腾出空间或换一个文件夹后重新导出：{reason}",
        "Export interrupted: only {names} in {path} were replaced, the rest was not written and the set is "
        "incomplete (no SHA256SUMS); free some space or choose another folder and export again: {reason}",
    ),
    "export_failed_partial_file": (
        "写出中断：{path} 中只换上了 {names}，其余没有写成，这一套文件不完整（没有 SHA256SUMS）；"
        "请检查下面这个文件（是否正被别的程序打开）后重新导出：{reason}",
        "Export interrupted: only {names} in {path} were replaced, the rest was not written and the set is "
        "incomplete (no SHA256SUMS); check this file (is another program holding it open?) and export again: {reason}",
    ),
    "export_target_not_file": (
        "{path} 中 {names} 的位置上是一个文件夹，不是文件：什么都没有改动；请移走它，或换一个文件夹",
        "In {path}, {names} is a folder, not a file: nothing was changed; move it away or choose another folder",
    ),
    "export_readback_bad": (
        "写出后读回校验失败：{path} 中的 {names} 与应写内容不符（U 盘可能有问题，请换一个再试）",
        "Read-back check failed: {names} in {path} differ from what was written (the drive may be faulty; try another)",
    ),
    "csv_encoding_bad": ("CSV 编码“{encoding}”不支持，可用 utf-8 或 gb18030",
                         "CSV encoding \u201c{encoding}\u201d is not supported; use utf-8 or gb18030"),
    "teachers_duplicate": ("班主任名单中“{name}”出现了两次", "The teacher list names \u201c{name}\u201d twice"),
    "teachers_too_few": ("班主任只有 {n} 位，但有 {k} 个班", "Only {n} teachers for {k} classes"),
    "teachers_empty": ("{path} 中没有班主任姓名", "{path} holds no teacher names"),
    "sid_pattern_bad": (
        "学号格式“{pattern}”不对：用 {{class}} 表示班号、{{seq}} 表示班内序号，如 2026{{class:02d}}{{seq:02d}}",
        "The student-number pattern \u201c{pattern}\u201d is not valid: use {{class}} for the class number and "
        "{{seq}} for the number within the class, e.g. 2026{{class:02d}}{{seq:02d}}",
    ),
    "sid_order_bad": ("学号排序“{order}”不支持，可用：{orders}", "Student-number order \u201c{order}\u201d: use one of {orders}"),
    "sid_no_total": ("名单中没有成绩，不能按成绩编学号", "The roster has no scores to order student numbers by"),
    "sid_not_unique": (
        "学号格式“{pattern}”会产生重复的学号（位数不够？）",
        "The pattern \u201c{pattern}\u201d gives duplicate student numbers (too few digits?)",
    ),
    # a worst-gap line when a class has no value for the figure at all
    "gap_birth_unknown": ("平均出生日期相差：无法计算（{classes} 没有可用的出生日期）",
                          "birth date range: cannot be computed (no usable birth date in {classes})"),
    "gap_mean_unknown": ("{feature} 平均分极差：无法计算（{classes} 没有{feature}分数）",
                         "{feature} mean range: cannot be computed (no {feature} score in {classes})"),
    "cli_readback_ok": ("已读回核对 {n} 个文件的 SHA-256，全部一致", "Read back {n} files: every SHA-256 matches"),
    "cli_roster_hash": ("名单 SHA-256：{hash}", "Roster SHA-256: {hash}"),
    "cli_teachers": ("班主任抽签：{pairs}", "Head-teacher draw: {pairs}"),
    # --- verify ----------------------------------------------------------
    "verify_ok": ("核验通过：同一名单、同一规则和种子，重新分班的结果完全一致", "Verified: the same roster, rules and seed give exactly the same classes"),
    "verify_failed": ("核验未通过：{reason}", "Verification failed: {reason}"),
    "verify_ok_adjusted": (
        "核验通过：电脑分班结果可复现；复核时调整的 {n} 名学生（手动 {hand} 名，重新分班 {solver} 名）与记录一致",
        "Verified: the draw is reproduced; the {n} students adjusted afterwards ({hand} by hand, {solver} by "
        "re-solving) match the record",
    ),
    "verify_adjusted": ("复核后有 {n} 名学生的班级与抽签结果不同：手动调整 {hand} 名，锁定后重新分班调整 {solver} 名"
                        "（列在 manifest.json 和分班记录中）",
                        "{n} students are in another class than the draw gave: {hand} placed by hand, {solver} moved "
                        "by re-solving around locks (listed in manifest.json and the record)"),
    "verify_adjusted_bad": ("记录的手工调整与结果对不上", "the recorded hand adjustments do not match the result"),
    "verify_no_dir": ("找不到结果文件夹：{path}", "Results folder not found: {path}"),
    "verify_no_manifest": ("{path} 中没有 manifest.json，不是 FenBan 的导出结果", "{path} has no manifest.json: it is not a FenBan export"),
    "verify_manifest_bad": ("manifest.json 无法读取：{path}（{reason}）", "manifest.json cannot be read: {path} ({reason})"),
    "verify_no_sums": ("结果文件夹中没有可读的 SHA256SUMS", "The results folder has no readable SHA256SUMS"),
    "verify_files_changed": ("文件被改动（SHA-256 不符）：{names}", "files changed (SHA-256 differs): {names}"),
    "verify_sums_ok": ("SHA256SUMS 中的 {n} 个文件都未改动", "all {n} files in SHA256SUMS are unchanged"),
    "verify_rules_changed": ("规则已改动（{where}）：{keys}", "rules changed ({where}): {keys}"),
    "verify_versions_differ": ("软件版本不同：{list}", "versions differ: {list}"),
    "verify_rules_unusable": ("记录的规则用不到这份名单上，无法重新分班：{reason}",
                              "the recorded rules cannot be applied to this roster, so it cannot be re-run: {reason}"),
    "verify_roster_unusable": ("名单有错误，无法重新分班：{reason}", "the roster has errors and cannot be re-run: {reason}"),
    "verify_roster_changed": ("名单已改动：{detail}", "the roster has changed: {detail}"),
    "verify_roster_same": ("名单文件与记录一致（SHA-256 {hash}…）", "the roster file matches the record (SHA-256 {hash}…)"),
    "verify_roster_resaved": (
        "名单文件的字节与记录不同（可能被重新保存过），但内容完全一致",
        "the roster file's bytes differ from the record (re-saved?), but its contents are identical",
    ),
    "verify_classes_same": ("重新分班：{n} 名学生、{k} 个班，与记录完全一致", "re-run: {n} students in {k} classes, identical to the record"),
    "verify_classes_differ": ("重新分班的结果与记录不同（{moved} 名学生的班级不同）", "the re-run gives different classes ({moved} students differ)"),
    "verify_classes_differ_versions": (
        "重新分班的结果与记录不同（{moved} 名学生的班级不同），很可能是软件版本不同所致",
        "the re-run gives different classes ({moved} students differ), most likely because the versions differ",
    ),
    "verify_assignment_reencoded": ("assignment.csv 的编码被改过（多半是用 Excel 打开后另存了）：导出时的编码读不了它",
                                    "assignment.csv was saved in another encoding (most likely re-saved from Excel): "
                                    "it no longer reads in the encoding it was exported in"),
    "verify_assignment_unreadable": ("assignment.csv 无法读取或没有“班级”列", "assignment.csv cannot be read or has no 班级 column"),
    "verify_assignment_differs": ("assignment.csv 与重新分班的结果不同（{moved} 名学生）", "assignment.csv differs from the re-run ({moved} students)"),
    "verify_assignment_differs_named": ("assignment.csv 与重新分班的结果不同（{moved} 名学生）：{who}",
                                        "assignment.csv differs from the re-run ({moved} students): {who}"),
    "verify_assignment_missing": ("名单{row}（{name}）不在 assignment.csv 中",
                                  "roster {row} ({name}) is missing from assignment.csv"),
    "verify_assignment_repeat": ("assignment.csv 第 {line} 行重复了第 {other} 行（名单{row}，{name}）",
                                 "line {line} of assignment.csv repeats line {other} (roster {row}, {name})"),
    "verify_assignment_extra": ("assignment.csv 第 {line} 行不是名单中的学生",
                                "line {line} of assignment.csv is no student of the roster"),
    "verify_assignment_student": ("{row}（{name}）写的是 {written}，重新分班是 {rerun}",
                                  "{row} ({name}) says {written}, the re-run {rerun}"),
    "verify_open_problem": ("最终分班违反硬性规则（复核时由操作人确认保留）：{problem}",
                            "the final classes break a hard rule (kept by the operator in the review): {problem}"),
    "verify_open_problems_more": ("另有 {n} 条未解决的问题，全部见 manifest.json 和分班记录",
                                  "{n} more open problems, all listed in manifest.json and the record"),
    "verify_open_problems_differ": ("manifest.json 记录的未解决问题与最终分班实际的不同",
                                    "the open problems recorded in manifest.json are not the final classes' own"),
    "verify_ok_open": ("{verdict}；但最终分班仍违反 {n} 条硬性规则（复核时由操作人确认保留，见上面标 ! 的行）",
                       "{verdict}; but the final classes still break {n} hard rules (kept by the operator in the "
                       "review; see the lines marked !)"),
    "verify_teachers_differ": ("班主任抽签结果与重新抽签不同", "the head-teacher draw differs from a re-draw"),
    "verify_teachers_same": ("班主任抽签：重新抽签结果一致（{n} 个班）", "head-teacher draw: the re-draw matches ({n} classes)"),
    "verify_sids_same": ("学号：重新生成的结果一致", "student numbers: regenerated, identical"),
    "verify_sids_differ": ("学号与重新生成的不同", "student numbers differ from a regeneration"),
    "verify_student_missing": ("记录的规则提到的学生“{key}”不在这份名单中：这不是分班时用的名单",
                               "the recorded rules name the student \u201c{key}\u201d, who is not in this roster: it "
                               "is not the roster of the draw"),
    "verify_rules_misfit": ("记录的规则用不到这份名单上（{reason}）：这不是分班时用的名单",
                            "the recorded rules do not fit this roster ({reason}): it is not the roster of the draw"),
    "verify_files_differ": ("这些文件与按记录重新生成的不一致（被改动过）：{names}",
                            "these files differ from the ones made again from the record (edited): {names}"),
    "verify_files_missing": ("结果文件夹里少了这些文件：{names}", "these result files are missing: {names}"),
    "verify_files_extra": ("结果文件夹里多了不属于这次分班的文件：{names}",
                           "these files do not belong to this draw's results: {names}"),
    "verify_files_same": ("其余 {n} 个文件（各班名单、公示名单、工作簿…）与重新生成的完全一致",
                          "the other {n} files (class lists, public list, workbook…) match a regeneration byte for byte"),
    "verify_files_unchecked": ("无法按记录重新生成文件，未能逐一核对", "the files could not be made again from the record"),
    "verify_cols_added": ("多了列 {cols}", "columns added: {cols}"),
    "verify_cols_removed": ("少了列 {cols}", "columns removed: {cols}"),
    "verify_cols_order": ("列的顺序变了", "the column order changed"),
    "verify_rows_order": ("学生的顺序变了（内容相同）", "the order of the students changed (same contents)"),
    "verify_row_changed": ("{row}（{name}）的 {cols} 改了", "{row} ({name}): {cols} changed"),
    "verify_row_changed_nocols": ("{row}（{name}）改了", "{row} ({name}) changed"),
    "verify_cols_changed": ("涉及列 {cols}", "in columns {cols}"),
    "verify_count_changed": ("学生人数由 {old} 变为 {new}", "{old} students before, {new} now"),
    "verify_row_new": ("{row}（{name}）是新的或改过", "{row} ({name}) is new or changed"),
    "verify_rows_gone": ("分班时名单的{rows}{more}不见了或改过", "{rows}{more} of the roster of the draw are gone or changed"),
    "verify_rows_more": ("等 {n} 行", " ({n} rows in all)"),
    "demo_missing": ("找不到示例名单", "The sample roster was not found"),
}


def set_lang(lang: str | None) -> str:
    """Set the current language ("zh" or "en"); returns the language in force."""
    global _current
    if lang:
        lang = lang.lower()
        if lang.startswith("en"):
            _current = "en"
        elif lang.startswith("zh"):
            _current = "zh"
    return _current


def get_lang() -> str:
    return _current


def lang_from_env() -> str:
    """Chinese unless FENBAN_LANG asks otherwise (LANG=C must not switch to English)."""
    env = os.environ.get("FENBAN_LANG", "")
    return "en" if env.lower().startswith("en") else "zh"


# OS errors as Chinese phrases (English keeps the system's own words)
_OS_ZH: dict[int, str] = {
    errno.EACCES: "没有权限",
    errno.EPERM: "操作不被允许",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "文件系统是只读的",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.EIO: "读写出错，U 盘可能已拔出或损坏",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_text(code: int | None, text: str, lang: str | None = None) -> str:
    """An OS error's reason (errno ``code``, system text ``text``) in ``lang``."""
    if (lang or _current) != "en" and code in _OS_ZH:
        return _OS_ZH[code]
    return text


class OSReason:
    """The reason of an OSError, worded when shown: ``没有权限：/path`` /
    ``Permission denied: /path`` (``with_file``: name the file)."""

    def __init__(self, exc: OSError, with_file: bool = False) -> None:
        self.errno = exc.errno
        self.text = exc.strerror or str(exc)
        # a rename names its target second; a temp file (.~name.xxxx.tmp) is named by its folder
        name = exc.filename2 if exc.filename2 is not None else exc.filename
        if name is not None and re.fullmatch(r"\.~.*\.tmp", os.path.basename(str(name))):
            name = os.path.dirname(str(name)) or "."
        self.filename = str(name) if with_file and name is not None else None

    def render(self, lang: str) -> str:
        reason = os_text(self.errno, self.text, lang)
        if not self.filename:
            return reason
        return f"{reason}: {self.filename}" if lang == "en" else f"{reason}：{self.filename}"

    def __str__(self) -> str:
        return self.render("en")


class Bilingual(str):
    """A text worded in both languages: as a ``str`` it is the Chinese (so it
    compares, hashes and is stored in JSON as that), ``render(lang)`` gives the
    one shown, and ``tr`` renders it as a parameter in the language shown."""

    en: str

    def __new__(cls, zh: str, en: str | None = None) -> "Bilingual":
        obj = super().__new__(cls, zh)
        obj.en = zh if en is None else en
        return obj

    @classmethod
    def of(cls, key: str, /, **params: object) -> "Bilingual":
        """Message ``key`` worded in both languages."""
        return cls(tr(key, "zh", **params), tr(key, "en", **params))

    @classmethod
    def join(cls, items: list, zh_sep: str = "、", en_sep: str = ", ") -> "Bilingual":
        """Items (texts, or objects with ``render``) as one list, in each language's punctuation."""
        def one(x: object, lang: str) -> str:
            return x.render(lang) if hasattr(x, "render") else str(x)

        return cls(zh_sep.join(one(x, "zh") for x in items), en_sep.join(one(x, "en") for x in items))

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else str(self)


_ERRNO_TEXT = re.compile(r"\[Errno (\d+)\] (.*)", re.S)


def _os_reason_text(value: str, lang: str) -> str:
    """A plain reason string holding an OS error text (``Permission denied``,
    ``[Errno 28] No space left on device: 'x'``) in ``lang``; others unchanged."""
    if lang == "en":
        return value
    m = _ERRNO_TEXT.fullmatch(value)
    if m and int(m.group(1)) in _OS_ZH:
        rest = m.group(2).partition(": ")[2]
        zh = _OS_ZH[int(m.group(1))]
        return f"{zh}：{rest}" if rest else zh
    for code, zh in _OS_ZH.items():
        if value == os.strerror(code):
            return zh
    return value


# English nouns counted in the templates ("{k} classes") and their singular
_SINGULAR = {"classes": "class", "students": "student", "rows": "row", "teachers": "teacher", "files": "file",
             "errors": "error", "warnings": "warning", "groups": "group", "sheets": "sheet", "rules": "rule",
             "characters": "character", "edits": "edit", "problems": "problem"}
_COUNTED = re.compile(r"(\bare (?:only )?)?\{(\w+)\}( (?:(?:more|earlier|blank|open|hard) ){0,2})("
                      + "|".join(_SINGULAR) + r")\b( are\b)?")


def _one(template: str, params: dict) -> str:
    """An English template with its counted nouns made singular where the count
    is 1: ``only {k} classes`` with k=1 reads "only 1 class", not "1 classes"
    (and "there are only 1" reads "there is only 1", "1 student are" "1 student is")."""
    def fix(m: re.Match) -> str:
        value = params.get(m.group(2))
        if not (isinstance(value, int) and not isinstance(value, bool) and value == 1):
            return m.group(0)
        before = m.group(1).replace("are", "is", 1) if m.group(1) else ""
        after = " is" if m.group(5) else ""
        return f"{before}{{{m.group(2)}}}{m.group(3)}{_SINGULAR[m.group(4)]}{after}"

    return _COUNTED.sub(fix, template)


def tr(key: str, lang: str | None = None, /, **params: object) -> str:
    """Render message ``key`` in ``lang`` (default: current language)."""
    zh, en = MESSAGES.get(key, (key, key))
    use = lang or _current
    template = _one(en, params) if use == "en" else zh
    # parameters that depend on the language (lists of rows, nested reasons)
    params = {k: (v.render(use) if hasattr(v, "render") else v) for k, v in params.items()}
    # an OS error's text passed as a plain reason (e.g. exc.strerror)
    if isinstance(params.get("reason"), str):
        params["reason"] = _os_reason_text(params["reason"], use)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class FenbanError(Exception):
    """An expected, operator-facing error: carries a message key and parameters."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(tr(key, "en", **params))

    def text(self, lang: str | None = None) -> str:
        return tr(self.key, lang, **self.params)
