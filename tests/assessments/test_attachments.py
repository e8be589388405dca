"""Attachments on a submission: the official attaches supporting files (checked as evidence
files, all or nothing, audited); the reporting chain downloads them; a department, another
town and a locked submission are refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import AuditAction, AuditEntry, SubmissionFile
from assessments.reporting import attachments, services
from assessments.reporting.errors import ReportingError
from portal.models import Region

from .conftest import GUSHAN, TOWN_FIGURES

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _draft(people, period):
    submission = services.open_submission(
        user=people["town"], region=Region.objects.get(code=GUSHAN), period=period
    )
    services.save_figures(user=people["town"], submission=submission, version=1,
                          figures=TOWN_FIGURES)  # fmt: skip
    return submission


def test_attached_audited_and_read_by_the_chain_only(client, people, period):
    submission = _draft(people, period)
    client.force_login(people["town"])
    response = client.post(
        reverse("assessments:attach_files", args=[submission.pk]),
        {"files": [SimpleUploadedFile("抽查通报.pdf", PDF, "application/pdf")]},
    )
    assert response.status_code == 302
    stored = SubmissionFile.objects.get(submission=submission)
    assert stored.name == "抽查通报.pdf" and stored.uploaded_by == people["town"]
    audit = AuditEntry.objects.get(submission=submission, action=AuditAction.ATTACH)
    assert audit.new == "抽查通报.pdf"
    url = reverse("assessments:submission_file", args=[stored.pk])
    for who, expected in (("town", 200), ("district", 200), ("district_office", 200),
                          ("city_office", 200), ("department", 404), ("sibling_town", 404),
                          ("baodi", 404)):  # fmt: skip
        client.force_login(people[who])
        response = client.get(url)
        assert response.status_code == expected, who
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF
    client.force_login(people["district_office"])
    detail = client.get(reverse("assessments:submission_detail", args=[submission.pk]))
    assert "抽查通报.pdf" in detail.content.decode()


def test_refused_files_and_people_leave_nothing(people, period):
    submission = _draft(people, period)
    with pytest.raises(ReportingError, match="与扩展名不符"):
        attachments.attach(user=people["town"], submission=submission,
                           files=[attachments.Upload("a.pdf", PDF),
                                  attachments.Upload("b.pdf", b"MZ\x90\x00")])  # fmt: skip
    assert not SubmissionFile.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ATTACH).exists()
    with pytest.raises(PermissionDenied):
        attachments.attach(user=people["sibling_town"], submission=submission,
                           files=[attachments.Upload("a.pdf", PDF)])  # fmt: skip
    with pytest.raises(PermissionDenied):
        attachments.attach(user=people["district_office"], submission=submission,
                           files=[attachments.Upload("a.pdf", PDF)])  # fmt: skip
    services.submit(user=people["town"], submission=submission, version=submission.version)
    services.approve(user=people["district_office"], submission=submission)
    with pytest.raises(ReportingError, match="已审核锁定"):
        attachments.attach(user=people["town"], submission=submission,
                           files=[attachments.Upload("a.pdf", PDF)])  # fmt: skip
