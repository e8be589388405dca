"""The policy reader is pure: these tests need no database.

Sentences are written for these tests in the style of local quality-policy documents; the
development set at the end reads the three real documents in fixtures/policies/.
"""

import difflib
from pathlib import Path

import pytest

from targets.reader import (
    DepartmentName,
    FoundTarget,
    Reading,
    format_table,
    read_policy,
)

POLICIES = Path(__file__).resolve().parents[2] / "fixtures" / "policies"


def targets_of(text: str) -> list[tuple]:
    """(indicator, comparator, value, unit) of every target found in ``text``."""
    return [(t.indicator, t.comparator, t.value, t.unit) for t in read_policy(text).targets]


def only_target(text: str) -> FoundTarget:
    targets = read_policy(text).targets
    assert len(targets) == 1, [(t.indicator, t.value) for t in targets]
    return targets[0]


# ------------------------------------------------------------------------ rates and comparators


def test_several_rate_thresholds_in_one_sentence_share_its_horizon():
    text = (
        "到2020年，全市制造业产品质量合格率达到94%以上，农产品质量安全抽检合格率稳定在97%以上，"
        "主要食品抽检合格率不低于98%。"
    )
    reading = read_policy(text)
    assert targets_of(text) == [
        ("全市制造业产品质量合格率", ">=", 94, "%"),
        ("农产品质量安全抽检合格率", ">=", 97, "%"),
        ("主要食品抽检合格率", ">=", 98, "%"),
    ]
    assert {t.horizon_year for t in reading.targets} == {2020}
    assert not any(t.aspirational for t in reading.targets)
    assert all(t.quote == text for t in reading.targets)


@pytest.mark.parametrize(
    ("sentence", "comparator", "value", "unit"),
    [
        ("到2020年，全区出口企业超过50家以上。", ">=", 50, "家"),
        ("到2020年，专利授权量超过300件。", ">", 300, "件"),
        ("到2020年，产品质量损失率低于1%。", "<", 1, "%"),
        ("到2020年，质量投诉处理时间5天以下。", "<=", 5, "天"),
        ("到2020年，检测机构不超过20个。", "<=", 20, "个"),
        ("重大质量安全事故发生率控制在0.5%以内。", "<=", 0.5, "%"),
        ("到2018年，培育省级以上质量奖企业不少于5家。", ">=", 5, "家"),
        ("到2020年，农产品抽检合格率达97%。", ">=", 97, "%"),
        ("到2020年，规模以上工业企业达到30余家。", ">=", 30, "家"),
        ("到2020年，顾客满意度测评得分达到80分以上。", ">=", 80, "分"),
        ("到2020年，制造业质量竞争力指数达到86以上。", ">=", 86, ""),
        ("到2020年，有效注册商标总量达到1.5万件。", ">=", 1.5, "万件"),
        ("到2020年，服务业增加值比重比2015年提高5个百分点。", ">=", 5, "个百分点"),
    ],
)
def test_comparator_words_and_units(sentence, comparator, value, unit):
    target = only_target(sentence)
    assert (target.comparator, target.value, target.unit) == (comparator, value, unit)


def test_a_reduction_is_the_size_of_the_cut_with_its_baseline_in_the_name():
    target = only_target("到2020年，万元GDP能耗比2015年下降15%。")
    assert (target.indicator, target.comparator, target.value, target.unit) == (
        "万元GDP能耗比2015年下降",
        ">=",
        15,
        "%",
    )
    assert target.horizon_year == 2020


def test_a_starting_value_is_not_a_target_only_the_level_to_reach():
    assert targets_of("到2020年，质量损失率由2015年的3%降低到2%以下。") == [
        ("质量损失率", "<=", 2, "%")
    ]


def test_one_hundred_percent_is_all_or_nothing():
    assert targets_of("到2020年，竣工工程质量合格率100%，计量器具受检率达到100%。") == [
        ("竣工工程质量合格率", "=", 100, "%"),
        ("计量器具受检率", "=", 100, "%"),
    ]


def test_money_and_yearly_counts():
    assert targets_of("到2017年，全区新增4亿元质量技术基础投入。") == [
        ("全区新增质量技术基础投入", ">=", 4, "亿元")
    ]
    assert targets_of("每年组织2次质量管理培训，每年培训质量管理人员500人次。") == [
        ("每年组织质量管理培训", ">=", 2, "次"),
        ("每年培训质量管理人员", ">=", 500, "人次"),
    ]


# ------------------------------------------------------------------------ numbers as written


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("到２０２０年，产品质量合格率达到９５％以上。", 95, "%"),
        ("到2020年，产品质量合格率达到百分之九十五以上。", 95, "%"),
        ("到2020年，制修订地方标准二十项。", 20, "项"),
        ("到2020年，培育市级以上质量奖企业三家。", 3, "家"),
        ("到2020年，新培育名牌产品一百二十个。", 120, "个"),
        ("到2020年，质量事故率控制在千分之五以内。", 5, "‰"),
    ],
)
def test_full_width_and_chinese_numerals(sentence, value, unit):
    target = only_target(sentence)
    assert (target.value, target.unit) == (value, unit)


def test_a_range_counts_from_its_lower_bound():
    assert targets_of("到2020年，每个乡镇培育1-2个特色品牌。") == [
        ("每个乡镇培育特色品牌", ">=", 1, "个")
    ]


# ------------------------------------------------------------------------ kinds of target


def test_relative_targets_one_per_rate_with_reference_and_no_value():
    targets = read_policy(
        "到2015年，工业产品监督抽查合格率、食品抽检合格率高于全省平均水平，"
        "顾客满意度指数不低于上年水平。"
    ).targets
    assert [(t.indicator, t.comparator, t.value, t.reference, t.unit) for t in targets] == [
        ("工业产品监督抽查合格率", ">", None, "全省平均水平", "%"),
        ("食品抽检合格率", ">", None, "全省平均水平", "%"),
        ("顾客满意度指数", ">=", None, "上年水平", ""),
    ]


def test_advanced_level_is_qualitative():
    assert targets_of("到2015年，产品质量保持全省先进水平，总体质量达到全市先进水平。") == []


def test_shared_value_with_jun_and_a_shared_head():
    assert targets_of("到2015年，工业产品合格率和食品抽检合格率均达到95%以上。") == [
        ("工业产品合格率", ">=", 95, "%"),
        ("食品抽检合格率", ">=", 95, "%"),
    ]
    assert targets_of("到2015年，食品和农产品抽检合格率均达到96%以上。") == [
        ("食品抽检合格率", ">=", 96, "%"),
        ("农产品抽检合格率", ">=", 96, "%"),
    ]


def test_fenbie_pairs_items_with_values():
    assert targets_of("到2020年，主要农产品、食品、药品抽检合格率分别达到98%、97%和99%以上。") == [
        ("主要农产品抽检合格率", ">=", 98, "%"),
        ("食品抽检合格率", ">=", 97, "%"),
        ("药品抽检合格率", ">=", 99, "%"),
    ]


def test_a_list_of_counts_with_one_figure_is_one_combined_count():
    assert targets_of("到2020年，主导或参与制修订国际标准、国家标准和行业标准50项以上。") == [
        ("主导或参与制修订国际标准、国家标准和行业标准", ">=", 50, "项")
    ]


def test_qizhong_part_is_its_own_target():
    assert targets_of(
        "到2015年，全市产品质量合格率稳定在95%以上，其中食品监督抽查合格率稳定在96%以上。"
    ) == [
        ("全市产品质量合格率", ">=", 95, "%"),
        ("食品监督抽查合格率", ">=", 96, "%"),
    ]


def test_zero_breakthrough_is_at_least_one_with_a_borrowed_unit():
    target = only_target("力争实现中国质量奖零的突破。")
    assert (target.indicator, target.comparator, target.value, target.unit) == (
        "中国质量奖",
        ">=",
        1,
        "个",
    )
    assert target.aspirational
    targets = read_policy("到2020年，新增省著名商标30件，力争实现中国驰名商标零的突破。").targets
    assert (targets[1].indicator, targets[1].value, targets[1].unit) == ("中国驰名商标", 1, "件")


def test_a_verb_is_carried_through_a_list_of_counts():
    reading = read_policy("到2020年，力争新增中国驰名商标3件、省著名商标二十件。")
    assert [(t.indicator, t.value, t.unit, t.aspirational) for t in reading.targets] == [
        ("新增中国驰名商标", 3, "件", True),
        ("新增省著名商标", 20, "件", True),
    ]


def test_a_figure_before_its_noun_names_the_counted_thing():
    assert targets_of("到2015年，推动2个以上企业承担全国专业标准化技术委员会秘书处工作。") == [
        ("承担全国专业标准化技术委员会秘书处工作的企业", ">=", 2, "个")
    ]
    assert targets_of("到2015年，10个以上的企业按ISO9001标准取得质量管理体系认证。") == [
        ("按ISO9001标准取得质量管理体系认证的企业", ">=", 10, "个")
    ]
    assert targets_of("到2015年，骨干产品8个以上采用国际标准组织生产。") == [
        ("采用国际标准组织生产的骨干产品", ">=", 8, "个")
    ]
    assert targets_of("到2020年，培育30个以上市级名牌产品。") == [
        ("培育市级名牌产品", ">=", 30, "个")
    ]


def test_figures_describing_the_subject_are_not_targets():
    assert targets_of("到2020年，年产值超过100亿元的名牌企业达到10家。") == [
        ("年产值超过100亿元的名牌企业", ">=", 10, "家")
    ]
    assert targets_of("到2020年，培育品牌价值超过10亿元、5亿元的企业分别达到2家、5家。") == [
        ("培育品牌价值超过10亿元、5亿元的企业", ">=", 2, "家"),
        ("培育品牌价值超过10亿元、5亿元的企业", ">=", 5, "家"),
    ]


def test_holders_counted_in_jia_are_enterprises():
    assert targets_of("到2015年，获得省级以上质量奖达20家。") == [
        ("获得省级以上质量奖的企业", ">=", 20, "家")
    ]


# ------------------------------------------------------------------------ aspiration and horizon


def test_lizheng_governs_up_to_the_next_semicolon_or_full_stop():
    reading = read_policy(
        "到2015年，力争重点产品采标率达85%以上，推动3个以上企业参与国家标准制定；"
        "主要产品质量合格率达到95%。力争培育名牌产品10个，确保食品抽检合格率不低于97%。"
    )
    assert [(t.value, t.aspirational) for t in reading.targets] == [
        (85, True),
        (3, True),  # 推动 after the comma stays under 力争 (the fixtures' rule)
        (95, False),  # after the semicolon
        (10, True),
        (97, False),  # 确保 is a firm commitment
    ]


def test_zhengqu_is_aspirational_too():
    assert only_target("到2020年，争取新增国家级质检中心2个。").aspirational


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("“十二五”期末，全市名牌产品达到50个。", 2015),
        ("到“十三五”末，质量竞争力指数达到86以上。", 2020),
        ("到2015年底全市产品质量合格率达到95%以上。", 2015),
        ("2017年底前，全市新增标准化良好行为企业20家。", 2017),
    ],
)
def test_horizon_phrases_of_a_sentence(text, year):
    assert only_target(text).horizon_year == year


def test_horizon_carries_over_within_a_section_and_falls_back_to_the_document():
    text = (
        "某县质量强县工作方案\n"
        "现就2016-2018年质量强县工作提出如下方案。\n"
        "一、工作目标\n"
        "到2017年，主要产品质量合格率达到95%以上。\n"
        "（一）品牌目标。新培育市级名牌产品10个。\n"
        "二、主要任务\n"
        "（一）强化监管。每年组织质量抽查2次。\n"
    )
    reading = read_policy(text)
    assert reading.horizon_year == 2017
    assert [(t.value, t.horizon_year) for t in reading.targets] == [
        (95, 2017),
        (10, 2017),
        (2, 2017),
    ]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("某省贯彻实施质量发展纲要2015年行动计划", 2015),
        ("某市质量强市示范城市创建工作方案（2016—2017年）", 2017),
    ],
)
def test_horizon_from_the_title(title, year):
    assert (
        read_policy(f"{title}\n一、工作任务\n到2020年，产品合格率达到95%。\n").horizon_year == year
    )


def test_horizon_from_a_campaign_period():
    text = "某区质量兴区实施方案\n现就2011-2015年质量兴区工作提出如下意见。\n"
    assert read_policy(text).horizon_year == 2015


# ------------------------------------------------------------------------ not targets


@pytest.mark.parametrize(
    "sentence",
    [
        "本方案经区政府第91次常务会议研究通过。",
        "畅通12315、12365等质量投诉举报渠道。",
        "推进企业导入ISO9000、ISO14000、OHSAS18000等管理体系，做好3C认证和5G产品监管。",
        "本计划自2014年6月10日起施行。",
        "贯彻落实《国务院关于印发质量发展纲要（2011—2020年）的通知》（国发〔2012〕9号）精神。",
        "认真做好第四届市政府质量奖评审工作。",
        "推进实施百项能效标准推进工程。",
        "各部门要制定3项管理制度，加强监督管理。",
        "到2015年，建立3项管理制度。",
        "建设一批质量创新基地，实施“三个一批”工程。",
        "实施质量强市“十大工程”，落实“四位一体”工作格局和产品“三包”制度。",
        "召开2次联席会议，研究部署质量工作。",
        "对获得中国质量奖的企业，一次性奖励100万元。",
        "领导小组办公室设在市质监局直属二分局。",
        "组织开展2014年“质量月”活动。",
        "各乡镇要在6月底前下达3项任务。",
        "重大质量安全事故发生率为零。",
    ],
)
def test_sentences_with_numbers_that_are_not_targets(sentence):
    assert targets_of(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "截至2015年底，全市已累计培育中国驰名商标12件。",
        "“十二五”以来，全市产品质量监督抽查合格率达到了93.5%。",
        "目前，全县共有省名牌产品15个，合格率达到92%。",
    ],
)
def test_looking_back_is_not_a_target(sentence):
    assert targets_of(sentence) == []


def test_a_year_before_the_issue_year_opens_a_review():
    text = (
        "某市质量强市实施意见\n"
        "2015年，全市产品质量监督抽查合格率达到93.5%。\n"
        "到2020年，全市产品质量监督抽查合格率达到95%以上。\n"
        "某市人民政府\n"
        "2016年3月1日\n"
    )
    assert targets_of(text) == [("全市产品质量监督抽查合格率", ">=", 95, "%")]


def test_measures_sections_hold_targets_only_with_a_horizon():
    text = (
        "四、保障措施\n"
        "（一）加大投入。县财政每年安排专项资金200万元，质量工作考核分值不低于3分。\n"
        "（二）强化考核。到2020年，质量工作考核优良率达到90%以上。\n"
    )
    assert targets_of(text) == [("质量工作考核优良率", ">=", 90, "%")]


def test_review_sections_and_past_horizons_are_not_targets():
    text = (
        "某市质量兴市规划\n"
        "一、过去五年工作回顾\n"
        "全市质量工作自2005年启动，至2007年在全市的六个县市区全面铺开，名牌产品达到50个。\n"
        "二、发展目标\n"
        "到2015年，名牌产品达到80个。\n"
        "某市人民政府\n"
        "2012年11月26日\n"
    )
    assert targets_of(text) == [("名牌产品", ">=", 80, "个")]


def test_ranks_symbols_and_time_limits():
    assert targets_of("到2020年，全市质量工作考核排名保持全省前5位。") == [
        ("全市质量工作考核排名", "<=", 5, "位")
    ]
    assert targets_of("到2020年，制造业产品质量合格率≥94%。") == [
        ("制造业产品质量合格率", ">=", 94, "%")
    ]
    assert targets_of("到2020年，行政许可事项5个工作日内办结。") == [
        ("行政许可事项办结", "<=", 5, "个工作日")
    ]
    assert targets_of("6个月内完成整改，组织2个月专项检查。") == []


def test_a_bare_count_needs_a_goal_context():
    heading = "一、发展目标\n（一）品牌目标。新培育名牌产品20个。\n"
    measures = "一、保障措施\n（一）强化服务。帮扶企业20个。\n"
    assert targets_of(heading) == [("新培育名牌产品", ">=", 20, "个")]
    assert targets_of(measures) == []


# ------------------------------------------------------------------------ quotes


def test_quote_is_the_exact_sentence_even_across_a_line_break():
    text = (
        "三、工作目标\n"
        "到 2015 年，力争实现福建名牌产品 30 项，省级质量奖企业 5 家，获得著名商标达 20 家，\n"
        "\n"
        "打造一批区域品牌。其他内容。\n"
    )
    reading = read_policy(text)
    assert len(reading.targets) == 3
    for target in reading.targets:
        assert text[target.start : target.end] == target.quote
        assert target.quote.startswith("到 2015 年") and target.quote.endswith("区域品牌。")
        assert target.horizon_year == 2015 and target.aspirational
    assert reading.targets[2].indicator == "获得著名商标的企业"


# ------------------------------------------------------------------------ metadata


NOTICE = """某省人民政府办公厅关于印发某省质量提升
2016年行动计划的通知
某政办〔2016〕21号
各市、县（区）人民政府，省人民政府各部门：
《某省质量提升2016年行动计划》已经省人民政府同意，现印发给你们，请认真贯彻执行。
某省人民政府办公厅
二〇一六年四月二十日
某省质量提升2016年行动计划
为贯彻《质量发展纲要（2011－2020年）》和《国务院办公厅关于印发贯彻实施质量发展纲要2016年行动计划的通知》（国办发〔2016〕18号），制定本计划。
一、重点任务
（一）提升产品质量。开展产品质量提升行动。（省质监局牵头，省经信委、商务厅按职责分工负责）
"""


def test_metadata_of_a_circulating_notice():
    reading = read_policy(NOTICE)
    assert reading.title == "某省质量提升2016年行动计划"
    assert reading.doc_number == "某政办〔2016〕21号"
    assert reading.issuer == "某省人民政府办公厅"
    assert reading.issue_date == "2016-04-20"
    assert reading.horizon_year == 2016


def test_document_number_in_a_header_line():
    text = "索引号：0112/2017-2 文号：鄂政发〔2017〕6号\n某市质量强市工作方案\n"
    assert read_policy(text).doc_number == "鄂政发〔2017〕6号"


def test_a_cited_document_number_is_not_the_documents_own():
    text = NOTICE.replace("某政办〔2016〕21号\n", "")
    assert read_policy(text).doc_number == ""


def test_a_forwarded_plan_with_its_own_signature_is_issued_by_its_signer():
    text = (
        "关于转发县质监局拟定的某县\n\n质量兴县工作方案的通知\n"
        "县质监局拟定的《某县质量兴县工作方案》已经县人民政府同意，现转发给你们。\n"
        "二○一一年三月二日\n"
        "某县质量兴县工作方案\n"
        "一、发展目标\n到2015年，产品抽检合格率达95%以上。\n"
        "        某县质量技术监督局\n"
        "        二〇一一年二月十日\n"
    )
    reading = read_policy(text)
    assert reading.title == "某县质量兴县工作方案"
    assert (reading.issuer, reading.issue_date) == ("某县质量技术监督局", "2011-02-10")


def test_an_unsigned_forwarding_notice_is_issued_under_the_consenting_government():
    text = (
        "关于转发区质监局拟定的某区质量兴区工作方案的通知\n"
        "区质监局拟定的《某区质量兴区工作方案》已经区人民政府同意，现转发给你们。\n"
        "二○一○年九月七日\n"
        "某区质量兴区工作方案\n"
    )
    reading = read_policy(text)
    assert (reading.issuer, reading.issue_date) == ("某区人民政府", "2010-09-07")


# ------------------------------------------------------------------------ tasks

FUJIAN_STYLE = """三、主要任务
（一）加强食品安全监管。完善标准体系。（省食品药品监管局牵头，省教育厅、公安厅、质监局、福州海关、福建检验检疫局按职责分工负责）
（二）加强消费品监管。开展专项整治。(省经信委、商务厅、厦门检验检疫局按职责分工负责)
（三）推进质量共治。开展“质量月”活动。（省质监局牵头，省教育厅、厦门检验检疫局等有关部门参加）
（四）实施质量工作考核。组织年度考核。（省质量强省工作领导小组办公室具体负责组织实施，省委组织部、统计局等各有关部门按职责分工负责）
"""


def test_parenthetical_assignments_with_prefix_carry_over():
    tasks = read_policy(FUJIAN_STYLE).tasks
    assert [(t.number, t.title, t.text) for t in tasks] == [
        ("（一）", "加强食品安全监管", "完善标准体系。"),
        ("（二）", "加强消费品监管", "开展专项整治。"),
        ("（三）", "推进质量共治", "开展“质量月”活动。"),
        ("（四）", "实施质量工作考核", "组织年度考核。"),
    ]
    assert [(t.lead, t.cooperating) for t in tasks] == [
        (["省食品药品监管局"], ["省教育厅", "省公安厅", "省质监局", "福州海关", "福建检验检疫局"]),
        ([], ["省经信委", "省商务厅", "厦门检验检疫局"]),
        (["省质监局"], ["省教育厅", "厦门检验检疫局"]),
        (["省质量强省工作领导小组办公室"], ["省委组织部", "省统计局"]),
    ]


def test_running_text_assignments():
    text = """二、重点工作
（一）建设检验检测平台。由市质监局会同市财政局、发改委制定整合方案。
（二）加强人才培养。市人社局负责，市教育局、质监局配合，开展质量培训。
（三）营造质量文化。市委宣传部、市文明办、市质监局按职责分工负责。
（四）强化考核评价。由区质监分局会同区直各有关部门，建立评价指标。
（五）加强执法。各司法机关密切配合，协助工商、质监等执法部门打假。
"""
    tasks = read_policy(text).tasks
    assert [(t.number, t.lead, t.cooperating) for t in tasks] == [
        ("（一）", ["市质监局"], ["市财政局", "市发改委"]),
        ("（二）", ["市人社局"], ["市教育局", "市质监局"]),
        ("（三）", [], ["市委宣传部", "市文明办", "市质监局"]),
        ("（四）", ["区质监分局"], []),
    ]
    assert tasks[0].text == "由市质监局会同市财政局、发改委制定整合方案。"


def test_label_lines_and_several_assignments_in_a_paragraph():
    text = """二、重点工作
1．开展质量提升行动。组织专项整治。
牵头单位：县质监局；配合单位：县农业局、商务局
2．建设质量基础设施。新建检测中心。（责任单位：县发改委、县财政局）
3．实施标准化战略（县质监局负责）；推动名牌培育（县经信局牵头，县工商局配合）。
"""
    tasks = read_policy(text).tasks
    assert [(t.number, t.lead, t.cooperating) for t in tasks] == [
        ("1．", ["县质监局"], ["县农业局", "县商务局"]),
        ("2．", [], ["县发改委", "县财政局"]),
        ("3．", ["县质监局"], []),
        ("3．", ["县经信局"], ["县工商局"]),
    ]
    assert tasks[2].text == "实施标准化战略"
    assert tasks[3].text == "；推动名牌培育"


def test_departments_are_normalised_to_the_callers_list():
    departments = [
        DepartmentName("省质监局", ("质监局",)),
        DepartmentName("区质监局", ("质监局", "区质监局")),
        DepartmentName("省食品药品监管局", ("食品药品监管局",)),
        DepartmentName("福州海关"),
    ]
    tasks = read_policy(FUJIAN_STYLE, departments).tasks
    assert tasks[0].lead == ["省食品药品监管局"]
    assert "省质监局" in tasks[0].cooperating and "福州海关" in tasks[0].cooperating
    text = "（一）加强监管。开展抽查。（质监局牵头，工商局配合）"
    assert read_policy(text, [DepartmentName("区市场监管局", ("区质监局",))]).tasks[0].lead == [
        "区市场监管局"
    ]
    assert read_policy(text).tasks[0].lead == ["质监局"]


YEARLY = """某区2017年质量强区工作要点
一、主要目标
全年产品质量监督抽查合格率保持在93%以上；新增市级名牌产品5个，全区无重大质量安全事故。
二、重点工作
1．开展质量攻关。年内完成10个质量攻关项目。（区质监局牵头，区经信局、各街道配合）
2．开展“质量月”活动。组织第40个“质量月”活动。（区质量强区办牵头，区直各部门参加）
某区质量强区工作领导小组办公室
2017年3月1日
"""


def test_a_yearly_work_plan():
    reading = read_policy(YEARLY)
    assert (reading.title, reading.issuer, reading.issue_date, reading.horizon_year) == (
        "某区2017年质量强区工作要点",
        "某区质量强区工作领导小组办公室",
        "2017-03-01",
        2017,
    )
    assert [(t.indicator, t.value, t.unit, t.horizon_year) for t in reading.targets] == [
        ("产品质量监督抽查合格率", 93, "%", 2017),
        ("新增市级名牌产品", 5, "个", 2017),
        ("完成质量攻关项目", 10, "个", 2017),
    ]
    assert [(t.lead, t.cooperating) for t in reading.tasks] == [
        (["区质监局"], ["区经信局", "各街道"]),
        (["区质量强区办"], []),
    ]


# ------------------------------------------------------------------------ output


def test_as_dict_shape():
    text = "到2015年，合格率稳定在93%以上，抽查合格率高于全省平均水平。"
    data = read_policy(text).as_dict()
    assert set(data) == {
        "title",
        "doc_number",
        "issuer",
        "issue_date",
        "horizon_year",
        "targets",
        "tasks",
    }
    first, second = data["targets"]
    assert first["value"] == 93 and isinstance(first["value"], int)
    assert "reference" not in first
    assert second["value"] is None and second["reference"] == "全省平均水平"
    assert set(first) == {
        "indicator",
        "comparator",
        "value",
        "unit",
        "horizon_year",
        "aspirational",
        "quote",
    }
    assert read_policy("到2020年，事故率控制在0.5%以内。").as_dict()["targets"][0]["value"] == 0.5
    assert read_policy(FUJIAN_STYLE).as_dict()["tasks"][0] == {
        "text": "完善标准体系。",
        "lead": ["省食品药品监管局"],
        "cooperating": ["省教育厅", "省公安厅", "省质监局", "福州海关", "福建检验检疫局"],
    }


def test_format_table_renders_metadata_targets_and_tasks():
    table = format_table(read_policy(NOTICE + "到2016年底前，产品合格率达到95%以上。\n"))
    assert "某省质量提升2016年行动计划" in table
    assert "某政办〔2016〕21号" in table and "2016-04-20" in table
    assert "产品合格率" in table and "≥ 95%" in table
    assert "省质监局" in table and "省经信委、省商务厅" in table
    assert format_table(Reading("", "", "", None, None, [], [])).startswith("标题：—")


# ------------------------------------------------------------------------ a whole document

WHOLE = """某某市人民政府关于加快建设质量强市的实施意见
某政发〔2016〕12号
各县（区）人民政府，市政府各部门：
为贯彻落实《国务院关于印发质量发展纲要（2011—2020年）的通知》（国发〔2012〕9号），现提出如下意见。
一、发展现状
“十二五”以来，全市产品质量监督抽查合格率由90.1%提高到93.2%，累计培育中国驰名商标8件。2015年，全市新增省名牌产品25个。
二、主要目标
到2020年，全市质量总体水平显著提升。
（一）产品质量。制造业产品质量合格率稳定在94%以上，食品抽检合格率不低于97%。
（二）工程质量。大中型建设项目竣工验收合格率达到100%。
（三）服务质量。公共服务质量满意度达到80分以上，顾客满意度指数高于全省平均水平。
（四）品牌建设。新增中国驰名商标5件、省著名商标30件；力争实现中国质量奖零的突破。
三、主要任务
（一）实施标准化战略。推动企业参与标准制修订。（市质监局牵头，市发改委、经信委配合）
（二）强化质量安全监管。开展重点产品专项整治，召开2次联席会议。（市食品药品监管局负责）
四、保障措施
（一）加大政策扶持。对获得中国质量奖的企业，一次性奖励100万元。

某某市人民政府
2016年3月18日
"""


def test_a_whole_document():
    reading = read_policy(WHOLE)
    assert (reading.title, reading.doc_number, reading.issuer, reading.issue_date) == (
        "某某市人民政府关于加快建设质量强市的实施意见",
        "某政发〔2016〕12号",
        "某某市人民政府",
        "2016-03-18",
    )
    assert reading.horizon_year == 2020
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in reading.targets] == [
        ("制造业产品质量合格率", ">=", 94, "%"),
        ("食品抽检合格率", ">=", 97, "%"),
        ("大中型建设项目竣工验收合格率", "=", 100, "%"),
        ("公共服务质量满意度", ">=", 80, "分"),
        ("顾客满意度指数", ">", None, ""),
        ("新增中国驰名商标", ">=", 5, "件"),
        ("新增省著名商标", ">=", 30, "件"),
        ("中国质量奖", ">=", 1, "件"),
    ]
    assert {t.horizon_year for t in reading.targets} == {2020}
    assert [(t.lead, t.cooperating) for t in reading.tasks] == [
        (["市质监局"], ["市发改委", "市经信委"]),
        (["市食品药品监管局"], []),
    ]


# ------------------------------------------------------------------------ development set

T = tuple  # (indicator, comparator, value, unit, aspirational)
EXPECTED_TARGETS: dict[str, list[T]] = {
    "fujian-2014": [],
    "jinan-2012": [
        ("国家监督抽查合格率", ">", None, "%", False),
        ("出口商品检验合格率", ">", None, "%", False),
        ("省级监督抽查合格率", ">=", 93, "%", False),
        ("食品监督抽查合格率", ">=", 96, "%", False),
        ("福建省政府质量奖、福州市政府质量奖企业", ">=", 5, "家", True),
        ("福建名牌产品", ">=", 30, "项", True),
        ("福州市产品质量奖", ">=", 20, "项", True),
        ("中国驰名商标或福建著名商标", ">=", 30, "家", True),
        ("重点产品采标率", ">=", 80, "%", True),
        (
            "承担或参与国家级或省级的专业标准化组织专业委员会、分会秘书处或工作组工作的企业",
            ">=",
            2,
            "个",
            True,
        ),
        ("参与制修订国际标准、国家标准、行业标准、地方标准", ">=", 20, "项", True),
    ],
    "baodi-2010": [
        ("中国名牌产品", ">=", 1, "个", True),
        ("新培育天津名牌产品", ">=", 20, "个", True),
        ("企业产品抽检合格率", ">=", 95, "%", False),
        ("市场商品抽检合格率", ">=", 95, "%", False),
        ("主要工业产品采用国际标准和国外先进标准组织生产", ">=", 5, "个", False),
        ("企业产品标准覆盖率", ">=", 98, "%", False),
        ("按ISO9000标准取得质量体系认证的企业", ">=", 10, "个", False),
        ("竣工工程质量合格率", "=", 100, "%", False),
    ],
}
EXPECTED_META = {
    "fujian-2014": (
        "福建省贯彻实施质量发展纲要2014年行动计划",
        "",
        "福建省人民政府办公厅",
        "2014-06-10",
        2014,
    ),
    "jinan-2012": (
        "福州市晋安区人民政府关于实施质量强区提升产品质量的意见",
        "榕晋政〔2012〕5号",
        "福州市晋安区人民政府",
        "2012-07-27",
        2015,
    ),
    # a 转发 notice of 区质监局's plan: the plan's own signature is read (see the module docstring)
    "baodi-2010": ("宝坻区质量兴区工作实施方案", "", "宝坻区质量技术监督局", "2010-08-25", 2015),
}
FUJIAN_TASKS = {
    "（一）": (
        ["省食品药品监管局"],
        [
            "省教育厅",
            "省公安厅",
            "省农业厅",
            "省林业厅",
            "省海洋渔业厅",
            "省商务厅",
            "省人社厅",
            "省卫计委",
            "省质监局",
            "福州海关",
            "厦门海关",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（二）": (
        [],
        [
            "省经信委",
            "省公安厅",
            "省农业厅",
            "省林业厅",
            "省海洋渔业厅",
            "省商务厅",
            "省卫计委",
            "省工商局",
            "省质监局",
            "福州海关",
            "厦门海关",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（三）": (
        [],
        ["省经信委", "省发改委", "省商务厅", "省质监局", "福建检验检疫局", "厦门检验检疫局"],
    ),
    "（四）": (
        [],
        ["省发改委", "省经信委", "省环保厅", "省质监局", "福建检验检疫局", "厦门检验检疫局"],
    ),
    "（五）": (
        [],
        [
            "省经信委",
            "省住建厅",
            "省交通运输厅",
            "省农业厅",
            "省林业厅",
            "省海洋渔业厅",
            "省质监局",
            "省旅游局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（六）": (
        [],
        [
            "省发改委",
            "省商务厅",
            "省工商局",
            "省质监局",
            "省食品药品监管局",
            "省旅游局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（七）": (
        [],
        [
            "省公安厅",
            "省农业厅",
            "省林业厅",
            "省海洋渔业厅",
            "省商务厅",
            "省工商局",
            "省质监局",
            "省新闻出版广电局",
            "省食品药品监管局",
            "省知识产权局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（八）": (
        [],
        [
            "省经信委",
            "省住建厅",
            "省商务厅",
            "省国资委",
            "省工商局",
            "省质监局",
            "省食品药品监管局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（九）": (
        [],
        [
            "省质监局",
            "省发改委",
            "省科技厅",
            "省经信委",
            "省商务厅",
            "省统计局",
            "省旅游局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（十）": (
        [],
        [
            "省质监局",
            "省发改委",
            "省科技厅",
            "省财政厅",
            "省环保厅",
            "省交通运输厅",
            "省商务厅",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（十一）": (
        [],
        [
            "省质监局",
            "省发改委",
            "省科技厅",
            "省经信委",
            "省财政厅",
            "省商务厅",
            "省国资委",
            "省工商局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（十二）": (
        [],
        [
            "省质监局",
            "省教育厅",
            "省人社厅",
            "省农业厅",
            "省林业厅",
            "省海洋渔业厅",
            "省卫计委",
            "省食品药品监管局",
            "福建检验检疫局",
            "厦门检验检疫局",
        ],
    ),
    "（十三）": (["省质监局"], ["省教育厅", "福建检验检疫局", "厦门检验检疫局"]),
    "（十四）": (
        [],
        ["省经信委", "省人社厅", "省质监局", "省国资委", "福建检验检疫局", "厦门检验检疫局"],
    ),
    "（十五）": (["省质量强省工作领导小组办公室"], ["省委组织部", "省质监局", "省统计局"]),
}


def similar(a: str, b: str) -> bool:
    """Indicator names match when one contains the other or they are mostly the same text."""
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


def matches(found: FoundTarget, expected: T) -> bool:
    indicator, comparator, value, unit, _ = expected
    return (
        found.comparator == comparator
        and found.value == value
        and found.unit == unit
        and similar(found.indicator, indicator)
    )


def precision_recall(found: list[FoundTarget], expected: list[T]) -> tuple[float, float, int]:
    unused = list(found)
    hits = 0
    for want in expected:
        for candidate in unused:
            if matches(candidate, want):
                unused.remove(candidate)
                hits += 1
                break
    precision = hits / len(found) if found else 1.0
    recall = hits / len(expected) if expected else 1.0
    return precision, recall, hits


@pytest.fixture(scope="module")
def readings() -> dict[str, Reading]:
    return {key: read_policy((POLICIES / f"{key}.txt").read_text("utf-8")) for key in EXPECTED_META}


@pytest.mark.parametrize("key", sorted(EXPECTED_TARGETS))
def test_development_set_targets(readings, key):
    reading = readings[key]
    expected = EXPECTED_TARGETS[key]
    precision, recall, hits = precision_recall(reading.targets, expected)
    print(
        f"{key}: found {len(reading.targets)}, expected {len(expected)}, matched {hits}, "
        f"precision {precision:.2f}, recall {recall:.2f}"
    )
    assert precision >= 0.9 and recall >= 0.9
    text = (POLICIES / f"{key}.txt").read_text("utf-8")
    for target in reading.targets:
        assert text[target.start : target.end] == target.quote
        assert target.horizon_year == 2015
    aspirational = [t.aspirational for t in reading.targets]
    assert aspirational == [want[4] for want in expected]


@pytest.mark.parametrize("key", sorted(EXPECTED_META))
def test_development_set_metadata(readings, key):
    reading = readings[key]
    meta = (reading.title, reading.doc_number, reading.issuer, reading.issue_date)
    assert (*meta, reading.horizon_year) == EXPECTED_META[key]


def test_development_set_fujian_tasks(readings):
    tasks = readings["fujian-2014"].tasks
    assert [t.number for t in tasks] == list(FUJIAN_TASKS)
    for task in tasks:
        assert (task.lead, task.cooperating) == FUJIAN_TASKS[task.number], task.number
    assert tasks[0].title == "加强食品农产品质量安全监管"
    assert tasks[0].text.startswith("完善食品安全标准体系") and tasks[0].text.endswith("结合应用。")
    text = (POLICIES / "fujian-2014.txt").read_text("utf-8")
    assert all(task.text in text for task in tasks)


def test_development_set_other_tasks(readings):
    assert readings["baodi-2010"].tasks == []
    (task,) = readings["jinan-2012"].tasks
    assert (task.number, task.title, task.lead, task.cooperating) == (
        "（四）",
        "强化考核评价",
        ["市质监局直属二分局"],
        [],
    )
    assert task.text.startswith(
        "质量强区实行目标责任制管理。由市质监局直属二分局会同区直各有关部门"
    )
