"""The `xl-kpi` command: a thin edge over the library.

It parses options, calls library functions, prints results and turns KpiError
into a clean `Error: …` with exit status 2.  No scoring logic lives here.
"""

from __future__ import annotations

import json
import shutil
import sys
from importlib import resources
from pathlib import Path

import click

from .errors import KpiError

LANG = click.Choice(["zh-Hans", "zh-Hant"])


class KpiUsageError(click.ClickException):
    """A KpiError at the edge: printed as `Error: …`, exit status 2."""

    exit_code = 2


def _console():
    from rich.console import Console

    # wide enough for Chinese rule texts when output is piped (rich assumes 80 columns)
    return Console(width=None if sys.stdout.isatty() else 160, soft_wrap=False)


class KpiGroup(click.Group):
    """Turns our own errors into click errors (exit 2) at the edge, nowhere else."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpiError as exc:
            raise KpiUsageError(str(exc)) from None


@click.group(cls=KpiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xl-kpi")
def main() -> None:
    """xl-kpi: 客服人员 KPI 考核 (scoring customer-service staff in Excel)."""


# --------------------------------------------------------------------------- schemes


@main.command("schemes")
def schemes_cmd() -> None:
    """列出内置考核方案 (List the built-in schemes)."""
    from rich.table import Table

    from .scheme import builtin_ids, builtin_scheme

    table = Table("id", "方案", "指标数", "满分", "来源文件")
    for sid in builtin_ids():
        s = builtin_scheme(sid)
        table.add_row(s.id, s.name, str(len(s.indicators)), str(s.total), s.source)
    _console().print(table)


@main.group("scheme", cls=KpiGroup)
def scheme_group() -> None:
    """查看或检查一个方案 (Show or check one scheme)."""


@scheme_group.command("show")
@click.argument("scheme")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出 (Print JSON).")
@click.option("--lang", type=LANG, default="zh-Hans", show_default=True, help="简体或繁體标签.")
def scheme_show(scheme: str, as_json: bool, lang: str) -> None:
    """显示方案的全部指标与规则. SCHEME 是方案 id 或方案文件路径."""
    from .describe import indicator_rows, label, scheme_dict
    from .scheme import get_scheme

    s = get_scheme(scheme)
    if as_json:
        click.echo(json.dumps(scheme_dict(s), ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    console = _console()
    console.print(f"[bold]{label(s, lang)}[/bold] ({s.id}, 满分 {s.total}, 来源 {s.source})")
    rows = indicator_rows(s, lang)
    table = Table(show_lines=True)
    for head in rows[0]:
        table.add_column(head, overflow="fold", max_width=60 if head == "规则" else None)
    for row in rows:
        table.add_row(*row.values())
    console.print(table)
    if s.assessors:
        console.print("评分人: " + ", ".join(f"{a.name} {a.weight * 100:g}%" for a in s.assessors))
    if s.grades:
        grade_table = Table("等级", "分数", "所需培训程度", "职位晋升", "岗位级别", "岗位工资")
        for g in s.grades.rows:
            grade_table.add_row(
                g.grade, f"≥{g.at_least}" if g.at_least is not None else "其余", g.training, g.promotion,
                g.level, "" if g.post_wage is None else str(g.post_wage),
            )
        console.print(grade_table)
    if s.commission:
        console.print("销售提成: " + s.commission.describe())
    if s.bonus:
        console.print("绩效奖金 = 绩效奖金基数 × 总分%")
    if s.pay_threshold is not None:
        console.print(f"综合考核低于 {s.pay_threshold * 100:g}% 不参与绩效考核")
    if s.rating:
        console.print("服务顾问评定 (按三项中最低分): " + ", ".join(
            f"{n} ≥{b}" if b is not None else f"{n} 其余" for n, b in s.rating.levels))


@scheme_group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def scheme_check(path: str) -> None:
    """检查改过的方案文件是否有效 (Validate an edited scheme file)."""
    from .scheme import load_scheme

    s = load_scheme(path)
    click.echo(f"方案 {s.id} 有效: {len(s.indicators)} 项指标, 满分 {s.total}")


# --------------------------------------------------------------------------- score


@main.command("score")
@click.option("--scheme", "scheme_ref", required=True, help="方案 id (cs-quant / cs-table / advisor-4s) 或方案文件.")
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="结果文件 (.xlsx 或 .csv).")
@click.option("--sheet", default=None, help="读取的工作表名称 (默认第一张).")
def score_cmd(scheme_ref: str, input_path: str, output: str, sheet: str | None) -> None:
    """按方案为 INPUT 中每一行打分, 写入 OUTPUT.

    INPUT 有表头行: 工号 (必需)、姓名、部门, 以及每项指标一列 (表头写指标 id 或文件中的名称).
    任何一行有问题时退出码为 1, 其余行照常打分.
    """
    code = run_score(scheme_ref, input_path, output, sheet)
    sys.exit(code)


def run_score(scheme_ref: str, input_path: str, output: str, sheet: str | None = None, *, quiet: bool = False) -> int:
    from .batch import score_table
    from .report import print_report, write_report
    from .scheme import get_scheme
    from .tables import read_table

    scheme = get_scheme(scheme_ref)
    table = read_table(input_path, sheet)
    report = score_table(scheme, table)
    write_report(report, output)
    if not quiet:
        print_report(report, output)
    return 1 if report.problem_rows else 0


# --------------------------------------------------------------------------- demo


@main.command("demo")
@click.option("--out", "out_dir", default="demo-output", show_default=True, type=click.Path(file_okay=False))
def demo_cmd(out_dir: str) -> None:
    """用内置示例数据跑一遍: 为一个示例客服部门打分 (Score the embedded sample department)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sample = resources.files("xl_kpi") / "samples" / "cs-quant-department.csv"
    copy = out / "示例-客服一部-考核数据.csv"
    with resources.as_file(sample) as src:
        shutil.copyfile(src, copy)
    click.echo(f"示例数据: {copy}")
    result = out / "示例-客服一部-评分结果.xlsx"
    code = run_score("cs-quant", str(copy), str(result))
    click.echo("示例中 K1007 的满意度故意填成文字, 演示问题如何报告; 其余各行照常打分." if code else "")


if __name__ == "__main__":  # pragma: no cover
    main()
