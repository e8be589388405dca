"""Scores an office can sign: one scenario of 晋安区's towns computed by hand, run through the real
SQL (SQLite here, PostgreSQL in CI's second run), then published, moved by an edited target,
and corrected — through the pages and the API.

The rulebook (100 points) of 2023, a year that is over (so the figures are the real ones):
- 1 省级监督抽查合格率 (T03 ≥ 93), 40 points, deduct 5 per point short (per 1);
- 2 群众满意度 (weighted by respondents), 30 points, by rank: 30, 28, 26, 24, 22, 20;
- 3 食品监督抽查合格率, 25 points, proportional to a 达标值 of 100;
- 4 国家监督抽查合格率 above the province's average (T01), 5 points: no reference value is
  recorded, so every town scores 0 and is flagged 缺参照值.

The towns (the other three report nothing: 未参评):
- 鼓山镇 A: 100/100 → 40; satisfaction 90 (200 asked) → 1st → 30; food 3999/5000 = 79.98 % →
  25 × 0.7998 = 19.995; total 89.995 → 90.00 (两位小数，四舍五入) → A.
- 新店镇 B: 910/1000 = 91 % → 2 short → 40 − 10 = 30; satisfaction (85.1 × 3 + 85.5 × 1) / 4
  = 85.2 (as floats 85.19999999999999) → tied 2nd → 28; food 100/100 → 25; total 83 → B.
- 岳峰镇 C: 93/100 → 40; satisfaction (85.4 × 3 + 84.9 × 2) / 5 = 85.2 (as floats
  85.20000000000002) → tied 2nd with B, not ahead of it → 28; food 0/0: no rate → 0; total 68 → C.
- 宦溪镇 D: 95/100 → 40; satisfaction 100 from 0 respondents: no figure → 0, and nobody moves
  down; food 90/100 → 22.5; total 62.5 → C.
- 寿山乡 E: 100/100 → 40; satisfaction 80 → 4th → 24; food 96/100 → 24; total 88 but a 较大
  incident → vetoed: D, ranked after all the others.
- 日溪乡 F: 80/100 → 13 short → 65 off 40 → 0; satisfaction 70 → 5th → 22; food 50/100 → 12.5;
  total 34.5 → D.
Ranks: A 1, B 2, C 3, D 4, F 5, E 6; six peers; grades A 1, B 1, C 2, D 2.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import (
    DataElement,
    Indicator,
    Period,
    Publication,
    QualityIncident,
    RegionFigure,
    RegionResult,
    Rulebook,
    RuleItem,
    Status,
    Submission,
    Value,
    VetoRule,
)
from assessments.scoring import runs
from portal.models import Region, Role
from targets.models import Target

pytestmark = pytest.mark.django_db
YEAR = 2023
JINAN = "350111"
A, B, C, D, E, F = "350111100", "350111101", "350111102", "350111103", "350111201", "350111202"
SILENT = ["350111001", "350111002", "350111003"]


def _approved(code, period, figures):
    submission = Submission.objects.create(
        region=Region.objects.get(code=code), period=period, status=Status.APPROVED
    )
    elements = {e.code: e for e in DataElement.objects.filter(code__in=figures)}
    Value.objects.bulk_create(
        Value(submission=submission, element=elements[c], value=Decimal(str(v)))
        for c, v in figures.items()
    )


def quarter(sampled, qualified, food_sampled, food_qualified, score=None, asked=None):
    figures = {"prov_sampled": sampled, "prov_qualified": qualified,
               "food_sampled": food_sampled, "food_qualified": food_qualified}  # fmt: skip
    if score is not None:
        figures |= {"satisfaction_score": score, "satisfaction_respondents": asked}
    return figures


@pytest.fixture
def book(db):
    periods = {
        q: Period.objects.create(year=YEAR, quarter=q, opens_on=date(YEAR, 3 * q, 1),
                                 closes_on=date(YEAR, 3 * q, 20))
        for q in (1, 2)
    }  # fmt: skip
    targets = {t.code: t for t in Target.objects.filter(document__key="jinan-2012")}
    rulebook = Rulebook.objects.create(year=YEAR, scope=Region.objects.get(code=JINAN), level=4,
                                       name="晋安区乡镇考核")  # fmt: skip
    items = [
        dict(code="1", name="省级监督抽查合格率", points=40, method="deduction",
             target=targets["T03"], indicator=targets["T03"].measure.indicator,
             params={"per": 1, "deduct": 5}),
        dict(code="2", name="群众满意度", points=30, method="rank",
             indicator=Indicator.objects.get(code="satisfaction"),
             params={"table": [30, 28, 26, 24, 22, 20]}),
        dict(code="3", name="食品监督抽查合格率", points=25, method="proportional",
             indicator=targets["T04"].measure.indicator, comparator=">=", threshold=100),
        dict(code="4", name="国家监督抽查合格率高于全省平均", points=5, method="relative",
             target=targets["T01"], indicator=targets["T01"].measure.indicator),
    ]  # fmt: skip
    for order, item in enumerate(items, start=1):
        RuleItem.objects.create(rulebook=rulebook, order=order, **item)
    VetoRule.objects.create(rulebook=rulebook, min_severity=2, description="较大及以上事故否决")
    q1, q2 = periods[1], periods[2]
    _approved(A, q1, quarter(100, 100, 5000, 3999, 90, 200))
    _approved(B, q1, quarter(1000, 910, 100, 100, 85.1, 3))
    _approved(B, q2, {"satisfaction_score": 85.5, "satisfaction_respondents": 1})
    _approved(C, q1, quarter(100, 93, 0, 0, 85.4, 3))
    _approved(C, q2, {"satisfaction_score": 84.9, "satisfaction_respondents": 2})
    _approved(D, q1, quarter(100, 95, 100, 90, 100, 0))
    _approved(E, q1, quarter(100, 100, 100, 96, 80, 100))
    _approved(F, q1, quarter(100, 80, 100, 50, 70, 50))
    QualityIncident.objects.create(region=Region.objects.get(code=E), occurred_on=date(YEAR, 5, 1),
                                   severity=2, description="食品安全事故")  # fmt: skip
    return rulebook


def results(rulebook):
    return {r.region.code: r for r in RegionResult.objects.filter(rulebook=rulebook)}


EXPECTED = {  # code: (total, grade, rank, items)
    A: (Decimal("90.00"), "A", 1, {"1": 40, "2": 30, "3": 19.995, "4": 0}),
    B: (Decimal("83.00"), "B", 2, {"1": 30, "2": 28, "3": 25, "4": 0}),
    C: (Decimal("68.00"), "C", 3, {"1": 40, "2": 28, "3": 0, "4": 0}),
    D: (Decimal("62.50"), "C", 4, {"1": 40, "2": 0, "3": 22.5, "4": 0}),
    F: (Decimal("34.50"), "D", 5, {"1": 0, "2": 22, "3": 12.5, "4": 0}),
    E: (Decimal("88.00"), "D", 6, {"1": 40, "2": 24, "3": 24, "4": 0}),
}


def test_every_number_of_the_scenario_as_computed_by_hand(book):
    runs.run_year(year=YEAR)
    found = results(book)
    for code, (total, grade, rank, items) in EXPECTED.items():
        result = found[code]
        assert (result.total, result.grade, result.rank) == (total, grade, rank), code
        assert result.items == pytest.approx(items), code
        assert (result.peers, result.reported, result.projected) == (6, True, False)
        assert result.flags == [{"item": "4", "kind": "missing_reference"}]
    # The two 85.2 satisfactions are the same figure, whatever the database summed.
    assert found[B].figures["satisfaction"] == found[C].figures["satisfaction"] == 85.2
    assert found[D].figures["satisfaction"] is None  # 0 respondents: no score
    assert found[C].figures["food_pass_rate"] is None  # 0 of 0 sampled: no rate
    assert found[E].vetoed and "食品安全事故" in found[E].veto_reason
    for code in SILENT:
        assert (found[code].reported, found[code].grade, found[code].rank) == (False, "", None)
    # The district's own satisfaction ignores the score from nobody: each town weighs by its
    # respondents, (90 × 200 + 85.2 × 4 + 85.2 × 5 + 80 × 100 + 70 × 50) / (200 + 4 + 5 + 100
    # + 50) = 30266.8 / 359 = 84.3086; with 宦溪镇's 100 as a plain value it would be higher.
    district = RegionFigure.objects.get(year=YEAR, region__code=JINAN,
                                        indicator__code="satisfaction")  # fmt: skip
    assert district.value == pytest.approx(30266.8 / 359, abs=1e-6)
    run = book.results.first().run
    assert run.summary["flags"] == {"missing_reference": 6}


def _office(make_user):
    return make_user(role=Role.OFFICE, region=JINAN, username="jinan-signer")


def test_publish_move_and_correct_through_the_pages_and_the_api(book, client, make_user):
    runs.run_year(year=YEAR)
    office = _office(make_user)
    client.force_login(office)
    page = reverse("assessments:rulebook_results", args=[book.pk])
    assert "试算结果，未发布" in client.get(page).content.decode()
    publish = reverse("assessments:publish", args=[book.pk])
    # The flags must be confirmed: nothing is published without it.
    response = client.post(publish, follow=True)
    assert "缺参照值" in response.content.decode() and not Publication.objects.exists()
    response = client.post(publish, {"confirm_flags": "on"})
    first = Publication.objects.get()
    assert response.status_code == 302 and (first.number, first.published_by) == (1, office)
    assert first.results.get(region__code=A).grade == "A"
    assert first.definitions["items"][0]["threshold"] == 93.0

    # The office raises T03 from 93 to 95: the run page says so, publishing is refused until a
    # run follows the new definition, and the run does not touch what was published.
    target = Target.objects.get(document__key="jinan-2012", code="T03")
    target.value = Decimal("95")
    target.save()
    runs_page = client.get(reverse("assessments:assessment_runs") + f"?year={YEAR}")
    assert "1 达标值：93 → 95" in runs_page.content.decode()
    refused = client.post(publish, {"confirm_flags": "on", "reason": "T03 调整"}, follow=True)
    assert "请重新计算" in refused.content.decode() and Publication.objects.count() == 1
    runs.run_year(year=YEAR)
    # 新店镇 is now 4 short: 40 − 20 = 20, total 73 (C); 岳峰镇 2 short: 30, total 58 (D).
    assert (results(book)[B].total, results(book)[B].grade) == (Decimal("73.00"), "C")
    shown = client.get(page)
    assert shown.context["shown"].publication == first  # readers still see what was signed
    assert {r.region.code: r.grade for r in shown.context["shown"].results}[B] == "B"

    # A correction needs a reason; through the API.
    api = client.post(reverse("api:rulebook-publish", args=[book.pk]),
                      {"confirm_flags": True}, content_type="application/json")  # fmt: skip
    assert api.status_code == 409 and api.json()["code"] == "not_publishable"
    api = client.post(reverse("api:rulebook-publish", args=[book.pk]),
                      {"confirm_flags": True, "reason": "省级合格率目标调整为95%"},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 201, api.json()
    second = Publication.objects.get(number=2)
    assert (second.supersedes, second.reason) == (first, "省级合格率目标调整为95%")
    grades = {r["region"]["code"]: r["grade"] for r in api.json()["results"]}
    assert grades[B] == "C" and grades[C] == "D"

    # The first publication stays readable, as signed, and says it was corrected.
    old = client.get(reverse("assessments:publication", args=[first.pk]))
    assert old.status_code == 200 and "已被更正" in old.content.decode()
    assert {r.region.code: r.grade for r in old.context["results"]}[B] == "B"
    old_api = client.get(reverse("api:publication-detail", args=[first.pk])).json()
    assert {r["region"]["code"]: r["grade"] for r in old_api["results"]}[B] == "B"
    listed = client.get(reverse("api:publication-list") + f"?year={YEAR}").json()
    numbers = [p["number"] for p in listed.get("results", listed)]
    assert numbers == [2, 1]
    new = client.get(reverse("assessments:publication", args=[second.pk])).content.decode()
    assert "省级合格率目标调整为95%" in new and "93 → 95" in new


def test_only_the_rulebooks_own_office_publishes(book, client, make_user):
    runs.run_year(year=YEAR)
    city = make_user(role=Role.OFFICE, region="350100", username="city-office")
    client.force_login(city)
    assert client.get(reverse("assessments:rulebook_results", args=[book.pk])).status_code == 200
    assert client.post(reverse("assessments:publish", args=[book.pk])).status_code == 404
    api = client.post(reverse("api:rulebook-publish", args=[book.pk]), {},
                      content_type="application/json")  # fmt: skip
    assert api.status_code == 403
    town = make_user(role=Role.REGION_OFFICIAL, region=A, username="town-official")
    client.force_login(town)
    assert client.get(reverse("assessments:rulebook_results", args=[book.pk])).status_code == 404
    assert not Publication.objects.exists()
