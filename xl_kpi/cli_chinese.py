"""The command line in Chinese: click's own words, its usage errors and value names (文本, 文件 …), and the group that
turns our errors into one line and exit status 2 at the edge, never a traceback."""

from __future__ import annotations

import sys

import click

from xl_kpi.base.errors import KpiError, internal_error_message, os_error_message

# click's own words in --help, in Chinese like the rest of the help (click looks them up through gettext's
# ``_`` in these modules at the time it prints, and in ``decorators`` when an option is declared)
_CLICK_WORDS = {
    "Usage:": "用法:", "Options": "选项", "Commands": "命令", "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出.", "Show the version and exit.": "显示版本号并退出.",
    "required": "必填", "default: {default}": "默认: {default}", "Aborted!": "已中止.",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s", "Missing command.": "缺少命令.",
}


def _click_in_chinese(text: str) -> str:
    return _CLICK_WORDS.get(text, text)


for _module in (click.core, click.formatting, click.decorators):
    _module._ = _click_in_chinese  # type: ignore[attr-defined]



class KpiUsageError(click.ClickException):
    """A KpiError at the edge: printed as `错误: …`, exit status 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"错误: {self.format_message()}", file=file, err=True)


class CommandLineError(click.UsageError):
    """A mistake on the command line (a missing option, a wrong value), told in Chinese with the usage line."""

    def show(self, file=None) -> None:
        if self.ctx is not None:
            usage = self.ctx.get_usage()
            click.echo(("用法:" + usage[len("Usage:"):]) if usage.startswith("Usage:") else usage, file=file, err=True)
            click.echo(f"查看帮助: {self.ctx.command_path} -h\n", file=file, err=True)
        click.echo(f"错误: {self.format_message()}", file=file, err=True)


# click's own value messages (click.types), in Chinese; anything else is shown as click words it
_VALUE_MESSAGES = [
    (r"^'(?P<v>.*)' is not one of (?P<c>.*)\.$", "「{v}」不是可选的值, 可选: {c}"),
    (r"^'(?P<v>.*)' is not (?P<c>'.*')\.$", "「{v}」不是可选的值, 可选: {c}"),
    (r"^'(?P<v>.*)' is not a valid integer\.$", "「{v}」不是整数"),
    (r"^'(?P<v>.*)' is not a valid float\.$", "「{v}」不是数字"),
    (r"^(?P<v>.*) is not in the range (?P<c>.*)\.$", "{v} 不在允许的范围 {c} 内"),
    (r"^File '(?P<v>.*)' does not exist\.$", "找不到文件「{v}」"),
    (r"^Path '(?P<v>.*)' does not exist\.$", "找不到文件或文件夹「{v}」"),
    (r"^Directory '(?P<v>.*)' does not exist\.$", "找不到文件夹「{v}」"),
    (r"^(?:File|Path) '(?P<v>.*)' is a directory\.$", "「{v}」是文件夹, 应为文件"),
    (r"^Directory '(?P<v>.*)' is a file\.$", "「{v}」是文件, 应为文件夹"),
    (r"^(?:File|Directory|Path) '(?P<v>.*)' is not readable\.$", "「{v}」无法读取 (没有权限)"),
    (r"^Option '(?P<v>.*)' requires an argument\.$", "选项 {v} 后面要写一个值"),
    (r"^Option '(?P<v>.*)' requires (?P<c>\d+) arguments\.$", "选项 {v} 后面要写 {c} 个值"),
    (r"^Got unexpected extra arguments? \((?P<v>.*)\)$", "多了参数: {v} (文件名中有空格时请加引号)"),
    (r"^Missing argument '(?P<v>.*)'\.?$", "缺少参数 {v}"),
]


def _value_message(message: str) -> str:
    import re

    for pattern, chinese in _VALUE_MESSAGES:
        m = re.match(pattern, message)
        if m:
            return chinese.format(**m.groupdict())
    return message


def _hint(exc: click.UsageError) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx is not None else param.name
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return (hint or "").replace("'", "")


def in_chinese(exc: click.UsageError) -> click.UsageError:
    """The same mistake, told in Chinese (the exit status stays click's 2); help asked for by giving no
    arguments (click's NoArgsIsHelpError) is left as it is."""
    if isinstance(exc, CommandLineError) or type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    if isinstance(exc, click.MissingParameter):
        kind = "参数" if isinstance(exc.param, click.Argument) else "选项"
        message = f"缺少{kind} {_hint(exc)}"
    elif isinstance(exc, (click.NoSuchOption, getattr(click.exceptions, "NoSuchCommand", ()))):
        name = getattr(exc, "option_name", None) or getattr(exc, "command_name", "")
        kind = "选项" if isinstance(exc, click.NoSuchOption) else "命令"
        maybe = sorted(exc.possibilities or ())
        message = f"没有{kind} {name}" + (f", 是不是要用 {' / '.join(maybe)}?" if maybe else "")
    elif isinstance(exc, click.BadParameter):
        message, hint = _value_message(exc.message), _hint(exc)
        if hint and not message.startswith("找不到"):  # a missing file needs no option name
            message = f"{hint} 的值不对: {message}"
    else:
        message = _value_message(exc.message)
    return CommandLineError(message, exc.ctx)


def _quiet_leftovers() -> None:
    """Collect the objects a failed write left (openpyxl's unclosed ZipFile), whose own clean-up fails the same way
    and would otherwise print 'Exception ignored in …' after our message."""
    import gc

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


class KpiGroup(click.Group):
    """Turns our own errors into click errors (exit 2) at the edge, nowhere else."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KpiError as exc:
            raise KpiUsageError(str(exc)) from None
        except click.UsageError as exc:
            raise in_chinese(exc) from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, KeyboardInterrupt, SystemExit):
            raise
        except OSError as exc:  # a full disk, a file gone or locked underneath us: said, never a traceback
            _quiet_leftovers()  # a half-written zip closing itself on a full disk would print its own traceback
            raise KpiUsageError(os_error_message(exc)) from None
        except Exception as exc:  # noqa: BLE001 - a defect of ours: one line for the user, the details in a file
            raise KpiUsageError(internal_error_message(exc)) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # before any command: xl-kpi --bogus
            raise in_chinese(exc) from None


# --------------------------------------------------------------------------- help in Chinese

# what a value is, in the help's 用法 line and option list: click writes TEXT, FILE, DIRECTORY, INTEGER, [OPTIONS]
_ARGUMENT_NAMES = {"inputs": "文件或文件夹", "tickets": "工单导出", "input_path": "输入文件", "path": "方案文件",
                   "scheme": "方案", "roster": "花名册"}


def _value_word(param: click.Parameter) -> str | None:
    kind = param.type
    if isinstance(kind, click.Path):
        return "文件夹" if not kind.file_okay else "文件" if not kind.dir_okay else "路径"
    if isinstance(kind, click.types.IntParamType):
        return "整数"
    if isinstance(kind, click.types.StringParamType):
        return "文本"
    return None  # a choice shows its values: [year|quarter]


def help_in_chinese(command: click.Command) -> None:
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            help_in_chinese(sub)
    for param in command.params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        word = _ARGUMENT_NAMES.get(param.name or "") if isinstance(param, click.Argument) else None
        word = word or _value_word(param)
        if word is None:
            continue
        if isinstance(param, click.Argument):
            word = word if param.required else f"[{word}]"
            word += "..." if param.nargs != 1 else ""
        param.metavar = word
