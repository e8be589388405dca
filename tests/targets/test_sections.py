"""The section splitter is pure: these tests need no database."""

from targets.sections import innermost_section, split_sections

TEXT = """前言不属于任何章节。
一、总体要求
（一）指导思想。坚持质量第一。
（二）工作目标：到2015年，合格率达到95%以上。
二、主要任务
1、实施标准化战略。内容。
2．实施名牌战略。内容。
## **三、保障措施**
(一) 强化组织领导。设立领导小组。
"""


def test_it_nests_headings_by_their_kind():
    paths = [s.path for s in split_sections(TEXT)]
    assert paths == ["一", "一/（一）", "一/（二）", "二", "二/1", "二/2", "三", "三/（一）"]


def test_titles_stop_at_the_first_full_stop_or_colon():
    titles = {s.path: s.title for s in split_sections(TEXT)}
    assert titles["一/（一）"] == "指导思想"
    assert titles["一/（二）"] == "工作目标"
    assert titles["三"] == "保障措施"
    assert titles["三/（一）"] == "强化组织领导"


def test_a_section_runs_until_the_next_heading_of_its_level_or_above():
    sections = {s.path: s for s in split_sections(TEXT)}
    first, second = sections["一"], sections["二"]
    assert TEXT[first.start :].startswith("一、总体要求")
    assert first.end == second.start
    assert sections["一/（二）"].end == second.start
    assert sections["三/（一）"].end == len(TEXT)


def test_the_innermost_section_holds_a_sentence():
    sections = split_sections(TEXT)
    offset = TEXT.index("合格率达到95%")
    assert innermost_section(sections, offset).path == "一/（二）"
    assert innermost_section(sections, 0) is None


def test_numbers_inside_a_line_are_not_headings():
    text = "一、目标\n全年完成1、2两项；抽查（一）批产品。\n"
    assert [s.path for s in split_sections(text)] == ["一"]


def test_a_repeated_number_gets_its_own_path():
    text = "一、甲\n（一）乙。\n（一）丙。\n"
    assert [s.path for s in split_sections(text)] == ["一", "一/（一）", "一/（一）#2"]
