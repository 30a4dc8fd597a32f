"""Every string the wizard shows: Chinese first, English with ``--lang en``.

Core messages (file errors, roster problems, solver errors) come from
``fenban_tui.i18n``; this table holds only the wizard's own words.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # steps and global keys
    "app_title": ("FenBan 分班", "FenBan"),
    "step_import": ("导入", "Import"),
    "step_rules": ("规则", "Rules"),
    "step_solve": ("分班", "Solve"),
    "step_review": ("复核", "Review"),
    "step_export": ("导出", "Export"),
    "key_next": ("下一步", "Next"),
    "key_prev": ("上一步", "Back"),
    "key_help": ("帮助", "Help"),
    "key_quit": ("退出", "Quit"),
    "key_close": ("关闭", "Close"),
    "key_load": ("读取", "Load"),
    "key_rerun": ("重新分班", "Re-run"),
    "key_cancel": ("取消分班", "Cancel"),
    "key_write": ("写出", "Write"),
    "key_yes": ("覆盖", "Overwrite"),
    "key_no": ("不覆盖", "Keep"),
    "key_sheets": ("工作表", "Sheets"),
    "key_options": ("选项", "Options"),
    "key_keep": ("保持当前", "Keep"),
    "first_step": ("已经是第一步", "This is the first step"),
    "last_step": ("已经是最后一步", "This is the last step"),
    # import
    "import_label": ("名单文件（xlsx / xls / csv），输入路径后按 Enter 读取：",
                     "Roster file (xlsx / xls / csv); type the path and press Enter:"),
    "import_placeholder": ("例如 ~/桌面/新生名单.xlsx", "e.g. ~/Desktop/roster.xlsx"),
    "import_empty": ("请输入名单文件的路径", "Type the path of the roster file"),
    "import_loading": ("正在读取 {path} …", "Reading {path} …"),
    "import_summary": ("工作表“{sheet}”，{head}，学生 {n} 人；错误 {errors} 个，提示 {warnings} 个",
                       "sheet \u201c{sheet}\u201d, {head}, {n} students; "
                       "errors: {errors}, warnings: {warnings}"),
    "import_summary_text": ("{head}，学生 {n} 人；错误 {errors} 个，提示 {warnings} 个",
                            "{n} students, {head}; errors: {errors}, warnings: {warnings}"),
    "import_summary_sheets": ("合并了 {k} 个工作表（{sheet}），{head}，学生 {n} 人；错误 {errors} 个，提示 {warnings} 个",
                              "{k} sheets combined ({sheet}), {head}, {n} students; "
                              "errors: {errors}, warnings: {warnings}"),
    "import_head": ("表头在第 {header} 行", "header on row {header}"),
    "import_no_head": ("无表头（按列映射）", "no header row (columns mapped)"),
    # reading another file while classes are made: asked first (n, the default, keeps them)
    "import_other_drops": ("改读“{new}”：当前“{old}”的分班结果会被放弃（保存的工作也随之覆盖）。要改读吗？",
                           "Reading \u201c{new}\u201d drops the classes made for \u201c{old}\u201d (the saved "
                           "session is overwritten too). Read it?"),
    "import_other_drops_edits": ("改读“{new}”：当前“{old}”的分班结果和复核中的 {n} 处调整、锁定都会被放弃"
                                 "（保存的工作也随之覆盖，无法找回）。要改读吗？",
                                 "Reading \u201c{new}\u201d drops the classes made for \u201c{old}\u201d and the "
                                 "{n} edits and locks of the review (the saved session is overwritten too; they "
                                 "cannot be got back). Read it?"),
    "seed_cleared": ("另一个名单：随机种子已清空。请先公布新名单的 SHA-256，再抽取种子",
                     "Another roster: the seed was cleared. Publish the new roster's SHA-256 first, then draw "
                     "the seed"),
    "import_same_kept": ("名单没有改动：分班结果和复核中的调整都保留", "The roster has not changed: the classes and every review edit are kept"),
    "key_resolve_yes": ("重新分班", "Solve again"),
    "key_resolve_no": ("不改，留在这里", "Keep the classes"),
    "key_resolve_restore": ("恢复原规则", "Restore rules"),
    "rules_lose_review": ("规则改了，要重新分班：复核中的 {n} 处调整和锁定会丢掉（只改班名格式则不会）。\n\n"
                          "y：按表单的规则重新分班\n"
                          "r：表单恢复为当前分班所用的规则，分班和调整都保留\n"
                          "n：不改，留在这里（表单与分班的规则仍不同）",
                          "The rules changed and the classes will be made again: the {n} edits and locks of the "
                          "review will be lost (a new class-name pattern alone keeps them).\n\n"
                          "y: solve again with the rules on the form\n"
                          "r: put back the rules the classes were made with; classes and edits kept\n"
                          "n: change nothing, stay here (the form still differs from the classes' rules)"),
    # 规则: the form is not what the current classes were made with ({what}: which rules)
    # one line at 80 columns: the form above must keep its room
    "rules_differ": ("表单的{what}与当前分班所用的不同：ctrl+n 按表单重新分班",
                     "Form differs from the classes' rules ({what}): ctrl+n solves again"),
    "rules_differ_review": ("表单的{what}与当前分班所用的不同：ctrl+n 可重新分班或恢复原规则",
                            "Form differs from the classes' rules ({what}): ctrl+n re-solves or restores"),
    "rules_restored": ("已恢复当前分班所用的规则（种子 {seed}）：分班和复核的调整都保留，ctrl+n 继续",
                       "The rules of the current classes are back (seed {seed}): classes and review edits kept; "
                       "ctrl+n goes on"),
    "differ_classes": ("班级数", "class count"),
    "differ_seed": ("种子", "seed"),
    "differ_balance": ("均衡项", "balancing"),
    "differ_hard": ("硬性规则", "hard rules"),
    "differ_at_least": ("每班至少", "at least"),
    "differ_other": ("其他设置", "other settings"),
    "rules_seed_ph": ("现场抽出的数字或文字，如 3 17 29", "drawn in public, e.g. 3 17 29"),
    "rules_seed_empty": ("请填写随机种子（公开抽签得到的数字或文字）", "Enter the seed (the number or text drawn in public)"),
    "import_ok": ("名单可用，按 ctrl+n 进入下一步（规则）", "Roster usable; press ctrl+n for the next step (rules)"),
    "import_bad": ("名单有错误，不能分班：请在表格中修改后按 ctrl+r 重新读取",
                   "The roster has errors: fix them in the spreadsheet and press ctrl+r to reload"),
    # the roster is fine, a rule (每班至少, a column to balance) is not: changed on 规则
    "import_rules_bad": ("名单可用，但有规则与它不符（见下方问题）：按 ctrl+n 到“规则”修改",
                         "Roster usable, but a rule does not fit it (below): ctrl+n, change it on Rules"),
    "import_need": ("请先读取一份可用的名单", "Load a usable roster first"),
    "import_preview": ("预览（前 {n} 行）", "Preview (first {n} rows)"),
    "import_preview_at": ("预览（从第 {row} 行起；在问题上按 Enter 跳到该行）", "Preview (from row {row}; Enter on a problem jumps to its row)"),
    "import_row_skipped": ("第 {row} 行没有作为学生读入（空行、合计行或说明）", "Row {row} was not read as a student (blank, totals or a note)"),
    "key_browse": ("浏览", "Browse"),
    "key_up": ("上一级", "Up"),
    "browse_title": ("选择名单文件（Enter 打开文件夹或选中文件，Esc 取消）", "Choose the roster (Enter opens a folder or picks a file, Esc cancels)"),
    "import_problems": ("问题列表", "Problems"),
    "import_no_problems": ("没有发现问题", "No problems found"),
    "import_more": ("… 另有 {n} 条", "… {n} more"),
    "col_row": ("行", "Row"),
    # import: several sheets
    "sheet_ask": ("这个文件有 {n} 个工作表含名单，读取哪些？", "This file has {n} sheets with a roster. Read which?"),
    "sheet_ask_differ": ("{reason}\n这些工作表的列不一样，不能合并。读取哪一个？",
                         "{reason}\nThese sheets have different columns and cannot be combined. Read which one?"),
    "sheet_all": ("合并全部 {n} 个工作表（推荐）", "Combine all {n} sheets (recommended)"),
    "sheet_one": ("只读“{name}”（{n} 人）", "Only \u201c{name}\u201d ({n} students)"),
    "sheet_one_rows": ("只读“{name}”（{n} 行）", "Only \u201c{name}\u201d ({n} rows)"),
    "sheet_keys": ("↑↓ 选择，Enter 确认，Esc 保持当前", "↑↓ choose, Enter confirms, Esc keeps the current choice"),
    "sheet_pick": ("请按 ctrl+t 选择一个工作表", "Press ctrl+t to choose one sheet"),
    "sheet_only_one": ("这个文件只有一个含名单的工作表", "This file has only one sheet with a roster"),
    # import: options (header row, column map, gender codes)
    "opt_header": ("表头行", "Header row"),
    "opt_header_ph": ("自动", "auto"),
    "opt_columns": ("列映射", "Columns"),
    "opt_columns_ph": ("如 name=A, gender=B, scores=E,F（或 姓名=A）", "e.g. name=A, gender=B, scores=E,F"),
    "opt_genders": ("性别代码", "Gender codes"),
    "opt_genders_ph": ("如 B=男, G=女", "e.g. B=男, G=女"),
    "opt_hint": ("表头行：空=自动 0=无表头 N=第N行；Enter 重读", "header: blank=auto 0=none N=row N; Enter"),
    "opt_header_bad": ("表头行“{value}”不对：应为空（自动）、0（无表头）或行号 N",
                       "Header row \u201c{value}\u201d: use blank (auto), 0 (no header) or a row number N"),
    "opt_map_bad": ("列映射“{part}”写法不对：应为 用途=列（列字母、第几列或列名），逗号分隔，如 name=A, gender=B, scores=E,F",
                    "Column map \u201c{part}\u201d: write ROLE=COLUMN (letter, position or header), "
                    "comma-separated, e.g. name=A, gender=B, scores=E,F"),
    "opt_map_role": ("列映射中的“{role}”不是用途；可用：{roles_zh}（或 {roles}）",
                     "\u201c{role}\u201d in the column map is not a role; roles: {roles}"),
    "opt_map_dup": ("列映射中“{role}”写了两次", "The column map names \u201c{role}\u201d twice"),
    "opt_gender_bad": ("性别代码“{part}”写法不对：应为 代码=男 或 代码=女（也可 =M、=F），如 B=男, G=女",
                       "Gender code \u201c{part}\u201d: write CODE=男 or CODE=女 (or =M, =F), e.g. B=男, G=女"),
    "opt_reset": ("另一个文件：表头行、列映射、性别代码和工作表已恢复为自动",
                  "Another file: header row, column map, gender codes and sheet are back to automatic"),
    "import_no_header": ("工作表“{sheet}”中找不到含“姓名”的表头行。文件没有表头？在上方选项中把 表头行 设为 0，"
                         "在 列映射 中按列字母指定各列（如 name=A, gender=B），按 Enter 重新读取",
                         "Sheet \u201c{sheet}\u201d: no header row with a name column (姓名). No header at all? "
                         "Set Header row to 0 above and map the columns by letter (e.g. name=A, gender=B), then Enter"),
    "import_no_header_map": ("表头行为 0（无表头）：请在 列映射 中至少指定姓名列（如 name=A, gender=B），按 Enter 重新读取",
                             "Header row 0 (no header): map at least the name column in Columns "
                             "(e.g. name=A, gender=B), then Enter"),
    "import_gender_hint": ("性别写法不认识（{codes}）：在选项的 性别代码 中写明，如 {example}，按 Enter",
                           "Unknown gender codes ({codes}): say what they mean in Gender codes, e.g. {example}, Enter"),
    "import_roles": ("识别：{roles}", "Recognised: {roles}"),
    "import_raw": ("文件内容（前 {n} 行，按列字母）", "File contents (first {n} rows, by column letter)"),
    "level_error": ("错误", "error"),
    "level_warning": ("提示", "warning"),
    "level_info": ("提示", "note"),  # counted with the warnings (提示) in the summary line
    # rules
    "rules_classes": ("班级数", "Classes"),
    "rules_classes_hint": ("{n} 人：每班≤50人→{k50} 班，≤45人→{k45} 班",
                           "{n} students: ≤50 a class → {k50}, ≤45 → {k45}"),
    "rules_seed": ("随机种子（任意文字）", "Seed (any text)"),
    "rules_seed_hint": ("同一名单、同一规则、同一种子，结果相同", "Same roster, rules and seed give the same classes"),
    "rules_at_least": ("每班至少（选填，可写多条）", "At least, in every class (optional)"),
    "rules_at_least_ph": ("如 性别=女:1；住宿=是:2", "e.g. 性别=女:1; 住宿=是:2"),
    "rules_labels": ("班名格式（{n} 为班号）", "Class names ({n} = number)"),
    "rules_labels_preview": ("班名：{labels}", "Names: {labels}"),
    "rules_balance": ("均衡（空格勾选，+/- 优先级）", "Balance (Space toggles, +/- priority)"),
    "priority_low": ("  ·低", "  ·low"),
    "priority_high": ("  ·高", "  ·high"),
    "rules_hard": ("硬性规则", "Hard rules"),
    "opt_gender": ("性别比例", "Gender"),
    "opt_school": ("{col}", "{col}"),
    "opt_boarding": ("{col}（住宿生）", "{col} (boarders)"),
    "opt_total": ("{col}", "{col}"),
    "opt_category": ("{col}：{values}", "{col}: {values}"),
    "opt_birth": ("出生日期（年龄）", "Birth date (age)"),
    "opt_score": ("{col}", "{col}"),
    "opt_same_name": ("同名学生分开", "Same names apart"),
    "opt_together": ("{col}：同码同班", "{col}: same code together"),
    "opt_apart": ("{col}：同码分开", "{col}: same code apart"),
    "opt_pins": ("{col}：按预设班级", "{col}: keep presets"),
    "rules_classes_bad": ("班级数必须是 1 到 {n} 之间的整数", "The class count must be a whole number from 1 to {n}"),
    "rules_labels_bad": ("班名格式不能为空", "The class name pattern cannot be empty"),
    "rules_labels_dup": ("班名格式应包含 {n}，否则各班同名", "The pattern needs {n}, or every class gets the same name"),
    "rules_enter": ("Enter 或 ctrl+n 开始分班", "Enter or ctrl+n starts the placement"),
    # 每班至少: said when the box is left, worded for a per-class minimum, short enough for 80 columns
    "at_least_no_column": ("每班至少：名单中没有“{column}”列", "At least: the roster has no column \u201c{column}\u201d"),
    "at_least_no_value": ("每班至少：列“{column}”中没有“{value}”；可填：{values}",
                          "At least: column \u201c{column}\u201d has no \u201c{value}\u201d; it has: {values}"),
    "at_least_no_gender": ("每班至少：名单中没有性别列", "At least: the roster has no gender column"),
    "at_least_empty": ("每班至少：有空的一条（；或，前后没有内容），多条写成 性别=女:1；住宿=是:2",
                       "At least: an empty part (nothing around a ; or ,); write 性别=女:1; 住宿=是:2"),
    # solve
    "solve_idle": ("按 ctrl+r 开始分班", "Press ctrl+r to start"),
    "solve_running": ("正在分班（{k} 班，{n} 人）… {stage}  Esc 取消",
                      "Placing {n} students in {k} classes… {stage}  Esc cancels"),
    "solve_cancelling": ("正在取消…", "Cancelling…"),
    "solve_cancelling_prep": ("正在取消…（准备阶段结束后才能停下，请稍候）",
                              "Cancelling… (takes effect when the preparation ends)"),
    "quit_wait": ("正在停止分班，停下后即退出（再按 ctrl+q 立即退出）",
                  "Stopping the placement, then quitting (ctrl+q again quits now)"),
    "solve_cancelled": ("已取消。按 ctrl+r 重新分班，或 ctrl+p 修改规则",
                        "Cancelled. Press ctrl+r to run again, or ctrl+p to change the rules"),
    "solve_failed": ("分班失败：{reason}", "Placement failed: {reason}"),
    "solve_failed_hint": ("按 ctrl+p 修改规则或名单", "Press ctrl+p to change the rules or the roster"),
    "solve_done": ("分班完成：{k} 班，{n} 人，用时 {secs:.1f} 秒。ctrl+n 复核",
                   "Done: {k} classes, {n} students, {secs:.1f} s. ctrl+n to review"),
    "solve_restored": ("当前的分班结果（含复核中的调整）。ctrl+n 复核；ctrl+r 重新分班会放弃手动调整",
                       "The current placement (with the review's edits). ctrl+n reviews; ctrl+r solves afresh and "
                       "drops the hand edits"),
    "solve_violations": ("注意：有规则未满足：{items}", "Warning: rules not met: {items}"),
    "solve_gaps": ("最大差距", "Worst gaps"),
    "solve_busy": ("正在分班，请稍候（Esc 取消）", "Still placing; wait or press Esc to cancel"),
    "solve_need": ("请先完成分班", "Finish the placement first"),
    # ctrl+n on 分班 with no classes to review: said in the status line, with the key that solves
    "solve_next_cancelled": ("分班已取消，还没有结果可复核：按 ctrl+r 重新分班，或 ctrl+p 修改规则",
                             "The placement was cancelled: nothing to review yet. ctrl+r runs it again, ctrl+p "
                             "changes the rules"),
    "solve_next_failed": ("分班失败，没有结果可复核：{reason}", "The placement failed: nothing to review. {reason}"),
    "solve_next_none": ("还没有分班结果：按 ctrl+r 开始分班", "No placement yet: press ctrl+r to run it"),
    "solve_left": ("已离开分班步骤，分班已取消", "Left the solve step; placement cancelled"),
    "stage_start": ("准备", "starting"),
    "stage_balance": ("均衡调整", "balancing"),
    "stage_done": ("完成", "done"),
    # public draw, export to a USB stick (issue 6)
    "rules_hash": ("名单 SHA-256（先公布，再定种子）：", "Roster SHA-256 (announce, then draw):"),
    "export_drives": ("U 盘（Enter 选用）", "USB drives (Enter picks one)"),
    "export_no_drives": ("未发现 U 盘：可直接填写文件夹", "No USB drive found: type a folder"),
    "export_reserve": ("未分配（候补）", "reserve"),
    "export_teachers": ("班主任抽签（每行一名或文件路径）", "Teachers to draw (a name a line, or a file)"),
    "export_verified": ("已读回核对 {n} 个文件的 SHA-256：全部一致", "Read back {n} files: every SHA-256 matches"),
    "export_teacher_draw": ("班主任：{pairs}", "Head teachers: {pairs}"),
    "export_record": ("公开抽签记录：{name}（可打印）", "Draw record to print: {name}"),
    # review (复核)
    "key_open": ("打开", "Open"),
    "key_move": ("移动", "Move"),
    "key_swap": ("对调", "Swap"),
    "key_lock": ("锁定", "Lock"),
    "key_lock_class": ("锁班", "Lock class"),
    "key_resolve": ("重排", "Re-solve"),
    "key_changes": ("变动", "Changes"),
    "key_order": ("排序", "Sort"),
    "key_counts": ("人数/均分", "Counts"),
    "key_chart": ("图表", "Chart"),
    "key_subject_prev": ("上一科", "Prev subject"),
    "key_subject_next": ("下一科", "Next subject"),
    "key_compare": ("对比", "Compare"),
    # keys the Footer has no room for (in English "/ find" and ctrl+k too: the Footer would cut ^q)
    "review_classes_keys": ("c 人数/均分  b 图表  ctrl+z 撤销  ctrl+y 重做",
                            "/ find  c counts/means  b chart  ctrl+z undo  ctrl+y redo  ^k commands"),
    "review_students_keys": ("/ 查找  L 锁班  o 排序  r 重排  d 变动  ctrl+z 撤销",
                             "/ find  L lock class  o sort  r re-solve  d changes  ctrl+z undo"),
    "key_find": ("查找", "Find"),
    "find_title": ("查找学生：姓名或学号/身份证号", "Find a student: name or ID"),
    "find_keys": ("Enter 跳到该学生  ↓↑ 选择  Esc 关闭", "Enter goes to the student  ↓↑ choose  Esc closes"),
    "find_placeholder": ("输入姓名的一部分，或学号/身份证号的开头", "part of a name, or the start of an ID"),
    "find_hint": ("姓名输一部分即可（如“张”）；学号、身份证号输开头几位",
                  "Part of a name will do; of a 学号 or 身份证号, its first digits"),
    "find_found": ("找到 {n} 人", "{n} found"),
    "find_none": ("没有找到与“{query}”相符的学生（姓名的一部分，或学号/身份证号的开头）",
                  "No student matches \u201c{query}\u201d (part of a name, or the start of an ID)"),
    "find_one": ("找到 1 人：按 Enter 跳过去", "One student found: Enter goes to them"),
    "find_many": ("找到 {n} 人：↓ 到列表，选一人按 Enter", "{n} students found: ↓ to the list, Enter on one"),
    "find_many_more": ("找到 {n} 人，只列出前 {limit} 人：再多输入几个字，或 ↓ 到列表选一人",
                       "{n} students found, the first {limit} listed: type more, or ↓ to the list"),
    "review_found": ("找到 {who}：在 {cls}（m 移动  s 对调  l 锁定）", "Found {who}: in {cls} (m move  s swap  l lock)"),
    "review_found_mark": ("找到 {who}：在 {cls}；按 s 与已选的 {marked} 对调",
                          "Found {who}: in {cls}; s swaps with the marked {marked}"),
    "key_undo": ("撤销", "Undo"),
    "key_redo": ("重做", "Redo"),
    "key_back": ("返回", "Back"),
    "review_head": ("{k} 班 {n} 人；手动调整 {edited} 人，锁定 {locked} 人、{classes} 个班",
                    "classes: {k}, students: {n}; placed by hand: {edited}; students locked: {locked}, classes locked: {classes}"),
    "review_classes_title": ("各班均分±标准差（▲▼ 最偏离）", "Class means ±SD (▲▼ furthest from even)"),
    "review_classes_title_birth": ("各班人数、男/女、平均生日（▲▼ 最偏离）",
                                   "Sizes, M/F, mean birth date (▲▼ furthest from even)"),
    "review_classes_title_sizes": ("各班人数、男/女（▲▼ 最偏离）", "Sizes and M/F (▲▼ furthest from even)"),
    "review_counts_title": ("各班人数（▲▼ 最偏离）", "Counts per class (▲▼ furthest from even)"),
    "review_students_title": ("{cls}：{n} 人，按{sort}", "{cls}: {n} students, by {sort}"),
    "review_changes_previous": ("与上次结果相比：{n} 人变动（o 与最初结果比）",
                                "Against the previous result: {n} moved (o: against the first result)"),
    "review_changes_original": ("与最初分班结果相比：{n} 人变动（o 与上次结果比）",
                                "Against the first result: {n} moved (o: against the previous result)"),
    "review_chart_title": ("{name}：各班平均分与年级平均分 {mean} 之差（左低右高，满格 = {scale}）",
                           "{name}: class mean minus the grade mean {mean} (full bar = {scale})"),
    "review_chart_title_birth": ("各班平均生日与年级平均 {mean} 之差（左早右晚，满格 = {scale}）",
                                 "Mean birth date minus the grade's {mean} (full bar = {scale})"),
    "chart_points_unit": (" 分", ""),
    "chart_days_unit": (" 天", " d"),
    "review_chart_keys": ("← → 或 b 换科目，Esc 返回", "← → or b: another subject; Esc: back"),
    "review_no_scores": ("名单中没有成绩", "The roster has no scores"),
    "review_class_choice": ("{cls}（{n} 人）", "{cls} ({n} students)"),
    "review_move_ask": ("把 {who} 从 {cls} 移到：", "Move {who} from {cls} to:"),
    "review_marked": ("已选 {who}，在 {cls}：到另一个班选一名学生，再按 s 对调（同一人再按 s 取消）",
                      "Marked {who}, in {cls}: pick a student in another class and press s (s again unmarks)"),
    "review_refused": ("不能这样调整：{why}", "Not allowed: {why}"),
    "review_rule_title": ("违反规则", "Breaks a rule"),
    "review_move_group": ("整组一起移动（{n} 人）", "Move the whole group ({n} students)"),
    "review_force": ("仍然调整（记为警告，直到解决）", "Do it anyway (kept as a warning until resolved)"),
    "review_keep": ("不调整", "Leave it"),
    "review_overridden": ("已强制调整：{why}", "Overridden: {why}"),
    "review_warning": ("警告：{items}", "Warning: {items}"),
    "review_kept_as_is": ("未调整，班级保持不变", "Not changed: the classes are as they were"),
    "review_done_move": ("已移动 {n} 人：{where}", "Moved {n}: {where}"),
    "review_done_swap": ("已对调：{where}", "Swapped: {where}"),
    "review_done_lock": ("已锁定 {who}", "Locked {who}"),
    "review_done_unlock": ("已解锁 {who}", "Unlocked {who}"),
    "review_done_lock_class": ("已锁定 {cls}：重排时不动", "Locked {cls}: a re-solve leaves it as it is"),
    "review_done_unlock_class": ("已解锁 {cls}", "Unlocked {cls}"),
    "review_done_resolve": ("重排完成：{n} 人换了班（d 查看）", "Re-solved: {n} students moved (d shows them)"),
    "review_resolving": ("正在重排（{n} 人保持不动）… Esc 取消", "Re-solving ({n} students stay)… Esc cancels"),
    "review_resolve_cancelled": ("重排已取消，分班未变", "Re-solve cancelled; nothing changed"),
    "review_busy": ("正在重排，请稍候（Esc 取消）", "Re-solving; wait or press Esc"),
    "review_undone": ("已撤销：{what}", "Undone: {what}"),
    "review_redone": ("已重做：{what}", "Redone: {what}"),
    "review_kind_move": ("移动", "move"),
    "review_kind_swap": ("对调", "swap"),
    "review_kind_lock": ("锁定", "lock"),
    "review_kind_unlock": ("解锁", "unlock"),
    "review_kind_lock_class": ("锁班", "class lock"),
    "review_kind_unlock_class": ("解锁班级", "class unlock"),
    "review_kind_resolve": ("重排", "re-solve"),
    "col_class": ("班级", "Class"),
    "col_size": ("人数", "Size"),
    "col_mf": ("男/女", "M/F"),
    "col_birth": ("平均生日", "Mean birth"),
    "col_mark": ("标记", "Mark"),
    "col_name": ("姓名", "Name"),
    "col_gender": ("性别", "Sex"),
    "col_rules": ("规则", "Rules"),
    "col_from": ("原班", "From"),
    "col_to": ("现班", "To"),
    "col_how": ("方式", "How"),
    "how_manual": ("手动", "by hand"),
    "how_resolve": ("重排", "re-solve"),
    "gender_m": ("男", "M"),
    "gender_f": ("女", "F"),
    "mark_locked": ("锁", "lock"),
    "mark_edited": ("改", "edit"),
    "mark_swap": ("选", "mark"),
    "sort_name": ("姓名", "name"),
    "sort_score": ("总分", "score"),
    "sort_school": ("学校", "school"),
    "rule_together": ("绑定{code}", "together {code}"),
    "rule_apart": ("互斥{code}", "apart {code}"),
    "rule_added_together": ("加的同班{n}", "added together {n}"),
    "rule_added_apart": ("加的分开{n}", "added apart {n}"),
    "rule_same_name": ("同名", "same name"),
    "rule_same_sound": ("同音", "same sound"),
    "rule_pin": ("预设{cls}", "pin {cls}"),
    # sessions
    "key_resume": ("继续上次", "Resume"),
    "key_fresh": ("重新开始", "Start afresh"),
    "session_ask": ("上次的工作已保存（{when}，名单 {path}，停在“{step}”）。继续吗？",
                    "Your last session was saved ({when}, roster {path}, at \u201c{step}\u201d). Resume it?"),
    "session_resume_failed": ("无法恢复上次的工作：{reason}。请重新导入名单",
                              "The last session could not be restored: {reason}. Import the roster again"),
    "session_source_changed": ("名单文件 {path} 在保存后已改变或不存在：继续使用保存时的名单；要用新文件请回到导入步骤重新读取",
                               "The roster file {path} changed (or is gone) since it was saved: the saved copy is "
                               "used; to use the new file, read it again on the import step"),
    # `fenban FILE` while a session of another roster is saved: which one is meant
    "session_ask_other": ("上次的工作已保存（{when}，停在“{step}”），用的名单是\n{old}\n"
                          "这次要打开\n{new}\n\n"
                          "y：继续上次的工作（用上次的名单，不打开这个文件）\n"
                          "n：放弃上次的工作，用这个文件重新开始",
                          "Your last session was saved ({when}, at \u201c{step}\u201d) with the roster\n{old}\n"
                          "This time you asked to open\n{new}\n\n"
                          "y: resume it (its roster; this file is not opened)\n"
                          "n: drop it and start afresh with this file"),
    "key_resume_old": ("继续上次", "Resume last"),
    "key_fresh_new": ("打开这个文件", "Open this file"),
    # starting afresh would drop a saved session's hand edits: asked again (n goes back)
    "key_read_other": ("改读", "Read it"),
    "key_keep_classes": ("保留当前分班", "Keep the classes"),
    "key_discard_yes": ("放弃调整，重新开始", "Drop them"),
    "key_discard_no": ("返回", "Go back"),
    "session_discard_ask": ("上次的工作（{when}，停在“{step}”）有复核中的手工调整：调整 {moved} 人，"
                            "锁定 {locked} 人、{classes} 个班。\n"
                            "重新开始后，一读入名单就会覆盖上次保存的工作，这些调整无法找回。\n\n"
                            "y：放弃这些调整，重新开始\n"
                            "n：返回上一个问题（可继续上次的工作）",
                            "The last session ({when}, at \u201c{step}\u201d) has hand edits from the review: "
                            "{moved} students moved, {locked} students and {classes} classes locked.\n"
                            "Starting afresh overwrites it as soon as a roster is read; the edits cannot be got "
                            "back.\n\n"
                            "y: drop them and start afresh\n"
                            "n: back to the previous question (to resume)"),
    "session_discard_ask_other": ("上次的工作（{when}，停在“{step}”）有复核中的手工调整：调整 {moved} 人，"
                                  "锁定 {locked} 人、{classes} 个班。\n"
                                  "打开这个文件会立即覆盖上次保存的工作，这些调整无法找回。\n\n"
                                  "y：放弃这些调整，打开这个文件\n"
                                  "n：返回上一个问题（可继续上次的工作）",
                                  "The last session ({when}, at \u201c{step}\u201d) has hand edits from the review: "
                                  "{moved} students moved, {locked} students and {classes} classes locked.\n"
                                  "Opening this file overwrites it at once; the edits cannot be got back.\n\n"
                                  "y: drop them and open this file\n"
                                  "n: back to the previous question (to resume)"),
    # a rule the roster cannot meet (每班至少, a column to balance): said on every step until changed
    "rules_bar": (" ！规则需修改 ", " ! Change a rule "),
    # the roster file changed after the session was saved: said on every step until it is read again
    "stale_bar": (" ！名单文件已改动 ", " ! Roster changed "),
    "stale_gone_bar": (" ！名单文件已不存在 ", " ! Roster file gone"),  # en: 80 columns hold the steps
    "stale_import": ("注意：名单文件在保存后已改动（或已不存在）。这里是保存时的名单，分班也按它；"
                     "要用新文件，按 ctrl+r 重新读取",
                     "Note: the roster file changed (or is gone) since the session was saved. Shown, and placed, "
                     "is the saved copy; ctrl+r reads the new file"),
    "export_stale": ("注意：名单文件在保存后已改动，现在的班级是按保存时的名单分的；ctrl+s 写出前会先问",
                     "Note: the roster file changed after the session was saved; these classes are for the saved "
                     "copy. ctrl+s asks before writing"),
    "export_stale_ask": ("名单文件 {path} 在这次工作保存后已改动（或已不存在）。\n"
                         "现在的班级是按保存时的名单分的，与新文件对不上（fenban verify 会不通过）。\n\n"
                         "仍然写出吗？",
                         "The roster file {path} changed (or is gone) after this session was saved.\n"
                         "The classes are for the saved copy and will not match the new file "
                         "(fenban verify will fail).\n\nWrite anyway?"),
    "export_stale_kept": ("未写出。要按新文件分班：ctrl+p 回到导入步骤，按 ctrl+r 重新读取名单，再分班",
                          "Nothing written. To place the new file: ctrl+p back to Import, ctrl+r to read it "
                          "again, then solve"),
    "session_save_failed": ("无法保存工作进度：{reason}", "Cannot save the session: {reason}"),
    # export
    "export_label": ("输出文件夹，按 Enter 或 ctrl+s 写出：", "Output folder; press Enter or ctrl+s to write:"),
    "export_empty": ("请输入输出文件夹", "Type an output folder"),
    "export_not_dir": ("{path} 是一个文件，不是文件夹", "{path} is a file, not a folder"),
    "export_writing": ("正在写出到 {path} …", "Writing to {path} …"),
    "export_done": ("已写出 {n} 个文件：", "Wrote {n} files:"),
    "export_outdated": ("班级（或规则）在 {path} 中的文件写出后已改动：那些文件不是现在的班级。按 ctrl+s 重新写出",
                        "The classes (or rules) changed since the files in {path} were written: they are not "
                        "these classes. ctrl+s writes them again"),
    "export_finish": ("完成。ctrl+q 退出，或 ctrl+p 返回修改", "Done. ctrl+q quits, ctrl+p goes back"),
    "export_failed": ("写出失败：{reason}", "Writing failed: {reason}"),
    "export_exists": ("{path} 中已有分班结果。覆盖吗？", "{path} already holds results. Overwrite them?"),
    "export_kept": ("未写出：{path} 中原有的文件保持不变（可改填另一个文件夹，再按 ctrl+s）",
                    "Nothing written: the files already in {path} were left as they were "
                    "(type another folder and press ctrl+s)"),
    "key_write_anyway": ("仍然写出", "Write anyway"),
    "key_write_not": ("不写出", "Do not write"),
    "export_warning_ask": ("复核中还有未解决的警告：{items}\n\n仍然按现在的班级写出吗？",
                           "The review left a warning open: {items}\n\nWrite the classes as they are anyway?"),
    "export_warning_more": ("（另有 {n} 条）", " ({n} more)"),
    "export_warning_kept": ("未写出：复核中还有警告。ctrl+p 回到复核解决；再按 ctrl+s 会再问一次",
                            "Nothing written: the review has an open warning. ctrl+p goes back to the review; "
                            "ctrl+s asks again"),
    "export_os_error": ("无法写入 {path}：{reason}", "Cannot write {path}: {reason}"),
    # help
    "cmd_placeholder": ("输入文字查找操作…", "Type to find an action…"),
    "key_palette": ("命令", "Commands"),
    "cmd_step": ("转到：{step}", "Go to: {step}"),
    "cmd_step_help": ("向前逐步检查，向后直接返回", "forward step by step, each step checked; back at once"),
    "cmd_key_help": ("当前步骤的操作", "an action of this step"),
    "cmd_help_help": ("按键说明", "the keys"),
    "cmd_quit_help": ("退出（已自动保存，下次可继续）", "quit (saved: you can resume next time)"),
    "key_edit_rules": ("加规则", "Add rules"),
    "key_rule_together": ("同班", "Same class"),
    "key_rule_apart": ("分开", "Apart"),
    "key_rule_pin": ("预设班级", "Pin"),
    "rule_title": ("添加规则：按姓名或学号查找学生", "Add rules: find students by name or ID"),
    "rule_keys": ("Enter 选中  F2 同班  F3 分开  F4 预设班级  Delete 删除  Esc 完成",
                  "Enter choose  F2 same class  F3 apart  F4 pin  Delete remove  Esc done"),
    "rule_find": ("输入姓名或学号（身份证号）查找", "type a name or ID to find"),
    "rule_found": ("找到的学生", "Students found"),
    "rule_chosen": ("已选", "Chosen"),
    "rule_added": ("已添加的规则", "Rules added"),
    "rule_pin_class": ("预设到第几班（F4 用）", "class number to pin to (for F4)"),
    "rule_show_together": ("同班：{who}", "same class: {who}"),
    "rule_show_apart": ("分开：{who}", "apart: {who}"),
    "rule_show_pin": ("预设：{who} → 第 {n} 班", "pinned: {who} → class {n}"),
    "rule_need_two": ("请先选两名或更多学生（在找到的学生上按 Enter）", "Choose two or more students first (Enter on a student)"),
    "rule_need_one": ("请先选学生（在找到的学生上按 Enter）", "Choose students first (Enter on a student)"),
    "rule_class_bad": ("请填 1 到 {k} 之间的班级号", "Enter a class number from 1 to {k}"),
    # a rule that contradicts one added before (core.rules.added_rule_clash): refused
    "rule_clash_together_apart": ("不能添加：{a} 和 {b} 既要同班又要分开（先在下方删掉其中一条）",
                                  "Not added: {a} and {b} would be both together and apart (delete one rule below)"),
    "rule_clash_together_pins": ("不能添加：{a} 和 {b} 要同班，却预设在第 {c} 班和第 {d} 班",
                                 "Not added: {a} and {b} must be together but are pinned to classes {c} and {d}"),
    "rule_clash_apart_pin": ("不能添加：{a} 和 {b} 要分开，却都预设在第 {c} 班",
                             "Not added: {a} and {b} must be apart but are both pinned to class {c}"),
    # … and one that contradicts the roster's own 绑定 / 互斥 / 同名 / 预设班级
    "rule_clash_together_apart_roster": ("不能添加：{a} 和 {b} 既要同班又要分开（名单中 {rule}）",
                                         "Not added: {a} and {b} would be both together and apart "
                                         "(roster: {rule})"),
    "rule_clash_together_pins_roster": ("不能添加：{a} 和 {b} 要同班，却预设在第 {c} 班和第 {d} 班（名单中 {rule}）",
                                        "Not added: {a} and {b} must be together but are pinned to classes "
                                        "{c} and {d} (roster: {rule})"),
    "rule_clash_apart_pin_roster": ("不能添加：{a} 和 {b} 要分开，却都预设在第 {c} 班（名单中 {rule}）",
                                    "Not added: {a} and {b} must be apart but are both pinned to class {c} "
                                    "(roster: {rule})"),
    "rule_clash_pin_roster": ("不能添加：名单中 {rule} 已把 {a} 预设在第 {c} 班",
                              "Not added: the roster's {rule} already pins {a} to class {c}"),
    "rule_roster_pin": ("{col}", "column \u201c{col}\u201d"),
    # a student named in a refusal, when another has the same name
    "rule_who_row": ("{name}（行{row}）", "{name} (row {row})"),
    "rule_who_sheet_row": ("{name}（{sheet} 行{row}）", "{name} ({sheet} row {row})"),
    "rule_done": ("已添加；可继续添加，Esc 完成", "Added; add more, or Esc when done"),
    "rule_removed": ("已删除这条规则", "Rule removed"),
    "rules_extra": ("另加规则 {n} 条（ctrl+e）", "{n} rules added (ctrl+e)"),
    "opt_same_sound": ("同音姓名也分开（张莉/张丽）", "names that sound alike apart too (张莉/张丽)"),
    "help_title": ("按键说明", "Keys"),
    "help_body": (
        "ctrl+n       下一步\n"
        "ctrl+p       上一步\n"
        "Tab          下一个输入框/列表（shift+Tab 上一个）\n"
        "Enter        确认当前输入框（读取名单、开始分班、写出）\n"
        "↑ ↓ ← →      在列表和表格中移动；PgUp/PgDn 翻页\n"
        "空格         勾选/取消均衡项和规则；+ / - 调高/调低某科的优先级\n"
        "ctrl+r       导入：重新读取；分班：重新分班\n"
        "ctrl+o       导入：选项（表头行、列映射、性别代码）\n"
        "ctrl+b       导入：浏览文件夹选文件；在问题上按 Enter 跳到该行\n"
        "ctrl+t       导入：选择读取哪些工作表（有多个时）\n"
        "ctrl+e       规则：按姓名/学号查找学生，加同班、分开、预设班级规则\n"
        "Esc          分班时取消；关闭本窗口\n"
        "复核：Enter 打开班级  m 移动  s 对调（先选一人，再选另一班的一人）\n"
        "      l 锁定学生  L 锁定班级  r 重排（保留锁定和手动调整）\n"
        "      d 变动  o 排序  c 人数/均分  b 图表\n"
        "      / 或 ctrl+f 查找学生（姓名或学号），跳到其所在班级\n"
        "      ctrl+z 撤销  ctrl+y 重做  Esc 返回\n"
        "ctrl+s       导出：写出结果文件\n"
        "ctrl+k       命令面板（输入文字查找任何操作）\n"
        "F1           帮助\n"
        "ctrl+q       退出",
        "ctrl+n       next step\n"
        "ctrl+p       previous step\n"
        "Tab          next field or list (shift+Tab: previous)\n"
        "Enter        confirm the field (load, solve, write)\n"
        "arrows       move in lists and tables; PgUp/PgDn pages\n"
        "Space        toggle a balance item or rule; + / - raise or lower a score's priority\n"
        "ctrl+r       import: reload; solve: run again\n"
        "ctrl+o       import: options (header row, columns, gender codes)\n"
        "ctrl+b       import: browse for the file; Enter on a problem shows its row\n"
        "ctrl+t       import: choose the sheet(s) to read\n"
        "ctrl+e       rules: find students, add same-class / apart / pin rules\n"
        "Esc          cancel solving; close this window\n"
        "review: Enter opens a class  m move  s swap (mark one, then one in another class)\n"
        "        l lock student  L lock class  r re-solve (keeps locks and hand edits)\n"
        "        d changes  o sort  c counts/means  b chart\n"
        "        / or ctrl+f find a student by name or ID\n"
        "        ctrl+z undo  ctrl+y redo  Esc back\n"
        "ctrl+s       export: write the result files\n"
        "ctrl+k       command palette (type to find any action)\n"
        "F1           help\n"
        "ctrl+q       quit",
    ),
    "help_close": ("↑↓ 滚动  Esc 关闭", "↑↓ scroll  Esc closes"),
    "error_generic": ("出错了：{reason}", "Error: {reason}"),
}


def t(key: str, lang: str, **params: object) -> str:
    """The wizard text ``key`` in ``lang`` ("zh" or "en")."""
    zh, en = TEXT.get(key, (key, key))
    template = en if lang == "en" else zh
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
