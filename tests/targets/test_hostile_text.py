"""Text and files that once broke the reader: each is a clear refusal or a reading without the
bogus figure, never a crash."""

import math

import pytest

from portal.uploads import UploadRejected
from targets import drafting
from targets.reader import read_policy
from targets.reader.numerals import to_number


@pytest.mark.parametrize("text", ["1" * 150_000, "9" * 400, "1" * 20, "一二三四五六七八九" * 40])
def test_a_run_of_digits_is_no_figure(text):
    assert to_number(text) is None


def test_ordinary_figures_still_read():
    assert [to_number(t) for t in ("93", "1,200", "2.5", "三十", "九十三点五")] == [
        93.0, 1200.0, 2.5, 30.0, 93.5
    ]  # fmt: skip


def test_a_policy_with_a_150000_digit_number_reads_without_it():
    text = "到2025年，省级监督抽查合格率达到93%以上，产值达到" + "1" * 150_000 + "亿元。"
    reading = read_policy(text)
    assert all(math.isfinite(t.value) for t in reading.targets if t.value is not None)
    assert [t.value for t in reading.targets if t.unit == "%"] == [93]


class _Broken:
    def __init__(self, *args, **kwargs):
        from pypdf.errors import LimitReachedError

        raise LimitReachedError("beyond pypdf's limits")


def test_a_pdf_beyond_the_readers_limits_is_refused_in_chinese(monkeypatch):
    import pypdf

    monkeypatch.setattr(pypdf, "PdfReader", _Broken)
    with pytest.raises(UploadRejected, match="无法读取该 PDF"):
        drafting.extract_text("plan.pdf", b"%PDF-1.7\n...")


@pytest.mark.parametrize("text", ["（一）" * 60_000, "达到95%、" * 30_000])
def test_reading_is_linear_in_the_text(text):
    """These texts timed a worker out at 60 s (every figure looked back over its whole clause,
    and was compared with every figure before it); read in linear time they take a second or
    two. The alarm is a guard with a wide margin, not a speed measurement."""
    import signal

    def too_slow(*_args):
        raise AssertionError("reading took more than 30 s: quadratic again?")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(30)
    try:
        reading = read_policy(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert reading is not None
