"""Marking passages in a document's text: pure, no database."""

from targets.markup import Mark, find_mark, segment


def test_segments_rebuild_the_text_and_carry_overlapping_marks():
    text = "甲乙丙丁戊"
    marks = [Mark("target", "T1", 1, 3), Mark("target", "T2", 1, 3), Mark("task", "K1", 2, 5)]
    parts = segment(text, marks)
    assert "".join(p.text for p in parts) == text
    assert [(p.text, [m.ident for m in p.marks]) for p in parts] == [
        ("甲", []),
        ("乙", ["T1", "T2"]),
        ("丙", ["T1", "T2", "K1"]),
        ("丁戊", ["K1"]),
    ]
    assert parts[2].kinds == ["target", "task"]


def test_a_fragment_that_is_not_in_the_text_gives_no_mark():
    assert find_mark("甲乙丙", "target", "T1", "丁") is None
    assert find_mark("甲乙丙", "target", "T1", "") is None
    assert find_mark("甲乙丙", "target", "T1", "乙丙") == Mark("target", "T1", 1, 3)


def test_marks_outside_the_text_are_ignored():
    assert [p.text for p in segment("甲乙", [Mark("duty", "D", 1, 9)])] == ["甲乙"]
