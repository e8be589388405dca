"""Read a Chinese quality-policy text (意见、方案、行动计划): metadata, targets and tasks.

No ORM, no network, no settings (the only Django it touches is targets.status's lazy
translation import, for the comparator symbols). ``read_policy(text, departments)``
returns a ``Reading``; ``format_table(reading)`` renders one as plain text.

Modules, each importing only those above it: ``words`` (the vocabulary), ``results`` (the
public types), ``numerals``, ``text`` (lines, paragraphs, sentences), ``horizons``, ``metadata``,
``quantities`` (figures in a clause), ``indicators`` (their names), ``targets``, ``tasks``,
``table`` (``format_table``) and ``pipeline`` (``read_policy``).

Metadata
--------
- title: a notice "X关于印发/转发/批转Y的通知" is read as the document Y it circulates
  (the standalone line that Y ends with, plus a "（2011-2015年）" line under it; else Y
  without a drafter clause such as "区质监局拟定的"). Otherwise the "…关于…的意见"
  heading, else the first short line ending in a document kind. Spaces are dropped.
- doc_number: a 文号 (榕晋政〔2012〕5号; also [] 【】 brackets) alone on a line, or after
  "文号：" in a header line. A 文号 cited in the text, as in 《…》（国办发〔2014〕18号）,
  is never the document's own.
- issuer, issue_date: the signature of the document itself (a line naming a body right
  above a standalone date) after its title; else the signature of the notice that
  circulates it; else the body before 关于 and the first standalone date, a "…印发" date
  or "发布日期"; for an unsigned forwarding notice, the body of "经X同意" with the region
  of the title (区人民政府 -> 宝坻区人民政府). Chinese dates with ○ or 〇 zeros are read
  (二○一○年九月七日 -> 2010-09-07). Hence 宝坻 2010, a 转发 notice of the plan that
  区质监局 drafted and signed, gives the plan's signature 宝坻区质量技术监督局 and
  2010-08-25 (the repository's fixtures agree), while 福建 2014, whose plan is unsigned,
  gives the notice's 福建省人民政府办公厅 and 2014-06-10.
- horizon_year: a year in the title (2014年行动计划 -> 2014; 2016-2017年 -> 2017); else
  the most frequent horizon phrase of the body (到2015年, 到2015年底, 至2020年,
  2017年底前, "十二五"期末 = 2015, "十三五"末 = 2020), ties to the later year, skipping
  《》 and years before the issue year; else the end of a period such as 2010-2015年.

Quantitative targets
--------------------
The text is read sentence by sentence (。！？) after mapping full-width digits, letters
and ％ to ASCII and dropping whitespace and Markdown marks; offsets are kept, so each
``quote`` is the exact sentence of the input and ``start``/``end`` locate it. Lines that
the source hard-wrapped mid-sentence are joined. Sentences split into clauses at ，；：
(outside parentheses); a clause may hold several figures.

- Figures: 93, 0.5, 1,000, ９３, 二十, 一百二十, 百分之九十五, 千分之五 (‰), 30余家 /
  30多家 (>=), ranges 1-2个 (lower bound, >=), 零的突破 (first ever: >= 1, the unit of
  the nearest count in the sentence, else 个).
- Units as written: % (for % and ％), ‰, 个百分点, 项 家 个 件 人 人次 名 次 批次 分 天
  个工作日 …, and 万/亿 multiples (4亿元, 500万元, 1.5万件). A figure with no unit counts
  only after a comparator word (指数达到85以上 -> unit "").
- Comparators. >=: 以上, 不低于, 不少于, 至少, 达到, 达, 稳定在, 保持在, 提高到, ≥.
  >: 高于, 超过, 优于, 突破. <: 低于, 少于. <=: 以下, 以内, 不超过, 不高于, 控制在,
  降到, ≤, "5个工作日内", ranks "全省前5位". A word after the figure wins over the
  one before it (超过50家以上 -> >=). No word: >= (a level to reach). 100% with >= or
  no word is all-or-nothing: "=".
- Changes (下降 降低 减少 提高 增长 提升 … right before the figure, without 到/至): the
  change is the target, comparator >=, the verb and any baseline stay in the indicator:
  "万元GDP能耗比2015年下降15%" -> 万元GDP能耗比2015年下降 >= 15 %. In "由90%提高到95%"
  only 95 is a target (>=); the starting value is skipped.
- Relative: 高于 超过 优于 不低于 低于 达到或超过 + a reference with 平均 (全省平均水平)
  or starting 上年 / 去年 / 同期: value None, ``reference`` as written, unit "%" for a
  …率 and "" otherwise. "保持/达到全省先进水平" is qualitative: no target.
- Indicator: the clause before the comparator, without horizon phrase, lead-in words
  (力争 争取 确保 实现 推动 其中 同时 …) and trailing words (均 分别 稳定 的 …). When the
  figure comes first, noun and verb phrase are joined: "推动2个以上企业承担…工作" ->
  承担…工作的企业; "主要工业产品5个以上采用国际标准…" -> 采用国际标准…的主要工业产品;
  "培育5家质量奖企业" -> 培育质量奖企业; "获得驰名商标达30家" -> 获得驰名商标的企业. A
  verb is carried through a 、 list ("新增驰名商标3件、著名商标二十件" -> 新增著名商标).
  Figures that describe the subject ("产值超过100亿元的企业10家") stay in its name.
- One value, several indicators: "A、B高于全省平均水平", "A和B均达到95%以上" give a
  target each when every item is a rate (…率 / 度 / 指数 / 比重) or 均 / 都 / 各 / 分别
  says so; then a rate head written once is shared ("食品和农产品抽检合格率均…" ->
  食品抽检合格率, 农产品抽检合格率). A list of counts with one figure ("国际标准、国家
  标准、行业标准、地方标准20项") is one combined count. "A、B、C分别达到90%、95%和98%"
  pairs items and values.
- 其中: "其中食品监督抽查合格率稳定在96%以上" is its own target, named from its clause.
- Aspirational: 力争 / 争取 / 力求 / 争创 / 努力 governs from its clause to the next ； or
  。 (the rule of the repository's fixtures: "力争…采标率达80%以上，推动2个以上企业…；"
  are both aspirational); a clause that opens with 确保 ends it.
- Horizon of a target: the horizon phrase of its sentence (the last before the figure,
  else the first after it), else the last one earlier in its top-level section, else
  the document's.
- A figure with no comparator word needs a goal context: a horizon phrase, 力争 / 争取 /
  确保 / 目标 / 届时 in the sentence, 每年 / 年均 / 累计 / 新增 / 新培育 / 新建 / 年内 /
  全年 in the clause, or a heading above naming 目标 / 指标; a …率 in % qualifies. Under a
  保障措施 / 组织实施 / 工作要求 / 工作措施 heading a sentence needs a horizon phrase.
- Not targets: figures inside 《》 or quotation marks (“十二五”, “三包”); 第N次, 第四届;
  years, dates, 文号; hotlines (12315: no unit); names with Latin letters (ISO9000, 3C);
  bare Chinese 一 / 百 / 千 idioms (一批, 百项能效标准推进工程) unless a comparator word
  stands by; a bare count of means rather than outcomes (3项管理制度, 工程, 行动, 计划,
  机制, 会议); incentives (奖励100万元, 补助, 给予); 6个月 / 3年 (durations); sections
  headed 回顾 / 现状 / 成效 / 形势; and retrospective sentences (截至, 目前, 已经, 以来,
  达到了 …, a horizon before the issue year, an opening year before it), unless they
  also hold a horizon ahead or 力争 / 确保 / 目标.

Tasks and departments
---------------------
- A task is a paragraph (numbered （一） (一) 1、 1． （1）, or not) with an assignment in
  full- or half-width parentheses: "X牵头，Y、Z按职责分工负责", "X负责，Y配合", "A、B、C按
  职责分工负责" (no lead: all cooperating), "X牵头，Y等有关部门参加", "X具体负责组织实
  施，…", "X会同Y负责", "X牵头，Y负责" (Y cooperating), "牵头单位：X；配合单位：Y"
  ("责任单位" alone: all cooperating). Several assignments in one paragraph make several
  tasks; a label line "牵头单位：…" under a numbered paragraph is its assignment.
- Numbered paragraphs without one are read for "由X会同Y、Z", "由X牵头，Y配合", "X负责，
  Y配合" and a sentence "A、B按职责分工负责". "由X会同区直各有关部门" gives lead X and no
  cooperating unit (generic units are dropped), as the fixtures have it for 晋安 四（四）.
- ``number`` is the marker as written; ``title`` the heading sentence after it (up to the
  first 。, at most 40 characters, numbered paragraphs only); ``text`` the rest without
  the assignment: an exact substring of the input when the assignment ends the paragraph.
- Lists split at 、 (and at 和 / 及 after a unit's name); 等 is cut, generic units
  (各有关部门, 区直各部门, 相关单位) are dropped. The prefix of the first unit (省 市
  区 县, or a place such as 福州市) carries to later bare names (省教育厅、公安厅 ->
  省公安厅), except units that already name a place or level (团省委, 国家…, 各街道)
  and vertically managed ones (海关, 检验检疫, 海事, 人民银行 …): 福州海关 and
  福建检验检疫局 stay as written.
- With ``departments``, a name equal to a canonical name or alias, or equal once the
  prefix is dropped on one side (省质监局 ~ alias 质监局; 质监局 ~ alias 区质监局), is
  returned canonical; otherwise as written.

Known failure modes
-------------------
- Targets in tables, lists without a figure per item, or whose subject is in an earlier
  sentence are missed; zero targets without a figure ("为零", "不发生重大事故") are not
  read.
- Indicator names are the text's own words trimmed; unusual word order gives long or
  partial names ("创建国家级示范区1个、省级2个" names the second "省级").
- A list of rates sharing a head with no 均 / 分别 ("食品和农产品抽检合格率达到95%") stays
  one indicator.
- Goal context is judged per sentence, clause and heading: an action with a figure in a
  goal sentence ("到2015年，完成10家企业诚信评价") is read as a target; a goal whose only
  signal is a heading this reader does not know is missed.
- Retrospective detection relies on marker words, headings and the issue year; a review
  without them in an undated text ("全市合格率达到95%") is read as a target.
- Running-text assignments need unit-like names (…局 / 厅 / 委 / 办 / 中心 …): duties of
  "工商、质监等部门" are not tasks.
- Title detection looks at the first fifteen lines; a 文号 with Latin letters is missed.
"""

from .pipeline import read_policy
from .results import DepartmentName, FoundTarget, FoundTask, Reading
from .table import format_table

__all__ = ["DepartmentName", "FoundTarget", "FoundTask", "Reading", "format_table", "read_policy"]
