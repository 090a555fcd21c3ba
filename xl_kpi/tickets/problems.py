"""The rows reported: 文件, 行, 问题, 说明, the kind being the first check a row fails (else it is a copy)."""

from __future__ import annotations

from typing import Any

from .checks import KINDS, MAX_REPLY_DAYS, checks
from .read import Source


def problem_frame(reported: Any, agent_problems: dict[str, str], duplicates: Any, sources: list[Source],
                  scale: int | None) -> Any:
    """The reported rows as 文件, 行, 问题, 说明; a row's kind is the first check it fails (else it is a copy).
    ``agent_problems``: agent text -> message (``agents.find_agents``); ``duplicates``: file, row and message
    of each copy (``duplicates.duplicates``), None when there is none; ``scale``: the satisfaction scale told."""
    import polars as pl

    code = pl.lit(11, pl.UInt8)  # no other problem: a copy of an earlier ticket
    for k, cond in reversed(checks(set(reported.columns), scale)):
        code = pl.when(cond).then(pl.lit(k, pl.UInt8)).otherwise(code)
    reported = reported.with_columns(code.alias("code"))
    names = [s.name for s in sources]
    top = scale or 100
    cols = set(reported.columns)
    stamp = "%Y-%m-%d %H:%M:%S"
    def raw(fld: str) -> Any:  # the text of a value that could not be read
        return pl.col(f"raw_{fld}").cast(pl.String)

    csv_files = [i for i, s in enumerate(sources) if s.path.suffix.lower() == ".csv"]

    def unreadable(what: str, fld: str) -> Any:  # 46300.375 is how Excel stores a date: say so
        serial = raw(fld).str.strip_chars().str.contains(r"^[2-9]\d{4}(\.\d+)?$")
        return pl.format(f"{what}「{{}}」无法识别", raw(fld)) + pl.when(serial & pl.col("file").is_in(csv_files)).then(
            pl.lit(" (像是 Excel 的日期序列号: 请在 Excel 中把该列设为日期时间格式再导出 CSV, 或直接用 .xlsx 文件)")
        ).when(serial).then(pl.lit(  # in an .xlsx a serial number is read as a time: this one is text
            " (像是 Excel 的日期序列号, 但单元格中存的是文字: 请把该单元格改为数字或日期时间)")).otherwise(pl.lit(""))

    message = {
        1: pl.when(pl.col("fail_created")).then(unreadable("创建时间", "created")).otherwise(pl.lit("创建时间为空")),
        2: pl.lit("客服工号和姓名都为空"),
        3: pl.lit("客户为空"),
    }
    if "reply_ms" in cols:
        message[4] = unreadable("首次回复时间", "first_reply")
        message[5] = pl.format("首次回复时间 {} 早于创建时间 {}",
                               pl.from_epoch("reply_ms", time_unit="ms").dt.strftime(stamp),
                               pl.from_epoch("created_ms", time_unit="ms").dt.strftime(stamp))
        message[12] = pl.format("首次回复时间 {} 比创建时间 {} 晚 {} 天以上, 请核对年份",
                                pl.from_epoch("reply_ms", time_unit="ms").dt.strftime(stamp),
                                pl.from_epoch("created_ms", time_unit="ms").dt.strftime(stamp), pl.lit(MAX_REPLY_DAYS))
    agent = pl.col("agent").cast(pl.String).str.strip_chars()
    if "agent_name" in cols:  # a 工号 of spaces only: the 姓名 stands for the agent (as in ``agents.find_agents``)
        agent = pl.when(agent == "").then(pl.col("agent_name").cast(pl.String).str.strip_chars()).otherwise(agent)
    message[6] = agent.replace_strict(list(agent_problems), list(agent_problems.values()), default=None,
                                      return_dtype=pl.String) if agent_problems else pl.format("客服「{}」不在花名册中", agent)
    if "resolved" in cols:
        message[7] = pl.format("解决状态「{}」无法识别 (可在 --map 文件的 values 中说明)",
                               pl.col("resolved_text").cast(pl.String))
    if "complaint" in cols:
        message[8] = pl.format("投诉标记「{}」无法识别 (可在 --map 文件的 values 中说明)",
                               pl.col("complaint_text").cast(pl.String))
    if "satisfaction" in cols:
        message[9] = pl.when(pl.col("fail_satisfaction")).then(
            pl.format("满意度评分「{}」不是数字", raw("satisfaction"))).otherwise(
            pl.format(f"满意度评分 {{}} 超出 0~{top}" + ("" if scale else " (百分制)"), _number_text("satisfaction")))
    if "attitude" in cols:
        message[10] = pl.when(pl.col("fail_attitude")).then(
            pl.format("服务态度评分「{}」不是数字", raw("attitude"))).otherwise(
            pl.format("服务态度评分 {} 超出 0~5", _number_text("attitude")))
    if duplicates is not None:
        reported = reported.join(duplicates, on=["file", "row"], how="left", maintain_order="left")
        message[11] = pl.col("dup_message")
    text = pl.lit(None, pl.String)
    for k, expr in message.items():
        text = pl.when(pl.col("code") == k).then(expr).otherwise(text)
    return reported.select(
        pl.col("file").replace_strict(list(range(len(names))), names, return_dtype=pl.String).alias("文件"),
        pl.col("row").alias("行"),
        pl.col("code").replace_strict(list(KINDS), list(KINDS.values()), return_dtype=pl.String).alias("问题"),
        text.alias("说明"),
    )


def _number_text(column: str) -> Any:
    """7.0 as "7", 7.5 as "7.5" (for messages)."""
    import polars as pl

    value = pl.col(column)  # a huge value (1e20) stays as it is: not cast to an integer it does not fit
    whole = value.cast(pl.Int64, strict=False).cast(pl.String)
    return pl.when((value == value.round(0)) & (value.abs() < 1e15)).then(whole).otherwise(value.cast(pl.String))
