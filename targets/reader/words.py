"""The reader's vocabulary: the words and word patterns it recognises, by what they signal.

Patterns for the shape of numbers, dates, numbering markers and sentences live with the module
that reads them; the words they are made of live here.
"""

from __future__ import annotations

import re

# ==================================================================================== documents

# The kinds of document a title ends with, and the endings of an issuing body's name.
DOC_KIND = r"(?:通知|意见|方案|计划|规划|纲要|要点|细则|办法|决定|通报|批复|报告|规定)"
DOC_KIND_END = re.compile(DOC_KIND + r"(?:[（(][^（）()]{4,20}[）)])?$")

ORG_END = re.compile(
    r"(?:人民政府|政府|办公厅|办公室|委员会|管委会|领导小组|局|厅|委|办|部|中心|公司|协会)$"
)


# ==================================================================================== units

# Units written after a figure (longest first when matched).
UNITS = tuple(
    "个百分点 百分点 人次 家次 项次 批次 平方公里 平方米 公里 千米 公顷 千瓦 个工作日 "
    "工作日 小时 分钟 元 人 项 家 个 件 名 次 所 座 处 条 户 套 台 种 类 支 份 场 天 分 倍 "
    "位 枚 部 本 篇 张 只 吨 亩 辆 株 册 款 宗 起 例 栋 期".split()
)
# A one-character unit followed by one of these characters is a word, not a unit (二分局, 3项目).
UNIT_WORD = dict(
    entry.split(":")
    for entry in (
        "分:局会类析工别期批钟值数子站 家:庭族乡属 人:员民口才士力大事 次:要性 "
        "个:体人性别案月 名:牌称单录额义 种:植养子类苗 类:别型 支:持出付队撑 "
        "处:理置罚于 部:门署分委 台:账风 场:所景地 条:例件款 所:属有在以谓 "
        "位:于置 件:事 本:地市区省级 项:目 元:素 起:来 例:如 期:间末限货 "
        "天:津然气 只:有是要 套:餐 款:项 宗:旨教"
    ).split()
)


# ==================================================================================== comparators

# A comparator word right before a figure, tried in this order (the first that ends the text
# before the figure wins); None: 为, which names no comparator.
PRE_WORDS = (
    ("达到或超过", ">="),
    ("达到或高于", ">="),
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("稳定在", ">="),
    ("保持在", ">="),
    ("维持在", ">="),
    ("提高到", ">="),
    ("提高至", ">="),
    ("提升到", ">="),
    ("提升至", ">="),
    ("增加到", ">="),
    ("增加至", ">="),
    ("增长到", ">="),
    ("增长至", ">="),
    ("上升到", ">="),
    ("上升至", ">="),
    ("增至", ">="),
    ("达到", ">="),
    ("实现", ">="),
    ("保持", ">="),
    ("稳定", ">="),
    ("达", ">="),
    ("不超过", "<="),
    ("不高于", "<="),
    ("不大于", "<="),
    ("不多于", "<="),
    ("控制在", "<="),
    ("降低到", "<="),
    ("降低至", "<="),
    ("下降到", "<="),
    ("下降至", "<="),
    ("减少到", "<="),
    ("减少至", "<="),
    ("压缩到", "<="),
    ("压缩至", "<="),
    ("降到", "<="),
    ("降至", "<="),
    ("最多", "<="),
    ("高于", ">"),
    ("超过", ">"),
    ("多于", ">"),
    ("大于", ">"),
    ("优于", ">"),
    ("突破", ">"),
    ("低于", "<"),
    ("少于", "<"),
    ("小于", "<"),
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
    ("为", None),
)
NOT_DA = tuple("下到抵传表送通发直转")  # 下达, 到达 …: not the comparator 达
CHANGE_WORDS = tuple("下降 降低 减少 缩短 压缩 提高 提升 增长 增加 上升 扩大".split())
# A comparator word right after a figure and its unit; it wins over the one before.
POST = re.compile(r"及以上|或以上|以上|以下|以内|之内|左右|内(?=[办完，,；;。]|$)")
POST_CMP = {
    "及以上": ">=",
    "或以上": ">=",
    "以上": ">=",
    "以下": "<=",
    "以内": "<=",
    "之内": "<=",
    "左右": None,
    "内": "<=",
}
# A comparison with a reference level instead of a figure: 高于全省平均水平, 低于上年.
REL = re.compile(
    r"(?P<cmp>达到或超过|达到或高于|不低于|不高于|不超过|高于|超过|优于|好于|低于)"
    r"(?P<ref>(?:全国|全省|全市|全区|全县|全州|本省|本市|本区|本县|同行业|全行业|同类|上年|上一年度?"
    r"|去年|同期|前[一二三两]年)[^，,；;。\d]{0,15}?)(?=$|[，,；;。])"
)
REL_CMP = {
    "达到或超过": ">=",
    "达到或高于": ">=",
    "不低于": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "高于": ">",
    "超过": ">",
    "优于": ">",
    "好于": ">",
    "低于": "<",
}


# ==================================================================================== indicators

# Words that trim, join and classify indicator names.
RATE_HEAD = re.compile(
    r"(?:监督抽查|抽检|抽查|抽验|检验|检测|监测|质量)?[\u4e00-\u9fff]{0,3}?(?:率|满意度|指数)$"
)
RATE_END = re.compile(r"(?:率|度|指数|比重|占比|比例)$")
LEAD_STRIP = re.compile(
    r"(?:[，,；;：:、。—\-─•●·■◆★]"
    r"|(?:力争|争取)?(?:到|至|在)?(?:19|20)\d{2}年(?:底|末)?(?:以前|之前|前)?"
    r"|(?:到|至)?[\"“]?十[一二三四五六七八九]?五[\"”]?(?:规划)?(?:期末|末期|末|期间)"
    r"|力争|争取|努力|确保|力求|实现|推动|促进|其中|同时|此外|另外|进一步|届时|积极|大力|着力|全年"
    r"|年内|在此基础上|要(?![素求点闻])|对(?![外象话接口])|使(?!用)|并(?![网购联])|将(?![军来]))"
)
TRAIL_STRIP = re.compile(
    r"(?:[，,；;：:、。！？!?]|均|都|各|分别|总体上?|整体|全部|稳定|保持|继续|持续|逐步|进一步|累计|的|将"
    r"|要|能|可|实现|达|力争|确保|争取|(?:保持|位居|进入|居于?)(?:全国|全省|全市|全区|全县)?)$"
)
OUTCOME_VERB = re.compile(
    r"^(?:新增|新培育|培育|新创建|创建|争创|新建|建成|引进|新认定|认定|新获|获评|主导或参与制修订"
    r"|主导和参与制修订|参与制修订|制修订|主导制定|参与制定|打造|培养)"
)
VP_START = re.compile(
    r"^(?:采用|通过|取得|获得|承担|参与|参加|按|开展|建立|实施|导入|实现|完成|达到|进入|入选|列入"
    r"|成为|拥有|具备|应用|使用|执行)"
)
VERB_END = re.compile(
    r"(?:组织|培育|新增|新建|建设|建成|引进|推广|制定|建立|开展|创建|打造|培养|举办|实施|完成|争创"
    r"|认定|扶持|帮扶|安排|投入|开展)$"
)
COUNTED_NOUN = re.compile(
    r"^(?:家|个|名|所)?(?P<noun>企业|单位|乡镇|街道|社区|学校|医院|机构|行业|人员|集团|园区|基地)"
    r"(?P<rest>.{2,})$"
)
HOLDER_VERB = re.compile(r"^(?:获得|取得|通过|拥有)")
MEANS_END = re.compile(
    r"(?:工程|行动|计划|活动|战略|制度|机制|办法|措施|规划|体系|工作法|会议|课题)$"
)


# ==================================================================================== goal signals

# Words that make a figure a goal, or a report of the past, in a sentence, clause or heading.
GOAL_SIGNAL = re.compile(
    r"(?<!截)(?:到|至)(?:19|20)\d{2}年|(?:19|20)\d{2}年(?:底|末)?(?:以前|之前|前)"
    r"|十[一二三四五六七八九]?五[\"”]?(?:规划)?(?:期末|末期|末)"
    r"|力争|争取|确保|目标|届时"
)
CLAUSE_SIGNAL = re.compile(r"每年|年均|累计|新增|新培育|新建|年内|全年|当年")
GOAL_HEADING = re.compile(r"目标|指标")
MEASURES_HEADING = re.compile(r"保障|组织实施|工作要求|组织领导|工作措施")
INCENTIVE_BEFORE = re.compile(r"(?:奖励|补助|资助|补贴|奖补|给予|罚款|处以)$")
ASPIRE = re.compile(r"力争|争取|力求|争创|努力")
FIRM = re.compile(r"^确保")
RETRO = re.compile(
    r"截至|截止|目前|现有|已有|已经|已累计|已达|以来|近年来|近几年|过去|先后"
    r"|(?:达到|提高|提升|增长|实现|取得|获得|培育|新增|突破)了"
)
FORWARD = re.compile(r"力争|争取|确保|目标")
REVIEW_HEADING = re.compile(r"回顾|现状|成效|成绩|形势|发展基础|基本情况|背景")
BASELINE_BEFORE = re.compile(r"(?:由|从)(?:(?:19|20)\d{2}年(?:底|末)?)?的?$")


# ==================================================================================== lists

# Words that join items of a list.
LIST_START = re.compile(r"^(?:、|以及|及|和|与|或)")
DISTRIBUTE = re.compile(r"均|都|各自|各|分别")
SPLIT = re.compile(r"、|以及|(?<![普涉危波顾触])及(?![时格])|和|与|或")


# ==================================================================================== departments

# Assignments of work to departments: role verbs, labels, what a unit's name looks like.
LEAD_ROLES = tuple(
    "共同牵头负责 牵头负责 共同牵头 牵头 具体负责组织实施 负责组织实施 具体负责 负责落实 "
    "负责实施 主抓 负责".split()
)
COOP_ROLES = tuple(
    "按照职责分工负责 按职责分工负责 按职责分工落实 按职能分工负责 按职责负责 分工负责 "
    "各负其责 共同负责 配合实施 配合 协助 协办 参加 参与 协同".split()
)
ROLES = sorted(LEAD_ROLES + COOP_ROLES, key=len, reverse=True)
LABEL = re.compile(
    r"(?P<label>牵头单位|牵头部门|主办单位|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位)[:：]"
)
DEPT_LIKE = re.compile(
    r"(?:局|厅|委|办|部|会|院|室|处|中心|海关|公司|政府|小组|银行|支行|联|署|社|台|站|所|团|队|科|馆)$"
)
AND_AFTER_UNIT = re.compile(
    r"(?<=局|厅|委|办|部|院|室|处|门|位|府|心|关)(?:以及|和|及|与)(?=[\u4e00-\u9fff]{2})"
)
GENERIC = re.compile(r"有关|相关|其他|其它|各部门|各单位|各级|^成员单位$|各成员单位")
VERTICAL = re.compile(
    r"海关|检验检疫|海事局|通信管理局|银监|证监|保监|人民银行|人行|支行|邮政管理局|铁路局|民航|电网"
    r"|电力公司|武警"
)
