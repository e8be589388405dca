"""The briefing fit to hand to leaders, on the demo's data: page one summarises (targets, the
headline figures against last quarter and last year, the ranking of the regions below,
warnings, completeness) in tables and sentences; only regions with something to report get a
page, so the printed PDF has no near-empty page; the Word file (GB/T 9704 layout) carries the
same summary table and ranking."""

import io

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from portal import periods

from .conftest import JINAN, expect, log_in

pytestmark = pytest.mark.browser


def test_the_briefing_summarises_and_prints_without_empty_pages(page, shoot, demo_quarter):
    quarter = periods.Quarter.of(periods.today()).previous()
    log_in(page, "fz-office")
    page.goto(f"/workspace/exports/briefing/?region=350100&quarter={quarter.label}")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("个地区参评")
    expect(summary.locator("#ranking")).to_contain_text("晋安区")
    shoot("briefing-1-city-summary")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    texts = [p.extract_text() for p in pdf.pages]
    # Page one and 晋安区 (the only district with targets); no page for a district with
    # nothing to report, so no page is near-empty.
    assert len(texts) <= 4, [len(t) for t in texts]
    assert "总体情况" in texts[0] and "晋安区" in texts[1]
    # A near-empty page (a district's heading, "no targets", "on time") held about 200
    # characters; every page now holds more than that.
    assert all(len(t) > 250 for t in texts), [len(t) for t in texts]

    # The district's briefing: headline figures with their changes, in the table and in words.
    page.goto(f"/workspace/exports/briefing/?region={JINAN}&quarter={quarter.label}")
    headlines = page.locator("#headlines tbody tr")
    expect(headlines.first).to_be_visible()
    narrative = page.locator("#summary .narrative")
    expect(narrative).to_contain_text("比上季度")
    expect(narrative).to_contain_text("达到目标要求（≥ 93%）")  # the requirement in words
    shoot("briefing-2-district-summary")
    response = page.request.get(
        f"/workspace/exports/briefing.docx?region={JINAN}&quarter={quarter.label}"
    )
    assert response.status == 200
    document = Document(io.BytesIO(response.body()))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.top_margin - Mm(37)) < Mm(1) and abs(section.left_margin - Mm(28)) < Mm(1)
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert headers[0][:3] == ["指标", "本季度", "上季度"]  # the summary table
    ranking = next(t for t in document.tables if t.rows[0].cells[1].text == "地区")
    assert len(ranking.rows) - 1 == 9  # the nine towns of 晋安区, ranked
    text = "\n".join(p.text for p in document.paragraphs)
    assert "比上季度" in text and "质量工作简报" in text
    footer = document.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._element.xml  # page numbers, filled in by Word
