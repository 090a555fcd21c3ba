"""The `xl-kpi` command: a thin edge over the library.

It parses options, calls library functions, prints results and turns KpiError
into a clean `错误: …` with exit status 2; click's own
command-line errors are told in Chinese too.  No scoring logic lives here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from xl_kpi.cli_chinese import KpiGroup, help_in_chinese  # first: click's words in Chinese before any option
from xl_kpi.ribbon import LABELS  # light: the buttons' names, for `addin run`

LANG = click.Choice(["zh-Hans", "zh-Hant"])


def _console():
    from rich.console import Console

    # wide enough for Chinese rule texts when output is piped (rich assumes 80 columns)
    return Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False)


class SchemeOption(click.Option):
    """--scheme whose help names the built-in schemes ({ids}), listed only when help is shown."""

    def get_help_record(self, ctx: click.Context):
        from xl_kpi.schemes.scheme import builtin_ids

        template, self.help = self.help, self.help.format(ids=" / ".join(builtin_ids()))
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = template


@click.group(cls=KpiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xl-kpi")
def main() -> None:
    """xl-kpi: 客服人员 KPI 考核 (在 Excel 中为客服人员打分)."""


# --------------------------------------------------------------------------- schemes


@main.command("schemes")
def schemes_cmd() -> None:
    """列出内置考核方案."""
    from rich.table import Table

    from xl_kpi.schemes.scheme import builtin_ids, builtin_scheme

    table = Table("id", "方案", "指标数", "满分", "来源文件")
    for sid in builtin_ids():
        s = builtin_scheme(sid)
        table.add_row(s.id, s.name, str(len(s.indicators)), str(s.total), s.source)
    _console().print(table)


@main.group("scheme", cls=KpiGroup)
def scheme_group() -> None:
    """查看或检查一个方案."""


@scheme_group.command("show")
@click.argument("scheme")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出.")
@click.option("--lang", type=LANG, default="zh-Hans", show_default=True, help="简体或繁體标签.")
def scheme_show(scheme: str, as_json: bool, lang: str) -> None:
    """显示方案的全部指标与规则. 方案是方案 id 或方案文件路径."""
    from xl_kpi.base.hant import in_lang
    from xl_kpi.schemes.describe import indicator_rows, label, scheme_dict
    from xl_kpi.schemes.scheme import get_scheme

    s = get_scheme(scheme)
    if as_json:
        click.echo(json.dumps(scheme_dict(s), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    console = _console()

    def say(text: str) -> None:
        console.print(in_lang(text, lang))

    console.print(f"[bold]{label(s, lang)}[/bold] ({s.id}, {in_lang('满分', lang)} {s.total}, {in_lang('来源', lang)} {s.source})")
    rows = indicator_rows(s, lang)
    table = Table(show_lines=True)
    for head in rows[0]:
        table.add_column(head, overflow="fold", max_width=60 if head == in_lang("规则", lang) else None)
    for row in rows:
        table.add_row(*row.values())
    console.print(table)
    if s.assessors:
        say("评分人: " + ", ".join(f"{a.name} {a.weight * 100:g}%" for a in s.assessors))
    if s.grades:
        grade_table = Table(*(in_lang(h, lang) for h in ("等级", "分数", "所需培训程度", "职位晋升", "岗位级别", "岗位工资")))
        for g in s.grades.rows:
            grade_table.add_row(*(in_lang(v, lang) for v in (
                g.grade, f"≥{g.at_least}" if g.at_least is not None else "其余", g.training, g.promotion,
                g.level, "" if g.post_wage is None else str(g.post_wage),
            )))
        console.print(grade_table)
    if s.commission:
        say("销售提成: " + s.commission.describe())
    if s.bonus:
        say("绩效奖金 = 绩效奖金基数 × 总分%")
    if s.pay_threshold is not None:
        say(f"综合考核低于 {s.pay_threshold * 100:g}% 不参与绩效考核")
    if s.pay_item_threshold is not None:
        say(f"任一项得分低于其权重的 {s.pay_item_threshold * 100:g}% 也不参与绩效考核")
    if s.rating:
        say("服务顾问评定 (按三项中最低分): " + ", ".join(
            f"{n} ≥{b}" if b is not None else f"{n} 其余" for n, b in s.rating.levels))
    say("年度人事决定 (xl-kpi annual): " + ("没有" if not s.decisions else ""))
    for rule in s.decisions.rules:
        say("  " + rule.describe())


@scheme_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def scheme_check(path: str) -> None:
    """检查改过的方案文件 (.yaml) 或模板工作簿 (.xlsx, 读取其「规则」工作表) 是否有效."""
    from xl_kpi.schemes.scheme import load_scheme

    s = load_scheme(path)
    click.echo(f"方案 {s.id} 有效: {len(s.indicators)} 项指标, 满分 {s.total}")


# --------------------------------------------------------------------------- score


@main.command("score")
@click.option("--scheme", "scheme_ref", required=True, cls=SchemeOption, help="方案 id ({ids}) 或方案文件.")
@click.argument("input_path", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="结果文件 (.xlsx 或 .csv).")
@click.option("--sheet", default=None,
              help="只读取这张工作表 (默认: 所有表头含「工号」和方案指标列的工作表, 依次读取).")
def score_cmd(scheme_ref: str, input_path: str, output: str, sheet: str | None) -> None:
    """按方案为输入文件中每一行打分, 结果写入 -o 指定的文件.

    输入文件有表头行: 工号 (必需)、姓名、部门, 以及每项指标一列 (表头写指标 id 或文件中的名称); 表头上方可以有标题行.
    .xlsx 按部门分成几张工作表时依次读取, 并提示读了哪些表.
    任何一行有问题时退出码为 1, 其余行照常打分.
    """
    code = run_score(scheme_ref, input_path, output, sheet)
    sys.exit(code)


def run_score(scheme_ref: str, input_path: str, output: str, sheet: str | None = None, *, quiet: bool = False) -> int:
    from xl_kpi.base.files import refuse_overwrite
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.batch import score_file
    from xl_kpi.workflow.report import check_output, check_report_output, keep_output, print_report, write_report

    refuse_overwrite(output, [input_path])
    check_report_output(output)
    check_output(output)  # now, rather than after scoring: a result open in Excel/WPS stops here
    scheme = get_scheme(scheme_ref)
    report = score_file(scheme, input_path, sheet)
    backup = keep_output(output)  # the result replaced is kept as ….备份.xlsx (….备份.csv)
    write_report(report, output)
    if not quiet:
        for notice in report.notices:  # which sheets were read, values to check (print_report gives the columns')
            click.echo(notice.line(person=bool(notice.row)), err=True)
        print_report(report, output, backup)
    return 1 if report.problem_rows else 0


# --------------------------------------------------------------------------- generate / consolidate


def _progress(label: str):
    """A rich progress bar on stderr; returns (context manager, callback(done, total))."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True, console=__import__("rich.console").console.Console(stderr=True))
    task = bar.add_task(label, total=None)

    def update(done: int, total: int, *_: object) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


@main.command("generate")
@click.option("--scheme", "scheme_ref", required=True, help="方案 id、方案文件 (.yaml) 或模板工作簿 (.xlsx, 读取其「规则」工作表).")
@click.option("--roster", required=True, type=click.Path(dir_okay=False), help="花名册 (.xlsx/.csv): 工号、姓名、部门、岗位、直属主管.")
@click.option("--period", required=True, help="考核期间 YYYY-MM, 如 2026-10.")
@click.option("-o", "--output", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="输出文件夹.")
@click.option("--data", type=click.Path(dir_okay=False), help="预填客观数据 (与 xl-kpi score 相同的列).")
@click.option("--split", type=click.Choice(["department", "person"]), default="department", show_default=True,
              help="每个部门一个工作簿, 或每人一个工作簿.")
@click.option("--formulas", "mode", type=click.Choice(["native", "udf"]), default="native", show_default=True,
              help="native: 普通 Excel 公式 (Excel/WPS/LibreOffice 都能算); udf: =KPI_*() 函数 (需加载项).")
@click.option("--lang", type=LANG, default="zh-Hans", show_default=True, help="标签用简体或繁體.")
@click.option("--password", default=None, help="工作表保护密码 (默认不设密码).")
@click.option("--peer", is_flag=True, help="另为每人生成团队协作互评表 (互评-期间-部门-工号-姓名.xlsx).")
@click.option("--overwrite", is_flag=True,
              help="输出文件夹中已有同名工作簿时重新生成; 原文件保留为 ….备份.xlsx (默认不写入并报错).")
def generate_cmd(scheme_ref, roster, period, out_dir, data, split, mode, lang, password, peer, overwrite) -> None:
    """按花名册为每人生成一张考核表."""
    from xl_kpi.schemes.scheme import get_scheme_with_text
    from xl_kpi.workflow.actions import GenerateSheets, generate_sheets

    scheme, text = get_scheme_with_text(scheme_ref)
    options = GenerateSheets(scheme, text, Path(roster), period, Path(out_dir), data=Path(data) if data else None,
                             split=split, formulas=mode, lang=lang, password=password, peer=peer, overwrite=overwrite)
    bar, update = _progress("生成考核表")
    with bar:
        result = generate_sheets(options, progress=update)
    for finding in [*result.notices, *result.problems]:
        click.echo(finding.line(), err=True)
    if result.backups:
        click.echo(f"已将原有的 {len(result.backups)} 个同名工作簿备份为 ….备份.xlsx (如 {result.backups[0].name})", err=True)
    click.echo(f"已为 {result.people} 人生成 {len(result.files)} 个工作簿, 位于 {out_dir}", err=True)
    if peer:
        click.echo(f"已生成 {len(result.peer_files)} 份互评表", err=True)
    sys.exit(1 if result.problems else 0)


@main.command("consolidate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="汇总工作簿 (.xlsx).")
@click.option("--scheme", "scheme_ref", default=None, help="按此方案计分; 文件自带的「规则」与它不同 (生成时用了改过的方案) 时按文件自身规则计分并列入问题 (默认用各文件「规则」工作表中的方案).")
@click.option("--period", default=None, help="只汇总这一期 (YYYY-MM) 的考核表 (默认: 多数文件所属的期间); 其他期间的文件列为问题.")
def consolidate_cmd(inputs, output, scheme_ref, period) -> None:
    """汇总交回的考核表 (递归读取文件夹), 生成部门汇总和问题清单."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import ConsolidateMonth, consolidate_month

    options = ConsolidateMonth(tuple(Path(i) for i in inputs), Path(output),
                               scheme=get_scheme(scheme_ref) if scheme_ref else None, period=period)
    bar, update = _progress("汇总")
    with bar:  # (backups of the summary are skipped by name: consolidate.find_workbooks)
        done = consolidate_month(options, progress=update)
    result, backup = done.result, done.backup
    for note in done.notes:
        click.echo(f"注意: {note}", err=True)
    for finding in result.issues:
        click.echo(finding.line(), err=True)
    problems = [f for f in result.issues if f.is_problem]
    said = len(result.issues) - len(problems)
    scored = sum(1 for p in result.people if p.score.total is not None)
    click.echo(
        f"读取 {result.files_read} 个文件" + (f", 另有 {result.files_failed} 个无法读取" if result.files_failed else "")
        + f", {len(result.people)} 人, "
        f"{scored} 人得出总分, {len(problems)} 个问题" + (f", {said} 条提示" if said else "") + f"; 汇总已写入 {output}"
        + (f" (原汇总已备份为 {backup.name})" if backup else ""),
        err=True,
    )
    sys.exit(1 if problems else 0)


@main.command("metrics")
@click.argument("tickets", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--period", required=True, help="考核期间 YYYY-MM, 如 2026-10 (按工单创建时间).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="数据文件 (.xlsx), 供 generate --data / score 使用.")
@click.option("--map", "mapping", type=click.Path(dir_okay=False), help="列名映射文件 (.yaml), 说明导出文件的列名.")
@click.option("--roster", type=click.Path(dir_okay=False), help="花名册: 客服可写工号或姓名, 不在花名册中的报告为问题.")
@click.option("--median", is_flag=True, help="平均响应时间改用中位数.")
@click.option("--hours", default=None, help="只计工作时间, 如 09:00-18:00.")
@click.option("--workdays", default=None, help="工作日, 如 1-5 (周一=1, 默认 1-5; 与 --hours 一起用).")
@click.option("--peak", default=None, help="高峰期日期 (含首尾), 如 2026-11-11..2026-11-12.")
@click.option("--fcr-days", type=int, default=7, show_default=True, help="首次解决: 同一客户多少天内未再来.")
@click.option("--satisfaction-scale", type=click.Choice(["1", "5", "10", "100"]), default=None,
              help="导出中满意度评分的满分 (5 分制 ×20 换算为百分制; 1: 百分比, 0.9 即 90%).")
@click.option("--encoding", type=click.Choice(["auto", "utf-8", "gb18030", "big5"], case_sensitive=False), default="auto",
              show_default=True, help="CSV 的编码: auto 自动识别 (UTF-8, 否则按表头在 GB18030 与 Big5 中选择).")
@click.option("--sheet", default=None, help=".xlsx 中工单所在的工作表 (默认: 所有表头能识别的工作表).")
def metrics_cmd(tickets, period, output, mapping, roster, median, hours, workdays, peak, fcr_days, satisfaction_scale,
                encoding, sheet) -> None:
    """由客服系统导出的工单 (.csv/.xlsx) 计算每位客服的客观指标, 写入数据文件.

    有问题的行 (时间无法识别、回复早于提问、未知客服、重复工单……) 列在数据文件的「问题」表, 退出码为 1.
    """
    from rich.console import Console

    from xl_kpi.tickets import report_to
    from xl_kpi.workflow.actions import ImportData, import_data

    options = ImportData(
        tickets=tuple(Path(t) for t in tickets), period=period, output=Path(output), roster=Path(roster) if roster else None,
        mapping=Path(mapping) if mapping else None, median=median, hours=hours, workdays=workdays, peak=peak,
        fcr_days=fcr_days, satisfaction_scale=int(satisfaction_scale) if satisfaction_scale else None,
        encoding=encoding, sheet=sheet)
    with Console(stderr=True).status("准备读取工单") as status:  # shown only on a terminal
        done = import_data(options, progress=lambda text: status.update(f"{text} …"))
    report_to(sys.stderr, done.result, output)
    if done.backup:
        click.echo(f"原数据文件已备份为 {done.backup.name}", err=True)
    sys.exit(1 if done.result.problem_count else 0)


@main.command("annual")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="年度 (或季度) 汇总工作簿 (.xlsx).")
@click.option("--by", type=click.Choice(["year", "quarter"]), default="year", show_default=True, help="按年或按季度汇总.")
@click.option("--missing", type=click.Choice(["skip", "zero", "fail"]), default="skip", show_default=True,
              help="缺考月份: skip 按已有月份平均 / zero 按 0 分计 / fail 不计算该人得分并列入「问题」.")
@click.option("--scheme", "scheme_ref", default=None,
              help="方案 id 或方案文件: 人事决定只按该方案 decisions 中列出的规则 (默认按月度汇总的指标列认出内置方案).")
def annual_cmd(inputs, output, by, missing, scheme_ref) -> None:
    """由月度汇总 (consolidate 的结果) 或 工号/姓名/部门/期间/总分 表计算年度 (季度) 得分与调薪、降薪、晋升、奖励、请辞等决定."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import AnnualRollUp, annual_roll_up

    done = annual_roll_up(AnnualRollUp(tuple(Path(i) for i in inputs), Path(output), by=by, missing=missing,
                                       scheme=get_scheme(scheme_ref) if scheme_ref else None))
    result, backup = done.result, done.backup
    for finding in [*result.issues, *result.notes]:  # notes: also in the 问题 sheet; no problems (exit status unchanged)
        click.echo(finding.line(person=True), err=True)
    click.echo(f"{len(result.people)} 人次, 期间 {', '.join(result.periods)}, {len(result.issues)} 个问题; 已写入 {output}"
               + (f" (原年度汇总已备份为 {backup.name})" if backup else ""), err=True)
    sys.exit(1 if result.issues else 0)


@main.command("feedback")
@click.argument("summary", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="输出文件夹.")
@click.option("--scheme", "scheme_ref", default=None, help="方案 id 或方案文件 (默认按汇总表的指标列识别内置方案).")
@click.option("--lang", type=LANG, default=None, help="简体或繁體 (默认与汇总表相同: 繁體表头的汇总写繁體, 否则简体).")
def feedback_cmd(summary, out_dir, scheme_ref, lang) -> None:
    """由月度汇总为每人生成绩效面谈反馈表: 可打印的 HTML (A4, 每人一页) 和每人一张工作表的工作簿."""
    from xl_kpi.schemes.scheme import get_scheme
    from xl_kpi.workflow.actions import WriteFeedback, write_feedback_forms

    result = write_feedback_forms(WriteFeedback(Path(summary), Path(out_dir), lang=lang,
                                                scheme=get_scheme(scheme_ref) if scheme_ref else None))
    for problem in result.problems:
        click.echo(problem.line(), err=True)
    if result.backups:
        click.echo(f"输出文件夹中原有的 {len(result.backups)} 个同名文件已先备份: "
                   + "、".join(p.name for p in result.backups), err=True)
    click.echo(f"已为 {len(result.forms)} 人生成面谈反馈表, 位于 {out_dir} (全部.html 可一次打印)", err=True)
    sys.exit(1 if result.problems else 0)


@main.command("sample")
@click.argument("roster", type=click.Path(exists=True, dir_okay=False))
@click.option("--percent", required=True, help="抽取比例 (百分数), 如 10 表示 10%.")
@click.option("--seed", required=True, type=int, help="随机种子: 同一花名册、比例和种子总是抽到同样的人.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="写入抽样名单 (.xlsx/.csv); 默认打印.")
def sample_cmd(roster, percent, seed, output) -> None:
    """随机考核: 从花名册按比例随机抽取员工 (可重复)."""
    from xl_kpi.base.findings import Finding
    from xl_kpi.excel.tables import write_table
    from xl_kpi.workflow.sampling import sample_staff

    notices: list[Finding] = []
    headers, rows = sample_staff(roster, percent, seed, notices=notices)
    for notice in notices:
        click.echo(notice.line(), err=True)
    if output:
        write_table(output, headers, rows, sheet="抽样名单")
        click.echo(f"抽取 {len(rows)} 人, 已写入 {output}", err=True)
    else:
        for row in rows:
            click.echo("\t".join(row))


@main.group("templates", cls=KpiGroup)
def templates_group() -> None:
    """模板工作簿."""


@templates_group.command("build")
@click.option("-o", "--output", "--out", "out_dir", default="workbook_templates", show_default=True, type=click.Path(file_okay=False))
def templates_build(out_dir: str) -> None:
    """由内置方案生成模板工作簿 (每个方案一个, 带「规则」工作表)."""
    from xl_kpi.workflow.templates import build_templates

    for path in build_templates(out_dir):
        click.echo(f"已生成 {path}")


# --------------------------------------------------------------------------- add-in


@main.group("addin", cls=KpiGroup)
def addin_group() -> None:
    """Excel 加载项: 构建、安装, 或不开 Excel 运行功能区按钮."""


@addin_group.command("build")
@click.option("-o", "--output", "--out", "out_dir", default="dist", show_default=True, type=click.Path(file_okay=False),
              help="输出文件夹 (更新随包发布的文件: --out xl_kpi/addin_files).")
@click.option("--macros", "macros_dir", default=None, type=click.Path(exists=True, file_okay=False),
              help="VBA 与功能区源文件所在文件夹 (默认仓库的 macros/).")
def addin_build(out_dir: str, macros_dir: str | None) -> None:
    """由 macros/ 中的文本源文件构建 xl_kpi.xlam 和 HR 工作簿 KPI考核.xlsm (VBA 工程由 Python 写出, 无需 Excel 或 LibreOffice)."""
    from xl_kpi.addin import vba
    from xl_kpi.addin.build import build

    result = build(out_dir, macros_dir=Path(macros_dir) if macros_dir else vba.MACROS_DIR,
                   progress=lambda text: click.echo(text, err=True))
    click.echo(f"加载项: {result.addin}")
    click.echo(f"HR 工作簿: {result.workbook}")
    click.echo(f"VBA 模块 ({', '.join(m.name for m in result.modules)}) 的源码在 {Path(out_dir) / 'vba'}")


@addin_group.command("install")
@click.option("--file", "source", default=None, type=click.Path(exists=True, dir_okay=False),
              help="要安装的加载项 (默认随包发布的 xl_kpi.xlam).")
@click.option("--dir", "target_dir", default=None, type=click.Path(file_okay=False),
              help="复制到此文件夹 (默认 Excel 的 XLSTART 启动文件夹).")
def addin_install(source: str | None, target_dir: str | None) -> None:
    """安装加载项: 复制到 Excel 的启动文件夹, 并记下本 Python 供 Excel 调用 (同 xlwings addin install)."""
    from xl_kpi.addin.build import install

    target, config = install(Path(source) if source else None, target_dir=target_dir)
    click.echo(f"已安装 {target}")
    click.echo(f"配置 {config}: Excel 将用 {config.read_text(encoding='utf-8').splitlines()[0]}")
    click.echo("请重新启动 Excel; 功能区出现「KPI考核」选项卡, 单元格中可用 =KPI_*() 函数.")


@addin_group.command("run")
@click.argument("action", type=click.Choice([*LABELS, *LABELS.values()]))
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False))
def addin_run(action: str, workbook: str) -> None:
    """不开 Excel, 对 HR 工作簿 (含「设置」工作表) 运行一个功能区按钮, 结果写回该工作簿.

    用于 macOS、WPS 或计划任务. 关闭 Excel 中的该工作簿后再运行.
    退出码与对应的命令相同: 列出问题时为 1 (提示不算问题), 按钮未能完成时为 2.
    """
    from xl_kpi import ribbon

    names = {label: name for name, label in LABELS.items()}
    outcome = ribbon.run_button(names.get(action, action), ribbon.FileBook(workbook))
    for finding in [*outcome.problems, *outcome.notices]:  # said as the commands say them
        # a button that could not run: `错误: …`, as a command says it
        click.echo(f"错误: {finding.message}" if outcome.stopped else finding.line(), err=True)
    click.echo(outcome.message)
    sys.exit(outcome.exit_code)


# --------------------------------------------------------------------------- demo


@main.command("demo")
@click.option("-o", "--output", "--out", "out_dir", default="demo-output", show_default=True, type=click.Path(file_okay=False))
def demo_cmd(out_dir: str) -> None:
    """用内置示例数据跑完一个月: 花名册 → 考核表 → 主管填写 → 部门汇总."""
    from xl_kpi.workflow.demo import run_demo

    run = run_demo(out_dir)
    people = len(run.result.people)
    scored = sum(1 for p in run.result.people if p.score.total is not None)
    click.echo(f"1. 花名册: {run.roster} ({people} 人)")
    click.echo(f"2. 生成考核表 (客观数据已从 {run.data.name} 预填): {len(run.sheets.files)} 个部门工作簿, 在 {run.sheets.files[0].parent}")
    click.echo("3. 主管按等级打分 (技能应用能力、内部协作配合度、信息共享及时性) 已填入各人的工作表")
    click.echo(f"4. 汇总: {run.summary} ({scored} 人得出总分)")
    for issue in run.result.issues:
        click.echo(f"   问题 {issue.file} 工作表「{issue.sheet}」{issue.cell}: {issue.message}")
    if run.result.issues:
        click.echo("   (示例中 K1010 的技能应用能力故意填成文字「很好」, 演示问题如何报告; 其余各人照常计分.)")


help_in_chinese(main)


if __name__ == "__main__":  # pragma: no cover
    main()
