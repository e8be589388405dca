"""One inspection for every uploaded Office file, with the strictest rules, before any parser;
and the XML inside is parsed with defusedxml."""

import io
import zipfile

import openpyxl.xml
import pytest

from portal import uploads

PARTS = {"[Content_Types].xml": b"<Types/>"}


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


XLSX = {**PARTS, "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel（.xls）"),
        (b"plain text", "不是 Excel 工作簿"),
        (b"PK\x03\x04 broken", "已损坏"),
        (zip_of({**PARTS, "word/document.xml": b"<w/>"}), "不是 Excel 工作簿"),  # a renamed .docx
        (zip_of({**XLSX, **{f"xl/m{i}.xml": b"x" for i in range(501)}}), "部件过多"),
        (zip_of({**XLSX, "xl/sheet.xml": b"\0" * (2 * 1024 * 1024)}), "压缩炸弹"),
        (zip_of({**XLSX, "xl/vbaProject.bin": b"macro"}), "宏"),
    ],
)
def test_what_the_inspector_refuses(data, words):
    with pytest.raises(uploads.UploadRejected, match=words):
        uploads.check_office(data, uploads.xlsx())


def test_a_plain_workbook_passes():
    uploads.check_office(zip_of(XLSX), uploads.xlsx())


def test_every_upload_path_asks_the_one_inspector(monkeypatch):
    """Workbooks, rulebook tables, evidence files and policy documents: each calls it."""
    from assessments.reporting import excel_import
    from assessments.scoring import rulebook_book
    from portal import evidence
    from targets import drafting

    seen = []

    def refuse(data, kind, limits=None):
        seen.append(kind.part)
        raise uploads.UploadRejected("refused by the inspector")

    monkeypatch.setattr(uploads, "check_office", refuse)
    monkeypatch.setattr(evidence, "check_office", refuse)
    monkeypatch.setattr(drafting, "check_office", refuse)
    workbook = zip_of(XLSX)
    with pytest.raises(excel_import.WorkbookRefused, match="refused by the inspector"):
        excel_import.inspect_archive(workbook)
    with pytest.raises(Exception, match="refused by the inspector"):
        rulebook_book.read_workbook(workbook)
    with pytest.raises(evidence.EvidenceRejected, match="refused by the inspector"):
        evidence.check_evidence("表.xlsx", workbook, max_bytes=10**6, limits=uploads.ZipLimits())
    with pytest.raises(uploads.UploadRejected, match="refused by the inspector"):
        drafting.extract_text("plan.docx", zip_of({**PARTS, "word/document.xml": b"<w/>"}))
    assert seen == ["xl/workbook.xml"] * 3 + ["word/document.xml"]


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML
