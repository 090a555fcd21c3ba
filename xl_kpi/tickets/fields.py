"""The fields of a ticket export: which headers name them, and what words their cells hold.

An export from a customer-service system (.csv or .xlsx) has a row per ticket or conversation.  Its headers
are recognised in 简体, 繁體 and English (工单编号 / 工單編號 / ticket_id, 客服工号 / agent_id, 创建时间 /
建立時間 / created_at …); a small mapping file (``--map``, ``mapping.py``) names any other header and adds words.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- fields

# canonical field -> (label used in messages, recognised headers in order of preference)
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ticket": ("工单编号", (
        "工单编号", "工单号", "工单id", "工单ID", "工单", "会话编号", "会话id", "会话ID", "咨询编号", "记录编号", "服务单号",
        "工單編號", "工單號", "工單ID", "工單", "會話編號", "會話ID", "諮詢編號", "記錄編號", "服務單號",
        "ticket", "ticket_id", "ticket id", "ticket no", "ticket_no", "ticket number", "conversation_id", "conversation id",
        "case_id", "case id", "case number",
    )),
    "agent_id": ("客服工号", (
        "客服工号", "坐席工号", "工号", "员工编号", "客服编号", "客服ID", "坐席ID", "坐席编号", "处理人工号",
        "客服工號", "坐席工號", "工號", "員工編號", "客服編號", "坐席編號", "處理人工號",
        "agent_id", "agent id", "agent no", "staff_id", "staff id", "employee_id", "employee id", "assignee_id", "assignee id",
    )),
    "agent_name": ("客服姓名", (
        "客服姓名", "坐席姓名", "客服", "坐席", "客服人员", "处理人", "受理人", "接待客服", "姓名",
        "客服人員", "處理人", "接待客服", "服務人員",
        "agent", "agent_name", "agent name", "assignee", "assignee name", "staff", "staff name",
    )),
    "customer": ("客户", (
        "客户ID", "客户编号", "客户账号", "客户", "客户名称", "用户ID", "用户", "访客ID", "访客", "会员ID", "会员号",
        "客戶ID", "客戶編號", "客戶帳號", "客戶賬號", "客戶", "客戶名稱", "用戶ID", "用戶", "訪客ID", "訪客", "會員ID", "會員號",
        "customer", "customer_id", "customer id", "requester", "requester_id", "requester id", "user_id", "user id",
        "visitor_id", "visitor id", "client", "client_id", "client id",
    )),
    "created": ("创建时间", (
        "创建时间", "提问时间", "咨询时间", "进线时间", "接入时间", "发起时间", "会话开始时间", "开始时间", "提交时间",
        "建立時間", "創建時間", "提問時間", "諮詢時間", "進線時間", "接入時間", "發起時間", "會話開始時間", "開始時間", "提交時間",
        "created", "created_at", "created at", "create_time", "create time", "creation time", "opened_at", "opened at",
        "start_time", "start time", "requested_at", "requested at",
    )),
    "first_reply": ("首次回复时间", (
        "首次回复时间", "首次响应时间", "首响时间", "客服首次回复时间", "首次回复",
        "首次回覆時間", "首次回復時間", "首次響應時間", "首響時間", "客服首次回覆時間", "首次回覆",
        "first_reply", "first_reply_at", "first reply at", "first reply time", "first_response_at", "first response at",
        "first_response_time", "first response time", "first_replied_at",
    )),
    "resolved": ("是否解决", (
        "是否解决", "已解决", "解决状态", "解决情况", "工单状态", "处理状态", "状态", "处理结果",
        "是否解決", "已解決", "解決狀態", "解決情況", "工單狀態", "處理狀態", "狀態", "處理結果",
        "resolved", "is_resolved", "is resolved", "solved", "resolution", "status", "ticket status",
    )),
    "complaint": ("是否投诉", (
        "是否投诉", "投诉", "投诉标记", "是否为投诉", "客户投诉",
        "是否投訴", "投訴", "投訴標記", "是否為投訴", "客戶投訴",
        "complaint", "is_complaint", "is complaint", "complained",
    )),
    "satisfaction": ("满意度评分", (
        "满意度评分", "满意度", "满意度得分", "客户满意度", "满意评分", "客户评分", "评价分数", "评分",
        "滿意度評分", "滿意度", "滿意度得分", "客戶滿意度", "滿意評分", "客戶評分", "評價分數", "評分",
        "satisfaction", "satisfaction score", "satisfaction_score", "csat", "csat score", "rating",
    )),
    "attitude": ("服务态度评分", (
        "服务态度评分", "服务态度", "态度评分",
        "服務態度評分", "服務態度", "態度評分",
        "attitude", "attitude score", "attitude_score",
    )),
}
HEADER_SEARCH_ROWS = 20  # a header may stand below a title, an export time …: looked for in this many non-empty rows
REQUIRED = ("customer", "created")  # and one of agent_id / agent_name
# Fields with few distinct texts (agents, flags): read as categories, so the reader builds one small
# dictionary instead of millions of strings, and words are looked up once per distinct text.
CATEGORY_FIELDS = ("agent_id", "agent_name", "resolved", "complaint")

TRUE_WORDS = {
    "resolved": (
        "是", "1", "y", "yes", "true", "t", "已解决", "解决", "已解決", "解決", "已处理", "已處理", "已完成", "完成", "已关闭",
        "已關閉", "关闭", "關閉", "结案", "已结案", "結案", "已結案", "resolved", "solved", "closed", "done", "completed",
    ),
    "complaint": ("是", "1", "y", "yes", "true", "t", "投诉", "投訴", "有", "已投诉", "已投訴", "complaint", "complained"),
}
FALSE_WORDS = {
    "resolved": (
        "否", "0", "n", "no", "false", "f", "未解决", "未解決", "未处理", "未處理", "处理中", "處理中", "待处理", "待處理",
        "进行中", "進行中", "挂起", "掛起", "未完成", "新建", "待回复", "待回覆", "open", "pending", "new", "on-hold", "hold",
        "unresolved", "unsolved",
    ),
    "complaint": ("否", "0", "n", "no", "false", "f", "无", "無", "没有", "沒有", "未投诉", "未投訴", "none"),
}
# A score cell holding one of these (case ignored, spaces trimmed) means "not rated": an empty score.
UNRATED_WORDS = (
    "未评价", "未评", "未评分", "无评价", "暂无评价", "暂无", "无", "没有", "未評價", "未評", "未評分", "無評價", "暫無評價",
    "暫無", "無", "沒有", "-", "--", "—", "——", "－", "n/a", "na", "none", "null",
)
# A first-reply cell holding one of these (case ignored, spaces trimmed) means "never answered": an empty
# reply time (the ticket still counts as raised), not an unreadable one.  0000-00-00 is how some
# databases write a missing time.
NO_REPLY_WORDS = (
    "未回复", "未回覆", "无回复", "無回覆", "没有回复", "沒有回覆", "未响应", "未響應", "无", "無", "暂无", "暫無",
    "-", "--", "—", "——", "－", "n/a", "na", "none", "null", "0000-00-00 00:00:00", "0000-00-00 00:00", "0000-00-00",
)

ID_FIELDS = ("ticket", "agent_id", "customer")  # read as the text a cell shows (a number formatted 000: 002)


def header_key(text: str) -> str:
    """Key for matching headers: no spaces, _ - . or colons, half-width brackets, lower case."""
    text = str(text).replace("\ufeff", "").strip().replace("（", "(").replace("）", ")")
    return re.sub(r"[\s_\-.:：]+", "", text).lower()


ALIASES: dict[str, tuple[str, int]] = {}
for _field, (_label, _names) in FIELDS.items():
    for _rank, _name in enumerate(_names):
        ALIASES.setdefault(header_key(_name), (_field, _rank))

