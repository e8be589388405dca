"""The reviewer's page of a submission: each figure beside last quarter's, the same quarter last
year's and the peers' median (hand-computed below), the soft warnings and the official's
explanation; a late first submission is marked 逾期; the way back is the approval queue."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from assessments.models import Period, Submission
from assessments.reporting import services
from portal.models import Region

from .conftest import GUSHAN, TOWN_FIGURES, XINDIAN

pytestmark = pytest.mark.django_db


def _submit(user, code, period, figures, comments=None):
    submission = services.open_submission(user=user, region=Region.objects.get(code=code),
                                           period=period)  # fmt: skip
    services.save_figures(user=user, submission=submission, version=1, figures=figures,
                          comments=comments or {})  # fmt: skip
    return services.submit(user=user, submission=submission, version=2)


def _cells(html: str, name: str) -> list[str]:
    row = re.search(rf"<tr[^>]*><td>{name}.*?</tr>", html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_each_figure_beside_its_history_and_peers(client, people, period):
    # Earlier quarters with their windows open today, so the town can still enter them here.
    window = {"opens_on": period.opens_on, "closes_on": period.closes_on}
    earlier = Period.objects.create(year=2089, quarter=4, **window)
    last_year = Period.objects.create(year=2089, quarter=1, **window)
    for old, sampled in ((earlier, "39"), (last_year, "38")):
        _submit(people["town"], GUSHAN, old, TOWN_FIGURES | {"nat_sampled": sampled})
    _submit(people["sibling_town"], XINDIAN, period, TOWN_FIGURES | {"nat_sampled": "60"})
    submission = _submit(people["town"], GUSHAN, period, TOWN_FIGURES,
                         comments={"nat_sampled": "新增两家抽查企业"})  # fmt: skip
    client.force_login(people["district_office"])
    html = client.get(reverse("assessments:submission_detail", args=[submission.pk])).content
    html = html.decode()
    # 国家监督抽查批次: 40 now; 39 last quarter; 38 a year ago; median of 40 and 60 is 50.
    cells = _cells(html, "国家监督抽查批次")
    assert cells[1:5] == ["40", "39", "38", "50"]
    assert cells[6] == "新增两家抽查企业"
    assert 'href="/reporting/queue/"' in html.split("<h1")[0]
    assert "逾期" not in html


def test_a_late_first_submission_is_marked(client, people, period):
    submission = _submit(people["town"], GUSHAN, period, TOWN_FIGURES)
    Submission.objects.filter(pk=submission.pk).update(
        first_submitted_at=submission.first_submitted_at + timedelta(days=30)
    )
    client.force_login(people["district_office"])
    html = client.get(reverse("assessments:submission_detail", args=[submission.pk])).content
    assert '<span class="tag warn">逾期</span>' in html.decode()
